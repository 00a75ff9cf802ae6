"""Run the REST face on uvicorn over HTTPS until SIGINT or SIGTERM (uvicorn's graceful
shutdown: in-flight requests finish, no new ones are taken)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

# The longest a stop waits for requests in flight before cancelling them.
GRACE_SECONDS = 10


def run(home, host: str, port: int, cert_file: Path | None, key_file: Path | None) -> None:
    import uvicorn

    from kvcli.serve import tls
    from kvcli.serve.app import create_app

    own_certificates = cert_file is None
    if own_certificates:
        cert_file, key_file = tls.server_files(home)
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"kvcli serve: https://{shown}:{port} — a vault is "
                     f"https://NAME.localhost:{port} or https://{shown}:{port}/vaults/NAME; "
                     "stop with Ctrl+C.\n")
    sys.stderr.flush()
    config = uvicorn.Config(create_app(), host=host, port=port, ssl_certfile=str(cert_file),
                            ssl_keyfile=str(key_file), log_level="warning", access_log=False,
                            lifespan="off", server_header=False,
                            timeout_graceful_shutdown=GRACE_SECONDS)
    if own_certificates:
        config.load()
        config.ssl.sni_callback = tls.sni_callback(home)
    # uvicorn handles SIGINT/SIGTERM while it runs, then re-raises the signal to the
    # handler it found: make that a no-op, so a requested stop ends kvcli with exit 0.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    _server_class()(config).run()


def _server_class():
    import uvicorn

    class GracefulServer(uvicorn.Server):
        """uvicorn's shutdown (stop accepting, finish in-flight requests), except that idle
        keep-alive TLS connections are dropped at once: closing them politely waits up to
        30 s for each client's TLS close_notify, which SDK connection pools never send."""

        async def shutdown(self, sockets=None) -> None:
            for connection in list(self.server_state.connections):
                cycle = getattr(connection, "cycle", None)
                if cycle is None or cycle.response_complete:
                    connection.transport.abort()
            await super().shutdown(sockets)

    return GracefulServer
