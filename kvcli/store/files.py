"""Reading and writing one JSON document, atomically and with private permissions."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kvcli.errors import StateError

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: Path) -> None:
    """Create a private directory (and parents) if it is missing."""
    if not path.is_dir():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def read_json(path: Path) -> dict | None:
    """The document at `path`, or None when it does not exist; damage is a StateError."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"Cannot read state file '{path}': {exc.strerror}.") from exc
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateError(
            f"The state file '{path}' is damaged and cannot be read ({exc}). "
            "kvcli will not overwrite it: repair or remove it by hand.") from exc
    if not isinstance(document, dict):
        raise StateError(f"The state file '{path}' is damaged: expected a JSON object. "
                         "kvcli will not overwrite it: repair or remove it by hand.")
    return document


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same directory, fsync, rename, fsync the directory.

    A reader sees the old file or the new one, never a mix, and a kill -9 at any instant
    leaves the last committed version.
    """
    import tempfile  # only writers pay for it

    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def write_json(path: Path, document: dict) -> None:
    write_bytes_atomic(path, json.dumps(document, separators=(",", ":"), sort_keys=True).encode())


def remove(path: Path) -> None:
    """Remove one file durably; a missing file is fine."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
