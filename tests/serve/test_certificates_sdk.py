"""The official azure-keyvault-certificates SDK against a live `kvcli serve`."""

from __future__ import annotations

import base64

import pytest

from tests.serve.conftest import ADMIN, FakeCredential

pytest.importorskip("azure.keyvault.certificates",
                    reason="the 'serve-test' extra is not installed")

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError  # noqa: E402
from azure.keyvault.certificates import (  # noqa: E402
    CertificateClient, CertificateContentType, CertificatePolicy)
from azure.keyvault.secrets import SecretClient  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402


def clients(served, vault: str) -> tuple[CertificateClient, SecretClient]:
    options = {"connection_verify": str(served.ca_file), "verify_challenge_resource": False}
    credential = FakeCredential(upn=ADMIN)
    return (CertificateClient(served.url(vault), credential, **options),
            SecretClient(served.url(vault), credential, **options))


def test_create_self_signed_through_the_pending_operation(served, new_vault):
    vault = new_vault("certs-create")
    certificates, secrets = clients(served, vault)
    policy = CertificatePolicy(issuer_name="Self", subject="CN=app.contoso.com",
                               san_dns_names=["app.contoso.com"], validity_in_months=6,
                               content_type=CertificateContentType.pkcs12)
    created = certificates.begin_create_certificate("web", policy, tags={"t": "1"}).result()
    assert created.name == "web" and created.properties.tags == {"t": "1"}
    operation = certificates.get_certificate_operation("web")
    assert (operation.status, operation.issuer_name) == ("completed", "Self")
    certificate = x509.load_der_x509_certificate(bytes(created.cer))
    assert certificate.subject.rfc4514_string() == "CN=app.contoso.com"
    assert created.properties.x509_thumbprint == certificate.fingerprint(hashes.SHA1())
    fetched = certificates.get_certificate("web")
    assert fetched.policy.subject == "CN=app.contoso.com"
    assert fetched.policy.san_dns_names == ["app.contoso.com"]
    assert fetched.policy.validity_in_months == 6
    # The certificate's secret holds the PKCS#12 with the private key.
    bundle = secrets.get_secret("web")
    assert bundle.properties.content_type == "application/x-pkcs12"
    key, leaf, _ = pkcs12.load_key_and_certificates(base64.b64decode(bundle.value), None)
    assert key is not None and leaf == certificate


def test_import_list_policy_update_delete_recover(served, new_vault):
    vault = new_vault("certs-life")
    certificates, _ = clients(served, vault)
    policy = CertificatePolicy.get_default()
    made = certificates.begin_create_certificate("source", policy).result()
    pfx = clients(served, vault)[1].get_secret("source").value
    imported = certificates.import_certificate("copy", base64.b64decode(pfx))
    assert bytes(imported.cer) == bytes(made.cer)
    assert sorted(c.name for c in certificates.list_properties_of_certificates()) == [
        "copy", "source"]
    updated_policy = certificates.update_certificate_policy(
        "copy", CertificatePolicy(validity_in_months=24, subject="CN=copy"))
    assert updated_policy.validity_in_months == 24
    assert certificates.get_certificate_policy("copy").subject == "CN=copy"
    disabled = certificates.update_certificate_properties("copy", enabled=False)
    assert disabled.properties.enabled is False
    deleted = certificates.begin_delete_certificate("copy").result()
    assert deleted.recovery_id.endswith("/deletedcertificates/copy")
    assert [c.name for c in certificates.list_deleted_certificates()] == ["copy"]
    with pytest.raises(ResourceNotFoundError) as missing:
        certificates.get_certificate("copy")
    assert missing.value.error.code == "CertificateNotFound"
    assert certificates.begin_recover_deleted_certificate("copy").result().name == "copy"
    blob = certificates.backup_certificate("source")
    certificates.begin_delete_certificate("source").result()
    certificates.purge_deleted_certificate("source")
    assert certificates.restore_certificate_backup(blob).name == "source"
    with pytest.raises(HttpResponseError) as bad:
        certificates.begin_create_certificate(
            "bad", CertificatePolicy(issuer_name="Self", subject="CN=x",
                                     validity_in_months=0)).result()
    assert bad.value.status_code == 400


def test_an_unknown_issuer_leaves_the_operation_pending(served, new_vault, kv):
    vault = new_vault("certs-pending")
    certificates, _ = clients(served, vault)
    operation = certificates.begin_create_certificate(
        "csr", CertificatePolicy(issuer_name="Unknown", subject="CN=csr")).result()
    assert (operation.status, operation.issuer_name) == ("inProgress", "Unknown")
    x509.load_der_x509_csr(bytes(operation.csr))
    shown = kv("keyvault", "certificate", "pending", "show", "--vault-name", vault, "-n", "csr")
    assert shown.exit_code == 0 and shown.json["status"] == "inProgress"


def _sign_csr(csr_der: bytes) -> bytes:
    """What an external CA does with the pending request: a certificate for its key."""
    import datetime

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    csr = x509.load_der_x509_csr(csr_der)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    issued = (x509.CertificateBuilder().subject_name(csr.subject)
              .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lab CA")]))
              .public_key(csr.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
              .sign(ca_key, hashes.SHA256()))
    return issued.public_bytes(Encoding.DER)


def test_merge_and_delete_pending_operations(served, new_vault):
    vault = new_vault("certs-merge")
    certificates, _ = clients(served, vault)
    for name in ("signed", "dropped"):
        certificates.begin_create_certificate(
            name, CertificatePolicy(issuer_name="Unknown", subject=f"CN={name}")).result()
    signed = _sign_csr(bytes(certificates.get_certificate_operation("signed").csr))
    merged = certificates.merge_certificate("signed", [signed])
    assert bytes(merged.cer) == signed
    assert certificates.get_certificate_operation("signed").status == "completed"
    dropped = certificates.delete_certificate_operation("dropped")
    assert dropped.status == "inProgress"
    with pytest.raises(ResourceNotFoundError):
        certificates.get_certificate_operation("dropped")


def test_cancel_certificate_operation(served, new_vault, kv):
    """A request in progress records the cancellation (its status stays until the issuer
    acts, as in Key Vault); a self-signed one completed at once can no longer be cancelled:
    Key Vault's 403, the operation left as it was."""
    vault = new_vault("certs-cancel")
    certificates, _ = clients(served, vault)
    certificates.begin_create_certificate(
        "ordered", CertificatePolicy(issuer_name="Unknown", subject="CN=ordered")).result()
    cancelled = certificates.cancel_certificate_operation("ordered")
    assert (cancelled.cancellation_requested, cancelled.status) == (True, "inProgress")
    assert certificates.get_certificate_operation("ordered").cancellation_requested is True
    shown = kv("keyvault", "certificate", "pending", "show", "--vault-name", vault,
               "-n", "ordered")
    assert shown.json["cancellationRequested"] is True
    assert certificates.delete_certificate_operation("ordered").cancellation_requested is True

    certificates.begin_create_certificate("issued", CertificatePolicy.get_default()).result()
    with pytest.raises(HttpResponseError) as refused:
        certificates.cancel_certificate_operation("issued")
    assert refused.value.status_code == 403
    assert refused.value.error.code == "Forbidden"
    operation = certificates.get_certificate_operation("issued")
    assert (operation.cancellation_requested, operation.status) == (False, "completed")
    with pytest.raises(ResourceNotFoundError):
        certificates.cancel_certificate_operation("never-created")
    audited = kv("audit", "list", "--vault-name", vault, "--operation",
                 "CertificateUpdatePending").json
    assert [entry["result"] for entry in audited] == ["Success", "Failed", "Failed"]


def test_contacts_and_issuers(served, new_vault):
    from azure.keyvault.certificates import CertificateContact

    vault = new_vault("certs-meta")
    certificates, _ = clients(served, vault)
    with pytest.raises(ResourceNotFoundError) as none_yet:
        certificates.get_contacts()
    assert none_yet.value.error.code == "ContactsNotFound"
    certificates.set_contacts([CertificateContact(email="ops@contoso.com", name="Ops"),
                               CertificateContact(email="sec@contoso.com", phone="555")])
    assert [(c.email, c.name, c.phone) for c in certificates.get_contacts()] == [
        ("ops@contoso.com", "Ops", None), ("sec@contoso.com", None, "555")]
    assert len(certificates.delete_contacts()) == 2
    with pytest.raises(ResourceNotFoundError):
        certificates.get_contacts()
    issuer = certificates.create_issuer("digi", "DigiCert", account_id="acct",
                                        organization_id="org")
    assert (issuer.name, issuer.provider, issuer.account_id) == ("digi", "DigiCert", "acct")
    assert issuer.organization_id == "org" and issuer.enabled is True
    assert [i.name for i in certificates.list_properties_of_issuers()] == ["digi"]
    assert certificates.update_issuer("digi", enabled=False).enabled is False
    assert certificates.get_issuer("digi").provider == "DigiCert"
    certificates.delete_issuer("digi")
    with pytest.raises(ResourceNotFoundError) as gone:
        certificates.get_issuer("digi")
    assert gone.value.error.code == "CertificateIssuerNotFound"
