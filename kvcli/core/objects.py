"""What every vault object kind shares: addressing, reachability and the lifecycle.

Secrets, keys and certificates differ only in their versions' payload; finding them,
soft-deleting, recovering and purging them is written once here over `lifecycle`.
A stored object is one file: `{"name", "versions": [oldest..newest], "deleted"}`.
"""

from __future__ import annotations

from typing import NamedTuple

from kvcli.core import lifecycle, messages
from kvcli.core.clock import home_now
from kvcli.core.lifecycle import State
from kvcli.core.timeutil import data_plane
from kvcli.store import paths, schema
from kvcli.store.home import Home, ReadOnlyHome


class ObjectKind(NamedTuple):
    collection: str
    deleted_collection: str
    noun: str
    label: str
    not_found_code: str


SECRET = ObjectKind("secrets", "deletedsecrets", "secret", "Secret", "SecretNotFound")


class DataPlaneVault:
    """An active vault as its data plane sees it; a missing or deleted vault does not resolve."""

    def __init__(self, home: Home, vault_name: str) -> None:
        from kvcli.core.vaults import read_vault

        record = read_vault(home, vault_name)
        if record is None or record.get("deleted"):
            raise messages.vault_unreachable(vault_name)
        self.home = home
        self.record = record
        self.name = record["name"]

    @property
    def uri(self) -> str:
        return f"https://{self.name.lower()}.vault.azure.net"

    @property
    def retention_days(self) -> int:
        return self.record["retentionDays"]

    @property
    def purge_protection(self) -> bool:
        return bool(self.record["purgeProtection"])

    @property
    def geography(self) -> str:
        from kvcli.core.locations import geography_of

        return geography_of(self.record["location"])

    @property
    def recovery_level(self) -> str:
        return lifecycle.recovery_level(self.retention_days, self.purge_protection)

    def object_id(self, kind: ObjectKind, name: str, version: str | None = None) -> str:
        base = f"{self.uri}/{kind.collection}/{name}"
        return f"{base}/{version}" if version else base

    def recovery_id(self, kind: ObjectKind, name: str) -> str:
        return f"{self.uri}/{kind.deleted_collection}/{name}"

    # --- objects ----------------------------------------------------------------------
    def _file(self, kind: ObjectKind, name: str):
        return paths.object_file(self.home.root, self.name, kind.collection, name)

    def _stored(self, kind: ObjectKind, name: str) -> dict | None:
        """The object file as stored; None for a name no object can have (never touches the
        disk)."""
        if not paths.is_valid("object", name):
            return None
        return self.home.read(self._file(kind, name), schema.object_shape(kind.collection),
                              name)

    def read(self, kind: ObjectKind, name: str) -> dict | None:
        """The stored object, active or soft-deleted; None once gone (purged or expired)."""
        record = self._stored(kind, name)
        if lifecycle.state_of(record, home_now(self.home)) is State.GONE:
            if record is not None:
                self._purge_expired(kind, name)
            return None
        return record

    def _purge_expired(self, kind: ObjectKind, name: str) -> None:
        """Past its scheduled purge date an object is purged for good, whatever the clock
        does later. A read-only home still answers: the purge waits for a writable run."""
        try:
            with self.home.locked():
                record = self._stored(kind, name)
                if record is not None and lifecycle.state_of(
                        record, home_now(self.home)) is State.GONE:
                    self.home.remove(self._file(kind, name))
        except ReadOnlyHome:
            pass

    def active(self, kind: ObjectKind, name: str, *, show: bool = False) -> dict:
        record = self.read(kind, name)
        if record is None or record.get("deleted"):
            raise messages.object_not_found(kind, name, show=show)
        return record

    def deleted(self, kind: ObjectKind, name: str) -> dict:
        record = self.read(kind, name)
        if record is None or not record.get("deleted"):
            raise messages.deleted_object_not_found(kind, name)
        return record

    def ensure_name_free(self, kind: ObjectKind, name: str) -> dict | None:
        """The active object of that name (to add a version to), refusing a soft-deleted one."""
        if not paths.is_valid("object", name):
            raise messages.object_name_invalid(name)
        record = self.read(kind, name)
        if record is not None and record.get("deleted"):
            raise messages.object_name_deleted(kind, record["name"])
        return record

    def write(self, kind: ObjectKind, record: dict) -> None:
        self.home.write(self._file(kind, record["name"]), record)

    def all(self, kind: ObjectKind) -> list[dict]:
        """Every reachable object of a kind, active and soft-deleted, in name order."""
        directory = paths.objects_dir(self.home.root, self.name, kind.collection)
        now = home_now(self.home)
        records = []
        for name, record in self.home.read_all(directory, schema.object_shape(kind.collection),
                                               "object"):
            if lifecycle.state_of(record, now) is not State.GONE:
                records.append(record)
            else:
                self._purge_expired(kind, name)
        return records

    # --- sealed payloads -------------------------------------------------------------
    def seal(self, kind: ObjectKind, name: str, version: str, plaintext: bytes) -> dict:
        """Seal a value of one object version under the data key, bound to its place."""
        from kvcli.core import sealing

        return sealing.seal(self.home.key(sealing.DATA_KEY), plaintext,
                            sealing.place(self.name, kind.noun, name, version))

    def unseal(self, kind: ObjectKind, name: str, version: str, box: dict) -> bytes:
        """Open a sealed value; one that does not open here is damage named by its file."""
        from kvcli.core import sealing
        from kvcli.errors import StateError

        key = self.home.key(sealing.DATA_KEY)
        try:
            return sealing.unseal(key, box, sealing.place(self.name, kind.noun, name, version))
        except StateError:
            raise StateError(
                f"The state file '{self._file(kind, name)}' is damaged: the sealed value of "
                f"version {version} does not open with this home's data key (it was altered, "
                "or copied from another place). kvcli will not overwrite it.") from None

    # --- lifecycle --------------------------------------------------------------------
    def soft_delete(self, kind: ObjectKind, name: str) -> dict:
        with self.home.locked():
            record = self.active(kind, name)
            lifecycle.soft_delete(record, home_now(self.home), self.retention_days)
            self.write(kind, record)
        return record

    def recover(self, kind: ObjectKind, name: str) -> dict:
        with self.home.locked():
            record = self.deleted(kind, name)
            lifecycle.recover(record)
            self.write(kind, record)
        return record

    def purge(self, kind: ObjectKind, name: str) -> None:
        with self.home.locked():
            record = self.deleted(kind, name)
            if lifecycle.purge_blocked(record, home_now(self.home), self.purge_protection):
                raise messages.object_purge_protected()
            self.home.remove(self._file(kind, name))

    def restore(self, kind: ObjectKind, record: dict) -> None:
        """Add a restored object; its name must be free, active or soft-deleted alike."""
        with self.home.locked():
            existing = self.read(kind, record["name"])
            if existing is not None and existing.get("deleted"):
                raise messages.object_name_deleted(kind, existing["name"])
            if existing is not None:
                raise messages.restore_name_in_use(kind, existing["name"])
            self.write(kind, record)

    def deleted_fields(self, kind: ObjectKind, record: dict) -> dict:
        """The three fields a deleted object adds to its normal shape."""
        return {
            "deletedDate": data_plane(record["deleted"]["deletedDate"]),
            "recoveryId": self.recovery_id(kind, record["name"]),
            "scheduledPurgeDate": data_plane(record["deleted"]["scheduledPurgeDate"]),
        }


def new_version() -> str:
    import uuid

    return uuid.uuid4().hex
