#!/usr/bin/env python3
"""Editor latency: how long `prodlint lsp` takes from a change of a buffer to the
diagnostics for it, as an editor sees it (the server's 150 ms debounce included).

Opens FILE of the project ROOT, waits for its first diagnostics (the cold run: indexes
built), then sends CHANGES edits, each waiting for the diagnostics of its version, and
prints the cold time and the median, min and max of the edits.

usage: bench/lsp-latency.py BINARY ROOT FILE [CHANGES]
"""

import json
import pathlib
import statistics
import subprocess
import sys
import time


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def wait_for_version(proc, uri, version):
    """Reads until diagnostics for `uri` at `version` arrive; answers server requests."""
    while True:
        message = receive(proc)
        if "id" in message and "method" in message:
            send(proc, {"jsonrpc": "2.0", "id": message["id"], "result": None})
            continue
        if message.get("method") != "textDocument/publishDiagnostics":
            continue
        params = message["params"]
        if params["uri"] == uri and params.get("version") == version:
            return params["diagnostics"]


def main():
    binary = str(pathlib.Path(sys.argv[1]).resolve())
    root, file = pathlib.Path(sys.argv[2]).resolve(), sys.argv[3]
    changes = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    path = (root / file).resolve()
    uri = path.as_uri()
    text = path.read_text()
    language = "rust" if path.suffix == ".rs" else "typescript"
    proc = subprocess.Popen([binary, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": root.as_uri(), "capabilities": {},
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]}})
    while receive(proc).get("id") != 1:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})

    started = time.perf_counter()
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": language, "version": 1, "text": text}}})
    findings = len(wait_for_version(proc, uri, 1))
    cold = time.perf_counter() - started

    latencies = []
    for version in range(2, changes + 2):
        # An edit that changes the text but not the findings: a comment at the end.
        edited = f"{text}\n// edit {version}\n"
        started = time.perf_counter()
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": edited}]}})
        wait_for_version(proc, uri, version)
        latencies.append(time.perf_counter() - started)

    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    while receive(proc).get("id") != 2:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=10)
    ms = [x * 1000 for x in latencies]
    print(f"{file}: {findings} findings; open {cold * 1000:.0f} ms; "
          f"{changes} edits: median {statistics.median(ms):.0f} ms, "
          f"min {min(ms):.0f} ms, max {max(ms):.0f} ms (150 ms of each is the debounce)")


if __name__ == "__main__":
    main()
