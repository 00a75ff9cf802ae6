"""Rewrite az-style argument shapes that Click cannot parse natively, before parsing.

az (argparse) lets a three-state flag stand alone (`--enable-purge-protection` = true) and
lets `--tags` take several words (`--tags env=dev team=a`). Both are declared in
`params.py`; this pass turns them into the single-value form Click understands. The
generic update options also keep their position, since az applies them in order.
"""

from __future__ import annotations

from kvcli.cli.params import (MULTI_VALUE_OPTIONS, MULTI_VALUE_SEPARATOR, ORDERED_OPTIONS,
                              POSITION_SEPARATOR, TRISTATE_FLAGS)


def _is_option(word: str) -> bool:
    return word.startswith("-") and len(word) > 1 and not word[1:].isdigit()


def normalise(argv: list[str]) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        index += 1
        if word == "--":
            out.extend(argv[index - 1:])
            break
        out.append(word)
        if word in TRISTATE_FLAGS:
            if index >= len(argv) or _is_option(argv[index]):
                out.append("true")
        elif word in MULTI_VALUE_OPTIONS or word in ORDERED_OPTIONS:
            position = index
            values = []
            while index < len(argv) and not _is_option(argv[index]):
                values.append(argv[index])
                index += 1
            joined = MULTI_VALUE_SEPARATOR.join(values)
            out.append(f"{position}{POSITION_SEPARATOR}{joined}" if word in ORDERED_OPTIONS
                       else joined)
    return out
