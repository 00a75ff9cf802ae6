"""The ASGI application: which vault, who calls, Key Vault's challenge, errors, access log.

Every route is a plain function `handler(call)` returning the document (200), None (204)
or (status, document). The core does blocking file I/O under the home's lock, so a request
runs in a worker thread with a `Home` of its own, except a read (GET) that finds the lock
free: it runs on the event loop holding the lock, which costs a fraction of the hand-over to
a thread (short and bounded: one object, or one page of a list; a certificate that its
lifetime action renews as it is read is the one long case), and never waits there for a
lock held by another process or thread. Those reads share one `Home` (one thread uses
it): taking the lock re-reads home.json, so a change made by the CLI is seen by the next
request either way.
"""

from __future__ import annotations

import functools
import sys
import time
from typing import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kvcli.core import messages
from kvcli.errors import KvError, StateError
from kvcli.serve import wire

# What the SDKs send: 7.x for older ones, dated versions for the newest on PyPI.
API_VERSIONS = ("7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01")
KEY_VAULT_RESOURCE = "https://vault.azure.net"
VAULT_HOST_SUFFIXES = (".localhost", ".vault.azure.net")
# Key Vault's largest request is a certificate import; no body it takes comes near this.
MAX_BODY_BYTES = 1024 * 1024
HEALTH_PATH = "/kvcli/health"


def vault_of(host: str, path: str) -> tuple[str | None, str, str]:
    """(vault name, path prefix, path inside the vault) from the Host header or a
    `/vaults/NAME` path prefix."""
    if path.startswith("/vaults/"):
        name, _, rest = path[len("/vaults/"):].partition("/")
        return name or None, f"/vaults/{name}", "/" + rest
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    for suffix in VAULT_HOST_SUFFIXES:
        if hostname.lower().endswith(suffix):
            return hostname[:-len(suffix)] or None, "", path
    return None, "", path


def challenge_resource(host: str) -> str:
    """The `resource` of the challenge: Key Vault's own, or for `NAME.localhost[:port]` the
    parent host, which the SDKs' check that the resource covers the vault's host accepts."""
    hostname = host.rsplit(":", 1)[0]
    if hostname.lower().endswith(".localhost"):
        return "https://" + host.split(".", 1)[1]
    return KEY_VAULT_RESOURCE


class Call:
    """One request as a route sees it: the home, the vault, the names, the body."""

    def __init__(self, request: Request, raw_body: bytes, home, vault: str) -> None:
        self.home = home
        self.vault = vault
        self.name = request.path_params.get("name")
        self.version = request.path_params.get("version") or None
        self.query = request.query_params
        self._raw_body = raw_body
        self._url = request.scope["kvcli.base"] + request.scope["path"]

    def body(self) -> wire.Body:
        return wire.Body(self._raw_body)

    def paging(self, limit: int) -> tuple[int, str | None]:
        """(page size, cursor) of this list request; ask the core for one item more than
        the size, after the cursor."""
        return wire.paging(dict(self.query), limit)

    def page(self, items: list[dict], size: int, shape: Callable = wire.wire,
             cursor: Callable = wire.by_name) -> dict:
        return wire.page(items, self._url, dict(self.query), size, shape, cursor)

    def whole_list_page(self, items: list[dict], limit: int,
                        shape: Callable = wire.wire) -> dict:
        """A page of a list the core reads whole (an object's versions: one file; issuers:
        the vault's record), cut after the cursor."""
        size, after = self.paging(limit)
        return self.page(wire.after_id(items, after), size, shape, wire.id_tail)


def _error(error: KvError, headers: dict | None = None) -> Response:
    status, body = wire.error_body(error)
    return JSONResponse(body, status_code=status, headers=headers)


@functools.lru_cache(maxsize=256)
def _token_claims(token: str) -> dict:
    """The claims of a JWT, unverified (kvcli is a lab, not a security boundary); {} for a
    token that is not one. Remembered: a client sends the same token until it expires."""
    import json

    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(wire.from_base64url(parts[1]))
    except (KvError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _caller(home, token: str) -> dict:
    """The principal the token's claims name; the signed-in user, as the CLI acts, when
    they name that user (no directory lookup) or nobody."""
    from kvcli.core import principals

    claims = _token_claims(token)
    object_id, upn = claims.get("oid"), claims.get("upn")
    user = home.meta.get("user")
    if (user is not None and isinstance(upn, str) and upn.lower() == user["name"].lower()
            and object_id in (None, user["objectId"])):
        return user
    if isinstance(object_id, str) or isinstance(upn, str):
        caller = principals.token_caller(home, object_id if isinstance(object_id, str) else None,
                                         upn if isinstance(upn, str) else None)
    else:
        caller = user
    if caller is None:
        raise messages.token_principal_unknown()
    return caller


class LoopHome:
    """The Home that an app's requests answered on the event loop share, opened on first
    use (one thread uses it)."""

    def __init__(self) -> None:
        self._home = None

    def get(self):
        from kvcli.store.home import Home

        if self._home is None:
            self._home = Home.open()
        return self._home


def _answer(request: Request, raw_body: bytes, handler: Callable, token: str,
            loop_home: LoopHome | None = None) -> Response | None:
    """The response. On the event loop (`loop_home`), all of it under the home's lock,
    taken at once, or None when the lock is held elsewhere; in a worker thread, with a Home
    of its own, the core locks as it does for the CLI."""
    from kvcli.core.access import locked_if_writable
    from kvcli.core.objects import vaults_read_once
    from kvcli.store.home import Home
    from kvcli.store.lock import Busy

    try:
        version = request.query_params.get("api-version")
        if not version:
            raise messages.api_version_missing()
        if version not in API_VERSIONS:
            raise messages.api_version_unknown(version, "7.6")
        vault = request.scope["kvcli.vault"]
        if vault is None:
            raise messages.served_vault_unknown(None)
        if loop_home is None:
            document = _run(request, raw_body, handler, token, Home.open(), vault)
        else:
            home = loop_home.get()
            with locked_if_writable(home, wait=False), vaults_read_once():  # held throughout
                document = _run(request, raw_body, handler, token, home, vault)
    except Busy:
        return None
    except KvError as error:
        return _error(error)
    except Exception:  # noqa: BLE001 - a request never takes the server down
        import traceback

        traceback.print_exc()
        return _error(messages.server_failed())
    if document is None:
        return Response(status_code=204)
    status, document = document if isinstance(document, tuple) else (200, document)
    return JSONResponse(document, status_code=status)


def _run(request: Request, raw_body: bytes, handler: Callable, token: str, home,
         vault: str):
    """The handler's document, as the token's caller, once the vault is known to exist."""
    from kvcli.core import principals
    from kvcli.core.objects import DataPlaneVault

    caller = _caller(home, token)
    try:
        DataPlaneVault(home, vault)
    except StateError:
        raise
    except KvError:
        raise messages.served_vault_unknown(vault) from None
    with principals.acting_as(caller):
        return handler(Call(request, raw_body, home, vault))


def _endpoint(handler: Callable, loop_home: LoopHome) -> Callable:
    async def endpoint(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            tenant = _tenant()
            resource = challenge_resource(request.headers.get("host", ""))
            return _error(messages.bearer_token_missing(), headers={
                "WWW-Authenticate": f'Bearer authorization="https://login.microsoftonline.com/'
                                    f'{tenant}", resource="{resource}"'})
        raw_body = b""
        async for chunk in request.stream():
            raw_body += chunk
            if len(raw_body) > MAX_BODY_BYTES:
                return _error(messages.request_too_large(MAX_BODY_BYTES))
        if request.method == "GET":
            answer = _answer(request, raw_body, handler, token.strip(), loop_home)
            if answer is not None:
                return answer
        return await run_in_threadpool(_answer, request, raw_body, handler, token.strip())

    return endpoint


class _Route(Route):
    """A route whose path matches with another method is, as in Key Vault, an unknown
    operation (not Starlette's plain-text 405)."""

    async def handle(self, scope, receive, send) -> None:
        if self.methods and scope["method"] not in self.methods:
            await _unknown(scope, receive, send)
            return
        await super().handle(scope, receive, send)


def _tenant() -> str:
    from kvcli.store.home import Home

    try:
        return Home.open().tenant_id
    except KvError:
        return "common"


def _routes(loop_home: LoopHome) -> list[Route]:
    """The first route whose path and method match answers; see each module's ROUTES."""
    from kvcli.serve import certificates, keys, secrets

    return [Route(HEALTH_PATH, _health, methods=["GET"]),
            *[_Route(path, _endpoint(handler, loop_home), methods=[method])
              for method, path, handler in [*secrets.ROUTES, *keys.ROUTES,
                                            *certificates.ROUTES]]]


async def _health(request: Request) -> Response:
    """kvcli's own: a minimal JSON endpoint, for readiness checks and as the benchmark's
    floor (the same server and middleware, no core call)."""
    return JSONResponse({"status": "ok"})


async def _unknown(scope, receive, send) -> None:
    request = Request(scope, receive)
    await _error(messages.route_unknown(request.method, request.url.path))(scope, receive, send)


class Front:
    """The outermost layer: picks the vault (Host or `/vaults/NAME`), strips the prefix
    so routes see Key Vault's own paths, and writes one access-log line per request on
    stderr (method, path, status, time; never a value)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        vault, prefix, inner = vault_of(host, scope["path"])
        status = 0

        async def noting_send(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        scope = {**scope, "path": inner, "raw_path": inner.encode(), "kvcli.vault": vault,
                 "kvcli.base": f"https://{host}{prefix}"}
        try:
            await self.app(scope, receive, noting_send)
        finally:
            sys.stderr.write(f'{scope["client"][0] if scope.get("client") else "-"} '
                             f'"{scope["method"]} {prefix}{inner}" {status} '
                             f"{(time.perf_counter() - started) * 1000:.1f}ms\n")
            sys.stderr.flush()


def create_app() -> Front:
    from starlette.routing import Router

    return Front(Router(routes=_routes(LoopHome()), redirect_slashes=False,
                        default=_unknown))
