"""Certificates: policy, issuance, pending requests, lifetime actions; the rest is shared.

A certificate is one object of the CERTIFICATE kind: its versions hold the DER certificate
(`cer`, None while a request is pending); the record holds the policy and the last
certificate operation. As in Key Vault, each completed version owns a managed key (its key
pair) and a managed secret (certificate and private key) of the same name and version; a
pending version keeps its key pair sealed on the certificate until it is merged. Soft
delete, recover, purge and automatic purge of the three are DataPlaneVault's (OWNED).
X.509 itself is in `x509.py`, imported only by commands that need it.
"""

from __future__ import annotations

import base64
import copy
from datetime import datetime, timedelta
from itertools import islice
from typing import Iterator

from kvcli.core import access, messages
from kvcli.core.clock import home_now
from kvcli.core.ids import new_version
from kvcli.core.objects import CERTIFICATE, KEY, OWNED, SECRET, DataPlaneVault, page
from kvcli.core.tags import object_tags
from kvcli.core.timeutil import data_plane, from_stamp, to_stamp
from kvcli.errors import KvError
from kvcli.store import paths
from kvcli.store.home import Home, ReadOnlyHome

PKCS12 = "application/x-pkcs12"
PEM = "application/x-pem-file"
KEY_TYPES = ("EC", "EC-HSM", "RSA", "RSA-HSM")
RSA_SIZES = (2048, 3072, 4096)
CURVES = ("P-256", "P-256K", "P-384", "P-521")
KEY_USAGES = ("cRLSign", "dataEncipherment", "decipherOnly", "digitalSignature",
              "encipherOnly", "keyAgreement", "keyCertSign", "keyEncipherment",
              "nonRepudiation")
ACTION_TYPES = ("AutoRenew", "EmailContacts")
# Key Vault fills these in when a policy leaves them out (serverAuth, clientAuth).
DEFAULT_EKUS = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]
DEFAULT_KEY_USAGE = ["digitalSignature", "keyEncipherment"]
PENDING_DETAILS = ("Pending certificate created. Please Perform Merge to complete the "
                   "request.")
# A renewal chain is followed at most this far in one read (a clock moved by decades).
MAX_RENEWALS_PER_READ = 100


# --- get-default-policy -----------------------------------------------------------------
def default_policy() -> dict:
    """az's `_default_certificate_profile`, exactly as az 2.91 prints it."""
    return {
        "issuerParameters": {"certificateTransparency": None, "name": "Self"},
        "keyProperties": {"curve": None, "exportable": True, "keySize": 2048,
                          "keyType": "RSA", "reuseKey": True},
        "lifetimeActions": [{"action": {"actionType": "AutoRenew"},
                             "trigger": {"daysBeforeExpiry": 90}}],
        "secretProperties": {"contentType": PKCS12},
        "x509CertificateProperties": {
            "keyUsage": ["cRLSign", "dataEncipherment", "digitalSignature", "keyEncipherment",
                         "keyAgreement", "keyCertSign"],
            "subject": "CN=CLIGetDefaultPolicy", "validityInMonths": 12},
    }


def scaffold_policy() -> dict:
    """az's `_scaffold_certificate_profile`: every field, with hints as values."""
    return {
        "issuerParameters": {"certificateTransparency": None,
                             "certificateType": "(optional) DigiCert, GlobalSign or WoSign",
                             "name": "Unknown, Self, or {IssuerName}"},
        "keyProperties": {"curve": None, "exportable": True, "keySize": 2048,
                          "keyType": "(optional) RSA or RSA-HSM (default RSA)",
                          "reuseKey": True},
        "lifetimeActions": [{"action": {"actionType": "AutoRenew"},
                             "trigger": {"daysBeforeExpiry": 90,
                                         "lifetimePercentage": None}}],
        "secretProperties": {"contentType": "application/x-pkcs12 or application/x-pem-file"},
        "x509CertificateProperties": {
            "ekus": ["1.3.6.1.5.5.7.3.1"],
            "keyUsage": ["cRLSign", "dataEncipherment", "digitalSignature", "keyEncipherment",
                         "keyAgreement", "keyCertSign"],
            "subject": "C=US, ST=WA, L=Redmond, O=Contoso, OU=Contoso HR, CN=www.contoso.com",
            "subjectAlternativeNames": {"dnsNames": ["hr.contoso.com", "m.contoso.com"],
                                        "emails": ["hello@contoso.com"], "upns": []},
            "validityInMonths": 24},
    }


# --- policy -------------------------------------------------------------------------------
def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_keys(value):
    """az reads --policy with `get_json_object`, so snake_case and camelCase both work."""
    if isinstance(value, dict):
        return {_camel(k) if isinstance(k, str) else k: _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _section(policy: dict, name: str) -> dict:
    value = policy.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise messages.certificate_policy_invalid(f"'{name}' must be an object.")
    return value


def _list_of_str(value, what: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise messages.certificate_policy_invalid(f"'{what}' must be a list of strings.")
    return value


def _int(value, what: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise messages.certificate_policy_invalid(
            f"'{what}' must be a whole number from {low} to {high}.")
    return value


def _key_properties(given: dict, base: dict | None) -> dict:
    props = {**(base or {}), **{k: v for k, v in given.items() if v is not None}}
    key_type = props.get("keyType") or "RSA"
    if key_type not in KEY_TYPES:
        raise messages.certificate_policy_invalid(
            f"Key type '{key_type}' is not supported. Allowed: {', '.join(KEY_TYPES)}.")
    curve, size = props.get("curve"), props.get("keySize")
    if key_type.startswith("EC"):
        curve = curve or "P-256"
        if curve not in CURVES:
            raise messages.certificate_policy_invalid(
                f"Curve '{curve}' is not supported. Allowed: {', '.join(CURVES)}.")
        size = {"P-256": 256, "P-256K": 256, "P-384": 384, "P-521": 521}[curve]
    else:
        size = size or 2048
        if size not in RSA_SIZES:
            raise messages.certificate_policy_invalid(
                f"RSA key size {size} is not supported. Allowed: 2048, 3072, 4096.")
        curve = None
    return {"curve": curve, "exportable": bool(props.get("exportable", True)),
            "keySize": size, "keyType": key_type, "reuseKey": bool(props.get("reuseKey"))}


def _x509_properties(given: dict, base: dict | None) -> dict:
    props = {**(base or {}), **{k: v for k, v in given.items() if v is not None}}
    subject = props.get("subject")
    if not isinstance(subject, str) or not subject.strip():
        raise messages.certificate_policy_invalid(
            "The policy needs x509CertificateProperties.subject.")
    usages = _list_of_str(props.get("keyUsage"), "keyUsage")
    for usage in usages or []:
        if usage not in KEY_USAGES:
            raise messages.certificate_policy_invalid(
                f"Key usage '{usage}' is not valid. Allowed: {', '.join(KEY_USAGES)}.")
    ekus = _list_of_str(props.get("ekus"), "ekus")
    for eku in ekus or []:
        if not all(part.isdigit() for part in eku.split(".")) or eku.count(".") < 1:
            raise messages.certificate_policy_invalid(f"EKU '{eku}' is not an object id.")
    sans_given = props.get("subjectAlternativeNames") or {}
    if not isinstance(sans_given, dict):
        raise messages.certificate_policy_invalid("'subjectAlternativeNames' must be an object.")
    sans = {field: _list_of_str(sans_given.get(field), field) or None
            for field in ("dnsNames", "emails", "upns")}
    months = _int(props.get("validityInMonths"), "validityInMonths", 1, 1200) or 12
    from kvcli.core.x509 import parse_subject

    parse_subject(subject)
    return {"ekus": ekus if ekus is not None else list(DEFAULT_EKUS),
            "keyUsage": usages if usages is not None else list(DEFAULT_KEY_USAGE),
            "subject": subject, "subjectAlternativeNames": sans, "validityInMonths": months}


def _lifetime_actions(given, months: int) -> list[dict]:
    if not isinstance(given, list):
        raise messages.certificate_policy_invalid("'lifetimeActions' must be a list.")
    actions = []
    for entry in given:
        if not isinstance(entry, dict):
            raise messages.certificate_policy_invalid("Each lifetime action must be an object.")
        action = entry.get("action") or {}
        trigger = entry.get("trigger") or {}
        action_type = action.get("actionType") if isinstance(action, dict) else None
        if action_type not in ACTION_TYPES:
            raise messages.certificate_policy_invalid(
                f"Lifetime action type '{action_type}' is not valid. Allowed: "
                f"{', '.join(ACTION_TYPES)}.")
        if not isinstance(trigger, dict):
            raise messages.certificate_policy_invalid("'trigger' must be an object.")
        days = _int(trigger.get("daysBeforeExpiry"), "daysBeforeExpiry", 1, months * 27)
        percent = _int(trigger.get("lifetimePercentage"), "lifetimePercentage", 1, 99)
        if (days is None) == (percent is None):
            raise messages.certificate_policy_invalid(
                "A lifetime action trigger needs exactly one of daysBeforeExpiry or "
                "lifetimePercentage.")
        actions.append({"action": {"actionType": action_type},
                        "trigger": {"daysBeforeExpiry": days, "lifetimePercentage": percent}})
    return actions


def normalise_policy(raw: object, base: dict | None = None) -> dict:
    """A policy as Key Vault keeps it: every field present, defaults filled, checked.
    With `base`, the sections given replace or update those of the stored policy."""
    if not isinstance(raw, dict):
        raise messages.certificate_policy_invalid("The policy must be a JSON object.")
    given = _camel_keys(raw)
    base = base or {}
    issuer = {**base.get("issuerParameters", {}),
              **{k: v for k, v in _section(given, "issuerParameters").items() if v is not None}}
    issuer_name = issuer.get("name") or "Unknown"
    if not isinstance(issuer_name, str):
        raise messages.certificate_policy_invalid("issuerParameters.name must be a string.")
    x509_props = _x509_properties(_section(given, "x509CertificateProperties"),
                                  base.get("x509CertificateProperties"))
    secret = {**base.get("secretProperties", {}), **_section(given, "secretProperties")}
    content_type = secret.get("contentType") or PKCS12
    if content_type not in (PKCS12, PEM):
        raise messages.certificate_policy_invalid(
            f"Content type '{content_type}' is not supported. Allowed: {PKCS12}, {PEM}.")
    actions = given.get("lifetimeActions")
    if actions is None:
        actions = base.get("lifetimeActions") or [
            {"action": {"actionType": "AutoRenew" if issuer_name.lower() == "self"
                        else "EmailContacts"},
             "trigger": {"lifetimePercentage": 80}}]
    return {
        "issuerParameters": {"certificateTransparency": issuer.get("certificateTransparency"),
                             "certificateType": issuer.get("certificateType"),
                             "name": "Self" if issuer_name.lower() == "self" else issuer_name},
        "keyProperties": _key_properties(_section(given, "keyProperties"),
                                         base.get("keyProperties")),
        "lifetimeActions": _lifetime_actions(actions, x509_props["validityInMonths"]),
        "secretProperties": {"contentType": content_type},
        "x509CertificateProperties": x509_props,
        "enabled": True,
    }


def parse_policy_text(text: str) -> dict:
    """`--policy` text (already read from `@file`), as az reads it: JSON, or a Python dict
    literal (azure-cli-core's shell_safe_json_parse), then az's own check that it is an
    object (process_certificate_policy)."""
    import ast
    import json

    try:
        policy = json.loads(text)
    except ValueError as json_error:
        try:
            policy = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise KvError(
                f"Failed to parse string as JSON:\n{text}\nError detail: {json_error}",
                recommendations=(
                    "The provided JSON string may have been parsed by the shell. See "
                    "https://docs.microsoft.com/cli/azure/use-cli-effectively"
                    "#use-quotation-marks-in-arguments",)) from None
    if not isinstance(policy, dict):
        raise KvError("incorrect usage: policy should be a JSON encoded string or can use "
                      "@{file} to load from a file(e.g.@my_policy.json).")
    return policy


# --- views ----------------------------------------------------------------------------------
def _attributes(vault: DataPlaneVault, version: dict) -> dict:
    return {
        "created": data_plane(version["created"]),
        "enabled": version["enabled"],
        "expires": data_plane(version["expires"]),
        "notBefore": data_plane(version["notBefore"]),
        "recoveryLevel": vault.recovery_level,
        "updated": data_plane(version["updated"]),
    }


def policy_view(vault: DataPlaneVault, record: dict) -> dict:
    policy = copy.deepcopy(record["policy"])
    enabled = policy.pop("enabled", True)
    policy["attributes"] = {"created": data_plane(record["policyCreated"]),
                            "enabled": enabled, "expires": None, "notBefore": None,
                            "recoveryLevel": None,
                            "updated": data_plane(record["policyUpdated"])}
    policy["id"] = f"{vault.object_id(CERTIFICATE, record['name'])}/policy"
    return policy


def _thumbprints(version: dict) -> tuple[str | None, str | None]:
    """SHA-1 of the DER certificate, as base64 and as upper-case hex (X.509 thumbprints are
    SHA-1 by convention; nothing here relies on its strength)."""
    if version.get("cer") is None:
        return None, None
    import hashlib

    digest = hashlib.sha1(base64.b64decode(version["cer"])).digest()  # noqa: S324
    return base64.b64encode(digest).decode(), digest.hex().upper()


def list_item(vault: DataPlaneVault, record: dict, version: dict, *, versioned: bool) -> dict:
    """`certificate list` / `list-versions` item (az-reference §4.7)."""
    thumb, thumb_hex = _thumbprints(version)
    return {
        "attributes": _attributes(vault, version),
        "id": vault.object_id(CERTIFICATE, record["name"],
                              version["version"] if versioned else None),
        "name": record["name"],
        "subject": "",
        "tags": version["tags"],
        "x509Thumbprint": thumb,
        "x509ThumbprintHex": thumb_hex,
    }


def bundle(vault: DataPlaneVault, record: dict, version: dict) -> dict:
    """`certificate show` / `import` / `set-attributes` / `recover` / `restore` shape."""
    thumb, thumb_hex = _thumbprints(version)
    return {
        "attributes": _attributes(vault, version),
        "cer": version.get("cer"),
        "contentType": record["policy"]["secretProperties"]["contentType"],
        "id": vault.object_id(CERTIFICATE, record["name"], version["version"]),
        "kid": vault.object_id(KEY, record["name"], version["version"]),
        "name": record["name"],
        "policy": policy_view(vault, record),
        "sid": vault.object_id(SECRET, record["name"], version["version"]),
        "tags": version["tags"],
        "x509Thumbprint": thumb,
        "x509ThumbprintHex": thumb_hex,
    }


def deleted_bundle(vault: DataPlaneVault, record: dict) -> dict:
    return {**bundle(vault, record, record["versions"][-1]),
            **vault.deleted_fields(CERTIFICATE, record)}


def deleted_list_item(vault: DataPlaneVault, record: dict) -> dict:
    item = list_item(vault, record, record["versions"][-1], versioned=False)
    del item["subject"]
    return {**item, **vault.deleted_fields(CERTIFICATE, record)}


def operation_view(vault: DataPlaneVault, record: dict) -> dict:
    """The certificate operation az prints for `create` and `pending show|delete`."""
    operation = record["operation"]
    completed = operation["status"] == "completed"
    return {
        "cancellationRequested": operation.get("cancellationRequested", False),
        "csr": operation["csr"],
        "error": None,
        "id": f"{vault.object_id(CERTIFICATE, record['name'])}/pending",
        "issuerParameters": {"certificateTransparency": None,
                             "certificateType": operation.get("certificateType"),
                             "name": operation["issuer"]},
        "name": record["name"],
        "requestId": operation["requestId"],
        "status": operation["status"],
        "statusDetails": None if completed else PENDING_DETAILS,
        "target": vault.object_id(CERTIFICATE, record["name"]) if completed else None,
    }


# --- versions ---------------------------------------------------------------------------
def _completed(record: dict) -> list[dict]:
    return [v for v in record["versions"] if v.get("cer") is not None]


def _version(record: dict, version: str | None, *, show: bool = False) -> dict:
    if not version:
        return record["versions"][-1]
    for candidate in record["versions"]:
        if candidate["version"] == version.lower():
            return candidate
    raise messages.object_not_found(CERTIFICATE, f"{record['name']}/{version}", show=show)


def _private_key(vault: DataPlaneVault, record: dict, version: dict):
    """A version's key pair: kept (sealed) on the certificate only while its request is
    pending; a completed version's key pair lives in its managed key, as in Key Vault."""
    from kvcli.core.x509 import load_private

    if version["private"] is not None:
        return load_private(vault.unseal(CERTIFICATE, record["name"], version["version"],
                                         version["private"]))
    for kind, owned, owned_version in _owned_versions(vault, record["name"],
                                                      version["version"]):
        if kind is KEY:
            return load_private(vault.unseal(KEY, owned["name"], owned_version["version"],
                                             owned_version["private"]))
    raise messages.object_not_found(KEY, record["name"])


def _new_version(vault: DataPlaneVault, name: str, version_id: str, *, cer: bytes | None,
                 private_key, tags: dict, enabled: bool, now: datetime) -> dict:
    from kvcli.core.x509 import private_der, validity

    not_before = expires = None
    if cer is not None:
        not_before, expires = (to_stamp(moment) for moment in validity(cer))
    return {
        "version": version_id,
        "cer": base64.b64encode(cer).decode() if cer is not None else None,
        "private": (vault.seal(CERTIFICATE, name, version_id, private_der(private_key))
                    if cer is None else None),
        "enabled": enabled,
        "created": to_stamp(now),
        "updated": to_stamp(now),
        "expires": expires,
        "notBefore": not_before,
        "tags": tags,
    }


def _write_owned(vault: DataPlaneVault, record: dict, version: dict, private_key) -> None:
    """Give a completed version its managed key and secret (same name and version), as Key
    Vault does: the key holds the key pair, the secret the certificate with its private key
    in the policy's content type."""
    from kvcli.core import keys, secrets, x509

    name = record["name"]
    common = {"tags": version["tags"], "enabled": version["enabled"],
              "created": version["created"], "expires": version["expires"],
              "not_before": version["notBefore"]}
    vault.ensure_owned_names_free(CERTIFICATE, name)
    key = vault.read(KEY, name) or {"name": name, "versions": [], "deleted": None,
                                    "rotationPolicy": None}
    key["versions"].append(keys.managed_version(vault, key["name"], version["version"],
                                                private_key, **common))
    content_type = record["policy"]["secretProperties"]["contentType"]
    exportable = record["policy"]["keyProperties"]["exportable"]
    value = x509.secret_value(content_type, base64.b64decode(version["cer"]),
                              private_key if exportable else None, name)
    secret = vault.read(SECRET, name) or {"name": name, "versions": [], "deleted": None}
    secret["versions"].append(secrets.managed_version(
        vault, secret["name"], version["version"], value, content_type=content_type,
        kid=vault.object_id(KEY, key["name"], version["version"]), **common))
    vault.write(KEY, key)
    vault.write(SECRET, secret)


def _owned_versions(vault: DataPlaneVault, name: str, version_id: str) -> list[tuple]:
    """The managed key and secret versions of one certificate version, with their records."""
    found = []
    for kind in OWNED[CERTIFICATE]:
        record = vault.read(kind, name)
        for version in (record or {}).get("versions", []):
            if version["version"] == version_id and version.get("managed"):
                found.append((kind, record, version))
    return found


def _operation(issuer: str, certificate_type: str | None, status: str,
               csr: bytes | None) -> dict:
    import uuid

    return {"issuer": issuer, "certificateType": certificate_type, "status": status,
            "csr": base64.b64encode(csr).decode() if csr is not None else None,
            "requestId": uuid.uuid4().hex, "cancellationRequested": False}


def _issue(vault: DataPlaneVault, record: dict, now: datetime, *, tags: dict,
           enabled: bool, previous: dict | None) -> dict:
    """One new version under the record's policy: self-signed now, or pending with a CSR."""
    from kvcli.core import x509

    policy = record["policy"]
    name = record["name"]
    version_id = new_version()
    if previous is not None and policy["keyProperties"]["reuseKey"]:
        private_key = _private_key(vault, record, previous)
    else:
        private_key = x509.generate_key(policy["keyProperties"])
    issuer = policy["issuerParameters"]["name"]
    csr = x509.signing_request(policy, private_key)
    if issuer == "Self":
        cer = x509.self_signed(policy, private_key, now)
        record["operation"] = _operation(issuer, None, "completed", csr)
    else:
        cer = None
        record["operation"] = _operation(
            issuer, policy["issuerParameters"]["certificateType"], "inProgress", csr)
    version = _new_version(vault, name, version_id, cer=cer, private_key=private_key,
                           tags=tags, enabled=enabled, now=now)
    record["versions"].append(version)
    if cer is not None:
        _write_owned(vault, record, version, private_key)
    return version


# --- lifetime actions -------------------------------------------------------------------------
def _trigger_time(not_before: datetime, expires: datetime, trigger: dict) -> datetime:
    """When a lifetime action's trigger fires for one certificate version."""
    if trigger["daysBeforeExpiry"] is not None:
        return expires - timedelta(days=trigger["daysBeforeExpiry"])
    return not_before + (expires - not_before) * (trigger["lifetimePercentage"] / 100)


def _renewal_due(record: dict) -> datetime | None:
    """When the AutoRenew action fires for the newest version, if it is self-issued."""
    policy = record["policy"]
    latest = record["versions"][-1]
    if policy["issuerParameters"]["name"] != "Self" or latest.get("cer") is None:
        return None
    for action in policy["lifetimeActions"]:
        if action["action"]["actionType"] == "AutoRenew":
            return _trigger_time(from_stamp(latest["notBefore"]),
                                 from_stamp(latest["expires"]), action["trigger"])
    return None


def _renew_due(vault: DataPlaneVault, record: dict, now: datetime) -> bool:
    """Renew at each trigger point the clock has passed; each renewal is a new version
    made at the moment its trigger fired, as Key Vault would have made it."""
    renewed = False
    for _ in range(MAX_RENEWALS_PER_READ):
        due = _renewal_due(record)
        if due is None or due > now:
            break
        latest = record["versions"][-1]
        _issue(vault, record, max(due, from_stamp(latest["created"])), tags=latest["tags"],
               enabled=latest["enabled"], previous=latest)
        renewed = True
    return renewed


def _renewed(vault: DataPlaneVault, record: dict, *, show: bool = False) -> dict:
    """The certificate after any renewal its lifetime actions have come to (like automatic
    purge, it happens when the certificate is next read)."""
    due = _renewal_due(record)
    if due is None or due > home_now(vault.home):
        return record
    try:
        with vault.home.locked():
            record = vault.active(CERTIFICATE, record["name"], show=show)
            if _renew_due(vault, record, home_now(vault.home)):
                vault.write(CERTIFICATE, record)
    except ReadOnlyHome:
        pass
    return record


def _active(vault: DataPlaneVault, name: str, *, show: bool = False) -> dict:
    return _renewed(vault, vault.active(CERTIFICATE, name, show=show), show=show)


# --- operations ---------------------------------------------------------------------------
def get_default_policy(scaffold: bool = False) -> dict:
    return scaffold_policy() if scaffold else default_policy()


@access.data_operation(CERTIFICATE, "Create")
def create_certificate(home: Home, vault_name: str, name: str, policy: dict, *,
                       disabled: bool = False, tags: dict | None = None,
                       validity: int | None = None) -> dict:
    """Issue a new version (self-signed) or start a pending request; prints the operation."""
    vault = DataPlaneVault(home, vault_name)
    normalised = normalise_policy(policy)
    if validity:  # az applies --validity only when it is not 0
        normalised["x509CertificateProperties"]["validityInMonths"] = validity
        normalised = normalise_policy(normalised)
    tags = object_tags(tags) or {}
    issuer = normalised["issuerParameters"]["name"]
    if issuer not in ("Self", "Unknown"):
        # A named issuer must have been recorded with `certificate issuer create`.
        _find_issuer(vault, issuer)
    with home.locked():
        record = vault.ensure_name_free(CERTIFICATE, name)
        now = home_now(home)
        if record is not None and record["operation"] and \
                record["operation"]["status"] == "inProgress":
            raise messages.certificate_pending_exists(record["name"])
        stamp = to_stamp(now)
        if record is None:
            record = {"name": name, "versions": [], "deleted": None,
                      "policyCreated": stamp, "operation": None}
        record["policy"] = normalised
        record["policyUpdated"] = stamp
        completed = _completed(record)
        _issue(vault, record, now, tags=tags, enabled=not disabled,
               previous=completed[-1] if completed else None)
        vault.write(CERTIFICATE, record)
    return operation_view(vault, record)


@access.data_operation(CERTIFICATE, "Import")
def import_certificate(home: Home, vault_name: str, name: str, data: bytes, *,
                       password: str | None = None, policy: dict | None = None,
                       disabled: bool = False, tags: dict | None = None) -> dict:
    from kvcli.core import x509

    vault = DataPlaneVault(home, vault_name)
    cer, private_key, content_type = x509.load_upload(data, password)
    if private_key is None:
        raise messages.certificate_private_key_missing()
    # The policy Key Vault reads out of the certificate; a given --policy updates it.
    normalised = normalise_policy({"issuerParameters": {"name": "Unknown"},
                                   "keyProperties": x509.key_properties_of(private_key),
                                   "secretProperties": {"contentType": content_type},
                                   "x509CertificateProperties": x509.policy_properties(cer)})
    if policy is not None:
        normalised = normalise_policy(policy, base=normalised)
    tags = object_tags(tags) or {}
    with home.locked():
        record = vault.ensure_name_free(CERTIFICATE, name)
        now = home_now(home)
        stamp = to_stamp(now)
        if record is None:
            record = {"name": name, "versions": [], "deleted": None,
                      "policyCreated": stamp, "operation": None}
        record["policy"] = normalised
        record["policyUpdated"] = stamp
        version = _new_version(vault, record["name"], new_version(), cer=cer,
                               private_key=private_key, tags=tags, enabled=not disabled,
                               now=now)
        record["versions"].append(version)
        _write_owned(vault, record, version, private_key)
        vault.write(CERTIFICATE, record)
    return bundle(vault, record, version)


@access.data_operation(CERTIFICATE, "Get")
def show_certificate(home: Home, vault_name: str, name: str,
                     version: str | None = None) -> dict:
    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name, show=True)
    return bundle(vault, record, _version(record, version, show=True))


@access.data_operation(CERTIFICATE, "List")
def list_certificates(home: Home, vault_name: str, *, include_pending: bool = False,
                      max_results: int | None = None,
                      after: str | None = None) -> Iterator[dict]:
    """At most `max_results` certificates, in name order, after the one named `after`;
    made one at a time as they are read."""
    vault = DataPlaneVault(home, vault_name)
    renewed = (_renewed(vault, stored) for stored in vault.each(CERTIFICATE, after)
               if not stored.get("deleted"))
    listed = (record for record in renewed
              if include_pending or record["versions"][-1].get("cer") is not None)
    for record in islice(listed, max_results):
        yield list_item(vault, record, record["versions"][-1], versioned=False)


@access.data_operation(CERTIFICATE, "ListVersions")
def list_versions(home: Home, vault_name: str, name: str,
                  max_results: int | None = None) -> list[dict]:
    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name)
    items = [list_item(vault, record, v, versioned=True) for v in record["versions"]]
    return page(items, max_results)


@access.data_operation(CERTIFICATE, "Update")
def set_attributes(home: Home, vault_name: str, name: str, version: str | None = None, *,
                   enabled: bool | None = None, tags: dict | None = None,
                   policy: dict | None = None) -> dict:
    vault = DataPlaneVault(home, vault_name)
    tags = object_tags(tags)
    _active(vault, name)
    with home.locked():
        record = vault.active(CERTIFICATE, name)
        chosen = _version(record, version)
        stamp = to_stamp(home_now(home))
        if policy is not None:
            record["policy"] = normalise_policy(policy, base=record["policy"])
            record["policyUpdated"] = stamp
        if enabled is not None:
            chosen["enabled"] = enabled
            # Disabling a certificate version disables its key and secret with it.
            for kind, owned, owned_version in _owned_versions(vault, record["name"],
                                                                chosen["version"]):
                owned_version.update(enabled=enabled, updated=stamp)
                vault.write(kind, owned)
        if tags is not None:
            chosen["tags"] = tags
        chosen["updated"] = stamp
        vault.write(CERTIFICATE, record)
    return bundle(vault, record, chosen)


@access.data_operation(CERTIFICATE, "Delete")
def delete_certificate(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    _active(vault, name)
    return deleted_bundle(vault, vault.soft_delete(CERTIFICATE, name))


@access.data_operation(CERTIFICATE, "ListDeleted")
def list_deleted_certificates(home: Home, vault_name: str, *, include_pending: bool = False,
                              max_results: int | None = None,
                              after: str | None = None) -> Iterator[dict]:
    vault = DataPlaneVault(home, vault_name)
    listed = (record for record in vault.each(CERTIFICATE, after)
              if record.get("deleted") and (include_pending or _completed(record)))
    for record in islice(listed, max_results):
        yield deleted_list_item(vault, record)


@access.data_operation(CERTIFICATE, "GetDeleted")
def show_deleted_certificate(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return deleted_bundle(vault, vault.deleted(CERTIFICATE, name))


@access.data_operation(CERTIFICATE, "Recover")
def recover_certificate(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    record = vault.recover(CERTIFICATE, name)
    return bundle(vault, record, record["versions"][-1])


@access.data_operation(CERTIFICATE, "Purge")
def purge_certificate(home: Home, vault_name: str, name: str) -> None:
    DataPlaneVault(home, vault_name).purge(CERTIFICATE, name)


@access.data_operation(CERTIFICATE, "Get")
def certificate_der(home: Home, vault_name: str, name: str, version: str | None) -> bytes:
    """The public certificate of one version, for `download`."""
    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name)
    chosen = _version(record, version)
    if chosen.get("cer") is None:
        raise messages.object_not_found(CERTIFICATE, record["name"])
    return base64.b64decode(chosen["cer"])


# --- pending requests ---------------------------------------------------------------------------
def _pending_record(vault: DataPlaneVault, name: str) -> dict:
    record = vault.active(CERTIFICATE, name)
    if not record.get("operation"):
        raise messages.certificate_pending_not_found(record["name"])
    return record


@access.data_operation(CERTIFICATE, "GetPending")
def show_pending(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return operation_view(vault, _pending_record(vault, name))


@access.data_operation(CERTIFICATE, "DeletePending")
def delete_pending(home: Home, vault_name: str, name: str) -> dict:
    """Delete the operation; a request still in progress takes its pending version with it
    (and the certificate, when that was its only version)."""
    vault = DataPlaneVault(home, vault_name)
    with home.locked():
        record = _pending_record(vault, name)
        view = operation_view(vault, record)
        if record["operation"]["status"] == "inProgress":
            record["versions"].pop()
        record["operation"] = None
        if record["versions"]:
            vault.write(CERTIFICATE, record)
        else:
            vault.remove(CERTIFICATE, record["name"])
    return view


@access.data_operation(CERTIFICATE, "UpdatePending")
def cancel_pending(home: Home, vault_name: str, name: str) -> dict:
    """Ask the issuer to cancel a request in progress (Key Vault's PATCH of `pending` with
    `cancellation_requested`): the operation keeps its status, as in Key Vault, until
    deleted or merged; a completed operation can no longer be cancelled."""
    vault = DataPlaneVault(home, vault_name)
    with home.locked():
        record = _pending_record(vault, name)
        if record["operation"]["status"] != "inProgress":
            raise messages.certificate_operation_not_cancellable(record["name"])
        record["operation"]["cancellationRequested"] = True
        vault.write(CERTIFICATE, record)
    return operation_view(vault, record)


@access.data_operation(CERTIFICATE, "Merge")
def merge_certificate(home: Home, vault_name: str, name: str, data: bytes, *,
                      disabled: bool | None = None, tags: dict | None = None) -> dict:
    """Complete a pending request with the certificate its issuer signed."""
    from kvcli.core import x509

    vault = DataPlaneVault(home, vault_name)
    cer = x509.load_signed(data)
    tags = object_tags(tags)
    with home.locked():
        record = _pending_record(vault, name)
        if record["operation"]["status"] != "inProgress":
            raise messages.certificate_pending_not_found(record["name"])
        pending = record["versions"][-1]
        private_key = _private_key(vault, record, pending)
        if not x509.same_key(cer, private_key):
            raise messages.certificate_merge_key_mismatch()
        not_before, expires = x509.validity(cer)
        now = to_stamp(home_now(home))
        pending.update({"cer": base64.b64encode(cer).decode(), "notBefore": to_stamp(not_before),
                        "expires": to_stamp(expires), "updated": now})
        if disabled is not None:
            pending["enabled"] = not disabled
        if tags is not None:
            pending["tags"] = tags
        record["operation"]["status"] = "completed"
        pending["private"] = None  # the key pair moves to the managed key
        _write_owned(vault, record, pending, private_key)
        vault.write(CERTIFICATE, record)
    return bundle(vault, record, pending)


# --- issuers and contacts (vault-level metadata) ---------------------------------------------
def _save_vault(vault: DataPlaneVault) -> None:
    vault.home.write(paths.vault_file(vault.home.root, vault.name), vault.record)


def issuer_view(vault: DataPlaneVault, issuer: dict) -> dict:
    """GUESS: the IssuerBundle shape (Key Vault REST 7.x) as az prints it; the password is
    never returned by Key Vault and is not kept by kvcli."""
    return {
        "attributes": {"created": data_plane(issuer["created"]), "enabled": issuer["enabled"],
                       "updated": data_plane(issuer["updated"])},
        "credentials": {"accountId": issuer["accountId"], "password": None},
        "id": f"{vault.uri}/certificates/issuers/{issuer['name']}",
        "organizationDetails": {"adminDetails": [], "id": issuer["organizationId"]},
        "provider": issuer["provider"],
    }


def _issuers(vault: DataPlaneVault) -> dict:
    return vault.record.setdefault("certificateIssuers", {})


def _find_issuer(vault: DataPlaneVault, name: str) -> dict:
    issuer = _issuers(vault).get(name.lower())
    if issuer is None:
        raise messages.certificate_issuer_not_found(name)
    return issuer


@access.data_operation(CERTIFICATE, "SetIssuer", vault_scoped=True)
def create_issuer(home: Home, vault_name: str, name: str, provider: str, *,
                  account_id: str | None = None, organization_id: str | None = None,
                  disabled: bool = False) -> dict:
    if not paths.is_valid("object", name):
        raise messages.object_name_invalid(name)
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        now = to_stamp(home_now(home))
        issuer = {"name": name, "provider": provider, "accountId": account_id,
                  "organizationId": organization_id, "enabled": not disabled,
                  "created": now, "updated": now}
        _issuers(vault)[name.lower()] = issuer
        _save_vault(vault)
    return issuer_view(vault, issuer)


@access.data_operation(CERTIFICATE, "SetIssuer", vault_scoped=True)
def update_issuer(home: Home, vault_name: str, name: str, *, provider: str | None = None,
                  account_id: str | None = None, organization_id: str | None = None,
                  enabled: bool | None = None) -> dict:
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        issuer = _find_issuer(vault, name)
        for field, value in (("provider", provider), ("accountId", account_id),
                             ("organizationId", organization_id), ("enabled", enabled)):
            if value is not None:
                issuer[field] = value
        issuer["updated"] = to_stamp(home_now(home))
        _save_vault(vault)
    return issuer_view(vault, issuer)


@access.data_operation(CERTIFICATE, "GetIssuer", vault_scoped=True)
def show_issuer(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return issuer_view(vault, _find_issuer(vault, name))


@access.data_operation(CERTIFICATE, "ListIssuers")
def list_issuers(home: Home, vault_name: str) -> list[dict]:
    vault = DataPlaneVault(home, vault_name)
    return [{"id": f"{vault.uri}/certificates/issuers/{issuer['name']}",
             "provider": issuer["provider"]}
            for _, issuer in sorted(_issuers(vault).items())]


@access.data_operation(CERTIFICATE, "DeleteIssuer", vault_scoped=True)
def delete_issuer(home: Home, vault_name: str, name: str) -> dict:
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        issuer = _find_issuer(vault, name)
        del _issuers(vault)[name.lower()]
        _save_vault(vault)
    return issuer_view(vault, issuer)


def contacts_view(vault: DataPlaneVault, contacts: list[dict]) -> dict:
    """GUESS: the Contacts shape (Key Vault REST 7.x) as az prints it."""
    return {"contactList": [{"emailAddress": c["email"], "name": c["name"],
                             "phone": c["phone"]} for c in contacts],
            "id": f"{vault.uri}/certificates/contacts"}


@access.data_operation(CERTIFICATE, "SetContacts")
def add_contact(home: Home, vault_name: str, email: str, name: str | None = None,
                phone: str | None = None) -> dict:
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        contacts = vault.record.setdefault("certificateContacts", [])
        if any(c["email"] == email for c in contacts):
            raise KvError(f"contact '{email}' already exists")
        contacts.append({"email": email, "name": name, "phone": phone})
        _save_vault(vault)
    return contacts_view(vault, contacts)


@access.data_operation(CERTIFICATE, "GetContacts")
def list_contacts(home: Home, vault_name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    contacts = vault.record.get("certificateContacts") or []
    if not contacts:
        raise messages.certificate_contacts_not_found()
    return contacts_view(vault, contacts)


@access.data_operation(CERTIFICATE, "SetContacts")
def delete_contact(home: Home, vault_name: str, email: str) -> dict | list:
    """az removes one contact and prints the rest; removing the last prints `[]`."""
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        contacts = vault.record.get("certificateContacts") or []
        remaining = [c for c in contacts if c["email"] != email]
        if len(remaining) == len(contacts):
            raise KvError(f"contact '{email}' not found in vault")
        vault.record["certificateContacts"] = remaining
        _save_vault(vault)
    return contacts_view(vault, remaining) if remaining else []


@access.data_operation(CERTIFICATE, "SetContacts")
def set_contacts(home: Home, vault_name: str, contacts: list[dict]) -> dict:
    """Key Vault's SetCertificateContacts: the whole list at once (the REST face's; az adds
    and removes one at a time)."""
    emails = [c["email"] for c in contacts]
    if len(set(emails)) != len(emails):
        raise messages.certificate_contacts_invalid("an email address is listed twice.")
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        vault.record["certificateContacts"] = [
            {"email": c["email"], "name": c.get("name"), "phone": c.get("phone")}
            for c in contacts]
        _save_vault(vault)
    return contacts_view(vault, vault.record["certificateContacts"])


@access.data_operation(CERTIFICATE, "DeleteContacts")
def delete_contacts(home: Home, vault_name: str) -> dict:
    """Key Vault's DeleteCertificateContacts: every contact; answers with those removed."""
    with home.locked():
        vault = DataPlaneVault(home, vault_name)
        contacts = vault.record.get("certificateContacts") or []
        if not contacts:
            raise messages.certificate_contacts_not_found()
        vault.record["certificateContacts"] = []
        _save_vault(vault)
    return contacts_view(vault, contacts)


# --- backup and restore ---------------------------------------------------------------------
def _opened(vault: DataPlaneVault, kind, record: dict, field: str) -> dict:
    """A record with one sealed field of every version opened, for a backup blob."""
    return {**record, "versions": [
        {**v, field: None if v[field] is None else base64.b64encode(
            vault.unseal(kind, record["name"], v["version"], v[field])).decode()}
        for v in record["versions"]]}


def _sealed(vault: DataPlaneVault, kind, record: dict, field: str) -> dict:
    return {**record, "deleted": None, "versions": [
        {**v, field: None if v[field] is None else vault.seal(
            kind, record["name"], v["version"], base64.b64decode(v[field]))}
        for v in record["versions"]]}


@access.data_operation(CERTIFICATE, "Backup")
def backup_certificate(home: Home, vault_name: str, name: str) -> bytes:
    return backup_object(DataPlaneVault(home, vault_name), name)


def backup_object(vault: DataPlaneVault, name: str) -> bytes:
    """One blob with every version, the policy and the operation, and the managed key and
    secret; key material and secret values only inside the sealed part."""
    from kvcli.core import backup

    record = _active(vault, name)
    payload = {"certificate": _opened(vault, CERTIFICATE, record, "private"), "owned": {}}
    for kind, field in ((KEY, "private"), (SECRET, "value")):
        owned = vault.read(kind, record["name"])
        if owned is not None and owned["versions"][-1].get("managed"):
            payload["owned"][kind.collection] = _opened(vault, kind, owned, field)
    return backup.seal_object(vault.home, kind=CERTIFICATE.noun, name=record["name"],
                              source_vault=vault.name, geography=vault.geography,
                              versions=len(record["versions"]), payload=payload)


@access.data_operation(CERTIFICATE, "Restore")
def restore_certificate(home: Home, vault_name: str, blob: bytes) -> dict:
    return restore_object(DataPlaneVault(home, vault_name), blob)


def restore_object(vault: DataPlaneVault, blob: bytes) -> dict:
    """Recreate the certificate, its managed key and secret, with their versions and ids."""
    from kvcli.core import backup

    _, payload = backup.open_object(vault.home, blob, kind=CERTIFICATE.noun,
                                    target_geography=vault.geography)
    record = _sealed(vault, CERTIFICATE, payload["certificate"], "private")
    owned = {kind: _sealed(vault, kind, payload["owned"][kind.collection], field)
             for kind, field in ((KEY, "private"), (SECRET, "value"))
             if kind.collection in payload["owned"]}
    for version in owned.get(SECRET, {}).get("versions", []):
        # The secret points at its key by id: rewritten to the target vault's address.
        version["kid"] = vault.object_id(KEY, record["name"], version["version"])
    vault.restore(CERTIFICATE, record, owned)
    return bundle(vault, record, record["versions"][-1])
