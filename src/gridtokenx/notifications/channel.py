"""Publishing one user's events on Redis (the contract in
:mod:`gridtokenx.notifications.events`): the sequence and the message in one MULTI.

``WATCH`` the user's counter (and the optional marker), read it, then ``MULTI``: ``INCR`` the
counter, ``PUBLISH`` the message carrying the incremented value, and (with a marker) ``SET`` the
marker. If another publisher moved the counter in between, ``EXEC`` fails and the whole step is
retried, so sequences are consecutive whatever the number of publishers (the notifier and the
gateway's workers). A marker that already exists means the event was published before (the
notifier crashed before recording it): nothing is sent again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, WatchError

from gridtokenx.notifications.errors import UserChannelError
from gridtokenx.notifications.events import EventKind, user_channel, user_sequence_key

_MAX_ATTEMPTS = 50


async def publish_user_event(
    redis: Redis,
    user_id: uuid.UUID,
    kind: EventKind,
    data: Mapping[str, Any],
    *,
    marker: str | None = None,
    marker_ttl_s: int = 7 * 24 * 3600,
) -> int | None:
    """Publish ``{"sequence", "kind", "data"}`` on the user's channel; answers the sequence,
    or None when ``marker`` shows the event was already published."""
    counter = user_sequence_key(user_id)
    watched = [counter] if marker is None else [counter, marker]
    try:
        async with redis.pipeline(transaction=True) as pipe:
            for _ in range(_MAX_ATTEMPTS):
                try:
                    await pipe.watch(*watched)
                    if marker is not None and await pipe.exists(marker):
                        await pipe.reset()  # type: ignore[no-untyped-call]
                        return None
                    current = await pipe.get(counter)
                    sequence = int(current or 0) + 1
                    message = json.dumps(
                        {"sequence": sequence, "kind": kind, "data": data},
                        separators=(",", ":"),
                    )
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.incr(counter)
                    pipe.publish(user_channel(user_id), message)
                    if marker is not None:
                        pipe.set(marker, sequence, ex=marker_ttl_s)
                    await pipe.execute()
                    return sequence
                except WatchError:
                    continue
    except (RedisError, OSError) as exc:
        raise UserChannelError(
            f"Redis did not take user {user_id}'s {kind} event ({exc}); it is retried"
        ) from exc
    raise UserChannelError(
        f"user {user_id}'s sequence kept moving during {_MAX_ATTEMPTS} attempts; retried later"
    )
