"""Every service error text in one table, so each is easy to check against real Azure.

Texts marked GUESS in `shared/spec/az-reference.md` were not observed verbatim; keeping
them here means one edit fixes every command that raises them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kvcli.errors import KvError, ServiceError

if TYPE_CHECKING:
    from kvcli.core.objects import ObjectKind

SOFT_DELETE_LINK = "https://go.microsoft.com/fwlink/?linkid=2147740"
NOT_FOUND_LINK = "https://go.microsoft.com/fwlink/?linkid=2125182"


# --- resource groups (ARM) -------------------------------------------------------------
def group_not_found(name: str) -> ServiceError:
    return ServiceError("ResourceGroupNotFound", f"Resource group '{name}' could not be found.",
                        status=404, not_found_exit=True)


def group_location_conflict(name: str, existing: str, requested: str) -> ServiceError:
    return ServiceError(
        "InvalidResourceGroupLocation",
        f"Invalid resource group location '{requested}'. The Resource group already exists in "
        f"location '{existing}'.", status=409)


def group_name_invalid(name: str) -> ServiceError:
    bad = "".join(sorted({c for c in name if not (c.isalnum() or c in "-._()")}))
    return ServiceError(
        "InvalidResourceGroup",
        f"The provided resource group name '{name}' has these invalid characters: '{bad}'. "
        "The name can only be a letter, digit, '-', '.', '(', ')' or '_'.", status=400)


def group_name_bad_shape(name: str) -> ServiceError:
    """GUESS: ARM's text for an empty, over-long or period-terminated group name."""
    return ServiceError(
        "InvalidResourceGroup",
        f"The provided resource group name '{name}' is invalid. It must be 1-90 characters "
        "long and must not end with a period.", status=400)


# --- vaults (ARM) ----------------------------------------------------------------------
def vault_not_found_in_group(name: str, group: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFound",
        f"The Resource 'Microsoft.KeyVault/vaults/{name}' under resource group '{group}' was "
        "not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
        status=404, not_found_exit=True)


def vault_not_found_in_subscription(name: str) -> KvError:
    return KvError(f"The Vault '{name}' not found within subscription.")


def vault_already_exists_here(name: str) -> KvError:
    return KvError(f"The specified vault: {name} already exists")


def vault_name_taken(name: str) -> ServiceError:
    return ServiceError(
        "VaultAlreadyExists",
        f"The vault name '{name}' is already in use. Vault names are globally unique so it is "
        "possible that the name is already taken. If you are sure that the vault name was not "
        "taken then it is possible that a vault with the same name was recently deleted but "
        "not purged after being placed in a recoverable state. If the vault is in a "
        "recoverable state then the vault will need to be purged before reusing the name. For "
        "more information about VaultAlreadyExists, soft delete and purging a vault follow this "
        f"link {SOFT_DELETE_LINK}.", status=409)


def vault_name_deleted(name: str) -> ServiceError:
    return ServiceError(
        "ConflictError",
        "A vault with the same name already exists in deleted state. You need to either "
        "recover or purge existing key vault. Follow this link "
        "https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
        status=409)


def vault_name_invalid(name: str) -> ServiceError:
    return ServiceError(
        "VaultNameNotValid",
        f"The vault name '{name}' is invalid. A vault's name must be between 3-24 "
        "alphanumeric characters. The name must begin with a letter, end with a letter or "
        "digit, and not contain consecutive hyphens. Follow this link for more information: "
        "https://go.microsoft.com/fwlink/?linkid=2147742", status=400)


def retention_out_of_range(days: int) -> ServiceError:
    return ServiceError(
        "BadRequest",
        'The property "softDeleteRetentionInDays" must be between 7 and 90.', status=400)


def retention_immutable() -> ServiceError:
    return ServiceError(
        "BadRequest",
        'The property "softDeleteRetentionInDays" has been set already and it can\'t be '
        "modified.", status=400)


def purge_protection_irreversible() -> ServiceError:
    return ServiceError(
        "BadRequest",
        'The property "enablePurgeProtection" cannot be set to false. Enabling the purge '
        "protection for a vault is an irreversible action.", status=400)


def soft_delete_mandatory() -> ServiceError:
    return ServiceError(
        "BadRequest",
        'The property "enableSoftDelete" cannot be set to false. Enabling the soft delete for '
        "a vault is an irreversible action.", status=400)


def invalid_property_value(path: str, value: object) -> ServiceError:
    """GUESS: the form of Key Vault's 400 for a bad request-body value (seen verbatim only
    for private IP ranges, below)."""
    import json

    shown = value if isinstance(value, str) else json.dumps(value)
    return ServiceError("BadRequest", f"Invalid value found at {path}: {shown}", status=400)


def private_ip_range(path: str, value: str, network: object) -> ServiceError:
    """[ISSUE] Azure/azure-powershell#11471 (10.0.0.0/8); the other ranges are GUESSed."""
    first, last = network.network_address, network.broadcast_address  # type: ignore[attr-defined]
    return ServiceError("BadRequest", f"Invalid value found at {path}: {value} belongs to "
                        f"forbidden range {first}\u2013{last} (private IP addresses)", status=400)


def vault_location_change(name: str, group: str, location: str, requested: str) -> ServiceError:
    """GUESS: ARM's usual InvalidResourceLocation text for a PUT that moves a resource."""
    return ServiceError(
        "InvalidResourceLocation",
        f"The resource '{name}' already exists in location '{location}' in resource group "
        f"'{group}'. A resource with the same name cannot be created in location "
        f"'{requested}'. Please select a new resource name.", status=409)


def no_deleted_vault(name: str) -> KvError:
    return KvError(f"No deleted Vault or HSM was found with name {name}")


def deleted_vault_not_found_at(name: str, location: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFound",
        f"The Resource 'Microsoft.KeyVault/locations/{location}/deletedVaults/{name}' under "
        "resource group '<null>' was not found. For more details please go to "
        "https://aka.ms/ARMResourceNotFoundFix", status=404, not_found_exit=True)


def deleted_vault_group_mismatch(name: str, group: str) -> KvError:
    return KvError(
        f"The specified resource group does not match that of the deleted vault or hsm {name}. "
        f"The vault or hsm must be recovered to the original resource group {group}.")


def vault_purge_protected() -> ServiceError:
    return ServiceError("InvalidOperation", "Operation 'DeletedVaultPurge' is not allowed.",
                        status=400)


# --- data plane (vault objects) -------------------------------------------------------
def vault_unreachable(vault_name: str) -> KvError:
    """A missing or soft-deleted vault has no DNS name: az fails before any HTTP status."""
    host = f"{vault_name}.vault.azure.net"
    return KvError(f"HTTPSConnection(host='{host}', port=443): Failed to resolve '{host}' "
                   "([Errno -2] Name or service not known)")


def object_not_found(kind: ObjectKind, name: str, *, show: bool = False) -> ServiceError:
    return ServiceError(
        kind.not_found_code,
        f"A {kind.noun} with (name/id) {name} was not found in this key vault. If you recently "
        f"deleted this {kind.noun} you may be able to recover it using the correct recovery "
        f"command. For help resolving this issue, please see {NOT_FOUND_LINK}",
        status=404, not_found_exit=show)


def deleted_object_not_found(kind: ObjectKind, name: str) -> ServiceError:
    return ServiceError(kind.not_found_code, f"Deleted {kind.label} not found: {name}",
                        status=404)


def object_name_deleted(kind: ObjectKind, name: str) -> ServiceError:
    return ServiceError(
        "Conflict",
        f"{kind.label} {name} is currently in a deleted but recoverable state, and its name "
        f"cannot be reused; in this state, the {kind.noun} can only be recovered or purged.",
        status=409, inner_code="ObjectIsDeletedButRecoverable")


def object_purge_protected() -> ServiceError:
    return ServiceError(
        "Forbidden",
        'Operation "purge" is not allowed because purge protection is enabled for this vault. '
        "Key Vault service will automatically purge it after the retention period has passed.",
        status=403)


def object_name_invalid(name: str) -> ServiceError:
    """GUESS (az-reference §2)."""
    return ServiceError("BadParameter", f"The request URI contains an invalid name: {name}",
                        status=400)


def secret_disabled() -> ServiceError:
    return ServiceError("Forbidden", "Operation get is not allowed on a disabled secret.",
                        status=403, inner_code="SecretDisabled")


def secret_too_large(size: int) -> ServiceError:
    """GUESS: Key Vault refuses values over 25 KB with a 400."""
    return ServiceError("BadParameter",
                        f"The secret value is {size} bytes; the maximum allowed is 25600 bytes "
                        "(25 KB).", status=400)



def restore_name_in_use(kind: ObjectKind, name: str) -> ServiceError:
    """GUESS: Key Vault answers 409 when a restore would overwrite an existing object."""
    return ServiceError("Conflict", f"{kind.label} {name} already exists in this key vault. A "
                        f"backup can only be restored under a name that is not in use.",
                        status=409)


def object_tags_invalid(detail: str) -> ServiceError:
    """GUESS: Key Vault's 400 for tags past its limits (15 tags; names 512, values 256)."""
    return ServiceError("BadParameter", f"Invalid tags. {detail}", status=400)


def resource_tags_invalid(detail: str) -> ServiceError:
    """GUESS: ARM's 400 for tags past its limits (50 tags; names 512, values 256)."""
    return ServiceError("InvalidTag", f"The tags are invalid. {detail}", status=400)


def max_results_out_of_range(bound: str, limit: int) -> KvError:
    """The page size Key Vault accepts is 1..25; az refuses others before calling (GUESS for
    az 2.91's wording, which is msrest's validation text)."""
    return KvError(f"Parameter 'maxresults' must be equal to or {bound} than {limit}.")


def content_type_too_long(length: int) -> ServiceError:
    """GUESS: Key Vault documents a 255-character limit for a secret's content type."""
    return ServiceError("BadParameter", f"The content type is {length} characters long; the "
                        "maximum is 255.", status=400)
