"""On a private bootstrapped node: bootstrap creates the local price accounts, the publisher
keeps them fresh, the reader sees fresh prices through the same code it uses on devnet, and once
publishing stops the reader flags them stale."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import time
from collections.abc import Iterator

import pytest
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.keys import OPERATOR_KEY, read_keypair
from gridtokenx.config import OracleSettings, Settings
from gridtokenx.oracle import cli as oracle_cli
from gridtokenx.oracle.app import read_quote
from gridtokenx.oracle.config import local_feed_ids
from gridtokenx.oracle.errors import (
    FeedIdMismatchError,
    PriceAccountMissingError,
    PriceUnusableError,
    WrongOwnerError,
)
from gridtokenx.oracle.feeds import (
    EUR_USD_FEED_ID,
    RECEIVER_PROGRAM_ID,
    USD_THB_FEED_ID,
    USDC_USD_FEED_ID,
    price_feed_address,
)
from gridtokenx.oracle.publisher import Publisher
from gridtokenx.oracle.sources import HermesSource, StaticSource
from gridtokenx.oracle.valuation import Rounding
from gridtokenx.stack.services.oracle import OracleService
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.utils.ports import free_port

pytestmark = pytest.mark.integration

MAX_AGE_S = 2


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with bootstrapped_chain(tmp_path_factory.mktemp("oracle-chain")) as local:
        yield local


def _settings(chain: LocalChain, **oracle: object) -> Settings:
    values = {"max_age_s": MAX_AGE_S, "static_walk_bps": 0, **oracle}
    return chain.settings.model_copy(update={"oracle": OracleSettings.model_validate(values)})


def _publisher(client: ChainClient, settings: Settings, source: object) -> Publisher:
    operator = read_keypair(settings.chain_keys_dir / f"{OPERATOR_KEY}.json")
    return Publisher(client, operator, local_feed_ids(settings.oracle), source)  # type: ignore[arg-type]


def test_bootstrap_records_the_local_price_accounts(chain: LocalChain) -> None:
    recorded = load_addresses(chain.settings.chain_addresses_file).price_feeds
    for feed_id in (USDC_USD_FEED_ID, USD_THB_FEED_ID, EUR_USD_FEED_ID):
        assert recorded[feed_id] == price_feed_address(RECEIVER_PROGRAM_ID, bytes.fromhex(feed_id))


async def _publish_then_read(settings: Settings) -> None:
    async with ChainClient.from_settings(settings.chain) as client:
        publisher = _publisher(client, settings, StaticSource.from_settings({}, 0))
        report = await publisher.cycle()
        assert report.error is None
        assert len(report.published) == 3
    quote = await read_quote(settings)
    assert [feed.flags.raised for feed in quote.feeds] == [(), ()]
    usable = quote.usable()
    # Static references: 1 USDC = 1.0000 USD, 33.50 THB per USD → 5 USDC = 167.50 THB.
    assert usable.to_local_minor(5_000_000, Rounding.DOWN) == 16_750
    # Stop publishing: once the cluster clock passes max_age the same read flags both feeds.
    for _ in range(200):
        quote = await read_quote(settings)
        if quote.usdc_usd.age_s > MAX_AGE_S:
            break
        await asyncio.sleep(0.1)
    assert [feed.flags.raised for feed in quote.feeds] == [("stale",), ("stale",)]
    with pytest.raises(PriceUnusableError, match="stale") as raised:
        quote.usable()
    assert raised.value.reasons == ("stale",)


def test_published_prices_are_fresh_then_stale_when_publishing_stops(chain: LocalChain) -> None:
    asyncio.run(_publish_then_read(_settings(chain)))


async def _publish_euro(settings: Settings) -> None:
    async with ChainClient.from_settings(settings.chain) as client:
        report = await _publisher(client, settings, StaticSource.from_settings({}, 0)).cycle()
        assert report.error is None
    quote = await read_quote(settings)
    assert quote.fx.name == "EUR/USD"
    # 1 / 1.08 USD per EUR → 92.59… cents per USDC, rounded half-even.
    assert quote.usable().to_local_minor(1_000_000, Rounding.HALF_EVEN) == 93


def test_another_currency_is_a_setting(chain: LocalChain) -> None:
    asyncio.run(_publish_euro(_settings(chain, local_currency="EUR", max_age_s=60)))


async def _unreachable_hermes(settings: Settings) -> None:
    source = HermesSource(f"http://127.0.0.1:{free_port()}", timeout_s=1.0)
    async with ChainClient.from_settings(settings.chain) as client:
        report = await _publisher(client, settings, source).cycle()
    assert report.error is not None
    assert "not reachable" in report.error
    assert report.published == {}


def test_an_unreachable_hermes_is_reported_not_fatal(chain: LocalChain) -> None:
    asyncio.run(_unreachable_hermes(_settings(chain)))


async def _publish_twice(settings: Settings) -> None:
    async with ChainClient.from_settings(settings.chain) as client:
        publisher = _publisher(client, settings, StaticSource.from_settings({}, 0))
        # A second newer than what earlier tests published, then the same second again:
        # nothing newer, nothing sent (the program would refuse a publish_time that does not
        # increase).
        stored = (await read_quote(settings)).usdc_usd.update.publish_time
        ahead = float(max(stored, int(time.time())) + 1)
        publisher.clock = lambda: ahead
        first = await publisher.cycle()
        again = await publisher.cycle()
    assert first.published
    assert again.published == {}
    assert again.error is None


def test_only_newer_prices_are_sent(chain: LocalChain) -> None:
    asyncio.run(_publish_twice(_settings(chain)))


def test_the_price_command_prints_the_quote_and_its_flags(
    chain: LocalChain, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(chain, max_age_s=60)
    asyncio.run(_publish_euro(_settings(chain, local_currency="EUR", max_age_s=60)))
    monkeypatch.setattr(oracle_cli, "get_settings", lambda: settings)
    code = oracle_cli._price(argparse.Namespace(rpc_url=None, usdc=2_000_000, json=True))
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["usable"] is True
    assert document["currency"] == "THB"
    assert document["local_minor_units"] == 6700
    assert {feed["feed"] for feed in document["feeds"]} == {"USDC/USD", "USD/THB"}
    assert all(feed["flags"] == [] for feed in document["feeds"])
    assert Pubkey.from_string(document["feeds"][0]["account"]) == price_feed_address(
        RECEIVER_PROGRAM_ID, bytes.fromhex(USDC_USD_FEED_ID)
    )


async def _read_expecting(settings: Settings, error: type[Exception]) -> str:
    with pytest.raises(error) as raised:
        await read_quote(settings)
    return str(raised.value)


def test_accounts_that_are_not_price_updates_of_the_feed_are_typed_errors(
    chain: LocalChain,
) -> None:
    operator = str(chain.addresses.operator)
    eur_account = str(chain.addresses.price_feeds[EUR_USD_FEED_ID])
    cases: list[tuple[str, type[Exception], str]] = [
        (operator, WrongOwnerError, "not the Pyth receiver"),
        (str(Pubkey.new_unique()), PriceAccountMissingError, "no USDC/USD price account"),
        (eur_account, FeedIdMismatchError, f"holds feed {EUR_USD_FEED_ID}"),
    ]
    for address, error, message in cases:
        settings = _settings(chain, price_accounts={USDC_USD_FEED_ID: address})
        assert message in asyncio.run(_read_expecting(settings, error))


def test_the_stack_service_runs_the_publisher(chain: LocalChain) -> None:
    settings = _settings(chain, max_age_s=60)
    spec = OracleService(settings).launch_spec()
    env = {
        **spec.env,
        "GRIDTOKENX_CHAIN__WAL_FSYNC": "false",
        "GRIDTOKENX_ORACLE__PUBLISH_INTERVAL_S": "0.2",
    }
    before = asyncio.run(read_quote(settings)).fx.update.publish_time
    completed = subprocess.run(
        [*spec.argv, "--cycles", "15", "--no-metrics"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    after = asyncio.run(read_quote(settings))
    assert after.fx.update.publish_time > before
    assert [feed.flags.raised for feed in after.feeds] == [(), ()]
