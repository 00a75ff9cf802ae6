"""One inter-process lock per home, held around every read-modify-write."""

from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from kvcli.errors import StateError


class Busy(Exception):
    """The lock is held elsewhere and the caller chose not to wait."""


@contextmanager
def exclusive(lock_path: Path, *, wait: bool = True) -> Iterator[None]:
    """Block until this process alone may change the home (or, without `wait`, raise Busy
    at once); released even on a crash."""
    # O_NOFOLLOW: a planted .lock symlink must not make kvcli create a file elsewhere.
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StateError(f"The lock file '{lock_path}' is a symlink; kvcli does not "
                             "follow links out of the home. Remove it.") from None
        raise
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(lock_path) from None
        yield
    finally:
        os.close(fd)
