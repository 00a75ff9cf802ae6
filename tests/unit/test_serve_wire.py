"""Key Vault's wire shapes and the per-request caller, without a server."""

from __future__ import annotations

import json

import pytest

from kvcli.errors import KvError, ServiceError, StateError
from kvcli.serve import wire

QUERY = {"api-version": "7.4"}


def items(count: int) -> list[dict]:
    return [{"id": f"https://v.vault.azure.net/secrets/s{i}", "name": f"s{i}"}
            for i in range(count)]


def test_a_view_becomes_key_vaults_json():
    view = {"attributes": {"created": "2026-01-01T00:00:00+00:00", "enabled": True,
                           "expires": None, "notBefore": "2026-01-02T00:00:00+00:00",
                           "recoverableDays": 90},
            "contentType": None, "id": "https://v.vault.azure.net/secrets/a/1", "name": "a",
            "tags": {}, "managed": None,
            "deletedDate": "2026-01-01T00:00:00+00:00"}
    assert wire.wire(view) == {
        "attributes": {"created": 1767225600, "enabled": True, "nbf": 1767312000,
                       "recoverableDays": 90},
        "id": "https://v.vault.azure.net/secrets/a/1", "deletedDate": 1767225600}


def test_pages_carry_a_next_link_when_there_is_more():
    url = "https://localhost:8443/vaults/v/secrets"
    first = wire.page(items(3), url, {**QUERY, "maxresults": "2"}, 2)
    assert [i["id"][-2:] for i in first["value"]] == ["s0", "s1"]
    token = wire.to_base64url(b"s1")
    assert first["nextLink"] == f"{url}?api-version=7.4&$skiptoken={token}&maxresults=2"
    assert wire.paging({**QUERY, "$skiptoken": token}, 25) == (25, "s1")
    assert wire.page(items(2), url, QUERY, 2)["nextLink"] is None
    assert wire.paging(QUERY, 25) == (25, None)


def test_a_list_read_whole_is_cut_after_the_cursor():
    versions = [{"id": f"https://v.vault.azure.net/secrets/a/{v}"} for v in ("x1", "x2", "x3")]
    assert wire.after_id(versions, "x1") == versions[1:]
    assert wire.after_id(versions, None) == versions
    with pytest.raises(ServiceError):
        wire.after_id(versions, "gone")


@pytest.mark.parametrize("query", [{"maxresults": "0"}, {"maxresults": "26"},
                                   {"maxresults": "x"}, {"$skiptoken": "!!"},
                                   {"$skiptoken": "_w"}])
def test_bad_paging_parameters_are_key_vaults_400(query):
    with pytest.raises(ServiceError) as refused:
        wire.paging({**QUERY, **query}, 25)
    assert (refused.value.status, refused.value.code) == (400, "BadParameter")


def test_error_bodies():
    conflict = ServiceError("Conflict", "taken", status=409,
                            inner_code="ObjectIsDeletedButRecoverable")
    assert wire.error_body(conflict) == (409, {"error": {
        "code": "Conflict", "message": "taken",
        "innererror": {"code": "ObjectIsDeletedButRecoverable"}}})
    assert wire.error_body(ServiceError("X", "m", status=404)) == (
        404, {"error": {"code": "X", "message": "m"}})
    assert wire.error_body(KvError("bad"))[0] == 400
    status, body = wire.error_body(StateError("damaged"))
    assert (status, body["error"]["code"]) == (500, "InternalServerError")
    assert "damaged" not in json.dumps(body)  # the home's paths stay on the server's side


@pytest.mark.parametrize("raw, problem", [(b"{", "not JSON"), (b"[1]", "JSON object"),
                                          (b'{"value": 1}', "wrong type")])
def test_bodies_are_checked_field_by_field(raw, problem):
    with pytest.raises(ServiceError) as refused:
        wire.Body(raw).get("value", str, required=True)
    assert problem in refused.value.message


def test_body_times_tags_and_blobs():
    body = wire.Body(json.dumps({"attributes": {"exp": 1767225600}, "tags": {"a": "b"},
                                 "value": wire.to_base64url(b"\xff\x00blob")}).encode())
    assert body.attributes().time("exp").isoformat() == "2026-01-01T00:00:00+00:00"
    assert body.tags() == {"a": "b"} and body.blob() == b"\xff\x00blob"
    with pytest.raises(ServiceError):
        wire.Body(b'{"tags": {"a": 1}}').tags()


def test_vault_routing_and_the_challenge_resource():
    pytest.importorskip("starlette", reason="the 'serve' extra is not installed")
    from kvcli.serve.app import challenge_resource, vault_of

    assert vault_of("localhost:8443", "/vaults/demo/secrets/a") == (
        "demo", "/vaults/demo", "/secrets/a")
    assert vault_of("demo.localhost:8443", "/secrets") == ("demo", "", "/secrets")
    assert vault_of("Demo.vault.azure.net", "/keys") == ("Demo", "", "/keys")
    assert vault_of("127.0.0.1:8443", "/secrets") == (None, "", "/secrets")
    assert challenge_resource("demo.localhost:8443") == "https://localhost:8443"
    assert challenge_resource("demo.vault.azure.net") == "https://vault.azure.net"


def test_acting_as_changes_the_caller_for_a_while_and_never_home_json(kv, home):
    from kvcli.core import principals
    from kvcli.store.home import Home

    assert kv("ad", "user", "create", "--display-name", "Eve", "--user-principal-name",
              "eve@kvcli.local", "--password", "x", "-o", "none").exit_code == 0
    opened = Home.open(home)
    eve = principals.token_caller(opened, None, "EVE@kvcli.local")
    assert eve["name"] == "eve@kvcli.local"
    assert principals.token_caller(opened, eve["objectId"], None) == eve
    stranger = principals.token_caller(opened, "0000", None)
    assert stranger == {"name": "0000", "objectId": "0000"}
    assert principals.token_caller(opened, None, "nobody@x") is None
    before = (home / "home.json").read_bytes()
    with principals.acting_as(eve):
        assert principals.caller(opened) == eve
    assert principals.caller(opened)["name"] == "admin@kvcli.local"
    assert (home / "home.json").read_bytes() == before


def test_a_token_naming_the_signed_in_user_acts_as_that_user_without_a_lookup(kv, home,
                                                                           monkeypatch):
    """As the CLI acts as the signed-in user, so does a token naming that user (by upn, and
    oid if it has one); any other name is looked up in the directory."""
    pytest.importorskip("starlette", reason="the 'serve' extra is not installed")
    from kvcli.core import principals
    from kvcli.serve.app import _caller
    from kvcli.store.home import Home
    from tests.serve.conftest import jwt

    assert kv("ad", "user", "create", "--display-name", "Eve", "--user-principal-name",
              "eve@kvcli.local", "--password", "x", "-o", "none").exit_code == 0
    opened = Home.open(home)
    admin = opened.meta["user"]
    lookups = []
    real = principals.token_caller
    monkeypatch.setattr(principals, "token_caller",
                        lambda *args: lookups.append(args[1:]) or real(*args))
    assert _caller(opened, jwt(upn="ADMIN@kvcli.local")) == admin
    assert _caller(opened, jwt(upn=admin["name"], oid=admin["objectId"])) == admin
    assert _caller(opened, "not-a-jwt") == admin
    assert lookups == []
    assert _caller(opened, jwt(upn="eve@kvcli.local"))["name"] == "eve@kvcli.local"
    assert _caller(opened, jwt(upn=admin["name"], oid="0000")) == real(opened, "0000",
                                                                        admin["name"])
    assert lookups == [(None, "eve@kvcli.local"), ("0000", admin["name"])]
