"""How a command is declared: one registration, az's global arguments, rendering done once.

`@command(app, "show", ...)` wraps a handler that returns the data az would print. The
wrapper adds the global arguments az accepts on every command (so they may come after the
sub-command, as in az), validates them before the handler runs, and renders the result.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Callable, NamedTuple, Optional

from kvcli.cli import completers, console
from kvcli.cli.declare import Declared, Option, Registry
from kvcli.errors import KvError, UsageError

GLOBAL_PANEL = "Global Arguments"
POLICY_PANEL = "Global Policy Arguments"
# az 2.91 (azure-cli-core `register_global_policy_argument`) adds these to every command
# whose name is not `list` or `show`; offline they change nothing.
NO_POLICY_COMMANDS = ("list", "show")


class Invocation:
    """The global arguments of the running command, readable by the terminal layer.

    A plain class: a dataclass would cost every command half a millisecond to define.
    """

    def __init__(self, output: str = "json", only_show_errors: bool = False,
                 verbose: bool = False, debug: bool = False) -> None:
        self.output = output
        self.query: Any = None
        self.only_show_errors = only_show_errors
        self.verbose = verbose
        self.debug = debug
        self.command_path: str | None = None  # set by the fast path (Click knows its own)


current = Invocation()


class GlobalOption(NamedTuple):
    """An argument az adds to commands: a keyword parameter of every registered command."""

    name: str
    annotation: Any
    default: Any = None


GLOBAL_OPTIONS = (
    GlobalOption("output", Annotated[Optional[str], Option(
        "--output", "-o", metavar="FORMAT", rich_help_panel=GLOBAL_PANEL,
        autocompletion=completers.output_formats,
        help="Output format. Allowed values: json, jsonc, none, table, tsv, yaml, yamlc. "
             "Default: json.")]),
    GlobalOption("query", Annotated[Optional[str], Option(
        "--query", metavar="JMESPATH", rich_help_panel=GLOBAL_PANEL,
        help="JMESPath query string. See http://jmespath.org/ for more information and "
             "examples.")]),
    GlobalOption("only_show_errors", Annotated[bool, Option(
        "--only-show-errors", rich_help_panel=GLOBAL_PANEL,
        help="Only show errors, suppressing warnings.")], False),
    GlobalOption("verbose", Annotated[bool, Option(
        "--verbose", rich_help_panel=GLOBAL_PANEL,
        help="Increase logging verbosity. Use --debug for full debug logs.")], False),
    GlobalOption("debug", Annotated[bool, Option(
        "--debug", rich_help_panel=GLOBAL_PANEL,
        help="Increase logging verbosity to show all debug logs.")], False),
    GlobalOption("subscription", Annotated[Optional[str], Option(
        "--subscription", metavar="ID", rich_help_panel=GLOBAL_PANEL,
        help="Name or ID of subscription. kvcli has one subscription per state home.")]),
)
POLICY_OPTIONS = (
    GlobalOption("acquire_policy_token", Annotated[bool, Option(
        "--acquire-policy-token", rich_help_panel=POLICY_PANEL,
        help="Acquiring an Azure Policy token automatically for this resource operation.")],
        False),
    GlobalOption("change_reference", Annotated[Optional[str], Option(
        "--change-reference", metavar="CHANGE_REFERENCE", rich_help_panel=POLICY_PANEL,
        help="The related change reference ID for this resource operation.")]),
)
GLOBAL_NAMES = tuple(option.name for option in GLOBAL_OPTIONS + POLICY_OPTIONS)


def _resolve_output(explicit: str | None) -> str:
    from kvcli.output.formats import OUTPUT_FORMATS

    from kvcli import config

    value = explicit if explicit is not None else (config.effective("core", "output") or "json")
    value = value.lower()
    if value not in OUTPUT_FORMATS:
        path = command_path()
        raise UsageError(f"{path}: '{value}' is not a valid value for '--output'. Allowed "
                         f"values: {', '.join(OUTPUT_FORMATS)}.")
    return value


def command_path() -> str:
    """`kvcli keyvault create`: az names the command in usage errors."""
    if current.command_path is not None:
        return current.command_path
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    return ctx.command_path if ctx is not None else "kvcli"


def _begin(options: dict, path: str | None) -> None:
    """Validate and record the global arguments before the handler runs."""
    global current
    from kvcli import config

    only = options.get("only_show_errors") or config.is_true("core", "only_show_errors")
    current = Invocation(only_show_errors=only, verbose=bool(options.get("verbose")),
                         debug=bool(options.get("debug")))
    current.command_path = path
    current.output = _resolve_output(options.get("output"))
    if options.get("query") is not None:
        from kvcli.output.query import compile_query

        current.query = compile_query(options["query"])
    if options.get("subscription") is not None:
        _check_subscription(options["subscription"])


def _check_subscription(value: str) -> None:
    from kvcli.cli.context import open_home

    home = open_home()
    if value.lower() not in (home.subscription_id.lower(), home.subscription_name.lower()):
        raise KvError(f"Subscription '{value}' not found. Check the spelling and casing and "
                      "try again.")


def emit(result: Any, table: Callable | None = None) -> None:
    """Render a handler's result with the invocation's --query and --output."""
    from kvcli.output.formats import render

    if current.query is not None:
        from kvcli.output.query import apply_query

        result = apply_query(current.query, result)
    text = render(result, current.output, query_given=current.query is not None,
                  table_transformer=table,
                  color=current.output in ("jsonc", "yamlc") and console.stdout_color())
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()


def command(app: Registry, name: str, *, help: str, examples: tuple[str, ...] = (),
            table: Callable | None = None) -> Callable:
    """Register `handler` as `name`, with az's global arguments and rendering."""

    def register(handler: Callable) -> Callable:
        def run(*, kvcli_command_path: str | None = None, **kwargs: Any) -> None:
            from time import perf_counter

            started = perf_counter()
            _begin({key: kwargs.pop(key) for key in GLOBAL_NAMES if key in kwargs},
                   kvcli_command_path)
            if current.debug:
                from kvcli import __version__
                from kvcli.store.paths import home_dir

                console.debug(f"kvcli {__version__}; state home: {home_dir()}")
            emit(handler(**kwargs), table)
            console.info(f"Command ran in {perf_counter() - started:.3f} seconds")

        run.kvcli_handler = handler  # type: ignore[attr-defined]
        run.kvcli_policy = name not in NO_POLICY_COMMANDS  # type: ignore[attr-defined]
        run.__doc__ = help
        run.__name__ = handler.__name__
        epilog = None
        if examples:
            # \b keeps Click from re-wrapping each example into one paragraph.
            epilog = "Examples:\n\n" + "\n\n".join(f"\b\n{e}" for e in examples)
        app.add(Declared(name, run, help, epilog))
        return handler

    return register
