"""Run every lab in docs/labs/*.md and compare what kvcli prints with what the lab shows.

The format is described in docs/labs/README.md: each ```console block holds `$ kvcli ...`
lines, each followed by its expected output (stdout and stderr as printed) and, when the
exit status is not 0, a last line `# exit N`. Placeholders: `<ANY>` (any text on a line),
`<GUID>`, `<SUBSCRIPTION>`, `<TENANT>` (a GUID) and a line `<...>` (any number of lines).

Every lab runs in its own fresh KVCLI_HOME with KVCLI_NOW fixed (see conftest.py), from an
empty working directory, its commands in order. A new lab is just a new Markdown file. To see what a lab's commands
print now (when writing one): `python tests/test_labs.py docs/labs/NAME.md`.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

LABS = Path(__file__).resolve().parents[1] / "docs" / "labs"
GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PLACEHOLDERS = {"<ANY>": r".*?", "<GUID>": GUID, "<SUBSCRIPTION>": GUID, "<TENANT>": GUID}
ANY_LINES = "<...>"
EXIT_LINE = re.compile(r"^# exit (\d+)$")
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
SUBSTITUTION = re.compile(r"\$\((kvcli [^()]*)\)")


@dataclass
class Step:
    line: int          # where the command is in the lab, for messages
    command: str
    expected: list[str]
    exit_code: int


def lab_files() -> list[Path]:
    return sorted(path for path in LABS.glob("*.md") if path.name != "README.md")


def parse(text: str) -> list[Step]:
    """The steps of every ```console block, in order."""
    steps: list[Step] = []
    in_block = False
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not in_block:
            in_block = line.strip() == "```console"
            continue
        if line.strip() == "```":
            in_block = False
            continue
        if line.startswith("$ "):
            start = index
            command = line[2:]
            while command.endswith("\\") and index < len(lines):
                command = command[:-1].rstrip() + " " + lines[index].strip()
                index += 1
            steps.append(Step(start, command.strip(), [], 0))
        elif steps:
            steps[-1].expected.append(line)
        else:
            raise ValueError(f"line {index}: output before any `$ ` command line")
    for step in steps:
        if step.expected and (match := EXIT_LINE.match(step.expected[-1])):
            step.exit_code = int(match.group(1))
            step.expected.pop()
    return steps


def _normalise(text: str) -> str:
    """Trailing spaces and trailing blank lines do not count (Markdown editors drop them)."""
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")).rstrip("\n")


def pattern(expected: list[str]) -> re.Pattern:
    parts = []
    for line in _normalise("\n".join(expected)).split("\n"):
        if line == ANY_LINES:
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        piece = re.escape(line)
        for name, regex in PLACEHOLDERS.items():
            piece = piece.replace(re.escape(name), regex)
        parts.append(piece + r"\n")
    return re.compile("".join(parts), re.DOTALL)


def matches(expected: list[str], actual: str) -> bool:
    return pattern(expected).fullmatch(_normalise(actual) + "\n") is not None


def _substitute(command: str) -> str:
    """`$(kvcli ...)`: what the inner command prints, as a shell would put it in its place."""
    output, code = run(command)
    if code:
        raise ValueError(f"$({command}) failed with exit {code}: {output}")
    return output.rstrip("\n")


def run(command: str) -> tuple[str, int]:
    """Run one `[NAME=value ...] kvcli ARGS` line in-process; stdout and stderr merged in
    the order they were written, as a terminal shows them."""
    from kvcli.cli.app import main

    command = SUBSTITUTION.sub(lambda match: _substitute(match.group(1)), command)
    words = shlex.split(command)
    env = {}
    while words and ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if not words or words[0] != "kvcli":
        raise ValueError(f"a lab may only run kvcli, not: {command}")
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    out = io.StringIO()
    old_stdin, sys.stdin = sys.stdin, io.StringIO("")
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main(words[1:])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.stdin = old_stdin
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return out.getvalue(), code


def test_labs_exist():
    assert len(lab_files()) >= 3


def test_parse_format():
    steps = parse("text\n```console\n$ kvcli a \\\n  --b\nout\n# exit 2\n$ kvcli c\n```\n"
                  "```sh\n$ not run\n```\n")
    assert [(s.command, s.expected, s.exit_code) for s in steps] == [
        ("kvcli a --b", ["out"], 2), ("kvcli c", [], 0)]
    assert matches(["id: <GUID>", "<...>", "end <ANY>."],
                   "id: 0f8fad5b-d9cb-469f-a165-70867728950e\nx\ny\nend here.\n")
    assert not matches(["a"], "a\nb\n")
    assert matches([], "") and matches(["<...>"], "")


def test_command_substitution():
    output, code = run("kvcli group show -n $(kvcli group create -n sub-rg -l eastus --query "
                       "name -o tsv) --query name -o tsv")
    assert (output, code) == ("sub-rg\n", 0)


@pytest.mark.parametrize("lab", lab_files(), ids=lambda path: path.stem)
def test_lab(lab, home, tmp_path, monkeypatch):
    workdir = tmp_path / "work"  # files a lab writes (-f x.blob) land here, not in the repo
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    steps = parse(lab.read_text(encoding="utf-8"))
    assert steps, f"{lab.name} has no ```console block"
    for number, step in enumerate(steps, 1):
        output, code = run(step.command)
        if matches(step.expected, output) and code == step.exit_code:
            continue
        shown = output.rstrip("\n").split("\n") + ([f"# exit {code}"] if code else [])
        wanted = step.expected + ([f"# exit {step.exit_code}"] if step.exit_code else [])
        diff = "\n".join(difflib.unified_diff(wanted, shown, "lab", "kvcli", lineterm=""))
        pytest.fail(f"{lab.name}:{step.line} step {number}: $ {step.command}\n{diff}",
                    pytrace=False)


if __name__ == "__main__":
    # Print what each step of a lab prints now, in the lab format (for authors).
    import tempfile

    for name in sys.argv[1:]:
        text = Path(name).read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as scratch:
            os.environ["KVCLI_HOME"] = os.path.join(scratch, "home")
            os.environ.setdefault("KVCLI_NOW", "2026-01-01T00:00:00Z")
            os.chdir(scratch)
            for step in parse(text):
                output, code = run(step.command)
                sys.stdout.write(f"$ {step.command}\n{output}")
                if code:
                    sys.stdout.write(f"# exit {code}\n")
