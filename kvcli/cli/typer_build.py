"""The Typer side: click groups and commands built from kvcli's declarations.

Imported only when a command runs the full way (help, completion, anything the fast argv
path hands over) or when the docs are generated. Command groups are built lazily:
`kvcli keyvault secret show` builds the secret module's commands and nothing else.
"""

from __future__ import annotations

import inspect
from importlib import import_module
from typing import Annotated, Any, Callable, get_args, get_origin

import typer
from typer._click import exceptions as click_exc
from typer._click.types import ParamType
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo

from kvcli.cli import declare, params
from kvcli.cli.app import COMMAND_TREE, CONTEXT, ROOT_HELP, GroupSpec
from kvcli.cli.command import GLOBAL_OPTIONS, GLOBAL_PANEL, POLICY_OPTIONS
from kvcli.errors import UsageError


class ClickValue(ParamType):
    """A kvcli value type (params.ValueType) as Click calls it."""

    def __init__(self, value_type: params.ValueType) -> None:
        self.value_type = value_type
        self.name = value_type.name

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return self.value_type.convert(value, param, ctx)

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list:
        from typer._click.shell_completion import CompletionItem

        return [CompletionItem(each) for each in self.value_type.completions(incomplete)]


def _fill_from(key: str, exclusive_with: str | None) -> Callable:
    """An option callback: an omitted option takes the configured default, as az's
    `configured_default`. Omitted options are processed after given ones, so a given
    `exclusive_with` option (e.g. --id) is already in ctx.params and wins."""

    def fill(ctx, param, value):
        if value is None and not (exclusive_with and ctx.params.get(exclusive_with)):
            return params.configured_default(key)
        return value

    return fill


def _require(ctx, param, value):
    """The option is required unless a default is configured (the factory supplied it)."""
    if value is None and not ctx.resilient_parsing:
        raise click_exc.MissingParameter(ctx=ctx, param=param)
    return value


def typer_info(declared: declare.Option) -> Any:
    """`typer.Option(...)`/`typer.Argument(...)` for one declaration."""
    settings = dict(declared.settings)
    if isinstance(settings.get("click_type"), params.ValueType):
        settings["click_type"] = ClickValue(settings["click_type"])
    if declared.configured is not None:
        key, required, exclusive_with = declared.configured
        if required:
            settings.update(default_factory=lambda: params.configured_default(key),
                            callback=_require, show_default=False)
        else:
            settings["callback"] = _fill_from(key, exclusive_with)
    return getattr(typer, declared.typer_name)(*declared.param_decls, **settings)


def _for_typer(annotation: Any) -> Any:
    """An `Annotated[T, Option(...)]` annotation with its declaration made Typer's."""
    if get_origin(annotation) is not Annotated:
        return annotation
    base, *metadata = get_args(annotation)
    made = [typer_info(m) if isinstance(m, declare.Option) else m for m in metadata]
    return Annotated[(base, *made)]


def own_signature(run: Callable) -> inspect.Signature:
    """A registered command's handler's own parameters (without az's global arguments)."""
    return inspect.signature(run.kvcli_handler, eval_str=True)


def global_parameters(options: tuple) -> list[inspect.Parameter]:
    """az's global (or policy) arguments as keyword parameters of a command."""
    return [inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY,
                              annotation=option.annotation, default=option.default)
            for option in options]


def signature(run: Callable) -> inspect.Signature:
    """A registered command's full signature: its handler's parameters, then az's global
    (and, but for list/show, policy) arguments it does not declare itself."""
    own = own_signature(run)
    extra = global_parameters(GLOBAL_OPTIONS + (POLICY_OPTIONS if run.kvcli_policy else ()))
    names = option_names(own.parameters.values())
    return own.replace(parameters=[*own.parameters.values(),
                                   *(p for p in extra if not names & option_names([p]))])


def declarations(parameter: inspect.Parameter) -> list[declare.Option]:
    return [m for m in getattr(parameter.annotation, "__metadata__", ())
            if isinstance(m, declare.Option)]


def option_names(parameters: Any) -> set[str]:
    """The option strings declared by parameters: a command's own option (account set's
    --subscription) takes the place of a global one."""
    return {name for parameter in parameters for each in declarations(parameter)
            for name in each.names}


def prepare(run: Callable) -> None:
    """Give a registered command its Typer signature, once, when it is first built.

    Evaluating every handler's annotations at import would cost each invocation the price
    of the whole group; only the command that runs (or is documented) pays it here.
    """
    if hasattr(run, "__signature__"):
        return
    full = signature(run)
    run.__signature__ = full.replace(parameters=[  # type: ignore[attr-defined]
        p.replace(annotation=_for_typer(p.annotation)) for p in full.parameters.values()])


class SectionedCommand(TyperCommand):
    """Plain-text help with az's argument sections (Arguments, Id Arguments, Global...)."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            panel = getattr(param, "rich_help_panel", None)
            if panel is None and param.param_type_name == "argument":
                panel = "Positional Arguments"
            if "--help" in getattr(param, "opts", ()):
                panel = GLOBAL_PANEL
            sections.setdefault(panel or "Arguments", []).append(record)
        order = sorted(sections, key=lambda title: (title == GLOBAL_PANEL,
                                                    title != "Positional Arguments",
                                                    title != "Arguments", title))
        for title in order:
            with formatter.section(title):
                formatter.write_dl(sections[title])


def build_command(declared: declare.Declared) -> Any:
    """The click command of one registered command."""
    prepare(declared.run)
    info = CommandInfo(name=declared.name, cls=SectionedCommand, callback=declared.run,
                       help=declared.help, epilog=declared.epilog)
    return typer.main.get_command_from_info(info, pretty_exceptions_short=True,
                                            rich_markup_mode=None)


class LazyGroup(TyperGroup):
    """A group that builds a sub-command only when it is invoked or listed.

    Typer alone would import every module and build every command of the tree before
    running one; here a sub-group is made from its spec, and a command from its
    declaration, on first use.
    """

    spec = GroupSpec("kvcli.cli.root", ROOT_HELP, COMMAND_TREE)

    def _declared(self) -> list[declare.Declared]:
        if self.spec.module is None:
            return []
        return import_module(self.spec.module).app.registered_commands

    def _children(self) -> dict[str, GroupSpec]:
        """The sub-groups that are built: a group declared in the tree but not built (yet) is
        neither listed in help nor run."""
        return {name: spec for name, spec in self.spec.children.items() if _built(spec)}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*self.commands, *self._children(),
                       *(each.name for each in self._declared())})

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands:
            built = self._build(name)
            if built is not None:
                self.commands[name] = built
        return self.commands.get(name)

    def _build(self, name: str) -> Any:
        children = self._children()
        if name in children:
            return group_from_spec(children[name], name)
        declared = next((each for each in self._declared() if each.name == name), None)
        return build_command(declared) if declared is not None else None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                raise UsageError(f"unrecognized arguments: {' '.join(args)}")
            import difflib

            matches = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = (f"Did you mean '{matches[0]}' ?",) if matches else ()
            raise UsageError(f"'{name}' is misspelled or not recognized by the system.",
                             recommendations=hint)
        return super().resolve_command(ctx, args)


def _built(spec: GroupSpec) -> bool:
    """A group is built when its module is installed, or (a group of groups only, such as
    `role`) when one of its sub-groups is."""
    from importlib.util import find_spec

    if spec.module is not None:
        return find_spec(spec.module) is not None
    return any(_built(child) for child in spec.children.values())


def group_from_spec(spec: GroupSpec, name: str) -> LazyGroup:
    """The click group for a spec, with nothing imported or built yet."""
    group = LazyGroup(name=name, help=spec.help, context_settings=CONTEXT,
                      no_args_is_help=True, rich_markup_mode=None)
    group.spec = spec
    return group


def _version(value: bool) -> None:
    if value:
        import sys

        from kvcli import __version__

        sys.stdout.write(f"kvcli {__version__}\n")
        raise typer.Exit()


app = typer.Typer(help=ROOT_HELP, cls=LazyGroup, context_settings=CONTEXT, no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)


@app.callback()
def root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                      help="Show the kvcli version and exit.")) -> None:
    """kvcli: a local, offline twin of `az keyvault`."""


def usage_message(error: click_exc.UsageError) -> UsageError:
    """Click's usage errors in az's (argparse) words."""
    if isinstance(error, click_exc.NoSuchOption):
        return UsageError(f"unrecognized arguments: {error.option_name}")
    if isinstance(error, click_exc.MissingParameter) and error.param is not None:
        names = "/".join(error.param.opts)
        return UsageError(f"the following arguments are required: {names}")
    message = error.format_message()
    if message.startswith("Got unexpected extra argument"):
        extra = message[message.rfind("(", 0, len(message) - 1) + 1:message.rfind(")")]
        return UsageError(f"unrecognized arguments: {extra}")
    if "requires an argument" in message:
        option = message.split("'")[1] if "'" in message else message
        return UsageError(f"argument {option}: expected one argument")
    return UsageError(message)


def run(words: list[str], prog_name: str) -> int:
    """Run a command line the full way: Typer parses, validates, helps and completes.
    Click's own exceptions become az's messages here; kvcli's reach `main`."""
    try:
        result = typer.main.get_command(app).main(args=words, prog_name=prog_name,
                                                  standalone_mode=False)
    except click_exc.NoArgsIsHelpError as bare_group:
        import sys

        sys.stdout.write(bare_group.ctx.get_help() + "\n")
        return 0
    except click_exc.UsageError as error:
        raise usage_message(error) from None
    except typer.Abort:
        import sys

        sys.stderr.write("\n")
        return 1
    return result if isinstance(result, int) else 0
