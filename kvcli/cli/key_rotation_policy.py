"""`kvcli keyvault key rotation-policy show|update`: thin handlers over `kvcli.core.keys`."""

from __future__ import annotations

from typing import Annotated

from kvcli.cli import idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.errors import KvError

app = new_app()

KeyName = idargs.name_option("key")


@command(app, "show", help="Get the rotation policy of a Key Vault key. A key without a policy "
         "shows Key Vault's default (Notify 30 days before expiry).",
         examples=("Show a key's rotation policy:\n"
                   "    kvcli keyvault key rotation-policy show --vault-name MyVault -n MyKey",))
def show_policy(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                name: KeyName = None):
    from kvcli.core import keys

    target = idargs.resolve(id, vault_name, name)
    return keys.show_rotation_policy(open_home(), target.vault_name, target.name)


@command(app, "update", help="Update the rotation policy of a Key Vault key. `Rotate` actions "
         "run when kvcli's clock passes their time; `Notify` actions are recorded, not sent.",
         examples=("Rotate every 90 days; new versions expire after a year:\n"
                   "    kvcli keyvault key rotation-policy update --vault-name MyVault -n MyKey "
                   "--value '{\"lifetimeActions\": [{\"trigger\": {\"timeAfterCreate\": "
                   "\"P90D\"}, \"action\": {\"type\": \"Rotate\"}}], \"attributes\": "
                   "{\"expiryTime\": \"P1Y\"}}'",
                   "Read the policy from a file:\n"
                   "    kvcli keyvault key rotation-policy update --vault-name MyVault -n MyKey "
                   "--value policy.json"))
def update_policy(value: Annotated[str, Option(
                      "--value", metavar="POLICY",
                      help="The rotation policy: a JSON string or the path of a file holding "
                           "it.")],
                  id: idargs.Id = None, vault_name: idargs.VaultName = None,
                  name: KeyName = None):
    from kvcli.cli.key import json_argument
    from kvcli.core import keys

    target = idargs.resolve(id, vault_name, name)
    policy = json_argument(value, "rotation policy file")
    if not policy or not isinstance(policy, dict):
        raise KvError("Please specify a valid policy")
    return keys.update_rotation_policy(open_home(), target.vault_name, target.name, policy)
