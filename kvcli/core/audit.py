"""The audit log: kvcli's counterpart of Key Vault's `AuditEvent` diagnostic log.

One JSON line per vault operation, allowed or not: when (kvcli's clock), what
(operationName, resource), who (UPN, object id), the outcome and a request id; never a value
or key material. Each line carries its number and the hash of the line before it, so an
edited, removed or reordered line breaks the chain at that number; the head file records
the last line's number and hash, so lines cut from the end are caught too. Appending reads
only the log's last line and writes one line: its cost does not grow with the log.

Durability: a killed process leaves every line whole and the chain intact, whatever the
instant (the line is one append; the head, one in-place write, may lag one line, which
verify accepts). A line is fsync'd when its operation changed state, as that change was;
reads and refusals are not, and the head never is, so that a read costs no disk flush: an
OS crash or power cut may lose their last lines, never a change's.
"""

from __future__ import annotations

import functools
import json

from kvcli.core import messages
from kvcli.core.ids import new_guid
from kvcli.store import paths, schema
from kvcli.store.home import Home

GENESIS = "0" * 64
_TAIL_BYTES = 8192
# The head is rewritten in place: one fixed-size record, so a write never leaves old bytes.
_HEAD_BYTES = 128
_STATUS_SIGNATURES = {200: "OK", 400: "BadRequest", 403: "Forbidden", 404: "NotFound",
                      409: "Conflict"}


@functools.cache
def _sha256():
    """SHA-256 from CPython's own module where there is one: `hashlib` loads OpenSSL first,
    which costs every command 2 ms for one small hash."""
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # CPython 3.11
        except ImportError:
            from hashlib import sha256
    return sha256


def _hash(line: bytes) -> str:
    return _sha256()(line.rstrip(b"\n")).hexdigest()


def _last_line(tail: bytes, path) -> bytes | None:
    """The log's last line, from the bytes at its end."""
    if not tail:
        return None
    lines = tail.rstrip(b"\n").split(b"\n")
    if len(lines) == 1 and len(tail) == _TAIL_BYTES:
        raise messages.audit_log_damaged(f"the last line of '{path}' is over "
                                         f"{_TAIL_BYTES} bytes long")
    return lines[-1]


def _vault_named_in(resource: str) -> str | None:
    """The vault a resource id names (a vault being created has no record yet)."""
    parts = resource.split("/")
    lowered = [part.lower() for part in parts]
    for marker in ("vaults", "deletedvaults"):
        if marker in lowered and lowered.index(marker) + 1 < len(parts):
            return parts[lowered.index(marker) + 1]
    return None


def append(home: Home, *, action, resource: str, caller: dict, vault: dict | None,
           request_uri: str | None, status: int, result: str, durable: bool) -> None:
    """Append one line under the home lock (the caller holds it); `durable`: the operation
    changed state, so its line is fsync'd before return."""
    from kvcli.core.clock import home_now
    from kvcli.core.timeutil import arm, to_stamp

    path = paths.audit_log_file(home.root)
    fields = {
        "time": arm(to_stamp(home_now(home))),
        "category": "AuditEvent",
        "operationName": action.operation,
        "resourceId": resource,
        "vaultName": vault["name"] if vault else _vault_named_in(resource),
        "requestUri": request_uri,
        "callerUpn": caller["name"],
        "callerObjectId": caller["objectId"],
        "result": result,
        "httpStatusCode": status,
        "resultSignature": _STATUS_SIGNATURES.get(status, str(status)),
        "requestId": new_guid(),
    }

    def chained(tail: bytes) -> tuple[bytes, bytes]:
        """The line after the log's last one, and the head that records it."""
        last = _last_line(tail, path)
        if last is None:
            number, previous = 1, GENESIS
        else:
            try:
                number, previous = json.loads(last)["number"] + 1, _hash(last)
            except (ValueError, KeyError, TypeError):
                raise messages.audit_log_damaged(f"the last line of '{path}' is not an "
                                                 "audit record") from None
        entry = {"number": number, **fields, "previousHash": previous}
        line = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode() + b"\n"
        head = json.dumps({"hash": _hash(line), "number": number}, separators=(",", ":"))
        return line, head.encode().ljust(_HEAD_BYTES)

    home.append_chained(path, paths.audit_head_file(home.root), _TAIL_BYTES, chained,
                        durable=durable)


def _read_lines(home: Home) -> list[bytes]:
    return list(home.lines(paths.audit_log_file(home.root)))


def _read_head(home: Home) -> dict | None:
    """The head, read under the lock (a writer rewrites it in place) where there can be
    writers, i.e. unless the home is read-only."""
    from kvcli.store.home import ReadOnlyHome

    try:
        with home.locked():
            return home.read(paths.audit_head_file(home.root), schema.AUDIT_HEAD)
    except ReadOnlyHome:
        return home.read(paths.audit_head_file(home.root), schema.AUDIT_HEAD)


def verify(home: Home) -> dict:
    """Walk the chain; the first line that was edited, removed, inserted or moved fails it.
    The head is read first: lines appended since only make it lag, which is allowed."""
    head = _read_head(home)
    lines = _read_lines(home)
    previous = GENESIS
    for index, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            number, recorded = entry["number"], entry["previousHash"]
        except (ValueError, KeyError, TypeError):
            raise messages.audit_log_damaged(f"line {index} is not an audit record") from None
        if number != index:
            raise messages.audit_log_damaged(
                f"line {index} carries number {number}: a line was removed, inserted or moved")
        if recorded != previous:
            raise messages.audit_log_damaged(
                f"line {index - 1} was changed: line {index} records another hash for it"
                if index > 1 else "line 1 does not start the chain")
        previous = _hash(line)
    if head is not None:
        if len(lines) < head["number"]:
            raise messages.audit_log_damaged(
                f"the log ends at line {len(lines)} but {head['number']} lines were written: "
                "lines were removed from the end (or, after an OS crash or power cut, the "
                "last reads' lines never reached the disk)")
        if _hash(lines[head["number"] - 1]) != head["hash"]:
            raise messages.audit_log_damaged(
                f"line {head['number']} was changed: the log's head records another hash for it")
    return {"intact": True, "lines": len(lines), "lastHash": previous}


def list_entries(home: Home, *, vault_name: str | None = None, operation: str | None = None,
                 caller: str | None = None, since=None, result: str | None = None) -> list[dict]:
    """The entries matching every filter given, oldest first (without the chain fields)."""
    from kvcli.core.timeutil import parse_instant

    entries = []
    for line in _read_lines(home):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if vault_name is not None and (entry["vaultName"] or "").lower() != vault_name.lower():
            continue
        if operation is not None and entry["operationName"].lower() != operation.lower():
            continue
        if caller is not None and caller.lower() not in (entry["callerUpn"].lower(),
                                                         entry["callerObjectId"].lower()):
            continue
        if result is not None and entry["result"].lower() != result.lower():
            continue
        if since is not None and parse_instant(entry["time"]) < since:
            continue
        entry.pop("previousHash", None)
        entries.append(entry)
    return entries
