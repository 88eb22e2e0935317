"""What the sender reports about each transaction, for dashboards and benches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from solders.signature import Signature

ConfirmedVia = Literal["websocket", "polling"]


class SendMetrics(Protocol):
    def sent(self, signature: Signature) -> None:
        """A newly signed transaction went out for the first time."""

    def resent(self, signature: Signature) -> None:
        """The same signed transaction (same signature) went out again."""

    def rebuilt(self, expired: Signature) -> None:
        """``expired``'s blockhash expired without it landing; a new one replaces it."""

    def confirmed(self, signature: Signature, latency_s: float, via: ConfirmedVia) -> None:
        """Reached the commitment ``latency_s`` after send_and_confirm began."""

    def failed(self, reason: str) -> None:
        """send_and_confirm raised (preflight, on-chain failure, timeout, transport)."""


@dataclass
class SendCounters:
    """A SendMetrics that counts; ``latencies_s`` keeps each confirmation's latency."""

    sent_count: int = 0
    resent_count: int = 0
    rebuilt_count: int = 0
    confirmed_count: int = 0
    failed_count: int = 0
    confirmed_via: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)

    @property
    def retried_count(self) -> int:
        return self.resent_count + self.rebuilt_count

    def sent(self, signature: Signature) -> None:
        self.sent_count += 1

    def resent(self, signature: Signature) -> None:
        self.resent_count += 1

    def rebuilt(self, expired: Signature) -> None:
        self.rebuilt_count += 1

    def confirmed(self, signature: Signature, latency_s: float, via: ConfirmedVia) -> None:
        self.confirmed_count += 1
        self.confirmed_via[via] = self.confirmed_via.get(via, 0) + 1
        self.latencies_s.append(latency_s)

    def failed(self, reason: str) -> None:
        self.failed_count += 1
        self.failures[reason] = self.failures.get(reason, 0) + 1
