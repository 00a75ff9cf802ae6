"""How commands and their options are declared, without importing Typer.

Every command module declares its options with `Option`/`Argument` (the arguments of
`typer.Option`/`typer.Argument`, kept as given) and registers its commands on a
`Registry`. Typer builds the click command from these declarations when a command is run
the full way (kvcli/cli/typer_build.py); the fast argv path (kvcli/cli/fast.py) reads a
table derived from the very same declarations. Typer's import is most of a command's
start-up, so importing a command module must not pay it.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple


class Option:
    """`typer.Option(*param_decls, **settings)`, to be made when Typer builds the command.

    `configured` names the `defaults.<key>` an omitted option is filled from (see
    params.defaulted); Typer gets that as a callback, the fast path reads it here.
    """

    typer_name = "Option"

    def __init__(self, *param_decls: Any, configured: tuple | None = None,
                 **settings: Any) -> None:
        self.param_decls = param_decls
        self.settings = settings
        self.configured = configured

    @property
    def names(self) -> tuple[str, ...]:
        """The option strings (`--name`, `-n`), in declaration order."""
        return tuple(decl for decl in self.param_decls
                     if isinstance(decl, str) and decl.startswith("-"))


class Argument(Option):
    """`typer.Argument(...)`: a positional argument."""

    typer_name = "Argument"


class Declared(NamedTuple):
    """One registered command: what Typer needs to build it, and the function it runs."""

    name: str
    run: Callable
    help: str
    epilog: str | None


class Registry:
    """The commands one module declares, in declaration order (`COMMAND_TREE` names the
    module; the group is built from this on first use)."""

    def __init__(self) -> None:
        self.registered_commands: list[Declared] = []

    def add(self, declared: Declared) -> None:
        self.registered_commands.append(declared)

    def find(self, name: str) -> Declared | None:
        return next((each for each in self.registered_commands if each.name == name), None)
