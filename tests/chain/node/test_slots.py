from __future__ import annotations

from solders.hash import Hash

from gridtokenx.chain.node.slots import BlockhashWindow, SlotClock, blockhash_of_slot

GENESIS = Hash.new_unique()


def test_slot_clock_counts_slots_from_genesis() -> None:
    clock = SlotClock(genesis_unix_ms=1_000_000, slot_ms=400)
    assert clock.slot_at(999_000) == 0
    assert clock.slot_at(1_000_399) == 0
    assert clock.slot_at(1_000_400) == 1
    assert clock.unix_seconds_of(10) == 1_004


def test_a_blockhash_is_valid_for_exactly_its_window() -> None:
    window = BlockhashWindow(GENESIS, valid_slots=150)
    window.advance_to(10)
    first = window.latest
    assert first == blockhash_of_slot(GENESIS, 10)
    assert window.last_valid_block_height == 160
    window.advance_to(160)
    assert window.is_valid(first)
    window.advance_to(161)
    assert not window.is_valid(first)
    assert window.is_valid(blockhash_of_slot(GENESIS, 11))


def test_a_jump_creates_only_the_slots_still_in_the_window() -> None:
    window = BlockhashWindow(GENESIS, valid_slots=150)
    window.advance_to(1_000_000)
    assert window.is_valid(blockhash_of_slot(GENESIS, 1_000_000 - 150))
    assert not window.is_valid(blockhash_of_slot(GENESIS, 1_000_000 - 151))
    assert not window.is_valid(Hash.new_unique())


def test_blockhashes_differ_per_slot_and_per_chain() -> None:
    assert blockhash_of_slot(GENESIS, 1) != blockhash_of_slot(GENESIS, 2)
    assert blockhash_of_slot(GENESIS, 1) != blockhash_of_slot(Hash.new_unique(), 1)
