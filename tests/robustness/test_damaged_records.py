"""Damaged records, missing keys, exposed modes, symlinks, environment errors, huge inputs.

Every damaged record is reported by name (exit 1, an `ERROR:` line naming the file) and is
byte-identical afterwards, also after a command that would write it. Nothing is created
outside the home, keys are never remade, and an old home is upgraded, not broken.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.helpers import differences, snapshot

RUNNING_AS_ROOT = os.geteuid() == 0


@pytest.fixture
def filled(kv, home):
    """A home with a group, a vault, a secret with two versions and a config file."""
    for args in (["group", "create", "-n", "rg1", "-l", "eastus"],
                 ["keyvault", "create", "-n", "vault1", "-g", "rg1"],
                 ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                  "--value", "one"],
                 ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                  "--value", "two"],
                 ["config", "set", "core.output=json"]):
        result = kv(*args)
        assert result.exit_code == 0, (args, result.stderr)
    return home


def _error_line(result) -> str:
    """The ERROR line (az prints delete's warning before it)."""
    return next((line for line in result.stderr.splitlines() if line.startswith("ERROR: ")), "")


def _edit(path: Path, change) -> bytes:
    document = json.loads(path.read_text())
    change(document)
    data = json.dumps(document).encode()
    path.write_bytes(data)
    return data


def _set(field, value):
    return lambda d: d.__setitem__(field, value)


def _drop(field):
    return lambda d: d.pop(field)


def _first_version(field, value):
    return lambda d: d["versions"][0].__setitem__(field, value)


BAD_DELETED = {"deletedDate": "yesterday", "scheduledPurgeDate": "2026-04-01T00:00:00+00:00"}
# Each record kind: its file, the damage done to it, and commands reading and writing it.
KINDS = {
    "home": ("home.json",
             [["group", "list"], ["group", "create", "-n", "rg2", "-l", "eastus"],
              ["clock", "advance", "--hours", "1"]],
             {"empty object": _set("x", 1) and (lambda d: d.clear()),
              "clock offset not a number": _set("clockOffsetSeconds", "abc"),
              "no subscription": _drop("subscriptionId"),
              "user not an object": _set("user", "admin")}),
    "group": ("groups/rg1.json",
              [["group", "show", "-n", "rg1"], ["group", "create", "-n", "rg1", "-l", "eastus"],
               ["keyvault", "create", "-n", "vault2", "-g", "rg1"],
               ["group", "delete", "-n", "rg1", "--yes"]],
              {"empty object": lambda d: d.clear(), "no location": _drop("location"),
               "tags not strings": _set("tags", {"a": 1}), "another name": _set("name", "rg9")}),
    "vault": ("vaults/vault1/vault.json",
              [["keyvault", "show", "-n", "vault1"], ["keyvault", "delete", "-n", "vault1"],
               ["keyvault", "update", "-n", "vault1", "--public-network-access", "Disabled"],
               ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s2",
                "--value", "x"]],
              {"empty object": lambda d: d.clear(), "no resourceGroup": _drop("resourceGroup"),
               "deleted with a bad date": _set("deleted", BAD_DELETED),
               "retention not a number": _set("retentionDays", "90")}),
    "secret": ("vaults/vault1/secrets/s1.json",
               [["keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1"],
                ["keyvault", "secret", "list", "--vault-name", "vault1"],
                ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                 "--value", "three"],
                ["keyvault", "secret", "delete", "--vault-name", "vault1", "-n", "s1"],
                ["keyvault", "secret", "set-attributes", "--vault-name", "vault1", "-n", "s1",
                 "--enabled", "false"]],
               {"empty object": lambda d: d.clear(), "no versions": _set("versions", []),
                "bad version id": _first_version("version", "../../x"),
                "bad created": _first_version("created", "soon"),
                "value not sealed": _first_version("value", "plain"),
                "deleted with a bad date": _set("deleted", BAD_DELETED)}),
}
CASES = []
for _kind, (_file, _commands, _shapes) in KINDS.items():
    for _label in ("truncated", "garbage", *_shapes):
        CASES.append(pytest.param(_kind, _label, id=f"{_kind}-{_label}"))


@pytest.mark.parametrize("kind,damage", CASES)
def test_damaged_record_is_named_and_never_overwritten(kv, filled, kind, damage):
    relative, commands, shapes = KINDS[kind]
    path = filled / relative
    original = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(original[:len(original) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff garbage \x89PNG")
    else:
        _edit(path, shapes[damage])
    damaged = path.read_bytes()
    for args in commands:
        result = kv(*args)
        assert result.exit_code == 1, (args, result.exit_code, result.stderr)
        assert _error_line(result).startswith("ERROR: ") and str(path) in _error_line(result), \
            (args, result.stderr)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
        assert path.read_bytes() == damaged, args


def test_home_of_a_newer_format_is_refused_unchanged(kv, filled):
    path = filled / "home.json"
    data = _edit(path, _set("format", 3))
    for args in (["group", "list"], ["group", "create", "-n", "rg2", "-l", "eastus"]):
        result = kv(*args)
        assert result.exit_code == 1 and str(path) in result.stderr and "newer" in result.stderr
    assert path.read_bytes() == data


def test_damaged_config_is_named_and_left_alone(kv, filled):
    path = filled / "config.toml"
    path.write_bytes(b"[core\noutput = ")
    for args in (["group", "list"], ["config", "set", "core.output=table"]):
        result = kv(*args)
        assert result.exit_code == 1 and str(path) in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == b"[core\noutput = "


@pytest.mark.parametrize("content", [b"", b"short", os.urandom(40)], ids=["empty", "short",
                                                                           "long"])
def test_damaged_data_key_is_named_and_kept(kv, filled, content):
    key = filled / "keys" / "data.key"
    key.write_bytes(content)
    for args in (["keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1"],
                 ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s9",
                  "--value", "x"]):
        result = kv(*args)
        assert result.exit_code == 1 and str(key) in result.stderr, (args, result.stderr)
    assert key.read_bytes() == content
    assert not (filled / "vaults" / "vault1" / "secrets" / "s9.json").exists()


def test_missing_data_key_fails_naming_it_and_no_key_is_made(kv, filled):
    key = filled / "keys" / "data.key"
    key.unlink()
    before = snapshot(filled)
    for args in (["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                  "--value", "three"],
                 ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "fresh",
                  "--value", "x"],
                 ["keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1"]):
        result = kv(*args)
        assert result.exit_code == 1 and str(key) in result.stderr, (args, result.stderr)
    assert not key.exists()
    assert [c for c in differences(before, snapshot(filled)) if ".tmp" not in c
            and ".lock" not in c] == []


def test_missing_backup_key_fails_naming_it(kv, filled, tmp_path):
    key = filled / "keys" / "backup.key"
    key.unlink()
    blob = tmp_path / "s1.blob"
    result = kv("keyvault", "secret", "backup", "--vault-name", "vault1", "-n", "s1",
                "-f", str(blob))
    assert result.exit_code == 1 and str(key) in result.stderr, result.stderr
    assert not key.exists() and not blob.exists()


def test_exposed_home_is_refused_with_the_chmod_hint(kv, filled):
    os.chmod(filled, 0o755)
    result = kv("group", "list")
    assert result.exit_code == 1
    assert f"chmod 700 '{filled}'" in result.stderr, result.stderr
    assert stat.S_IMODE(filled.stat().st_mode) == 0o755


def test_exposed_key_is_refused_with_the_chmod_hint(kv, filled):
    key = filled / "keys" / "data.key"
    os.chmod(key, 0o644)
    result = kv("keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1")
    assert result.exit_code == 1
    assert f"chmod 600 '{key}'" in result.stderr, result.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o644


def test_symlinked_secrets_dir_is_refused_and_nothing_lands_outside(kv, filled, tmp_path):
    outside = tmp_path / "outside-secrets"
    secrets = filled / "vaults" / "vault1" / "secrets"
    secrets.rename(outside)
    secrets.symlink_to(outside)
    before = snapshot(tmp_path)
    for args in (["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "new1",
                  "--value", "x"],
                 ["keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1"],
                 ["keyvault", "secret", "list", "--vault-name", "vault1"]):
        result = kv(*args)
        assert result.exit_code == 1 and str(secrets) in result.stderr, (args, result.stderr)
    assert [c for c in differences(before, snapshot(tmp_path))
            if "kvhome/.tmp" not in c] == []


def test_symlinked_object_file_is_refused(kv, filled, tmp_path):
    target = filled / "vaults" / "vault1" / "secrets" / "s1.json"
    elsewhere = tmp_path / "s1-elsewhere.json"
    target.rename(elsewhere)
    target.symlink_to(elsewhere)
    data = elsewhere.read_bytes()
    for args in (["keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1"],
                 ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                  "--value", "x"]):
        result = kv(*args)
        assert result.exit_code == 1 and str(target) in result.stderr, (args, result.stderr)
    assert target.is_symlink() and elsewhere.read_bytes() == data


def test_dangling_lock_symlink_is_refused_and_its_target_not_created(kv, filled, tmp_path):
    lock = filled / ".lock"
    lock.unlink()
    planted = tmp_path / "planted-by-attacker"
    lock.symlink_to(planted)
    result = kv("group", "create", "-n", "rg2", "-l", "eastus")
    assert result.exit_code == 1 and str(lock) in result.stderr, result.stderr
    assert not planted.exists() and not (filled / "groups" / "rg2.json").exists()


def test_home_that_is_a_file_or_under_a_file(kv, tmp_path, monkeypatch):
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    for root in (a_file, a_file / "home"):
        monkeypatch.setenv("KVCLI_HOME", str(root))
        result = kv("group", "list")
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith("ERROR: ") and str(a_file) in result.stderr
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert a_file.read_text() == "x"


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root reads any directory")
def test_unreadable_home_is_named(kv, filled):
    os.chmod(filled, 0o000)
    try:
        result = kv("group", "list")
    finally:
        os.chmod(filled, 0o700)
    assert result.exit_code == 1 and str(filled) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


def test_backup_to_a_directory_or_a_missing_directory(kv, filled, tmp_path):
    result = kv("keyvault", "secret", "backup", "--vault-name", "vault1", "-n", "s1",
                "-f", str(tmp_path))
    assert result.exit_code == 1 and "[Errno 21] Is a directory" in result.stderr, result.stderr
    missing = tmp_path / "no" / "such" / "dir" / "x.blob"
    result = kv("keyvault", "secret", "backup", "--vault-name", "vault1", "-n", "s1",
                "-f", str(missing))
    assert result.exit_code == 1
    assert f"[Errno 2] No such file or directory: '{missing}'" in result.stderr, result.stderr
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("args", [
    ["backup", "inspect", "/dev/zero"],
    ["keyvault", "secret", "restore", "--vault-name", "vault1", "-f", "/dev/zero"],
    ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "big", "--file",
     "/dev/zero", "--encoding", "base64"],
    ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "big", "--file",
     "/dev/zero"],
], ids=["inspect", "restore", "set-base64", "set-utf8"])
def test_endless_input_fails_fast_with_a_size_error(kv_process, filled, args):
    result = kv_process(*args, timeout=20)
    assert result.exit_code == 1, result.stderr
    assert "/dev/zero" in result.stderr and "bytes" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_secret_file_copied_into_another_vault_does_not_open_there(kv, filled):
    assert kv("keyvault", "create", "-n", "vault2", "-g", "rg1").exit_code == 0
    source = filled / "vaults" / "vault1" / "secrets" / "s1.json"
    copy = filled / "vaults" / "vault2" / "secrets" / "s1.json"
    copy.parent.mkdir(mode=0o700, exist_ok=True)
    copy.write_bytes(source.read_bytes())
    os.chmod(copy, 0o600)
    result = kv("keyvault", "secret", "show", "--vault-name", "vault2", "-n", "s1")
    assert result.exit_code == 1 and str(copy) in result.stderr, result.stderr
    assert "one" not in result.stdout and "two" not in result.stdout
    assert kv("keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1").json[
        "value"] == "two"


def test_format_1_home_is_upgraded_and_its_secret_still_reads(kv, home):
    """A home as kvcli format 1 wrote it: data key only, value sealed under the legacy
    associated data `secret/<name>/<version>`."""
    from kvcli.core import sealing

    assert kv("group", "create", "-n", "rg1", "-l", "eastus").exit_code == 0
    assert kv("keyvault", "create", "-n", "oldvault", "-g", "rg1").exit_code == 0
    assert kv("keyvault", "secret", "set", "--vault-name", "oldvault", "-n", "legacy",
              "--value", "x").exit_code == 0
    meta = json.loads((home / "home.json").read_text())
    meta["format"] = 1
    (home / "home.json").write_text(json.dumps(meta))
    (home / "keys" / "backup.key").unlink()
    key = (home / "keys" / "data.key").read_bytes()
    object_file = home / "vaults" / "oldvault" / "secrets" / "legacy.json"
    record = json.loads(object_file.read_text())
    version = record["versions"][0]["version"]
    record["versions"][0]["value"] = sealing.seal(key, b"from format 1",
                                                  f"secret/legacy/{version}")
    object_file.write_text(json.dumps(record))

    shown = kv("keyvault", "secret", "show", "--vault-name", "oldvault", "-n", "legacy")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json["value"] == "from format 1"
    assert json.loads((home / "home.json").read_text())["format"] == 2
    assert (home / "keys" / "backup.key").exists()
    upgraded = json.loads(object_file.read_text())["versions"][0]["value"]
    assert upgraded != record["versions"][0]["value"]
    again = kv("keyvault", "secret", "show", "--vault-name", "oldvault", "-n", "legacy")
    assert again.json["value"] == "from format 1"


def test_read_only_home_still_lists_an_expired_deleted_item(kv, filled, monkeypatch):
    """Automatic purge of an expired item waits for a writable run instead of failing."""
    assert kv("keyvault", "secret", "delete", "--vault-name", "vault1", "-n", "s1").exit_code == 0
    assert kv("clock", "advance", "--days", "91").exit_code == 0
    from kvcli.store import files, lock

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(filled))

    for module, name in ((files, "write_state"), (files, "remove"), (files, "discard_dir"),
                         (lock, "exclusive")):
        monkeypatch.setattr(module, name, read_only)
    before = snapshot(filled)
    result = kv("keyvault", "secret", "list-deleted", "--vault-name", "vault1")
    assert result.exit_code == 0, result.stderr
    assert [s["name"] for s in result.json] == []
    assert kv("keyvault", "list").exit_code == 0
    refused = kv("keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s5",
                 "--value", "x")
    assert refused.exit_code == 1 and "Read-only file system" in refused.stderr, refused.stderr
    assert differences(before, snapshot(filled)) == []
    monkeypatch.undo()
    assert (filled / "vaults" / "vault1" / "secrets" / "s1.json").exists()


def test_every_directory_is_0700_and_every_file_0600_under_umask_000(tmp_path):
    root = tmp_path / "fresh" / "nested" / "home"
    env = {**os.environ, "KVCLI_HOME": str(root)}
    for args in (["group", "create", "-n", "rg1", "-l", "eastus"],
                 ["keyvault", "create", "-n", "vault1", "-g", "rg1"],
                 ["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                  "--value", "x"],
                 ["keyvault", "secret", "delete", "--vault-name", "vault1", "-n", "s1"],
                 ["config", "set", "core.output=json"]):
        subprocess.run([sys.executable, "-m", "kvcli", *args, "-o", "none"], env=env,
                       check=True, capture_output=True, stdin=subprocess.DEVNULL,
                       preexec_fn=lambda: os.umask(0))
    for directory in (tmp_path / "fresh", tmp_path / "fresh" / "nested"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    found = snapshot(root)
    assert {p for p, (kind, _, _) in found.items() if kind == "file"} >= {
        "home.json", "keys/data.key", "keys/backup.key", "groups/rg1.json",
        "vaults/vault1/vault.json", "vaults/vault1/secrets/s1.json", "config.toml"}
    wrong = {p: oct(mode) for p, (kind, mode, _) in found.items()
             if mode != (0o700 if kind == "dir" else 0o600)}
    assert wrong == {}
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_clock_offset_out_of_range_is_an_error_and_reset_recovers(kv, filled):
    """A huge offset (hand edit, or advanced past year 9999) must not break every command."""
    assert kv("clock", "advance", "--days", "99999999999").exit_code == 1
    assert kv("clock", "advance", "--days", "3000000").exit_code == 1
    assert kv("clock", "show").exit_code == 0
    path = filled / "home.json"
    _edit(path, _set("clockOffsetSeconds", 1e300))
    for args in (["clock", "show"], ["keyvault", "secret", "set", "--vault-name", "vault1",
                                     "-n", "s1", "--value", "x"]):
        result = kv(*args)
        assert result.exit_code == 1 and "clock reset" in result.stderr, (args, result.stderr)
        assert "unexpected" not in result.stderr
    assert kv("clock", "reset").exit_code == 0
    assert kv("keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1").exit_code == 0


def test_a_home_path_through_dot_dot_changes_no_existing_directory(kv, tmp_path, monkeypatch):
    """KVCLI_HOME=/tmp/new/../kvhome must not chmod /tmp: only directories kvcli creates
    are made 0700."""
    parent = tmp_path / "shared-parent"
    parent.mkdir()
    os.chmod(parent, 0o755)
    monkeypatch.setenv("KVCLI_HOME", str(parent / "newdir" / ".." / "home"))
    assert kv("group", "create", "-n", "rg1", "-l", "eastus").exit_code == 0
    assert stat.S_IMODE(parent.stat().st_mode) == 0o755
    assert stat.S_IMODE((parent / "home").stat().st_mode) == 0o700
    assert (parent / "home" / "groups" / "rg1.json").exists()


@pytest.mark.parametrize("entry", ["groups", "vaults", "keys", ".tmp", "vaults/vault1",
                                   "home.json", "keys/data.key", "keys/backup.key",
                                   "groups/rg1.json", "vaults/vault1/vault.json"])
def test_any_symlink_in_the_home_is_refused_and_nothing_changes_outside(kv, filled, tmp_path,
                                                                      entry):
    """Every directory and file of the home, replaced by a symlink to a copy outside."""
    import shutil

    inside = filled / entry
    outside = tmp_path / "moved-out"
    if not inside.exists():
        inside.mkdir(mode=0o700)
    shutil.move(str(inside), str(outside))
    inside.symlink_to(outside)
    before = snapshot(outside) if outside.is_dir() else outside.read_bytes()
    refused = 0
    for args in (["keyvault", "secret", "set", "--vault-name", "vault1", "-n", "s1",
                  "--value", "x"],
                 ["keyvault", "secret", "backup", "--vault-name", "vault1", "-n", "s1",
                  "-f", str(tmp_path / "s1.blob")],
                 ["group", "create", "-n", "rg1", "-l", "eastus"]):
        result = kv(*args)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
        if result.exit_code == 1 and str(inside) in result.stderr:
            refused += 1
        else:
            assert result.exit_code == 0, (args, result.stderr)
    assert refused >= 1
    assert (snapshot(outside) if outside.is_dir() else outside.read_bytes()) == before


@pytest.mark.parametrize("manifest", [b'{"format": 1, "objects": [1]}',
                                      b'{"format": 1, "objects": [{"kind": "secret"}]}',
                                      b'{"format": 1, "objects": [{"file": 1, "kind": "secret",'
                                      b' "name": "s1"}]}',
                                      b'[]', b'{"objects": []}', b'\xff\xfe', None],
                         ids=["int-entry", "no-file", "file-not-text", "a-list", "no-format",
                              "not-utf8", "dev-zero"])
def test_restore_all_refuses_a_bad_manifest_by_name(kv, filled, tmp_path, manifest):
    """Found while probing: entries of the wrong form were an unexpected KeyError or
    AttributeError, and a manifest linked to /dev/zero was read without end."""
    directory = tmp_path / "backup-dir"
    directory.mkdir()
    path = directory / "manifest.json"
    if manifest is None:
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(manifest)
    before = snapshot(filled)
    result = kv("keyvault", "restore-all", "--vault-name", "vault1", "--dir", str(directory))
    assert result.exit_code == 1 and str(path) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert differences(before, snapshot(filled)) == []


@pytest.mark.parametrize("relative,args", [
    ("home.json", ["group", "list"]),
    ("groups/rg1.json", ["group", "show", "-n", "rg1"]),
    ("vaults/vault1/vault.json", ["keyvault", "show", "-n", "vault1"]),
    ("vaults/vault1/secrets/s1.json", ["keyvault", "secret", "show", "--vault-name", "vault1",
                                       "-n", "s1"]),
    ("keys/data.key", ["keyvault", "secret", "show", "--vault-name", "vault1", "-n", "s1"]),
    ("config.toml", ["group", "list"]),
])
@pytest.mark.parametrize("planted", ["fifo", "directory"])
def test_a_fifo_or_directory_in_place_of_a_state_file_is_refused_not_waited_on(
        kv_process, filled, relative, args, planted):
    """Found while probing: a FIFO in place of a record blocked every command forever."""
    path = filled / relative
    path.unlink()
    if planted == "fifo":
        os.mkfifo(path, 0o600)
    else:
        path.mkdir(mode=0o700)
    result = kv_process(*args, timeout=30)
    assert result.exit_code == 1 and str(path) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
