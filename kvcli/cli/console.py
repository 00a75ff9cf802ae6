"""stderr messages in az's framing: `ERROR: ...` and `WARNING: ...`.

Machine output never goes through here; stdout is written plainly by `command.emit`.
"""

from __future__ import annotations

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
