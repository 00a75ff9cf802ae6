"""Who may do what: the one place every vault, group and object operation is authorised
and written to the audit log.

Each core operation names an `Action`: its ARM action (management plane) or its data action
plus the access-policy permission (data plane). `guard` decides for the signed-in caller:
RBAC vaults and every ARM action use role assignments inherited down the scope path
(subscription, group, vault, one object); access-policy vaults use the vault's policies,
where `all` grants every permission but `purge`. A refusal is Key Vault's or ARM's 403 and
changes nothing; allowed or not, a vault operation appends one audit line.

Object kinds are covered by rows of DATA_ACTIONS keyed by (collection, operation) and by
decorating each core function with `data_operation(KIND, "Operation")`.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Callable, Iterator, NamedTuple

from kvcli.core import messages, principals, roles
from kvcli.errors import KvError, ServiceError
from kvcli.store import paths, schema
from kvcli.store.home import Home


class Action(NamedTuple):
    operation: str | None          # the audit log's operationName; None: not a vault operation
    arm: str | None = None         # management-plane action, always authorised by RBAC
    data: str | None = None        # data action (RBAC vaults)
    collection: str | None = None  # access-policy permission list (access-policy vaults)
    permission: str | None = None  # access-policy permission


_KV = "Microsoft.KeyVault"
VAULT_CREATE = Action("VaultPut", arm=f"{_KV}/vaults/write")
VAULT_READ = Action("VaultGet", arm=f"{_KV}/vaults/read")
VAULT_UPDATE = Action("VaultPatch", arm=f"{_KV}/vaults/write")
VAULT_SET_POLICY = Action("VaultPut", arm=f"{_KV}/vaults/accessPolicies/write")
VAULT_DELETE = Action("VaultDelete", arm=f"{_KV}/vaults/delete")
VAULT_RECOVER = Action("VaultRecover", arm=f"{_KV}/vaults/write")
VAULT_LIST_DELETED = Action("VaultListDeleted", arm=f"{_KV}/deletedVaults/read")
VAULT_GET_DELETED = Action("VaultGetDeleted", arm=f"{_KV}/deletedVaults/read")
VAULT_PURGE = Action("VaultPurge", arm=f"{_KV}/locations/deletedVaults/purge/action")
GROUP_READ = Action(None, arm="Microsoft.Resources/subscriptions/resourceGroups/read")
GROUP_WRITE = Action(None, arm="Microsoft.Resources/subscriptions/resourceGroups/write")
GROUP_DELETE = Action(None, arm="Microsoft.Resources/subscriptions/resourceGroups/delete")
ASSIGNMENT_READ = Action(None, arm="Microsoft.Authorization/roleAssignments/read")
ASSIGNMENT_WRITE = Action(None, arm="Microsoft.Authorization/roleAssignments/write")
ASSIGNMENT_DELETE = Action(None, arm="Microsoft.Authorization/roleAssignments/delete")

# (collection, operation) -> (data action below Microsoft.KeyVault/vaults/, access-policy
# permission). The operation name is also the audit log's, after the kind's label
# (SecretPurge, KeyEncrypt); a new kind adds its rows here.
DATA_ACTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("secrets", "Get"): ("secrets/getSecret/action", "get"),
    ("secrets", "Set"): ("secrets/setSecret/action", "set"),
    ("secrets", "Update"): ("secrets/update/action", "set"),
    ("secrets", "List"): ("secrets/readMetadata/action", "list"),
    ("secrets", "ListVersions"): ("secrets/readMetadata/action", "list"),
    ("secrets", "ListDeleted"): ("secrets/readMetadata/action", "list"),
    ("secrets", "GetDeleted"): ("secrets/readMetadata/action", "get"),
    ("secrets", "Delete"): ("secrets/delete", "delete"),
    ("secrets", "Recover"): ("secrets/recover/action", "recover"),
    ("secrets", "Purge"): ("secrets/purge/action", "purge"),
    ("secrets", "Backup"): ("secrets/backup/action", "backup"),
    ("secrets", "Restore"): ("secrets/restore/action", "restore"),
    ("keys", "Get"): ("keys/read", "get"),
    ("keys", "List"): ("keys/read", "list"),
    ("keys", "ListVersions"): ("keys/read", "list"),
    ("keys", "ListDeleted"): ("keys/read", "list"),
    ("keys", "GetDeleted"): ("keys/read", "get"),
    ("keys", "Create"): ("keys/create/action", "create"),
    ("keys", "Import"): ("keys/import/action", "import"),
    ("keys", "Update"): ("keys/update/action", "update"),
    ("keys", "Rotate"): ("keys/rotate/action", "rotate"),
    ("keys", "Delete"): ("keys/delete", "delete"),
    ("keys", "Recover"): ("keys/recover/action", "recover"),
    ("keys", "Purge"): ("keys/purge/action", "purge"),
    ("keys", "Backup"): ("keys/backup/action", "backup"),
    ("keys", "Restore"): ("keys/restore/action", "restore"),
    ("keys", "Encrypt"): ("keys/encrypt/action", "encrypt"),
    ("keys", "Decrypt"): ("keys/decrypt/action", "decrypt"),
    ("keys", "Sign"): ("keys/sign/action", "sign"),
    ("keys", "Verify"): ("keys/verify/action", "verify"),
    ("keys", "WrapKey"): ("keys/wrap/action", "wrapKey"),
    ("keys", "UnwrapKey"): ("keys/unwrap/action", "unwrapKey"),
    ("keys", "Release"): ("keys/release/action", "release"),
    ("keys", "GetRotationPolicy"): ("keyrotationpolicies/read", "getrotationpolicy"),
    ("keys", "SetRotationPolicy"): ("keyrotationpolicies/write", "setrotationpolicy"),
    ("certificates", "Get"): ("certificates/read", "get"),
    ("certificates", "List"): ("certificates/read", "list"),
    ("certificates", "ListVersions"): ("certificates/read", "list"),
    ("certificates", "ListDeleted"): ("certificates/read", "list"),
    ("certificates", "GetDeleted"): ("certificates/read", "get"),
    ("certificates", "Create"): ("certificates/create/action", "create"),
    ("certificates", "Import"): ("certificates/import/action", "import"),
    ("certificates", "Update"): ("certificates/update/action", "update"),
    ("certificates", "Delete"): ("certificates/delete", "delete"),
    ("certificates", "Recover"): ("certificates/recover/action", "recover"),
    ("certificates", "Purge"): ("certificates/purge/action", "purge"),
    ("certificates", "Backup"): ("certificates/backup/action", "backup"),
    ("certificates", "Restore"): ("certificates/restore/action", "restore"),
    ("certificates", "GetPending"): ("certificates/read", "get"),
    ("certificates", "DeletePending"): ("certificates/update/action", "update"),
    ("certificates", "UpdatePending"): ("certificates/update/action", "update"),
    ("certificates", "Merge"): ("certificates/create/action", "create"),
    ("certificates", "GetIssuer"): ("certificatecas/read", "getissuers"),
    ("certificates", "ListIssuers"): ("certificatecas/read", "listissuers"),
    ("certificates", "SetIssuer"): ("certificatecas/write", "setissuers"),
    ("certificates", "DeleteIssuer"): ("certificatecas/delete", "deleteissuers"),
    # Key Vault has no read action for contacts: reading them is part of the certificate
    # data; changing them is `certificatecontacts/write` (access policy: managecontacts).
    ("certificates", "GetContacts"): ("certificates/read", "managecontacts"),
    ("certificates", "SetContacts"): ("certificatecontacts/write", "managecontacts"),
    ("certificates", "DeleteContacts"): ("certificatecontacts/write", "managecontacts"),
}

# Access-policy permission names az accepts per list (the set-policy table, az-reference §7).
POLICY_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "certificates": ("all", "backup", "create", "delete", "deleteissuers", "get", "getissuers",
                     "import", "list", "listissuers", "managecontacts", "manageissuers",
                     "purge", "recover", "restore", "setissuers", "update"),
    "keys": ("all", "backup", "create", "decrypt", "delete", "encrypt", "get",
             "getrotationpolicy", "import", "list", "purge", "recover", "release", "restore",
             "rotate", "setrotationpolicy", "sign", "unwrapKey", "update", "verify", "wrapKey"),
    "secrets": ("all", "backup", "delete", "get", "list", "purge", "recover", "restore", "set"),
    "storage": ("all", "backup", "delete", "deletesas", "get", "getsas", "list", "listsas",
                "purge", "recover", "regeneratekey", "restore", "set", "setsas", "update"),
}


def data_action(collection: str, label: str, operation: str) -> Action:
    action, permission = DATA_ACTIONS[(collection, operation)]
    return Action(f"{label}{operation}", data=f"{_KV}/vaults/{action}", collection=collection,
                  permission=permission)


# --- scopes -----------------------------------------------------------------------------
def subscription_scope(home: Home) -> str:
    return f"/subscriptions/{home.subscription_id}"


def group_scope(home: Home, group: str) -> str:
    return f"{subscription_scope(home)}/resourceGroups/{group}"


def vault_scope(home: Home, group: str, vault: str) -> str:
    return f"{group_scope(home, group)}/providers/{_KV}/vaults/{vault}"


def deleted_vault_scope(home: Home, location: str, vault: str) -> str:
    return f"{subscription_scope(home)}/providers/{_KV}/locations/{location}/deletedVaults/{vault}"


def covers(scope: str, resource: str) -> bool:
    """A scope grants on itself and everything below it."""
    scope, resource = scope.lower().rstrip("/"), resource.lower()
    return resource == scope or resource.startswith(scope + "/")


# --- role assignments -------------------------------------------------------------------
def _assignments(home: Home) -> list[dict]:
    """The stored assignments, or a fresh home's: its admin holds Owner and Key Vault
    Administrator on the subscription."""
    document = home.read(paths.role_assignments_file(home.root), schema.ROLE_ASSIGNMENTS)
    if document is not None:
        return document["assignments"]
    user = home.meta.get("user")
    if not user:
        return []
    return [_new_assignment(home, subscription_scope(home), role_id, user["objectId"], "User",
                            user["name"])
            for role_id in (roles.OWNER, roles.KEY_VAULT_ADMINISTRATOR)]


def _new_assignment(home: Home, scope: str, role_id: str, principal_id: str,
                    principal_type: str, by: str) -> dict:
    from kvcli.core.clock import home_now
    from kvcli.core.ids import new_guid
    from kvcli.core.timeutil import to_stamp

    return {"name": new_guid(), "scope": scope, "roleDefinitionId": role_id,
            "principalId": principal_id, "principalType": principal_type,
            "createdOn": to_stamp(home_now(home)), "createdBy": by}


def _save_assignments(home: Home, assignments: list[dict]) -> None:
    home.write(paths.role_assignments_file(home.root), {"assignments": assignments})


def ensure_stored(home: Home) -> None:
    """Write the default assignments (see `_assignments`) while their admin is signed in."""
    with home.locked():
        if not paths.role_assignments_file(home.root).exists():
            _save_assignments(home, _assignments(home))


def drop_assignments_under(home: Home, scope: str) -> None:
    """Azure deletes the role assignments of a deleted resource; recovery does not restore
    them. Called under the lock by vault and group delete."""
    assignments = _assignments(home)
    kept = [a for a in assignments if not covers(scope, a["scope"])]
    if len(kept) != len(assignments):
        _save_assignments(home, kept)


def assignment_view(home: Home, assignment: dict, *, names: bool = False) -> dict:
    """One assignment as `az role assignment create` prints it; `list` adds the names."""
    from kvcli.core.timeutil import arm

    scope = assignment["scope"]
    parts = scope.split("/")
    view = {
        "condition": None,
        "conditionVersion": None,
        "createdBy": assignment["createdBy"],
        "createdOn": arm(assignment["createdOn"]),
        "delegatedManagedIdentityResourceId": None,
        "description": None,
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{assignment['name']}",
        "name": assignment["name"],
        "principalId": assignment["principalId"],
        "principalType": assignment["principalType"],
        "roleDefinitionId": (f"{subscription_scope(home)}/providers/Microsoft.Authorization/"
                             f"roleDefinitions/{assignment['roleDefinitionId']}"),
        "scope": scope,
        "type": "Microsoft.Authorization/roleAssignments",
        "updatedBy": assignment["createdBy"],
        "updatedOn": arm(assignment["createdOn"]),
    }
    if len(parts) > 4 and parts[3].lower() == "resourcegroups":
        view["resourceGroup"] = parts[4]
    if names:
        principal = principals.find(home, assignment["principalId"])
        role = roles.find_role(assignment["roleDefinitionId"])
        view["principalName"] = (principal.get("userPrincipalName") or principal.get("appId")
                                 if principal else "")
        view["roleDefinitionName"] = role.name if role else None
    return dict(sorted(view.items()))


def role_scope(home: Home, resource_group: str | None, scope: str | None) -> str:
    """az's `_build_role_scope`: --scope, else the group's, else the subscription's."""
    if scope:
        if resource_group:
            raise KvError(f'Resource group "{resource_group}" is redundant because scope is '
                          "supplied")
        return scope.rstrip("/")
    if resource_group:
        return group_scope(home, resource_group)
    return subscription_scope(home)


def _checked_scope(home: Home, scope: str) -> str:
    """A scope that names this subscription, an existing group, an active vault, or one
    object inside it (Key Vault accepts object scopes for data roles)."""
    from kvcli.core.groups import load_group
    from kvcli.core.vaults import active_vault

    parts = scope.split("/")
    if (len(parts) < 3 or parts[0] or parts[1].lower() != "subscriptions"
            or parts[2].lower() != home.subscription_id.lower()):
        raise messages.scope_invalid()
    parts[2] = home.subscription_id
    if len(parts) == 3:
        return "/".join(parts)
    if len(parts) < 5 or parts[3].lower() != "resourcegroups":
        raise messages.scope_invalid()
    group = load_group(home, parts[4])
    parts[3:5] = ["resourceGroups", group["name"]]
    if len(parts) == 5:
        return "/".join(parts)
    if (len(parts) not in (9, 11) or parts[5].lower() != "providers"
            or parts[6].lower() != _KV.lower() or parts[7].lower() != "vaults"):
        raise messages.scope_invalid()
    vault = active_vault(home, parts[8], group["name"])
    parts[5:9] = ["providers", _KV, "vaults", vault["name"]]
    if len(parts) == 11 and parts[9].lower() not in {c for c, _ in DATA_ACTIONS}:
        raise messages.scope_invalid()
    return "/".join(parts)


def _principal_for(home: Home, assignee: str) -> dict:
    principal = principals.find(home, assignee)
    if principal is None:
        raise messages.assignee_not_found(assignee)
    return principal


def create_assignment(home: Home, role: str, scope: str, *, assignee: str | None = None,
                      assignee_object_id: str | None = None,
                      assignee_principal_type: str | None = None) -> dict:
    """`--assignee` is looked up in the directory; `--assignee-object-id` is taken as given,
    as az does (the principal may live elsewhere)."""
    principals.ensure_stored(home)
    with home.locked():
        definition = roles.find_role(role)
        if definition is None:
            raise messages.role_not_found(role)
        if assignee is not None:
            principal = _principal_for(home, assignee)
        else:
            principal = principals.find(home, assignee_object_id) or {
                "id": assignee_object_id, "type": assignee_principal_type or "User"}
        scope = _checked_scope(home, scope)
        with guard(home, ASSIGNMENT_WRITE, scope, assigning=definition.id):
            assignments = _assignments(home)
            for existing in assignments:
                if (existing["principalId"] == principal["id"]
                        and existing["roleDefinitionId"] == definition.id
                        and existing["scope"].lower() == scope.lower()):
                    raise messages.role_assignment_exists()
            assignment = _new_assignment(home, scope, definition.id, principal["id"],
                                         principal["type"], principals.caller(home)["name"])
            assignments.append(assignment)
            _save_assignments(home, assignments)
    return assignment_view(home, assignment)


def _matching(home: Home, assignments: list[dict], *, assignee: str | None, role: str | None,
              scope: str | None, include_inherited: bool) -> list[dict]:
    if role is not None:
        definition = roles.find_role(role)
        if definition is None:
            raise messages.role_not_found(role)
        assignments = [a for a in assignments if a["roleDefinitionId"] == definition.id]
    if assignee is not None:
        principal_id = _principal_for(home, assignee)["id"]
        assignments = [a for a in assignments if a["principalId"] == principal_id]
    if scope is not None:
        assignments = [a for a in assignments
                       if a["scope"].lower() == scope.lower().rstrip("/")
                       or (include_inherited and covers(a["scope"], scope))]
    return assignments


def list_assignments(home: Home, *, assignee: str | None = None, role: str | None = None,
                     scope: str | None = None, include_inherited: bool = False) -> list[dict]:
    """The assignments at `scope` (and above it with include_inherited); None: every scope."""
    principals.ensure_stored(home)  # the defaults get their lasting names and dates
    with guard(home, ASSIGNMENT_READ, scope or subscription_scope(home)):
        found = _matching(home, _assignments(home), assignee=assignee, role=role, scope=scope,
                          include_inherited=include_inherited)
    return [assignment_view(home, a, names=True) for a in found]


def delete_assignments(home: Home, *, ids: list[str] | None = None, assignee: str | None = None,
                       role: str | None = None, scope: str | None = None,
                       include_inherited: bool = False) -> None:
    principals.ensure_stored(home)
    with home.locked():
        assignments = _assignments(home)
        if ids:
            wanted = {i.rstrip("/").lower() for i in ids}
            doomed = [a for a in assignments
                      if assignment_view(home, a)["id"].lower() in wanted]
        else:
            doomed = _matching(home, assignments, assignee=assignee, role=role,
                               scope=scope or subscription_scope(home),
                               include_inherited=include_inherited)
        if not doomed:
            raise KvError("No matched assignments were found to delete")
        for assignment in doomed:
            if not permits(home, ASSIGNMENT_DELETE, assignment["scope"],
                           assigning=assignment["roleDefinitionId"]):
                raise _refusal(home, ASSIGNMENT_DELETE, assignment["scope"], None)
        names = {a["name"] for a in doomed}
        _save_assignments(home, [a for a in assignments if a["name"] not in names])


# --- the decision -----------------------------------------------------------------------
def _roles_of(home: Home, object_id: str) -> list[tuple[roles.Role, dict]]:
    found = []
    for assignment in _assignments(home):
        if assignment["principalId"] == object_id:
            role = roles.find_role(assignment["roleDefinitionId"])
            if role is not None:
                found.append((role, assignment))
    return found


def _roles_at(home: Home, object_id: str, resource: str) -> list[tuple[roles.Role, dict]]:
    return [(role, assignment) for role, assignment in _roles_of(home, object_id)
            if covers(assignment["scope"], resource)]


def _policy_allows(vault: dict, object_id: str, collection: str, permission: str) -> bool:
    """`all` stands for every permission but purge, which must be named."""
    for policy in vault["accessPolicies"]:
        if policy["objectId"].lower() != object_id.lower():
            continue
        granted = [p.lower() for p in (policy["permissions"].get(collection) or [])]
        if permission.lower() in granted or ("all" in granted and permission != "purge"):
            return True
    return False


def permits(home: Home, action: Action, resource: str, *, vault: dict | None = None,
            assigning: str | None = None) -> bool:
    """Whether the signed-in caller may perform `action` on `resource`."""
    caller = principals.caller(home)
    if action.data is not None and vault is not None and not vault["rbac"]:
        return _policy_allows(vault, caller["objectId"], action.collection, action.permission)
    return any(_grants(role, action, assigning)
               for role, _ in _roles_at(home, caller["objectId"], resource))


def _grants(role: roles.Role, action: Action, assigning: str | None = None) -> bool:
    if action.data is not None:
        return roles.grants_data_action(role, action.data)
    return roles.grants_action(role, action.arm) and (
        assigning is None or role.assignable_role_ids is None
        or assigning in role.assignable_role_ids)


def permits_below(home: Home, action: Action, scope: str, vault: dict) -> Callable[[str], bool]:
    """`permits` for many resources of one vault (`scope`), with what they share decided
    once: the vault's access policies, or the role assignments at the vault or above it;
    an assignment below the vault (one object) still grants only on its own object."""
    caller = principals.caller(home)
    if not vault["rbac"]:
        allowed = _policy_allows(vault, caller["objectId"], action.collection,
                                 action.permission)
        return lambda resource: allowed
    granting = [assignment["scope"] for role, assignment in _roles_of(home, caller["objectId"])
                if _grants(role, action)]
    if any(covers(granted, scope) for granted in granting):
        return lambda resource: True
    below = [granted for granted in granting if covers(scope, granted)]
    return lambda resource: any(covers(granted, resource) for granted in below)


def _refusal(home: Home, action: Action, resource: str, vault: dict | None) -> ServiceError:
    caller = principals.caller(home)
    if action.data is None:
        return messages.forbidden_arm(caller["name"], caller["objectId"], action.arm, resource)
    if vault["rbac"]:
        return messages.forbidden_by_rbac(home.tenant_id, caller["objectId"], action.data,
                                          resource, vault["name"].lower(), vault["location"])
    return messages.forbidden_by_policy(home.tenant_id, caller["objectId"], action.collection,
                                        action.permission, vault["name"].lower(),
                                        vault["location"])


@contextmanager
def guard(home: Home, action: Action, resource: str, *, vault: dict | None = None,
          assigning: str | None = None, request_uri: str | None = None,
          allowed: bool | None = None) -> Iterator[None]:
    """Run the body only if the caller may; audit a vault operation's outcome either way.

    Held under the home lock, so the decision, the change and its audit line are one step.
    A read-only home (a read-only mount) still answers: the decision is made on what is
    stored, but no audit line can be written there, and any change fails as it would anyway.
    `allowed`: the decision, already made by `permits_below` for a bulk command.
    """
    from kvcli.core import audit

    with locked_if_writable(home) as writable:
        caller = principals.caller(home)
        audited = bool(action.operation) and writable
        record = functools.partial(audit.append, home, action=action, resource=resource,
                                   caller=caller, vault=vault, request_uri=request_uri)
        if allowed is None:
            allowed = permits(home, action, resource, vault=vault, assigning=assigning)
        if not allowed:
            refusal = _refusal(home, action, resource, vault)
            if audited:
                record(status=403, result="Denied", durable=False)
            raise refusal
        writes = home.writes
        try:
            yield
        except KvError as error:
            if audited:
                record(status=error.status if isinstance(error, ServiceError) else 400,
                       result="Failed", durable=home.writes != writes)
            raise
        if audited:
            record(status=200, result="Success", durable=home.writes != writes)


@contextmanager
def locked_if_writable(home: Home, *, wait: bool = True) -> Iterator[bool]:
    """The home's lock, or (on a home that cannot be written) no lock: nothing can change.
    Without `wait`, a lock held elsewhere raises lock.Busy."""
    from kvcli.store.home import ReadOnlyHome

    try:
        held = home.locked(wait=wait)
        held.__enter__()
    except ReadOnlyHome:
        yield False
        return
    try:
        yield True
    except BaseException as error:
        if not held.__exit__(type(error), error, error.__traceback__):
            raise
    else:
        held.__exit__(None, None, None)


_CO_GENERATOR = 0x20  # inspect.CO_GENERATOR, without importing inspect on every command


def data_operation(kind, operation: str, *, vault_scoped: bool = False) -> Callable:
    """Declare a core data-plane function as `operation` on `kind`: it then runs only when
    the caller may, on the object named by its `name` argument (or the whole vault).
    `vault_scoped`: the `name` is not an object of the kind (a certificate issuer), so the
    vault is the scope. A generator function (a list read as it is rendered) is checked
    when first read and audited once it is read to the end, all under one lock."""
    action = data_action(kind.collection, kind.label, operation)

    def wrap(function: Callable) -> Callable:
        code = function.__code__  # cheaper than inspect.signature at every import
        object_scoped = not vault_scoped and "name" in code.co_varnames[
            :code.co_argcount + code.co_kwonlyargcount]

        @contextmanager
        def guarded(home: Home, vault_name: str, args: tuple, kwargs: dict):
            from kvcli.core.objects import DataPlaneVault, vaults_read_once

            # The lock first: the vault read for the decision is then the body's too.
            with locked_if_writable(home), vaults_read_once():
                vault = DataPlaneVault(home, vault_name)
                name = (args[0] if args else kwargs.get("name")) if object_scoped else None
                resource, uri = _target(home, vault, kind, name)
                with guard(home, action, resource, vault=vault.record, request_uri=uri):
                    yield

        if code.co_flags & _CO_GENERATOR:
            @functools.wraps(function)
            def run(home: Home, vault_name: str, *args, **kwargs):
                with guarded(home, vault_name, args, kwargs):
                    yield from function(home, vault_name, *args, **kwargs)
        else:
            @functools.wraps(function)
            def run(home: Home, vault_name: str, *args, **kwargs):
                with guarded(home, vault_name, args, kwargs):
                    return function(home, vault_name, *args, **kwargs)

        run.kvcli_action = action  # type: ignore[attr-defined]
        return run

    return wrap


def _target(home: Home, vault, kind, name: str | None) -> tuple[str, str]:
    """(resource id, request URI) of an operation on the object `name`, or on the vault."""
    from kvcli.core.vaults import vault_id

    resource = vault_id(home, vault.record)
    if name is None:
        return resource, vault.uri
    return f"{resource}/{kind.collection}/{name}", vault.object_id(kind, name)


def object_guard(home: Home, vault, kind, operation: str) -> Callable:
    """`data_operation`'s guard for one operation on many objects of one vault (a bulk
    command): given an object name (None: the vault), a context that runs its body only if
    the caller may. The decision's shared part is made once (`permits_below`); each object
    still gets its own audit line, as Key Vault logs one per request."""
    action = data_action(kind.collection, kind.label, operation)
    allows = permits_below(home, action, _target(home, vault, kind, None)[0], vault.record)

    def guarded(name: str | None):
        resource, uri = _target(home, vault, kind, name)
        return guard(home, action, resource, vault=vault.record, request_uri=uri,
                     allowed=allows(resource))
    return guarded
