"""The official azure-keyvault-secrets SDK against a live `kvcli serve`."""

from __future__ import annotations

import http.client
import json
import ssl

import pytest

from tests.serve.conftest import ADMIN, FakeCredential, jwt

pytest.importorskip("azure.keyvault.secrets", reason="the 'serve-test' extra is not installed")

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError  # noqa: E402
from azure.keyvault.secrets import SecretClient  # noqa: E402


def client(served, vault: str, **claims) -> SecretClient:
    return SecretClient(served.url(vault), FakeCredential(**(claims or {"upn": ADMIN})),
                        connection_verify=str(served.ca_file),
                        verify_challenge_resource=False)


def cli_json(kv, *args):
    result = kv(*args)
    assert result.exit_code == 0, result.stderr
    return result.json


def test_set_get_list_versions_update_through_the_sdk(served, new_vault):
    vault = new_vault("sdk-basics")
    secrets = client(served, vault)
    first = secrets.set_secret("db", "one", content_type="text/plain", tags={"env": "lab"})
    second = secrets.set_secret("db", "two")
    assert first.id == f"https://{vault}.vault.azure.net/secrets/db/{first.properties.version}"
    assert first.properties.content_type == "text/plain"
    assert first.properties.tags == {"env": "lab"}
    assert first.properties.recovery_level == "Recoverable+Purgeable"
    assert first.properties.created_on.isoformat() == "2026-01-01T00:00:00+00:00"
    assert secrets.get_secret("db").value == "two"
    assert secrets.get_secret("db", first.properties.version).value == "one"
    versions = {p.version for p in secrets.list_properties_of_secret_versions("db")}
    assert versions == {first.properties.version, second.properties.version}
    updated = secrets.update_secret_properties("db", enabled=False, tags={"t": "1"})
    assert (updated.enabled, updated.tags) == (False, {"t": "1"})
    with pytest.raises(HttpResponseError) as refused:
        secrets.get_secret("db")
    assert refused.value.status_code == 403
    assert refused.value.error.code == "Forbidden"


def test_list_pages_with_next_link_and_maxresults(served, new_vault):
    vault = new_vault("sdk-paging")
    secrets = client(served, vault)
    names = [f"s{i:02d}" for i in range(30)]
    for name in names:
        secrets.set_secret(name, "v")
    pages = list(secrets.list_properties_of_secrets(max_page_size=7).by_page())
    listed = [[p.name for p in page] for page in pages]
    assert [len(page) for page in listed] == [7, 7, 7, 7, 2]
    assert sum(listed, []) == names
    assert f'"GET /vaults/{vault}/secrets" 200' in served.log()
    for _ in range(2):
        secrets.set_secret("s00", "again")
    versions = list(secrets.list_properties_of_secret_versions("s00", max_page_size=2)
                    .by_page())
    assert [len(list(page)) for page in versions] == [2, 1]
    for name in names[:5]:
        secrets.begin_delete_secret(name).result()
    deleted = list(secrets.list_deleted_secrets(max_page_size=2).by_page())
    assert [[d.name for d in page] for page in deleted] == [["s00", "s01"], ["s02", "s03"],
                                                            ["s04"]]
    assert [p.name for p in secrets.list_properties_of_secrets()] == names[5:]


def test_delete_recover_purge_and_deleted_views(served, new_vault):
    vault = new_vault("sdk-lifecycle")
    secrets = client(served, vault)
    secrets.set_secret("gone", "x")
    deleted = secrets.begin_delete_secret("gone").result()
    assert deleted.recovery_id == f"https://{vault}.vault.azure.net/deletedsecrets/gone"
    assert deleted.scheduled_purge_date.isoformat() == "2026-04-01T00:00:00+00:00"
    assert [d.name for d in secrets.list_deleted_secrets()] == ["gone"]
    assert secrets.get_deleted_secret("gone").deleted_date.isoformat() == \
        "2026-01-01T00:00:00+00:00"
    with pytest.raises(HttpResponseError) as reused:
        secrets.set_secret("gone", "y")
    assert reused.value.status_code == 409
    assert reused.value.error.code == "Conflict"
    assert reused.value.error.innererror["code"] == "ObjectIsDeletedButRecoverable"
    assert secrets.begin_recover_deleted_secret("gone").result().name == "gone"
    assert secrets.get_secret("gone").value == "x"
    secrets.begin_delete_secret("gone").result()
    secrets.purge_deleted_secret("gone")
    assert list(secrets.list_deleted_secrets()) == []
    with pytest.raises(ResourceNotFoundError) as missing:
        secrets.get_secret("gone")
    assert missing.value.error.code == "SecretNotFound"
    assert "was not found in this key vault" in missing.value.error.message


def test_backup_restore_round_trip(served, new_vault):
    vault = new_vault("sdk-backup")
    secrets = client(served, vault)
    original = secrets.set_secret("keep", "precious")
    blob = secrets.backup_secret("keep")
    with pytest.raises(HttpResponseError) as taken:
        secrets.restore_secret_backup(blob)
    assert taken.value.status_code == 409
    secrets.begin_delete_secret("keep").result()
    secrets.purge_deleted_secret("keep")
    restored = secrets.restore_secret_backup(blob)
    assert restored.id == original.id
    assert secrets.get_secret("keep").value == "precious"


def test_a_cli_change_is_seen_by_the_sdk_and_the_reverse(served, new_vault, kv):
    vault = new_vault("sdk-cli")
    secrets = client(served, vault)
    cli_json(kv, "keyvault", "secret", "set", "--vault-name", vault, "-n", "shared",
             "--value", "from-cli")
    assert secrets.get_secret("shared").value == "from-cli"
    secrets.set_secret("shared", "from-sdk")
    shown = cli_json(kv, "keyvault", "secret", "show", "--vault-name", vault, "-n", "shared")
    assert shown["value"] == "from-sdk"
    secrets.begin_delete_secret("shared").result()
    listed = cli_json(kv, "keyvault", "secret", "list-deleted", "--vault-name", vault)
    assert [item["name"] for item in listed] == ["shared"]


def test_a_principal_without_a_role_gets_key_vaults_403(served, new_vault, kv):
    vault = new_vault("sdk-denied")
    assert kv("ad", "user", "create", "--display-name", "Bob", "--user-principal-name",
              "bob@kvcli.local", "--password", "x", "-o", "none").exit_code == 0
    bob = client(served, vault, upn="bob@kvcli.local")
    with pytest.raises(HttpResponseError) as denied:
        bob.set_secret("nope", "v")
    assert denied.value.status_code == 403
    assert denied.value.error.code == "Forbidden"
    assert denied.value.error.innererror["code"] == "ForbiddenByRbac"
    assert "Microsoft.KeyVault/vaults/secrets/setSecret/action" in denied.value.error.message
    denial = cli_json(kv, "audit", "list", "--vault-name", vault)[-1]
    assert (denial["operationName"], denial["httpStatusCode"], denial["result"],
            denial["callerUpn"]) == ("SecretSet", 403, "Denied", "bob@kvcli.local")
    bob_id = cli_json(kv, "ad", "user", "show", "--id", "bob@kvcli.local")["id"]
    by_oid = client(served, vault, oid=bob_id)
    with pytest.raises(HttpResponseError) as by_object_id:
        by_oid.list_properties_of_secrets().next()
    assert by_object_id.value.status_code == 403
    assert cli_json(kv, "account", "show")["user"]["name"] == ADMIN  # nobody signed in


def test_purge_protection_and_automatic_purge_through_the_clock(served, new_vault, kv):
    vault = new_vault("sdk-protected", "--retention-days", "7",
                      "--enable-purge-protection", "true")
    secrets = client(served, vault)
    secrets.set_secret("locked", "v")
    secrets.begin_delete_secret("locked").result()
    with pytest.raises(HttpResponseError) as protected:
        secrets.purge_deleted_secret("locked")
    assert protected.value.status_code == 403
    assert "purge protection is enabled" in protected.value.error.message
    try:
        cli_json(kv, "clock", "advance", "--days", "8")
        assert list(secrets.list_deleted_secrets()) == []
        with pytest.raises(ResourceNotFoundError):
            secrets.get_deleted_secret("locked")
    finally:
        cli_json(kv, "clock", "reset")


# --- the wire without an SDK: routing by Host, the challenge, errors ----------------------
def raw(served, method: str, path: str, *, host: str, token: str | None = None,
        body: dict | None = None) -> tuple[int, dict, dict]:
    context = ssl.create_default_context(cafile=str(served.ca_file))
    connection = http.client.HTTPSConnection("127.0.0.1", served.port, context=context,
                                             timeout=30)
    headers = {"Host": host, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), json.loads(data) if data else {}


@pytest.mark.parametrize("host_form", ["{vault}.localhost:{port}", "{vault}.vault.azure.net"])
def test_the_vault_is_chosen_by_host(served, new_vault, host_form):
    vault = new_vault("host-" + host_form.split(".")[1].replace("localhost:{port}", "local"))
    host = host_form.format(vault=vault, port=served.port)
    status, _, body = raw(served, "PUT", "/secrets/h?api-version=7.4", host=host,
                          token=jwt(upn=ADMIN), body={"value": "by-host"})
    assert status == 200, body
    assert body["value"] == "by-host"
    assert body["id"].startswith(f"https://{vault}.vault.azure.net/secrets/h/")
    assert isinstance(body["attributes"]["created"], int)
    assert "name" not in body and "contentType" not in body
    status, _, body = raw(served, "GET", "/secrets/h/?api-version=7.6", host=host,
                          token=jwt(upn=ADMIN))
    assert (status, body["value"]) == (200, "by-host")


def test_no_token_gets_the_challenge_the_sdks_parse(served, new_vault, kv):
    vault = new_vault("challenge")
    tenant = cli_json(kv, "account", "show")["tenantId"]
    status, headers, body = raw(served, "GET", "/secrets?api-version=7.5",
                                host=f"{vault}.vault.azure.net")
    assert status == 401
    assert headers["www-authenticate"] == (
        f'Bearer authorization="https://login.microsoftonline.com/{tenant}", '
        'resource="https://vault.azure.net"')
    assert body["error"]["code"] == "Unauthorized"
    status, headers, _ = raw(served, "GET", "/secrets?api-version=7.5",
                             host=f"{vault}.localhost:{served.port}")
    assert f'resource="https://localhost:{served.port}"' in headers["www-authenticate"]


def test_errors_in_key_vaults_body(served, new_vault):
    vault = new_vault("errors")
    host = f"{vault}.vault.azure.net"
    token = jwt(upn=ADMIN)
    assert raw(served, "GET", "/secrets", host=host, token=token)[0] == 400
    status, _, body = raw(served, "GET", "/secrets?api-version=9.9", host=host, token=token)
    assert (status, body["error"]["code"]) == (400, "BadParameter")
    status, _, body = raw(served, "GET", "/secrets?api-version=7.4&maxresults=26", host=host,
                          token=token)
    assert (status, body["error"]["code"]) == (400, "BadParameter")
    status, _, body = raw(served, "PUT", "/secrets/x?api-version=7.4", host=host, token=token,
                          body={"value": 5})
    assert (status, body["error"]["code"]) == (400, "BadParameter")
    status, _, body = raw(served, "GET", "/storage/x?api-version=7.4", host=host,
                          token=token)
    assert (status, body["error"]["code"]) == (404, "BadParameter")
    status, _, body = raw(served, "GET", "/secrets?api-version=7.4",
                          host="nosuchvault.vault.azure.net", token=token)
    assert (status, body["error"]["code"]) == (404, "VaultNotFound")
    status, _, body = raw(served, "GET", "/secrets?api-version=7.4", host="localhost",
                          token=token)
    assert (status, body["error"]["code"]) == (404, "VaultNotFound")


def test_an_oversized_body_is_refused_before_the_core(served, new_vault):
    vault = new_vault("too-big")
    status, _, body = raw(served, "PUT", "/secrets/big?api-version=7.4",
                          host=f"{vault}.vault.azure.net", token=jwt(upn=ADMIN),
                          body={"value": "x" * (1024 * 1024 + 1)})
    assert (status, body["error"]["code"]) == (413, "RequestEntityTooLarge")
    status, _, body = raw(served, "PUT", "/secrets/big?api-version=7.4",
                          host=f"{vault}.vault.azure.net", token=jwt(upn=ADMIN),
                          body={"value": "x" * (25 * 1024 + 1)})
    assert (status, body["error"]["code"]) == (400, "BadParameter")  # the core's own limit


def test_the_health_endpoint_needs_no_vault_or_token(served):
    status, _, body = raw(served, "GET", "/kvcli/health", host="localhost")
    assert (status, body) == (200, {"status": "ok"})


def test_the_access_log_names_requests_never_values(served, new_vault):
    vault = new_vault("logged")
    client(served, vault).set_secret("quiet", "do-not-log-me")
    log = served.log()
    assert f'"PUT /vaults/{vault}/secrets/quiet" 200' in log
    assert "do-not-log-me" not in log


def test_sdk_and_cli_writers_share_the_homes_lock(served, new_vault, kv_process):
    """Writers in the server's threads and in CLI processes at once: no version is lost."""
    from concurrent.futures import ThreadPoolExecutor

    vault = new_vault("sdk-parallel")
    secrets = client(served, vault)
    secrets.set_secret("busy", "first")

    def sdk_writes(worker: int) -> None:
        for index in range(5):
            secrets.set_secret("busy", f"sdk-{worker}-{index}")

    def cli_writes(worker: int) -> None:
        for index in range(2):
            result = kv_process("keyvault", "secret", "set", "--vault-name", vault, "-n",
                                "busy", "--value", f"cli-{worker}-{index}", "-o", "none")
            assert result.exit_code == 0, result.stderr

    with ThreadPoolExecutor(max_workers=5) as pool:
        jobs = [pool.submit(sdk_writes, w) for w in range(3)]
        jobs += [pool.submit(cli_writes, w) for w in range(2)]
        for job in jobs:
            job.result()
    versions = list(secrets.list_properties_of_secret_versions("busy"))
    assert len(versions) == 1 + 3 * 5 + 2 * 2


def test_a_read_waits_for_a_held_lock_in_a_worker_not_on_the_event_loop(served, new_vault):
    """A GET answered on the event loop only when the home's lock is free: while another
    process holds it, the read waits in a worker thread, and the server keeps answering."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from kvcli.store import lock, paths

    vault = new_vault("lock-held")
    secrets = client(served, vault)
    secrets.set_secret("s", "before")
    with ThreadPoolExecutor(max_workers=1) as pool:
        with lock.exclusive(paths.lock_file(served.home)):
            waiting = pool.submit(secrets.get_secret, "s")
            time.sleep(0.5)
            assert not waiting.done()
            status, _, body = raw(served, "GET", "/kvcli/health", host="localhost")
            assert (status, body) == (200, {"status": "ok"})
        assert waiting.result(timeout=20).value == "before"
    assert secrets.get_secret("s").value == "before"  # and on the loop again
