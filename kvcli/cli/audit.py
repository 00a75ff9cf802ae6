"""`kvcli audit ...`: who did what to which vault, and whether the log is intact
(kvcli's counterpart of Key Vault's AuditEvent log)."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import choice

app = new_app()


def _table(rows):
    return [{"Number": r["number"], "Time": r["time"], "Operation": r["operationName"],
             "Caller": r["callerUpn"], "Result": r["result"], "Status": r["httpStatusCode"],
             "Resource": r["requestUri"] or r["resourceId"]} for r in rows]


@command(app, "list", help="List audit log entries, oldest first, matching every filter given.",
         examples=("Who purged secrets, and when?\n"
                   "    kvcli audit list --operation SecretPurge -o table",
                   "What was refused to Alice?\n"
                   "    kvcli audit list --caller alice@contoso.com --result Denied"),
         table=_table)
def list_entries(vault_name: Annotated[Optional[str], Option(
                     "--vault-name", metavar="NAME", help="Only this vault.")] = None,
                 operation: Annotated[Optional[str], Option(
                     "--operation", metavar="NAME",
                     help="Only this operation, as Key Vault logs it (SecretPurge, "
                          "VaultDelete, ...).")] = None,
                 caller: Annotated[Optional[str], Option(
                     "--caller", metavar="UPN_OR_ID",
                     help="Only this caller's user principal name or object id.")] = None,
                 since: Annotated[Optional[str], Option(
                     "--since", metavar="TIME",
                     help="Only entries at or after this time (ISO 8601, UTC unless an "
                          "offset is given).")] = None,
                 result: Annotated[Optional[str], Option(
                     "--result", click_type=choice("Success", "Failed", "Denied"),
                     metavar="{Success, Failed, Denied}",
                     help="Only this outcome.")] = None):
    from kvcli.core import audit
    from kvcli.core.timeutil import parse_instant

    return audit.list_entries(open_home(), vault_name=vault_name, operation=operation,
                              caller=caller, since=parse_instant(since) if since else None,
                              result=result)


@command(app, "verify", help="Check the audit log's hash chain: an edited, removed, inserted "
         "or reordered line fails with its line number.",
         examples=("Verify the log:\n    kvcli audit verify",))
def verify():
    from kvcli.core import audit

    return audit.verify(open_home())
