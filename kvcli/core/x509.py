"""X.509 work for certificates, all of it through `cryptography`: keys, self-signed
certificates, CSRs, reading PEM/PKCS#12 input and writing a certificate's secret.

Everything here takes and returns plain values (DER bytes, policy dicts); the certificate
core decides what is stored where. Imported only by commands that need it.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier

from kvcli.core import messages

UPN_OID = ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
CURVES = {"P-256": ec.SECP256R1, "P-256K": ec.SECP256K1, "P-384": ec.SECP384R1,
          "P-521": ec.SECP521R1}
CURVE_NAMES = {cls.name: name for name, cls in CURVES.items()}
# Key Vault's key usage names and the fields of cryptography's KeyUsage they set.
KEY_USAGES = {
    "digitalSignature": "digital_signature", "nonRepudiation": "content_commitment",
    "keyEncipherment": "key_encipherment", "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement", "keyCertSign": "key_cert_sign", "cRLSign": "crl_sign",
    "encipherOnly": "encipher_only", "decipherOnly": "decipher_only",
}
# Subject attribute names Key Vault accepts beyond RFC 4514's own.
SUBJECT_NAMES = {"E": NameOID.EMAIL_ADDRESS, "EMAIL": NameOID.EMAIL_ADDRESS,
                 "S": NameOID.STATE_OR_PROVINCE_NAME, "SERIALNUMBER": NameOID.SERIAL_NUMBER,
                 "T": NameOID.TITLE, "G": NameOID.GIVEN_NAME, "SN": NameOID.SURNAME}
_PEM_KEY = re.compile(rb"-----BEGIN ([A-Z ]*PRIVATE KEY)-----.+?-----END \1-----", re.S)
PKCS12 = "application/x-pkcs12"
PEM = "application/x-pem-file"


# --- names and extensions ---------------------------------------------------------------
def parse_subject(subject: str) -> x509.Name:
    """A policy subject (`CN=a, O=b`) as an X.500 name."""
    # Key Vault subjects are written `CN=a, O=b`: RFC 4514 allows no space after a comma.
    compact = ",".join(part.strip() for part in re.split(r"(?<!\\),", subject))
    try:
        parsed = x509.Name.from_rfc4514_string(compact, SUBJECT_NAMES)
    except ValueError:
        raise messages.certificate_policy_invalid(
            f"The subject '{subject}' is not a valid X.500 distinguished name.") from None
    if not subject.strip() or not list(parsed):
        raise messages.certificate_policy_invalid("The subject must not be empty.")
    # Read as RFC 4514 (and Windows) read it: `CN=a, O=b, C=US` is encoded C, O, CN.
    return parsed


def _der_utf8(text: str) -> bytes:
    """The DER form of an ASN.1 UTF8String: the value of a UPN other-name."""
    data = text.encode("utf-8")
    if len(data) < 0x80:
        length = bytes([len(data)])
    else:
        size = (len(data).bit_length() + 7) // 8
        length = bytes([0x80 | size]) + len(data).to_bytes(size, "big")
    return b"\x0c" + length + data


def _from_der_utf8(der: bytes) -> str:
    if not der or der[0] != 0x0C:
        return der.hex()
    first = der[1]
    start = 2 if first < 0x80 else 2 + (first & 0x7F)
    return der[start:].decode("utf-8", "replace")


def _general_names(sans: dict) -> list:
    names = [x509.DNSName(n) for n in sans.get("dnsNames") or []]
    names += [x509.RFC822Name(n) for n in sans.get("emails") or []]
    names += [x509.OtherName(UPN_OID, _der_utf8(n)) for n in sans.get("upns") or []]
    return names


def _key_usage(names: list[str]) -> x509.KeyUsage:
    flags = {field: False for field in KEY_USAGES.values()}
    for name in names:
        flags[KEY_USAGES[name]] = True
    if not flags["key_agreement"]:
        # encipherOnly/decipherOnly mean something only with keyAgreement (RFC 5280).
        if flags["encipher_only"] or flags["decipher_only"]:
            raise messages.certificate_policy_invalid(
                "encipherOnly and decipherOnly key usages need keyAgreement.")
    return x509.KeyUsage(**flags)


def _extensions(props: dict, public_key) -> list[tuple[x509.ExtensionType, bool]]:
    extensions: list[tuple[x509.ExtensionType, bool]] = []
    sans = _general_names(props.get("subjectAlternativeNames") or {})
    if sans:
        extensions.append((x509.SubjectAlternativeName(sans), False))
    if props.get("keyUsage"):
        extensions.append((_key_usage(props["keyUsage"]), True))
    if props.get("ekus"):
        extensions.append((x509.ExtendedKeyUsage(
            [ObjectIdentifier(oid) for oid in props["ekus"]]), False))
    if public_key is not None:
        extensions.append((x509.SubjectKeyIdentifier.from_public_key(public_key), False))
    return extensions


# --- keys ---------------------------------------------------------------------------------
def generate_key(key_properties: dict):
    if key_properties["keyType"].startswith("EC"):
        return ec.generate_private_key(CURVES[key_properties["curve"]]())
    return rsa.generate_private_key(public_exponent=65537, key_size=key_properties["keySize"])


def private_der(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.DER,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def load_private(der: bytes):
    return serialization.load_der_private_key(der, password=None)


def key_properties_of(private_key) -> dict:
    """What a policy says about a key it did not make (an imported or merged one)."""
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return {"curve": CURVE_NAMES.get(private_key.curve.name), "exportable": True,
                "keySize": private_key.curve.key_size, "keyType": "EC", "reuseKey": False}
    return {"curve": None, "exportable": True, "keySize": private_key.key_size,
            "keyType": "RSA", "reuseKey": False}


def _public_bytes(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def same_key(certificate_der: bytes, private_key) -> bool:
    cert = x509.load_der_x509_certificate(certificate_der)
    return _public_bytes(cert.public_key()) == _public_bytes(private_key.public_key())


# --- issuance -----------------------------------------------------------------------------
def add_months(moment: datetime, months: int) -> datetime:
    import calendar

    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def self_signed(policy: dict, private_key, now: datetime) -> bytes:
    """A certificate signed by its own key, as Key Vault's `Self` issuer makes it."""
    props = policy["x509CertificateProperties"]
    name = parse_subject(props["subject"])
    builder = (x509.CertificateBuilder()
               .subject_name(name).issuer_name(name)
               .public_key(private_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now.replace(microsecond=0))
               .not_valid_after(add_months(now, props["validityInMonths"])
                                .replace(microsecond=0)))
    for extension, critical in _extensions(props, private_key.public_key()):
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(private_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def signing_request(policy: dict, private_key) -> bytes:
    """The CSR a pending certificate carries for its issuer to sign (DER)."""
    props = policy["x509CertificateProperties"]
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        parse_subject(props["subject"]))
    for extension, critical in _extensions(props, None):
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(private_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


# --- reading certificates -----------------------------------------------------------------
def validity(certificate_der: bytes) -> tuple[datetime, datetime]:
    cert = x509.load_der_x509_certificate(certificate_der)
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def policy_properties(certificate_der: bytes) -> dict:
    """The x509CertificateProperties Key Vault reads out of an imported certificate."""
    cert = x509.load_der_x509_certificate(certificate_der)
    subject = ", ".join(attr.rfc4514_string() for rdn in reversed(cert.subject.rdns)
                        for attr in rdn)
    dns, emails, upns = [], [], []
    ekus, usages = [], []
    for ext in cert.extensions:
        value = ext.value
        if isinstance(value, x509.SubjectAlternativeName):
            dns = value.get_values_for_type(x509.DNSName)
            emails = value.get_values_for_type(x509.RFC822Name)
            upns = [_from_der_utf8(o.value) for o in value.get_values_for_type(x509.OtherName)
                    if o.type_id == UPN_OID]
        elif isinstance(value, x509.ExtendedKeyUsage):
            ekus = [oid.dotted_string for oid in value]
        elif isinstance(value, x509.KeyUsage):
            for name, field in KEY_USAGES.items():
                try:
                    if getattr(value, field):
                        usages.append(name)
                except ValueError:  # encipher/decipher_only without keyAgreement
                    continue
    not_before, expires = validity(certificate_der)
    months = max(1, round((expires - not_before).days / 30.4375))
    return {"ekus": ekus, "keyUsage": usages, "subject": subject,
            "subjectAlternativeNames": {"dnsNames": dns or None, "emails": emails or None,
                                        "upns": upns or None},
            "validityInMonths": months}


def load_upload(data: bytes, password: str | None) -> tuple[bytes, object | None, str]:
    """An imported file: (leaf certificate DER, private key or None, content type).
    PEM when it carries PEM armour, else PKCS#12, as Key Vault tells them apart."""
    if b"-----BEGIN" in data:
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError:
            raise messages.certificate_pem_unreadable() from None
        key = None
        block = _PEM_KEY.search(data)
        if block is not None:
            try:
                key = serialization.load_pem_private_key(
                    block.group(0), password.encode() if password else None)
            except (ValueError, TypeError):
                raise messages.certificate_pem_unreadable() from None
        return certs[0].public_bytes(serialization.Encoding.DER), key, PEM
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None)
    except (ValueError, TypeError):
        raise messages.certificate_pkcs12_unreadable() from None
    if cert is None:
        raise messages.certificate_pkcs12_unreadable()
    return cert.public_bytes(serialization.Encoding.DER), key, PKCS12


def load_signed(data: bytes) -> bytes:
    """The leaf certificate of a file given to `pending merge`: az reads only the PEM
    certificates in it (validate_x509_certificate_chain); the first is the leaf."""
    try:
        return x509.load_pem_x509_certificates(data)[0].public_bytes(
            serialization.Encoding.DER)
    except ValueError:
        raise messages.certificate_pem_unreadable() from None


# --- the certificate's secret -------------------------------------------------------------
def secret_value(content_type: str, certificate_der: bytes, private_key,
                 name: str) -> str:
    """What Key Vault keeps in a certificate's secret: base64 PKCS#12 without a password,
    or PEM text (private key, then certificate). With a non-exportable key (`private_key`
    None) the secret holds the certificate alone."""
    cert = x509.load_der_x509_certificate(certificate_der)
    if content_type == PEM:
        key_pem = b"" if private_key is None else private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        return (key_pem + cert.public_bytes(serialization.Encoding.PEM)).decode()
    blob = pkcs12.serialize_key_and_certificates(name.encode(), private_key, cert, None,
                                                 serialization.NoEncryption())
    return base64.b64encode(blob).decode()


def pem_certificate(certificate_der: bytes) -> bytes:
    """az's `certificate download -e PEM`: base64 in 76-character lines between armour."""
    body = base64.encodebytes(certificate_der).decode()
    return f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n".encode()
