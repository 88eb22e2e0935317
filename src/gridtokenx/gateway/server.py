"""Running the gateway under its ASGI server: granian (default) or hypercorn.

Both were chosen because each speaks HTTP/1.1 and HTTP/2 on one port: h2 by ALPN when
``gateway.tls_cert_file`` and ``gateway.tls_key_file`` are set, otherwise plain HTTP/1.1 plus
h2c with prior knowledge (a client that opens with the HTTP/2 preface). bench/gateway_server.py
measures them side by side; ``gateway.server`` picks one. Each worker process builds its own
app from the environment (``create_app_from_environment``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridtokenx.config import GatewaySettings
from gridtokenx.gateway.errors import GatewayConfigError

APP_FACTORY = "gridtokenx.gateway.app:create_app_from_environment"
_GRANIAN_LOGGING: dict[str, Any] = {
    # The server's own lines (start, workers, shutdown) in the gateway's JSON format too.
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "gridtokenx.gateway.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "formatter": "json",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def tls_files(gateway: GatewaySettings) -> tuple[Path, Path] | None:
    cert, key = gateway.tls_cert_file, gateway.tls_key_file
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise GatewayConfigError(
            "set both GRIDTOKENX_GATEWAY__TLS_CERT_FILE and GRIDTOKENX_GATEWAY__TLS_KEY_FILE "
            "(or neither, for plain HTTP/1.1 and h2c)"
        )
    for path in (cert, key):
        if not path.is_file():
            raise GatewayConfigError(f"the TLS file {path} does not exist")
    return cert, key


def serve(gateway: GatewaySettings) -> None:
    """Serve until SIGTERM or SIGINT (the server handles both and drains its workers)."""
    tls = tls_files(gateway)
    if gateway.server == "granian":
        _serve_granian(gateway, tls)
    else:
        _serve_hypercorn(gateway, tls)


def _serve_granian(gateway: GatewaySettings, tls: tuple[Path, Path] | None) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.server import Server

    server = Server(
        APP_FACTORY,
        address=gateway.host,
        port=gateway.port,
        interface=Interfaces.ASGI,
        workers=gateway.workers,
        http=HTTPModes.auto,
        factory=True,
        log_access=False,
        ssl_cert=tls[0] if tls else None,
        ssl_key=tls[1] if tls else None,
        respawn_failed_workers=True,
        log_dictconfig=_GRANIAN_LOGGING,
    )
    server.serve()


def _serve_hypercorn(gateway: GatewaySettings, tls: tuple[Path, Path] | None) -> None:
    from hypercorn.config import Config
    from hypercorn.run import run

    config = Config()
    config.application_path = f"{APP_FACTORY}()"
    config.bind = [f"{gateway.host}:{gateway.port}"]
    config.workers = gateway.workers
    config.worker_class = "uvloop"
    config.accesslog = None
    # Hypercorn closes a connection after 1,000 requests by default, dropping the streams still
    # queued on it (HTTP/2 clients that do not retry see failures); granian has no such cap.
    config.keep_alive_max_requests = 1_000_000
    if tls is not None:
        config.certfile, config.keyfile = str(tls[0]), str(tls[1])
        config.alpn_protocols = ["h2", "http/1.1"]
    run(config)
