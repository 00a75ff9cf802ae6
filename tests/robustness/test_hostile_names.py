"""Hostile names through every command that takes a group, vault or object name.

The home sits beside a second home and a file outside both; each name is one that az refuses
for its kind, and several are crafted to reach those neighbours (`../../outside/victim`,
`../../other-home/vaults/...`) or other resources of the same home (`../vaults/ppv/vault`,
`vault1/secrets/..`). Every command must fail with an az-style error and leave the whole
temp tree (both homes, the outside file, the user's directories) exactly as it was.
"""

from __future__ import annotations

import os

import pytest

from tests.robustness.helpers import differences, snapshot

HOSTILE = [
    "..", ".", "../x", "a/b", "/abs", "/etc/passwd", "a\\b", "..\\..\\x", "a\x00b", "\x00",
    "a\x01b", "tab\there", "rg1\n", "vault1\n", "%2e%2e", "%2e%2e%2fx", "..%2f..%2fx", "",
    "a" * 200, "\u2215etc", "caf\u00e9/..", "\uff0e\uff0e", "../vaults/ppv/vault",
    "../../outside/victim", "../../other-home/vaults/othervault", "vault1/secrets/..",
    "../vault1", "./vault1", "vault1/.", "ppv/../ppv",
]
SECRET_PATH = "https://vault1.vault.azure.net/secrets"

# Each command as a function of the hostile name: the name put in every position that
# becomes part of a path, one position per entry.
COMMANDS = {
    "group create": lambda n, d: ["group", "create", "-n", n, "-l", "eastus"],
    "group show": lambda n, d: ["group", "show", "-n", n],
    "group exists": lambda n, d: ["group", "exists", "-n", n],
    "group delete": lambda n, d: ["group", "delete", "-n", n, "--yes"],
    "keyvault create -n": lambda n, d: ["keyvault", "create", "-n", n, "-g", "rg1"],
    "keyvault create -g": lambda n, d: ["keyvault", "create", "-n", "fresh1", "-g", n],
    "keyvault show": lambda n, d: ["keyvault", "show", "-n", n],
    "keyvault show -g": lambda n, d: ["keyvault", "show", "-n", "vault1", "-g", n],
    "keyvault list -g": lambda n, d: ["keyvault", "list", "-g", n],
    "keyvault update": lambda n, d: ["keyvault", "update", "-n", n, "--retention-days", "7"],
    "keyvault update -g": lambda n, d: ["keyvault", "update", "-n", "vault1", "-g", n,
                                        "--public-network-access", "Disabled"],
    "keyvault delete": lambda n, d: ["keyvault", "delete", "-n", n],
    "keyvault delete -g": lambda n, d: ["keyvault", "delete", "-n", "vault1", "-g", n],
    "keyvault purge": lambda n, d: ["keyvault", "purge", "-n", n],
    "keyvault purge -l": lambda n, d: ["keyvault", "purge", "-n", n, "-l", "eastus"],
    "keyvault recover": lambda n, d: ["keyvault", "recover", "-n", n],
    "keyvault recover -g": lambda n, d: ["keyvault", "recover", "-n", "gone1", "-g", n],
    "keyvault show-deleted": lambda n, d: ["keyvault", "show-deleted", "-n", n],
    "keyvault backup-all": lambda n, d: ["keyvault", "backup-all", "--vault-name", n,
                                         "--dir", str(d / "backups")],
    "keyvault restore-all": lambda n, d: ["keyvault", "restore-all", "--vault-name", n,
                                          "--dir", str(d / "backup-of-vault1")],
    "secret set --vault-name": lambda n, d: ["keyvault", "secret", "set", "--vault-name", n,
                                             "-n", "a", "--value", "v"],
    "secret set -n": lambda n, d: ["keyvault", "secret", "set", "--vault-name", "vault1",
                                   "-n", n, "--value", "v"],
    "secret restore --vault-name": lambda n, d: ["keyvault", "secret", "restore",
                                                 "--vault-name", n, "-f", str(d / "a.blob")],
    "secret restore --id": lambda n, d: ["keyvault", "secret", "restore",
                                         "--id", f"https://{n}.vault.azure.net",
                                         "-f", str(d / "a.blob")],
    "secret list --vault-name": lambda n, d: ["keyvault", "secret", "list", "--vault-name", n],
    "secret list-deleted --vault-name": lambda n, d: ["keyvault", "secret", "list-deleted",
                                                      "--vault-name", n],
}
# Commands addressing one secret take --vault-name/-n or --id.
for _verb, _extra in {
    "show": [], "list-versions": [], "set-attributes": ["--enabled", "false"], "delete": [],
    "show-deleted": [], "recover": [], "purge": [], "backup": ["-f", "{d}/out.blob"],
    "download": ["-f", "{d}/out.txt"],
}.items():
    def _extra_args(d, extra=_extra):
        return [arg.format(d=d) for arg in extra]

    COMMANDS[f"secret {_verb} --vault-name"] = (
        lambda n, d, v=_verb, e=_extra_args: ["keyvault", "secret", v, "--vault-name", n,
                                              "-n", "a", *e(d)])
    COMMANDS[f"secret {_verb} -n"] = (
        lambda n, d, v=_verb, e=_extra_args: ["keyvault", "secret", v, "--vault-name",
                                              "vault1", "-n", n, *e(d)])
    COMMANDS[f"secret {_verb} --id name"] = (
        lambda n, d, v=_verb, e=_extra_args: ["keyvault", "secret", v, "--id",
                                              f"{SECRET_PATH}/{n}", *e(d)])
    COMMANDS[f"secret {_verb} --id vault"] = (
        lambda n, d, v=_verb, e=_extra_args: ["keyvault", "secret", v, "--id",
                                              f"https://{n}.vault.azure.net/secrets/a", *e(d)])

# Keys and certificates pass the same gate through DataPlaneVault: every command that takes
# one object, by --vault-name/-n and by --id, plus those that create one or list a vault.
_DIGEST = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="
KIND_VERBS = {
    "key": {"show": [], "list-versions": [], "set-attributes": ["--enabled", "false"],
            "delete": [], "show-deleted": [], "recover": [], "purge": [],
            "backup": ["-f", "{d}/out.blob"], "download": ["-f", "{d}/out.pem"], "rotate": [],
            "encrypt": ["-a", "RSA-OAEP", "--value", "eA==", "--data-type", "base64"],
            "decrypt": ["-a", "RSA-OAEP", "--value", "eA=="],
            "sign": ["-a", "RS256", "--digest", _DIGEST],
            "verify": ["-a", "RS256", "--digest", _DIGEST, "--signature", "eA=="],
            "rotation-policy show": []},
    "certificate": {"show": [], "list-versions": [], "set-attributes": ["--enabled", "false"],
                    "delete": [], "show-deleted": [], "recover": [], "purge": [],
                    "backup": ["-f", "{d}/out.blob"], "download": ["-f", "{d}/out.pem"],
                    "pending show": []},
}
for _kind, _verbs in KIND_VERBS.items():
    for _verb, _extra in _verbs.items():
        def _kind_args(d, extra=_extra):
            return [arg.format(d=d) for arg in extra]

        _words = ["keyvault", _kind, *_verb.split()]
        _path = f"https://vault1.vault.azure.net/{_kind}s"
        COMMANDS[f"{_kind} {_verb} --vault-name"] = (
            lambda n, d, w=_words, e=_kind_args: [*w, "--vault-name", n, "-n", "a", *e(d)])
        COMMANDS[f"{_kind} {_verb} -n"] = (
            lambda n, d, w=_words, e=_kind_args: [*w, "--vault-name", "vault1", "-n", n,
                                                  *e(d)])
        if _verb not in ("rotation-policy show", "pending show"):
            COMMANDS[f"{_kind} {_verb} --id name"] = (
                lambda n, d, w=_words, e=_kind_args, p=_path: [*w, "--id", f"{p}/{n}", *e(d)])
    for _verb in ("list", "list-deleted"):
        COMMANDS[f"{_kind} {_verb} --vault-name"] = (
            lambda n, d, k=_kind, v=_verb: ["keyvault", k, v, "--vault-name", n])
    COMMANDS[f"{_kind} restore --vault-name"] = (
        lambda n, d, k=_kind: ["keyvault", k, "restore", "--vault-name", n,
                               "-f", str(d / "a.blob")])
COMMANDS["key create --vault-name"] = lambda n, d: ["keyvault", "key", "create",
                                                    "--vault-name", n, "-n", "fresh"]
COMMANDS["key create -n"] = lambda n, d: ["keyvault", "key", "create", "--vault-name",
                                          "vault1", "-n", n]
COMMANDS["key import --vault-name"] = lambda n, d: [
    "keyvault", "key", "import", "--vault-name", n, "-n", "fresh", "--pem-file",
    str(d / "pair.pem")]
COMMANDS["key import -n"] = lambda n, d: [
    "keyvault", "key", "import", "--vault-name", "vault1", "-n", n, "--pem-file",
    str(d / "pair.pem")]
COMMANDS["certificate import --vault-name"] = lambda n, d: [
    "keyvault", "certificate", "import", "--vault-name", n, "-n", "fresh", "-f",
    str(d / "cert.pem")]
COMMANDS["certificate import -n"] = lambda n, d: [
    "keyvault", "certificate", "import", "--vault-name", "vault1", "-n", n, "-f",
    str(d / "cert.pem")]
COMMANDS["certificate create --vault-name"] = lambda n, d: [
    "keyvault", "certificate", "create", "--vault-name", n, "-n", "fresh", "-p", "@" + str(
        d / "policy.json")]
COMMANDS["certificate create -n"] = lambda n, d: [
    "keyvault", "certificate", "create", "--vault-name", "vault1", "-n", n, "-p", "@" + str(
        d / "policy.json")]


def _write_key_and_certificate(directory) -> None:
    """pair.pem (an RSA private key) and cert.pem (a self-signed certificate with its key),
    the inputs of `key import` and `certificate import`."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hostile")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(1)
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    (directory / "pair.pem").write_bytes(pem)
    (directory / "cert.pem").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM) + pem)


@pytest.fixture
def world(kv, home, tmp_path, monkeypatch):
    """A home with a group, an ordinary vault with a secret (also soft-deleted ones), a
    purge-protected vault; beside it another home and a file outside both."""
    def ok(*args):
        result = kv(*args)
        assert result.exit_code == 0, (args, result.stderr)

    monkeypatch.setenv("KVCLI_HOME", str(tmp_path / "other-home"))
    ok("group", "create", "-n", "rg1", "-l", "eastus")
    ok("keyvault", "create", "-n", "othervault", "-g", "rg1")
    ok("keyvault", "secret", "set", "--vault-name", "othervault", "-n", "a", "--value", "o")
    monkeypatch.setenv("KVCLI_HOME", str(home))
    from kvcli.cli import context

    context.reset()
    ok("group", "create", "-n", "rg1", "-l", "eastus")
    ok("keyvault", "create", "-n", "vault1", "-g", "rg1")
    ok("keyvault", "create", "-n", "ppv", "-g", "rg1", "--enable-purge-protection", "true")
    ok("keyvault", "create", "-n", "gone1", "-g", "rg1")
    ok("keyvault", "delete", "-n", "gone1")
    ok("keyvault", "secret", "set", "--vault-name", "vault1", "-n", "a", "--value", "secret")
    ok("keyvault", "secret", "set", "--vault-name", "vault1", "-n", "b", "--value", "x")
    ok("keyvault", "secret", "delete", "--vault-name", "vault1", "-n", "b")
    ok("keyvault", "secret", "backup", "--vault-name", "vault1", "-n", "a",
       "-f", str(tmp_path / "a.blob"))
    ok("keyvault", "backup-all", "--vault-name", "vault1", "--dir",
       str(tmp_path / "backup-of-vault1"))
    ok("keyvault", "key", "create", "--vault-name", "vault1", "-n", "a")
    policy = kv("keyvault", "certificate", "get-default-policy").stdout
    (tmp_path / "policy.json").write_text(policy)
    _write_key_and_certificate(tmp_path)
    ok("keyvault", "certificate", "create", "--vault-name", "vault1", "-n", "c",
       "-p", policy)
    (tmp_path / "backups").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "victim").write_text("do not touch")
    (tmp_path / "outside" / "victim.json").write_text("{}")
    return tmp_path


def test_the_table_covers_every_name_taking_secret_command():
    from kvcli.cli.secret import app

    taking_a_name = {info.name for info in app.registered_commands} - {"list", "list-deleted",
                                                                        "set", "restore"}
    covered = {key.split()[1] for key in COMMANDS if key.startswith("secret ")}
    assert taking_a_name <= covered


@pytest.mark.parametrize("kind,module", [("key", "kvcli.cli.key"),
                                         ("certificate", "kvcli.cli.certificate")])
def test_the_table_covers_every_name_taking_key_and_certificate_command(kind, module):
    import importlib

    app = importlib.import_module(module).app
    taking_a_name = {info.name for info in app.registered_commands} - {"get-default-policy"}
    covered = {key.split()[1] for key in COMMANDS if key.startswith(f"{kind} ")}
    assert taking_a_name <= covered


# `group exists` answers a question: for a name no group can have, az's answer is `false`
# (exit 0), the same as for any group that is not there. A NUL, which no command line can
# carry, is refused before any command runs.
ANSWERS_FALSE = {"group exists"}


def _names_for(command: str) -> list[str]:
    """Inside an --id URL, '/' is the URL's own separator (`secrets/a/b` is version b of a)
    and URL parsing drops tab and newline, as az's does: those names are not hostile there."""
    if "--id" not in command:
        return HOSTILE
    return [n for n in HOSTILE if not set(n) & set("/\t\n\r")]


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every path kvcli opens through os.open (which the store and the user-file reader use),
    made absolute even when opened relative to a directory descriptor."""
    paths: list[str] = []
    real_open = os.open

    def recording_open(path, flags, mode=0o777, *, dir_fd=None):
        base = os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else os.getcwd()
        paths.append(os.path.normpath(os.path.join(base, os.fsdecode(path))))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", recording_open)
    return paths


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_hostile_name_is_refused_and_touches_nothing(kv, world, opened, command):
    neighbours = (str(world / "other-home"), str(world / "outside"))
    failures = []
    for name in _names_for(command):
        args = COMMANDS[command](name, world)
        before = snapshot(world)
        opened.clear()
        result = kv(*args)
        changes = differences(before, snapshot(world))
        changes += [f"opened {p}" for p in opened if p.startswith(neighbours)]
        if command in ANSWERS_FALSE and "\0" not in name:
            refused = result.exit_code == 0 and result.stdout.strip() == "false"
        else:
            refused = result.exit_code in (1, 2, 3) and result.stdout == "" and any(
                line.startswith("ERROR: ") for line in result.stderr.splitlines())
        if not refused or changes or "Traceback" in result.stderr \
                or "unexpected error" in result.stderr:
            failures.append((name, result.exit_code, result.stderr[-300:], changes))
    assert not failures, failures


@pytest.mark.parametrize("name", ["..", "../../outside/victim", "a/b", "\x00"])
def test_hostile_names_leave_other_homes_and_outside_files_unread(kv, world, name):
    """Reads through a hostile name must not reach a neighbour: a secret read through a path
    into the other home would print its value 'o'."""
    for args in (["keyvault", "secret", "show", "--vault-name", f"../../other-home/vaults/"
                  f"othervault{name}", "-n", "a"],
                 ["keyvault", "secret", "show", "--vault-name", "vault1/secrets/..", "-n", "a"],
                 ["keyvault", "show", "-n", f"../../other-home/vaults/othervault"]):
        result = kv(*args)
        assert result.exit_code != 0 and result.stdout == "", (args, result.stdout)
        assert '"value"' not in result.stdout


def test_real_process_refuses_traversal_names(kv_process, world):
    """Through a real argv (everything but NUL can pass): the issue's reproductions."""
    before = snapshot(world)
    for args in (["group", "delete", "-n", "../vaults/ppv/vault", "--yes"],
                 ["group", "delete", "-n", "../../outside/victim", "--yes"],
                 ["keyvault", "purge", "-n", "../../other-home/vaults/othervault"],
                 ["keyvault", "secret", "show", "--vault-name", "vault1/secrets/..", "-n", "a"]):
        result = kv_process(*args)
        assert result.exit_code != 0, args
        assert result.stderr.startswith("ERROR: "), (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert differences(before, snapshot(world)) == []
    assert os.path.exists(world / "outside" / "victim")


def test_the_open_recorder_sees_the_store_reads(kv, world, home, opened):
    """The guard on the test above: a plain read is recorded with its absolute path."""
    assert kv("keyvault", "secret", "show", "--vault-name", "vault1", "-n", "a").exit_code == 0
    assert str(home / "vaults" / "vault1" / "secrets" / "a.json") in opened
