"""Per-meter rate limits of field-meter readings, in Redis (shared by every worker).

Fixed windows of ``window_s`` seconds: the counter ``gtx:rate:meter:<id>:<window>`` counts a
meter's readings in its window and expires with it. A batch is refused as a whole when any of
its meters would pass ``limit``; the readings of a refused batch still count, so a flooding
device stays refused until its window ends. Only readings whose signature verified reach the
limiter, so nobody can spend another meter's allowance.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gridtokenx.gateway.energy_errors import MeterRateLimitedError
from gridtokenx.gateway.errors import UnavailableError

_KEY = "gtx:rate:meter:{meter_id}:{window}"


class MeterRateLimiter:
    def __init__(self, redis: Redis, *, limit: int, window_s: int) -> None:
        self._redis = redis
        self.limit = limit
        self.window_s = window_s

    async def admit(self, readings_by_meter: Mapping[uuid.UUID, int], now_s: float) -> None:
        """Count the readings; raise MeterRateLimitedError if a meter passes its limit."""
        window = int(now_s // self.window_s)
        counts = Counter(readings_by_meter)
        try:
            async with self._redis.pipeline(transaction=False) as pipeline:
                for meter_id, count in counts.items():
                    key = _KEY.format(meter_id=meter_id, window=window)
                    pipeline.incrby(key, count)
                    pipeline.expire(key, self.window_s + 1)
                results = await pipeline.execute()
        except (RedisError, OSError) as exc:
            # Fail closed: without the limiter a device could flood the topic.
            raise UnavailableError(
                "Redis is not reachable, so readings cannot be rate-limited; retry shortly",
                {"service": "redis"},
            ) from exc
        totals = dict(zip(counts, results[::2], strict=True))
        over = sorted(str(meter_id) for meter_id, total in totals.items() if total > self.limit)
        if over:
            retry_after_s = max(1, int((window + 1) * self.window_s - now_s + 0.999))
            raise MeterRateLimitedError(
                f"meter {over[0]} posted more than {self.limit} readings in "
                f"{self.window_s} s; retry after {retry_after_s} s",
                {
                    "meters": over,
                    "limit": self.limit,
                    "window_s": self.window_s,
                    "retry_after_s": retry_after_s,
                },
            )
