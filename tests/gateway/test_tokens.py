"""Access tokens, roles and the token key (pure, plus the key file in a temporary folder)."""

from __future__ import annotations

import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from gridtokenx.config import GatewaySettings, Settings
from gridtokenx.gateway.errors import (
    GatewayConfigError,
    RefreshTokenInvalidError,
    TokenExpiredError,
    TokenInvalidError,
)
from gridtokenx.gateway.roles import role_at_sign_in
from gridtokenx.gateway.token_secret import load_token_secret
from gridtokenx.gateway.tokens import (
    AccessClaims,
    decode_access_token,
    encode_access_token,
    split_refresh_token,
)

SECRET = b"k" * 32
CLAIMS = AccessClaims(
    user_id=uuid.uuid4(),
    session_id="s1",
    role="prosumer",
    wallet="11111111111111111111111111111111",
    issued_at_s=1_800_000_000,
    expires_at_s=1_800_000_900,
)


def test_a_token_round_trips_until_it_expires() -> None:
    token = encode_access_token(CLAIMS, SECRET)
    assert decode_access_token(token, SECRET, datetime.fromtimestamp(1_800_000_899, UTC)) == CLAIMS
    with pytest.raises(TokenExpiredError):
        decode_access_token(token, SECRET, datetime.fromtimestamp(1_800_000_900, UTC))


def test_a_token_signed_with_another_key_or_altered_is_invalid() -> None:
    token = encode_access_token(CLAIMS, SECRET)
    now = datetime.fromtimestamp(1_800_000_000, UTC)
    with pytest.raises(TokenInvalidError):
        decode_access_token(token, b"x" * 32, now)
    header, payload, signature = token.split(".")
    with pytest.raises(TokenInvalidError):
        decode_access_token(f"{header}.{payload}x.{signature}", SECRET, now)
    with pytest.raises(TokenInvalidError):
        decode_access_token("a.b.c", SECRET, now)


def test_refresh_tokens_must_have_a_session_and_a_secret() -> None:
    assert split_refresh_token("abc.def") == ("abc", "def")
    for bad in ("abc", ".def", "abc.", "a." + "x" * 300):
        with pytest.raises(RefreshTokenInvalidError):
            split_refresh_token(bad)


def test_operator_wallets_are_promoted_and_others_keep_their_role() -> None:
    operators = frozenset({"op"})
    assert role_at_sign_in(current=None, wallet="op", operators=operators, default="consumer") == (
        "operator"
    )
    assert role_at_sign_in(
        current="prosumer", wallet="op", operators=operators, default="consumer"
    ) == ("operator")
    assert role_at_sign_in(current=None, wallet="x", operators=operators, default="consumer") == (
        "consumer"
    )
    assert role_at_sign_in(
        current="prosumer", wallet="x", operators=operators, default="consumer"
    ) == ("prosumer")


def test_the_token_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    first = load_token_secret(settings)
    path = tmp_path / "gateway" / "token_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_token_secret(settings) == first
    assert load_token_secret(Settings(state_dir=tmp_path / "other")) != first
    assert [p.name for p in path.parent.iterdir()] == ["token_secret"]


def test_a_configured_key_must_be_long_enough(tmp_path: Path) -> None:
    short = Settings(state_dir=tmp_path, gateway=GatewaySettings(token_secret=SecretStr("short")))
    with pytest.raises(GatewayConfigError):
        load_token_secret(short)
    good = Settings(state_dir=tmp_path, gateway=GatewaySettings(token_secret=SecretStr("z" * 40)))
    assert load_token_secret(good) == b"z" * 40
    assert not (tmp_path / "gateway").exists()
