"""A market-data pipeline for the gateway tests: scratch ``trades``/``book-deltas`` topics, the
real feed (:class:`MarketDataFeed`) in a thread writing under a scratch Redis prefix, and the
matcher's records (from the pure sessions of :mod:`tests.market.service.commands`) produced as
the matcher produces them."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import redis
from confluent_kafka import Producer

from gridtokenx.config import MarketDataSettings, Settings
from gridtokenx.gateway.feed.service import MarketDataFeed
from gridtokenx.market import Side
from gridtokenx.market.session import Outcome
from gridtokenx.market.wire import OrderCommand, encode_book_delta, encode_trade
from tests.market.service.commands import LogWriter, Reference
from tests.utils.kafka import scratch_topics

_WAIT_S = 30.0
T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], what: str, timeout_s: float = _WAIT_S) -> T:
    """``probe()``'s first truthy answer; fails naming ``what`` if none comes in time."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class MatcherOutput:
    """Commands run through the pure matcher sessions; their records produced to Kafka."""

    settings: Settings
    writer: LogWriter = field(default_factory=lambda: LogWriter(seed=11, markets=2, owners=5))
    reference: Reference = field(default_factory=Reference)
    offset: int = 0

    def run(self, commands: int) -> None:
        """Match ``commands`` more commands and produce their trades and book deltas."""
        self.run_commands(self.writer.burst(commands))

    def run_commands(self, commands: Sequence[OrderCommand]) -> list[Outcome]:
        """Match ``commands`` and produce their trades and book deltas; their outcomes."""
        kafka = self.settings.kafka
        producer = Producer({"bootstrap.servers": f"{kafka.host}:{kafka.port}"})
        before_trades, before_deltas = len(self.reference.trades), len(self.reference.deltas)
        outcomes = []
        for command in commands:
            outcomes.append(self.reference.apply(command, 0, self.offset))
            self.offset += 1
        market = self.settings.market
        for trade in self.reference.trades[before_trades:]:
            producer.produce(market.trades_topic, encode_trade(trade), trade.market.encode())
        for delta in self.reference.deltas[before_deltas:]:
            producer.produce(
                market.book_deltas_topic, encode_book_delta(delta), delta.market.encode()
            )
        assert producer.flush(10) == 0
        return outcomes

    def book(self, market: str) -> dict[str, object]:
        engine = self.reference.sessions[market].engine
        return {
            "bids": [level._asdict() for level in engine.depth(Side.BUY)],
            "asks": [level._asdict() for level in engine.depth(Side.SELL)],
        }

    def book_sequence(self, market: str) -> int:
        return max(
            (delta.last_sequence for delta in self.reference.deltas if delta.market == market),
            default=0,
        )

    def private_strings(self) -> set[str]:
        """Every owner, order account and wallet the records name."""
        names = set(self.writer.owner_addresses)
        for trade in self.reference.trades:
            names |= {trade.buyer, trade.seller, trade.buy_order, trade.sell_order}
        return names


@contextmanager
def market_data_pipeline(
    settings: Settings, **market_data: object
) -> Iterator[tuple[Settings, MatcherOutput, MarketDataFeed]]:
    """Scratch topics, a scratch Redis prefix and a running feed; settings that name them."""
    bootstrap = f"{settings.kafka.host}:{settings.kafka.port}"
    with scratch_topics(bootstrap, {"trades": 2, "deltas": 2}) as topics:
        prefix = f"test-md-{uuid.uuid4().hex[:10]}"
        piped = settings.model_copy(
            update={
                "market": settings.market.model_copy(
                    update={"trades_topic": topics["trades"], "book_deltas_topic": topics["deltas"]}
                ),
                "market_data": MarketDataSettings(redis_prefix=prefix, **market_data),  # type: ignore[arg-type]
            }
        )
        client = redis.Redis(host=settings.redis.host, port=settings.redis.port)
        feed = MarketDataFeed(piped, client)
        thread = threading.Thread(target=feed.run, name="market-feed", daemon=True)
        thread.start()
        try:
            wait_for(feed.caught_up.is_set, "the feed to catch up")
            yield piped, MatcherOutput(piped), feed
        finally:
            feed.stop()
            thread.join(10)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
            client.close()
