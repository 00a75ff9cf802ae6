"""The small certificate authority `kvcli serve` keeps in the home, and its server
certificates: one for localhost, 127.0.0.1 and *.vault.azure.net, and one per
`NAME.localhost` vault host, chosen by SNI (TLS clients refuse a `*.localhost` wildcard:
it covers a single-label domain).

Made on first use with `cryptography`, stored as PEM files (0600) through the store. The
dates are the machine's real time, not the home's lab clock: TLS clients check them
against the real time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from kvcli.store import paths
from kvcli.store.home import Home

CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
SERVER_NAMES = ("localhost", "*.vault.azure.net")
LOCAL_SUFFIX = ".localhost"
SERVER_ADDRESSES = ("127.0.0.1", "::1")
CA_DAYS, SERVER_DAYS = 3650, 397
RENEW_BEFORE = timedelta(days=30)


def ca_pem(home: Home) -> bytes:
    """The CA certificate (PEM), made on first use: what the SDKs' `connection_verify` needs."""
    with home.locked():
        return _ca(home)[0]


def server_files(home: Home) -> tuple[Path, Path]:
    """The server certificate and key files, (re)issued when missing or close to expiry."""
    return _issued_files(home, SERVER_CERT, SERVER_KEY, SERVER_NAMES, SERVER_ADDRESSES)


def host_files(home: Home, host: str) -> tuple[Path, Path] | None:
    """The certificate and key for a `NAME.localhost` vault host; None for another name."""
    vault = host[:-len(LOCAL_SUFFIX)] if host.lower().endswith(LOCAL_SUFFIX) else None
    if vault is None or not paths.is_valid("vault", vault):
        return None
    host = vault.lower() + LOCAL_SUFFIX
    return _issued_files(home, f"{host}.pem", f"{host}-key.pem", (host,), ())


def sni_callback(home: Home):
    """An `ssl` SNI callback that answers a `NAME.localhost` handshake with that host's
    certificate (contexts kept per host for the life of the server)."""
    import ssl

    contexts: dict[str, ssl.SSLContext] = {}

    def choose(connection, server_name, _context) -> None:
        if not server_name:
            return
        name = server_name.lower()
        if name not in contexts:
            files = host_files(home, name)
            if files is None:
                return
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*files)
            contexts[name] = context
        connection.context = contexts[name]

    return choose


def _issued_files(home: Home, cert_name: str, key_name: str, names: tuple[str, ...],
                  addresses: tuple[str, ...]) -> tuple[Path, Path]:
    from cryptography import x509

    cert_path = paths.serve_file(home.root, cert_name)
    key_path = paths.serve_file(home.root, key_name)
    with home.locked():
        ca_cert, ca_key = _ca(home)
        current = home.read_bytes(cert_path)
        if (current is None or home.read_bytes(key_path) is None
                or _expiring(x509.load_pem_x509_certificate(current))
                or not _issued_by(x509.load_pem_x509_certificate(current), ca_cert)):
            cert, key = _issue_server(ca_cert, ca_key, names, addresses)
            home.write_bytes(key_path, key)
            home.write_bytes(cert_path, cert)
    return cert_path, key_path


def _ca(home: Home) -> tuple[bytes, bytes]:
    """(certificate, key) PEM of the home's CA, made once; called under the lock."""
    cert_path = paths.serve_file(home.root, CA_CERT)
    key_path = paths.serve_file(home.root, CA_KEY)
    cert, key = home.read_bytes(cert_path), home.read_bytes(key_path)
    if cert is None or key is None:
        cert, key = _new_ca(home.subscription_id)
        home.write_bytes(key_path, key)
        home.write_bytes(cert_path, cert)
    return cert, key


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _expiring(cert) -> bool:
    return cert.not_valid_after_utc - RENEW_BEFORE < _now()


def _issued_by(cert, ca_pem_bytes: bytes) -> bool:
    from cryptography import x509

    return cert.issuer == x509.load_pem_x509_certificate(ca_pem_bytes).subject


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _new_ca(subscription_id: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                         f"kvcli serve CA {subscription_id[:8]}")])
    now = _now()
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)


def _issue_server(ca_cert_pem: bytes, ca_key_pem: bytes, dns_names: tuple[str, ...],
                  addresses: tuple[str, ...]) -> tuple[bytes, bytes]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    names = [x509.DNSName(n) for n in dns_names] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)
