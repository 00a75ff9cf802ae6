#!/usr/bin/env python3
"""`kvcli serve` benchmark (issue 14). Standard library only, besides kvcli[serve] itself.

    python benchmarks/serve.py [--requests N] [--secrets N] [--markdown]

Starts `kvcli serve` on a free loopback port over a fresh KVCLI_HOME, then sends SDK-free
HTTPS requests over one keep-alive connection, one at a time, and reports p50/p99 latency
and requests per second for:

* health      GET /kvcli/health: a minimal Starlette JSON endpoint on the same server,
              through the same middleware, no core call (the floor);
* get secret  GET /secrets/NAME/ (open the home, authorise, unseal, audit);
* set secret  PUT /secrets/NAME (a new version: seal, write, audit);
* list        every page of GET /secrets?maxresults=25 over --secrets secrets.

The cases run in interleaved rounds so that load on the machine hits them alike.
Target (issue 14): get secret within 3x of the health endpoint's p50.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
VAULT = "benchvault"
ROUNDS = 5


def _part(document: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


def _token() -> str:
    """An unsigned JWT naming the home's admin (kvcli reads the claims only)."""
    return f"{_part({'alg': 'none'})}.{_part({'upn': 'admin@kvcli.local'})}.c2ln"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    def __init__(self, port: int, ca_file: Path) -> None:
        context = ssl.create_default_context(cafile=str(ca_file))
        self.connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)
        self.headers = {"Host": f"{VAULT}.vault.azure.net", "Authorization": f"Bearer {_token()}",
                        "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        self.connection.request(method, path, body=json.dumps(body) if body else None,
                                headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return json.loads(data) if data else {}


def _start(home: Path) -> tuple[subprocess.Popen, int, Path]:
    env = {**os.environ, "KVCLI_HOME": str(home)}
    env.pop("KVCLI_NOW", None)
    for args in (["group", "create", "-n", "bench-rg", "-l", "eastus", "-o", "none"],
                 ["keyvault", "create", "-n", VAULT, "-g", "bench-rg", "-o", "none"]):
        subprocess.run([PY, "-m", "kvcli", *args], env=env, check=True)
    ca_file = home.parent / "ca.pem"
    ca_file.write_bytes(subprocess.run([PY, "-m", "kvcli", "serve", "--print-ca"], env=env,
                                       check=True, capture_output=True).stdout)
    port = _free_port()
    server = subprocess.Popen([PY, "-m", "kvcli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            Client(port, ca_file).call("GET", "/kvcli/health")
            return server, port, ca_file
        except (OSError, http.client.HTTPException):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("kvcli serve did not start")
            time.sleep(0.1)


def _timed(action, count: int) -> list[float]:
    samples = []
    for index in range(count):
        started = time.perf_counter()
        action(index)
        samples.append(time.perf_counter() - started)
    return samples


def run(requests: int, secrets: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as temp:
        server, port, ca_file = _start(Path(temp) / "home")
        try:
            client = Client(port, ca_file)
            query = "api-version=7.6"
            for index in range(secrets):
                client.call("PUT", f"/secrets/s{index:05d}?{query}", {"value": "v"})

            def list_all(_index: int) -> None:
                link = f"/secrets?{query}&maxresults=25"
                while link:
                    link = client.call("GET", link.split("vault.azure.net", 1)[-1])["nextLink"]

            cases = {
                "health": lambda i: client.call("GET", "/kvcli/health"),
                "get secret": lambda i: client.call("GET", f"/secrets/s00000/?{query}"),
                "set secret": lambda i: client.call("PUT", f"/secrets/bench?{query}",
                                                    {"value": f"v{i}"}),
                f"list {secrets} secrets": list_all,
            }
            counts = {name: max(1, requests // ROUNDS) for name in cases}
            counts[f"list {secrets} secrets"] = max(1, requests // ROUNDS // 40)
            samples: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(ROUNDS):
                for name, action in cases.items():
                    samples[name] += _timed(action, counts[name])
            return samples
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(samples: dict[str, list[float]], markdown: bool) -> str:
    floor = statistics.median(samples["health"])
    lines = ["| case | requests | p50 | p99 | req/s | p50 x health |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, values in samples.items():
        p50 = statistics.median(values)
        rate = len(values) / sum(values)
        lines.append(f"| {name} | {len(values)} | {p50 * 1000:.2f} ms | "
                     f"{_percentile(values, 0.99) * 1000:.2f} ms | "
                     f"{rate:.0f} | {p50 / floor:.2f}x |" if rate >= 10 else
                     f"| {name} | {len(values)} | {p50 * 1000:.2f} ms | "
                     f"{_percentile(values, 0.99) * 1000:.2f} ms | "
                     f"{rate:.2f} | {p50 / floor:.2f}x |")
    get_ratio = statistics.median(samples["get secret"]) / floor
    lines.append("")
    lines.append(f"get secret p50 is {get_ratio:.2f}x the health endpoint's "
                 f"({'within' if get_ratio <= 3 else 'OUTSIDE'} the 3x target).")
    text = "\n".join(lines)
    return text if markdown else text.replace("|", " ").replace("---:", "").strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500,
                        help="requests per single-request case (default 500)")
    parser.add_argument("--secrets", type=int, default=1000,
                        help="secrets in the vault for the list case (default 1000)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    options = parser.parse_args()
    print(report(run(options.requests, options.secrets), options.markdown))


if __name__ == "__main__":
    main()
