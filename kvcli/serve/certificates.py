"""Certificates over REST: each route is a call into `kvcli.core.certificates`, reshaped.

Key Vault's wire names a policy's parts `key_props`, `x509_props`, ... where the core keeps
az's names (`keyProperties`, `x509CertificateProperties`, ...): one table maps both ways.
"""

from __future__ import annotations

import base64

from kvcli.core import certificates, messages
from kvcli.serve.wire import to_base64url, wire

PAGE_LIMIT = 25  # Key Vault's largest `maxresults` for certificates
# az's name -> Key Vault's wire name, or (wire name, the names inside it).
POLICY_NAMES = {
    "issuerParameters": ("issuer", {"name": "name", "certificateType": "cty",
                                    "certificateTransparency": "cert_transparency"}),
    "keyProperties": ("key_props", {"exportable": "exportable", "keyType": "kty",
                                    "keySize": "key_size", "reuseKey": "reuse_key",
                                    "curve": "crv"}),
    "secretProperties": ("secret_props", {"contentType": "contentType"}),
    "x509CertificateProperties": ("x509_props", {
        "subject": "subject", "ekus": "ekus", "keyUsage": "key_usage",
        "validityInMonths": "validity_months",
        "subjectAlternativeNames": ("sans", {"dnsNames": "dns_names", "emails": "emails",
                                             "upns": "upns"})}),
    "lifetimeActions": ("lifetime_actions", {
        "trigger": ("trigger", {"daysBeforeExpiry": "days_before_expiry",
                                "lifetimePercentage": "lifetime_percentage"}),
        "action": ("action", {"actionType": "action_type"})}),
}
ISSUER_NAMES = {"id": "id", "provider": "provider",
                "credentials": ("credentials", {"accountId": "account_id"}),
                "organizationDetails": ("org_details", {"id": "id",
                                                        "adminDetails": "admin_details"})}
CONTACT_NAMES = {"id": "id", "contactList": ("contacts", {"emailAddress": "email",
                                                          "name": "name", "phone": "phone"})}
OPERATION_NAMES = {"cancellationRequested": "cancellation_requested", "csr": "csr",
                   "error": "error", "id": "id", "requestId": "request_id",
                   "status": "status", "statusDetails": "status_details", "target": "target",
                   "issuerParameters": POLICY_NAMES["issuerParameters"]}


def _renamed(value, names: dict):
    """`value` with its keys renamed by `names` (recursing into lists), nulls dropped,
    keys not in the table left out."""
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    shaped = {}
    for name, item in value.items():
        target = names.get(name)
        if target is None or item is None:
            continue
        if isinstance(target, tuple):
            target, inner = target
            item = _renamed(item, inner)
        shaped[target] = item
    return shaped


def _reversed(names: dict) -> dict:
    return {(target[0] if isinstance(target, tuple) else target):
            ((name, _reversed(target[1])) if isinstance(target, tuple) else name)
            for name, target in names.items()}


WIRE_POLICY_NAMES = _reversed(POLICY_NAMES)


def policy_wire(view: dict) -> dict:
    shaped = _renamed(view, POLICY_NAMES)
    shaped["id"] = view["id"]
    shaped["attributes"] = wire(view["attributes"])
    return shaped


def policy_from_wire(document: dict) -> dict:
    """A request's policy in the core's (az's) names; the core checks it."""
    policy = _renamed(document, WIRE_POLICY_NAMES)
    attributes = document.get("attributes")
    if isinstance(attributes, dict) and isinstance(attributes.get("enabled"), bool):
        policy["enabled"] = attributes["enabled"]
    return policy


def certificate_wire(view: dict) -> dict:
    """A core certificate view (bundle, list item, deleted) in Key Vault's JSON."""
    shaped = wire({name: value for name, value in view.items()
                   if name not in ("x509Thumbprint", "x509ThumbprintHex", "subject", "policy")})
    if view.get("x509Thumbprint"):
        shaped["x5t"] = to_base64url(base64.b64decode(view["x509Thumbprint"]))
    if view.get("policy"):
        shaped["policy"] = policy_wire(view["policy"])
    return shaped


def operation_wire(view: dict) -> dict:
    return _renamed(view, OPERATION_NAMES)


def issuer_wire(view: dict) -> dict:
    shaped = _renamed(view, ISSUER_NAMES)
    if "attributes" in view:
        shaped["attributes"] = wire(view["attributes"])
    return shaped


def _pem_chain(x5c: list) -> bytes:
    """The signed chain of a merge (base64 DER certificates) as the PEM the core reads."""
    import binascii
    import textwrap

    blocks = []
    for certificate in x5c:
        if not isinstance(certificate, str):
            raise messages.request_body_invalid("'x5c' must hold base64 certificates.")
        try:
            der = base64.b64decode(certificate, validate=True)
        except (binascii.Error, ValueError):
            raise messages.request_body_invalid("'x5c' must hold base64 certificates.") \
                from None
        lines = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
        blocks.append(f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n")
    return "".join(blocks).encode()


def _policy(body, required: bool = False) -> dict | None:
    document = body.get("policy", dict, required=required)
    return None if document is None else policy_from_wire(document)


# --- routes -------------------------------------------------------------------------------
def create_certificate(call):
    """Key Vault accepts a create with the operation in progress, whatever the issuer, and
    the SDKs poll `pending` for its outcome. kvcli issues a self-signed certificate at
    once, so that first poll already sees it completed."""
    body = call.body()
    attributes = body.attributes()
    operation = certificates.create_certificate(
        call.home, call.vault, call.name, _policy(body, required=True),
        disabled=not attributes.get("enabled", bool, True), tags=body.tags())
    if operation["status"] == "completed":
        operation = {**operation, "status": "inProgress", "target": None}
    return 202, operation_wire(operation)


def get_operation(call):
    return operation_wire(certificates.show_pending(call.home, call.vault, call.name))


def import_certificate(call):
    body = call.body()
    attributes = body.attributes()
    value = body.get("value", str, required=True)
    if "-----BEGIN" in value:
        data = value.encode()
    else:
        import binascii

        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise messages.request_body_invalid("'value' is neither PEM nor base64.") \
                from None
    return certificate_wire(certificates.import_certificate(
        call.home, call.vault, call.name, data, password=body.get("pwd", str),
        policy=_policy(body), disabled=not attributes.get("enabled", bool, True),
        tags=body.tags()))


def get_certificate(call):
    return certificate_wire(certificates.show_certificate(call.home, call.vault, call.name,
                                                          call.version))


def list_certificates(call):
    size, after = call.paging(PAGE_LIMIT)
    include_pending = call.query.get("includePending", "").lower() == "true"
    return call.page(certificates.list_certificates(
        call.home, call.vault, include_pending=include_pending, max_results=size + 1,
        after=after), size, certificate_wire)


def list_versions(call):
    return call.whole_list_page(certificates.list_versions(call.home, call.vault, call.name),
                              PAGE_LIMIT, certificate_wire)


def update_certificate(call):
    body = call.body()
    attributes = body.attributes()
    return certificate_wire(certificates.set_attributes(
        call.home, call.vault, call.name, call.version,
        enabled=attributes.get("enabled", bool), tags=body.tags(), policy=_policy(body)))


def get_policy(call):
    view = certificates.show_certificate(call.home, call.vault, call.name)["policy"]
    return policy_wire(view)


def update_policy(call):
    bundle = certificates.set_attributes(call.home, call.vault, call.name,
                                         policy=policy_from_wire(call.body().document))
    return policy_wire(bundle["policy"])


def delete_certificate(call):
    return certificate_wire(certificates.delete_certificate(call.home, call.vault, call.name))


def list_deleted(call):
    size, after = call.paging(PAGE_LIMIT)
    include_pending = call.query.get("includePending", "").lower() == "true"
    return call.page(certificates.list_deleted_certificates(
        call.home, call.vault, include_pending=include_pending, max_results=size + 1,
        after=after), size, certificate_wire)


def get_deleted(call):
    return certificate_wire(certificates.show_deleted_certificate(call.home, call.vault,
                                                                  call.name))


def recover_certificate(call):
    return certificate_wire(certificates.recover_certificate(call.home, call.vault,
                                                             call.name))


def purge_certificate(call):
    certificates.purge_certificate(call.home, call.vault, call.name)


def backup_certificate(call):
    return {"value": to_base64url(certificates.backup_certificate(call.home, call.vault,
                                                                  call.name))}


def restore_certificate(call):
    return certificate_wire(certificates.restore_certificate(call.home, call.vault,
                                                             call.body().blob()))


def delete_operation(call):
    return operation_wire(certificates.delete_pending(call.home, call.vault, call.name))


def update_operation(call):
    """The SDKs' `cancel_certificate_operation`: Key Vault's one change to an operation."""
    if call.body().get("cancellation_requested", bool, required=True):
        return operation_wire(certificates.cancel_pending(call.home, call.vault, call.name))
    return get_operation(call)


def merge_certificate(call):
    body = call.body()
    attributes = body.attributes()
    enabled = attributes.get("enabled", bool)
    bundle = certificates.merge_certificate(
        call.home, call.vault, call.name, _pem_chain(body.get("x5c", list, required=True)),
        disabled=None if enabled is None else not enabled, tags=body.tags())
    return 201, certificate_wire(bundle)


def set_issuer(call):
    body = call.body()
    credentials = body.get("credentials", dict, {})
    organization = body.get("org_details", dict, {})
    return issuer_wire(certificates.create_issuer(
        call.home, call.vault, call.name, body.get("provider", str, required=True),
        account_id=credentials.get("account_id"), organization_id=organization.get("id"),
        disabled=not body.attributes().get("enabled", bool, True)))


def update_issuer(call):
    body = call.body()
    credentials = body.get("credentials", dict, {})
    organization = body.get("org_details", dict, {})
    return issuer_wire(certificates.update_issuer(
        call.home, call.vault, call.name, provider=body.get("provider", str),
        account_id=credentials.get("account_id"), organization_id=organization.get("id"),
        enabled=body.attributes().get("enabled", bool)))


def get_issuer(call):
    return issuer_wire(certificates.show_issuer(call.home, call.vault, call.name))


def list_issuers(call):
    return call.whole_list_page(certificates.list_issuers(call.home, call.vault), PAGE_LIMIT,
                              dict)


def delete_issuer(call):
    return issuer_wire(certificates.delete_issuer(call.home, call.vault, call.name))


def set_contacts(call):
    contacts = call.body().get("contacts", list, required=True)
    if not all(isinstance(c, dict) and isinstance(c.get("email"), str) for c in contacts):
        raise messages.request_body_invalid("each contact needs an 'email'.")
    return _renamed(certificates.set_contacts(call.home, call.vault, contacts), CONTACT_NAMES)


def get_contacts(call):
    return _renamed(certificates.list_contacts(call.home, call.vault), CONTACT_NAMES)


def delete_contacts(call):
    return _renamed(certificates.delete_contacts(call.home, call.vault), CONTACT_NAMES)


# The first route matching path and method answers: fixed words before `{name}` and
# `{version}` (a certificate cannot be named `contacts`, `issuers` or `restore`).
ROUTES = [
    ("GET", "/certificates/contacts", get_contacts),
    ("PUT", "/certificates/contacts", set_contacts),
    ("DELETE", "/certificates/contacts", delete_contacts),
    ("GET", "/certificates/issuers", list_issuers),
    ("GET", "/certificates/issuers/{name}", get_issuer),
    ("PUT", "/certificates/issuers/{name}", set_issuer),
    ("PATCH", "/certificates/issuers/{name}", update_issuer),
    ("DELETE", "/certificates/issuers/{name}", delete_issuer),
    ("POST", "/certificates/restore", restore_certificate),
    ("GET", "/certificates", list_certificates),
    ("POST", "/certificates/{name}/create", create_certificate),
    ("POST", "/certificates/{name}/import", import_certificate),
    ("GET", "/certificates/{name}/pending", get_operation),
    ("DELETE", "/certificates/{name}/pending", delete_operation),
    ("PATCH", "/certificates/{name}/pending", update_operation),
    ("POST", "/certificates/{name}/pending/merge", merge_certificate),
    ("GET", "/certificates/{name}/versions", list_versions),
    ("GET", "/certificates/{name}/policy", get_policy),
    ("PATCH", "/certificates/{name}/policy", update_policy),
    ("POST", "/certificates/{name}/backup", backup_certificate),
    ("DELETE", "/certificates/{name}", delete_certificate),
    ("GET", "/certificates/{name}", get_certificate),
    ("GET", "/certificates/{name}/", get_certificate),
    ("GET", "/certificates/{name}/{version}", get_certificate),
    ("PATCH", "/certificates/{name}/", update_certificate),
    ("PATCH", "/certificates/{name}/{version}", update_certificate),
    ("GET", "/deletedcertificates", list_deleted),
    ("GET", "/deletedcertificates/{name}", get_deleted),
    ("DELETE", "/deletedcertificates/{name}", purge_certificate),
    ("POST", "/deletedcertificates/{name}/recover", recover_certificate),
]
