"""The per-process state home, opened once on first use."""

from __future__ import annotations

from functools import lru_cache

from kvcli.store.home import FORMAT_VERSION, Home


@lru_cache(maxsize=1)
def _cached(root: str | None) -> Home:
    from pathlib import Path

    home = Home.open(Path(root) if root else None)
    if home.format < FORMAT_VERSION:
        from kvcli.core.upgrade import upgrade

        upgrade(home)
    return home


def open_home() -> Home:
    import os

    return _cached(os.environ.get("KVCLI_HOME"))


def reset() -> None:
    """Forget the opened home (tests run many commands in one process)."""
    _cached.cache_clear()
