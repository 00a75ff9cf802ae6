"""What every vault object kind shares: addressing, reachability and the lifecycle.

Secrets, keys and certificates differ only in their versions' payload; finding them,
soft-deleting, recovering and purging them is written once here over `lifecycle`.
A stored object is one file: `{"name", "versions": [oldest..newest], "deleted"}`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator, NamedTuple

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
KEY = ObjectKind("keys", "deletedkeys", "key", "Key", "KeyNotFound")
CERTIFICATE = ObjectKind("certificates", "deletedcertificates", "certificate", "Certificate",
                         "CertificateNotFound")


# Inside `vaults_read_once`: vault records read, by (home, lowered name, home.writes).
_READ_ONCE: ContextVar[dict | None] = ContextVar("kvcli_vaults_read_once", default=None)


@contextmanager
def vaults_read_once() -> Iterator[None]:
    """Within, each `DataPlaneVault(home, name)` reads the vault's file once until the home
    writes something: an operation resolves its vault for the access check and again in its
    body. Only for a caller that holds the home's lock throughout (or a read-only home), so
    that no other process can change the file meanwhile."""
    if _READ_ONCE.get() is not None:
        yield
        return
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


class DataPlaneVault:
    """An active vault as its data plane sees it; a missing or deleted vault does not resolve."""

    def __init__(self, home: Home, vault_name: str) -> None:
        from kvcli.core.vaults import read_vault

        read = _READ_ONCE.get()
        key = (home, vault_name.lower(), home.writes)
        record = read.get(key) if read is not None else None
        if record is None:
            record = read_vault(home, vault_name)
            if record is None or record.get("deleted"):
                raise messages.vault_unreachable(vault_name)
            if read is not None:
                read[key] = record
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
        """The active object of that name (to add a version to), refusing a soft-deleted one
        and one whose lifetime belongs to its owner."""
        if not paths.is_valid("object", name):
            raise messages.object_name_invalid(name)
        record = self.read(kind, name)
        if record is not None and record.get("deleted"):
            raise messages.object_name_deleted(kind, record["name"])
        if record is not None and is_managed(record):
            raise messages.object_managed(kind, "set")
        self._refuse_owners_name(kind, name, "set")
        self.ensure_owned_names_free(kind, name)
        return record

    def _refuse_owners_name(self, kind: ObjectKind, name: str, operation: str) -> None:
        """A name a certificate gives (or, while its request is pending, will give) its key
        and secret is not free for a plain key or secret."""
        for owner, owned_kinds in OWNED.items():
            if kind in owned_kinds and self.read(owner, name) is not None:
                raise messages.object_managed(kind, operation)

    def write(self, kind: ObjectKind, record: dict) -> None:
        self.home.write(self._file(kind, record["name"]), record)

    def remove(self, kind: ObjectKind, name: str) -> None:
        """Remove an object outright (a certificate whose only request was cancelled)."""
        self.home.remove(self._file(kind, name))

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

    def each(self, kind: ObjectKind, after: str | None = None) -> Iterator[dict]:
        """The reachable objects of a kind after the one named `after`, in the order of
        `all`, read one at a time: a caller that stops early (one page of a list) reads
        only what it returns."""
        directory = paths.objects_dir(self.home.root, self.name, kind.collection)
        start = f"{after.lower()}.json" if after is not None else None
        for entry in self.home.entries(directory):
            name = entry[:-len(".json")]
            if (not entry.endswith(".json") or not paths.is_valid("object", name)
                    or (start is not None and entry <= start)):
                continue
            record = self.read(kind, name)
            if record is not None:
                yield record

    def listing(self, kind: ObjectKind, *, after: str | None = None,
                limited: bool = False) -> Iterable[dict]:
        """What a list reads: a whole list in one pass over the directory (`all`); a list
        that starts `after` a name or stops at a count one object at a time (`each`)."""
        return self.each(kind, after) if after is not None or limited else self.all(kind)

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
    # A kind may own objects of other kinds under its own name (a certificate owns a managed
    # key and a managed secret): they are deleted, recovered, purged and restored with it,
    # and refuse those operations, and any change, on their own.
    def _owned(self, kind: ObjectKind, name: str) -> list[tuple[ObjectKind, dict]]:
        found = []
        for owned_kind in OWNED.get(kind, ()):
            record = self.read(owned_kind, name)
            if record is not None and is_managed(record):
                found.append((owned_kind, record))
        return found

    def changeable(self, kind: ObjectKind, name: str, operation: str = "update") -> dict:
        """The active object, refused when its lifetime belongs to its owner."""
        record = self.active(kind, name)
        if is_managed(record):
            raise messages.object_managed(kind, operation)
        return record

    def ensure_owned_names_free(self, kind: ObjectKind, name: str) -> None:
        """The names an owner will give its managed objects may not be held by plain ones."""
        for owned_kind in OWNED.get(kind, ()):
            record = self.read(owned_kind, name)
            if record is not None and not is_managed(record):
                raise messages.owned_name_in_use(kind, owned_kind, record["name"])

    def soft_delete(self, kind: ObjectKind, name: str) -> dict:
        with self.home.locked():
            record = self.changeable(kind, name, "delete")
            now = home_now(self.home)
            for owned_kind, owned in [(kind, record), *self._owned(kind, name)]:
                if not owned.get("deleted"):
                    lifecycle.soft_delete(owned, now, self.retention_days)
                    self.write(owned_kind, owned)
        return record

    def recover(self, kind: ObjectKind, name: str) -> dict:
        with self.home.locked():
            record = self.deleted(kind, name)
            if is_managed(record):
                raise messages.object_managed(kind, "recover")
            for owned_kind, owned in [(kind, record), *self._owned(kind, name)]:
                if owned.get("deleted"):
                    lifecycle.recover(owned)
                    self.write(owned_kind, owned)
        return record

    def purge(self, kind: ObjectKind, name: str) -> None:
        with self.home.locked():
            record = self.deleted(kind, name)
            if is_managed(record):
                raise messages.object_managed(kind, "purge")
            if lifecycle.purge_blocked(record, home_now(self.home), self.purge_protection):
                raise messages.object_purge_protected()
            for owned_kind, owned in [(kind, record), *self._owned(kind, name)]:
                self.home.remove(self._file(owned_kind, owned["name"]))

    def restore(self, kind: ObjectKind, record: dict,
                owned: dict[ObjectKind, dict] | None = None) -> None:
        """Add a restored object (with the objects it owns); every name must be free,
        active or soft-deleted alike."""
        with self.home.locked():
            if not owned:
                self._refuse_owners_name(kind, record["name"], "restore")
            for each_kind, each in [(kind, record), *(owned or {}).items()]:
                existing = self.read(each_kind, each["name"])
                if existing is not None and existing.get("deleted"):
                    raise messages.object_name_deleted(each_kind, existing["name"])
                if existing is not None:
                    raise messages.restore_name_in_use(each_kind, existing["name"])
            for each_kind, each in [(kind, record), *(owned or {}).items()]:
                self.write(each_kind, each)

    def deleted_fields(self, kind: ObjectKind, record: dict) -> dict:
        """The three fields a deleted object adds to its normal shape."""
        return {
            "deletedDate": data_plane(record["deleted"]["deletedDate"]),
            "recoveryId": self.recovery_id(kind, record["name"]),
            "scheduledPurgeDate": data_plane(record["deleted"]["scheduledPurgeDate"]),
        }


# What each kind owns under its own name (see DataPlaneVault's lifecycle).
OWNED: dict[ObjectKind, tuple[ObjectKind, ...]] = {CERTIFICATE: (KEY, SECRET)}


def is_managed(record: dict) -> bool:
    """Whether an object's lifetime belongs to the object that owns it."""
    return bool(record["versions"][-1].get("managed"))


def page(items: list, max_results: int | None) -> list:
    """`--maxresults N`: the first N items (az truncates client-side); None: all of them."""
    return items if max_results is None else items[:max_results]

