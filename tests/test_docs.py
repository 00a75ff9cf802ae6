"""Generated artefacts: the committed man page and completion files equal a fresh generation.

When this fails after you add or change a command, regenerate and commit:

    python -m kvcli.cli.docs
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kvcli.cli import docs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    env_free = {"SOURCE_DATE_EPOCH": None}
    with pytest.MonkeyPatch.context() as patch:
        for name in env_free:
            patch.delenv(name, raising=False)
        proc = subprocess.run([sys.executable, "-m", "kvcli.cli.docs", "--output-dir", str(out)],
                              capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("relative", [docs.MAN_PATH, *docs.COMPLETIONS])
def test_committed_copy_is_fresh(generated, relative):
    fresh = (generated / relative).read_text(encoding="utf-8")
    committed = ROOT / relative
    assert committed.is_file(), f"{relative} is missing: run `python -m kvcli.cli.docs`"
    assert committed.read_text(encoding="utf-8") == fresh, (
        f"{relative} is stale: run `python -m kvcli.cli.docs` and commit the result")


def test_generation_is_byte_stable(generated, tmp_path):
    docs.write(tmp_path, {docs.MAN_PATH: docs.render_man()})
    assert (tmp_path / docs.MAN_PATH).read_bytes() == (generated / docs.MAN_PATH).read_bytes()


def test_completion_files_are_what_kvcli_prints(generated):
    for relative in docs.COMPLETIONS:
        text = (generated / relative).read_text()
        assert "_KVCLI_COMPLETE=complete_" in text and "python" not in text
    assert "complete -o default -F _kvcli_completion kvcli" in \
        (generated / "completions/kvcli.bash").read_text()
    assert (generated / "completions/_kvcli").read_text().startswith("#compdef kvcli")


def test_every_command_has_help_and_an_example():
    missing_help, missing_examples, commands = [], [], 0
    for doc in docs.walk():
        if not doc.help:
            missing_help.append(doc.path)
        if doc.is_group:
            continue
        commands += 1
        if not doc.examples or not all(title and text.startswith("kvcli ")
                                       for title, text in doc.examples):
            missing_examples.append(doc.path)
    assert commands > 20
    assert missing_help == []
    assert missing_examples == []


def test_every_option_has_help():
    undocumented = [(doc.path, term) for doc in docs.walk() for _, term, text in doc.options
                    if not text.strip()]
    assert undocumented == []


def test_man_page_sections_and_roff(generated):
    text = (generated / docs.MAN_PATH).read_text()
    assert text.startswith('.TH KVCLI 1 "version ')
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL ARGUMENTS", "COMMANDS",
                    "ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO"):
        assert f"\n.SH {section}\n" in text
    for name in ("KVCLI_HOME", "KVCLI_NOW", "AZURE_CORE_OUTPUT", "NO_COLOR"):
        assert name.replace("-", "\\-") in text
    assert '.SS "kvcli keyvault create"' in text
    assert "\\-\\-enable\\-purge\\-protection" in text
    # no body line may start with a control character other than a request
    for line in text.splitlines():
        assert not line.startswith("'")


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_reports_no_warnings(generated):
    proc = subprocess.run(["groff", "-man", "-ww", "-z", str(generated / docs.MAN_PATH)],
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_source_date_epoch_sets_the_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert docs.render_man().startswith('.TH KVCLI 1 "2026-01-01" "kvcli ')


def test_pyproject_ships_the_generated_files():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shared = data["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared == {
        "man/kvcli.1": "share/man/man1/kvcli.1",
        "completions/kvcli.bash": "share/bash-completion/completions/kvcli",
        "completions/_kvcli": "share/zsh/site-functions/_kvcli",
        "completions/kvcli.fish": "share/fish/vendor_completions.d/kvcli.fish",
    }
