"""Commands at the root of the tree (`kvcli version`, `login`, `logout`), declared like any
group's."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli import console
from kvcli.cli.account import list_item, subscriptions_table
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import INT

app = new_app()

# The az release whose behaviour kvcli reproduces (shared/spec/az-reference.md).
AZ_VERSION = "2.91.0"
AZ_TELEMETRY_VERSION = "1.1.0"


@command(app, "version", help="Show the versions of Azure CLI modules and extensions in JSON "
         "format by default or format configured by --output. kvcli reports the az release it "
         "follows and its own version under `kvcli`.",
         examples=("Show the versions:\n    kvcli version",
                   "Show kvcli's own version only:\n    kvcli version --query kvcli -o tsv"))
def show_version():
    from kvcli import __version__

    return {"azure-cli": AZ_VERSION, "azure-cli-core": AZ_VERSION,
            "azure-cli-telemetry": AZ_TELEMETRY_VERSION, "extensions": {},
            "kvcli": __version__}


@command(app, "login", help="Sign in as a user of this state home, creating the user on first "
         "use. kvcli checks no password: the home is a local lab, not a security boundary.",
         examples=("Sign in as Alice:\n    kvcli login --username alice@contoso.com",
                   "Sign in as a service principal:\n"
                   "    kvcli login --service-principal -u APP_ID -p SECRET --tenant TENANT"),
         table=subscriptions_table)
def login(username: Annotated[str, Option(
              "--username", "-u", metavar="UPN",
              help="User name (user principal name), e.g. alice@contoso.com.")],
          password: Annotated[Optional[str], Option(
              "--password", "-p", metavar="PASSWORD",
              help="Accepted for az compatibility and ignored.")] = None,
          service_principal: Annotated[bool, Option(
              "--service-principal",
              help="Sign in as a service principal (from `kvcli ad sp create-for-rbac`); "
                   "--username is its app id.")] = False,
          tenant: Annotated[Optional[str], Option(
              "--tenant", "-t", metavar="TENANT",
              help="Accepted for az compatibility; the home has one tenant.")] = None):
    from kvcli.core import principals

    if password is not None:
        console.warning("kvcli does not check passwords; --password was ignored.")
    account = principals.login(open_home(), username, service_principal=service_principal)
    return [list_item(account)]


@command(app, "logout", help="Sign out: commands on vaults, objects, groups, role assignments "
         "and users then fail with az's 'Please run 'az login'' error until someone signs in.",
         examples=("Sign out:\n    kvcli logout",))
def logout():
    from kvcli.core import principals

    principals.logout(open_home())


@command(app, "serve", help="Serve Key Vault's REST data plane for this state home over HTTPS, "
         "so the Azure SDKs (azure-keyvault-secrets...) run against it: the same JSON, status "
         "codes, errors, authorization and audit log as the CLI, sharing the home's lock. "
         "A vault is addressed by host (https://NAME.localhost:PORT) or path prefix "
         "(https://127.0.0.1:PORT/vaults/NAME). Any bearer token is accepted; its 'oid' or "
         "'upn' claim picks the principal, else the signed-in user. Needs the 'serve' extra: "
         "pip install 'kvcli[serve]' (kvcli extension; not in az).",
         examples=("Serve on https://127.0.0.1:8443:\n    kvcli serve",
                   "Save the CA certificate for the SDKs' connection_verify:\n"
                   "    kvcli serve --print-ca > kvcli-ca.pem",
                   "Serve with your own certificate:\n"
                   "    kvcli serve --port 9443 --cert server.pem --key server-key.pem"))
def serve(host: Annotated[str, Option(
              "--host", metavar="ADDRESS",
              help="Address to listen on. Anything but loopback is warned about: the server "
                   "accepts any token.")] = "127.0.0.1",
          port: Annotated[int, Option("--port", click_type=INT, metavar="PORT",
                                      help="TCP port to listen on.")] = 8443,
          cert: Annotated[Optional[str], Option(
              "--cert", metavar="FILE",
              help="Server certificate (PEM) to use instead of one issued by the home's CA; "
                   "needs --key.")] = None,
          key: Annotated[Optional[str], Option(
              "--key", metavar="FILE", help="Private key (PEM) of --cert.")] = None,
          print_ca: Annotated[bool, Option(
              "--print-ca", help="Print the home's CA certificate (PEM), made on first use, "
                                 "and exit.")] = False):
    import sys

    from kvcli.errors import KvError, UsageError

    home = open_home()
    if print_ca:
        from kvcli.serve import tls

        sys.stdout.write(tls.ca_pem(home).decode("ascii"))
        return None
    if (cert is None) != (key is None):
        raise UsageError("usage error: --cert and --key must be given together")
    if not 0 < port < 65536:
        raise KvError(f"Port {port} is not between 1 and 65535.")
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise KvError("kvcli serve needs the optional 'serve' extra (Starlette and uvicorn). "
                      "Install it with: pip install 'kvcli[serve]'") from None
    if not _is_loopback(host):
        console.warning(f"kvcli serve is binding to '{host}', which is not a loopback "
                        "address: anyone who can reach it may read and change this home's "
                        "vaults (kvcli accepts any bearer token).")
    import gc
    from pathlib import Path

    from kvcli.serve import server

    gc.enable()  # off for short commands (kvcli.run); a server lives long
    server.run(home, host, port, Path(cert) if cert else None, Path(key) if key else None)


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
