"""Reading and writing files: state documents inside a home, and the user's own files.

State documents are opened relative to the home root, one directory at a time, never
following a symlink (`O_NOFOLLOW` on every component below the root), so nothing in the
home can redirect a read or a write outside it. Writes go to a temp file in the home's
`.tmp/`, are fsynced and renamed into place, so a reader sees the old or the new document
and a kill -9 at any instant leaves the last committed one. A bulk command writes through a
`Batch`: the same temp-and-rename, with one sync for many files.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from kvcli.errors import KvError, StateError, file_error

FILE_MODE = 0o600
DIR_MODE = 0o700
TMP_DIR = ".tmp"
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
# No state file kvcli writes comes near this; a larger one is damage, not data to load.
STATE_FILE_LIMIT = 16 * 1024 * 1024


def _relative(root: Path, path: Path) -> tuple[str, ...]:
    """The components of `path` below `root`; a path outside the home is refused. (String
    operations, not pathlib: this runs for every file of every operation.)"""
    full = os.path.normpath(path)
    base = os.path.join(os.path.normpath(root), "")
    inner = tuple(full[len(base):].split(os.sep)) if full.startswith(base) else ()
    if not inner or any(p in ("", ".", "..") for p in inner):
        raise StateError(f"Refusing to use '{path}': it is not inside the state home '{root}'.")
    return inner


def _open_dir(root: Path, parts: tuple[str, ...], *, create: bool) -> int | None:
    """A descriptor of the directory root/parts, walked without following symlinks.

    None when a component is missing and `create` is false. Directories kvcli makes are
    0700 whatever the umask.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for index, part in enumerate(parts):
            try:
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    return _close(fd)
                try:
                    os.mkdir(part, DIR_MODE, dir_fd=fd)
                except FileExistsError:
                    pass
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
                os.fchmod(child, DIR_MODE)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _not_a_plain_dir(root.joinpath(*parts[:index + 1])) from None
                raise
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        _close(fd)
        raise


def _close(fd: int) -> None:
    os.close(fd)
    return None


def _not_a_plain_dir(path: Path) -> StateError:
    return StateError(f"The state home entry '{path}' is a symlink or not a directory; kvcli "
                      "does not follow links out of the home. Replace it with a directory.")


def _not_a_plain_file(path: object) -> StateError:
    return StateError(f"The state file '{path}' is a symlink or not a regular file; kvcli does "
                      "not follow links out of the home. Replace it with the file itself.")


@contextmanager
def _in_dir(root: Path, path: Path, *, create: bool) -> Iterator[int | None]:
    parts = _relative(root, path)
    fd = _open_dir(root, parts[:-1], create=create)
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def read_state(root: Path, path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of a state file inside the home, or None when it does not exist."""
    try:
        opened = _open_state(root, path, os.O_RDONLY)
        return None if opened is None else _read_bounded(*opened, path,
                                                         limit or STATE_FILE_LIMIT)
    except StateError:
        raise
    except OSError as exc:
        raise StateError(f"Cannot read state file '{path}': {exc.strerror}.") from None


def _read_bounded(fd: int, size: int, path: object, limit: int) -> bytes:
    """Read at most `limit` bytes from fd (closing it); more is an error, not a hang.

    Sized by the file's size when opened: asking for `limit` bytes at once would allocate
    that much per file. A regular file's short read is its end, so a file that did not grow
    is one read (a list reads 100 000 of them).
    """
    try:
        wanted = min(size, limit) + 1
        data = os.read(fd, wanted)
        if len(data) < wanted:
            return data
        chunks, total = [data], len(data)  # grown since opened, or over the bound
        while total <= limit and (chunk := os.read(fd, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > limit:
        raise KvError(f"The file '{path}' is larger than {limit} bytes, the most kvcli reads "
                      "from it.")
    return b"".join(chunks)


def read_json(root: Path, path: Path) -> dict | None:
    """The JSON object at `path` in the home, or None when missing; damage is a StateError."""
    raw = read_state(root, path)
    return None if raw is None else parse_json(path, raw)


def write_state(root: Path, path: Path, data: bytes) -> None:
    """Atomically replace a state file: temp in HOME/.tmp, fsync, rename, fsync the directory.

    The caller holds the home's lock, so any file left in `.tmp` belongs to a writer that was
    killed; `clean_tmp` removes them.
    """
    with _in_dir(root, path, create=True) as dir_fd:
        tmp_fd = _open_dir(root, (TMP_DIR,), create=True)
        try:
            tmp_name = f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
            fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE,
                         dir_fd=tmp_fd)
            try:
                os.fchmod(fd, FILE_MODE)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp_name, path.name, src_dir_fd=tmp_fd, dst_dir_fd=dir_fd)
            except BaseException:
                _unlink_quietly(tmp_name, tmp_fd)
                raise
            os.fsync(dir_fd)
        finally:
            os.close(tmp_fd)


def encode_json(document: dict) -> bytes:
    """A state document as stored: compact, keys sorted."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def write_json(root: Path, path: Path, document: dict) -> None:
    write_state(root, path, encode_json(document))


def remove(root: Path, path: Path) -> None:
    """Remove one state file durably; a missing file is fine."""
    with _in_dir(root, path, create=False) as dir_fd:
        if dir_fd is None:
            return
        try:
            os.unlink(path.name, dir_fd=dir_fd)
        except FileNotFoundError:
            return
        os.fsync(dir_fd)


def read_dir(root: Path, directory: Path, suffix: str,
             after: str | None = None) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every `*suffix` file in a state directory, in name order (only the
    names above `after`, when given), read one at a time through one directory descriptor:
    listing N objects costs one scan and N opens, and holds N names, never N documents."""
    parts = _relative(root, directory)
    dir_fd = _open_dir(root, parts, create=False)
    if dir_fd is None:
        return
    try:
        with os.scandir(dir_fd) as scan:
            names = sorted(entry.name for entry in scan if entry.name.endswith(suffix)
                           and not entry.name.startswith(".")
                           and (after is None or entry.name > after))
        shown = _Joined(str(directory))  # a file's path in messages, made only for one
        for name in names:
            shown.name = name
            try:
                opened = _open_regular(dir_fd, name, os.O_RDONLY, shown)
            except OSError as exc:
                raise StateError(f"Cannot read state file '{shown}': {exc.strerror}.") from None
            if opened is None:
                continue  # removed since the scan
            yield name, _read_bounded(*opened, shown, STATE_FILE_LIMIT)
    finally:
        os.close(dir_fd)


class _Joined:
    """`directory/name` for a message, joined only when a message is made."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.name = ""

    def __str__(self) -> str:
        return f"{self.directory}/{self.name}"


def _open_state(root: Path, path: Path, flags: int) -> tuple[int, int] | None:
    """(descriptor, size) of a state file opened without following links; None when
    missing (and not created)."""
    with _in_dir(root, path, create=bool(flags & os.O_CREAT)) as dir_fd:
        if dir_fd is None:
            return None
        return _open_regular(dir_fd, path.name, flags, path)


def _open_regular(dir_fd: int, name: str, flags: int, path: object) -> tuple[int, int] | None:
    """(descriptor, size) of `name` in `dir_fd` if it is a regular file (`path` names it in
    messages); None when missing. O_NONBLOCK: a FIFO planted in the home must not block the
    open forever."""
    try:
        fd = os.open(name, flags | _NOFOLLOW | os.O_NONBLOCK, FILE_MODE, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):
            raise _not_a_plain_file(path) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _not_a_plain_file(path)
    return fd, info.st_size


def append_chained(root: Path, log: Path, head: Path, tail_size: int,
                   make: Callable[[bytes], tuple[bytes, bytes]], *, durable: bool) -> None:
    """Append one line to a log whose lines chain on the one before, and rewrite the log's
    head record, through one descriptor of their directory (both live in it).

    `make(tail)` gets the log's last `tail_size` bytes (empty for a new log) and returns
    (line, head). The line is one append, fsync'd when `durable`; the head, a small
    fixed-size record, is overwritten in place by one write at offset 0, never fsync'd.
    Either way a killed process leaves each write whole or absent (the head may then lag
    one line): only an OS crash can lose a write that was not fsync'd.
    """
    with _in_dir(root, log, create=True) as dir_fd:
        fd, size = _open_regular(dir_fd, log.name, os.O_RDWR | os.O_APPEND | os.O_CREAT, log)
        try:
            line, record = make(os.pread(fd, min(size, tail_size), max(0, size - tail_size)))
            os.write(fd, line)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        fd, size = _open_regular(dir_fd, head.name, os.O_WRONLY | os.O_CREAT, head)
        try:
            os.pwrite(fd, record, 0)
            if size > len(record):  # longer (written by hand): cut the rest
                os.ftruncate(fd, len(record))
        finally:
            os.close(fd)


def read_lines(root: Path, path: Path) -> Iterator[bytes]:
    """The lines of a state file without their line ends, streamed (a log may outgrow any
    bound on a whole-file read); none when it does not exist."""
    opened = _open_state(root, path, os.O_RDONLY)
    if opened is None:
        return
    with os.fdopen(opened[0], "rb") as handle:
        for line in handle:
            yield line.rstrip(b"\n")


_decode_json = json.JSONDecoder().decode


def parse_json(path: Path | str, raw: bytes) -> dict:
    """A state file's bytes as a JSON object; anything else is a StateError naming it."""
    try:
        # What kvcli writes is UTF-8 text starting with "{": decoded directly, which saves
        # a list of 100 000 files a tenth of a second; anything else (a BOM, UTF-16 or -32
        # from a hand edit) goes through json.loads's encoding detection, as before.
        utf8 = raw[:1] == b"{" and raw[1:2] != b"\x00"
        document = (_decode_json(raw.decode("utf-8", "surrogatepass")) if utf8
                    else json.loads(raw))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateError(
            f"The state file '{path}' is damaged and cannot be read ({exc}). "
            "kvcli will not overwrite it: repair or remove it by hand.") from None
    if not isinstance(document, dict):
        raise StateError(f"The state file '{path}' is damaged: expected a JSON object. "
                         "kvcli will not overwrite it: repair or remove it by hand.")
    return document


def entries(root: Path, directory: Path) -> list[str]:
    """Names in a state directory (no dot-files), sorted; a missing directory is empty."""
    parts = _relative(root, directory)
    fd = _open_dir(root, parts, create=False)
    if fd is None:
        return []
    try:
        return sorted(name for name in os.listdir(fd) if not name.startswith("."))
    finally:
        os.close(fd)


def discard_dir(root: Path, directory: Path) -> None:
    """Remove a directory tree of the home: one atomic rename into `.tmp`, then the delete.

    A process killed between the two leaves the tree in `.tmp`, which the next writer clears.
    """
    import shutil

    parts = _relative(root, directory)
    parent_fd = _open_dir(root, parts[:-1], create=False)
    if parent_fd is None:
        return
    tmp_fd = _open_dir(root, (TMP_DIR,), create=True)
    trash = f"{parts[-1]}.{os.urandom(8).hex()}.discarded"
    try:
        try:
            os.replace(parts[-1], trash, src_dir_fd=parent_fd, dst_dir_fd=tmp_fd)
        except FileNotFoundError:
            return
        os.fsync(parent_fd)
    finally:
        os.close(parent_fd)
        os.close(tmp_fd)
    shutil.rmtree(root / TMP_DIR / trash, ignore_errors=True)


def clean_tmp(root: Path) -> None:
    """Finish the publish a killed writer committed, then clear what killed writers left in
    HOME/.tmp; called with the lock held."""
    fd = _open_dir(root, (TMP_DIR,), create=False)
    if fd is None:
        return
    try:
        _roll_forward(root, fd)
        leftovers = os.listdir(fd)
        for name in leftovers:
            if name.endswith(".discarded"):
                import shutil

                shutil.rmtree(root / TMP_DIR / name, ignore_errors=True)
            else:
                _unlink_quietly(name, fd)
    finally:
        os.close(fd)


def _unlink_quietly(name: str, dir_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


def tighten_modes(root: Path) -> None:
    """Make every directory of the home 0700 and every file 0600 (older kvcli versions made
    some directories with the umask's mode). Links are neither followed nor changed."""
    for directory, subdirs, names in os.walk(root):
        for name in names:
            target = os.path.join(directory, name)
            if not os.path.islink(target):
                os.chmod(target, FILE_MODE)
        for name in subdirs:
            target = os.path.join(directory, name)
            if not os.path.islink(target):
                os.chmod(target, DIR_MODE)


def ensure_root(root: Path) -> None:
    """Create the home directory itself (and missing parents), all 0700 whatever the umask."""
    missing = []
    path = root
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            # Not ours (another process, or `x/..` naming an existing parent): leave its mode.
            continue
        os.chmod(directory, DIR_MODE)


# --- the user's own files (values, blobs, downloads): az's semantics, no state rules ----
def read_input(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """A file the user named, read only up to `limit` bytes: /dev/zero cannot exhaust memory."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as error:
        raise file_error(error, path) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise file_error(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)), path)
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise KvError(f"The {what} '{path}' is {info.st_size} bytes; the most kvcli accepts "
                          f"is {limit} bytes.")
    except BaseException:
        os.close(fd)
        raise
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise file_error(error, path) from None
    if len(data) > limit:
        raise KvError(f"The {what} '{path}' is larger than {limit} bytes, the most kvcli "
                      "accepts.")
    return data


def write_user_file(path: Path, data: bytes) -> None:
    """Write a file the user named, atomically (temp beside it, fsync, rename).

    Like az, a missing directory is an error ([Errno 2]), never created; a directory given
    as the file is refused with az's [Errno 21].
    """
    import tempfile

    if path.is_dir():
        raise file_error(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)), path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise file_error(error, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError):
            raise file_error(error, path) from None
        raise


# --- batched writes: many files, one sync ---------------------------------------------
# A batch publishes itself once it holds this many files or bytes: memory stays bounded and
# a long run is published as it goes.
BATCH_FILES = 1000
BATCH_BYTES = 32 * 1024 * 1024


class Batch:
    """Many writes (state files, appends to a state log, the user's own files) published
    together, each still whole or absent after a kill -9 at any instant.

    Writes are held in memory, then published: each file is written in full to a temp file,
    one sync of each filesystem makes every temp file durable, each is renamed into place
    and each append made, in the order they were asked for (a path written twice lands
    once, at its last write's place), then each directory and log is synced once. That is
    one sync per batch where single writes pay two per file. State files are written under
    the home's lock, held from the first write to the publish.
    """

    def __init__(self) -> None:
        # (operation, path) -> (root or None for a user file, bytes); insertion order is
        # publication order. Appends are keyed by their sequence number.
        self._ops: dict[tuple, tuple[Path | None, bytes]] = {}
        self._appended: dict[Path, bytearray] = {}
        self._appends = 0
        self._files = 0
        self._bytes = 0

    def write_state(self, root: Path, path: Path, data: bytes) -> None:
        self._stage(("write", path), root, data)

    def write_user_file(self, path: Path, data: bytes) -> None:
        """`write_user_file`'s semantics, published with the batch."""
        if path.is_dir():
            raise file_error(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)), path)
        self._stage(("write", path), None, data)

    def _append(self, root: Path, path: Path, data: bytes) -> None:
        self._appends += 1
        self._ops[("append", self._appends, path)] = (root, data)
        self._appended.setdefault(path, bytearray()).extend(data)
        self._grew(len(data), files=0)

    def append_chained(self, root: Path, log: Path, head: Path, tail_size: int,
                       make: Callable[[bytes], tuple[bytes, bytes]]) -> None:
        """`append_chained`'s semantics, published with the batch: `make` sees the log's
        tail as it will be (what is stored, then what the batch appends to it)."""
        tail = bytes(self._appended.get(log, b"")[-tail_size:])
        if len(tail) < tail_size:
            tail = _stored_tail(root, log, tail_size - len(tail)) + tail
        line, record = make(tail)
        self._append(root, log, line)
        self.write_state(root, head, record)

    def written(self, path: Path) -> bytes | None:
        """The bytes a state file will hold once published, if the batch writes it."""
        staged = self._ops.get(("write", path))
        return staged[1] if staged is not None and staged[0] is not None else None

    def __bool__(self) -> bool:
        return bool(self._ops)

    def _stage(self, key: tuple, root: Path | None, data: bytes) -> None:
        previous = self._ops.pop(key, None)
        self._ops[key] = (root, data)
        self._grew(len(data) - (len(previous[1]) if previous else 0),
                   files=0 if previous else 1)

    def _grew(self, size: int, files: int) -> None:
        self._bytes += size
        self._files += files

    @property
    def full(self) -> bool:
        """Holding BATCH_FILES files or BATCH_BYTES bytes: publish at the next boundary
        between objects (never inside one: a certificate's three files land together)."""
        return self._files >= BATCH_FILES or self._bytes >= BATCH_BYTES

    def publish(self) -> None:
        """Make every held write durable and visible (see the class). Once the temp files
        are synced, a journal naming every step of the home's part is committed
        (`JOURNAL`): a run killed from then on is finished by the next command
        (`clean_tmp`), so the batch lands whole; killed before, it leaves nothing."""
        import base64

        ops, self._ops, self._appended, self._files, self._bytes = self._ops, {}, {}, 0, 0
        if not ops:
            return
        sync_each = _syncfs() is None
        dirs = _DirCache()
        temps: dict[str, int] = {}  # written and not yet committed: removed on failure
        try:
            steps = []  # (path, root, temp file and its directory or None, target fd, data)
            journal: dict[Path, list] = {}  # root -> the steps of its part
            for (operation, *_, path), (root, data) in ops.items():
                with _user_errors(root, path):
                    if operation == "write":
                        temp_dir, target = dirs.for_file(root, path)
                        temp = _write_temp(temp_dir, path.name, data, private=root is not None,
                                           sync=sync_each)
                        temps[temp] = temp_dir
                        steps.append((path, root, (temp, temp_dir), target, data))
                        step = {"temp": temp}
                    else:
                        steps.append((path, root, None, dirs.log(root, path), data))
                        step = {"at": dirs.grow_log(path, len(data)),
                                "data": base64.b64encode(data).decode()}
                if root is not None:  # below the root: checked when its directory opened
                    journal.setdefault(root, []).append(
                        {"path": os.fspath(path)[len(os.fspath(root)) + 1:], **step})
            if not sync_each:
                dirs.sync_filesystems()
            for root, journal_steps in journal.items():
                _commit_journal(dirs.temp_dir(root), journal_steps)
            committed = {dirs.temp_dir(root) for root in journal}  # the journal's now
            temps = {temp: temp_dir for temp, temp_dir in temps.items()
                     if temp_dir not in committed}
            for path, root, temp, target, data in steps:
                with _user_errors(root, path):
                    if temp is None:
                        os.write(target, data)
                    else:
                        os.replace(temp[0], path.name, src_dir_fd=temp[1], dst_dir_fd=target)
                        temps.pop(temp[0], None)
            dirs.sync_targets()
            for root in journal:
                os.unlink(JOURNAL, dir_fd=dirs.temp_dir(root))
        finally:
            for temp, temp_dir in temps.items():
                _unlink_quietly(temp, temp_dir)
            dirs.close()


# The last publish of a batch into a home, while it is being made: its steps, in order.
JOURNAL = "publish.journal"


def _commit_journal(tmp_fd: int, steps: list[dict]) -> None:
    """Write the journal in full, sync it, then rename it into place: the commit point."""
    temp = _write_temp(tmp_fd, JOURNAL, json.dumps({"steps": steps}).encode(), private=True,
                       sync=True)
    os.replace(temp, JOURNAL, src_dir_fd=tmp_fd, dst_dir_fd=tmp_fd)
    os.fsync(tmp_fd)


def _roll_forward(root: Path, tmp_fd: int) -> None:
    """Finish the publish a killed writer committed: rename each temp file still there,
    make each append the log does not hold yet. Each step is done once, however often
    this runs."""
    import base64

    try:
        fd = os.open(JOURNAL, os.O_RDONLY | _NOFOLLOW, dir_fd=tmp_fd)
    except FileNotFoundError:
        return
    path = root / TMP_DIR / JOURNAL
    journal = parse_json(path, _read_bounded(fd, os.fstat(fd).st_size, path,
                                             STATE_FILE_LIMIT))
    dirs = _DirCache()
    try:
        for step in journal["steps"]:
            target = root / step["path"]
            if "temp" in step:
                try:
                    os.replace(step["temp"], target.name, src_dir_fd=tmp_fd,
                               dst_dir_fd=dirs.for_file(root, target)[1])
                except FileNotFoundError:
                    pass  # renamed before the kill
                continue
            log = dirs.log(root, target)
            data = base64.b64decode(step["data"])
            size = os.fstat(log).st_size
            if size < step["at"] + len(data):
                if size < step["at"]:
                    raise StateError(f"The state file '{target}' is shorter than the "
                                     f"journal '{path}' expects; kvcli will not guess.")
                os.ftruncate(log, step["at"])
                os.write(log, data)
        dirs.sync_targets()
    except (KeyError, TypeError, ValueError):
        raise StateError(f"The state file '{path}' is damaged: it is not a publish journal. "
                         "kvcli will not guess: repair or remove it by hand.") from None
    finally:
        dirs.close()
    os.unlink(JOURNAL, dir_fd=tmp_fd)


def _stored_tail(root: Path, path: Path, size: int) -> bytes:
    """At most the last `size` bytes of a state file as stored (none when missing)."""
    opened = _open_state(root, path, os.O_RDONLY)
    if opened is None:
        return b""
    fd, stored = opened
    try:
        return os.pread(fd, min(stored, size), max(0, stored - size))
    finally:
        os.close(fd)


@contextmanager
def _user_errors(root: Path | None, path: Path) -> Iterator[None]:
    """A user's file that cannot be written fails in az's words; a state file's OS error is
    left for the home to name."""
    try:
        yield
    except OSError as error:
        if root is None:
            raise file_error(error, path) from None
        raise


def _write_temp(dir_fd: int, name: str, data: bytes, *, private: bool, sync: bool) -> str:
    """A new temp file in dir_fd holding `data` (hidden for a user's directory)."""
    temp = f"{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    temp = temp if private else f".{temp}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE,
                 dir_fd=dir_fd)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except BaseException:
        _unlink_quietly(temp, dir_fd)
        raise
    return temp


class _DirCache:
    """The directory and log descriptors one publish uses, each opened once."""

    def __init__(self) -> None:
        self._dirs: dict[tuple, int] = {}
        self._targets: dict[int, None] = {}
        self._logs: dict[Path, int] = {}
        self._ends: dict[Path, int] = {}

    def _open(self, key: tuple, opener) -> int:
        if key not in self._dirs:
            self._dirs[key] = opener()
        return self._dirs[key]

    def for_file(self, root: Path | None, path: Path) -> tuple[int, int]:
        """(where its temp file goes, where it lands): HOME/.tmp for a state file, beside
        it for a user's file."""
        if root is None:
            parent = os.path.dirname(path) or "."
            target = self._open(("user", parent), lambda: os.open(
                parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
            temp_dir = target
        else:  # walked and checked as write_state does, once per directory
            target = self._open(("state", root, path.parent), lambda: _open_dir(
                root, _relative(root, path)[:-1], create=True))
            temp_dir = self.temp_dir(root)
        self._targets[target] = None
        return temp_dir, target

    def temp_dir(self, root: Path) -> int:
        return self._open(("state", root, (TMP_DIR,)),
                          lambda: _open_dir(root, (TMP_DIR,), create=True))

    def log(self, root: Path, path: Path) -> int:
        if path not in self._logs:
            self._logs[path], self._ends[path] = _open_state(
                root, path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        return self._logs[path]

    def grow_log(self, path: Path, size: int) -> int:
        """Where an append of `size` bytes to an opened log will start."""
        start = self._ends[path]
        self._ends[path] = start + size
        return start

    def sync_filesystems(self) -> None:
        """One syncfs per filesystem the temp files were written on."""
        syncfs = _syncfs()
        devices = set()
        for fd in self._dirs.values():
            device = os.fstat(fd).st_dev
            if device not in devices:
                devices.add(device)
                syncfs(fd)

    def sync_targets(self) -> None:
        for fd in [*self._logs.values(), *self._targets]:
            os.fsync(fd)

    def close(self) -> None:
        for fd in [*self._dirs.values(), *self._logs.values()]:
            os.close(fd)


@functools.lru_cache(maxsize=None)
def _syncfs() -> Callable[[int], None] | None:
    """syncfs(2) as a function raising OSError, or None where the C library has none (it is
    Linux's): a batch then syncs each temp file instead."""
    try:
        import ctypes

        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, AttributeError, OSError):
        return None

    def syncfs(fd: int) -> None:
        if call(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
    return syncfs
