"""Each test here runs a real trade behind the trading app: its own private chain (per module),
market pipeline and gateway process (per test) — see :mod:`tests.web.after_trade.trade_rig`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridtokenx.config import Settings, get_settings
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.utils.market_pipeline import MarketPipeline, market_pipeline
from tests.web.next_app import Browser, prepare_web, trading_app_with_gateway


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "trading")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-trade-chain")) as chain:
        yield chain


@pytest.fixture
def pipeline(
    running_stack: Settings, local_chain: LocalChain, tmp_path: Path
) -> Iterator[MarketPipeline]:
    with market_pipeline(running_stack, local_chain, tmp_path) as pipeline:
        yield pipeline


@pytest.fixture
def browser(
    running_stack: Settings, local_chain: LocalChain, pipeline: MarketPipeline, tmp_path: Path
) -> Iterator[Browser]:
    """The trading app's production build and a gateway process reading the pipeline's
    database."""
    with trading_app_with_gateway(
        running_stack,
        local_chain,
        tmp_path,
        settings=pipeline.settings,
        database=pipeline.settings.postgres,
    ) as browser:
        yield browser
