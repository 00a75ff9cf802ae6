"""Hermetic runs of the real CLI: a temp KVCLI_HOME per test and a fixed clock."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXED_NOW = "2026-01-01T00:00:00Z"
FULL_STRESS_ENV = "KVCLI_FULL_STRESS"


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true", default=False,
                     help="Also run the full-size stress tests (marked slow); same as "
                          f"{FULL_STRESS_ENV}=1.")


def _full_stress(config) -> bool:
    return config.getoption("--full") or os.environ.get(FULL_STRESS_ENV) == "1"


@pytest.fixture
def full_stress(request) -> bool:
    """True when the full-size stress run was asked for (--full or KVCLI_FULL_STRESS=1)."""
    return _full_stress(request.config)


def pytest_collection_modifyitems(config, items):
    """The default run skips only the full-size stress variants; their bounded twins run."""
    if _full_stress(config):
        return
    skip = pytest.mark.skip(reason=f"full-size stress: run with --full or {FULL_STRESS_ENV}=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own state home and a pinned clock; no real config leaks in."""
    root = tmp_path / "kvhome"
    monkeypatch.setenv("KVCLI_HOME", str(root))
    monkeypatch.setenv("KVCLI_NOW", FIXED_NOW)
    for name in list(os.environ):
        if name.startswith(("AZURE_", "KVCLI_CORE", "KVCLI_DEFAULTS")) or name == "NO_COLOR":
            monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def kv():
    """Run kvcli in-process through its real `main()`; returns (exit code, stdout, stderr)."""
    from kvcli.cli.app import main

    def run(*args: str, stdin: str = "") -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = 0
        old_stdin = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main(list(args))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        finally:
            sys.stdin = old_stdin
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def kv_process():
    """Run kvcli as a real subprocess (`python -m kvcli`), for exit codes and parallelism."""

    def run(*args: str, env: dict | None = None, timeout: float = 60) -> Result:
        proc = subprocess.run([sys.executable, "-m", "kvcli", *args], capture_output=True,
                              text=True, env={**os.environ, **(env or {})}, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def rg(kv) -> str:
    """A resource group in East US, the usual starting point."""
    result = kv("group", "create", "-n", "rg1", "-l", "eastus")
    assert result.exit_code == 0, result.stderr
    return "rg1"


@pytest.fixture
def vault(kv, rg) -> str:
    result = kv("keyvault", "create", "-n", "vault1", "-g", rg)
    assert result.exit_code == 0, result.stderr
    return "vault1"
