"""Argument types and shared options, declared once (az's `_params.py` idea).

Value checks raise kvcli's UsageError with az's wording, so `main` prints them as az does
(`'maybe' is not a valid value for '--sku'. Allowed values: premium, standard.`, exit 2).
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer
from typer._click.types import ParamType

from kvcli.core.errors import UsageError

# Flags az declares with nargs='?': given alone they mean "true" (see cli/argv.py).
TRISTATE_FLAGS = frozenset({
    "--enable-purge-protection", "--enable-rbac-authorization", "--enabled-for-deployment",
    "--enabled-for-disk-encryption", "--enabled-for-template-deployment", "--no-self-perms",
    "--disabled", "--enabled", "--include-managed", "--include-pending", "--exportable",
    "--immutable",
})
# Options az declares with nargs='*': every following word up to the next option is a value.
MULTI_VALUE_OPTIONS = frozenset({"--tags"})
MULTI_VALUE_SEPARATOR = "\x1f"


def _option_name(param: Any) -> str:
    names = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return names[0] if names else (param.opts[0] if param is not None else "")


class AzChoice(ParamType):
    """A case-insensitive enumeration, returned in its canonical spelling."""

    name = "choice"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return None
        for choice in self.choices:
            if str(value).lower() == choice.lower():
                return choice
        path = ctx.command_path if ctx is not None else "kvcli"
        raise UsageError(f"{path}: '{value}' is not a valid value for '{_option_name(param)}'. "
                         f"Allowed values: {', '.join(self.choices)}.")


class AzBool(AzChoice):
    """az's three-state flag: `true`/`false` in any case, or the bare flag for true."""

    name = "boolean"

    def __init__(self) -> None:
        super().__init__(("false", "true"))

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        return super().convert(value, param, ctx) == "true"


class AzInt(ParamType):
    name = "int"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, int):
            return value
        try:
            return int(value)
        except ValueError:
            raise UsageError(f"argument {_option_name(param)}: invalid int value: "
                             f"'{value}'") from None


class AzTags(ParamType):
    """`--tags a=b c=d` (space separated, as az takes them); `--tags ""` clears all tags."""

    name = "tags"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, dict):
            return value
        tags: dict[str, str] = {}
        for word in str(value).split(MULTI_VALUE_SEPARATOR):
            if not word:
                continue
            key, _, val = word.partition("=")
            tags[key] = val
        return tags


def choice(*values: str) -> AzChoice:
    return AzChoice(values)


BOOL = AzBool()
INT = AzInt()
TAGS = AzTags()

Tags = Annotated[Optional[Any], typer.Option(
    "--tags", click_type=TAGS, metavar="TAGS",
    help='Space-separated tags: key[=value] [key[=value] ...]. Use "" to clear existing tags.')]
ResourceGroup = Annotated[Optional[str], typer.Option(
    "--resource-group", "-g", metavar="NAME",
    help="Name of resource group. You can configure the default group using "
         "`kvcli config set defaults.group=<name>`.")]
Location = Annotated[Optional[str], typer.Option(
    "--location", "-l", metavar="LOCATION",
    help="Location. Values from: `kvcli account list-locations`. You can configure the "
         "default location using `kvcli config set defaults.location=<location>`.")]
NoWait = Annotated[bool, typer.Option(
    "--no-wait", help="Do not wait for the long-running operation to finish.")]


def tristate(flag: str, help: str, panel: str | None = None) -> Any:
    """An `--enable-x [true|false]` option whose bare form means true."""
    # Annotated as str: Typer would turn a bool into an on/off flag pair; AzBool converts.
    return Annotated[Optional[str], typer.Option(flag, click_type=BOOL, metavar="{false, true}",
                                            help=help, rich_help_panel=panel)]
