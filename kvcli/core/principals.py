"""The home's directory of principals (users, service principals) and who is signed in.

A fresh home signs in its default admin; `login` switches to another user, creating it on
first use. The directory is one small file; the signed-in principal lives in home.json.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from kvcli.core import messages
from kvcli.core.ids import new_guid
from kvcli.errors import KvError
from kvcli.store import paths, schema
from kvcli.store.home import Home

GRAPH_USER_CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#users/$entity"
# The caller of the running operation when it is not the home's signed-in user: a request
# to `kvcli serve` acts as the principal its token names, without signing anyone in.
_acting_caller: ContextVar[dict | None] = ContextVar("kvcli_acting_caller", default=None)


# --- the directory ---------------------------------------------------------------------
def _directory(home: Home) -> dict:
    """The stored directory, or the one a fresh home starts with: its default admin."""
    document = home.read(paths.principals_file(home.root), schema.PRINCIPALS)
    if document is not None:
        return document
    user = home.meta.get("user") or {}
    first = [_new_user(user["name"], user["objectId"])] if user else []
    return {"principals": first}


def _new_user(upn: str, object_id: str | None = None, display_name: str | None = None) -> dict:
    return {"id": object_id or new_guid(), "type": "User", "userPrincipalName": upn,
            "displayName": display_name or upn.split("@", 1)[0], "mail": None}


def ensure_stored(home: Home) -> None:
    """Write the directory and the default role assignments before the signed-in user
    changes, so the defaults stay with the admin they were made for."""
    from kvcli.core import access

    with home.locked():
        if not paths.principals_file(home.root).exists():
            home.write(paths.principals_file(home.root), _directory(home))
        access.ensure_stored(home)


def principals(home: Home) -> list[dict]:
    return _directory(home)["principals"]


def find(home: Home, text: str) -> dict | None:
    """A principal by object id, user principal name, or a service principal's app id or
    name, any case."""
    wanted = text.lower()
    for principal in principals(home):
        keys = [principal["id"], principal.get("userPrincipalName"), principal.get("appId"),
                *(principal.get("servicePrincipalNames") or ())]
        if wanted in (k.lower() for k in keys if k):
            return principal
    return None


def _save(home: Home, document: dict) -> None:
    home.write(paths.principals_file(home.root), document)


# --- who is signed in ------------------------------------------------------------------
def caller(home: Home) -> dict:
    """The acting principal's `name` and `objectId`: the one `acting_as` names, else the
    signed-in user; none signed in is az's error."""
    user = _acting_caller.get() or home.meta.get("user")
    if not user:
        raise messages.not_logged_in()
    return user


@contextmanager
def acting_as(user: dict) -> Iterator[None]:
    """Authorise and audit the operations run inside as `user` (a `caller` dict), leaving
    home.json and its signed-in user untouched."""
    token = _acting_caller.set(user)
    try:
        yield
    finally:
        _acting_caller.reset(token)


def _as_caller(principal: dict) -> dict:
    if principal["type"] == "ServicePrincipal":
        return {"name": principal["appId"], "objectId": principal["id"],
                "type": "servicePrincipal"}
    return {"name": principal["userPrincipalName"], "objectId": principal["id"]}


def token_caller(home: Home, object_id: str | None, upn: str | None) -> dict | None:
    """The caller an access token's `oid` / `upn` claims name: the directory's principal,
    else (an object id only) a principal the directory does not know, as Key Vault sees a
    token from another tenant's user; None when the claims name no one."""
    principal = (find(home, object_id) if object_id else None) or (
        find(home, upn) if upn else None)
    if principal is not None:
        return _as_caller(principal)
    if object_id:
        return {"name": upn or object_id, "objectId": object_id}
    return None


def login(home: Home, username: str, *, service_principal: bool = False) -> dict:
    """Sign in as `username`: a user (created on first use) or an existing service
    principal, by its app id."""
    ensure_stored(home)
    with home.locked():
        document = _directory(home)
        principal = find(home, username)
        if service_principal:
            if principal is None or principal["type"] != "ServicePrincipal":
                raise messages.service_principal_not_found(username, home.tenant_id)
            home.meta["user"] = _as_caller(principal)
        else:
            if principal is None or principal["type"] != "User":
                principal = _new_user(username)
                document["principals"].append(principal)
                _save(home, document)
            home.meta["user"] = _as_caller(principal)
        home.save_meta()
    return account_view(home)


def logout(home: Home) -> None:
    ensure_stored(home)
    with home.locked():
        caller(home)
        home.meta["user"] = None
        home.save_meta()


def account_view(home: Home) -> dict:
    """`az account show` for the signed-in user."""
    return {
        "environmentName": "AzureCloud",
        "homeTenantId": home.tenant_id,
        "id": home.subscription_id,
        "isDefault": True,
        "managedByTenants": [],
        "name": home.subscription_name,
        "state": "Enabled",
        "tenantId": home.tenant_id,
        "user": {"name": caller(home)["name"], "type": caller(home).get("type", "user")},
    }


# --- users (Microsoft Graph shapes, as `az ad user` prints them) -----------------------
def user_view(user: dict) -> dict:
    return {
        "@odata.context": GRAPH_USER_CONTEXT,
        "businessPhones": [],
        "displayName": user["displayName"],
        "givenName": None,
        "id": user["id"],
        "jobTitle": None,
        "mail": user.get("mail"),
        "mobilePhone": None,
        "officeLocation": None,
        "preferredLanguage": None,
        "surname": None,
        "userPrincipalName": user["userPrincipalName"],
    }


def signed_in_user(home: Home) -> dict:
    user = find(home, caller(home)["objectId"])
    if user is None:
        raise messages.graph_object_not_found(caller(home)["objectId"])
    return user_view(user)


def create_user(home: Home, upn: str, display_name: str, mail_nickname: str | None = None) -> dict:
    caller(home)
    ensure_stored(home)
    with home.locked():
        document = _directory(home)
        if find(home, upn) is not None:
            raise messages.graph_upn_in_use()
        if "@" not in upn:
            raise messages.graph_upn_invalid()
        user = _new_user(upn, display_name=display_name)
        document["principals"].append(user)
        _save(home, document)
    return user_view(user)


def _user(home: Home, text: str) -> dict:
    user = find(home, text)
    if user is None or user["type"] != "User":
        raise messages.graph_object_not_found(text)
    return user


def show_user(home: Home, text: str) -> dict:
    caller(home)
    return user_view(_user(home, text))


def list_users(home: Home, upn: str | None = None, display_name: str | None = None) -> list:
    caller(home)
    users = [p for p in principals(home) if p["type"] == "User"]
    if upn is not None:
        users = [u for u in users if u["userPrincipalName"].lower() == upn.lower()]
    if display_name is not None:
        users = [u for u in users if u["displayName"].lower().startswith(display_name.lower())]
    return [user_view(u) for u in users]


def delete_user(home: Home, text: str) -> None:
    """Remove the user; like Azure, their role assignments stay (shown without a name)."""
    caller(home)
    ensure_stored(home)
    with home.locked():
        document = _directory(home)
        user = _user(home, text)
        document["principals"] = [p for p in document["principals"] if p["id"] != user["id"]]
        _save(home, document)


def create_service_principal(home: Home, display_name: str | None) -> tuple[dict, str]:
    """A new application and its service principal, and the one-time secret az prints
    (kvcli keeps no copy: it checks no credentials)."""
    import secrets

    from kvcli.core.clock import home_now

    caller(home)
    ensure_stored(home)
    app_id = new_guid()
    name = display_name or home_now(home).strftime("azure-cli-%Y-%m-%d-%H-%M-%S")
    principal = {"id": new_guid(), "type": "ServicePrincipal", "appId": app_id,
                 "displayName": name, "servicePrincipalNames": [app_id]}
    with home.locked():
        document = _directory(home)
        document["principals"].append(principal)
        _save(home, document)
    return principal, secrets.token_urlsafe(30)


def object_id_for(home: Home, *, object_id: str | None, spn: str | None,
                  upn: str | None) -> str:
    """az's `_object_id_args_helper`: an object id as given, or looked up by name."""
    if object_id:
        return object_id
    principal = find(home, spn or upn or "")
    wanted_type = "ServicePrincipal" if spn else "User"
    if principal is None or principal["type"] != wanted_type:
        raise KvError("Unable to get object id from principal name.")
    return principal["id"]
