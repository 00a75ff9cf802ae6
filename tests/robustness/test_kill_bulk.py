"""SIGKILL at random moments of `backup-all` and `restore-all`, which publish their writes in
batches (`files.Batch`): whatever the moment, every object restored is wholly there (every
version, every value; a certificate with its managed key and secret) or absent, every blob
file is complete or absent, the audit log's chain holds and claims no restore that is not
there, and the next write finishes a committed publish and clears HOME/.tmp.

The runs use batches of a few files (BATCH_FILES patched in the child process), so the
kills land before, between and inside publishes, not only before the one publish a run of
this size would otherwise make.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.robustness.test_kill import load_every_record

ROUNDS = [pytest.param(6, id="6-kills"), pytest.param(60, id="60-kills", marks=pytest.mark.slow)]
SOURCE, PROBE, GROUP = "bulksource", "bulkprobe", "bulkrg"
SECRETS = {f"s{index:02d}": [f"v{index}-{version}" for version in range(1 + index % 3)]
           for index in range(24)}
SMALL_BATCHES = ("import sys; from kvcli.store import files; files.BATCH_FILES = 3; "
                 "from kvcli.cli.app import main; main(sys.argv[1:])")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def source(kv, tmp_path):
    """A vault of secrets with one to three versions each, and its backup-all directory."""
    ok(kv("group", "create", "-n", GROUP, "-l", "eastus"))
    ok(kv("keyvault", "create", "-n", SOURCE, "-g", GROUP))
    for name, values in SECRETS.items():
        for value in values:
            ok(kv("keyvault", "secret", "set", "--vault-name", SOURCE, "-n", name,
                  "--value", value, "-o", "none"))
    ok(kv("keyvault", "key", "create", "--vault-name", SOURCE, "-n", "k1", "--kty", "EC",
          "-o", "none"))
    default = ok(kv("keyvault", "certificate", "get-default-policy")).stdout
    for name in ("c1", "c2"):
        ok(kv("keyvault", "certificate", "create", "--vault-name", SOURCE, "-n", name,
              "-p", default, "-o", "none"))
    ok(kv("keyvault", "create", "-n", PROBE, "-g", GROUP))
    directory = tmp_path / "whole"
    ok(kv("keyvault", "backup-all", "--vault-name", SOURCE, "--dir", str(directory)))
    return directory


def _versions(kv, vault, name):
    return [v["id"].rsplit("/", 1)[1] for v in ok(kv(
        "keyvault", "secret", "list-versions", "--vault-name", vault, "-n", name)).json]


def _run(args, delay):
    """Start kvcli with small batches; kill it after `delay` seconds (None: let it end)."""
    process = subprocess.Popen([sys.executable, "-c", SMALL_BATCHES, *args, "-o", "none"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    if delay is not None:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr, stderr
    return process.returncode


def _timed(args):
    started = time.monotonic()
    assert _run(args, None) in (0, 1)
    return time.monotonic() - started


def _check_the_home(kv, home):
    """Every record loads, every state file parses, the audit chain holds, and the next
    write clears what the kill left in HOME/.tmp."""
    assert load_every_record(home) > 3
    for path in home.rglob("*.json"):
        if ".tmp" not in path.relative_to(home).parts:
            json.loads(path.read_bytes())
    assert ok(kv("audit", "verify")).json["intact"] is True
    ok(kv("keyvault", "secret", "set", "--vault-name", PROBE, "-n", "probe", "--value", "p",
          "-o", "none"))
    assert os.listdir(home / ".tmp") == []


@pytest.mark.parametrize("kills", ROUNDS)
def test_sigkill_during_restore_all_leaves_each_object_whole(kv, home, source, kills):
    rng = random.Random(kills)
    ok(kv("keyvault", "create", "-n", "bulktiming", "-g", GROUP))
    duration = _timed(["keyvault", "restore-all", "--vault-name", "bulktiming",
                       "--dir", str(source)])
    expected = {name: _versions(kv, SOURCE, name) for name in SECRETS}
    counts = set()
    for n in range(kills):
        target = f"bulktarget{n}"
        ok(kv("keyvault", "create", "-n", target, "-g", GROUP))
        returncode = _run(["keyvault", "restore-all", "--vault-name", target,
                           "--dir", str(source)], rng.uniform(0.4, 1.1) * duration)
        assert returncode in (0, -signal.SIGKILL)
        restored = 0
        listed = {item["name"] for item in ok(kv("keyvault", "secret", "list",
                                                 "--vault-name", target)).json}
        for name, values in SECRETS.items():
            shown = kv("keyvault", "secret", "show", "--vault-name", target, "-n", name)
            if shown.exit_code == 3:
                assert name not in listed
                continue
            assert shown.exit_code == 0, shown.stderr
            assert shown.json["value"] == values[-1]
            assert _versions(kv, target, name) == expected[name]
            restored += 1
        key = kv("keyvault", "key", "show", "--vault-name", target, "-n", "k1")
        assert key.exit_code in (0, 3)
        restored += key.exit_code == 0
        for name in ("c1", "c2"):  # a certificate lands with its managed key and secret
            codes = {kv("keyvault", kind, "show", "--vault-name", target, "-n", name).exit_code
                     for kind in ("certificate", "key", "secret")}
            assert codes in ({0}, {3}), (name, codes)
            restored += codes == {0}
        # An audit line is published after the change it records, never before it.
        assert _restore_successes(kv, target) <= restored
        counts.add(restored)
        _check_the_home(kv, home)
    if kills >= 30:  # kills fell inside runs that had published some batches, not all
        assert any(0 < count < len(SECRETS) + 3 for count in counts), counts


def _restore_successes(kv, vault):
    return sum(1 for entry in ok(kv("audit", "list", "--vault-name", vault,
                                    "--result", "Success")).json
               if entry["operationName"].endswith("Restore"))


@pytest.mark.parametrize("kills", ROUNDS)
def test_sigkill_during_backup_all_leaves_each_blob_whole(kv, home, source, tmp_path, kills):
    rng = random.Random(kills)
    duration = _timed(["keyvault", "backup-all", "--vault-name", SOURCE,
                       "--dir", str(tmp_path / "timing")])
    whole = {path.name: json.loads(ok(kv("backup", "inspect", str(path))).stdout)
             for path in source.glob("*.kvbackup")}
    for n in range(kills):
        target = tmp_path / f"backup-{n}"
        returncode = _run(["keyvault", "backup-all", "--vault-name", SOURCE,
                           "--dir", str(target)], rng.uniform(0.4, 1.1) * duration)
        assert returncode in (0, -signal.SIGKILL)
        blobs = sorted(target.glob("*.kvbackup")) if target.exists() else []
        for blob in blobs:
            inspected = kv("backup", "inspect", str(blob))
            assert inspected.exit_code == 0, (blob, inspected.stderr)
            shown = inspected.json
            assert shown["verified"] is True
            assert shown["versions"] == whole[blob.name]["versions"]
        if (target / "manifest.json").exists():
            manifest = json.loads((target / "manifest.json").read_text())
            assert sorted(entry["file"] for entry in manifest["objects"]) == \
                [blob.name for blob in blobs] == sorted(whole)
        _check_the_home(kv, home)
