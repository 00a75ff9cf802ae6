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


AUDIT_DIR = "audit"
AUDIT_LOG = f"{AUDIT_DIR}/log.jsonl"
AUDIT_HEAD = f"{AUDIT_DIR}/head.json"
# Audit operation names of reads (SecretGet, KeyList, SecretBackup, ...): they change nothing.
READ_OPERATIONS = ("Get", "List", "ListVersions", "ListDeleted", "GetDeleted", "Backup")


def differences(before: dict, after: dict) -> list[str]:
    """Readable list of what changed between two snapshots.

    One change is not a difference: an operation on a vault is recorded in the home's audit
    log (issue 12: allowed or denied, every operation appends a line). What is allowed is
    exactly that: lines appended to the log, and its head file moved with them, each line
    recording a refusal (Failed or Denied) or a read that succeeded at the service before
    the command failed on the client's side (`secret download -f ''`: Key Vault logs the
    SecretGet, az then fails to write the file), never a successful change."""
    changes = [f"removed {p}" for p in before.keys() - after.keys()]
    changes += [f"created {p}" for p in after.keys() - before.keys()]
    changes += [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    logs = {c.split(" ", 1)[1] for c in changes if c.endswith(AUDIT_LOG)}
    if len(logs) == 1:
        log = logs.pop()
        prefix = log[:-len(AUDIT_LOG)]
        if _only_refusals_appended(before.get(log), after.get(log)):
            audit_paths = {prefix + AUDIT_DIR, log, prefix + AUDIT_HEAD}
            changes = [c for c in changes if c.split(" ", 1)[1] not in audit_paths]
    return sorted(changes)


def _only_refusals_appended(old_entry: tuple | None, new_entry: tuple | None) -> bool:
    old = old_entry[2] if old_entry else b""
    new = new_entry[2] if new_entry else b""
    if not (isinstance(old, bytes) and isinstance(new, bytes) and new.startswith(old)):
        return False
    appended = [json.loads(line) for line in new[len(old):].splitlines() if line]
    return all(entry.get("result") in ("Failed", "Denied")
               or str(entry.get("operationName")).endswith(READ_OPERATIONS)
               for entry in appended)


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
