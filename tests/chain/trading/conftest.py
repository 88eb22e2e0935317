from __future__ import annotations

import pytest

from tests.utils.svm import build_program
from tests.utils.trading import MarketFixture, TradingChain


@pytest.fixture(scope="session")
def trading_so() -> bytes:
    return build_program("trading")


@pytest.fixture
def chain(trading_so: bytes) -> TradingChain:
    return TradingChain.deploy(trading_so)


@pytest.fixture
def market(chain: TradingChain) -> MarketFixture:
    return chain.open_market(fee_bps=25)
