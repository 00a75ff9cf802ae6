"""What the robustness tests share: a snapshot of a directory tree and the outcome rules."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

ERROR_EXITS = (1, 2, 3)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root`: (kind, mode, content) with bytes for files and the target for
    symlinks, so any creation, removal, change of content or of mode shows as a difference."""
    found: dict[str, tuple] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory, name)
            info = path.lstat()
            mode = stat.S_IMODE(info.st_mode)
            relative = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                found[relative] = ("link", mode, os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[relative] = ("dir", mode, None)
            elif os.access(path, os.R_OK):
                found[relative] = ("file", mode, path.read_bytes())
            else:
                found[relative] = ("file", mode, info.st_size)
    return found


def differences(before: dict, after: dict) -> list[str]:
    """Readable list of what changed between two snapshots."""
    changes = [f"removed {p}" for p in before.keys() - after.keys()]
    changes += [f"created {p}" for p in after.keys() - before.keys()]
    changes += [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    return sorted(changes)


def assert_clean_outcome(result, args) -> None:
    """kvcli's promise for any input: exit 0 with parseable output, or an az-style error."""
    assert "Traceback" not in result.stderr, (args, result.stderr)
    assert "unexpected error" not in result.stderr, (args, result.stderr)
    if result.exit_code == 0:
        if result.stdout.strip():
            json.loads(result.stdout)
    else:
        assert result.exit_code in ERROR_EXITS, (args, result.exit_code, result.stderr)
        assert_error_line(result, args)


def assert_error_line(result, args) -> None:
    lines = result.stderr.splitlines()
    assert any(line.startswith("ERROR: ") for line in lines), (args, result.stderr)
