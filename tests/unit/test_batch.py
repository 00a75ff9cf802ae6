"""Batched writes (`files.Batch`, `Home.batch`): held until published, seen by reads inside
the batch, published in order with one sync, each file whole; and the bulk access decision
(`access.permits_below`) agrees with the per-object one."""

from __future__ import annotations

import os

import pytest

from kvcli.errors import KvError
from kvcli.store import files, paths
from kvcli.store.home import Home


@pytest.fixture
def opened(home) -> Home:
    return Home.open()


def _object_path(home: Home, name: str):
    return paths.object_file(home.root, "vault1", "secrets", name)


def _append(home: Home, line: bytes, seen: list | None = None, tail_size: int = 9) -> None:
    """Append `line` to the audit log the way the audit does; `seen` collects the tails."""
    def make(tail: bytes) -> tuple[bytes, bytes]:
        if seen is not None:
            seen.append(tail)
        return line, b"head:" + line
    home.append_chained(paths.audit_log_file(home.root), paths.audit_head_file(home.root),
                        tail_size, make, durable=True)


def test_writes_are_held_until_the_batch_ends_and_reads_inside_see_them(opened):
    path = _object_path(opened, "a")
    log, head = paths.audit_log_file(opened.root), paths.audit_head_file(opened.root)
    seen = []
    with opened.batch():
        opened.write(path, {"name": "a", "n": 1})
        opened.write(path, {"name": "a", "n": 2})
        _append(opened, b"one\n", seen)
        _append(opened, b"two\n", seen)
        _append(opened, b"three\n", seen, tail_size=6)
        assert not path.exists() and not log.exists() and not head.exists()
        assert opened.read_bytes(path) == b'{"n":2,"name":"a"}'
        assert seen == [b"", b"one\n", b"e\ntwo\n"]
    assert path.read_bytes() == b'{"n":2,"name":"a"}'
    assert log.read_bytes() == b"one\ntwo\nthree\n"
    assert head.read_bytes() == b"head:three\n"
    assert os.listdir(opened.root / files.TMP_DIR) == []


def test_the_log_tail_joins_what_is_stored_and_what_the_batch_appends(opened):
    log = paths.audit_log_file(opened.root)
    with opened.locked():
        _append(opened, b"stored\n")
    seen = []
    with opened.batch():
        _append(opened, b"held\n", seen)
        _append(opened, b"next\n", seen)
    assert seen == [b"stored\n", b"red\nheld\n"]
    assert log.read_bytes() == b"stored\nheld\nnext\n"


def test_a_batch_publishes_what_it_holds_before_a_listing_or_a_removal(opened):
    first, second = _object_path(opened, "a"), _object_path(opened, "b")
    with opened.batch():
        opened.write(first, {"name": "a"})
        assert opened.entries(first.parent) == ["a.json"]
        opened.write(second, {"name": "b"})
        opened.remove(first)
        assert second.exists() and not first.exists()


def test_a_batch_publishes_every_batch_files_writes(opened, monkeypatch):
    monkeypatch.setattr(files, "BATCH_FILES", 2)
    with opened.batch():
        for name in "abc":
            opened.write(_object_path(opened, name), {"name": name})
            opened.publish_if_full()
        assert [_object_path(opened, n).exists() for n in "abc"] == [True, True, False]
    assert _object_path(opened, "c").exists()


def test_a_full_batch_waits_for_the_boundary_between_objects(opened, monkeypatch):
    """An object's files (a certificate, its key and its secret) land together: a batch
    that fills up inside one is published only once the object is whole."""
    monkeypatch.setattr(files, "BATCH_FILES", 2)
    owned = [_object_path(opened, name) for name in "xyz"]
    with opened.batch():
        for path in owned:
            opened.write(path, {"name": path.stem})
        assert [path.exists() for path in owned] == [False, False, False]
        opened.publish_if_full()
        assert [path.exists() for path in owned] == [True, True, True]


def test_a_run_that_fails_keeps_the_changes_made_before_it(opened):
    path = _object_path(opened, "a")
    with pytest.raises(KvError), opened.batch():
        opened.write(path, {"name": "a"})
        raise KvError("refused")
    assert path.exists()


def test_a_batch_holds_the_lock_once_for_the_whole_run(opened, monkeypatch):
    from kvcli.store import lock

    taken = []
    real = lock.exclusive

    def counting(path, **options):
        taken.append(path)
        return real(path, **options)

    monkeypatch.setattr(lock, "exclusive", counting)
    with opened.batch():
        for name in "abc":
            with opened.locked():
                opened.write(_object_path(opened, name), {"name": name})
    assert len(taken) == 1


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_user_files_are_published_whole_with_or_without_syncfs(tmp_path, monkeypatch, syncfs):
    calls = []
    if not syncfs:
        monkeypatch.setattr(files, "_syncfs", lambda: None)
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd)))
    batch = files.Batch()
    for index in range(5):
        batch.write_user_file(tmp_path / f"f{index}", b"x" * index)
    assert list(tmp_path.iterdir()) == []
    batch.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"f{i}" for i in range(5)]
    assert (tmp_path / "f3").read_bytes() == b"xxx"
    # One directory sync per batch; each file synced on its own only without syncfs.
    assert len(calls) == (1 if syncfs else 6)


def test_user_file_errors_are_azs_and_leave_no_temp_file(tmp_path):
    (tmp_path / "adir").mkdir()
    batch = files.Batch()
    with pytest.raises(KvError, match=r"\[Errno 21\] Is a directory"):
        batch.write_user_file(tmp_path / "adir", b"x")
    batch.write_user_file(tmp_path / "missing" / "f", b"x")
    with pytest.raises(KvError, match=r"\[Errno 2\] No such file or directory"):
        batch.publish()
    batch.write_user_file(tmp_path / "ok", b"x")
    batch.write_user_file(tmp_path / "adir" / "sub" / "f", b"x")
    with pytest.raises(KvError):
        batch.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir"]
    assert list((tmp_path / "adir").iterdir()) == []


# --- the bulk access decision ---------------------------------------------------------
def test_permits_below_agrees_with_permits_object_by_object(kv, vault, home):
    from kvcli.core import access
    from kvcli.core.objects import DataPlaneVault
    from tests.cli.test_access_matrix import ADMIN, ALICE, assign, login, vault_id

    scope = vault_id(kv, vault)
    login(kv, ALICE)  # makes the user
    login(kv, ADMIN)
    assign(kv, "Key Vault Secrets User", scope)
    assign(kv, "Key Vault Secrets Officer", f"{scope}/secrets/granted")
    assign(kv, "Key Vault Reader", f"{scope}/secrets/other")
    login(kv, ALICE)
    opened = Home.open()
    data_vault = DataPlaneVault(opened, vault)
    names = ["granted", "GRANTED", "other", "plain", "grantedtoo"]
    for operation in ("Backup", "Get", "Delete", "List"):
        action = access.data_action("secrets", "Secret", operation)
        allows = access.permits_below(opened, action, scope, data_vault.record)
        for name in names:
            resource = f"{scope}/secrets/{name}"
            assert allows(resource) == access.permits(opened, action, resource,
                                                      vault=data_vault.record), (operation, name)
    backup = access.data_action("secrets", "Secret", "Backup")
    allows = access.permits_below(opened, backup, scope, data_vault.record)
    assert [allows(f"{scope}/secrets/{n}") for n in names] == [True, True, False, False, False]


def test_permits_below_follows_an_access_policy_vault(kv, rg, home):
    from kvcli.core import access
    from kvcli.core.objects import DataPlaneVault
    from tests.cli.test_access_matrix import vault_id

    assert kv("keyvault", "create", "-n", "policyvault", "-g", rg,
              "--enable-rbac-authorization", "false", "-o", "none").exit_code == 0
    assert kv("keyvault", "set-policy", "-n", "policyvault", "--upn", "admin@kvcli.local",
              "--secret-permissions", "get", "list", "-o", "none").exit_code == 0
    opened = Home.open()
    record = DataPlaneVault(opened, "policyvault").record
    scope = vault_id(kv, "policyvault")
    for operation, expected in (("Backup", False), ("Get", True)):
        action = access.data_action("secrets", "Secret", operation)
        assert access.permits_below(opened, action, scope, record)(f"{scope}/secrets/x") \
            is expected


class Killed(BaseException):
    """Stands for a kill -9: nothing after it runs."""


def test_a_publish_killed_after_its_commit_is_finished_by_the_next_writer(opened, monkeypatch):
    log = paths.audit_log_file(opened.root)
    renamed = []
    real = os.replace

    def killed_at_the_third_rename(source, target, **kwargs):
        if len(renamed) == 3:  # the journal, then two files
            raise Killed
        renamed.append(target)
        return real(source, target, **kwargs)

    with monkeypatch.context() as patch, pytest.raises(Killed), opened.batch():
        patch.setattr(os, "replace", killed_at_the_third_rename)
        for name in "abcd":
            opened.write(_object_path(opened, name), {"name": name})
            _append(opened, f"{name}\n".encode())
    assert renamed == [files.JOURNAL, "a.json", "b.json"]
    assert [_object_path(opened, n).exists() for n in "abcd"] == [True, True, False, False]
    assert log.read_bytes() == b"a\nb\n"
    from kvcli.store import lock

    with lock.exclusive(paths.lock_file(opened.root)):
        Home.open()  # a live writer holds the lock: a reader neither waits nor finishes
    assert (opened.root / files.TMP_DIR / files.JOURNAL).exists()
    for finish in (Home.open, _lock_and_release):
        finish()  # the next command, a reader or a writer, finishes it, once
        assert [_object_path(opened, n).exists() for n in "abcd"] == [True] * 4
        assert log.read_bytes() == b"a\nb\nc\nd\n"
        assert paths.audit_head_file(opened.root).read_bytes() == b"head:d\n"
        assert os.listdir(opened.root / files.TMP_DIR) == []


def _lock_and_release() -> None:
    with Home.open().locked():
        pass


def test_a_publish_killed_before_its_commit_leaves_nothing(opened, monkeypatch):
    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch, pytest.raises(Killed), opened.batch():
        patch.setattr(files, "_commit_journal", killed)
        opened.write(_object_path(opened, "a"), {"name": "a"})
    with Home.open().locked():
        pass
    assert not _object_path(opened, "a").exists()
    assert os.listdir(opened.root / files.TMP_DIR) == []
