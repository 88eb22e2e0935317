"""The HMAC key of access tokens: configured, or generated once into the state directory.

Never a built-in default: an unset ``gateway.token_secret`` makes the first process create 32
random bytes in ``gateway.token_secret_file`` (mode 0600, linked into place atomically so that
workers starting together agree on one key); every later process reads the same file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from gridtokenx.config import Settings
from gridtokenx.gateway.errors import GatewayConfigError
from gridtokenx.gateway.tokens import MIN_SECRET_BYTES


def secret_file(settings: Settings) -> Path:
    return settings.gateway.token_secret_file or settings.state_dir / "gateway" / "token_secret"


def load_token_secret(settings: Settings) -> bytes:
    configured = settings.gateway.token_secret
    if configured is not None:
        key = configured.get_secret_value().encode()
        if len(key) < MIN_SECRET_BYTES:
            raise GatewayConfigError(
                f"GRIDTOKENX_GATEWAY__TOKEN_SECRET has {len(key)} bytes; use at least "
                f"{MIN_SECRET_BYTES} random bytes (or unset it to generate one)"
            )
        return key
    path = secret_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under a private name, then linked into place: a worker starting at the
        # same moment either links first or reads the complete file of the one that did.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(MIN_SECRET_BYTES))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip().encode()
    if len(key) < MIN_SECRET_BYTES:
        raise GatewayConfigError(f"{path} holds no usable key: delete it and start again")
    return key
