"""The vault's request checks after a generic update: any edit ends stored or refused with an
az/service error, never with a traceback or a record the store would reject."""

from __future__ import annotations

import copy
from types import SimpleNamespace

from hypothesis import given, settings, strategies as st

from kvcli.core import vault_update
from kvcli.core.generic_update import Operation, apply
from kvcli.errors import KvError

TENANT = "00000000-0000-0000-0000-0000000000aa"
RECORD = {
    "name": "v1", "resourceGroup": "rg", "location": "eastus", "tags": {}, "sku": "standard",
    "tenantId": TENANT, "retentionDays": 90, "purgeProtection": False, "rbac": True,
    "enabledForDeployment": False, "enabledForDiskEncryption": False,
    "enabledForTemplateDeployment": False, "publicNetworkAccess": "Enabled",
    "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [],
                    "virtualNetworkRules": []},
    "accessPolicies": [],
}


def document() -> dict:
    properties = {"accessPolicies": [], "enablePurgeProtection": None,
                  "enableRbacAuthorization": True, "enableSoftDelete": True,
                  "enabledForDeployment": False, "enabledForDiskEncryption": False,
                  "enabledForTemplateDeployment": False,
                  "networkAcls": copy.deepcopy(RECORD["networkAcls"]),
                  "publicNetworkAccess": "Enabled", "sku": {"family": "A", "name": "standard"},
                  "softDeleteRetentionInDays": 90, "tenantId": TENANT,
                  "vaultUri": "https://v1.vault.azure.net/"}
    return {"id": "/x", "location": "eastus", "name": "v1", "properties": properties,
            "tags": {}, "type": "Microsoft.KeyVault/vaults"}


PATHS = st.sampled_from([
    "properties.sku.name", "properties.sku", "properties.networkAcls.ipRules",
    "properties.networkAcls.bypass", "properties.networkAcls", "properties.accessPolicies",
    "properties.softDeleteRetentionInDays", "properties.enablePurgeProtection",
    "properties.publicNetworkAccess", "properties.tenantId", "properties", "location", "tags",
    "tags.a", "properties.enableSoftDelete", "properties.enabledForDeployment"])
VALUES = st.sampled_from(["premium", "1", "true", "false", "null", "[]", "{}", '"None"',
                          '[{"value": "8.8.8.8"}]', '[{"value": "10.0.0.1"}]', "7", "eastus",
                          '[{"tenantId": "t", "objectId": "o", "permissions": {}}]', "x"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["set", "add", "remove"]), PATHS, VALUES),
                min_size=1, max_size=3))
def test_every_edit_is_stored_or_refused(edits):
    record = copy.deepcopy(RECORD)
    doc = document()
    operations = [Operation(kind, (f"{path}={value}",) if kind == "set" else
                            (path, value) if kind == "add" else (path,))
                  for kind, path, value in edits]
    try:
        apply(doc, operations)
        vault_update.store(SimpleNamespace(tenant_id=TENANT), record, doc)
    except KvError:
        assert record == RECORD  # a refused request changes nothing
        return
    assert record["sku"] in ("standard", "premium")
    assert record["retentionDays"] == 90
    assert isinstance(record["networkAcls"]["ipRules"], list)
    assert all(isinstance(value, str) for value in record["tags"].values())
