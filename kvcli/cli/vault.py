"""`kvcli keyvault ...`: vault commands; object kinds are lazily loaded sub-groups."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Optional

from kvcli.cli import console
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.completers import location_names
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import (INT, WORDS, AddProperties, ForceString, Location, NoWait,
                              OptionalVaultName, RemoveProperties, RequiredResourceGroup,
                              RequiredVaultNameOption, ResourceGroup, SetProperties, Tags,
                              VaultName, WaitCreated, WaitCustom, WaitDeleted, WaitExists,
                              WaitInterval, WaitTimeout, WaitUpdated, choice,
                              generic_operations, last_occurrence, tristate)

app = new_app()

NETWORK_PANEL = "Network Rule Arguments"
Retention = Annotated[Optional[int], Option(
    "--retention-days", click_type=INT, metavar="DAYS",
    help="Soft delete data retention days. It accepts >=7 and <=90. Fixed once the vault "
         "exists.")]
PurgeProtection = tristate(
    "--enable-purge-protection",
    "Property specifying whether protection against purge is enabled for this vault. Once "
    "enabled it cannot be disabled.")
Rbac = tristate("--enable-rbac-authorization",
                "Property that controls how data actions are authorized. When true, the key "
                "vault will use Role Based Access Control (RBAC) for authorization of data "
                "actions, and the access policies will be ignored.")
ForDeployment = tristate("--enabled-for-deployment",
                         "[Vault Only] Property to specify whether Azure Virtual Machines are "
                         "permitted to retrieve certificates stored as secrets from the key vault.")
ForDisk = tristate("--enabled-for-disk-encryption",
                   "[Vault Only] Property to specify whether Azure Disk Encryption is permitted "
                   "to retrieve secrets from the vault and unwrap keys.")
ForTemplate = tristate("--enabled-for-template-deployment",
                       "[Vault Only] Property to specify whether Azure Resource Manager is "
                       "permitted to retrieve secrets from the key vault.")
PublicAccess = Annotated[Optional[str], Option(
    "--public-network-access", click_type=choice("Disabled", "Enabled"),
    metavar="{Disabled, Enabled}",
    help="Property to specify whether the vault will accept traffic from public internet.")]
DefaultAction = Annotated[Optional[str], Option(
    "--default-action", click_type=choice("Allow", "Deny"), metavar="{Allow, Deny}",
    rich_help_panel=NETWORK_PANEL,
    help="Default action to apply when no rule matches.")]
Bypass = Annotated[Optional[str], Option(
    "--bypass", click_type=choice("AzureServices", "None"), metavar="{AzureServices, None}",
    rich_help_panel=NETWORK_PANEL, help="Bypass traffic for space-separated uses.")]
NetworkAcls = Annotated[Optional[str], Option(
    "--network-acls", metavar="JSON", rich_help_panel=NETWORK_PANEL,
    help='Network ACLs. It accepts a JSON filename or a JSON string. JSON format: '
         '`{"ip":[<ip1>, <ip2>...],"vnet":[<vnet_name_1>/<subnet_name_1>,<subnet_id2>...]}`. '
         'Recorded and shown as in Azure; kvcli does not filter data-plane calls by them.')]
NetworkAclsIps = Annotated[Optional[list[str]], Option(
    "--network-acls-ips", click_type=WORDS, metavar="IP", rich_help_panel=NETWORK_PANEL,
    help="Network ACLs IP rules. Space-separated list of IP addresses.")]
NetworkAclsVnets = Annotated[Optional[list[str]], Option(
    "--network-acls-vnets", click_type=WORDS, metavar="VNET", rich_help_panel=NETWORK_PANEL,
    help="Network ACLS VNet rules. Space-separated list of Vnet/subnet pairs or subnet "
         "resource ids.")]
# Where a vault was deleted is a fact to look up, not a preference: defaults.location is not
# applied, so a configured default never hides a vault deleted in another region.
DeletedLocation = Annotated[Optional[str], Option(
    "--location", "-l", metavar="LOCATION", autocompletion=location_names,
    help="Location of the deleted vault. Found by name when omitted.")]
MAX_JSON_FILE_BYTES = 1024 * 1024
JSON_QUOTING_HINT = ("The provided JSON string may have been parsed by the shell. See "
                     "https://learn.microsoft.com/cli/azure/use-azure-cli-successfully-quoting"
                     "#json-strings")
DELETE_WARNING = (
    "Warning! If you have soft-delete protection enabled on this key vault, you will not be "
    "able to reuse this key vault name until the key vault has been purged from the soft "
    "deleted state. Please see the following documentation for additional guidance.\n"
    "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview")


def _vaults():
    from kvcli.core import vaults

    return vaults


@contextmanager
def _validator_lookup(code: str, *, applies: bool):
    """az does some lookups in argument validators, where a failing service call is a usage
    error (exit 2): the resource group when `create` has no -l, the deleted vault when
    `recover`/`purge` get -l."""
    from kvcli.errors import ExitCode, ServiceError

    try:
        yield
    except ServiceError as error:
        if applies and error.code == code:
            error.exit_code = ExitCode.USAGE
        raise


def _lists_vaults(resource_type: str | None) -> bool:
    """az's --resource-type: vaults and HSMs by default; kvcli has no managed HSMs."""
    from kvcli.errors import KvError

    if resource_type is not None and resource_type not in ("vault", "hsm"):
        raise KvError(f"Unsupported resource type: {resource_type}")
    return resource_type != "hsm"


def _resource_types(incomplete: str) -> list[str]:
    """Completion for --resource-type; not a choice type: az answers other values with an
    error of its own (exit 1), not a usage error."""
    return [value for value in ("hsm", "vault") if value.startswith(incomplete or "")]


def _vault_table(result):
    rows = result if isinstance(result, list) else [result]
    return [{"Location": r["location"], "Name": r["name"],
             "ResourceGroup": r.get("resourceGroup")} for r in rows]


@command(app, "create", help="Create a Vault. RBAC authorization is enabled by default; soft "
         "delete is always on.",
         examples=("Create a key vault with network ACLs specified:\n"
                   "    kvcli keyvault create --location westus2 --name MyKeyVault "
                   "--resource-group MyResourceGroup --default-action Deny --bypass AzureServices",
                   "Create a key vault with purge protection and 7 days of retention:\n"
                   "    kvcli keyvault create -g MyResourceGroup -n MyKeyVault "
                   "--enable-purge-protection --retention-days 7"),
         table=_vault_table)
def create_vault(
    name: VaultName,
    resource_group: RequiredResourceGroup,
    location: Location = None,
    retention_days: Retention = None,
    enable_purge_protection: PurgeProtection = None,
    enable_rbac_authorization: Rbac = None,
    sku: Annotated[str, Option("--sku", click_type=choice("premium", "standard"),
                               metavar="{premium, standard}",
                               help="Required. SKU details.")] = "standard",
    tags: Tags = None,
    no_self_perms: tristate("--no-self-perms", "[Vault Only] Don't add permissions for the "
                            "current user/service principal in the new vault.") = None,
    enabled_for_deployment: ForDeployment = None,
    enabled_for_disk_encryption: ForDisk = None,
    enabled_for_template_deployment: ForTemplate = None,
    public_network_access: PublicAccess = None,
    default_action: DefaultAction = None,
    bypass: Bypass = None,
    network_acls: NetworkAcls = None,
    network_acls_ips: NetworkAclsIps = None,
    network_acls_vnets: NetworkAclsVnets = None,
    no_wait: NoWait = False,
):
    acls = None
    if network_acls or network_acls_ips or network_acls_vnets:
        from kvcli.core import network_rules

        acls = network_rules.from_create_arguments(
            open_home().subscription_id, resource_group,
            _json_argument(network_acls) if network_acls else None,
            last_occurrence(network_acls_ips), last_occurrence(network_acls_vnets), bypass,
            default_action)
    with _validator_lookup("ResourceGroupNotFound", applies=location is None):
        result = _vaults().create_vault(
            open_home(), name=name, resource_group=resource_group, location=location,
            retention_days=90 if retention_days is None else retention_days,
            enable_purge_protection=enable_purge_protection,
            enable_rbac_authorization=(True if enable_rbac_authorization is None
                                       else enable_rbac_authorization),
            sku=sku, tags=tags, no_self_perms=bool(no_self_perms),
            enabled_for_deployment=enabled_for_deployment,
            enabled_for_disk_encryption=enabled_for_disk_encryption,
            enabled_for_template_deployment=enabled_for_template_deployment,
            public_network_access=public_network_access, default_action=default_action,
            bypass=bypass, network_acls=acls)
    return None if no_wait else result


def _json_argument(value: str):
    """az's `validate_file_or_dict`: a JSON file's path (or `@path`), else JSON text."""
    import json
    import os

    from kvcli.errors import KvError
    from kvcli.store.files import read_input

    path = value[1:] if value.startswith("@") else os.path.expanduser(value)
    if value.startswith("@") or os.path.exists(path):
        value = read_input(path, MAX_JSON_FILE_BYTES, "JSON file").decode("utf-8-sig", "replace")
    try:
        return json.loads(value)
    except ValueError as problem:
        from kvcli.core.generic_update import parse_value

        error, parsed = problem, parse_value(value)
    if isinstance(parsed, str):
        raise KvError(f"Failed to parse string as JSON:\n{value}\nError detail: {error}",
                      recommendations=(JSON_QUOTING_HINT,))
    return parsed


@command(app, "show", help="Show details of a Vault.",
         examples=("Show details of a key vault:\n"
                   "    kvcli keyvault show --name MyKeyVault",),
         table=_vault_table)
def show_vault(name: VaultName, resource_group: ResourceGroup = None):
    return _vaults().show_vault(open_home(), name, resource_group)


@command(app, "list", help="List Vaults within a subscription or resource group.",
         examples=("List key vaults in a resource group:\n"
                   "    kvcli keyvault list --resource-group MyResourceGroup",),
         table=_vault_table)
def list_vaults(resource_group: ResourceGroup = None,
                resource_type: Annotated[Optional[str], Option(
                    "--resource-type", metavar="TYPE", autocompletion=_resource_types,
                    help="When --resource-type is not present the command will list all "
                         "Vaults. Possible values: vault, hsm.")] = None):
    if not _lists_vaults(resource_type):
        return []
    return _vaults().list_vaults(open_home(), resource_group)


@command(app, "update", help="Update the properties of a Vault. Retention days are fixed once "
         "set; purge protection can be enabled but never disabled.",
         examples=("Enable purge protection on a key vault:\n"
                   "    kvcli keyvault update --name MyKeyVault --enable-purge-protection true",
                   "Switch a key vault to the premium SKU with a generic update:\n"
                   "    kvcli keyvault update --name MyKeyVault "
                   "--set properties.sku.name=premium",
                   "Add an IP rule and drop the first access policy:\n"
                   "    kvcli keyvault update --name MyKeyVault "
                   "--add properties.networkAcls.ipRules value=1.2.3.4 "
                   "--remove properties.accessPolicies 0"),
         table=_vault_table)
def update_vault(
    name: VaultName,
    resource_group: ResourceGroup = None,
    retention_days: Retention = None,
    enable_purge_protection: PurgeProtection = None,
    enable_rbac_authorization: Rbac = None,
    enabled_for_deployment: ForDeployment = None,
    enabled_for_disk_encryption: ForDisk = None,
    enabled_for_template_deployment: ForTemplate = None,
    public_network_access: PublicAccess = None,
    default_action: DefaultAction = None,
    bypass: Bypass = None,
    tags: Tags = None,
    set_: SetProperties = None,
    add: AddProperties = None,
    remove: RemoveProperties = None,
    force_string: ForceString = False,
    no_wait: NoWait = False,
):
    from kvcli.core import vault_update

    result = vault_update.update_vault(
        open_home(), name, resource_group, retention_days=retention_days,
        enable_purge_protection=enable_purge_protection,
        enable_rbac_authorization=enable_rbac_authorization,
        enabled_for_deployment=enabled_for_deployment,
        enabled_for_disk_encryption=enabled_for_disk_encryption,
        enabled_for_template_deployment=enabled_for_template_deployment,
        public_network_access=public_network_access, default_action=default_action,
        bypass=bypass, tags=tags, operations=generic_operations(set_, add, remove),
        force_string=force_string, warn=console.warning)
    return None if no_wait else result


@command(app, "wait", help="Place the CLI in a waiting state until a condition of the vault is "
         "met. Offline the vault is never in progress, so most conditions hold at once.",
         examples=("Pause until a key vault is created:\n"
                   "    kvcli keyvault wait --name MyKeyVault --created",
                   "Pause until a key vault is deleted:\n"
                   "    kvcli keyvault wait --name MyKeyVault -g MyResourceGroup --deleted"))
def wait_vault(name: VaultName, resource_group: ResourceGroup = None,
               created: WaitCreated = False, updated: WaitUpdated = False,
               deleted: WaitDeleted = False, exists: WaitExists = False,
               custom: WaitCustom = None, interval: WaitInterval = 30,
               timeout: WaitTimeout = 3600):
    return wait_for_vault(name, resource_group, created=created, updated=updated,
                          deleted=deleted, exists=exists, custom=custom, interval=interval,
                          timeout=timeout)


def wait_for_vault(name: str, resource_group: str | None, **conditions):
    """az's vault `wait`: without -g the group is looked up once, as az's validator does."""
    from kvcli.core.waiting import wait_for

    vaults, home = _vaults(), open_home()
    if resource_group is None:
        resource_group = vaults.active_vault(home, name)["resourceGroup"]
    return wait_for(lambda: vaults.show_vault(home, name, resource_group), **conditions)


@command(app, "delete", help="Delete a Vault. It moves to the soft-deleted state for its "
         "retention period; its name stays taken until it is purged.",
         examples=("Delete a key vault:\n    kvcli keyvault delete --name MyKeyVault",))
def delete_vault(name: VaultName, resource_group: ResourceGroup = None, no_wait: NoWait = False):
    console.warning(DELETE_WARNING)
    _vaults().delete_vault(open_home(), name, resource_group)


@command(app, "list-deleted", help="Get information about the deleted Vaults in a "
         "subscription.",
         examples=("List the soft-deleted key vaults:\n    kvcli keyvault list-deleted",),
         table=lambda rows: [{"Name": r["name"]} for r in rows])
def list_deleted_vaults(resource_type: Annotated[Optional[str], Option(
        "--resource-type", metavar="TYPE", autocompletion=_resource_types,
        help="When --resource-type is not present the command will list all deleted Vaults. "
             "Possible values: vault, hsm.")] = None):
    if not _lists_vaults(resource_type):
        return []
    return _vaults().list_deleted_vaults(open_home())


@command(app, "show-deleted", help="Show details of a deleted Vault.",
         examples=("Show the details of a soft-deleted key vault:\n"
                   "    kvcli keyvault show-deleted --name MyKeyVault",))
def show_deleted_vault(name: OptionalVaultName = None, location: DeletedLocation = None):
    return _vaults().show_deleted_vault(open_home(), _require_name(name), location)


@command(app, "recover", help="Recover a Vault that has been soft-deleted, with its objects "
         "in the states they had.",
         examples=("Recover a soft-deleted key vault:\n"
                   "    kvcli keyvault recover --name MyKeyVault",))
def recover_vault(name: OptionalVaultName = None, resource_group: ResourceGroup = None,
                  location: DeletedLocation = None, no_wait: NoWait = False):
    with _validator_lookup("ResourceNotFound", applies=location is not None):
        result = _vaults().recover_vault(open_home(), _require_name(name), resource_group,
                                         location)
    return None if no_wait else result


@command(app, "purge", help="Permanently delete the specified Vault. Refused under purge "
         "protection until the scheduled purge date.",
         examples=("Purge a soft-deleted key vault:\n"
                   "    kvcli keyvault purge --name MyKeyVault",))
def purge_vault(name: OptionalVaultName = None, location: DeletedLocation = None,
                no_wait: NoWait = False):
    with _validator_lookup("ResourceNotFound", applies=location is not None):
        _vaults().purge_vault(open_home(), _require_name(name), location)


def _require_name(name: str | None) -> str:
    """az's recover/purge/show-deleted take --name or --hsm-name; kvcli has vaults only."""
    from kvcli.errors import KvError

    if not name:
        raise KvError("Please specify --name or --hsm-name.")
    return name


BackupDir = Annotated[str, Option("--dir", metavar="DIR",
                                  help="Directory holding one blob per object and "
                                             "manifest.json.")]


def _progress(description: str):
    """A rich progress line on an interactive stderr; nothing at all in scripts."""
    import sys
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    return Progress(SpinnerColumn(), TextColumn(f"{description} {{task.description}}"),
                    console=Console(stderr=True), transient=True)


def _stepper(progress):
    if progress is None:
        return None
    task = progress.add_task("", total=None)
    return lambda kind, name: progress.update(task, description=f"{kind} {name}")


@command(app, "backup-all", help="[kvcli extension] Back up every object of a vault: one "
         "encrypted blob per object plus a manifest, in a directory. Soft-deleted objects "
         "cannot be backed up (as in Key Vault); a warning names them.",
         examples=("Back up a whole vault:\n"
                   "    kvcli keyvault backup-all --vault-name MyVault --dir ./myvault-backup",))
def backup_all(vault_name: RequiredVaultNameOption, dir: BackupDir):
    from pathlib import Path

    from kvcli.core import vault_backup
    from kvcli.errors import file_error

    directory = Path(dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise file_error(error, directory) from None
    with _progress("Backing up") as progress:
        return vault_backup.backup_all(open_home(), vault_name, directory, _stepper(progress),
                                       warn=console.warning)


@command(app, "restore-all", help="[kvcli extension] Restore every object of a backup-all "
         "directory into a vault, reporting per object what was restored or refused and why.",
         examples=("Restore a whole vault's backup into another vault:\n"
                   "    kvcli keyvault restore-all --vault-name OtherVault "
                   "--dir ./myvault-backup",))
def restore_all(vault_name: RequiredVaultNameOption, dir: BackupDir):
    from pathlib import Path

    from kvcli.cli.command import emit
    from kvcli.core import vault_backup
    from kvcli.errors import KvError

    with _progress("Restoring") as progress:
        report = vault_backup.restore_all(open_home(), vault_name, Path(dir),
                                          _stepper(progress))
    refused = [entry for entry in report if entry["status"] == "refused"]
    if refused:
        emit(report)
        raise KvError(f"{len(refused)} of {len(report)} objects were not restored.")
    return report


PERMISSION_PANEL = "Permission Arguments"


def _permissions(kind: str, option: str):
    from kvcli.cli.params import AzChoices
    from kvcli.core.access import POLICY_PERMISSIONS

    allowed = POLICY_PERMISSIONS[kind]
    return Annotated[Optional[str], Option(
        option, click_type=AzChoices(allowed), metavar="PERMISSION", rich_help_panel=PERMISSION_PANEL,
        help=f"Space-separated list of {kind} permissions to assign. `all` grants every "
             f"permission except purge. Allowed values: {', '.join(allowed)}.")]


ObjectId = Annotated[Optional[str], Option(
    "--object-id", metavar="GUID", help="A GUID that identifies the principal that will receive "
                                        "permissions.")]
Spn = Annotated[Optional[str], Option(
    "--spn", metavar="NAME", help="Name of a service principal that will receive permissions.")]
Upn = Annotated[Optional[str], Option(
    "--upn", metavar="UPN", help="Name of a user principal that will receive permissions.")]
ApplicationId = Annotated[Optional[str], Option(
    "--application-id", metavar="GUID",
    help="Application ID of the client making request on behalf of a principal. Exposed for "
         "compound identity using on-behalf-of authentication flow.")]


def _principal_object_id(object_id: str | None, spn: str | None, upn: str | None) -> str:
    from kvcli.core import principals
    from kvcli.errors import UsageError

    if sum(value is not None for value in (object_id, spn, upn)) != 1:
        raise UsageError("specify exactly one: --object-id, --spn, --upn")
    return principals.object_id_for(open_home(), object_id=object_id, spn=spn, upn=upn)


@command(app, "set-policy", help="Update security policy settings for a Key Vault. Only for "
         "vaults created with --enable-rbac-authorization false; `all` does not include purge.",
         examples=("Assign key permissions `get`, `list`, `import` and secret permissions "
                   "`backup`, `restore` to an object id:\n"
                   "    kvcli keyvault set-policy -n MyVault --key-permissions get list import "
                   "--secret-permissions backup restore --object-id {GUID}",
                   "Let a user purge deleted secrets (`all` does not include purge):\n"
                   "    kvcli keyvault set-policy -n MyVault --upn alice@contoso.com "
                   "--secret-permissions all purge"),
         table=_vault_table)
def set_policy(name: VaultName, resource_group: ResourceGroup = None,
               object_id: ObjectId = None, spn: Spn = None, upn: Upn = None,
               application_id: ApplicationId = None,
               key_permissions: _permissions("keys", "--key-permissions") = None,
               secret_permissions: _permissions("secrets", "--secret-permissions") = None,
               certificate_permissions: _permissions("certificates",
                                                     "--certificate-permissions") = None,
               storage_permissions: _permissions("storage", "--storage-permissions") = None,
               no_wait: NoWait = False):
    from kvcli.core import access_policies

    result = access_policies.set_policy(
        open_home(), name, resource_group,
        object_id=_principal_object_id(object_id, spn, upn), application_id=application_id,
        permissions={"keys": key_permissions, "secrets": secret_permissions,
                     "certificates": certificate_permissions, "storage": storage_permissions})
    return None if no_wait else result


@command(app, "delete-policy", help="Delete security policy settings for a Key Vault.",
         examples=("Delete the policy of a user:\n"
                   "    kvcli keyvault delete-policy -n MyVault --upn alice@contoso.com",),
         table=_vault_table)
def delete_policy(name: VaultName, resource_group: ResourceGroup = None,
                  object_id: ObjectId = None, spn: Spn = None, upn: Upn = None,
                  application_id: ApplicationId = None, no_wait: NoWait = False):
    from kvcli.core import access_policies

    result = access_policies.delete_policy(
        open_home(), name, resource_group,
        object_id=_principal_object_id(object_id, spn, upn), application_id=application_id)
    return None if no_wait else result
