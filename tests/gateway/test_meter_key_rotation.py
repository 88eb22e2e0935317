"""Device-key rotation through the gateway on a private bootstrapped chain: a meter registered
on chain and commissioned in a scratch database; the operator's wallet (the Registry
authority's key) signs the prepared ``rotate_device_key``; the gateway relays it, and from then
on the meter account on chain and ``meters.device_pubkey`` hold the new key, readings signed
with the old key are refused (401) at ``POST /v1/readings/batch`` (and new-key ones accepted), the
rotation is in the history and the audit log, and the owner has the ``meter_key_rotated``
notice. Refusals: another operator's wallet, a tampered transaction, the current key."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.chain.traders import TraderFunding
from gridtokenx.config import Settings
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.energy_data import FieldMeter, commission
from tests.gateway.orders_rig import sign_prepared, signed_in
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.utils.kafka import scratch_topics
from tests.utils.traders import trader_funding

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

SOL = 1_000_000_000
OTHER_OPERATOR = BrowserWallet()
"""An operator of the gateway whose wallet is not the Registry authority."""


@pytest.fixture(scope="module")
def key_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with bootstrapped_chain(tmp_path_factory.mktemp("meter-key-rotation")) as chain:
        yield chain


@pytest.fixture(scope="module")
def operator_wallet(key_chain: LocalChain) -> BrowserWallet:
    """The Registry operator authority's key, in the operator's browser wallet."""
    return BrowserWallet(keypair=local_keypair(key_chain.settings.chain_keys_dir, OPERATOR_KEY))


@pytest.fixture
def readings_topic(running_stack: Settings) -> Iterator[str]:
    with scratch_topics(running_stack.kafka.bootstrap_servers, {"readings": 1}) as topics:
        yield topics["readings"]


@pytest.fixture
def gateway_settings(
    gateway_settings: Settings,
    key_chain: LocalChain,
    operator_wallet: BrowserWallet,
    readings_topic: str,
) -> Settings:
    return gateway_settings.model_copy(
        update={
            "chain": key_chain.settings.chain,
            "state_dir": key_chain.settings.state_dir,
            "telemetry": gateway_settings.telemetry.model_copy(
                update={"readings_topic": readings_topic}
            ),
            "gateway": gateway_settings.gateway.model_copy(
                update={"operator_wallets": [operator_wallet.address, OTHER_OPERATOR.address]}
            ),
        }
    )


@pytest.fixture
async def funding(key_chain: LocalChain) -> AsyncIterator[TraderFunding]:
    async with trader_funding(key_chain.settings) as funding:
        yield funding


@pytest.fixture
async def chain_client(key_chain: LocalChain) -> AsyncIterator[ChainClient]:
    addresses = key_chain.addresses
    async with ChainClient.from_settings(
        key_chain.settings.chain, addresses.error_decoders()
    ) as client:
        yield client


def _readings(meter: FieldMeter, export_wh: int, timestamp_ms: int) -> dict[str, Any]:
    message, signature = meter.signed(export_wh, 0, timestamp_ms)
    return {
        "readings": [
            {
                "message": base64.b64encode(message).decode(),
                "signature": base64.b64encode(signature).decode(),
            }
        ]
    }


def _code(response: httpx.Response) -> tuple[int, str | None]:
    body = response.json()
    return response.status_code, body.get("code") if isinstance(body, dict) else None


async def _device_key_on_chain(
    client: ChainClient, key_chain: LocalChain, meter: FieldMeter
) -> Pubkey:
    address = meter_address(key_chain.addresses.registry_program, meter.meter_id.bytes)[0]
    [account] = await client.rpc.get_multiple_accounts([address])
    assert account is not None
    return MeterAccount.decode(account.data).device_pubkey


async def test_an_operator_rotates_a_meters_device_key(
    client: httpx.AsyncClient,
    gateway_settings: Settings,
    key_chain: LocalChain,
    funding: TraderFunding,
    chain_client: ChainClient,
    operator_wallet: BrowserWallet,
) -> None:
    trader = await funding.fund(lamports=2 * SOL)
    owner = await signed_in(client, trader)
    meter = commission(gateway_settings.postgres, owner=str(trader.key))
    await funding.register_meter(trader, meter.meter_id.bytes, meter.device.pubkey())
    now_ms = int(time.time() * 1000)
    accepted = await client.post("/v1/readings/batch", json=_readings(meter, 10, now_ms))
    assert accepted.status_code == 202, accepted.text

    operator = bearer(await sign_in(client, operator_wallet))
    other = bearer(await sign_in(client, OTHER_OPERATOR))
    new_device = Keypair()
    path = f"/v1/operator/meters/{meter.meter_id}/key-rotation"
    request = {"new_device_pubkey": str(new_device.pubkey()), "reason": "device replaced"}

    refused = await client.post(f"{path}/transaction", json=request, headers=other)
    assert _code(refused) == (403, "not_registry_authority")
    assert (
        _code(await client.post(f"{path}/transaction", json=request, headers=owner.headers))[0]
        == 403
    )
    same = {**request, "new_device_pubkey": str(meter.device.pubkey())}
    assert _code(await client.post(f"{path}/transaction", json=same, headers=operator)) == (
        422,
        "meter_key_invalid",
    )
    unknown = f"/v1/operator/meters/{uuid.uuid4()}/key-rotation/transaction"
    assert _code(await client.post(unknown, json=request, headers=operator)) == (
        404,
        "meter_not_found",
    )

    prepared = await client.post(f"{path}/transaction", json=request, headers=operator)
    assert prepared.status_code == 200, prepared.text
    assert prepared.json()["authority"] == operator_wallet.address
    signed = sign_prepared(prepared.json()["transaction"], operator_wallet.keypair)
    # Signed for another key than the body names: not the prepared rotation.
    other_key = {**request, "new_device_pubkey": str(Keypair().pubkey()), "transaction": signed}
    assert _code(await client.post(path, json=other_key, headers=operator)) == (
        422,
        "meter_key_transaction_mismatch",
    )
    assert await _device_key_on_chain(chain_client, key_chain, meter) == meter.device.pubkey()

    submitted = await client.post(path, json={**request, "transaction": signed}, headers=operator)
    assert submitted.status_code == 200, submitted.text
    rotation = submitted.json()
    assert rotation["old_device_pubkey"] == str(meter.device.pubkey())
    assert rotation["new_device_pubkey"] == str(new_device.pubkey())
    assert rotation["signature"] == str(VersionedTransaction.from_bytes(
        base64.b64decode(signed)).signatures[0])  # fmt: skip
    assert await _device_key_on_chain(chain_client, key_chain, meter) == new_device.pubkey()
    with psycopg.connect(gateway_settings.postgres.url) as connection:
        stored = connection.execute(
            "SELECT device_pubkey FROM meters WHERE meter_id = %s", (meter.meter_id,)
        ).fetchone()
    assert stored is not None
    assert bytes(stored[0]) == bytes(new_device.pubkey())

    old_key = await client.post("/v1/readings/batch", json=_readings(meter, 20, now_ms + 60_000))
    assert _code(old_key) == (401, "reading_signature_invalid")
    rotated = FieldMeter(meter_id=meter.meter_id, device=new_device)
    new_key = await client.post("/v1/readings/batch", json=_readings(rotated, 20, now_ms + 60_000))
    assert new_key.status_code == 202, new_key.text

    history = await client.get(
        f"/v1/operator/meters/{meter.meter_id}/key-rotations", headers=operator
    )
    assert history.json()["data"] == [rotation]
    audit = await client.get(
        "/v1/operator/audit",
        params={"action": "meter.rotate_device_key", "target": f"meter:{meter.meter_id}"},
        headers=operator,
    )
    [row] = audit.json()["data"]
    assert row["reason"] == "device replaced"
    notices = await client.get("/v1/me/notifications", headers=owner.headers)
    kinds = [item for item in notices.json()["data"] if item["kind"] == "meter_key_rotated"]
    assert len(kinds) == 1
    assert kinds[0]["data"]["signature"] == rotation["signature"]
