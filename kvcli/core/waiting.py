"""az's generic `wait` command (azure-cli-core `WaitCommandOperation`), for any resource.

Offline a resource is never "in progress", so most conditions hold at the first look; the
loop is still az's, so `--custom` or `--created` on a resource another process is about to
create works as in az. On timeout az returns (does not raise) its error object, which
prints `{}` and exits 0 (Azure/azure-cli#34004): kvcli does the same.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from kvcli.errors import KvError, ServiceError

USAGE = "incorrect usage: --created | --updated | --deleted | --exists | --custom JMESPATH"


def wait_for(get: Callable[[], dict], *, created: bool = False, updated: bool = False,
             deleted: bool = False, exists: bool = False, custom: str | None = None,
             interval: int = 30, timeout: int = 3600) -> dict | None:
    """Poll `get` every `interval` seconds for at most `timeout` seconds."""
    if not any((created, updated, deleted, exists, custom)):
        raise KvError(USAGE)
    if interval <= 0:
        raise KvError(f"argument --interval: invalid value: '{interval}' (must be positive)")
    condition = _compile(custom) if custom else None
    for _ in range(0, timeout, interval):
        try:
            instance = get()
            if exists:
                return None
            state = str((instance.get("properties") or {}).get("provisioningState") or "")
            if state.lower() == "failed":
                raise KvError("The operation failed")
            if ((created or updated) and state.lower() == "succeeded") or \
                    (condition is not None and bool(condition.search(instance))):
                return None
        except ServiceError as error:
            if error.status != 404:
                raise
            if deleted:
                return None
            if not any((created, exists, custom)):
                raise
        time.sleep(interval)
    return {}


def _compile(expression: str) -> Any:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as error:
        raise KvError(f"Invalid jmespath query supplied for `--query`: {error}") from None
