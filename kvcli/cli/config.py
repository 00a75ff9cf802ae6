"""`kvcli config ...`: az's `config set|get|unset` over `<home>/config.toml`."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.declare import Argument

app = new_app()

KEYS_HELP = ("Keys: core.output, core.only_show_errors, core.no_color, defaults.group, "
             "defaults.location, defaults.vault.")


@command(app, "set", help="Set configuration values in the state home's config.toml. "
         + KEYS_HELP,
         examples=("Make table the default output format:\n"
                   "    kvcli config set core.output=table",
                   "Set the default resource group and location:\n"
                   "    kvcli config set defaults.group=MyResourceGroup defaults.location=westus2",
                   "Use a default vault for --vault-name:\n"
                   "    kvcli config set defaults.vault=MyVault"))
def set_config(key_value: Annotated[list[str], Argument(
        metavar="KEY=VALUE...",
        help="Space-separated configurations in the form of <section>.<key>=<value>.")]):
    from kvcli import config

    config.set_values(key_value)


@command(app, "get", help="Get configuration values, with where each comes from (an "
         "environment variable or the config file). " + KEYS_HELP,
         examples=("Get every configured value:\n    kvcli config get",
                   "Get the configured defaults (note the dot after the section):\n"
                   "    kvcli config get defaults.",
                   "Get the default resource group:\n    kvcli config get defaults.group"))
def get_config(key: Annotated[Optional[str], Argument(
        metavar="KEY",
        help="The configuration to get: <section> or <section>. for a whole section, "
             "<section>.<key> for one value. All configured values when omitted.")] = None):
    from kvcli import config

    return config.get(key)


@command(app, "unset", help="Remove configuration values from the config file.",
         examples=("Unset the default resource group:\n    kvcli config unset defaults.group",
                   "Return to json output and forget the default vault:\n"
                   "    kvcli config unset core.output defaults.vault"))
def unset_config(key: Annotated[list[str], Argument(
        metavar="KEY...", help="Space-separated configurations in the form of "
                               "<section>.<key>.")]):
    from kvcli import config

    config.unset(key)
