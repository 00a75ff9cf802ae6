"""The state home: one subscription's world on disk, opened once per command.

`Home` is the only door to the disk for the layers above: they name a record by the path
`paths` builds (after its name gate) and a declared shape from `schema`; every read is
checked against that shape, every write is atomic and happens under the home's lock.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

from kvcli.errors import StateError
from kvcli.store import files, lock, paths, schema

FORMAT_VERSION = 2
DEFAULT_USER = "admin@kvcli.local"
# The home's own keys, made once with the home and never remade: a missing key file means
# data that can no longer be opened, which must be reported, not papered over.
KEY_NAMES = ("backup.key", "data.key")
KEY_BYTES = 32
# errno values that mean "this home cannot be written here", not "the state is damaged".
READ_ONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)


class ReadOnlyHome(StateError):
    """The home can be read but not changed (read-only filesystem or permissions)."""


class Home:
    """Paths, identity and clock offset of one state home, plus locked read-modify-write."""

    def __init__(self, root: Path, meta: dict) -> None:
        self.root = root
        self.meta = meta
        self._lock_depth = 0
        self._keys: dict[str, bytes] = {}
        self._batch: files.Batch | None = None
        self.writes = 0  # state changes made through this Home: did an operation change any?

    # --- opening ----------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path | None = None) -> "Home":
        """Open (creating on first use) the home; refuse damaged, newer-format or exposed state."""
        root = root or paths.home_dir()
        try:
            info = os.stat(root)
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise _environment_error(root, exc) from None
        if info is not None and not stat.S_ISDIR(info.st_mode):
            raise StateError(f"The state home '{root}' is not a directory. Point KVCLI_HOME at a "
                             "directory (it is created if missing).")
        if info is not None:
            _refuse_exposed(root, info.st_mode, "state home")
        meta = files.read_json(root, paths.home_file(root)) if info is not None else None
        if meta is None:
            meta = cls._initialise(root)
        cls._check_meta(paths.home_file(root), meta)
        _finish_killed_publish(root)
        return cls(root, meta)

    @staticmethod
    def _initialise(root: Path) -> dict:
        try:
            files.ensure_root(root)
            with lock.exclusive(paths.lock_file(root)):
                meta = files.read_json(root, paths.home_file(root))
                if meta is None:
                    import uuid

                    meta = {
                        "format": FORMAT_VERSION,
                        "subscriptionId": str(uuid.uuid4()),
                        "tenantId": str(uuid.uuid4()),
                        "user": {"name": DEFAULT_USER, "objectId": str(uuid.uuid4())},
                        "clockOffsetSeconds": 0.0,
                    }
                    _create_missing_keys(root)
                    files.write_json(root, paths.home_file(root), meta)
        except OSError as exc:
            raise _environment_error(root, exc) from None
        return meta

    @staticmethod
    def _check_meta(path: Path, meta: dict) -> None:
        version = meta.get("format")
        if isinstance(version, int) and not isinstance(version, bool) \
                and version > FORMAT_VERSION:
            raise StateError(f"The state file '{path}' was written by a newer kvcli (format "
                             f"{version}; this kvcli reads format {FORMAT_VERSION}). "
                             "Upgrade kvcli; the home was left unchanged.")
        schema.check(path, meta, schema.HOME)

    # --- identity ---------------------------------------------------------------------
    @property
    def format(self) -> int:
        return self.meta["format"]

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
        return float(self.meta["clockOffsetSeconds"])

    # --- locking ----------------------------------------------------------------------
    @contextmanager
    def locked(self, *, wait: bool = True) -> Iterator["Home"]:
        """Serialise a change against every other kvcli process on this home.

        The home document is re-read under the lock so a change never rests on a stale copy,
        and what killed writers left in `.tmp` is cleared. Re-entrant: a change made while
        this process already holds the lock shares it. Without `wait`, a lock held elsewhere
        raises lock.Busy at once (the server then answers from a worker thread instead).
        """
        if self._lock_depth:
            yield self
            return
        try:
            held = lock.exclusive(paths.lock_file(self.root), wait=wait)
            held.__enter__()
        except OSError as exc:
            raise _environment_error(self.root, exc) from None
        self._lock_depth = 1
        try:
            fresh = files.read_json(self.root, paths.home_file(self.root))
            if fresh is not None:
                self._check_meta(paths.home_file(self.root), fresh)
                self.meta = fresh
            files.clean_tmp(self.root)
            yield self
        finally:
            self._lock_depth = 0
            held.__exit__(None, None, None)

    @contextmanager
    def batch(self) -> Iterator["Home"]:
        """Hold the lock for a run of many changes and publish them together
        (`files.Batch`): the run pays the lock and the syncs once per batch, not per change,
        and each change is still whole or absent after a kill. Reads inside see the held
        changes. On a home that cannot be written the run goes on unbatched: it can only
        read there, as single commands do."""
        if self._batch is not None:
            yield self
            return
        with ExitStack() as stack:
            try:
                stack.enter_context(self.locked())
            except ReadOnlyHome:
                pass
            else:
                self._batch = files.Batch()
                stack.callback(self._end_batch)
            yield self

    def _end_batch(self) -> None:
        batch, self._batch = self._batch, None
        with _os_errors(self.root):
            batch.publish()

    def publish_if_full(self, *first: files.Batch) -> None:
        """Between two objects of a bulk run: publish the batch once it (or a batch of the
        same run, `first`) is full, so that memory stays bounded and each object's writes
        land together. The `first` batches (the user's blob files) are published before
        the home's, so that an audit line never lands before the file it records."""
        if any(batch.full for batch in first) or (self._batch is not None
                                                   and self._batch.full):
            for batch in first:
                batch.publish()
            self._publish()

    def _publish(self) -> None:
        """Before a change or read the batch cannot hold or answer: publish what it holds."""
        if self._batch:
            with _os_errors(self.root):
                self._batch.publish()

    def _require_lock(self, path: Path) -> None:
        if not self._lock_depth:
            raise RuntimeError(f"write to '{path}' without the home lock")

    # --- records ----------------------------------------------------------------------
    def read(self, path: Path, shape: schema.Shape, name: str | None = None) -> dict | None:
        """The record at `path` checked against its declared shape (and, given `name`, that
        it is the record of that name), or None when missing."""
        staged = self._batch.written(path) if self._batch else None
        record = (files.parse_json(path, staged) if staged is not None
                  else files.read_json(self.root, path))
        if record is not None:
            schema.check(path, record, shape)
            if name is not None:
                _check_name(path, record, name)
        return record

    def read_all(self, directory: Path, shape: schema.Shape, name_kind: str,
                 after: str | None = None) -> Iterator[tuple[str, dict]]:
        """(name, record) of every `<name>.json` in a directory whose name passes the gate
        for `name_kind` (and sorts after the name `after`), each checked like `read`, in
        name order, read one at a time."""
        self._publish()
        start = None if after is None else f"{after.lower()}.json"
        shown_dir = str(directory)  # the file's path in messages, joined as text
        with _os_errors(directory):
            for entry, raw in files.read_dir(self.root, directory, ".json", start):
                name = entry[:-5]
                if not paths.is_valid(name_kind, name):
                    continue
                path = f"{shown_dir}/{entry}"
                record = files.parse_json(path, raw)
                schema.check(path, record, shape)
                _check_name(path, record, name)
                yield name, record

    @contextmanager
    def _changing(self, path: Path) -> Iterator[None]:
        """A change under the lock; an OS refusal is named as an environment error."""
        self._require_lock(path)
        self.writes += 1
        with _os_errors(path):
            yield

    def write(self, path: Path, record: dict) -> None:
        self.write_bytes(path, files.encode_json(record))

    def read_bytes(self, path: Path) -> bytes | None:
        """A state file that is not JSON (a PEM file), or None when missing."""
        staged = self._batch.written(path) if self._batch else None
        if staged is not None:
            return staged
        with _os_errors(path):
            return files.read_state(self.root, path)

    def write_bytes(self, path: Path, data: bytes) -> None:
        with self._changing(path):
            if self._batch is not None:
                self._batch.write_state(self.root, path, data)
            else:
                files.write_state(self.root, path, data)

    def remove(self, path: Path) -> None:
        self._publish()
        with self._changing(path):
            files.remove(self.root, path)

    def append_chained(self, log: Path, head: Path, tail_size: int,
                       make: Callable[[bytes], tuple[bytes, bytes]], *, durable: bool) -> None:
        """Append to a log kept in the home (the audit log) and rewrite its head, under
        the lock (see files.append_chained); in a batch, published with it."""
        with self._changing(log):
            if self._batch is not None:
                self._batch.append_chained(self.root, log, head, tail_size, make)
            else:
                files.append_chained(self.root, log, head, tail_size, make, durable=durable)

    def lines(self, path: Path) -> Iterator[bytes]:
        self._publish()
        with _os_errors(path):
            yield from files.read_lines(self.root, path)

    def discard(self, directory: Path) -> None:
        """Remove a directory of the home and everything in it (a purged vault)."""
        self._publish()
        with self._changing(directory):
            files.discard_dir(self.root, directory)

    def entries(self, directory: Path) -> list[str]:
        self._publish()
        with _os_errors(directory):
            return files.entries(self.root, directory)

    def save_meta(self) -> None:
        self.write(paths.home_file(self.root), self.meta)

    # --- keys -------------------------------------------------------------------------
    def ensure_keys(self, *, may_create_data_key: bool) -> None:
        """For a home of an older format, which made keys on first use: make the missing ones
        now, except a data key that sealed values already depend on."""
        self._require_lock(self.root)
        data_key = paths.key_file(self.root, "data.key")
        if not may_create_data_key and files.read_state(self.root, data_key) is None:
            self.key("data.key")  # raises: the values it sealed cannot be opened
        _create_missing_keys(self.root)

    def tighten_modes(self) -> None:
        """Bring an older home's directories and files to 0700/0600."""
        self._require_lock(self.root)
        files.tighten_modes(self.root)

    def key(self, name: str) -> bytes:
        """One of the home's keys; missing, exposed or damaged is a StateError naming the file.
        Read once per process: a bulk command seals thousands of values under it."""
        if name not in self._keys:
            self._keys[name] = self._read_key(name)
        return self._keys[name]

    def _read_key(self, name: str) -> bytes:
        path = paths.key_file(self.root, name)
        key = files.read_state(self.root, path)
        if key is None:
            raise StateError(f"The key file '{path}' is missing: values sealed under it can no "
                             "longer be opened. Restore the file from a copy of this home; "
                             "kvcli will not make a new one.")
        _refuse_exposed(path, os.stat(path, follow_symlinks=False).st_mode, "key file")
        if len(key) != KEY_BYTES:
            raise StateError(f"The key file '{path}' is damaged (expected {KEY_BYTES} bytes). "
                             "kvcli will not overwrite it.")
        return key


def _finish_killed_publish(root: Path) -> None:
    """A bulk run killed while publishing a batch left its journal (`files.Batch`): finish
    the publish before anything is read, unless a live writer holds the lock (it finishes
    its own) or the home cannot be written. One stat when there is nothing to do."""
    if not os.path.lexists(root / files.TMP_DIR / files.JOURNAL):
        return
    try:
        with lock.exclusive(paths.lock_file(root), wait=False):
            files.clean_tmp(root)
    except lock.Busy:
        pass  # a live writer finishes its own publish
    except OSError:
        pass  # a read-only home: read what is there


def _check_name(path: Path | str, record: dict, name: str) -> None:
    if record["name"].lower() != name.lower():
        raise StateError(f"The state file '{path}' is damaged: it holds '{record['name']}', "
                         f"not '{name}'. kvcli will not overwrite it: repair or remove it by "
                         "hand.")


def _create_missing_keys(root: Path) -> None:
    for name in KEY_NAMES:
        path = paths.key_file(root, name)
        if files.read_state(root, path) is None:
            files.write_state(root, path, os.urandom(KEY_BYTES))


def _refuse_exposed(path: Path, mode: int, what: str) -> None:
    """A home or key readable by others is refused (not silently fixed): the user decides."""
    if mode & 0o077:
        wanted = "700" if stat.S_ISDIR(mode) else "600"
        raise StateError(f"The {what} '{path}' is accessible by other users (mode "
                         f"{stat.S_IMODE(mode):04o}); kvcli keeps its state private. "
                         f"Fix it with: chmod {wanted} '{path}'")


@contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _environment_error(path, exc) from None


def _environment_error(path: Path, exc: OSError) -> StateError:
    """An OS refusal (read-only filesystem, permissions, a file where a directory should
    be) as one az-style line naming the path and the cause."""
    where = exc.filename if exc.filename and os.path.isabs(str(exc.filename)) else path
    error_type = ReadOnlyHome if exc.errno in READ_ONLY_ERRNOS else StateError
    return error_type(f"Cannot use the state home at '{where}': {exc.strerror}.")
