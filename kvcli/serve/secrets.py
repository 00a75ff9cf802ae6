"""Secrets over REST: each route is a call into `kvcli.core.secrets`, reshaped by `wire`."""

from __future__ import annotations

from kvcli.core import secrets
from kvcli.serve.wire import to_base64url, wire

PAGE_LIMIT = 25  # Key Vault's largest `maxresults` for secrets


def set_secret(call):
    body = call.body()
    attributes = body.attributes()
    return wire(secrets.set_secret(
        call.home, call.vault, call.name, body.get("value", str, required=True),
        content_type=body.get("contentType", str), tags=body.tags(),
        enabled=attributes.get("enabled", bool, True), expires=attributes.time("exp"),
        not_before=attributes.time("nbf")))


def get_secret(call):
    return wire(secrets.show_secret(call.home, call.vault, call.name, call.version))


def list_secrets(call):
    size, after = call.paging(PAGE_LIMIT)
    return call.page(secrets.list_secrets(call.home, call.vault, include_managed=True,
                                          max_results=size + 1, after=after), size)


def list_versions(call):
    return call.whole_list_page(secrets.list_versions(call.home, call.vault, call.name),
                              PAGE_LIMIT)


def update_secret(call):
    body = call.body()
    attributes = body.attributes()
    return wire(secrets.set_attributes(
        call.home, call.vault, call.name, call.version,
        enabled=attributes.get("enabled", bool), expires=attributes.time("exp"),
        not_before=attributes.time("nbf"), content_type=body.get("contentType", str),
        tags=body.tags()))


def delete_secret(call):
    return wire(secrets.delete_secret(call.home, call.vault, call.name))


def list_deleted(call):
    size, after = call.paging(PAGE_LIMIT)
    return call.page(secrets.list_deleted_secrets(call.home, call.vault, size + 1, after), size)


def get_deleted(call):
    return wire(secrets.show_deleted_secret(call.home, call.vault, call.name))


def recover_secret(call):
    return wire(secrets.recover_secret(call.home, call.vault, call.name))


def purge_secret(call):
    secrets.purge_secret(call.home, call.vault, call.name)


def backup_secret(call):
    return {"value": to_base64url(secrets.backup_secret(call.home, call.vault, call.name))}


def restore_secret(call):
    return wire(secrets.restore_secret(call.home, call.vault, call.body().blob()))


# Order matters where paths overlap: `/secrets/restore` and `.../versions` come first.
ROUTES = [
    ("POST", "/secrets/restore", restore_secret),
    ("GET", "/secrets", list_secrets),
    ("GET", "/secrets/{name}/versions", list_versions),
    ("POST", "/secrets/{name}/backup", backup_secret),
    ("PUT", "/secrets/{name}", set_secret),
    ("DELETE", "/secrets/{name}", delete_secret),
    ("GET", "/secrets/{name}", get_secret),
    ("GET", "/secrets/{name}/", get_secret),
    ("GET", "/secrets/{name}/{version}", get_secret),
    ("PATCH", "/secrets/{name}/", update_secret),
    ("PATCH", "/secrets/{name}/{version}", update_secret),
    ("GET", "/deletedsecrets", list_deleted),
    ("GET", "/deletedsecrets/{name}", get_deleted),
    ("DELETE", "/deletedsecrets/{name}", purge_secret),
    ("POST", "/deletedsecrets/{name}/recover", recover_secret),
]
