"""The command tree and `main()`: the one place errors become az messages and exit codes.

A command line the fast argv path fully understands runs without importing Typer
(kvcli/cli/fast.py); every other one (help, completion, a malformed argument) runs the full
way through Typer (kvcli/cli/typer_build.py). Either way only the command's own module is
imported, so start-up cost does not grow with the size of the command tree.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

from kvcli.cli.declare import Registry
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


def new_app() -> Registry:
    """The registry a command-group module declares its commands on (see COMMAND_TREE)."""
    return Registry()


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
        words = argv_rules.normalise(words)
        from kvcli.cli import fast

        code = fast.run(words, prog_name)
        if code is None:
            from kvcli.cli import typer_build

            code = typer_build.run(words, prog_name)
    except KvError as error:
        _print_error(error)
        code = error.exit_code
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
    if args is None:
        _end_process(int(code))
    sys.exit(int(code))


def _end_process(code: int) -> None:
    """End a whole kvcli process without the interpreter's teardown.

    Finalising every imported module and a last garbage collection cost a short command a
    tenth of its run, and a finished command has nothing left to finalise: every file it
    wrote is closed (and synced where it must be), and its lock goes with its descriptors.
    Only the standard streams still hold buffered output. `main()` called in-process (tests,
    tools) exits the usual way.
    """
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # a reader that went away, or a stream closed by the caller
    os._exit(code)


def _print_error(error: KvError) -> None:
    from kvcli.cli.console import error_lines

    error_lines(error.render())
