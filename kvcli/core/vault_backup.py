"""Whole-vault backup and restore (a kvcli extension; az backs up one object at a time).

A directory holds one blob per object, in the per-object format of `backup.py`, plus a
`manifest.json` listing them. Adding an object kind is one row in `KINDS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kvcli.core import access
from kvcli.core.clock import home_now
from kvcli.core.objects import CERTIFICATE, KEY, SECRET, DataPlaneVault, ObjectKind
from kvcli.core.timeutil import data_plane, to_stamp
from kvcli.errors import KvError
from kvcli.store import files
from kvcli.store.home import Home

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
# A manifest lists one short entry per object; 16 MiB is well over 100 000 objects.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BackupKind:
    """How one object kind lists, backs up and restores. A certificate's managed key and
    secret travel in the certificate's blob, so the key and secret lists (which hide
    managed objects) name exactly what is backed up on its own."""

    kind: ObjectKind
    listing: Callable[..., list[dict]]
    deleted_listing: Callable[..., list[dict]]
    backup: Callable[[DataPlaneVault, str], bytes]
    restore: Callable[[DataPlaneVault, bytes], dict]
    list_options: tuple[tuple[str, bool], ...] = ()

    def names(self, home: Home, vault_name: str) -> list[str]:
        return [item["name"] for item in self.listing(home, vault_name,
                                                      **dict(self.list_options))]

    def deleted_names(self, home: Home, vault_name: str) -> list[str]:
        return [item["name"] for item in self.deleted_listing(home, vault_name,
                                                              **dict(self.list_options))]


def _secret_kind() -> BackupKind:
    from kvcli.core import secrets

    return BackupKind(SECRET, secrets.list_secrets, secrets.list_deleted_secrets,
                      secrets.backup_object, secrets.restore_object)


def _key_kind() -> BackupKind:
    from kvcli.core import keys

    return BackupKind(KEY, keys.list_keys, keys.list_deleted_keys, keys.backup_object,
                      keys.restore_object)


def _certificate_kind() -> BackupKind:
    from kvcli.core import certificates

    return BackupKind(CERTIFICATE, certificates.list_certificates,
                      certificates.list_deleted_certificates, certificates.backup_object,
                      certificates.restore_object, list_options=(("include_pending", True),))


KINDS: dict[str, Callable[[], BackupKind]] = {"secret": _secret_kind, "key": _key_kind,
                                              "certificate": _certificate_kind}


def backup_all(home: Home, vault_name: str, directory: Path,
               on_object: Callable[[str, str], None] | None = None,
               warn: Callable[[str], None] = lambda message: None) -> dict:
    """Write every active object's blob and the manifest; returns the manifest.

    Key Vault refuses to back up a soft-deleted object, so those are named in a warning
    rather than left out silently. One lock, one read of the vault and one access decision
    per kind serve the whole run; blobs are written in batches (`files.Batch`), each file
    whole or absent, and the manifest, naming them all, last."""
    with home.batch():
        vault = DataPlaneVault(home, vault_name)
        kinds = {kind: make() for kind, make in KINDS.items()}
        plan = [(kind, name) for kind, handler in kinds.items()
                for name in handler.names(home, vault.name)]
        skipped = [f"{kind} {name}" for kind, handler in kinds.items()
                   for name in handler.deleted_names(home, vault.name)]
        if skipped:
            warn(f"{len(skipped)} soft-deleted object(s) not backed up (Key Vault cannot back "
                 f"up a deleted object; recover it first): {', '.join(skipped)}")
        guards = {kind: access.object_guard(home, vault, handler.kind, "Backup")
                  for kind, handler in kinds.items()}
        blobs = files.Batch()
        entries = []
        try:
            for kind, name in plan:
                if on_object:
                    on_object(kind, name)
                with guards[kind](name):
                    blob = kinds[kind].backup(vault, name)
                file_name = f"{kind}-{name.lower()}.kvbackup"
                blobs.write_user_file(directory / file_name, blob)
                entries.append({"file": file_name, "kind": kind, "name": name})
                home.publish_if_full(blobs)
        finally:  # a run that stops on a refusal keeps the blobs written before it
            blobs.publish()
    manifest = {"created": data_plane(to_stamp(home_now(home))), "format": MANIFEST_FORMAT,
                "objects": entries, "sourceVault": vault.name,
                "subscriptionId": home.subscription_id}
    files.write_user_file(directory / MANIFEST,
                          (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def read_manifest(directory: Path) -> list[dict]:
    from kvcli.store.files import read_input

    path = directory / MANIFEST
    try:
        manifest = json.loads(read_input(path, MAX_MANIFEST_BYTES, "manifest"))
    except ValueError:
        raise KvError(f"The manifest '{path}' is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT \
            or not isinstance(manifest.get("objects"), list):
        raise KvError(f"The manifest '{path}' is not a kvcli backup-all manifest of format "
                      f"{MANIFEST_FORMAT}.")
    for index, entry in enumerate(manifest["objects"]):
        if not (isinstance(entry, dict)
                and all(isinstance(entry.get(field), str) for field in ("file", "kind", "name"))
                and entry["file"] == Path(entry["file"]).name
                and entry["file"] not in ("", ".", "..")):
            raise KvError(f"The manifest '{path}' is damaged: entry {index} must name a kind, an "
                          "object and a blob file inside the backup directory.")
    return manifest["objects"]


def restore_all(home: Home, vault_name: str, directory: Path,
                on_object: Callable[[str, str], None] | None = None) -> list[dict]:
    """Restore each listed object; a refusal is reported for that object, not fatal.
    One lock and one read of the vault serve the run; restored objects are published in
    batches (`Home.batch`), each whole or absent."""
    from kvcli.core.backup import read_blob_file

    with home.batch():
        vault = DataPlaneVault(home, vault_name)
        kinds = {kind: make() for kind, make in KINDS.items()}
        guards: dict[str, Callable] = {}
        report = []
        for entry in read_manifest(directory):
            kind, name = entry["kind"], entry["name"]
            if on_object:
                on_object(kind, name)
            outcome = {"kind": kind, "name": name, "status": "restored", "error": None}
            try:
                if kind not in kinds:
                    raise KvError(f"Unknown object kind '{kind}' in the manifest.")
                blob = read_blob_file(directory / entry["file"])
                if kind not in guards:  # made here: a caller signed out is refused per object
                    guards[kind] = access.object_guard(home, vault, kinds[kind].kind, "Restore")
                with guards[kind](None):
                    kinds[kind].restore(vault, blob)
            except KvError as error:
                outcome.update(status="refused", error=error.render()[0].removeprefix("ERROR: "))
            report.append(outcome)
            home.publish_if_full()
    return report
