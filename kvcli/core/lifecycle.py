"""One lifecycle for vaults, secrets, keys and certificates.

    ACTIVE --delete--> SOFT_DELETED --purge (if allowed)--> GONE
      ^                   |    |
      +----- recover -----+    +-- clock passes scheduledPurgeDate --> GONE

A record is any stored dict; its `deleted` entry is None while active, else the dates of
its soft deletion. Each kind brings its own error texts; the rules live only here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from kvcli.core.timeutil import from_stamp, to_stamp

MIN_RETENTION_DAYS = 7
MAX_RETENTION_DAYS = 90


class State(Enum):
    ACTIVE = "active"
    SOFT_DELETED = "soft-deleted"
    GONE = "gone"


def state_of(record: dict | None, now: datetime) -> State:
    """GONE covers both "never existed" and "retention has run out" (automatic purge)."""
    if record is None:
        return State.GONE
    deleted = record.get("deleted")
    if not deleted:
        return State.ACTIVE
    if now >= from_stamp(deleted["scheduledPurgeDate"]):
        return State.GONE
    return State.SOFT_DELETED


def soft_delete(record: dict, now: datetime, retention_days: int) -> None:
    record["deleted"] = {
        "deletedDate": to_stamp(now),
        "scheduledPurgeDate": to_stamp(now + timedelta(days=retention_days)),
    }


def recover(record: dict) -> None:
    record["deleted"] = None


def purge_blocked(record: dict, now: datetime, purge_protection: bool) -> bool:
    """Purge protection refuses a purge until the scheduled purge date has passed."""
    return purge_protection and now < from_stamp(record["deleted"]["scheduledPurgeDate"])


def recovery_level(retention_days: int, purge_protection: bool) -> str:
    """DeletionRecoveryLevel as Key Vault derives it from the vault's settings."""
    level = "Recoverable" if retention_days == MAX_RETENTION_DAYS else "CustomizedRecoverable"
    return level if purge_protection else f"{level}+Purgeable"
