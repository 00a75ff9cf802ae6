"""az's "Id Arguments" for vault objects: --id, or --vault-name with --name and --version.

Shared by the secret, key and certificate command groups; `resolve` applies az's
validator rules and wording (`process_*_namespace` / `validate_vault_or_hsm`).
"""

from __future__ import annotations

from typing import Annotated, NamedTuple, Optional

from kvcli.cli.completers import active_vault_names, object_names
from kvcli.cli.declare import Option
from kvcli.cli.params import defaulted
from kvcli.errors import KvError

PANEL = "Id Arguments"
INCORRECT_USAGE = ("incorrect usage: --id ID | --vault-name/--hsm-name VAULT/HSM --name/-n NAME "
                   "[--version VERSION]")

Id = Annotated[Optional[str], Option(
    "--id", metavar="ID", rich_help_panel=PANEL,
    help="Id of the object. If specified all other 'Id' arguments should be omitted.")]
VaultName = defaulted(Optional[str], "--vault-name", key="vault", exclusive_with="id",
                      metavar="NAME", rich_help_panel=PANEL,
                      autocompletion=active_vault_names,
                      help="Name of the Key Vault. Required if --id is not specified. Default: "
                           "defaults.vault from `kvcli config`.")
RequiredVaultName = defaulted(str, "--vault-name", key="vault", required=True, metavar="NAME",
                              rich_help_panel=PANEL, autocompletion=active_vault_names,
                              help="Name of the Key Vault. Required unless defaults.vault is "
                                   "configured (`kvcli config set defaults.vault=<name>`).")
Version = Annotated[Optional[str], Option(
    "--version", "-v", metavar="VERSION", rich_help_panel=PANEL,
    help="The version of the object. If omitted, uses the latest version.")]


def name_option(noun: str, *, required: bool = False):
    """`--name` of a vault object; completes the names of that kind (`secret` -> `secrets`)
    in the vault given on the command line."""
    annotation = str if required else Optional[str]
    hint = "" if required else " Required if --id is not specified."
    return Annotated[annotation, Option("--name", "-n", metavar="NAME",
                                        rich_help_panel=PANEL,
                                        autocompletion=object_names(f"{noun}s"),
                                        help=f"Name of the {noun}.{hint}")]


class Target(NamedTuple):
    vault_name: str
    name: str | None
    version: str | None


def resolve(id: str | None, vault_name: str | None, name: str | None = None,
            version: str | None = None, *, needs_name: bool = True) -> Target:
    """Exactly one of --id or --vault-name (+ --name), as az validates them."""
    from kvcli.core.ids import parse_object_id

    if id and vault_name:
        raise KvError("--vault-name and --id are mutually exclusive.")
    if id:
        parsed = parse_object_id(id)
        if needs_name and not parsed.name:
            raise KvError(INCORRECT_USAGE)
        return Target(parsed.vault_name, parsed.name, parsed.version or version)
    if not vault_name or (needs_name and not name):
        raise KvError(INCORRECT_USAGE)
    return Target(vault_name, name, version)
