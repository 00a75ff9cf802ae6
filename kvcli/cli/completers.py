"""Dynamic shell completion: vault, object, resource group and location names.

The shell runs kvcli again on every TAB, so these must be fast and harmless: they list
directories of the state home read-only, never create it, never print, never raise, and
import nothing heavy (no cryptography, jmespath or yaml).

They know the state: a command that works on soft-deleted things (`recover`, `purge`,
`show-deleted`) is offered soft-deleted vaults or objects, every other command active
ones; object names come from the vault already given on the command line (`--vault-name`,
or the configured default). Enumerations complete through their type (params.AzChoice).
"""

from __future__ import annotations

import json
import os


def _names(subdirectory: str, suffix: str = "") -> list[str]:
    try:
        from kvcli.store.paths import home_dir

        entries = os.listdir(home_dir() / subdirectory)
    except Exception:  # noqa: BLE001 - no home yet, unreadable home: nothing to offer
        return []
    names = []
    for entry in entries:
        if entry.startswith("."):
            continue
        if suffix:
            if not entry.endswith(suffix):
                continue
            entry = entry[: -len(suffix)]
        names.append(entry)
    return sorted(names)


def _matching(names: list[str], incomplete: str) -> list[str]:
    prefix = (incomplete or "").lower()
    return [name for name in names if name.lower().startswith(prefix)]


# Commands that act on soft-deleted vaults or objects.
DELETED_COMMANDS = frozenset({"recover", "purge", "show-deleted"})


def _wants_deleted(ctx) -> bool:
    return getattr(ctx, "info_name", None) in DELETED_COMMANDS


def _record(path) -> dict:
    """A stored record, or {} when it cannot be read (a damaged record is not offered)."""
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
    except Exception:  # noqa: BLE001
        return {}
    return record if isinstance(record, dict) else {}


def _vault_names(deleted: bool) -> list[str]:
    try:
        from kvcli.store.paths import home_dir, vault_file

        root = home_dir()
    except Exception:  # noqa: BLE001
        return []
    records = (_record(vault_file(root, name)) for name in _names("vaults"))
    return [record["name"] for record in records
            if isinstance(record.get("name"), str) and bool(record.get("deleted")) is deleted]


def vault_names(ctx, incomplete: str) -> list[str]:
    """`keyvault ... -n`: soft-deleted vaults for recover/purge/show-deleted, else active."""
    return _matching(_vault_names(_wants_deleted(ctx)), incomplete)


def active_vault_names(incomplete: str) -> list[str]:
    """`--vault-name`: the data plane reaches active vaults only."""
    return _matching(_vault_names(False), incomplete)


def object_names(collection: str):
    """A completer for the names of one object kind (`secrets`, `keys`, ...) in the vault
    given on the command line, active or soft-deleted as the command needs."""

    def complete(ctx, incomplete: str) -> list[str]:
        vault = (getattr(ctx, "params", None) or {}).get("vault_name")
        if not vault:
            return []
        try:
            from kvcli.store.paths import home_dir, objects_dir

            directory = objects_dir(home_dir(), vault, collection)
            entries = sorted(os.listdir(directory))
        except Exception:  # noqa: BLE001
            return []
        wanted, names = _wants_deleted(ctx), []
        for entry in entries:
            if entry.startswith(".") or not entry.endswith(".json"):
                continue
            record = _record(directory / entry)
            if isinstance(record.get("name"), str) and bool(record.get("deleted")) is wanted:
                names.append(record["name"])
        return _matching(names, incomplete)

    return complete


def output_formats(incomplete: str) -> list[str]:
    """`-o`: the formats az accepts."""
    from kvcli.output.formats import OUTPUT_FORMATS

    return _matching(list(OUTPUT_FORMATS), incomplete)


def group_names(incomplete: str) -> list[str]:
    """Resource groups of the home, from `<home>/groups/<name>.json`."""
    return _matching(_names("groups", ".json"), incomplete)


def location_names(incomplete: str) -> list[str]:
    """The regions kvcli knows (`kvcli account list-locations`)."""
    try:
        from kvcli.core.locations import LOCATION_NAMES
    except Exception:  # noqa: BLE001
        return []
    return _matching(list(LOCATION_NAMES), incomplete)
