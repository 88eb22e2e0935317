"""Redis: single-use sign-in nonces and refresh-token sessions (the gateway's only shared state).

Keys (prefix ``gtx:gw:``):

* ``nonce:<nonce>``: the issued message fields and purpose, JSON, with the nonce's TTL;
  consumed with GETDEL, so exactly one request can use it.
* ``session:<id>``: a hash (account, wallet, current refresh-token hash, times, client); it
  expires after ``refresh_token_ttl_s`` without use. A session is one refresh-token family.
* ``session:<id>:spent``: hashes of the family's exchanged refresh tokens. Presenting one of
  them again means the token was copied: the whole family (the session) is deleted.
* ``user-sessions:<account id>``: the account's session ids, for listing and ending them.

Pub/sub ``gtx:gw:session-revoked``: the id of every session deleted (ended, or its family
revoked by a reused refresh token), published in the same transaction or script (WebSockets
authenticated with it are closed: gateway.feed.session_revocation).

Rotation is one Lua script, so two concurrent refreshes with the same token cannot both win.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal, cast

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gridtokenx.gateway.errors import UnavailableError

_PREFIX = "gtx:gw:"
SESSION_REVOKED_CHANNEL = f"{_PREFIX}session-revoked"
"""Redis pub/sub channel (an exact name, followed with PSUBSCRIBE): revoked session ids."""

_ROTATE = """
local current = redis.call('HGET', KEYS[1], 'token_hash')
if not current then return 'missing' end
if current == ARGV[1] then
  redis.call('HSET', KEYS[1], 'token_hash', ARGV[2], 'last_used_at', ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  return 'rotated'
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SREM', KEYS[3], ARGV[5])
  redis.call('PUBLISH', ARGV[6], ARGV[5])
  return 'reused'
end
return 'invalid'
"""

RotateOutcome = Literal["rotated", "reused", "invalid", "missing"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedNonce:
    purpose: Literal["sign_in", "link_wallet"]
    user_id: uuid.UUID | None
    """The account a wallet-link nonce was issued to (None for sign-in)."""
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    session_id: str
    user_id: uuid.UUID
    wallet: str
    created_at_ms: int
    last_used_at_ms: int
    user_agent: str


@asynccontextmanager
async def _redis_errors() -> AsyncIterator[None]:
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        raise UnavailableError(
            f"Redis is not reachable ({exc}); retry shortly", {"service": "redis"}
        ) from exc


class SessionStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._rotate = redis.register_script(_ROTATE)

    async def ping(self) -> None:
        async with _redis_errors():
            await self._redis.ping()

    async def put_nonce(self, nonce: str, issued: IssuedNonce, ttl_s: int) -> None:
        document = {
            "purpose": issued.purpose,
            "user_id": str(issued.user_id) if issued.user_id else None,
            "fields": issued.fields,
        }
        async with _redis_errors():
            stored = await self._redis.set(
                f"{_PREFIX}nonce:{nonce}", json.dumps(document), ex=ttl_s, nx=True
            )
        if not stored:
            raise UnavailableError("a nonce collided with a live one; request another")

    async def take_nonce(self, nonce: str) -> IssuedNonce | None:
        """The nonce's record, deleted in the same step (None: unknown, expired or used)."""
        async with _redis_errors():
            raw = await self._redis.getdel(f"{_PREFIX}nonce:{nonce}")
        if raw is None:
            return None
        document = json.loads(raw)
        user_id = document["user_id"]
        return IssuedNonce(
            purpose=document["purpose"],
            user_id=uuid.UUID(user_id) if user_id else None,
            fields=document["fields"],
        )

    async def create_session(self, record: SessionRecord, token_hash: str, ttl_s: int) -> None:
        key = f"{_PREFIX}session:{record.session_id}"
        mapping: dict[Any, Any] = {
            "user_id": str(record.user_id),
            "wallet": record.wallet,
            "token_hash": token_hash,
            "created_at_ms": str(record.created_at_ms),
            "last_used_at_ms": str(record.last_used_at_ms),
            "user_agent": record.user_agent,
        }
        async with _redis_errors(), self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=mapping)
            pipe.expire(key, ttl_s)
            pipe.sadd(f"{_PREFIX}user-sessions:{record.user_id}", record.session_id)
            await pipe.execute()

    async def session(self, session_id: str) -> SessionRecord | None:
        async with _redis_errors():
            raw = await self._redis.hgetall(f"{_PREFIX}session:{session_id}")
        return _record(session_id, raw) if raw else None

    async def session_exists(self, session_id: str) -> bool:
        async with _redis_errors():
            return bool(await self._redis.exists(f"{_PREFIX}session:{session_id}"))

    async def rotate(
        self,
        *,
        session_id: str,
        user_id: uuid.UUID,
        presented_hash: str,
        new_hash: str,
        now_ms: int,
        ttl_s: int,
    ) -> RotateOutcome:
        keys = [
            f"{_PREFIX}session:{session_id}",
            f"{_PREFIX}session:{session_id}:spent",
            f"{_PREFIX}user-sessions:{user_id}",
        ]
        async with _redis_errors():
            outcome = await self._rotate(
                keys=keys,
                args=[presented_hash, new_hash, now_ms, ttl_s, session_id, SESSION_REVOKED_CHANNEL],
            )
        return cast(RotateOutcome, outcome.decode() if isinstance(outcome, bytes) else outcome)

    async def delete_session(self, session_id: str, user_id: uuid.UUID) -> bool:
        async with _redis_errors(), self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(f"{_PREFIX}session:{session_id}", f"{_PREFIX}session:{session_id}:spent")
            pipe.srem(f"{_PREFIX}user-sessions:{user_id}", session_id)
            pipe.publish(SESSION_REVOKED_CHANNEL, session_id)
            deleted, _, _ = await pipe.execute()
        return bool(deleted)

    async def user_sessions(self, user_id: uuid.UUID) -> list[SessionRecord]:
        """The account's live sessions, oldest first; expired ids are dropped from the index."""
        index = f"{_PREFIX}user-sessions:{user_id}"
        async with _redis_errors():
            ids = sorted(_text(member) for member in await self._redis.smembers(index))
            async with self._redis.pipeline(transaction=False) as pipe:
                for session_id in ids:
                    pipe.hgetall(f"{_PREFIX}session:{session_id}")
                hashes = await pipe.execute()
            gone = [session_id for session_id, raw in zip(ids, hashes, strict=True) if not raw]
            if gone:
                await self._redis.srem(index, *gone)
        records = [
            _record(session_id, raw) for session_id, raw in zip(ids, hashes, strict=True) if raw
        ]
        return sorted(records, key=lambda record: record.created_at_ms)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _record(session_id: str, raw: Mapping[bytes | str, bytes | str]) -> SessionRecord:
    values = {_text(key): _text(value) for key, value in raw.items()}
    return SessionRecord(
        session_id=session_id,
        user_id=uuid.UUID(values["user_id"]),
        wallet=values["wallet"],
        created_at_ms=int(values["created_at_ms"]),
        last_used_at_ms=int(values["last_used_at_ms"]),
        user_agent=values.get("user_agent", ""),
    )
