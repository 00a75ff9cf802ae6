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


# --- keys -------------------------------------------------------------------------------
def key_disabled(operation: str) -> ServiceError:
    """By analogy with the disabled-secret text (observed)."""
    return ServiceError("Forbidden", f"Operation {operation} is not allowed on a disabled key.",
                        status=403, inner_code="KeyDisabled")


def key_operation_not_permitted(operation: str) -> ServiceError:
    """GUESS: the key's key_ops do not list the operation."""
    return ServiceError("Forbidden", f"Operation {operation} is not permitted by the key's "
                        "key operations (key_ops).", status=403)


def key_not_yet_valid(operation: str) -> ServiceError:
    """GUESS: an operation before the key's not-before time."""
    return ServiceError("Forbidden", f"Operation {operation} is not allowed on a key that is "
                        "not yet valid (not before).", status=403)


def key_expired(operation: str) -> ServiceError:
    """GUESS: an operation after the key's expiry time."""
    return ServiceError("Forbidden", f"Operation {operation} is not allowed on an expired key.",
                        status=403)


def key_algorithm_unsupported(algorithm: str, kty: str) -> ServiceError:
    """GUESS: an algorithm that does not fit the key type or curve."""
    return ServiceError("BadParameter", f"Algorithm '{algorithm}' is not supported for key "
                        f"type '{kty}'.", status=400)


def key_digest_length(algorithm: str, length: int, expected: int) -> ServiceError:
    """GUESS: a digest whose length does not match the signing algorithm."""
    return ServiceError("BadParameter", f"Invalid digest length {length} for algorithm "
                        f"{algorithm}: {expected} bytes expected.", status=400)


def key_parameter_invalid(detail: str) -> ServiceError:
    """GUESS: a key parameter Key Vault refuses (size, curve, AES key length, iv, tag)."""
    return ServiceError("BadParameter", detail, status=400)


def key_type_needs_premium(kty: str) -> ServiceError:
    """GUESS: HSM-protected key types in a standard-SKU vault."""
    return ServiceError("BadParameter", f"Key type '{kty}' is not supported by this vault: "
                        "HSM-protected keys require a vault of the Premium SKU.", status=400)


def key_type_not_in_vaults(kty: str) -> ServiceError:
    """GUESS: software symmetric keys exist only in Managed HSM; vaults refuse them."""
    return ServiceError("BadParameter", f"Key type '{kty}' is not supported by Key Vault "
                        "vaults. Symmetric keys are available as 'oct-HSM' in Premium vaults "
                        "and Managed HSM.", status=400)


def key_release_policy_required() -> ServiceError:
    """GUESS: an exportable key needs a release policy."""
    return ServiceError("BadParameter", "Exportable keys must have a release policy "
                        "(--policy).", status=400)


def key_release_policy_not_exportable() -> ServiceError:
    """GUESS: a release policy on a key that is not exportable."""
    return ServiceError("BadParameter", "Non-exportable keys must not have a release policy; "
                        "set --exportable true.", status=400)


def key_release_policy_immutable() -> ServiceError:
    """GUESS: changing a release policy that was marked immutable."""
    return ServiceError("BadParameter", "The release policy of this key is immutable and "
                        "cannot be changed.", status=400)


def key_decrypt_failed() -> ServiceError:
    """GUESS: ciphertext that does not decrypt with this key and algorithm."""
    return ServiceError("BadParameter", "Decryption failed: the ciphertext, iv, tag or "
                        "algorithm does not match this key.", status=400)


def rotation_policy_invalid(detail: str) -> ServiceError:
    """GUESS: a rotation policy Key Vault refuses."""
    return ServiceError("BadParameter", f"Invalid key rotation policy: {detail}", status=400)


# --- certificates -------------------------------------------------------------------------
def certificate_policy_invalid(detail: str) -> ServiceError:
    """GUESS: Key Vault's 400 for a certificate policy it refuses."""
    return ServiceError("BadParameter", f"Invalid certificate policy: {detail}", status=400)


def certificate_pem_unreadable() -> ServiceError:
    """GUESS (after Key Vault's import error for PEM content)."""
    return ServiceError("BadParameter", "The specified PEM X.509 certificate content is in an "
                        "unexpected format. Please check if certificate is in valid PEM "
                        "format.", status=400)


def certificate_pkcs12_unreadable() -> ServiceError:
    """GUESS (after Key Vault's import error for PKCS#12 content or a wrong password)."""
    return ServiceError("BadParameter", "The specified PKCS#12 X.509 certificate content can "
                        "not be read. Please check if certificate is in valid PKCS#12 format "
                        "and the password is correct.", status=400)


def certificate_private_key_missing() -> ServiceError:
    """GUESS (after Key Vault's import error for a PEM without its private key)."""
    return ServiceError("BadParameter", "Private key is not specified in the specified X.509 "
                        "PEM certificate content. Please specify private key in the X.509 PEM "
                        "certificate content.", status=400)


def certificate_pending_exists(name: str) -> ServiceError:
    """GUESS: a create while a request of that certificate is still pending."""
    return ServiceError("Conflict", f"Certificate {name} has a pending certificate operation. "
                        "Merge or delete it before creating a new version.", status=409)


def certificate_pending_not_found(name: str) -> ServiceError:
    """GUESS: no certificate operation to show, merge or delete."""
    return ServiceError("PendingCertificateNotFound", f"Pending certificate not found: {name}",
                        status=404)


def certificate_operation_not_cancellable(name: str) -> ServiceError:
    """GUESS (text): a cancellation of an operation that is no longer in progress. The 403 is
    what Key Vault answers when the request completed first (azure-sdk-for-net's live test
    VerifyCancelCertificateOperation); its docs say 400."""
    return ServiceError("Forbidden", f"The certificate operation of {name} is not in progress "
                        "and can no longer be cancelled.", status=403)


def certificate_merge_key_mismatch() -> ServiceError:
    """GUESS: the merged certificate is not for the pending request's key."""
    return ServiceError("BadParameter", "Public key from x509 certificate and key of this "
                        "instance doesn't match", status=400)


def certificate_issuer_not_found(name: str) -> ServiceError:
    """GUESS: an issuer name the vault does not hold."""
    return ServiceError("CertificateIssuerNotFound", f"Issuer not found: {name}", status=404)


def certificate_contacts_not_found() -> ServiceError:
    """GUESS: a vault with no certificate contacts."""
    return ServiceError("ContactsNotFound", "Contacts not found", status=404)


def certificate_contacts_invalid(detail: str) -> ServiceError:
    """GUESS: Key Vault's 400 for a contact list it refuses."""
    return ServiceError("BadParameter", f"Invalid certificate contacts: {detail}", status=400)


def object_managed(kind: ObjectKind, operation: str) -> ServiceError:
    """[ISSUE] for secrets (hashicorp/terraform-provider-azurerm#5659: `set` on a
    certificate's secret); the key text and the other operations by analogy."""
    return ServiceError("Forbidden", f'Operation "{operation}" is not allowed as this object\'s '
                        "lifetime is managed by Key Vault.", status=403,
                        inner_code=f"{kind.label}ManagedByKeyVault")


def owned_name_in_use(kind: ObjectKind, owned: ObjectKind, name: str) -> ServiceError:
    """GUESS: a certificate whose managed key or secret name a plain object holds."""
    return ServiceError("Conflict", f"{kind.label} {name} cannot be created: a {owned.noun} "
                        f"named {name} that is not managed by a {kind.noun} exists in this "
                        "key vault.", status=409)


# --- identities, role assignments, authorization --------------------------------------
CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"  # the Azure CLI's public client id


def not_logged_in() -> KvError:
    return KvError("Please run 'az login' to setup account.")


def graph_object_not_found(text: str) -> KvError:
    """GUESS: Microsoft Graph's 404 text as az ad prints it (exit 3 like other shows)."""
    from kvcli.errors import ExitCode

    return KvError(f"Resource '{text}' does not exist or one of its queried reference-property "
                   "objects are not present.", exit_code=ExitCode.NOT_FOUND)


def graph_upn_in_use() -> KvError:
    return KvError("Another object with the same value for property userPrincipalName already "
                   "exists.")


def graph_upn_invalid() -> KvError:
    """GUESS: Graph refuses a user principal name without a domain."""
    return KvError("Property userPrincipalName is invalid.")


def service_principal_not_found(app_id: str, tenant_id: str) -> KvError:
    """GUESS: the gist of Entra's AADSTS700016 answer to an unknown application."""
    return KvError(f"AADSTS700016: Application with identifier '{app_id}' was not found in the "
                   f"directory '{tenant_id}'.")


def role_not_found(role: str) -> KvError:
    return KvError(f"Role '{role}' doesn't exist.")


def assignee_not_found(assignee: str) -> KvError:
    return KvError(f"Cannot find user or service principal in graph database for '{assignee}'. "
                   "If the assignee is an appId, make sure the corresponding service principal "
                   f"is created with 'az ad sp create --id {assignee}'.")


def role_assignment_exists() -> ServiceError:
    return ServiceError("RoleAssignmentExists", "The role assignment already exists.",
                        status=409)


def scope_invalid() -> KvError:
    """az's own check of a scope's shape; kvcli also gives it for another subscription."""
    return KvError("Invalid scope. Please use --help to view the valid format.")


def forbidden_arm(upn: str, object_id: str, action: str, scope: str) -> ServiceError:
    return ServiceError(
        "AuthorizationFailed",
        f"The client '{upn}' with object id '{object_id}' does not have authorization to "
        f"perform action '{action}' over scope '{scope}' or the scope is invalid. If access "
        "was recently granted, please refresh your credentials.", status=403)


def _caller_claims(tenant_id: str, object_id: str) -> str:
    return f"appid={CLI_APP_ID};oid={object_id};iss=https://sts.windows.net/{tenant_id}/"


def forbidden_by_rbac(tenant_id: str, object_id: str, action: str, resource: str,
                      vault: str, location: str) -> ServiceError:
    """Key Vault's RBAC refusal (from the service's published examples; line breaks as sent)."""
    return ServiceError(
        "Forbidden",
        "Caller is not authorized to perform action on resource.\n"
        "If role assignments, deny assignments or role definitions were changed recently, "
        "please observe propagation time.\n"
        f"Caller: {_caller_claims(tenant_id, object_id)}\n"
        f"Action: '{action}'\n"
        f"Resource: '{resource.lower()}'\n"
        "Assignment: (not found)\n"
        "DenyAssignmentId: null\n"
        "DecisionReason: null \n"
        f"Vault: {vault};location={location}\n",
        status=403, inner_code="ForbiddenByRbac")


def forbidden_by_policy(tenant_id: str, object_id: str, collection: str, permission: str,
                        vault: str, location: str) -> ServiceError:
    return ServiceError(
        "Forbidden",
        f"The user, group or application '{_caller_claims(tenant_id, object_id)}' does not "
        f"have {collection} {permission} permission on key vault '{vault};location={location}'. "
        "For help resolving this issue, please see "
        "https://go.microsoft.com/fwlink/?linkid=2125287",
        status=403, inner_code="AccessDenied")


def policies_on_rbac_vault() -> KvError:
    return KvError("Cannot set policies to a vault with '--enable-rbac-authorization' specified")


def no_matching_policies() -> KvError:
    return KvError("No matching policies found")


def audit_log_damaged(problem: str) -> KvError:
    return KvError(f"The audit log does not verify: {problem}.")


# --- the REST face (`kvcli serve`) ------------------------------------------------------
def bearer_token_missing() -> ServiceError:
    """Key Vault's answer to a request without a token (the SDKs' challenge discovery).
    GUESS: the AKV10000 text as users report it, not checked against the service."""
    return ServiceError("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.",
                        status=401)


def token_principal_unknown() -> ServiceError:
    """kvcli's own: the token names no principal of the home and no one is signed in."""
    return ServiceError("Unauthorized", "The access token names no principal of this kvcli "
                        "home (no 'oid' or known 'upn' claim) and no user is signed in.",
                        status=401)


def api_version_missing() -> ServiceError:
    """GUESS: Key Vault refuses a request without `api-version`."""
    return ServiceError("BadParameter", "The 'api-version' query parameter is required.",
                        status=400)


def api_version_unknown(version: str, latest: str) -> ServiceError:
    """GUESS: Key Vault's text for an api-version it does not serve."""
    return ServiceError("BadParameter", f"The specified version ({version}) is not "
                        f"recognized. Consider using the latest supported version ({latest}).",
                        status=400)


def request_body_invalid(detail: str) -> ServiceError:
    """GUESS: a body that is not the JSON the operation takes."""
    return ServiceError("BadParameter", f"The request body is invalid: {detail}", status=400)


def request_too_large(limit: int) -> ServiceError:
    """GUESS: Key Vault's 413 for an oversized request body."""
    return ServiceError("RequestEntityTooLarge", f"The request body is larger than {limit} "
                        "bytes.", status=413)


def page_size_invalid(limit: int) -> ServiceError:
    """GUESS: Key Vault's 400 for `maxresults` outside 1..limit."""
    return ServiceError("BadParameter", f"The value of 'maxresults' must be between 1 and "
                        f"{limit}.", status=400)


def skip_token_invalid() -> ServiceError:
    """GUESS: a `$skiptoken` this server did not issue."""
    return ServiceError("BadParameter", "The '$skiptoken' query parameter is invalid.",
                        status=400)


def route_unknown(method: str, path: str) -> ServiceError:
    """GUESS: an operation kvcli serve does not provide, as Key Vault answers an unknown URL."""
    return ServiceError("BadParameter", f"The request URI is not a Key Vault operation kvcli "
                        f"serve provides: {method} {path}", status=404)


def served_vault_unknown(vault_name: str | None) -> ServiceError:
    """kvcli's own: where Key Vault would fail name resolution, the server names the cause."""
    if vault_name is None:
        return ServiceError("VaultNotFound", "The request names no vault: use the host "
                            "NAME.localhost or NAME.vault.azure.net, or the path prefix "
                            "/vaults/NAME.", status=404)
    return ServiceError("VaultNotFound", f"No active vault named '{vault_name}' in this kvcli "
                        "home.", status=404)


def server_failed() -> ServiceError:
    return ServiceError("InternalServerError", "kvcli serve failed to handle the request; see "
                        "its standard error.", status=500)
