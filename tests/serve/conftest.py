"""One live `kvcli serve` per test module, on a free loopback port, over its own home.

The tests of a module share that home (each uses its own vault), and the CLI fixtures
(`kv`) point at it too, so a change made through one face is checked through the other.
Skipped cleanly without the `serve-test` extra.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW

ADMIN = "admin@kvcli.local"


@dataclass
class Served:
    home: Path
    port: int
    ca_file: Path
    log_file: Path

    def url(self, vault: str) -> str:
        return f"https://127.0.0.1:{self.port}/vaults/{vault}"

    def log(self) -> str:
        return self.log_file.read_text()


def jwt(**claims) -> str:
    """An unsigned JWT with the given claims: kvcli reads claims, checks no signature."""
    def part(document: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.c2ln"


class FakeCredential:
    """What azure-identity's credentials give the SDKs: `get_token` returning a token."""

    def __init__(self, **claims) -> None:
        self.claims = claims
        self.scopes: list[tuple] = []

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        self.scopes.append(scopes)
        return AccessToken(jwt(**self.claims), int(time.time()) + 3600)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(port: int, ca_file: Path, proc: subprocess.Popen) -> None:
    context = ssl.create_default_context(cafile=str(ca_file))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kvcli serve exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                with context.wrap_socket(raw, server_hostname="localhost"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("kvcli serve did not start within 20 s")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Served:
    pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
    pytest.importorskip("azure.keyvault.secrets", reason="the 'serve-test' extra is not "
                        "installed")
    base = tmp_path_factory.mktemp("served")
    home = base / "kvhome"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AZURE_", "KVCLI_"))}
    env.update(KVCLI_HOME=str(home), KVCLI_NOW=FIXED_NOW)
    ca_file = base / "ca.pem"
    ca = subprocess.run([sys.executable, "-m", "kvcli", "serve", "--print-ca"], env=env,
                        capture_output=True, check=True)
    ca_file.write_bytes(ca.stdout)
    port = _free_port()
    log_file = base / "serve.log"
    with open(log_file, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "kvcli", "serve", "--port", str(port)],
                                env=env, stdout=subprocess.DEVNULL, stderr=log,
                                stdin=subprocess.DEVNULL)
    try:
        _wait_until_serving(port, ca_file, proc)
        yield Served(home, port, ca_file, log_file)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, log_file.read_text()  # SIGTERM is a graceful stop


@pytest.fixture(autouse=True)
def home(served, monkeypatch) -> Path:
    """The CLI fixtures work on the served home."""
    monkeypatch.setenv("KVCLI_HOME", str(served.home))
    monkeypatch.setenv("KVCLI_NOW", FIXED_NOW)
    for name in list(os.environ):
        if name.startswith(("AZURE_", "KVCLI_CORE", "KVCLI_DEFAULTS")):
            monkeypatch.delenv(name, raising=False)
    return served.home


@pytest.fixture
def new_vault(kv):
    """A fresh vault (each test names its own) in the shared served home."""
    def make(name: str, *options: str) -> str:
        if kv("group", "show", "-n", "served-rg").exit_code != 0:
            assert kv("group", "create", "-n", "served-rg", "-l", "eastus",
                      "-o", "none").exit_code == 0
        result = kv("keyvault", "create", "-n", name, "-g", "served-rg", *options, "-o", "none")
        assert result.exit_code == 0, result.stderr
        return name

    return make
