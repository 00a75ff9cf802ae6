"""Real processes racing on one vault: nothing acknowledged is lost or doubled.

Each worker runs its own sequence of `python -m kvcli` commands: new secrets of its own, new
versions of names every worker shares, deletes and recovers of its own secrets, and
`clock advance --hours 1`. Afterwards the vault must hold exactly what was acknowledged.
"""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

SHARED = ("shared-a", "shared-b", "shared-c")
SIZES = [pytest.param(4, 10, id="4x10"),
         pytest.param(8, 100, id="8x100", marks=pytest.mark.slow)]


@pytest.fixture
def race_vault(kv, monkeypatch):
    """A vault on the real clock: versions made in the race carry distinct, ordered stamps."""
    monkeypatch.delenv("KVCLI_NOW")
    assert kv("group", "create", "-n", "race", "-l", "eastus").exit_code == 0
    assert kv("keyvault", "create", "-n", "racevault", "-g", "race").exit_code == 0
    return "racevault"


def _worker(kv_process, vault: str, worker: int, operations: int) -> dict:
    """One worker's sequence; returns what the service acknowledged (exit 0)."""
    rng = random.Random(worker)
    active, deleted = [], []
    acknowledged = {"new": [], "shared": [], "hours": 0, "failures": []}
    for step in range(operations):
        choice = rng.choices(["new", "shared", "delete", "recover", "advance"],
                             weights=[3, 3, 2, 1, 1])[0]
        if choice == "delete" and not active:
            choice = "new"
        if choice == "recover" and not deleted:
            choice = "shared"
        if choice == "new":
            name = f"w{worker}-s{step}"
            args = ["keyvault", "secret", "set", "--vault-name", vault, "-n", name,
                    "--value", name]
        elif choice == "shared":
            name, value = rng.choice(SHARED), f"{worker}-{step}"
            args = ["keyvault", "secret", "set", "--vault-name", vault, "-n", name,
                    "--value", value]
        elif choice == "delete":
            name = active[rng.randrange(len(active))]
            args = ["keyvault", "secret", "delete", "--vault-name", vault, "-n", name]
        elif choice == "recover":
            name = deleted[rng.randrange(len(deleted))]
            args = ["keyvault", "secret", "recover", "--vault-name", vault, "-n", name]
        else:
            args = ["clock", "advance", "--hours", "1"]
        result = kv_process(*args, "-o", "none", timeout=120)
        if result.exit_code != 0:
            acknowledged["failures"].append((args, result.exit_code, result.stderr))
            continue
        if choice == "new":
            active.append(name)
            acknowledged["new"].append(name)
        elif choice == "shared":
            acknowledged["shared"].append((name, value))
        elif choice == "delete":
            active.remove(name)
            deleted.append(name)
        elif choice == "recover":
            deleted.remove(name)
            active.append(name)
        else:
            acknowledged["hours"] += 1
    acknowledged["active"], acknowledged["deleted"] = active, deleted
    return acknowledged


@pytest.mark.parametrize("workers,operations", SIZES)
def test_parallel_mixed_operations_lose_and_double_nothing(kv, kv_process, home, race_vault,
                                                           workers, operations):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda w: _worker(kv_process, race_vault, w, operations),
                             range(workers)))
    failures = [f for run in runs for f in run["failures"]]
    assert failures == [], failures[:3]

    listed = [s["name"] for s in kv("keyvault", "secret", "list", "--vault-name",
                                    race_vault).json]
    listed_deleted = [s["name"] for s in kv("keyvault", "secret", "list-deleted",
                                            "--vault-name", race_vault).json]
    assert len(listed) == len(set(listed)) and len(listed_deleted) == len(set(listed_deleted))
    expected_active = {n for run in runs for n in run["active"]}
    expected_deleted = {n for run in runs for n in run["deleted"]}
    sets = [pair for run in runs for pair in run["shared"]]
    assert set(listed) == expected_active | {name for name, _ in sets}
    assert set(listed_deleted) == expected_deleted

    from kvcli.store import paths, schema
    from kvcli.store.home import Home

    state = Home.open(home)
    for name in expected_active | expected_deleted:
        record = state.read(paths.object_file(home, race_vault, "secrets", name),
                            schema.object_shape("secrets"), name)
        assert len(record["versions"]) == 1, name
    for shared, count in Counter(name for name, _ in sets).items():
        record = state.read(paths.object_file(home, race_vault, "secrets", shared),
                            schema.object_shape("secrets"), shared)
        versions = record["versions"]
        assert len(versions) == count, shared
        assert len({v["version"] for v in versions}) == count
        stamps = [v["created"] for v in versions]
        assert stamps == sorted(stamps), shared
        values = Counter(kv("keyvault", "secret", "show", "--vault-name", race_vault, "-n",
                            shared, "--version", v["version"], "--query", "value",
                            "-o", "tsv").stdout.strip() for v in versions)
        assert values == Counter(value for name, value in sets if name == shared)

    hours = sum(run["hours"] for run in runs)
    offset = kv("clock", "show").json["offsetSeconds"]
    assert offset == hours * 3600


@pytest.mark.parametrize("workers,advances", [pytest.param(8, 10, id="8x10")])
def test_parallel_clock_advances_add_up(kv, kv_process, workers, advances):
    def advance_loop(_):
        return [kv_process("clock", "advance", "--hours", "1", "-o", "none").exit_code
                for _ in range(advances)]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        codes = [code for run in pool.map(advance_loop, range(workers)) for code in run]
    assert codes == [0] * (workers * advances)
    assert kv("clock", "show").json["offsetSeconds"] == workers * advances * 3600
