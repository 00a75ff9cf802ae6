"""`kvcli serve` as a command: its CA, its options, and that the CLI never loads it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest


def test_print_ca_makes_one_private_ca_and_prints_it(kv, home):
    from cryptography import x509

    first = kv("serve", "--print-ca")
    assert first.exit_code == 0, first.stderr
    ca = x509.load_pem_x509_certificate(first.stdout.encode())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert kv("serve", "--print-ca").stdout == first.stdout  # made once, then kept
    for name in ("ca.pem", "ca-key.pem"):
        assert stat.S_IMODE(os.stat(home / "serve" / name).st_mode) == 0o600


def test_the_server_certificate_covers_the_vault_hosts_and_chains_to_the_ca(home):
    import ipaddress

    from cryptography import x509

    from kvcli.serve import tls
    from kvcli.store.home import Home

    opened = Home.open(home)
    cert_file, key_file = tls.server_files(opened)
    cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    ca = x509.load_pem_x509_certificate(tls.ca_pem(opened))
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost", "*.vault.azure.net"}
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    cert.verify_directly_issued_by(ca)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert tls.server_files(opened) == (cert_file, key_file)
    assert x509.load_pem_x509_certificate(cert_file.read_bytes()) == cert  # not reissued


def test_a_vault_host_under_localhost_gets_its_own_certificate(home):
    from cryptography import x509

    from kvcli.serve import tls
    from kvcli.store.home import Home

    opened = Home.open(home)
    cert_file, _ = tls.host_files(opened, "Demo-Vault.localhost")
    cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["demo-vault.localhost"]
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(tls.ca_pem(opened)))
    assert tls.host_files(opened, "../x.localhost") is None  # not a vault name: no file
    assert tls.host_files(opened, "example.com") is None


def test_cert_needs_key(kv):
    result = kv("serve", "--cert", "server.pem")
    assert result.exit_code == 2
    assert "--cert and --key must be given together" in result.stderr


def test_without_the_extra_the_error_says_how_to_install_it(kv, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    result = kv("serve")
    assert result.exit_code == 1
    assert result.stderr == ("ERROR: kvcli serve needs the optional 'serve' extra (Starlette "
                             "and uvicorn). Install it with: pip install 'kvcli[serve]'\n")


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("localhost", False),
                                          ("::1", False), ("0.0.0.0", True),
                                          ("192.168.1.10", True)])
def test_binding_beyond_loopback_is_warned_about_first(kv, monkeypatch, host, warned):
    pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
    from kvcli.serve import server

    started = []
    monkeypatch.setattr(server, "run", lambda home, *args: started.append(args))
    result = kv("serve", "--host", host, "--port", "9443")
    assert result.exit_code == 0, result.stderr
    assert started == [(host, 9443, None, None)]
    assert result.stderr.startswith("WARNING: kvcli serve is binding to") == warned


def test_a_cli_command_imports_neither_starlette_nor_uvicorn(home):
    script = ("import sys\n"
              "from kvcli.cli.app import main\n"
              "try:\n"
              "    main(['keyvault', 'secret', 'show', '--vault-name', 'v', '-n', 's'])\n"
              "except SystemExit:\n"
              "    pass\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('starlette', 'uvicorn') or m.startswith('kvcli.serve')))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=os.environ.copy())
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stderr


def test_own_certificate_and_a_graceful_sigint(home, tmp_path):
    """--cert/--key serve the given certificate; Ctrl+C (SIGINT) stops with exit 0."""
    pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
    import datetime
    import signal
    import socket
    import ssl
    import time

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "own.pem", tmp_path / "own-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kvcli", "serve", "--port", str(port),
                             "--cert", str(cert_file), "--key", str(key_file)],
                            env=os.environ.copy(), stderr=subprocess.PIPE, text=True)
    try:
        context = ssl.create_default_context(cafile=str(cert_file))
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                    with context.wrap_socket(raw, server_hostname="localhost") as tls:
                        assert tls.getpeercert()["subject"] == ((("commonName", "localhost"),),)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert stderr.startswith(f"kvcli serve: https://127.0.0.1:{port}")
    assert not (home / "serve" / "server.pem").exists()  # the home's CA issued nothing
