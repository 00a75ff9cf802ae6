"""kvcli's configuration: `<home>/config.toml` with az's `section.key` names.

    [core]
    output = "table"
    [defaults]
    group = "demo-rg"

Precedence, as az's (knack's CLIConfig): command line > environment (`KVCLI_<SECTION>_<KEY>`,
then az's `AZURE_<SECTION>_<KEY>`) > this file > the built-in default. Values are kept as
the strings they were set with, as az keeps them.

Reading sits on every command's path, so it costs a `stat`/`open` and, only when the file
exists, `tomllib`; nothing else is imported. Writing (`config set|unset`) takes the home's
lock and replaces the file atomically with mode 0600.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

FILE_NAME = "config.toml"
ENV_PREFIXES = ("KVCLI", "AZURE")
# section -> keys kvcli understands; anything else is refused on set, get and unset.
KEYS: dict[str, tuple[str, ...]] = {
    "core": ("no_color", "only_show_errors", "output"),
    "defaults": ("group", "location", "vault"),
}
BOOLEAN_WORDS = ("1", "0", "true", "false", "yes", "no", "on", "off")
TRUE_WORDS = ("1", "true", "yes", "on")

_cache: dict[str, tuple[tuple[int, int, int], dict]] = {}
MAX_CONFIG_BYTES = 1024 * 1024


def config_file(home: Path | None = None) -> Path:
    from kvcli.store.paths import home_dir

    return (home or home_dir()) / FILE_NAME


def _load(path: Path) -> dict:
    """The parsed file ({} when missing), re-read only when the file changed."""
    try:
        stat = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    import tomllib

    from kvcli.errors import StateError

    from kvcli.store.files import read_state

    raw = read_state(path.parent, path, MAX_CONFIG_BYTES)
    if raw is None:
        return {}
    try:
        document = tomllib.loads(raw.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StateError(f"The config file '{path}' is damaged and cannot be read ({exc}). "
                         "Repair it, or remove it to return to the defaults.") from exc
    _cache[str(path)] = (stamp, document)
    return document


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_value(section: str, key: str) -> str | None:
    """The value in the config file only (no environment), or None when not set."""
    table = _load(config_file()).get(section)
    if not isinstance(table, dict) or key not in table:
        return None
    return _as_text(table[key])


def env_names(section: str, key: str) -> tuple[str, ...]:
    """`KVCLI_CORE_OUTPUT`, `AZURE_CORE_OUTPUT`: the variables that override a key, in order."""
    return tuple(f"{prefix}_{section.upper()}_{key.upper()}" for prefix in ENV_PREFIXES)


def _env_item(section: str, key: str) -> tuple[str, str] | None:
    for name in env_names(section, key):
        value = os.environ.get(name)
        if value:
            return name, value
    return None


def effective(section: str, key: str) -> str | None:
    """Environment over file: the value a command uses when its option is not given."""
    from_env = _env_item(section, key)
    return from_env[1] if from_env is not None else read_value(section, key)


def is_true(section: str, key: str) -> bool:
    return (effective(section, key) or "").lower() in TRUE_WORDS


# --------------------------------------------------------------------------- validation

def _unsupported(key: str) -> Exception:
    from kvcli.errors import KvError

    supported = ", ".join(f"{s}.{k}" for s in KEYS for k in KEYS[s])
    return KvError(f"Configuration '{key}' is not supported by kvcli. Supported keys: "
                   f"{supported}.")


def split_key(text: str, *, usage: str) -> tuple[str, str]:
    """`core.output` -> ("core", "output"); az's usage error without a dot."""
    from kvcli.errors import KvError

    section, dot, key = text.partition(".")
    if not dot:
        raise KvError(f"usage error: {usage}")
    section, key = section.strip().lower(), key.strip().lower()
    if key not in KEYS.get(section, ()):
        raise _unsupported(text)
    return section, key


def _normalise(value: str) -> str:
    """az's `_normalize_config_value`: `''` and `""` mean the empty string."""
    return "" if value in ("''", '""') else value


def _check_value(section: str, key: str, value: str) -> str:
    from kvcli.errors import KvError

    if (section, key) == ("core", "output"):
        from kvcli.output.formats import OUTPUT_FORMATS

        if value and value.lower() not in OUTPUT_FORMATS:
            raise KvError(f"'{value}' is not a valid value for 'core.output'. Allowed values: "
                          f"{', '.join(OUTPUT_FORMATS)}.")
        return value.lower()
    if section == "core" and value and value.lower() not in BOOLEAN_WORDS:
        raise KvError(f"'{value}' is not a valid value for '{section}.{key}'. Allowed values: "
                      "true, false.")
    return value


# --------------------------------------------------------------------------- writing

def _write(home: Path, change) -> None:
    """Apply `change(document)` to the file under the home's lock, atomically, mode 0600."""
    import tomli_w

    from kvcli.store import files, lock, paths

    files.ensure_root(home)
    with lock.exclusive(paths.lock_file(home)):
        path = config_file(home)
        _cache.pop(str(path), None)
        document = {section: dict(table) for section, table in _load(path).items()
                    if isinstance(table, dict)}
        change(document)
        document = {section: table for section, table in sorted(document.items()) if table}
        files.write_state(home, path, tomli_w.dumps(document).encode())
        _cache.pop(str(path), None)


def set_values(pairs: list[str], home: Path | None = None) -> None:
    """`config set core.output=table defaults.group=rg`: all checked before any is written."""
    from kvcli.errors import KvError
    from kvcli.store.paths import home_dir

    usage = "[section].[name]=[value] ..."
    parsed: list[tuple[str, str, str]] = []
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise KvError(f"usage error: {usage}")
        section, key = split_key(name, usage=usage)
        parsed.append((section, key, _check_value(section, key, _normalise(value))))

    def change(document: dict) -> None:
        for section, key, value in parsed:
            document.setdefault(section, {})[key] = value

    _write(home or home_dir(), change)


def unset(keys: list[str], home: Path | None = None) -> None:
    """`config unset core.output ...`; a key that is not set is not an error (as in az)."""
    from kvcli.store.paths import home_dir

    parsed = [split_key(text, usage="[section].[name]") for text in keys]
    root = home or home_dir()
    if not config_file(root).exists():
        return

    def change(document: dict) -> None:
        for section, key in parsed:
            document.get(section, {}).pop(key, None)

    _write(root, change)


# --------------------------------------------------------------------------- reading all

def _items(section: str) -> list[dict]:
    """az's `{"name", "source", "value"}` per set key: source is the variable or the file."""
    path = config_file()
    table = _load(path).get(section)
    table = table if isinstance(table, dict) else {}
    items = []
    for key in KEYS[section]:
        from_env = _env_item(section, key)
        if from_env is not None:
            items.append({"name": key, "source": from_env[0], "value": from_env[1]})
        elif key in table:
            items.append({"name": key, "source": str(path), "value": _as_text(table[key])})
    return items


def get(key: str | None = None) -> Any:
    """`config get` as az answers it.

    No key: `{section: [items]}` for every section with a value; `core` (or `core.`): that
    section's items; `core.output`: one item, or "Configuration 'core.output' is not set."
    """
    from kvcli.errors import KvError

    if not key:
        return {section: items for section in KEYS if (items := _items(section))}
    section, _, name = key.partition(".")
    section = section.strip().lower()
    if section not in KEYS:
        raise _unsupported(key)
    if not name:
        return _items(section)
    section, name = split_key(key, usage="[section].[name]")
    for item in _items(section):
        if item["name"] == name:
            return item
    raise KvError(f"Configuration '{key}' is not set.")
