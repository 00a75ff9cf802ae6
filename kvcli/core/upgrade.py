"""Bring a home written by an older kvcli up to the current format, once, under the lock.

Format 1 made some directories with the umask's mode, sealed secret values with the associated data `secret/<name>/<version>`, which
did not name the vault, and made its keys on first use. Format 2 binds every sealed value
to its full place (`sealing.place`) and has both keys from the start. Upgrading re-seals
every stored value in place; a value that does not open under format 1's rule stops the
upgrade with the file named, and nothing is half-converted (each file is replaced whole,
and the format number is written last, so an interrupted upgrade simply runs again).
"""

from __future__ import annotations

from kvcli.core import sealing
from kvcli.errors import StateError
from kvcli.store import paths, schema
from kvcli.store.home import FORMAT_VERSION, Home


def upgrade(home: Home) -> None:
    with home.locked():
        if home.format >= FORMAT_VERSION:
            return
        home.tighten_modes()
        secret_files = _secret_files(home)
        home.ensure_keys(may_create_data_key=not secret_files)
        key = home.key(sealing.DATA_KEY)
        for vault_name, path in secret_files:
            record = home.read(path, schema.object_shape("secrets"))
            if record is None:
                continue
            for version in record["versions"]:
                legacy = f"secret/{record['name'].lower()}/{version['version']}"
                try:
                    plain = sealing.unseal(key, version["value"], legacy)
                except StateError:
                    plain = sealing.unseal(key, version["value"], sealing.place(
                        vault_name, "secret", record["name"], version["version"]))
                version["value"] = sealing.seal(key, plain, sealing.place(
                    vault_name, "secret", record["name"], version["version"]))
            home.write(path, record)
        home.meta["format"] = FORMAT_VERSION
        home.save_meta()


def _secret_files(home: Home) -> list[tuple[str, object]]:
    found = []
    for vault_name in home.entries(paths.vaults_dir(home.root)):
        if not paths.is_valid("vault", vault_name):
            continue
        directory = paths.objects_dir(home.root, vault_name, "secrets")
        for entry in home.entries(directory):
            name = entry.removesuffix(".json")
            if entry.endswith(".json") and paths.is_valid("object", name):
                found.append((vault_name, paths.object_file(home.root, vault_name, "secrets",
                                                            name)))
    return found
