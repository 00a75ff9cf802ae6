"""The audit log: who did what, never a value, and a hash chain that names the broken line."""

from __future__ import annotations

import json
import os

import pytest

from tests.cli.test_access_matrix import ADMIN, ALICE, login, ok

SECRET = ["keyvault", "secret"]


@pytest.fixture
def log(kv, vault, home):
    """A log of several allowed and refused operations; returns its path."""
    ok(kv(*SECRET, "set", "--vault-name", vault, "-n", "s1", "--value", "TOPSECRET-VALUE-42",
          "-o", "none"))
    ok(kv(*SECRET, "show", "--vault-name", vault, "-n", "s1", "-o", "none"))
    login(kv, ALICE)
    assert kv(*SECRET, "delete", "--vault-name", vault, "-n", "s1").exit_code == 1
    login(kv, ADMIN)
    ok(kv(*SECRET, "delete", "--vault-name", vault, "-n", "s1", "-o", "none"))
    ok(kv(*SECRET, "purge", "--vault-name", vault, "-n", "s1"))
    assert kv(*SECRET, "show", "--vault-name", vault, "-n", "s1").exit_code == 3
    return home / "audit" / "log.jsonl"


def test_each_operation_appends_one_line_without_values(kv, log):
    rows = ok(kv("audit", "list")).json
    assert [(r["operationName"], r["callerUpn"], r["result"], r["httpStatusCode"])
            for r in rows] == [
        ("VaultPut", ADMIN, "Success", 200),
        ("SecretSet", ADMIN, "Success", 200),
        ("SecretGet", ADMIN, "Success", 200),
        ("SecretDelete", ALICE, "Denied", 403),
        ("SecretDelete", ADMIN, "Success", 200),
        ("SecretPurge", ADMIN, "Success", 200),
        ("SecretGet", ADMIN, "Failed", 404),
    ]
    assert [r["number"] for r in rows] == list(range(1, 8))
    assert rows[0]["time"] == "2026-01-01T00:00:00+00:00"
    assert rows[5]["requestUri"] == "https://vault1.vault.azure.net/secrets/s1"
    assert len({r["requestId"] for r in rows}) == 7
    assert "TOPSECRET" not in log.read_text()
    assert ok(kv("audit", "verify")).json["lines"] == 7


def test_list_answers_who_purged_and_when(kv, log):
    purges = ok(kv("audit", "list", "--operation", "secretpurge", "--vault-name", "VAULT1")).json
    assert [(r["callerUpn"], r["time"]) for r in purges] == [(ADMIN, "2026-01-01T00:00:00+00:00")]
    denied = ok(kv("audit", "list", "--result", "Denied", "--caller", ALICE)).json
    assert [r["operationName"] for r in denied] == ["SecretDelete"]
    assert ok(kv("audit", "list", "--since", "2026-01-02")).json == []
    table = ok(kv("audit", "list", "--operation", "SecretPurge", "-o", "table")).stdout
    assert "SecretPurge" in table and ADMIN in table and "Caller" in table


def _lines(log):
    return log.read_text().splitlines(keepends=True)


def _expect_broken(kv, where: str):
    result = kv("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.startswith("ERROR: The audit log does not verify: "), result.stderr
    assert where in result.stderr, result.stderr


def test_verify_names_every_edited_line(kv, log):
    original = _lines(log)
    for index in range(len(original)):
        lines = list(original)
        lines[index] = lines[index].replace('"callerUpn":"', '"callerUpn":"x')
        assert lines[index] != original[index]
        log.write_text("".join(lines))
        _expect_broken(kv, f"line {index + 1} was changed")
    log.write_text("".join(original))
    ok(kv("audit", "verify"))


def test_verify_names_every_removed_line(kv, log):
    original = _lines(log)
    for index in range(len(original)):
        log.write_text("".join(original[:index] + original[index + 1:]))
        if index + 1 < len(original):
            _expect_broken(kv, f"line {index + 1} carries number {index + 2}")
        else:
            _expect_broken(kv, f"the log ends at line {index} but {index + 1} lines were "
                               "written")


def test_verify_names_every_swap(kv, log):
    original = _lines(log)
    for index in range(len(original) - 1):
        lines = list(original)
        lines[index], lines[index + 1] = lines[index + 1], lines[index]
        log.write_text("".join(lines))
        _expect_broken(kv, f"line {index + 1} carries number {index + 2}")


def test_append_reads_only_the_tail(kv, log, vault):
    """Damage far from the end does not slow or stop appends: only the last line is read."""
    text = log.read_text()
    log.write_text("x" * 1_000_000 + "\n" + text)
    ok(kv(*SECRET, "list", "--vault-name", vault, "-o", "none"))
    last = json.loads(_lines(log)[-1])
    assert (last["number"], last["operationName"]) == (8, "SecretList")
    _expect_broken(kv, "line 1 is not an audit record")


def test_a_crash_between_line_and_head_loses_nothing(kv, log, vault, home):
    """Killed after appending its line but before updating the head: the log still
    verifies, and the next append chains onto that line."""
    head_file = home / "audit" / "head.json"
    before = head_file.read_bytes()
    ok(kv(*SECRET, "list", "--vault-name", vault, "-o", "none"))
    head_file.write_bytes(before)
    assert ok(kv("audit", "verify")).json["lines"] == 8
    ok(kv(*SECRET, "list", "--vault-name", vault, "-o", "none"))
    assert ok(kv("audit", "verify")).json["lines"] == 9


@pytest.fixture
def synced(monkeypatch):
    """The names of the files fsync'd while a command runs (each call, in order)."""
    from kvcli.store import files

    names: list[str] = []
    real = files.os.fsync

    def recording(fd: int) -> None:
        names.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(files.os, "fsync", recording)
    return names


def test_a_change_line_is_fsynced_a_read_or_refusal_line_is_not(kv, vault, synced):
    """The durability promise: a line is flushed to disk when its operation changed state,
    as that change was; reads and refusals pay no flush (the head never does)."""
    ok(kv(*SECRET, "set", "--vault-name", vault, "-n", "s1", "--value", "v", "-o", "none"))
    assert "log.jsonl" in synced and "head.json" not in synced
    synced.clear()
    ok(kv(*SECRET, "show", "--vault-name", vault, "-n", "s1", "-o", "none"))
    assert kv(*SECRET, "show", "--vault-name", vault, "-n", "missing").exit_code == 3
    login(kv, ALICE)
    assert kv(*SECRET, "delete", "--vault-name", vault, "-n", "s1").exit_code == 1
    assert [name for name in synced if name in ("log.jsonl", "head.json")] == []
    login(kv, ADMIN)
    rows = ok(kv("audit", "list")).json
    assert [(r["operationName"], r["result"]) for r in rows[-3:]] == [
        ("SecretGet", "Success"), ("SecretGet", "Failed"), ("SecretDelete", "Denied")]
    assert ok(kv("audit", "verify")).json["lines"] == len(rows)


def test_the_head_is_one_fixed_size_record_rewritten_in_place(kv, log, vault, home):
    """Rewritten by one write at offset 0, never a temp file and rename; a longer head
    written by hand is cut to the record."""
    head_file = home / "audit" / "head.json"
    inode = head_file.stat().st_ino
    assert len(head_file.read_bytes()) == 128
    ok(kv(*SECRET, "list", "--vault-name", vault, "-o", "none"))
    assert head_file.stat().st_ino == inode
    assert json.loads(head_file.read_bytes())["number"] == 8
    head_file.write_bytes(head_file.read_bytes() + b" " * 300 + b"\n")
    ok(kv(*SECRET, "list", "--vault-name", vault, "-o", "none"))
    assert len(head_file.read_bytes()) == 128
    assert ok(kv("audit", "verify")).json["lines"] == 9
