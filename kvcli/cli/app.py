"""The root command and `main()`: the one place errors become az messages and exit codes.

Command groups are loaded lazily: `kvcli keyvault secret show` imports the secret module
and nothing else, so start-up cost does not grow with the size of the command tree.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any, NamedTuple

import typer
from typer._click import exceptions as click_exc
from typer.core import TyperGroup

from kvcli import __version__
from kvcli.errors import ExitCode, KvError, UsageError

CONTEXT = {"help_option_names": ["-h", "--help"]}

class GroupSpec(NamedTuple):
    """A command group: the module declaring its commands (imported only when one of them
    is needed), its help, and its sub-groups."""

    module: str | None  # None: a group of groups only (`ad`, `role`)
    help: str
    children: dict[str, "GroupSpec"] = {}  # never mutated


# The command tree, as data. `kvcli keyvault secret show` walks it without importing
# anything but kvcli.cli.secret.
COMMAND_TREE = {
    "account": GroupSpec("kvcli.cli.account", "Show the subscription of this state home and "
                                              "its signed-in user."),
    "ad": GroupSpec(None, "Manage the users of this state home's directory.",
                    {"signed-in-user": GroupSpec("kvcli.cli.ad_signed_in_user",
                                                 "Show the signed-in user."),
                     "sp": GroupSpec("kvcli.cli.ad_sp", "Manage service principals."),
                     "user": GroupSpec("kvcli.cli.ad_user", "Manage users.")}),
    "audit": GroupSpec("kvcli.cli.audit", "List and verify the audit log of vault operations "
                                          "(kvcli extension; Key Vault's AuditEvent log)."),
    "backup": GroupSpec("kvcli.cli.backup",
                        "Inspect kvcli backup blobs (kvcli extension; not in az)."),
    "clock": GroupSpec("kvcli.cli.clock", "Show or move kvcli's clock. Retention and scheduled "
                                          "purge dates follow it (kvcli extension). Open to "
                                          "every user: it is the lab's time machine, not an "
                                          "Azure operation."),
    "config": GroupSpec("kvcli.cli.config", "Manage kvcli configuration."),
    "group": GroupSpec("kvcli.cli.group", "Manage resource groups."),
    "role": GroupSpec(None, "Manage Azure role-based access control (Azure RBAC).",
                      {"assignment": GroupSpec("kvcli.cli.role_assignment",
                                               "Manage role assignments."),
                       "definition": GroupSpec("kvcli.cli.role_definition",
                                               "Manage role definitions.")}),
    "keyvault": GroupSpec("kvcli.cli.vault", "Manage KeyVault keys, secrets, and certificates.",
                          {"network-rule": GroupSpec("kvcli.cli.network_rule",
                                                     "Manage vault network ACLs."),
                           "secret": GroupSpec("kvcli.cli.secret", "Manage secrets."),
                           "key": GroupSpec(
                               "kvcli.cli.key", "Manage keys.",
                               {"rotation-policy": GroupSpec(
                                   "kvcli.cli.key_rotation_policy",
                                   "Manage key's rotation policy.")}),
                           "certificate": GroupSpec(
                               "kvcli.cli.certificate", "Manage certificates.",
                               {"pending": GroupSpec("kvcli.cli.certificate_pending",
                                                     "Manage certificate creation operations."),
                                "issuer": GroupSpec("kvcli.cli.certificate_issuer",
                                                    "Manage certificate issuer information."),
                                "contact": GroupSpec("kvcli.cli.certificate_contact",
                                                     "Manage contacts for certificate "
                                                     "management.")})}),
}
ROOT_HELP = "kvcli: a local, offline twin of `az keyvault`."
# The root's own commands (`kvcli version`) are declared in kvcli.cli.root.


class LazyGroup(TyperGroup):
    """A group that builds a sub-command only when it is invoked or listed.

    Typer alone would import every module and build every command of the tree before
    running one; here a sub-group is made from its spec, and a command from its
    declaration, on first use.
    """

    spec = GroupSpec("kvcli.cli.root", ROOT_HELP, COMMAND_TREE)

    def _declared(self) -> list:
        if self.spec.module is None:
            return []
        return import_module(self.spec.module).app.registered_commands

    def _children(self) -> dict[str, "GroupSpec"]:
        """The sub-groups that are built: a group declared in the tree but not built (yet) is
        neither listed in help nor run."""
        return {name: spec for name, spec in self.spec.children.items() if _built(spec)}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*self.commands, *self._children(),
                       *(info.name for info in self._declared())})

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
        for info in self._declared():
            if info.name == name:
                from kvcli.cli.command import prepare

                prepare(info.callback)
                return typer.main.get_command_from_info(
                    info, pretty_exceptions_short=True, rich_markup_mode=None)
        return None

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


def new_app() -> typer.Typer:
    """The registry a command-group module declares its commands on (see COMMAND_TREE)."""
    return typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kvcli {__version__}\n")
        raise typer.Exit()


app = typer.Typer(help=ROOT_HELP, cls=LazyGroup, context_settings=CONTEXT, no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)


@app.callback()
def root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                      help="Show the kvcli version and exit.")) -> None:
    """kvcli: a local, offline twin of `az keyvault`."""


def _usage_message(error: click_exc.UsageError) -> UsageError:
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


def main(args: list[str] | None = None, prog_name: str = "kvcli") -> None:
    """Run kvcli and exit with az's exit code; no traceback unless --debug."""
    from kvcli.cli import argv as argv_rules, context

    words = list(sys.argv[1:] if args is None else args)
    debug = "--debug" in words
    context.reset()
    code: int = ExitCode.OK
    try:
        if any("\0" in word for word in words):
            # No command line can carry one; `main()` called in-process can, and every
            # file-system call would fail on it with a bare ValueError.
            raise UsageError("an argument contains a NUL character")
        result = typer.main.get_command(app).main(
            args=argv_rules.normalise(words), prog_name=prog_name, standalone_mode=False)
        if isinstance(result, int):
            code = result
    except KvError as error:
        _print_error(error)
        code = error.exit_code
    except click_exc.NoArgsIsHelpError as bare_group:
        sys.stdout.write(bare_group.ctx.get_help() + "\n")
        code = ExitCode.OK
    except click_exc.UsageError as error:
        usage = _usage_message(error)
        _print_error(usage)
        code = usage.exit_code
    except typer.Abort:
        sys.stderr.write("\n")
        code = ExitCode.ERROR
    except BrokenPipeError:
        code = ExitCode.OK
    except KeyboardInterrupt:
        code = ExitCode.ERROR
    except OSError as error:
        # A file or directory the OS refused (a directory given as a file, a full disk):
        # az's own `[Errno N] text: 'path'` line, never a traceback.
        from kvcli.errors import file_error

        _print_error(file_error(error, error.filename or ""))
        code = ExitCode.ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence
        if debug:
            import traceback

            traceback.print_exc()
        _print_error(KvError(f"The command failed with an unexpected error: {error!r}. "
                             "Run with --debug for the traceback."))
        code = ExitCode.ERROR
    sys.exit(int(code))


def _print_error(error: KvError) -> None:
    from kvcli.cli.console import error_lines

    error_lines(error.render())
