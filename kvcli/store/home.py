"""The state home: one subscription's world on disk, opened once per command."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from kvcli.errors import StateError
from kvcli.store import files, lock, paths

FORMAT_VERSION = 1
DEFAULT_USER = "admin@kvcli.local"
# The home's own keys, made once with the home and never remade: a missing key file means
# data that can no longer be opened, which must be reported, not papered over.
KEY_NAMES = ("backup.key", "data.key")
KEY_BYTES = 32


class Home:
    """Paths, identity and clock of one state home, plus locked read-modify-write."""

    def __init__(self, root: Path, meta: dict) -> None:
        self.root = root
        self.meta = meta
        self._lock_depth = 0

    @classmethod
    def open(cls, root: Path | None = None) -> "Home":
        """Open (creating on first use) the home; refuse damaged or newer-format state."""
        root = root or paths.home_dir()
        meta = files.read_json(paths.home_file(root)) if root.is_dir() else None
        if meta is None:
            meta = cls._initialise(root)
        cls._check_format(paths.home_file(root), meta)
        return cls(root, meta)

    @staticmethod
    def _initialise(root: Path) -> dict:
        files.ensure_dir(root)
        os.chmod(root, files.DIR_MODE)
        with lock.exclusive(paths.lock_file(root)):
            meta = files.read_json(paths.home_file(root))
            if meta is None:
                meta = {
                    "format": FORMAT_VERSION,
                    "subscriptionId": str(uuid.uuid4()),
                    "tenantId": str(uuid.uuid4()),
                    "user": {"name": DEFAULT_USER, "objectId": str(uuid.uuid4())},
                    "clockOffsetSeconds": 0.0,
                }
                for name in KEY_NAMES:
                    path = paths.keys_dir(root) / name
                    if not path.exists():
                        files.write_bytes_atomic(path, os.urandom(KEY_BYTES))
                files.write_json(paths.home_file(root), meta)
        return meta

    @staticmethod
    def _check_format(path: Path, meta: dict) -> None:
        version = meta.get("format")
        if not isinstance(version, int) or "subscriptionId" not in meta:
            raise StateError(f"The state file '{path}' is damaged: it has no valid format "
                             "version or subscription. kvcli will not overwrite it.")
        if version > FORMAT_VERSION:
            raise StateError(f"The state file '{path}' was written by a newer kvcli (format "
                             f"{version}; this kvcli reads format {FORMAT_VERSION}). "
                             "Upgrade kvcli; the home was left unchanged.")

    @property
    def subscription_id(self) -> str:
        return self.meta["subscriptionId"]

    @property
    def tenant_id(self) -> str:
        return self.meta["tenantId"]

    @property
    def subscription_name(self) -> str:
        return "kvcli subscription"

    @property
    def user_name(self) -> str:
        return self.meta["user"]["name"]

    @property
    def clock_offset_seconds(self) -> float:
        """The lab clock's offset from the base time (kvcli.core.clock applies it)."""
        return float(self.meta.get("clockOffsetSeconds", 0.0))

    @contextmanager
    def locked(self) -> Iterator["Home"]:
        """Serialise a change against every other kvcli process on this home.

        The home document is re-read under the lock so a change never rests on a stale copy.
        Re-entrant: a change made while this process already holds the lock shares it.
        """
        if self._lock_depth:
            yield self
            return
        with lock.exclusive(paths.lock_file(self.root)):
            self._lock_depth = 1
            try:
                fresh = files.read_json(paths.home_file(self.root))
                if fresh is not None:
                    self._check_format(paths.home_file(self.root), fresh)
                    self.meta = fresh
                yield self
            finally:
                self._lock_depth = 0

    def key(self, name: str) -> bytes:
        """One of the home's keys; missing or damaged is a StateError naming the file."""
        path = paths.keys_dir(self.root) / name
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            raise StateError(f"The key file '{path}' is missing: values sealed under it can no "
                             "longer be opened. Restore the file from a copy of this home; "
                             "kvcli will not make a new one.") from None
        except OSError as exc:
            raise StateError(f"Cannot read the key file '{path}': {exc.strerror}.") from None
        if len(key) != KEY_BYTES:
            raise StateError(f"The key file '{path}' is damaged (expected {KEY_BYTES} bytes). "
                             "kvcli will not overwrite it.")
        return key

    def save_meta(self) -> None:
        files.write_json(paths.home_file(self.root), self.meta)
