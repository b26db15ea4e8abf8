#!/usr/bin/env python3
"""Compares prodlint's `non-send-across-await` findings with clippy's, per function.

Called by bench/accuracy-send.sh with one argument a crate:
    NAME|CHECKOUT|SCOPE|CLIPPY_JSON|PRODLINT_DEFAULT_JSON|PRODLINT_EVERY_JSON
SCOPE is a comma-separated list of directories of the checkout; only findings in files under
them count. A finding belongs to the innermost `fn` whose text contains it (its signature
or body); two findings in one function count once.

clippy's `future_not_send` reports every async fn whose future is not `Send`;
`await_holding_lock` and `await_holding_refcell_ref` report guards across `.await` wherever
they are. prodlint's default mode reports where something requires `Send` and guards across
`.await` everywhere; with `every_async_fn = true` it checks every async fn like
`future_not_send`. So: every_async_fn mode is compared with all three lints; default mode's
findings are checked against all three too (each must be confirmed by clippy), and its
recall is measured against the guard lints only, the only ones it claims everywhere.
"""

import json
import os
import re
import sys

LINTS = {
    "clippy::future_not_send",
    "clippy::await_holding_lock",
    "clippy::await_holding_refcell_ref",
}
GUARD_LINTS = {"clippy::await_holding_lock", "clippy::await_holding_refcell_ref"}

VERBOSE = os.environ.get("VERBOSE") == "1"

TOKEN = re.compile(
    r"""
      (?P<comment>//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)
    | (?P<raw>b?r(?P<hashes>\#*)")
    | (?P<string>b?"(?:[^"\\]|\\.)*")
    | (?P<char>b?'(?:[^'\\\n]|\\[^\n]{1,10}?)')
    | (?P<lifetime>'[A-Za-z_][A-Za-z0-9_]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>[{}()\[\];])
    | (?P<newline>\n)
    """,
    re.VERBOSE | re.DOTALL,
)


def functions(text):
    """(name, first line, last line) of every `fn` with a body, lines 1-based."""
    tokens = []  # (kind, value, line)
    line = 1
    pos = 0
    while pos < len(text):
        m = TOKEN.search(text, pos)
        if not m:
            break
        kind = m.lastgroup
        if kind == "hashes":
            kind = "raw"
        if kind == "raw":
            close = '"' + m.group("hashes")
            end = text.find(close, m.end())
            end = len(text) if end < 0 else end + len(close)
            line += text.count("\n", m.start(), end)
            pos = end
            continue
        value = m.group(kind)
        if kind in ("word", "punct"):
            tokens.append((kind, value, line))
        line += value.count("\n")
        pos = m.end()
    out = []
    for i, (kind, value, start_line) in enumerate(tokens):
        if kind != "word" or value != "fn" or i + 1 >= len(tokens):
            continue
        if tokens[i + 1][0] != "word":
            continue  # `fn(u8) -> u8` pointer types
        depth = 0
        j = i + 2
        while j < len(tokens):
            v = tokens[j][1]
            if v in "([":
                depth += 1
            elif v in ")]":
                depth -= 1
            elif depth == 0 and v in "{;":
                break
            j += 1
        if j >= len(tokens) or tokens[j][1] == ";":
            continue
        braces = 0
        k = j
        while k < len(tokens):
            v = tokens[k][1]
            if v == "{":
                braces += 1
            elif v == "}":
                braces -= 1
                if braces == 0:
                    break
            k += 1
        end_line = tokens[min(k, len(tokens) - 1)][2]
        out.append((tokens[i + 1][1], start_line, end_line))
    return out


class Functions:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def owner(self, path, first, last):
        """The innermost function overlapping lines first..last whose `fn` is not after
        `last`: a span inside a body, or a signature from its visibility on."""
        if path not in self.cache:
            try:
                with open(os.path.join(self.root, path), encoding="utf-8") as f:
                    self.cache[path] = functions(f.read())
            except OSError:
                self.cache[path] = []
        best = None
        for name, start, end in self.cache[path]:
            if start <= last and end >= first and (best is None or start > best[1]):
                best = (name, start, end)
        if best is None:
            return (path, 0, "?")
        return (path, best[1], best[0])


def in_scope(path, scopes):
    return any(path == s or path.startswith(s.rstrip("/") + "/") for s in scopes)


LACKS = re.compile(r"`([^`]+)` doesn't implement `std::marker::(Send|Sync)`")
AWAITS = re.compile(r"await occurs here on type `([^`]+)`")


def reasons(rendered):
    """clippy's why, short: `Rc<..>: !Send`, `awaits Op<..>`."""
    out = []
    for ty, trait in LACKS.findall(rendered):
        item = f"{ty}: !{trait}"
        if item not in out:
            out.append(item)
    for ty in AWAITS.findall(rendered):
        item = f"awaits {ty}"
        if item not in out:
            out.append(item)
    return out


def clippy_findings(json_path, root, scopes, funcs):
    found = {}  # function -> set of lints and reasons
    for raw in open(json_path, encoding="utf-8"):
        try:
            msg = json.loads(raw)
        except ValueError:
            continue
        if msg.get("reason") != "compiler-message":
            continue
        message = msg["message"]
        code = (message.get("code") or {}).get("code")
        if code not in LINTS:
            continue
        spans = [s for s in message["spans"] if s.get("is_primary")] or message["spans"]
        if not spans:
            continue
        span = spans[0]
        # A span in a macro's expansion: where the macro was called in the crate.
        while span["file_name"].startswith("<") and span.get("expansion"):
            span = span["expansion"]["span"]
        manifest_dir = os.path.dirname(msg.get("manifest_path", ""))
        absolute = os.path.normpath(os.path.join(manifest_dir, span["file_name"]))
        if not os.path.exists(absolute):
            absolute = os.path.normpath(os.path.join(root, span["file_name"]))
        path = os.path.relpath(absolute, root)
        if not in_scope(path, scopes):
            continue
        key = funcs.owner(path, span["line_start"], span["line_end"])
        entry = found.setdefault(key, set())
        entry.add(code)
        entry.update("why " + r for r in reasons(message.get("rendered") or ""))
    return found


def prodlint_findings(json_path, scopes, funcs):
    found = {}
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    for d in report["diagnostics"]:
        if d["rule"] != "non-send-across-await" or not in_scope(d["path"], scopes):
            continue
        key = funcs.owner(d["path"], d["line"], d["end_line"])
        found.setdefault(key, []).append(d["message"])
    return found, report.get("errors", [])


def place(key):
    path, line, name = key
    return f"{path}:{line} {name}"


def main(entries):
    totals = {
        "every": {"hits": 0, "fp": 0, "clippy": 0},
        "default": {"hits": 0, "fp": 0, "guard_clippy": 0, "guard_hits": 0},
    }
    for entry in entries:
        name, root, scope, clippy_json, default_json, every_json = entry.split("|")
        scopes = scope.split(",")
        funcs = Functions(root)
        clippy = clippy_findings(clippy_json, root, scopes, funcs)
        guards = {k for k, lints in clippy.items() if lints & GUARD_LINTS}
        why = {k: [w[4:] for w in sorted(v) if w.startswith("why ")] for k, v in clippy.items()}
        lints = {k: sorted(v & LINTS) for k, v in clippy.items()}
        print(f"== {name} ({len(clippy)} functions flagged by clippy, {len(guards)} of them by the guard lints)")
        for mode, path in (("default", default_json), ("every", every_json)):
            found, errors = prodlint_findings(path, scopes, funcs)
            hits = sorted(k for k in found if k in clippy)
            fps = sorted(k for k in found if k not in clippy)
            label = "default" if mode == "default" else "every_async_fn"
            print(f"  {label}: prodlint {len(found)}, hits {len(hits)}, false positives {len(fps)}")
            for k in fps:
                print(f"    false positive: {place(k)}: {found[k][0]}")
            if VERBOSE:
                for k in hits:
                    print(f"    hit: {place(k)}")
            t = totals[mode]
            t["hits"] += len(hits)
            t["fp"] += len(fps)
            if mode == "every":
                misses = sorted(k for k in clippy if k not in found)
                t["clippy"] += len(clippy)
                print(f"    misses {len(misses)} of {len(clippy)}")
                for k in misses:
                    print(f"    miss: {place(k)} ({', '.join(lints[k])}; {'; '.join(why[k])})")
            else:
                guard_misses = sorted(k for k in guards if k not in found)
                t["guard_clippy"] += len(guards)
                t["guard_hits"] += len(guards) - len(guard_misses)
                for k in guard_misses:
                    print(f"    miss (guard lint): {place(k)} ({', '.join(lints[k])}; {'; '.join(why[k])})")
            for e in errors:
                print(f"    prodlint could not read {e.get('path')}: {e.get('message')}")

    def ratio(a, b):
        return f"{a}/{b} = {100 * a / b:.1f} %" if b else f"{a}/{b}"

    e, d = totals["every"], totals["default"]
    print("== totals")
    print(
        f"  every_async_fn: precision {ratio(e['hits'], e['hits'] + e['fp'])}, "
        f"recall {ratio(e['hits'], e['clippy'])}"
    )
    print(
        f"  default: findings {d['hits'] + d['fp']}, false positives {d['fp']}, "
        f"precision {ratio(d['hits'], d['hits'] + d['fp'])}, "
        f"recall against the guard lints {ratio(d['guard_hits'], d['guard_clippy'])}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
