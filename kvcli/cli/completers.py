"""Dynamic shell completion: vault, resource group and location names.

The shell runs kvcli again on every TAB, so these must be fast and harmless: they list
directories of the state home read-only, never create it, never print, never raise, and
import nothing heavy (no cryptography, jmespath or yaml).
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


def vault_names(incomplete: str) -> list[str]:
    """Vaults of the home (active and soft-deleted), as `<home>/vaults/<name>/` lists them."""
    return _matching(_names("vaults"), incomplete)


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
