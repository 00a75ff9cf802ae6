"""Where the state home is and how it is laid out; the only module that decides paths.

One file per resource, so that changing one object reads and writes one small file
whatever the number of vaults or objects:

    HOME/home.json                      format version, subscription, tenant, clock offset
    HOME/.lock                          inter-process lock for every change
    HOME/.tmp/                          temp files of writers (cleared by the next writer)
    HOME/groups/<group>.json            one resource group
    HOME/vaults/<vault>/vault.json      one vault (active or soft-deleted)
    HOME/vaults/<vault>/<kind>/<name>.json   one object with all its versions
    HOME/keys/                          keys kept in the home (data-at-rest, backup)
    HOME/principals.json                users of the home's directory
    HOME/roleassignments.json           RBAC role assignments
    HOME/audit/log.jsonl                audit log, one hash-chained JSON line per operation
    HOME/audit/head.json                number and hash of the log's last line
    HOME/serve/                         `kvcli serve`'s CA and server certificate (PEM)

Every name that becomes part of a path passes `check_name` first: the one gate. A name that
is not a valid Azure name of its kind never reaches the filesystem. Names are stored
lower-cased because Azure compares them case-insensitively.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kvcli.errors import KvError

# Azure's naming rules, per kind of name. fullmatch: `$` would let a trailing newline in.
NAME_RULES = {
    # ARM: 1-90 of letters (Unicode too), digits, '-', '_', '.', '(', ')'; no trailing '.'.
    "group": re.compile(r"(?=.{1,90}\Z)[-\w.()]*[-\w()]"),
    # Key Vault: 3-24 of [0-9a-zA-Z-], starts with a letter, ends alphanumeric, no '--'.
    "vault": re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]"),
    # Secrets, keys, certificates: 1-127 of [0-9a-zA-Z-].
    "object": re.compile(r"[0-9a-zA-Z-]{1,127}"),
}
# Collections an object kind may be stored under.
COLLECTIONS = frozenset({"secrets", "keys", "certificates"})


class InvalidName(KvError):
    """A name that may not become a path. The core turns it into az's error for the command;
    reaching the user as it is means a code path skipped the core's check."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"The {kind} name '{name}' is invalid.")
        self.kind = kind
        self.name = name


def is_valid(kind: str, name: object) -> bool:
    return isinstance(name, str) and NAME_RULES[kind].fullmatch(name) is not None


def check_name(kind: str, name: object) -> str:
    """The gate: the lower-cased file-system form of a valid name, else InvalidName."""
    if not is_valid(kind, name):
        raise InvalidName(kind, str(name))
    return name.lower()  # type: ignore[union-attr]


def home_dir() -> Path:
    """`KVCLI_HOME` if set, else the platform's user data directory."""
    env = os.environ.get("KVCLI_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kvcli"))


def home_file(home: Path) -> Path:
    return home / "home.json"


def lock_file(home: Path) -> Path:
    return home / ".lock"


def groups_dir(home: Path) -> Path:
    return home / "groups"


def group_file(home: Path, name: str) -> Path:
    return groups_dir(home) / f"{check_name('group', name)}.json"


def vaults_dir(home: Path) -> Path:
    return home / "vaults"


def vault_dir(home: Path, name: str) -> Path:
    return vaults_dir(home) / check_name("vault", name)


def vault_file(home: Path, name: str) -> Path:
    return vault_dir(home, name) / "vault.json"


def objects_dir(home: Path, vault: str, kind: str) -> Path:
    if kind not in COLLECTIONS:
        raise InvalidName("collection", kind)
    return vault_dir(home, vault) / kind


def object_file(home: Path, vault: str, kind: str, name: str) -> Path:
    return objects_dir(home, vault, kind) / f"{check_name('object', name)}.json"


def keys_dir(home: Path) -> Path:
    return home / "keys"


def key_file(home: Path, name: str) -> Path:
    return keys_dir(home) / name


def principals_file(home: Path) -> Path:
    return home / "principals.json"


def role_assignments_file(home: Path) -> Path:
    return home / "roleassignments.json"


def audit_dir(home: Path) -> Path:
    return home / "audit"


def audit_log_file(home: Path) -> Path:
    return audit_dir(home) / "log.jsonl"


def audit_head_file(home: Path) -> Path:
    return audit_dir(home) / "head.json"


def serve_file(home: Path, name: str) -> Path:
    return home / "serve" / name
