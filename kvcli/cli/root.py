"""Commands at the root of the tree (`kvcli version`), declared like any group's."""

from __future__ import annotations

from kvcli.cli.app import new_app
from kvcli.cli.command import command

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
