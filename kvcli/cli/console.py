"""stderr messages in az's framing: `ERROR: ...` and `WARNING: ...`.

Machine output never goes through here; stdout is written plainly by `command.emit`.
"""

from __future__ import annotations

import os
import sys


def error_lines(lines: list[str]) -> None:
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def warning(message: str) -> None:
    """az prints warnings even with `-o none`, but not with `--only-show-errors`."""
    from kvcli.cli import command

    if command.current.only_show_errors:
        return
    sys.stderr.write(f"WARNING: {message}\n")
    sys.stderr.flush()


def info(message: str) -> None:
    """Shown with --verbose or --debug, as az's INFO lines."""
    from kvcli.cli import command

    if command.current.verbose or command.current.debug:
        sys.stderr.write(f"INFO: {message}\n")


def debug(message: str) -> None:
    from kvcli.cli import command

    if command.current.debug:
        sys.stderr.write(f"DEBUG: {message}\n")


def stdout_color() -> bool:
    """Colour for `-o jsonc|yamlc`: stdout is a terminal, NO_COLOR (no-color.org) is unset
    or empty, and `core.no_color` (KVCLI_/AZURE_CORE_NO_COLOR or the config file) is not
    true. Piped output is never coloured, so scripts see plain json/yaml."""
    try:
        if not sys.stdout.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    if os.environ.get("NO_COLOR"):
        return False
    from kvcli import config

    return not config.is_true("core", "no_color")
