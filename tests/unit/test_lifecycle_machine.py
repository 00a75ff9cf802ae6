"""The soft-delete lifecycle against a tiny model, over random operation sequences."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kvcli.core import groups, secrets, vaults
from kvcli.errors import ServiceError
from kvcli.core.timeutil import from_stamp
from kvcli.store.home import Home
from kvcli.core.clock import home_now

NAMES = st.sampled_from(["alpha", "beta", "Alpha"])


class SecretLifecycle(RuleBasedStateMachine):
    """Model: name -> ("active", versions) | ("deleted", versions, purge_at); absent = gone."""

    @initialize(retention=st.integers(7, 90), protected=st.booleans())
    def make_vault(self, retention, protected):
        self.home = Home.open(Path(tempfile.mkdtemp()) / "home")
        groups.create_group(self.home, "rg", "eastus", None)
        vaults.create_vault(self.home, name="machine", resource_group="rg",
                            retention_days=retention, enable_purge_protection=protected)
        self.retention, self.protected = retention, protected
        self.model: dict[str, tuple] = {}

    def _now(self):
        return home_now(self.home)

    def _expire(self):
        now = self._now()
        for key, entry in list(self.model.items()):
            if entry[0] == "deleted" and now >= entry[2]:
                del self.model[key]

    def _call(self, operation, *args):
        try:
            return operation(self.home, "machine", *args), None
        except ServiceError as error:
            return None, error.code

    @rule(name=NAMES)
    def set_value(self, name):
        self._expire()
        key = name.lower()
        _, error = self._call(secrets.set_secret, name, "v")
        entry = self.model.get(key)
        if entry and entry[0] == "deleted":
            assert error == "Conflict"
        else:
            assert error is None
            self.model[key] = ("active", (entry[1] if entry else 0) + 1)

    @rule(name=NAMES)
    def delete(self, name):
        self._expire()
        key = name.lower()
        result, error = self._call(secrets.delete_secret, name)
        entry = self.model.get(key)
        if entry and entry[0] == "active":
            assert error is None
            purge_at = self._now() + timedelta(days=self.retention)  # KVCLI_NOW: whole seconds
            assert from_stamp(result["scheduledPurgeDate"]) == purge_at
            self.model[key] = ("deleted", entry[1], purge_at)
        else:
            assert error == "SecretNotFound"

    @rule(name=NAMES)
    def recover(self, name):
        self._expire()
        key = name.lower()
        _, error = self._call(secrets.recover_secret, name)
        entry = self.model.get(key)
        if entry and entry[0] == "deleted":
            assert error is None
            self.model[key] = ("active", entry[1])
        else:
            assert error == "SecretNotFound"

    @rule(name=NAMES)
    def purge(self, name):
        self._expire()
        key = name.lower()
        _, error = self._call(secrets.purge_secret, name)
        entry = self.model.get(key)
        if not entry or entry[0] != "deleted":
            assert error == "SecretNotFound"
        elif self.protected:
            assert error == "Forbidden"
        else:
            assert error is None
            del self.model[key]

    @rule(days=st.integers(0, 100), hours=st.integers(0, 23))
    def advance(self, days, hours):
        with self.home.locked():
            self.home.meta["clockOffsetSeconds"] += timedelta(days=days, hours=hours).total_seconds()
            self.home.save_meta()

    @invariant()
    def listings_match_model(self):
        if not hasattr(self, "model"):
            return
        self._expire()
        active = {s["name"].lower(): s for s in secrets.list_secrets(self.home, "machine")}
        deleted = {s["name"].lower() for s in secrets.list_deleted_secrets(self.home, "machine")}
        assert set(active) == {k for k, e in self.model.items() if e[0] == "active"}
        assert deleted == {k for k, e in self.model.items() if e[0] == "deleted"}
        for key in active:
            versions = secrets.list_versions(self.home, "machine", key)
            assert len(versions) == self.model[key][1]


TestSecretLifecycle = SecretLifecycle.TestCase
TestSecretLifecycle.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
