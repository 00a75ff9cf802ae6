"""`kvcli keyvault certificate` end to end: real X.509 checked with `cryptography` here,
imports, the CSR flow with a CA made in the test, the managed key and secret, lifecycle,
backup/restore and renewal across clock moves."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SPEC = Path("/work/shared/spec/get-default-policy.json")
BUNDLE_KEYS = ["attributes", "cer", "contentType", "id", "kid", "name", "policy", "sid", "tags",
               "x509Thumbprint", "x509ThumbprintHex"]
OPERATION_KEYS = ["cancellationRequested", "csr", "error", "id", "issuerParameters", "name",
                  "requestId", "status", "statusDetails", "target"]
UPN_OID = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def policy(**sections) -> str:
    base = {"issuerParameters": {"name": "Self"},
            "keyProperties": {"keyType": "RSA", "keySize": 2048, "reuseKey": False,
                              "exportable": True},
            "secretProperties": {"contentType": "application/x-pkcs12"},
            "x509CertificateProperties": {"subject": "CN=app.contoso.com",
                                          "validityInMonths": 12}}
    base.update(sections)
    return json.dumps(base)


@pytest.fixture
def cert(kv, vault):
    """A self-signed certificate made from az's own default policy."""
    default = kv("keyvault", "certificate", "get-default-policy").stdout
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c1",
                "-p", default)
    assert result.exit_code == 0, result.stderr
    return kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "c1").json


def load(bundle: dict) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode(bundle["cer"]))


def ca_pair(common_name: str = "Test Root CA"):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
          .public_key(key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(NOW - dt.timedelta(days=1))
          .not_valid_after(NOW + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(key, hashes.SHA256()))
    return key, ca


def leaf_with_key(common_name: str = "imported.contoso.com", key=None):
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    leaf = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), False)
            .sign(key, hashes.SHA256()))
    return key, leaf


# --- get-default-policy ---------------------------------------------------------------------
def test_default_policy_is_az_exact_and_scaffold_is_fully_formed(kv):
    result = kv("keyvault", "certificate", "get-default-policy")
    assert result.exit_code == 0
    assert result.json == json.loads(SPEC.read_text())
    scaffold = kv("keyvault", "certificate", "get-default-policy", "--scaffold").json
    assert scaffold["issuerParameters"]["name"] == "Unknown, Self, or {IssuerName}"
    assert scaffold["x509CertificateProperties"]["subjectAlternativeNames"]["dnsNames"] == [
        "hr.contoso.com", "m.contoso.com"]
    assert scaffold["lifetimeActions"][0]["trigger"] == {"daysBeforeExpiry": 90,
                                                         "lifetimePercentage": None}


# --- create: a real self-signed certificate ------------------------------------------------
def test_create_from_default_policy_prints_the_completed_operation(kv, vault):
    default = kv("keyvault", "certificate", "get-default-policy").stdout
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c1",
                "-p", default)
    assert result.exit_code == 0, result.stderr
    op = result.json
    assert sorted(op) == OPERATION_KEYS
    assert op["status"] == "completed" and op["statusDetails"] is None
    assert op["id"] == "https://vault1.vault.azure.net/certificates/c1/pending"
    assert op["target"] == "https://vault1.vault.azure.net/certificates/c1"
    assert op["issuerParameters"] == {"certificateTransparency": None, "certificateType": None,
                                      "name": "Self"}


def test_self_signed_certificate_is_real_and_matches_the_policy(kv, vault):
    spec = policy(
        keyProperties={"keyType": "RSA", "keySize": 3072, "reuseKey": False,
                       "exportable": True},
        x509CertificateProperties={
            "subject": "CN=www.contoso.com, O=Contoso, C=US",
            "subjectAlternativeNames": {"dnsNames": ["www.contoso.com", "m.contoso.com"],
                                        "emails": ["ops@contoso.com"],
                                        "upns": ["svc@contoso.com"]},
            "keyUsage": ["digitalSignature", "keyEncipherment"],
            "ekus": ["1.3.6.1.5.5.7.3.1"], "validityInMonths": 6})
    assert kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "web",
              "-p", spec).exit_code == 0
    bundle = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "web").json
    assert sorted(bundle) == BUNDLE_KEYS
    certificate = load(bundle)
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "www.contoso.com"
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == \
        "Contoso"
    assert certificate.issuer == certificate.subject
    sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["www.contoso.com", "m.contoso.com"]
    assert sans.get_values_for_type(x509.RFC822Name) == ["ops@contoso.com"]
    upn = [o for o in sans.get_values_for_type(x509.OtherName) if o.type_id == UPN_OID]
    assert upn and upn[0].value.endswith(b"svc@contoso.com")
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.key_encipherment and not usage.key_cert_sign
    ekus = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(ekus) == [ExtendedKeyUsageOID.SERVER_AUTH]
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 3072
    assert certificate.not_valid_before_utc == NOW
    assert certificate.not_valid_after_utc == NOW.replace(month=7)
    # The signature is its own: verify it with its own public key.
    key.verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(),
               certificate.signature_hash_algorithm)
    der = base64.b64decode(bundle["cer"])
    assert bundle["x509ThumbprintHex"] == hashlib.sha1(der).hexdigest().upper()
    assert base64.b64decode(bundle["x509Thumbprint"]) == hashlib.sha1(der).digest()
    assert bundle["attributes"] == {
        "created": "2026-01-01T00:00:00+00:00", "enabled": True,
        "expires": "2026-07-01T00:00:00+00:00", "notBefore": "2026-01-01T00:00:00+00:00",
        "recoveryLevel": "Recoverable+Purgeable", "updated": "2026-01-01T00:00:00+00:00"}
    version = bundle["id"].rsplit("/", 1)[1]
    assert bundle["kid"] == f"https://vault1.vault.azure.net/keys/web/{version}"
    assert bundle["sid"] == f"https://vault1.vault.azure.net/secrets/web/{version}"
    shown = bundle["policy"]
    assert shown["id"] == "https://vault1.vault.azure.net/certificates/web/policy"
    assert shown["keyProperties"] == {"curve": None, "exportable": True, "keySize": 3072,
                                      "keyType": "RSA", "reuseKey": False}
    assert shown["x509CertificateProperties"]["validityInMonths"] == 6


def test_ec_key_and_validity_override(kv, vault):
    spec = policy(keyProperties={"keyType": "EC", "curve": "P-384"})
    assert kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "ec1",
              "-p", spec, "--validity", "3").exit_code == 0
    bundle = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "ec1").json
    certificate = load(bundle)
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
    assert certificate.public_key().curve.name == "secp384r1"
    assert certificate.not_valid_after_utc == NOW.replace(month=4)
    assert bundle["policy"]["keyProperties"]["curve"] == "P-384"


def test_policy_from_file_and_snake_case(kv, vault, tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"issuer_parameters": {"name": "Self"},
                                "x509_certificate_properties": {"subject": "CN=snake",
                                                                "validity_in_months": 2}}))
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "s",
                "-p", f"@{path}")
    assert result.exit_code == 0, result.stderr
    bundle = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "s").json
    assert bundle["policy"]["x509CertificateProperties"]["validityInMonths"] == 2
    assert load(bundle).subject.rfc4514_string() == "CN=snake"


def test_policy_text_errors_are_azs(kv, vault):
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c",
                "-p", "{not json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ERROR: Failed to parse string as JSON:", "{not json",
        "Error detail: Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1)",
        "The provided JSON string may have been parsed by the shell. See "
        "https://docs.microsoft.com/cli/azure/use-cli-effectively"
        "#use-quotation-marks-in-arguments"]
    listed = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c",
                "-p", "[1, 2]")
    assert listed.stderr == ("ERROR: incorrect usage: policy should be a JSON encoded string "
                             "or can use @{file} to load from a file(e.g.@my_policy.json).\n")
    # A Python dict literal is accepted, as az's shell_safe_json_parse accepts it.
    literal = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c",
                 "-p", "{'issuerParameters': {'name': 'Self'}, "
                       "'x509CertificateProperties': {'subject': 'CN=py'}}")
    assert literal.exit_code == 0, literal.stderr


@pytest.mark.parametrize("text, fragment", [
    ('{"x509CertificateProperties": {}}', "needs x509CertificateProperties.subject"),
    (policy(keyProperties={"keyType": "RSA", "keySize": 1024}), "RSA key size 1024"),
    (policy(keyProperties={"keyType": "EC", "curve": "P-999"}), "Curve 'P-999'"),
    (policy(x509CertificateProperties={"subject": "not a dn"}), "not a valid X.500"),
    (policy(x509CertificateProperties={"subject": "CN=x", "keyUsage": ["everything"]}),
     "Key usage 'everything'"),
    (policy(secretProperties={"contentType": "text/plain"}), "Content type 'text/plain'"),
])
def test_bad_policies_are_refused_and_nothing_is_stored(kv, vault, text, fragment):
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "bad",
                "-p", text)
    assert result.exit_code == 1
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert kv("keyvault", "certificate", "show", "--vault-name", vault,
              "-n", "bad").exit_code == 3


def test_missing_policy_is_a_usage_error(kv, vault):
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c")
    assert result.exit_code == 2
    assert "the following arguments are required: --policy/-p" in result.stderr


# --- show / list / errors --------------------------------------------------------------------
def test_show_missing_is_exit_3_and_delete_missing_exit_1(kv, vault):
    result = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "nosuch")
    assert result.exit_code == 3
    assert result.stderr.startswith("ERROR: (CertificateNotFound) A certificate with "
                                    "(name/id) nosuch was not found in this key vault.")
    assert kv("keyvault", "certificate", "delete", "--vault-name", vault,
              "-n", "nosuch").exit_code == 1


def test_list_and_versions_shapes(kv, vault, cert):
    items = kv("keyvault", "certificate", "list", "--vault-name", vault).json
    assert items == [{"attributes": cert["attributes"],
                      "id": "https://vault1.vault.azure.net/certificates/c1", "name": "c1",
                      "subject": "", "tags": {}, "x509Thumbprint": cert["x509Thumbprint"],
                      "x509ThumbprintHex": cert["x509ThumbprintHex"]}]
    versions = kv("keyvault", "certificate", "list-versions", "--vault-name", vault,
                  "-n", "c1").json
    assert [v["id"] for v in versions] == [cert["id"]]


def test_set_attributes_disables_the_certificate_its_key_and_secret(kv, vault, cert):
    result = kv("keyvault", "certificate", "set-attributes", "--vault-name", vault, "-n", "c1",
                "--enabled", "false", "--tags", "env=test")
    assert result.exit_code == 0, result.stderr
    assert result.json["attributes"]["enabled"] is False
    assert result.json["tags"] == {"env": "test"}
    key = kv("keyvault", "key", "show", "--vault-name", vault, "-n", "c1").json
    assert key["attributes"]["enabled"] is False
    secret = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "c1")
    assert "(Forbidden) Operation get is not allowed on a disabled secret." in secret.stderr


def test_set_attributes_updates_the_policy(kv, vault, cert):
    result = kv("keyvault", "certificate", "set-attributes", "--vault-name", vault, "-n", "c1",
                "--policy", json.dumps({"lifetimeActions": [
                    {"action": {"actionType": "EmailContacts"},
                     "trigger": {"lifetimePercentage": 50}}]}))
    assert result.exit_code == 0, result.stderr
    assert result.json["policy"]["lifetimeActions"] == [
        {"action": {"actionType": "EmailContacts"},
         "trigger": {"daysBeforeExpiry": None, "lifetimePercentage": 50}}]
    assert result.json["policy"]["x509CertificateProperties"]["subject"] == \
        "CN=CLIGetDefaultPolicy"


# --- download ---------------------------------------------------------------------------------
def test_download_pem_and_der_are_the_public_certificate(kv, vault, cert, tmp_path):
    pem, der = tmp_path / "c.pem", tmp_path / "c.der"
    assert kv("keyvault", "certificate", "download", "--vault-name", vault, "-n", "c1",
              "-f", str(pem)).exit_code == 0
    assert kv("keyvault", "certificate", "download", "--vault-name", vault, "-n", "c1",
              "-f", str(der), "-e", "DER").exit_code == 0
    assert der.read_bytes() == base64.b64decode(cert["cer"])
    assert x509.load_pem_x509_certificate(pem.read_bytes()) == load(cert)
    assert b"PRIVATE" not in pem.read_bytes()
    again = kv("keyvault", "certificate", "download", "--vault-name", vault, "-n", "c1",
               "-f", str(pem))
    assert again.exit_code == 1
    assert f"File or directory named '{pem}' already exists." in again.stderr


# --- import -----------------------------------------------------------------------------------
@pytest.mark.parametrize("password", [None, "p@ss w0rd"])
def test_import_pfx_round_trip(kv, vault, tmp_path, password):
    key, leaf = leaf_with_key()
    encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    path = tmp_path / "in.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"x", key, leaf, None, encryption))
    args = ["keyvault", "certificate", "import", "--vault-name", vault, "-n", "imp",
            "-f", str(path)] + (["--password", password] if password else [])
    result = kv(*args)
    assert result.exit_code == 0, result.stderr
    bundle = result.json
    assert base64.b64decode(bundle["cer"]) == leaf.public_bytes(serialization.Encoding.DER)
    assert bundle["contentType"] == "application/x-pkcs12"
    assert bundle["policy"]["issuerParameters"]["name"] == "Unknown"
    assert bundle["policy"]["x509CertificateProperties"]["subjectAlternativeNames"][
        "dnsNames"] == ["imported.contoso.com"]
    # The managed secret gives the same key and certificate back (PKCS#12, no password).
    value = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "imp").json["value"]
    got_key, got_cert, _ = pkcs12.load_key_and_certificates(base64.b64decode(value), None)
    assert got_cert == leaf
    assert got_key.private_numbers() == key.private_numbers()


def test_import_pfx_with_a_wrong_password_is_refused(kv, vault, tmp_path):
    key, leaf = leaf_with_key()
    path = tmp_path / "in.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", key, leaf, None, serialization.BestAvailableEncryption(b"right")))
    result = kv("keyvault", "certificate", "import", "--vault-name", vault, "-n", "imp",
                "-f", str(path), "--password", "wrong")
    assert result.exit_code == 1
    assert "(BadParameter)" in result.stderr and "PKCS#12" in result.stderr


def test_import_pem_round_trip_and_pem_secret(kv, vault, tmp_path):
    key, leaf = leaf_with_key("pem.contoso.com", ec.generate_private_key(ec.SECP256R1()))
    path = tmp_path / "in.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption())
                     + leaf.public_bytes(serialization.Encoding.PEM))
    result = kv("keyvault", "certificate", "import", "--vault-name", vault, "-n", "pem",
                "-f", str(path), "--disabled", "--tags", "a=b")
    assert result.exit_code == 0, result.stderr
    bundle = result.json
    assert load(bundle) == leaf
    assert bundle["contentType"] == "application/x-pem-file"
    assert bundle["attributes"]["enabled"] is False and bundle["tags"] == {"a": "b"}
    assert bundle["policy"]["keyProperties"]["keyType"] == "EC"
    assert bundle["attributes"]["expires"] == "2027-01-01T00:00:00+00:00"
    kv("keyvault", "certificate", "set-attributes", "--vault-name", vault, "-n", "pem",
       "--enabled", "true")
    secret = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "pem").json
    assert secret["contentType"] == "application/x-pem-file"
    pem_key = serialization.load_pem_private_key(secret["value"].encode(), None)
    assert pem_key.private_numbers() == key.private_numbers()
    assert x509.load_pem_x509_certificate(secret["value"].encode()) == leaf


def test_import_pem_without_private_key_is_refused(kv, vault, tmp_path):
    _, leaf = leaf_with_key()
    path = tmp_path / "cert.pem"
    path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    result = kv("keyvault", "certificate", "import", "--vault-name", vault, "-n", "nokey",
                "-f", str(path))
    assert result.exit_code == 1
    assert "Private key is not specified" in result.stderr
    missing = kv("keyvault", "certificate", "import", "--vault-name", vault, "-n", "x",
                 "-f", str(tmp_path / "nope.pem"))
    assert (missing.exit_code, missing.stderr) == (
        1, f"ERROR: Unable to load certificate file '{tmp_path / 'nope.pem'}': No such file "
           "or directory.\n")


# --- managed key and secret ----------------------------------------------------------------
def test_managed_key_signs_and_certificate_verifies(kv, vault, cert):
    digest = hashlib.sha256(b"hello").digest()
    signed = kv("keyvault", "key", "sign", "--vault-name", vault, "-n", "c1", "-a", "RS256",
                "--digest", base64.b64encode(digest).decode())
    assert signed.exit_code == 0, signed.stderr
    assert signed.json["keyId"] == cert["kid"]
    load(cert).public_key().verify(base64.b64decode(signed.json["signature"]), b"hello",
                                   padding.PKCS1v15(), hashes.SHA256())


def test_managed_secret_is_the_pkcs12_with_the_private_key(kv, vault, cert):
    secret = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "c1").json
    assert secret["managed"] is True and secret["kid"] == cert["kid"]
    assert secret["id"] == cert["sid"]
    key, certificate, _ = pkcs12.load_key_and_certificates(base64.b64decode(secret["value"]),
                                                           None)
    assert certificate == load(cert)
    assert key.public_key().public_numbers() == certificate.public_key().public_numbers()


def test_managed_objects_are_hidden_and_cannot_be_changed_alone(kv, vault, cert):
    assert kv("keyvault", "secret", "list", "--vault-name", vault).json == []
    assert kv("keyvault", "key", "list", "--vault-name", vault).json == []
    listed = kv("keyvault", "secret", "list", "--vault-name", vault, "--include-managed").json
    assert [(s["name"], s["managed"]) for s in listed] == [("c1", True)]
    keys = kv("keyvault", "key", "list", "--vault-name", vault, "--include-managed", "true").json
    assert [(k["name"], k["managed"]) for k in keys] == [("c1", True)]
    refused = [
        (("secret", "set", "--value", "x"), "set", "SecretManagedByKeyVault"),
        (("secret", "delete"), "delete", "SecretManagedByKeyVault"),
        (("secret", "set-attributes", "--enabled", "false"), "update",
         "SecretManagedByKeyVault"),
        (("key", "delete"), "delete", "KeyManagedByKeyVault"),
        (("key", "rotate"), "rotate", "KeyManagedByKeyVault"),
        (("key", "create"), "set", "KeyManagedByKeyVault"),
    ]
    for words, operation, inner in refused:
        result = kv("keyvault", *words, "--vault-name", vault, "-n", "c1")
        assert result.exit_code == 1, words
        assert f'(Forbidden) Operation "{operation}" is not allowed as this object\'s ' \
            "lifetime is managed by Key Vault." in result.stderr
        assert f'"code": "{inner}"' in result.stderr


def test_a_plain_secret_name_is_not_free_for_a_certificate(kv, vault):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "taken", "--value", "v")
    result = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "taken",
                "-p", policy())
    assert result.exit_code == 1 and "(Conflict)" in result.stderr
    assert kv("keyvault", "certificate", "show", "--vault-name", vault,
              "-n", "taken").exit_code == 3


# --- pending requests and the CSR flow ------------------------------------------------------
def test_csr_flow_end_to_end_with_a_ca_made_here(kv, vault, tmp_path):
    spec = policy(issuerParameters={"name": "Unknown"},
                  x509CertificateProperties={"subject": "CN=intranet.contoso.com",
                                             "subjectAlternativeNames": {
                                                 "dnsNames": ["intranet.contoso.com"]}})
    created = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "csr1",
                 "-p", spec)
    assert created.exit_code == 0, created.stderr
    assert created.json["status"] == "inProgress" and created.json["target"] is None
    assert kv("keyvault", "certificate", "list", "--vault-name", vault).json == []
    pending_list = kv("keyvault", "certificate", "list", "--vault-name", vault,
                      "--include-pending").json
    assert [(c["name"], c["x509Thumbprint"]) for c in pending_list] == [("csr1", None)]
    shown = kv("keyvault", "certificate", "pending", "show", "--vault-name", vault,
               "-n", "csr1").json
    assert shown["requestId"] == created.json["requestId"]
    request = x509.load_der_x509_csr(base64.b64decode(shown["csr"]))
    assert request.is_signature_valid
    assert request.subject.rfc4514_string() == "CN=intranet.contoso.com"
    assert request.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == [
        "intranet.contoso.com"]
    # No managed key or secret before the request completes; the name is not free either.
    assert kv("keyvault", "key", "show", "--vault-name", vault, "-n", "csr1").exit_code == 3
    assert kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "csr1",
              "--value", "x").exit_code == 1

    ca_key, ca = ca_pair()
    signed = (x509.CertificateBuilder().subject_name(request.subject).issuer_name(ca.subject)
              .public_key(request.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=90))
              .add_extension(request.extensions.get_extension_for_class(
                  x509.SubjectAlternativeName).value, False)
              .sign(ca_key, hashes.SHA256()))
    # A certificate for another key is refused.
    _, stranger = leaf_with_key("intranet.contoso.com")
    wrong = tmp_path / "wrong.pem"
    wrong.write_bytes(stranger.public_bytes(serialization.Encoding.PEM))
    refused = kv("keyvault", "certificate", "pending", "merge", "--vault-name", vault,
                 "-n", "csr1", "--file", str(wrong))
    assert refused.exit_code == 1 and "doesn't match" in refused.stderr

    chain = tmp_path / "signed.pem"
    chain.write_bytes(signed.public_bytes(serialization.Encoding.PEM)
                      + ca.public_bytes(serialization.Encoding.PEM))
    merged = kv("keyvault", "certificate", "pending", "merge", "--vault-name", vault,
                "-n", "csr1", "--file", str(chain))
    assert merged.exit_code == 0, merged.stderr
    final = load(merged.json)
    assert final == signed and final.issuer == ca.subject
    ca.public_key().verify(final.signature, final.tbs_certificate_bytes,
                           ec.ECDSA(hashes.SHA256()))
    assert merged.json["attributes"]["expires"] == "2026-04-01T00:00:00+00:00"
    done = kv("keyvault", "certificate", "pending", "show", "--vault-name", vault,
              "-n", "csr1").json
    assert done["status"] == "completed"
    # Now the managed key is the request's key.
    key = kv("keyvault", "key", "show", "--vault-name", vault, "-n", "csr1").json
    assert key["managed"] is True
    assert base64.b64decode(key["key"]["n"]) == request.public_key().public_numbers().n \
        .to_bytes(256, "big")
    again = kv("keyvault", "certificate", "pending", "merge", "--vault-name", vault,
               "-n", "csr1", "--file", str(chain))
    assert again.exit_code == 1 and "(PendingCertificateNotFound)" in again.stderr


def test_pending_delete_cancels_the_request(kv, vault):
    unknown = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "p1",
                 "-p", policy(issuerParameters={"name": "MyCA"}))
    assert unknown.exit_code == 1 and "Issuer not found: MyCA" in unknown.stderr
    kv("keyvault", "certificate", "issuer", "create", "--vault-name", vault,
       "--issuer-name", "MyCA", "--provider-name", "Test")
    created = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "p1",
                 "-p", policy(issuerParameters={"name": "MyCA"}))
    assert created.json["issuerParameters"]["name"] == "MyCA"
    deleted = kv("keyvault", "certificate", "pending", "delete", "--vault-name", vault,
                 "-n", "p1")
    assert deleted.exit_code == 0 and deleted.json["status"] == "inProgress"
    assert kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "p1").exit_code == 3
    missing = kv("keyvault", "certificate", "pending", "show", "--vault-name", vault, "-n", "p1")
    assert missing.exit_code == 1


def test_a_second_create_while_pending_is_refused(kv, vault):
    spec = policy(issuerParameters={"name": "Unknown"})
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "p2", "-p", spec)
    again = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "p2", "-p", spec)
    assert again.exit_code == 1 and "(Conflict)" in again.stderr


# --- lifecycle of the trio --------------------------------------------------------------------
def test_soft_delete_recover_purge_move_the_key_and_secret_too(kv, vault, cert):
    deleted = kv("keyvault", "certificate", "delete", "--vault-name", vault, "-n", "c1")
    assert deleted.exit_code == 0
    assert "this certificate will be moved to the soft deleted state" in deleted.stderr
    assert deleted.json["recoveryId"] == "https://vault1.vault.azure.net/deletedcertificates/c1"
    assert deleted.json["scheduledPurgeDate"] == "2026-04-01T00:00:00+00:00"
    for kind in ("key", "secret"):
        assert kv("keyvault", kind, "show", "--vault-name", vault, "-n", "c1").exit_code == 3
        shown = kv("keyvault", kind, "show-deleted", "--vault-name", vault, "-n", "c1")
        assert shown.exit_code == 0 and shown.json["scheduledPurgeDate"] == \
            deleted.json["scheduledPurgeDate"]
        assert kv("keyvault", kind, "list-deleted", "--vault-name", vault).json == []
        alone = kv("keyvault", kind, "recover", "--vault-name", vault, "-n", "c1")
        assert alone.exit_code == 1 and "managed by Key Vault" in alone.stderr
    listed = kv("keyvault", "certificate", "list-deleted", "--vault-name", vault).json
    assert [c["name"] for c in listed] == ["c1"] and "subject" not in listed[0]
    reuse = kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c1",
               "-p", policy())
    assert reuse.exit_code == 1 and "currently in a deleted but recoverable state" in reuse.stderr
    recovered = kv("keyvault", "certificate", "recover", "--vault-name", vault, "-n", "c1")
    assert recovered.exit_code == 0 and recovered.json["id"] == cert["id"]
    assert kv("keyvault", "key", "show", "--vault-name", vault, "-n", "c1").exit_code == 0
    assert kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "c1").exit_code == 0

    kv("keyvault", "certificate", "delete", "--vault-name", vault, "-n", "c1")
    assert kv("keyvault", "certificate", "purge", "--vault-name", vault, "-n", "c1").stdout == ""
    for kind in ("certificate", "key", "secret"):
        gone = kv("keyvault", kind, "show-deleted", "--vault-name", vault, "-n", "c1")
        assert gone.exit_code == 1
    # The names are free again: a plain secret may take it.
    assert kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "c1",
              "--value", "v").exit_code == 0


def test_purge_protection_covers_the_certificate(kv, rg):
    kv("keyvault", "create", "-n", "guarded", "-g", rg, "--enable-purge-protection", "true")
    kv("keyvault", "certificate", "create", "--vault-name", "guarded", "-n", "c",
       "-p", policy())
    kv("keyvault", "certificate", "delete", "--vault-name", "guarded", "-n", "c")
    result = kv("keyvault", "certificate", "purge", "--vault-name", "guarded", "-n", "c")
    assert result.exit_code == 1 and "purge protection is enabled" in result.stderr


def test_backup_restore_carries_the_trio_into_another_vault(kv, rg, vault, cert, tmp_path):
    blob = tmp_path / "c1.blob"
    assert kv("keyvault", "certificate", "backup", "--vault-name", vault, "-n", "c1",
              "-f", str(blob)).exit_code == 0
    assert b"PRIVATE" not in blob.read_bytes() and cert["cer"].encode() not in blob.read_bytes()
    conflict = kv("keyvault", "certificate", "restore", "--vault-name", vault, "-f", str(blob))
    assert conflict.exit_code == 1 and "(Conflict)" in conflict.stderr
    kv("keyvault", "create", "-n", "vault2", "-g", rg)
    restored = kv("keyvault", "certificate", "restore", "--vault-name", "vault2",
                  "-f", str(blob))
    assert restored.exit_code == 0, restored.stderr
    version = cert["id"].rsplit("/", 1)[1]
    assert restored.json["id"] == f"https://vault2.vault.azure.net/certificates/c1/{version}"
    assert restored.json["cer"] == cert["cer"]
    secret = kv("keyvault", "secret", "show", "--vault-name", "vault2", "-n", "c1").json
    assert secret["managed"] is True
    assert secret["kid"] == f"https://vault2.vault.azure.net/keys/c1/{version}"
    _, certificate, _ = pkcs12.load_key_and_certificates(base64.b64decode(secret["value"]), None)
    assert certificate == load(cert)
    wrong_kind = kv("keyvault", "secret", "restore", "--vault-name", "vault2", "-f", str(blob))
    assert wrong_kind.exit_code == 1


# --- lifetime actions ----------------------------------------------------------------------------
def renewing_policy(trigger: dict, reuse: bool) -> str:
    return policy(keyProperties={"keyType": "RSA", "keySize": 2048, "reuseKey": reuse},
                  lifetimeActions=[{"action": {"actionType": "AutoRenew"},
                                    "trigger": trigger}])


def versions_of(kv, vault, name):
    return kv("keyvault", "certificate", "list-versions", "--vault-name", vault,
              "-n", name).json


def test_auto_renew_days_before_expiry_follows_the_clock(kv, vault):
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "r1",
       "-p", renewing_policy({"daysBeforeExpiry": 30}, reuse=True))
    first = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "r1").json
    kv("clock", "advance", "--days", "334")  # one day before the trigger (2026-12-02)
    assert len(versions_of(kv, vault, "r1")) == 1
    kv("clock", "advance", "--days", "2")
    renewed = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "r1").json
    assert renewed["id"] != first["id"]
    new = load(renewed)
    assert new.not_valid_before_utc == dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)
    assert new.not_valid_after_utc == dt.datetime(2027, 12, 2, tzinfo=dt.timezone.utc)
    # reuseKey: the same key pair, and the managed key gained the same version.
    assert new.public_key().public_numbers() == load(first).public_key().public_numbers()
    key = kv("keyvault", "key", "show", "--vault-name", vault, "-n", "r1").json
    assert key["key"]["kid"] == renewed["kid"]
    assert len(versions_of(kv, vault, "r1")) == 2


def test_auto_renew_by_lifetime_percentage_chains_across_a_long_jump(kv, vault):
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "r2",
       "-p", renewing_policy({"lifetimePercentage": 50}, reuse=False))
    first = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "r2").json
    kv("clock", "advance", "--days", "400")  # past 50% of the first and of the second
    items = kv("keyvault", "certificate", "list", "--vault-name", vault).json
    assert len(items) == 1
    versions = versions_of(kv, vault, "r2")
    assert len(versions) == 3
    latest = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "r2").json
    assert load(latest).public_key().public_numbers() != \
        load(first).public_key().public_numbers()


def test_email_contacts_and_non_self_issuers_do_not_renew(kv, vault):
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "e1",
       "-p", policy(lifetimeActions=[{"action": {"actionType": "EmailContacts"},
                                      "trigger": {"daysBeforeExpiry": 30}}]))
    kv("clock", "advance", "--days", "360")
    assert len(versions_of(kv, vault, "e1")) == 1


# --- issuers and contacts ---------------------------------------------------------------------
def test_issuers_are_metadata(kv, vault):
    created = kv("keyvault", "certificate", "issuer", "create", "--vault-name", vault,
                 "--issuer-name", "MyIssuer", "--provider-name", "Test",
                 "--account-id", "acct", "--password", "hunter2")
    assert created.exit_code == 0, created.stderr
    assert created.json["provider"] == "Test"
    assert created.json["credentials"] == {"accountId": "acct", "password": None}
    assert created.json["id"] == "https://vault1.vault.azure.net/certificates/issuers/MyIssuer"
    updated = kv("keyvault", "certificate", "issuer", "update", "--vault-name", vault,
                 "--issuer-name", "MyIssuer", "--enabled", "false").json
    assert updated["attributes"]["enabled"] is False
    assert kv("keyvault", "certificate", "issuer", "list", "--vault-name", vault).json == [
        {"id": created.json["id"], "provider": "Test"}]
    assert kv("keyvault", "certificate", "issuer", "delete", "--vault-name", vault,
              "--issuer-name", "MyIssuer").exit_code == 0
    missing = kv("keyvault", "certificate", "issuer", "show", "--vault-name", vault,
                 "--issuer-name", "MyIssuer")
    assert missing.exit_code == 1 and "Issuer not found" in missing.stderr


def test_contacts_add_list_delete(kv, vault):
    assert kv("keyvault", "certificate", "contact", "list", "--vault-name", vault).exit_code == 1
    added = kv("keyvault", "certificate", "contact", "add", "--vault-name", vault,
               "--email", "a@contoso.com", "--name", "A")
    assert added.json == {"contactList": [{"emailAddress": "a@contoso.com", "name": "A",
                                           "phone": None}],
                          "id": "https://vault1.vault.azure.net/certificates/contacts"}
    dup = kv("keyvault", "certificate", "contact", "add", "--vault-name", vault,
             "--email", "a@contoso.com")
    assert dup.exit_code == 1 and "contact 'a@contoso.com' already exists" in dup.stderr
    kv("keyvault", "certificate", "contact", "add", "--vault-name", vault, "--email", "b@c.d")
    left = kv("keyvault", "certificate", "contact", "delete", "--vault-name", vault,
              "--email", "a@contoso.com").json
    assert [c["emailAddress"] for c in left["contactList"]] == ["b@c.d"]
    last = kv("keyvault", "certificate", "contact", "delete", "--vault-name", vault,
              "--email", "b@c.d")
    assert last.json == []
    gone = kv("keyvault", "certificate", "contact", "delete", "--vault-name", vault,
              "--email", "b@c.d")
    assert gone.exit_code == 1 and "contact 'b@c.d' not found in vault" in gone.stderr


def test_get_default_policy_does_not_import_cryptography():
    """Start-up stays light: cryptography is imported by commands that make certificates."""
    import subprocess
    import sys

    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys; from kvcli.cli.app import main\n"
         "try:\n    main(['keyvault','certificate','get-default-policy','-o','none'])\n"
         "except SystemExit: pass\n"
         "print('cryptography' in sys.modules)"],
        capture_output=True, text=True)
    assert probe.stdout.strip() == "False", probe.stderr


def test_key_material_is_sealed_at_rest_and_kept_once(kv, vault, cert, home):
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "wait",
       "-p", policy(issuerParameters={"name": "Unknown"}))
    secret_value = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "c1").json[
        "value"]
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"PRIVATE KEY" not in data and secret_value.encode() not in data, path
    stored = json.loads((home / "vaults" / "vault1" / "certificates" / "c1.json").read_text())
    assert stored["versions"][-1]["private"] is None  # the managed key holds it
    pending = json.loads((home / "vaults" / "vault1" / "certificates" / "wait.json").read_text())
    assert set(pending["versions"][-1]["private"]) == {"nonce", "data"}


def test_import_with_a_policy_keeps_what_the_certificate_says(kv, vault, tmp_path):
    key, leaf = leaf_with_key("given.contoso.com")
    path = tmp_path / "in.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"x", key, leaf, None,
                                                           serialization.NoEncryption()))
    result = kv("keyvault", "certificate", "import", "--vault-name", vault, "-n", "withp",
                "-f", str(path), "--policy", json.dumps({"lifetimeActions": [
                    {"action": {"actionType": "EmailContacts"},
                     "trigger": {"daysBeforeExpiry": 10}}]}))
    assert result.exit_code == 0, result.stderr
    shown = result.json["policy"]
    assert shown["x509CertificateProperties"]["subject"] == "CN=given.contoso.com"
    assert shown["x509CertificateProperties"]["ekus"] == []
    assert shown["lifetimeActions"][0]["trigger"]["daysBeforeExpiry"] == 10


def test_a_managed_key_or_secret_is_not_backed_up_alone(kv, vault, cert, tmp_path):
    for kind in ("key", "secret"):
        result = kv("keyvault", kind, "backup", "--vault-name", vault, "-n", "c1",
                    "-f", str(tmp_path / f"{kind}.blob"))
        assert result.exit_code == 1 and 'Operation "backup"' in result.stderr
        assert not (tmp_path / f"{kind}.blob").exists()


def test_backup_all_and_restore_all_carry_certificates_once(kv, rg, vault, cert, tmp_path):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "plain", "--value", "v")
    result = kv("keyvault", "backup-all", "--vault-name", vault, "--dir", str(tmp_path / "b"))
    assert result.exit_code == 0, result.stderr
    kinds = sorted(entry["kind"] for entry in result.json["objects"])
    assert kinds == ["certificate", "secret"]
    kv("keyvault", "create", "-n", "vault3", "-g", rg)
    restored = kv("keyvault", "restore-all", "--vault-name", "vault3", "--dir",
                  str(tmp_path / "b"))
    assert restored.exit_code == 0, restored.stderr
    shown = kv("keyvault", "certificate", "show", "--vault-name", "vault3", "-n", "c1").json
    assert shown["x509ThumbprintHex"] == cert["x509ThumbprintHex"]
    assert kv("keyvault", "key", "show", "--vault-name", "vault3", "-n", "c1").json[
        "managed"] is True


def test_id_addresses_a_certificate_version(kv, vault, cert):
    result = kv("keyvault", "certificate", "show", "--id", cert["id"])
    assert result.exit_code == 0 and result.json["id"] == cert["id"]


def test_subject_reads_as_written_and_imports_back_the_same(kv, vault, tmp_path):
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "dn",
       "-p", policy(x509CertificateProperties={"subject": "CN=a.contoso.com, O=Contoso, C=US"}))
    bundle = kv("keyvault", "certificate", "show", "--vault-name", vault, "-n", "dn").json
    assert load(bundle).subject.rfc4514_string() == "CN=a.contoso.com,O=Contoso,C=US"
    pfx = tmp_path / "dn.pfx"
    kv("keyvault", "secret", "download", "--vault-name", vault, "-n", "dn", "-f", str(pfx),
       "-e", "base64")
    kv("keyvault", "create", "-n", "vault4", "-g", "rg1")
    imported = kv("keyvault", "certificate", "import", "--vault-name", "vault4", "-n", "dn",
                  "-f", str(pfx)).json
    assert imported["policy"]["x509CertificateProperties"]["subject"] == \
        "CN=a.contoso.com, O=Contoso, C=US"
    assert imported["x509ThumbprintHex"] == bundle["x509ThumbprintHex"]


def test_reading_certificates_does_not_import_cryptography(kv, vault, cert):
    """show and list compute thumbprints with hashlib; cryptography is for making
    certificates (and for renewing one when its time has come)."""
    import subprocess
    import sys

    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys; from kvcli.cli.app import main\n"
         "for words in (['show', '-n', 'c1'], ['list'], ['list-versions', '-n', 'c1']):\n"
         "    try:\n"
         "        main(['keyvault', 'certificate', *words, '--vault-name', 'vault1',"
         " '-o', 'none'])\n"
         "    except SystemExit as stop:\n"
         "        assert stop.code == 0, stop.code\n"
         "print('cryptography' in sys.modules)"],
        capture_output=True, text=True)
    assert probe.stdout.strip() == "False", probe.stderr


def test_a_pending_certificates_name_is_not_free_for_a_restored_secret(kv, vault, tmp_path):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "later", "--value", "v")
    kv("keyvault", "secret", "backup", "--vault-name", vault, "-n", "later",
       "-f", str(tmp_path / "s.blob"))
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "later")
    kv("keyvault", "secret", "purge", "--vault-name", vault, "-n", "later")
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "later",
       "-p", policy(issuerParameters={"name": "Unknown"}))
    result = kv("keyvault", "secret", "restore", "--vault-name", vault,
                "-f", str(tmp_path / "s.blob"))
    assert result.exit_code == 1
    assert 'Operation "restore" is not allowed' in result.stderr


def test_a_non_exportable_key_stays_out_of_the_secret(kv, vault, tmp_path):
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "nx",
       "-p", policy(keyProperties={"keyType": "RSA", "exportable": False},
                    secretProperties={"contentType": "application/x-pem-file"}))
    secret = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "nx").json
    assert "PRIVATE KEY" not in secret["value"]
    assert "BEGIN CERTIFICATE" in secret["value"]
    # The key still signs inside the vault.
    digest = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    assert kv("keyvault", "key", "sign", "--vault-name", vault, "-n", "nx", "-a", "RS256",
              "--digest", digest).exit_code == 0


def test_automatic_purge_takes_the_trio_when_retention_ends(kv, vault, cert):
    kv("keyvault", "certificate", "delete", "--vault-name", vault, "-n", "c1")
    kv("clock", "advance", "--days", "90")
    for kind in ("certificate", "key", "secret"):
        assert kv("keyvault", kind, "show-deleted", "--vault-name", vault,
                  "-n", "c1").exit_code == 1
    assert kv("keyvault", "key", "create", "--vault-name", vault, "-n", "c1").exit_code == 0
    kv("clock", "set", "2026-01-02T00:00:00Z")  # moving back resurrects nothing
    assert kv("keyvault", "certificate", "list-deleted", "--vault-name", vault).json == []
