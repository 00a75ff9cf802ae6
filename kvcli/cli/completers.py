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


def _names(subdirectory: str, suffix: str = "") -> list[str]:
    try:
        from kvcli.store.files import entries as list_entries
        from kvcli.store.paths import home_dir

        root = home_dir()
        entries = list_entries(root, root / subdirectory)
    except Exception:  # noqa: BLE001 - no home yet, unreadable home: nothing to offer
        return []
    names = []
    for entry in entries:
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


def _in_state(record: object, deleted: bool) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("name"), str)
            and bool(record.get("deleted")) is deleted)


def _vault_names(deleted: bool) -> list[str]:
    """Vault names in the wanted state, read through the store; a damaged record is skipped."""
    try:
        from kvcli.store.files import read_json
        from kvcli.store.paths import home_dir, vault_file

        root = home_dir()
    except Exception:  # noqa: BLE001 - no home yet: nothing to offer
        return []
    names = []
    for entry in _names("vaults"):
        try:
            record = read_json(root, vault_file(root, entry))
        except Exception:  # noqa: BLE001
            continue
        if _in_state(record, deleted):
            names.append(record["name"])
    return names


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
        wanted, names = _wants_deleted(ctx), []
        try:
            from kvcli.store.files import parse_json, read_dir
            from kvcli.store.paths import home_dir, objects_dir

            root = home_dir()
            directory = objects_dir(root, vault, collection)
            for file_name, raw in read_dir(root, directory, ".json"):
                try:
                    record = parse_json(directory / file_name, raw)
                except Exception:  # noqa: BLE001 - a damaged record is not offered
                    continue
                if _in_state(record, wanted):
                    names.append(record["name"])
        except Exception:  # noqa: BLE001 - no such vault, unreadable home
            return []
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
