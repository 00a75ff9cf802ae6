"""A home that cannot be written (a read-only mount) still answers every read.

The lock cannot be taken there, so: reads are authorised on what is stored and answered,
the audit log is not appended (it cannot be), automatic purge of an expired item waits for
the next writable run, and any change fails with an error naming the cause.
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager

import pytest

from kvcli.store import lock


@contextmanager
def read_only():
    """Within: the home behaves as on a read-only filesystem. Opening the lock file fails
    with EROFS, which is the first write any command attempts."""

    @contextmanager
    def refuse(path, wait=True):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        yield  # pragma: no cover

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lock, "exclusive", refuse)
        yield


def snapshot(root):
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_reads_answer_and_changes_fail_naming_the_cause(kv, vault, home):
    assert kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s", "--value", "v1",
              "-o", "none").exit_code == 0
    assert kv("keyvault", "key", "create", "--vault-name", vault, "-n", "k",
              "-o", "none").exit_code == 0
    before = snapshot(home)
    with read_only():
        check_read_only_answers(kv, vault)
    assert snapshot(home) == before


def check_read_only_answers(kv, vault):
    shown = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s", "--query",
               "value", "-o", "tsv")
    assert (shown.exit_code, shown.stdout, shown.stderr) == (0, "v1\n", "")
    for args in (("keyvault", "secret", "list", "--vault-name", vault),
                 ("keyvault", "key", "show", "--vault-name", vault, "-n", "k"),
                 ("keyvault", "list-deleted"), ("keyvault", "show", "-n", vault),
                 ("audit", "list")):
        result = kv(*args)
        assert result.exit_code == 0, (args, result.stderr)
    changed = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s", "--value", "v2")
    assert changed.exit_code == 1
    assert changed.stderr.startswith("ERROR: Cannot use the state home at ")
    assert "Read-only file system" in changed.stderr


def test_automatic_purge_waits_for_a_writable_run(kv, vault, home):
    assert kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "gone", "--value", "v",
              "-o", "none").exit_code == 0
    assert kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "gone",
              "-o", "none").exit_code == 0
    assert kv("clock", "advance", "--days", "91", "-o", "none").exit_code == 0
    stored = home / "vaults" / vault / "secrets" / "gone.json"
    assert stored.exists()
    with read_only():
        listed = kv("keyvault", "secret", "list-deleted", "--vault-name", vault)
        assert (listed.exit_code, listed.json) == (0, [])
        assert stored.exists(), "a read-only run cannot purge"
    assert kv("keyvault", "secret", "list-deleted", "--vault-name", vault).json == []
    assert not stored.exists(), "the next writable run purges for good"
