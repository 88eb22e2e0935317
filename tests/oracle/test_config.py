"""Resolving the oracle settings: currencies, feeds, price account addresses per cluster."""

from __future__ import annotations

import pytest
from solders.pubkey import Pubkey

from gridtokenx.config import OracleSettings
from gridtokenx.oracle.config import local_feed_ids, oracle_config, price_account
from gridtokenx.oracle.errors import OracleConfigError
from gridtokenx.oracle.feeds import (
    EUR_USD_FEED_ID,
    RECEIVER_PROGRAM_ID,
    USD_THB_FEED_ID,
    USDC_USD_FEED_ID,
    price_feed_address,
    push_feed_address,
)

USDC = bytes.fromhex(USDC_USD_FEED_ID)


def test_thb_is_the_default_and_reads_usd_thb() -> None:
    config = oracle_config(OracleSettings())
    assert (config.currency.currency, config.fx.name) == ("THB", "USD/THB")
    assert config.fx.feed_id.hex() == USD_THB_FEED_ID
    assert not config.currency.inverted
    assert config.policy.max_age_s == 60
    assert config.policy.max_confidence_bps == 200


def test_eur_reads_the_inverted_eur_usd_feed() -> None:
    config = oracle_config(OracleSettings(local_currency="eur"))
    assert (config.currency.currency, config.fx.name) == ("EUR", "EUR/USD")
    assert config.fx.feed_id.hex() == EUR_USD_FEED_ID
    assert config.currency.inverted


def test_another_currency_needs_its_feed() -> None:
    with pytest.raises(OracleConfigError, match="GRIDTOKENX_ORACLE__FX_FEED_ID"):
        oracle_config(OracleSettings(local_currency="JPY"))
    jpy = "ef2c98c804ba503c6a707e38be4dfbb16683775f195b091252bf24693042fd52"
    config = oracle_config(
        OracleSettings(local_currency="JPY", fx_feed_id="0x" + jpy, local_minor_unit_digits=0)
    )
    assert (config.fx.name, config.currency.minor_unit_digits) == ("USD/JPY", 0)


def test_local_feeds_cover_every_builtin_currency_once() -> None:
    assert [f.hex() for f in local_feed_ids(OracleSettings())] == [
        USDC_USD_FEED_ID,
        USD_THB_FEED_ID,
        EUR_USD_FEED_ID,
    ]


def test_price_accounts_per_cluster() -> None:
    local = OracleSettings()
    assert price_account(local, USDC) == price_feed_address(RECEIVER_PROGRAM_ID, USDC)
    recorded = Pubkey.new_unique()
    assert price_account(local, USDC, {USDC_USD_FEED_ID: recorded}) == recorded
    devnet = OracleSettings(cluster="devnet")
    assert price_account(devnet, USDC, {USDC_USD_FEED_ID: recorded}) == push_feed_address(USDC)
    explicit = Pubkey.new_unique()
    overridden = OracleSettings(
        cluster="devnet", price_accounts={"0x" + USDC_USD_FEED_ID: str(explicit)}
    )
    assert price_account(overridden, USDC) == explicit
    with pytest.raises(OracleConfigError):
        price_account(OracleSettings(price_accounts={USDC_USD_FEED_ID: "nope"}), USDC)
