#!/usr/bin/env python3
"""Runs the steps of a composite action (action.yml) the way a GitHub runner does, on this
machine, so that .ci/action-test.sh can test the action's scripts without GitHub.

    python3 .ci/action_runner.py --action action.yml --workspace DIR --temp DIR \
        --runner-os Linux --runner-arch X64 [--input NAME=VALUE ...] [--env NAME=VALUE ...] \
        [--steps ID,...]

What a runner does and this does too:
- each `run:` step is written to a file and run with `bash --noprofile --norc -eo pipefail
  FILE` (GitHub's command for `shell: bash`), in the workspace (or its `working-directory`);
- `${{ ... }}` in a step's `env`, `name` and `working-directory` and in the action's
  outputs is replaced with the value of `inputs.*` (the given inputs, else the action's
  defaults), `github.*`, `runner.*` or `steps.<id>.outputs.*`; a composite action's inputs
  reach its scripts only through such expressions (GitHub sets no INPUT_* variables for
  composite actions: actions/runner#665), so none are set here either;
- the environment a runner gives: GITHUB_ACTIONS, CI, GITHUB_WORKSPACE, GITHUB_ACTION_PATH,
  RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, and fresh GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and
  GITHUB_STEP_SUMMARY files per step, whose contents are applied as the runner applies them
  (outputs for `steps.<id>.outputs`, variables and PATH entries for the steps after);
- the first step that fails ends the run, with its exit status (the action's outputs are
  printed all the same).

What it refuses, so that the test fails rather than pass on something it cannot judge:
a `${{` inside a `run:` script (inputs must reach scripts as environment variables), an
expression other than a plain context reference, a step with `if:` or `uses:`, and a shell
other than bash.

The action's outputs are printed at the end as `output NAME=VALUE` lines.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
REFERENCE = re.compile(r"^\s*([a-z_]+)((?:\.[A-Za-z0-9_-]+)+)\s*$")


def fail(message):
    print(f"action_runner: {message}", file=sys.stderr)
    sys.exit(2)


def pairs(values, what):
    result = {}
    for value in values:
        if "=" not in value:
            fail(f"{what} must be NAME=VALUE, not {value!r}")
        name, _, rest = value.partition("=")
        result[name] = rest
    return result


def substitute(text, contexts, where):
    def value(match):
        reference = REFERENCE.match(match.group(1))
        if not reference:
            fail(f"{where}: unsupported expression ${{{{{match.group(1)}}}}}")
        node = contexts.get(reference.group(1))
        for key in reference.group(2).split(".")[1:]:
            if not isinstance(node, dict):
                fail(f"{where}: unknown context ${{{{{match.group(1)}}}}}")
            # A missing property is an empty string in GitHub's expressions.
            node = node.get(key, "")
        if node is None or isinstance(node, dict):
            fail(f"{where}: ${{{{{match.group(1)}}}}} is not a value")
        return str(node)

    return EXPRESSION.sub(value, str(text))


def read_outputs(path):
    """The `NAME=VALUE` and `NAME<<DELIMITER` lines of a GITHUB_OUTPUT or GITHUB_ENV file."""
    values = {}
    with open(path, encoding="utf-8") as file:
        lines = file.read().split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        heredoc = re.match(r"^([^=<]+)<<(.+)$", line)
        if heredoc:
            name, delimiter = heredoc.groups()
            body = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index == len(lines):
                fail(f"{path}: no closing {delimiter!r} for {name}")
            index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, _, value = line.partition("=")
            values[name] = value
        else:
            fail(f"{path}: not NAME=VALUE: {line!r}")
    return values


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--action", required=True)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--temp", required=True, help="RUNNER_TEMP")
    parser.add_argument("--runner-os", required=True, choices=["Linux", "macOS", "Windows"])
    parser.add_argument("--runner-arch", required=True, choices=["X86", "X64", "ARM", "ARM64"])
    parser.add_argument("--input", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--steps", help="run only the steps with these ids (comma-separated)")
    parser.add_argument("--action-repository", default="prodlint/prodlint")
    args = parser.parse_args()

    action_path = os.path.dirname(os.path.abspath(args.action))
    with open(args.action, encoding="utf-8") as file:
        action = yaml.safe_load(file)
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        fail("not a composite action")

    declared = action.get("inputs") or {}
    given = pairs(args.input, "--input")
    for name in given:
        if name not in declared:
            fail(f"the action has no input {name!r}")
    inputs = {name: str((spec or {}).get("default", "")) for name, spec in declared.items()}
    inputs.update(given)

    workspace = os.path.abspath(args.workspace)
    temp = os.path.abspath(args.temp)
    os.makedirs(temp, exist_ok=True)
    # The machine's own environment, without anything that a runner would set itself.
    base_env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GITHUB_", "RUNNER_", "INPUT_"))
    }
    base_env.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": workspace,
            "GITHUB_ACTION_PATH": action_path,
            "GITHUB_ACTION_REPOSITORY": "",
            "RUNNER_OS": args.runner_os,
            "RUNNER_ARCH": args.runner_arch,
            "RUNNER_TEMP": temp,
        }
    )
    base_env.update(pairs(args.env, "--env"))
    contexts = {
        "inputs": inputs,
        "github": {
            "action_path": action_path,
            "action_repository": args.action_repository,
            "workspace": workspace,
        },
        "runner": {"os": args.runner_os, "arch": args.runner_arch, "temp": temp},
        "steps": {},
    }
    only = set(args.steps.split(",")) if args.steps else None
    failed = 0

    for number, step in enumerate(runs.get("steps") or [], 1):
        step_id = step.get("id", f"step{number}")
        where = f"step {number} ({step.get('name', step_id)})"
        for key in ("if", "uses"):
            if key in step:
                fail(f"{where}: `{key}:` is not supported by this runner")
        if step.get("shell") != "bash":
            fail(f"{where}: shell must be bash, not {step.get('shell')!r}")
        script = step.get("run")
        if not isinstance(script, str):
            fail(f"{where}: no run: script")
        if "${{" in script:
            fail(f"{where}: `${{{{` inside run: an input must reach the script as an env variable")
        name = substitute(step.get("name", step_id), contexts, where)
        if only is not None and step_id not in only:
            continue

        files = {}
        for variable in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"):
            handle, files[variable] = tempfile.mkstemp(prefix=variable.lower() + "-", dir=temp)
            os.close(handle)
        env = dict(base_env)
        env.update(files)
        for variable, value in (step.get("env") or {}).items():
            env[str(variable)] = substitute(value, contexts, f"{where} env {variable}")
        cwd = os.path.join(
            workspace, substitute(step.get("working-directory", "."), contexts, where)
        )
        handle, script_path = tempfile.mkstemp(suffix=".sh", dir=temp)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(script)

        print(f"::group::{name}", flush=True)
        status = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script_path],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
        ).returncode
        print("::endgroup::", flush=True)

        contexts["steps"][step_id] = {"outputs": read_outputs(files["GITHUB_OUTPUT"])}
        base_env.update(read_outputs(files["GITHUB_ENV"]))
        with open(files["GITHUB_PATH"], encoding="utf-8") as file:
            added = [line for line in file.read().split("\n") if line.strip()]
        for entry in added:
            print(f"path added: {entry}", flush=True)
            base_env["PATH"] = entry + os.pathsep + base_env.get("PATH", "")
        for path in files.values():
            os.remove(path)
        os.remove(script_path)
        if status != 0:
            print(f"step failed: {name} (exit status {status})", flush=True)
            failed = status
            break
        print(f"step passed: {name}", flush=True)

    # As on GitHub, the outputs of the steps that ran are set even when one failed.
    for name, spec in (action.get("outputs") or {}).items():
        value = substitute((spec or {}).get("value", ""), contexts, f"output {name}")
        print(f"output {name}={value}", flush=True)
    sys.exit(failed)


if __name__ == "__main__":
    # Any failure of the runner itself is exit status 2, never a status a step could give.
    try:
        main()
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001
        fail(f"internal error: {error!r}")
