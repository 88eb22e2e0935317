"""Feed ids and push-oracle addresses against the addresses Pyth documents."""

from __future__ import annotations

import pytest
from solders.pubkey import Pubkey

from gridtokenx.oracle.errors import OracleConfigError
from gridtokenx.oracle.feeds import (
    RECEIVER_PROGRAM_ID,
    USDC_USD_FEED_ID,
    feed_id_bytes,
    price_feed_address,
    push_feed_address,
)
from tests.oracle.fixtures import SOL_USD_FEED_ID, SOL_USD_PUSH_ADDRESS


def test_push_addresses_match_the_documented_mainnet_accounts() -> None:
    # Pyth's docs (push-feeds/data/svm/solana-mainnet.json) list both addresses for shard 0.
    assert str(push_feed_address(feed_id_bytes(SOL_USD_FEED_ID))) == SOL_USD_PUSH_ADDRESS
    usdc = push_feed_address(feed_id_bytes(USDC_USD_FEED_ID))
    assert str(usdc) == "Dpw1EAVrSB1ibxiDQyTAW6Zip3J4Btk2x4SgApQCeFbX"


def test_shards_and_programs_give_other_addresses() -> None:
    feed = feed_id_bytes(USDC_USD_FEED_ID)
    assert push_feed_address(feed, 1) != push_feed_address(feed, 0)
    local = price_feed_address(RECEIVER_PROGRAM_ID, feed)
    assert local == Pubkey.find_program_address([b"\0\0", feed], RECEIVER_PROGRAM_ID)[0]
    assert local != push_feed_address(feed)


def test_feed_ids_accept_0x_and_refuse_garbage() -> None:
    assert feed_id_bytes("0x" + USDC_USD_FEED_ID) == bytes.fromhex(USDC_USD_FEED_ID)
    for bad in ("zz", USDC_USD_FEED_ID[:-2]):
        with pytest.raises(OracleConfigError):
            feed_id_bytes(bad)
