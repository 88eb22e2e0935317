"""`gridtokenx oracle price` output: the value when usable, the flags and exit 2 when not."""

from __future__ import annotations

import json

from solders.pubkey import Pubkey

from gridtokenx.oracle.cli import UNUSABLE_EXIT_CODE, _render
from gridtokenx.oracle.feeds import DEFAULT_CURRENCIES
from gridtokenx.oracle.price_update import FULL_VERIFICATION, PriceUpdate
from gridtokenx.oracle.quotes import PricePolicy, UsdcQuote, assess

NOW = 1_800_000_000
POLICY = PricePolicy(max_age_s=60, max_confidence_bps=200)


def _quote(fx_publish_time: int) -> UsdcQuote:
    def update(price: int, publish_time: int) -> PriceUpdate:
        return PriceUpdate(
            Pubkey.new_unique(),
            FULL_VERIFICATION,
            bytes(32),
            price,
            1,
            -8,
            publish_time,
            publish_time,
            price,
            1,
            7,
        )

    usdc = assess("USDC/USD", Pubkey.new_unique(), update(100_000_000, NOW - 1), NOW, POLICY)
    fx = assess("USD/THB", Pubkey.new_unique(), update(3_350_000_000, fx_publish_time), NOW, POLICY)
    return UsdcQuote(DEFAULT_CURRENCIES["THB"], usdc, fx)


def test_a_usable_quote_prints_the_value() -> None:
    text, code = _render(_quote(NOW - 1), 2_500_000, as_json=False)
    assert code == 0
    assert "2.500000 USDC = 83.75 THB (rounded half-even)" in text
    assert text.count("flags: none") == 2


def test_a_stale_quote_prints_its_flags_and_exits_2() -> None:
    text, code = _render(_quote(NOW - 3600), 1_000_000, as_json=False)
    assert code == UNUSABLE_EXIT_CODE
    assert "flags: stale" in text
    assert "NOT USABLE" in text
    assert "USD/THB: stale" in text
    document = json.loads(_render(_quote(NOW - 3600), 1_000_000, as_json=True)[0])
    assert document["usable"] is False
    assert document["local_minor_units"] is None
    assert [feed["flags"] for feed in document["feeds"]] == [[], ["stale"]]
