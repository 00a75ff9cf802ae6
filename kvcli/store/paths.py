"""Where the state home is and how it is laid out; the only module that decides paths.

One file per resource, so that changing one object reads and writes one small file
whatever the number of vaults or objects:

    HOME/home.json                      format version, subscription, tenant, clock offset
    HOME/.lock                          inter-process lock for every change
    HOME/groups/<group>.json            one resource group
    HOME/vaults/<vault>/vault.json      one vault (active or soft-deleted)
    HOME/vaults/<vault>/<kind>/<name>.json   one object with all its versions
    HOME/keys/                          keys kept in the home (data-at-rest, backup)
    HOME/principals.json                users of the home's directory
    HOME/roleassignments.json           RBAC role assignments
    HOME/audit/log.jsonl                audit log, one hash-chained JSON line per operation
    HOME/audit/head.json                number and hash of the log's last line

Names are stored lower-cased because Azure compares them case-insensitively.
"""

from __future__ import annotations

import os
from pathlib import Path


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
    return groups_dir(home) / f"{name.lower()}.json"


def vaults_dir(home: Path) -> Path:
    return home / "vaults"


def vault_dir(home: Path, name: str) -> Path:
    return vaults_dir(home) / name.lower()


def vault_file(home: Path, name: str) -> Path:
    return vault_dir(home, name) / "vault.json"


def objects_dir(home: Path, vault: str, kind: str) -> Path:
    return vault_dir(home, vault) / kind


def object_file(home: Path, vault: str, kind: str, name: str) -> Path:
    return objects_dir(home, vault, kind) / f"{name.lower()}.json"


def keys_dir(home: Path) -> Path:
    return home / "keys"


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
