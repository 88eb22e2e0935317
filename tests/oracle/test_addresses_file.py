"""The addresses file carries the local price accounts; files written before them still load."""

from __future__ import annotations

import json
from pathlib import Path

from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import ChainAddresses, load_addresses, save_addresses
from gridtokenx.oracle.feeds import USDC_USD_FEED_ID


def _addresses(**extra: object) -> ChainAddresses:
    keys = {
        name: Pubkey.new_unique()
        for name in (
            "registry_program",
            "trading_program",
            "registry_config",
            "mint_authority",
            "gxt_mint",
            "quote_mint",
            "market",
            "energy_vault",
            "quote_vault",
            "fee_vault",
            "operator",
            "matcher",
            "faucet",
        )
    }
    return ChainAddresses(
        rpc_url="http://127.0.0.1:8899",
        genesis_hash="h",
        local=True,
        fee_bps=25,
        **keys,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def test_price_feeds_roundtrip(tmp_path: Path) -> None:
    feeds = {USDC_USD_FEED_ID: Pubkey.new_unique()}
    path = tmp_path / "addresses.json"
    save_addresses(path, _addresses(price_feeds=feeds))
    assert load_addresses(path).price_feeds == feeds
    assert json.loads(path.read_text())["price_feeds"] == {
        USDC_USD_FEED_ID: str(feeds[USDC_USD_FEED_ID])
    }


def test_a_file_written_before_price_feeds_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "addresses.json"
    written = _addresses()
    document = written.as_json()
    del document["price_feeds"]
    path.write_text(json.dumps(document))
    assert load_addresses(path) == written
