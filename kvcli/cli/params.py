"""Argument types and shared options, declared once (az's `_params.py` idea).

Value checks raise kvcli's UsageError with az's wording, so `main` prints them as az does
(`'maybe' is not a valid value for '--sku'. Allowed values: premium, standard.`, exit 2).
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

from kvcli.cli import completers
from kvcli.cli.declare import Option
from kvcli.errors import UsageError

# Flags az declares with nargs='?': given alone they mean "true" (see cli/argv.py).
TRISTATE_FLAGS = frozenset({
    "--enable-purge-protection", "--enable-rbac-authorization", "--enabled-for-deployment",
    "--enabled-for-disk-encryption", "--enabled-for-template-deployment", "--no-self-perms",
    "--disabled", "--enabled", "--include-managed", "--include-pending", "--exportable",
    "--immutable",
})
# Options az declares with nargs='*': every following word up to the next option is a value.
MULTI_VALUE_OPTIONS = frozenset({"--tags", "--ops", "--certificate-permissions",
                                 "--key-permissions", "--secret-permissions",
                                 "--storage-permissions", "--network-acls-ips",
                                 "--network-acls-vnets", "--ip-address"})
MULTI_VALUE_SEPARATOR = "\x1f"
# Generic update (nargs='+'): applied in command-line order across the three options, so
# each occurrence also carries its position (see cli/argv.py).
ORDERED_OPTIONS = frozenset({"--set", "--add", "--remove"})
POSITION_SEPARATOR = "\x1e"


class ValueType:
    """An az value type: `convert(value, param, ctx)` as Click calls it (`param.opts` and
    `ctx.command_path` name the option and command in errors). Plain, so that declaring
    an option costs no Typer import; kvcli/cli/typer_build.py hands it to Click."""

    name = "text"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def completions(self, incomplete: str) -> list[str]:
        return []

    def arguments(self) -> tuple:
        """What the type is made from (`type(self)(*arguments)`): the fast table keeps it."""
        return ()


def _option_name(param: Any) -> str:
    names = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return names[0] if names else (param.opts[0] if param is not None else "")


class AzChoice(ValueType):
    """A case-insensitive enumeration, returned in its canonical spelling; the shell
    completes its values (so bash never falls back to file names there)."""

    name = "choice"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = tuple(choices)

    def arguments(self) -> tuple:
        return (self.choices,)

    def completions(self, incomplete: str) -> list[str]:
        prefix = (incomplete or "").lower()
        return [choice for choice in self.choices if choice.lower().startswith(prefix)]

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

    def arguments(self) -> tuple:
        return ()

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        return super().convert(value, param, ctx) == "true"


class AzInt(ValueType):
    name = "int"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, int):
            return value
        try:
            return int(value)
        except ValueError:
            raise UsageError(f"argument {_option_name(param)}: invalid int value: "
                             f"'{value}'") from None


class AzMaxResults(AzInt):
    """`--maxresults`: Key Vault's page size, 1..25, refused outside it as az does."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from kvcli.core import messages

        number = super().convert(value, param, ctx)
        if number is not None and number > MAX_PAGE_SIZE:
            raise messages.max_results_out_of_range("less", MAX_PAGE_SIZE)
        if number is not None and number < 1:
            raise messages.max_results_out_of_range("greater", 1)
        return number


class AzTags(ValueType):
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


class AzChoiceList(AzChoice):
    """Several values of one enumeration (`--ops sign verify`), each checked as az does."""

    name = "choices"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, list):
            return value
        return [super(AzChoiceList, self).convert(word, param, ctx)
                for word in str(value).split(MULTI_VALUE_SEPARATOR) if word]


class AzWords(ValueType):
    """The words of a nargs='*' option, as cli/argv.py joined them."""

    name = "words"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, list):
            return value
        return [word for word in str(value).split(MULTI_VALUE_SEPARATOR) if word]


def last_occurrence(occurrences: list[list[str]] | None) -> list[str]:
    """A nargs='*' option given several times: argparse keeps the last occurrence's words."""
    return list(occurrences[-1]) if occurrences else []


class AzOrderedWords(ValueType):
    """One occurrence of a generic update option: (its position, its words)."""

    name = "ordered"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, tuple):
            return value
        position, _, words = str(value).partition(POSITION_SEPARATOR)
        values = tuple(word for word in words.split(MULTI_VALUE_SEPARATOR) if word)
        if not values or not position.isdigit():
            raise UsageError(f"argument {_option_name(param)}: expected at least one argument")
        return int(position), values


def choice(*values: str) -> AzChoice:
    return AzChoice(values)


class AzChoices(AzChoice):
    """Space-separated values of one enumeration (argparse `nargs='*'` with choices)."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None or isinstance(value, list):
            return value
        return [super(AzChoices, self).convert(word, param, ctx)
                for word in str(value).split(MULTI_VALUE_SEPARATOR) if word]


MAX_PAGE_SIZE = 25
BOOL = AzBool()
INT = AzInt()
TAGS = AzTags()
WORDS = AzWords()
ORDERED_WORDS = AzOrderedWords()

MaxResults = Annotated[Optional[int], Option(
    "--maxresults", click_type=AzMaxResults(), metavar="N",
    help="Maximum number of results to return in a page. If not specified, the service will "
         "return up to 25 results.")]
Tags = Annotated[Optional[Any], Option(
    "--tags", click_type=TAGS, metavar="TAGS",
    help='Space-separated tags: key[=value] [key[=value] ...]. Use "" to clear existing tags.')]


def configured_default(key: str) -> str | None:
    """`defaults.<key>` from the environment or the config file; "" counts as unset."""
    from kvcli import config

    return config.effective("defaults", key) or None


def defaulted(annotation: Any, *decls: str, key: str, required: bool = False,
              exclusive_with: str | None = None, **option: Any) -> Any:
    """An option filled from `defaults.<key>` when omitted (command line > env > file).

    Optional ones are used as `x: Opt = None`; required ones (`required=True`) take no `=`
    default: their default comes from the config, and with none configured the option is
    reported missing exactly as Click reports a required option.
    """
    return Annotated[annotation, Option(*decls, configured=(key, required, exclusive_with),
                                        **option)]


GROUP_HELP = ("Name of resource group. You can configure the default group using "
              "`kvcli config set defaults.group=<name>`.")
LOCATION_HELP = ("Location. Values from: `kvcli account list-locations`. You can configure the "
                 "default location using `kvcli config set defaults.location=<location>`.")
VAULT_HELP = ("Name of the Key Vault. You can configure the default vault using "
              "`kvcli config set defaults.vault=<name>`.")

ResourceGroup = defaulted(Optional[str], "--resource-group", "-g", key="group", metavar="NAME",
                          autocompletion=completers.group_names, help=GROUP_HELP)
RequiredResourceGroup = defaulted(str, "--resource-group", "-g", key="group", required=True,
                                  metavar="NAME", autocompletion=completers.group_names,
                                  help=GROUP_HELP + " Required unless configured.")
Location = defaulted(Optional[str], "--location", "-l", key="location", metavar="LOCATION",
                     autocompletion=completers.location_names, help=LOCATION_HELP)
RequiredLocation = defaulted(str, "--location", "-l", key="location", required=True,
                             metavar="LOCATION", autocompletion=completers.location_names,
                             help=LOCATION_HELP + " Required unless configured.")
# `keyvault show|delete|... --name/-n`: completes vault names (no configured default: az
# fills only --vault-name style arguments from defaults).
VaultName = Annotated[str, Option("--name", "-n", metavar="NAME",
                                  autocompletion=completers.vault_names,
                                  help="Name of the Vault.")]
OptionalVaultName = Annotated[Optional[str], Option(
    "--name", "-n", metavar="NAME", autocompletion=completers.vault_names,
    help="Name of the Vault.")]
# `--vault-name` outside the Id Arguments (e.g. `keyvault backup-all`).
RequiredVaultNameOption = defaulted(str, "--vault-name", key="vault", required=True,
                                    metavar="NAME",
                                    autocompletion=completers.active_vault_names,
                                    help=VAULT_HELP + " Required unless configured.")
NoWait = Annotated[bool, Option(
    "--no-wait", help="Do not wait for the long-running operation to finish.")]


def tristate(flag: str, help: str, panel: str | None = None) -> Any:
    """An `--enable-x [true|false]` option whose bare form means true."""
    # Annotated as str: Typer would turn a bool into an on/off flag pair; AzBool converts.
    return Annotated[Optional[str], Option(flag, click_type=BOOL, metavar="{false, true}",
                                            help=help, rich_help_panel=panel)]


GENERIC_PANEL = "Generic Update Arguments"
SetProperties = Annotated[Optional[list[Any]], Option(
    "--set", click_type=ORDERED_WORDS, metavar="KEY=VALUE", rich_help_panel=GENERIC_PANEL,
    help="Update an object by specifying a property path and value to set.  Example: "
         "`--set property1.property2=<value>`.")]
AddProperties = Annotated[Optional[list[Any]], Option(
    "--add", click_type=ORDERED_WORDS, metavar="LIST KEY=VALUE", rich_help_panel=GENERIC_PANEL,
    help="Add an object to a list of objects by specifying a path and key value pairs.  "
         "Example: `--add property.listProperty <key=value, string or JSON string>`.")]
RemoveProperties = Annotated[Optional[list[Any]], Option(
    "--remove", click_type=ORDERED_WORDS, metavar="LIST INDEX", rich_help_panel=GENERIC_PANEL,
    help="Remove a property or an element from a list.  Example: `--remove property.list "
         "<indexToRemove>` OR `--remove propertyToRemove`.")]
ForceString = Annotated[bool, Option(
    "--force-string", rich_help_panel=GENERIC_PANEL,
    help="When using 'set' or 'add', preserve string literals instead of attempting to convert "
         "to JSON.")]


def generic_operations(set_: list | None, add: list | None, remove: list | None) -> list:
    """The --set/--add/--remove occurrences in the order they were given, as az applies them."""
    from kvcli.core.generic_update import Operation

    tagged = [(position, Operation(kind, values))
              for kind, given in (("set", set_), ("add", add), ("remove", remove))
              for position, values in given or ()]
    return [operation for _, operation in sorted(tagged, key=lambda item: item[0])]


WAIT_PANEL = "Wait Condition Arguments"
WaitCreated = Annotated[bool, Option(
    "--created", rich_help_panel=WAIT_PANEL,
    help="Wait until created with 'provisioningState' at 'Succeeded'.")]
WaitUpdated = Annotated[bool, Option(
    "--updated", rich_help_panel=WAIT_PANEL,
    help="Wait until updated with provisioningState at 'Succeeded'.")]
WaitDeleted = Annotated[bool, Option("--deleted", rich_help_panel=WAIT_PANEL,
                                     help="Wait until deleted.")]
WaitExists = Annotated[bool, Option("--exists", rich_help_panel=WAIT_PANEL,
                                    help="Wait until the resource exists.")]
WaitCustom = Annotated[Optional[str], Option(
    "--custom", metavar="JMESPATH", rich_help_panel=WAIT_PANEL,
    help="Wait until the condition satisfies a custom JMESPath query. E.g. "
         "provisioningState!='InProgress', instanceView.statuses[?code=='PowerState/running'].")]
WaitInterval = Annotated[int, Option("--interval", click_type=INT, metavar="SECONDS",
                                     rich_help_panel=WAIT_PANEL,
                                     help="Polling interval in seconds. Default: 30.")]
WaitTimeout = Annotated[int, Option("--timeout", click_type=INT, metavar="SECONDS",
                                    rich_help_panel=WAIT_PANEL,
                                    help="Maximum wait in seconds. Default: 3600.")]
