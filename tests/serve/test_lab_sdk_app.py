"""Lab 9's app, taken from the lab's text, run against a live `kvcli serve` (the lab's
console blocks are run by tests/test_labs.py; this runs its Python)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("azure.keyvault.secrets", reason="the 'serve-test' extra is not installed")

LAB = Path(__file__).resolve().parents[2] / "docs" / "labs" / "09-sdk-app.md"


def block(text: str, info: str) -> str:
    """The first fenced block with that info string."""
    return re.findall(rf"^```{info}\n(.*?)^```", text, re.S | re.M)[0]


def test_the_lab_app_runs_as_the_lab_says(served, kv, tmp_path):
    text = LAB.read_text()
    for line in block(text, "console").splitlines():
        if line.startswith("$ kvcli "):
            result = kv(*shlex.split(line[len("$ kvcli "):]))
            assert result.exit_code == 0, result.stderr
    app = tmp_path / "app.py"
    app.write_text(block(text, "python"))
    env = {**os.environ, "VAULT_URL": served.url("app-vault"), "KVCLI_CA": str(served.ca_file)}
    proc = subprocess.run([sys.executable, str(app)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == block(text, "text")
    shown = kv("keyvault", "secret", "show", "--vault-name", "app-vault", "-n", "last-run",
               "--query", "value", "-o", "tsv")
    assert shown.stdout == "ok\n"
    callers = kv("audit", "list", "--vault-name", "app-vault", "--operation", "SecretSet",
                 "--query", "[].callerUpn", "-o", "tsv")
    assert callers.stdout.split() == ["admin@kvcli.local", "admin@kvcli.local"]
