"""Where the feed's data lives in Redis: one snapshot key per channel, one pub/sub channel per
channel for its updates, and the set of markets.

    <prefix>:markets          SET of market addresses with data
    <prefix>:snap:<channel>   {"channel", "sequence", "data"}: the channel's current state
    <prefix>:ch:<channel>     pub/sub: every update {"type": "update", "channel", "previous",
                              "sequence", "data"} (see :mod:`~.views`)

The feed writes a channel's snapshot and publishes its update in one MULTI/EXEC, snapshot
first, so a reader that receives an update and then reads the snapshot gets that update or a
later state: a worker that starts late subscribes, loads the snapshots, and drops updates its
snapshot already holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class BusKeys:
    prefix: str

    @property
    def markets(self) -> str:
        return f"{self.prefix}:markets"

    def snapshot(self, channel: str) -> str:
        return f"{self.prefix}:snap:{channel}"

    def updates(self, channel: str) -> str:
        return f"{self.prefix}:ch:{channel}"

    @property
    def updates_pattern(self) -> str:
        return f"{self.prefix}:ch:*"

    def channel_of(self, pubsub_channel: str) -> str:
        return pubsub_channel.removeprefix(f"{self.prefix}:ch:")


def snapshot_document(channel: str, sequence: int, data: dict[str, Any]) -> bytes:
    return dumps({"channel": channel, "sequence": sequence, "data": data})
