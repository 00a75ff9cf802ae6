"""`kvcli backup inspect`: what a blob holds, without revealing any value (kvcli extension)."""

from __future__ import annotations

from typing import Annotated

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Argument

app = new_app()


@command(app, "inspect", help="Show a backup blob's authenticated header: kind, name, source "
         "vault, subscription, geography, creation time and number of versions. Values stay "
         "sealed.",
         examples=("Inspect a secret backup:\n    kvcli backup inspect mysecret.blob",))
def inspect_blob(file: Annotated[str, Argument(metavar="FILE",
                                               help="The backup blob to inspect.")]):
    from kvcli.core import backup
    from kvcli.core.timeutil import data_plane

    blob = backup.read_blob_file(file)
    header, _ = backup.read_header(blob)
    return {
        "created": data_plane(header.get("created")),
        "format": blob[len(backup.MARKER)],
        "geography": header["geography"],
        "kind": header["kind"],
        "kvcliVersion": header.get("kvcliVersion"),
        "name": header["name"],
        "sourceVault": header.get("sourceVault"),
        "subscriptionId": header["subscriptionId"],
        "verified": backup.verifies(open_home(), blob),
        "versions": header.get("versions"),
    }
