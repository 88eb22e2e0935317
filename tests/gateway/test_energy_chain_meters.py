"""``GET /v1/me/meters`` reads the Registry: a meter registered on a private chain (the owner
signs, the operator co-signs) is listed for its owner's account, and for nobody else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from solders.pubkey import Pubkey

from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.chain.traders import TraderFunding
from gridtokenx.config import Settings
from gridtokenx.gateway.chain_meters import METER_OWNER_OFFSET
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.utils.traders import trader_funding

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

SOL = 1_000_000_000


@pytest.fixture(scope="module")
def meters_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with bootstrapped_chain(tmp_path_factory.mktemp("gateway-meters")) as chain:
        yield chain


@pytest.fixture
def gateway_settings(gateway_settings: Settings, meters_chain: LocalChain) -> Settings:
    return gateway_settings.model_copy(
        update={"chain": meters_chain.settings.chain, "state_dir": meters_chain.settings.state_dir}
    )


@pytest.fixture
async def funding(meters_chain: LocalChain) -> AsyncIterator[TraderFunding]:
    async with trader_funding(meters_chain.settings) as funding:
        yield funding


def test_the_owner_offset_is_the_field_after_the_meter_id() -> None:
    owner = Pubkey.from_string("11111111111111111111111111111112")
    account = MeterAccount(
        meter_id=bytes(range(16)),
        owner=owner,
        device_pubkey=Pubkey.default(),
        last_export_wh=0,
        last_import_wh=0,
        last_timestamp_ms=0,
        minted_wh=0,
        zone=0,
        kind=1,
        status=1,
        bump=255,
    )
    assert account.encode()[METER_OWNER_OFFSET : METER_OWNER_OFFSET + 32] == bytes(owner)


async def test_a_meter_registered_on_chain_is_listed_for_its_owner_only(
    client: httpx.AsyncClient, funding: TraderFunding, meters_chain: LocalChain
) -> None:
    # TraderFunding registers a meter for the wallet (operator co-signed) and mints 7 Wh.
    trader = await funding.fund(lamports=SOL, energy_wh=7)
    owner = BrowserWallet(keypair=trader.wallet)
    tokens = await sign_in(client, owner)

    response = await client.get("/v1/me/meters", headers=bearer(tokens))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["chain_checked"] is True
    (meter,) = body["data"]
    assert meter["source"] == "chain"
    assert meter["owner"] == owner.address
    assert (meter["status"], meter["zone_id"], meter["kind"], meter["minted_wh"]) == (
        "active",
        1,
        1,
        7,
    )
    assert meter["chain_registers"]["export_wh"] == 7
    registry = meters_chain.addresses.registry_program
    meter_id_bytes = bytes.fromhex(meter["meter_id"].replace("-", ""))
    assert meter["address"] == str(meter_address(registry, meter_id_bytes)[0])

    stranger = await sign_in(client, BrowserWallet())
    theirs = await client.get("/v1/me/meters", headers=bearer(stranger))
    assert theirs.json() == {"data": [], "count": 0, "chain_checked": True}
