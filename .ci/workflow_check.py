#!/usr/bin/env python3
"""Checks GitHub workflow files and composite actions for what their JSON schemas cannot
see (check-jsonschema checks the shape; this checks that the parts refer to each other):

    python3 .ci/workflow_check.py FILE.yml ...

- no `${{` inside a `run:` script: values reach scripts as environment variables, so an
  input, a branch name or a secret never becomes shell code;
- every `needs.J.outputs.O` names a job J that the job needs and an output J declares;
  every job in `needs` exists;
- every `steps.S.outputs.O` names a step S with that id before it (in the same job or
  action), every `matrix.K` a key of the job's matrix, every `inputs.X` of an action an
  input it declares;
- every step has `run:` or `uses:` (not both), a `uses:` is pinned to a ref (`@v4`), and a
  composite action's `run:` step names its shell;
- every `run:` script passes ShellCheck (all its levels) when `shellcheck` is on PATH,
  and `bash -n` always.

Prints one line per problem, `FILE: where: what`, and exits 1 if there was any.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
REFERENCE = re.compile(r"\b(needs|steps|matrix|inputs)((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")

problems = []


def problem(file, where, what):
    problems.append(f"{file}: {where}: {what}")


def expressions(value):
    """The expressions in a value: the `${{ }}` parts of its strings, at any depth."""
    if isinstance(value, str):
        return [match.group(1) for match in EXPRESSION.finditer(value)]
    if isinstance(value, dict):
        return [e for item in value.values() for e in expressions(item)]
    if isinstance(value, list):
        return [e for item in value for e in expressions(item)]
    return []


def references(expression):
    return [(m.group(1), m.group(2).split(".")[1:]) for m in REFERENCE.finditer(expression)]


class Scope:
    """What the expressions at one place may refer to."""

    def __init__(self, needs=None, outputs=None, steps=(), matrix=None, inputs=None):
        self.needs = needs  # {job: set(outputs)} or None where `needs` does not apply
        self.steps = set(steps)
        self.matrix = matrix  # set of keys, or None outside a matrix job
        self.inputs = inputs  # set of names, or None outside an action


def check_references(file, where, value, scope, bare=False):
    found = [value] if bare and isinstance(value, str) else expressions(value)
    for expression in found:
        for context, path in references(expression):
            name = path[0] if path else ""
            if context == "needs":
                if scope.needs is None or name not in scope.needs:
                    problem(file, where, f"needs.{name}: not a job this job needs")
                elif len(path) >= 3 and path[1] == "outputs" and path[2] not in scope.needs[name]:
                    problem(file, where, f"needs.{name}.outputs.{path[2]}: job {name} has no such output")
            elif context == "steps":
                if name not in scope.steps:
                    problem(file, where, f"steps.{name}: no step with this id before it")
            elif context == "matrix":
                if scope.matrix is None or name not in scope.matrix:
                    problem(file, where, f"matrix.{name}: not a key of the job's matrix")
            elif context == "inputs" and scope.inputs is not None and name not in scope.inputs:
                problem(file, where, f"inputs.{name}: the action declares no such input")


def check_script(file, where, script):
    if "${{" in script:
        problem(file, where, "`${{` inside run: pass the value in `env:` instead")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as handle:
        handle.write(script)
        path = handle.name
    try:
        syntax = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
        if syntax.returncode != 0:
            problem(file, where, "bash -n: " + syntax.stderr.strip().replace(path, "script"))
        if shutil.which("shellcheck"):
            # GitHub runs `bash -e {0}`: the script is a bash file of its own.
            lint = subprocess.run(
                ["shellcheck", "--shell=bash", "--severity=style", "--format=gcc", path],
                capture_output=True,
                text=True,
            )
            for line in lint.stdout.splitlines():
                problem(file, where, "shellcheck: " + line.replace(path + ":", "line "))
    finally:
        os.remove(path)


def check_steps(file, where, steps, scope, composite):
    seen = set()
    for number, step in enumerate(steps or [], 1):
        here = f"{where} step {number} ({step.get('name') or step.get('id') or step.get('uses', '')})"
        has_run, has_uses = "run" in step, "uses" in step
        if has_run == has_uses:
            problem(file, here, "a step needs exactly one of run: and uses:")
        if has_uses and not re.search(r"^[^@\s]+@[^@\s]+$", str(step["uses"])) and not str(
            step["uses"]
        ).startswith(("./", "docker://")):
            problem(file, here, f"uses: {step['uses']} is not pinned to a ref (name@ref)")
        if has_run and composite and "shell" not in step:
            problem(file, here, "a composite action's run: step must name its shell")
        step_scope = Scope(scope.needs, steps=seen, matrix=scope.matrix, inputs=scope.inputs)
        for key, value in step.items():
            if key == "run":
                check_script(file, here, str(value))
            elif key == "if":
                check_references(file, f"{here} if", value, step_scope, bare=True)
            else:
                check_references(file, f"{here} {key}", value, step_scope)
        if "id" in step:
            seen.add(step["id"])
    return seen


def matrix_keys(strategy):
    matrix = (strategy or {}).get("matrix")
    if not isinstance(matrix, dict):
        return None
    keys = {key for key in matrix if key not in ("include", "exclude")}
    for entry in matrix.get("include") or []:
        keys.update(entry)
    return keys


def check_workflow(file, workflow):
    jobs = workflow.get("jobs") or {}
    outputs = {name: set((job or {}).get("outputs") or {}) for name, job in jobs.items()}
    for name, job in jobs.items():
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        for need in needs:
            if need not in jobs:
                problem(file, f"job {name}", f"needs {need}: no such job")
        scope = Scope({need: outputs.get(need, set()) for need in needs}, matrix=matrix_keys(job.get("strategy")))
        for key, value in job.items():
            if key == "steps":
                continue
            if key == "if":
                check_references(file, f"job {name} if", value, scope, bare=True)
            elif key == "outputs":
                ids = {step.get("id") for step in job.get("steps") or [] if "id" in step}
                check_references(file, f"job {name} outputs", value, Scope(scope.needs, steps=ids, matrix=scope.matrix))
            else:
                check_references(file, f"job {name} {key}", value, scope)
        check_steps(file, f"job {name}", job.get("steps"), scope, composite=False)


def check_action(file, action):
    runs = action.get("runs") or {}
    inputs = set(action.get("inputs") or {})
    if runs.get("using") != "composite":
        return
    seen = check_steps(file, "runs", runs.get("steps"), Scope(inputs=inputs), composite=True)
    check_references(file, "outputs", action.get("outputs") or {}, Scope(steps=seen, inputs=inputs))


def main():
    if len(sys.argv) < 2:
        print("usage: workflow_check.py FILE.yml ...", file=sys.stderr)
        sys.exit(2)
    for file in sys.argv[1:]:
        with open(file, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        if not isinstance(document, dict):
            problem(file, "top level", "not a mapping")
        elif "runs" in document:
            check_action(file, document)
        else:
            check_workflow(file, document)
    for line in problems:
        print(line)
    print(f"workflow check: {len(problems)} problems in {len(sys.argv) - 1} files")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
