"""The per-user event contract on the real Redis: sequences from concurrent publishers are
consecutive, and a marked event is published once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from gridtokenx.config import Settings
from gridtokenx.notifications.channel import publish_user_event
from gridtokenx.notifications.events import user_channel, user_sequence_key

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def redis(running_stack: Settings) -> AsyncIterator[Redis]:
    client = Redis(host=running_stack.redis.host, port=running_stack.redis.port)
    try:
        yield client
    finally:
        await client.aclose()


async def test_concurrent_publishers_number_a_users_events_without_gaps(redis: Redis) -> None:
    user = uuid.uuid4()
    pubsub = redis.pubsub()
    await pubsub.subscribe(user_channel(user))
    assert (await pubsub.get_message(timeout=5.0) or {}).get("type") == "subscribe"
    publishers = [Redis(connection_pool=redis.connection_pool) for _ in range(4)]

    async def publish(client: Redis, worker: int) -> list[int | None]:
        return [
            await publish_user_event(client, user, "fill", {"worker": worker, "n": n})
            for n in range(25)
        ]

    try:
        answered = await asyncio.gather(*(publish(c, i) for i, c in enumerate(publishers)))
        received: list[dict[str, Any]] = []
        while len(received) < 100:
            message = await pubsub.get_message(timeout=5.0)
            assert message is not None, f"only {len(received)} of 100 events arrived"
            if message["type"] == "message":
                received.append(json.loads(message["data"]))
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    assert sorted(n for per_worker in answered for n in per_worker if n) == list(range(1, 101))
    assert [event["sequence"] for event in received] == list(range(1, 101))
    for worker in range(4):
        mine = [e["data"]["n"] for e in received if e["data"]["worker"] == worker]
        assert mine == list(range(25))  # each publisher's events stay in its order
    assert int(await redis.get(user_sequence_key(user)) or 0) == 100
    await redis.delete(user_sequence_key(user))


async def test_an_event_with_a_marker_is_published_once(redis: Redis) -> None:
    user = uuid.uuid4()
    marker = f"gtx:notifier:published:{uuid.uuid4()}"
    first = await publish_user_event(redis, user, "mint", {}, marker=marker, marker_ttl_s=60)
    again = await publish_user_event(redis, user, "mint", {}, marker=marker, marker_ttl_s=60)
    assert (first, again) == (1, None)
    assert int(await redis.get(user_sequence_key(user)) or 0) == 1
    await redis.delete(user_sequence_key(user), marker)
