"""SIGKILL at random moments of writes, restores and deletes.

Each round prepares a known state in-process, starts one changing command as a real process
and kills it after a random delay within its usual run time. Then: every state file loads
against its declared shape, the listing commands work, the interrupted change is wholly there
or wholly absent, and the next write leaves nothing in HOME/.tmp.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROUNDS = [pytest.param(10, id="10-kills"),
          pytest.param(200, id="200-kills", marks=pytest.mark.slow)]
VAULT, OTHER, DOOMED = "killvault", "killother", "doomed1"


def load_every_record(root: Path) -> int:
    """Read every JSON record of the home through the store and its declared shapes."""
    from kvcli.store import paths, schema
    from kvcli.store.home import Home

    home = Home.open(root)
    count = 1
    for entry in home.entries(paths.groups_dir(root)):
        name = entry.removesuffix(".json")
        assert home.read(paths.group_file(root, name), schema.GROUP, name) is not None
        count += 1
    for vault in home.entries(paths.vaults_dir(root)):
        assert home.read(paths.vault_file(root, vault), schema.VAULT, vault) is not None
        count += 1
        for entry in home.entries(paths.objects_dir(root, vault, "secrets")):
            name = entry.removesuffix(".json")
            assert home.read(paths.object_file(root, vault, "secrets", name),
                             schema.object_shape("secrets"), name) is not None
            count += 1
    return count


class Rounds:
    """The state each kind of round starts from and what it may end in."""

    def __init__(self, kv, tmp_path: Path) -> None:
        self.kv = kv
        self.tmp = tmp_path
        self.blob = tmp_path / "restorable.blob"

    def ok(self, *args):
        result = self.kv(*args)
        assert result.exit_code == 0, (args, result.stderr)
        return result

    def json(self, *args):
        return self.ok(*args).json

    def secret_state(self, vault: str, name: str) -> str:
        if self.kv("keyvault", "secret", "show", "--vault-name", vault, "-n", name).exit_code == 0:
            return "active"
        deleted = self.kv("keyvault", "secret", "show-deleted", "--vault-name", vault, "-n", name)
        return "deleted" if deleted.exit_code == 0 else "absent"

    def vault_state(self, name: str) -> str:
        if self.kv("keyvault", "show", "-n", name).exit_code == 0:
            return "active"
        if self.kv("keyvault", "show-deleted", "-n", name).exit_code == 0:
            return "deleted"
        return "absent"

    def versions(self, vault: str, name: str) -> list[str]:
        return [v["id"] for v in self.json("keyvault", "secret", "list-versions",
                                           "--vault-name", vault, "-n", name)]

    def value(self, vault: str, name: str) -> str:
        return self.json("keyvault", "secret", "show", "--vault-name", vault, "-n", name)["value"]

    # --- one method per round kind: prepare, return (argv, check) -----------------------
    def new_version(self, n):
        before = self.versions(VAULT, "multi")
        old_value = self.value(VAULT, "multi")

        def check():
            after = self.versions(VAULT, "multi")
            assert after[:len(before)] == before and len(after) in (len(before), len(before) + 1)
            assert self.value(VAULT, "multi") == (f"value-{n}" if len(after) > len(before)
                                                  else old_value)
            return len(after) > len(before)
        return ["keyvault", "secret", "set", "--vault-name", VAULT, "-n", "multi",
                "--value", f"value-{n}"], check

    def restore(self, n):
        if self.secret_state(OTHER, "restored") == "active":
            self.ok("keyvault", "secret", "delete", "--vault-name", OTHER, "-n", "restored")
        if self.secret_state(OTHER, "restored") == "deleted":
            self.ok("keyvault", "secret", "purge", "--vault-name", OTHER, "-n", "restored")

        def check():
            state = self.secret_state(OTHER, "restored")
            assert state in ("active", "absent")
            if state == "active":
                assert len(self.versions(OTHER, "restored")) == 3
                assert self.value(OTHER, "restored") == "r2"
            return state == "active"
        return ["keyvault", "secret", "restore", "--vault-name", OTHER, "-f", str(self.blob)], check

    def secret_delete(self, n):
        if self.secret_state(VAULT, "victim") == "deleted":
            self.ok("keyvault", "secret", "recover", "--vault-name", VAULT, "-n", "victim")
        return (["keyvault", "secret", "delete", "--vault-name", VAULT, "-n", "victim"],
                lambda: self._victim_whole() == "deleted")

    def secret_recover(self, n):
        if self.secret_state(VAULT, "victim") == "active":
            self.ok("keyvault", "secret", "delete", "--vault-name", VAULT, "-n", "victim")
        return (["keyvault", "secret", "recover", "--vault-name", VAULT, "-n", "victim"],
                lambda: self._victim_whole() == "active")

    def _victim_whole(self):
        state = self.secret_state(VAULT, "victim")
        assert state in ("active", "deleted")
        if state == "active":
            assert len(self.versions(VAULT, "victim")) == 2
            assert self.value(VAULT, "victim") == "v1"
        return state

    def vault_delete(self, n):
        self._doomed_to("active")
        return ["keyvault", "delete", "-n", DOOMED], self._doomed_whole(("active", "deleted"))

    def vault_purge(self, n):
        self._doomed_to("deleted")
        return ["keyvault", "purge", "-n", DOOMED], self._doomed_whole(("deleted", "absent"))

    def _doomed_to(self, wanted: str) -> None:
        state = self.vault_state(DOOMED)
        if state == "absent":
            self.ok("keyvault", "create", "-n", DOOMED, "-g", "killrg")
            self.ok("keyvault", "secret", "set", "--vault-name", DOOMED, "-n", "inside",
                    "--value", "kept")
            state = "active"
        if state == "deleted" and wanted == "active":
            self.ok("keyvault", "recover", "-n", DOOMED)
        if state == "active" and wanted == "deleted":
            self.ok("keyvault", "delete", "-n", DOOMED)

    def _doomed_whole(self, allowed):
        def check():
            state = self.vault_state(DOOMED)
            assert state in allowed
            if state == "active":
                assert self.value(DOOMED, "inside") == "kept"
            if state == "absent":
                assert not (self.kv_home() / "vaults" / DOOMED).exists()
            return state == allowed[1]
        return check

    def backup_all(self, n):
        target = self.tmp / f"backup-{n}"
        before = self._records()

        def check():
            assert self._records() == before
            for blob in target.glob("*.kvbackup") if target.exists() else ():
                assert self.kv("backup", "inspect", str(blob)).exit_code == 0, blob
            return (target / "manifest.json").exists()
        return ["keyvault", "backup-all", "--vault-name", VAULT, "--dir", str(target)], check

    def kv_home(self) -> Path:
        return Path(os.environ["KVCLI_HOME"])

    def _records(self) -> dict:
        """The home's records. The audit log (and its head) is left out: it is history, not
        state, and grows with every operation, reads included (tests/cli/test_audit.py)."""
        root = self.kv_home()
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.json")
                if ".tmp" not in p.parts and "audit" not in p.relative_to(root).parts}

    KINDS = ("new_version", "restore", "secret_delete", "secret_recover", "vault_delete",
             "vault_purge", "backup_all")


@pytest.fixture
def rounds(kv, tmp_path):
    r = Rounds(kv, tmp_path)
    r.ok("group", "create", "-n", "killrg", "-l", "eastus")
    for vault in (VAULT, OTHER):
        r.ok("keyvault", "create", "-n", vault, "-g", "killrg")
    r.ok("keyvault", "secret", "set", "--vault-name", VAULT, "-n", "multi", "--value", "first")
    for value in ("v0", "v1"):
        r.ok("keyvault", "secret", "set", "--vault-name", VAULT, "-n", "victim", "--value", value)
    for value in ("r0", "r1", "r2"):
        r.ok("keyvault", "secret", "set", "--vault-name", VAULT, "-n", "restored",
             "--value", value)
    r.ok("keyvault", "secret", "backup", "--vault-name", VAULT, "-n", "restored",
         "-f", str(r.blob))
    return r


def _run_and_kill(args: list[str], delay: float) -> int:
    process = subprocess.Popen([sys.executable, "-m", "kvcli", *args, "-o", "none"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr, stderr
    return process.returncode


def _usual_duration(args: list[str]) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "kvcli", "clock", "show", "-o", "none"], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)
    return time.monotonic() - started


@pytest.mark.parametrize("kills", ROUNDS)
def test_sigkill_at_random_moments_leaves_whole_state(kv, home, rounds, kills):
    rng = random.Random(kills)
    duration = _usual_duration(["clock", "show"])
    landed = 0
    killed_outcomes = set()  # whether a change killed mid-run turned out applied or not
    for n in range(kills):
        kind = Rounds.KINDS[n % len(Rounds.KINDS)]
        args, check = getattr(rounds, kind)(n)
        # Most of a run is start-up; the state change sits at its end, so aim late.
        returncode = _run_and_kill(args, rng.uniform(0.5, 1.3) * duration)
        landed += returncode == -signal.SIGKILL
        assert returncode in (0, -signal.SIGKILL), (kind, returncode)

        assert load_every_record(home) > 3
        for listing in (["keyvault", "list"], ["keyvault", "list-deleted"],
                        ["keyvault", "secret", "list", "--vault-name", VAULT],
                        ["keyvault", "secret", "list-deleted", "--vault-name", VAULT],
                        ["keyvault", "secret", "list", "--vault-name", OTHER]):
            result = kv(*listing)
            assert result.exit_code == 0, (kind, listing, result.stderr)
            json.loads(result.stdout)
        verified = kv("audit", "verify")  # the chain whole whatever the instant of the kill
        assert verified.exit_code == 0, (kind, verified.stderr)
        applied = check()
        if returncode == -signal.SIGKILL:
            killed_outcomes.add(applied)
        rounds.ok("keyvault", "secret", "set", "--vault-name", OTHER, "-n", "probe",
                  "--value", str(n))
        leftovers = os.listdir(home / ".tmp") if (home / ".tmp").exists() else []
        leftovers += [str(p) for p in home.rglob("*")
                      if p.name.endswith((".tmp", ".discarded")) and p != home / ".tmp"]
        assert leftovers == [], (kind, leftovers)
    assert landed >= kills // 3, f"only {landed} of {kills} kills interrupted a command"
    if kills >= 100:  # the kills fell both before and after changes were made
        assert killed_outcomes == {True, False}


UPGRADE_ROUNDS = [pytest.param(3, id="3-kills"),
                  pytest.param(30, id="30-kills", marks=pytest.mark.slow)]


def _make_format_1_home(kv, root: Path, rng: random.Random) -> dict[tuple[str, str], str]:
    """A home as format 1 left it: no backup key, values sealed as `secret/<name>/<version>`."""
    import shutil

    from kvcli.core import sealing

    shutil.rmtree(root, ignore_errors=True)
    values = {}
    assert kv("group", "create", "-n", "uprg", "-l", "eastus").exit_code == 0
    for vault in ("upvault1", "upvault2"):
        assert kv("keyvault", "create", "-n", vault, "-g", "uprg").exit_code == 0
        for index in range(6):
            name, value = f"s{index}", f"{vault}-{index}-{rng.random()}"
            assert kv("keyvault", "secret", "set", "--vault-name", vault, "-n", name,
                      "--value", value).exit_code == 0
            values[(vault, name)] = value
    key = (root / "keys" / "data.key").read_bytes()
    for (vault, name), value in values.items():
        path = root / "vaults" / vault / "secrets" / f"{name}.json"
        record = json.loads(path.read_text())
        for version in record["versions"]:
            version["value"] = sealing.seal(key, value.encode(),
                                            f"secret/{name}/{version['version']}")
        path.write_text(json.dumps(record))
    (root / "keys" / "backup.key").unlink()
    meta = json.loads((root / "home.json").read_text())
    meta["format"] = 1
    (root / "home.json").write_text(json.dumps(meta))
    return values


@pytest.mark.parametrize("kills", UPGRADE_ROUNDS)
def test_sigkill_during_the_format_upgrade_loses_no_value(kv, home, kills):
    """The upgrade re-seals every value, one whole file at a time, and writes the format
    last: killed anywhere, the next run finishes it and every value still opens."""
    rng = random.Random(kills)
    duration = _usual_duration(["clock", "show"])
    for _ in range(kills):
        values = _make_format_1_home(kv, home, rng)
        returncode = _run_and_kill(["keyvault", "secret", "list", "--vault-name", "upvault1"],
                                   rng.uniform(0.6, 1.6) * duration)
        assert returncode in (0, -signal.SIGKILL)
        for (vault, name), value in values.items():
            shown = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", name)
            assert shown.exit_code == 0, shown.stderr
            assert shown.json["value"] == value
        assert json.loads((home / "home.json").read_text())["format"] == 2
        assert (home / "keys" / "backup.key").exists()
        assert load_every_record(home) > 12
