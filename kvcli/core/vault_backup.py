"""Whole-vault backup and restore (a kvcli extension; az backs up one object at a time).

A directory holds one blob per object, in the per-object format of `backup.py`, plus a
`manifest.json` listing them. Adding an object kind is one row in `KINDS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kvcli.core.clock import home_now
from kvcli.core.timeutil import data_plane, to_stamp
from kvcli.errors import KvError
from kvcli.store import files
from kvcli.store.home import Home

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
# The largest manifest kvcli reads: a few hundred bytes per object listed.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MANIFEST_ENTRY_FIELDS = ("file", "kind", "name")


@dataclass(frozen=True)
class BackupKind:
    names: Callable[[Home, str], list[str]]
    backup: Callable[[Home, str, str], bytes]
    restore: Callable[[Home, str, bytes], dict]


def _secret_kind() -> BackupKind:
    from kvcli.core import secrets

    def names(home: Home, vault_name: str) -> list[str]:
        return [item["name"] for item in secrets.list_secrets(home, vault_name,
                                                              include_managed=True)]

    return BackupKind(names, secrets.backup_secret, secrets.restore_secret)


KINDS: dict[str, Callable[[], BackupKind]] = {"secret": _secret_kind}


def backup_all(home: Home, vault_name: str, directory: Path,
               on_object: Callable[[str, str], None] | None = None) -> dict:
    """Write every active object's blob and the manifest; returns the manifest."""
    from kvcli.core.objects import DataPlaneVault

    vault = DataPlaneVault(home, vault_name)
    kinds = {kind: make() for kind, make in KINDS.items()}
    plan = [(kind, name) for kind, handler in kinds.items()
            for name in handler.names(home, vault.name)]
    entries = []
    for kind, name in plan:
        if on_object:
            on_object(kind, name)
        blob = kinds[kind].backup(home, vault.name, name)
        file_name = f"{kind}-{name.lower()}.kvbackup"
        files.write_user_file(directory / file_name, blob)
        entries.append({"file": file_name, "kind": kind, "name": name})
    manifest = {"created": data_plane(to_stamp(home_now(home))), "format": MANIFEST_FORMAT,
                "objects": entries, "sourceVault": vault.name,
                "subscriptionId": home.subscription_id}
    files.write_user_file(directory / MANIFEST,
                             (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def read_manifest(directory: Path) -> list[dict]:
    path = directory / MANIFEST
    raw = files.read_input(path, MAX_MANIFEST_BYTES, "manifest")
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise KvError(f"The manifest '{path}' is not valid JSON.") from None
    objects = manifest.get("objects") if isinstance(manifest, dict) else None
    if not isinstance(objects, list) or manifest.get("format") != MANIFEST_FORMAT \
            or not all(_is_entry(entry) for entry in objects):
        raise KvError(f"The manifest '{path}' is not a kvcli backup-all manifest of format "
                      f"{MANIFEST_FORMAT}.")
    return objects


def _is_entry(entry: object) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(field), str)
                                           for field in MANIFEST_ENTRY_FIELDS)


def restore_all(home: Home, vault_name: str, directory: Path,
                on_object: Callable[[str, str], None] | None = None) -> list[dict]:
    """Restore each listed object; a refusal is reported for that object, not fatal."""
    from kvcli.core.objects import DataPlaneVault

    from kvcli.core.backup import read_blob_file

    DataPlaneVault(home, vault_name)
    kinds = {kind: make() for kind, make in KINDS.items()}
    report = []
    for entry in read_manifest(directory):
        kind, name = entry.get("kind"), entry.get("name")
        if on_object:
            on_object(kind, name)
        outcome = {"kind": kind, "name": name, "status": "restored", "error": None}
        try:
            if kind not in kinds:
                raise KvError(f"Unknown object kind '{kind}' in the manifest.")
            kinds[kind].restore(home, vault_name, read_blob_file(directory / entry["file"]))
        except KvError as error:
            outcome.update(status="refused", error=error.render()[0].removeprefix("ERROR: "))
        report.append(outcome)
    return report
