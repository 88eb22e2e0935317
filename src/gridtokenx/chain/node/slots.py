"""Slot time and the blockhash validity window, kept apart from any I/O.

The slot is derived from wall-clock time since genesis, so it keeps increasing across restarts,
and each slot's blockhash is derived from the genesis hash and the slot number, so blockhashes
never repeat (LiteSVM's own blockhash sequence restarts with the process).
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass

from solders.hash import Hash


@dataclass(frozen=True)
class SlotClock:
    genesis_unix_ms: int
    slot_ms: int

    def slot_at(self, unix_ms: int) -> int:
        return max(0, (unix_ms - self.genesis_unix_ms) // self.slot_ms)

    def unix_seconds_of(self, slot: int) -> int:
        """The wall-clock start of ``slot`` (the block time clients see), in Unix seconds."""
        return (self.genesis_unix_ms + slot * self.slot_ms) // 1000


def blockhash_of_slot(genesis_hash: Hash, slot: int) -> Hash:
    return Hash(hashlib.sha256(bytes(genesis_hash) + slot.to_bytes(8, "little")).digest())


class BlockhashWindow:
    """Which blockhashes a transaction may still use: those of the last ``valid_slots`` slots."""

    def __init__(self, genesis_hash: Hash, valid_slots: int) -> None:
        self._genesis_hash = genesis_hash
        self._valid_slots = valid_slots
        self._slot_of: dict[Hash, int] = {}
        self._order: deque[Hash] = deque()
        self.slot = -1
        self.latest = genesis_hash

    def advance_to(self, slot: int) -> None:
        """Move to ``slot``, creating the blockhashes of every slot passed on the way."""
        first = max(self.slot + 1, slot - self._valid_slots)
        for each in range(first, slot + 1):
            blockhash = blockhash_of_slot(self._genesis_hash, each)
            self._slot_of[blockhash] = each
            self._order.append(blockhash)
            self.latest = blockhash
        self.slot = max(self.slot, slot)
        while self._order and self._slot_of[self._order[0]] < self.slot - self._valid_slots:
            del self._slot_of[self._order.popleft()]

    def is_valid(self, blockhash: Hash) -> bool:
        return blockhash in self._slot_of

    @property
    def last_valid_block_height(self) -> int:
        return self.slot + self._valid_slots
