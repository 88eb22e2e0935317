"""Meter registration through the gateway on a private bootstrapped chain: the owner's wallet
signs the setup and the durable-nonce registration transaction, the operator's wallet (the
Registry authority's key) co-signs to approve; then the device's signed readings go through
``POST /v1/readings/batch``, the real ingestion and minting processes (as the stack launches
them, on scratch topics and database and the private chain), and the owner holds the minted
GXT. Refusals (tampered or wrongly signed transactions, a stale nonce,
wrong roles, other users' requests) each with their code."""

from __future__ import annotations

import asyncio
import base64
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import AdvanceNonceAccountParams, advance_nonce_account
from solders.transaction import Transaction, VersionedTransaction

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.chain.registry.accounts import MeterAccount, MeterKind, MeterStatus
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.chain.traders import GXT_PER_WH, TraderFunding
from gridtokenx.config import MintingSettings, Settings
from gridtokenx.core.ids import MeterId
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.stack.services.base import Service
from gridtokenx.stack.services.ingestion import IngestionService
from gridtokenx.stack.services.minting import MintingService
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.orders_rig import SignedInTrader, sign_prepared, signed_in
from tests.gateway.test_grid import store_scenario
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.telemetry.pipeline import Pipeline, private_pipeline
from tests.utils.ports import free_port
from tests.utils.service_process import launched
from tests.utils.traders import trader_funding

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

SOL = 1_000_000_000
FLEET = FleetConfig(meter_count=20, seed=7)
MINE = "/v1/me/meter-registrations"
QUEUE = "/v1/operator/meter-registrations"
OTHER_OPERATOR = BrowserWallet()
"""An operator of the gateway whose wallet is not the Registry authority."""


@pytest.fixture(scope="module")
def registration_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with bootstrapped_chain(tmp_path_factory.mktemp("meter-registration")) as chain:
        yield chain


@pytest.fixture(scope="module")
def operator_wallet(registration_chain: LocalChain) -> BrowserWallet:
    """The Registry operator authority's key, in the operator's browser wallet."""
    keys = registration_chain.settings.chain_keys_dir
    return BrowserWallet(keypair=local_keypair(keys, OPERATOR_KEY))


@pytest.fixture(scope="module")
def pipeline(running_stack: Settings) -> Iterator[Pipeline]:
    """A scratch database (migrated), scratch readings topics and InfluxDB database."""
    with private_pipeline(running_stack, partitions=1) as pipeline:
        store_scenario(pipeline.settings.postgres, FLEET)
        yield pipeline


@pytest.fixture
def gateway_settings(
    gateway_settings: Settings,
    registration_chain: LocalChain,
    pipeline: Pipeline,
    operator_wallet: BrowserWallet,
) -> Settings:
    return gateway_settings.model_copy(
        update={
            "chain": registration_chain.settings.chain,
            "state_dir": registration_chain.settings.state_dir,
            "postgres": pipeline.settings.postgres,
            "telemetry": pipeline.settings.telemetry,
            "gateway": gateway_settings.gateway.model_copy(
                update={"operator_wallets": [operator_wallet.address, OTHER_OPERATOR.address]}
            ),
        }
    )


@pytest.fixture
async def funding(registration_chain: LocalChain) -> AsyncIterator[TraderFunding]:
    async with trader_funding(registration_chain.settings) as funding:
        yield funding


@pytest.fixture
async def chain_client(registration_chain: LocalChain) -> AsyncIterator[ChainClient]:
    addresses = registration_chain.addresses
    settings = registration_chain.settings
    async with ChainClient.from_settings(settings.chain, addresses.error_decoders()) as client:
        yield client


async def _owner(client: httpx.AsyncClient, funding: TraderFunding) -> SignedInTrader:
    return await signed_in(client, await funding.fund(lamports=2 * SOL))


async def _operator(client: httpx.AsyncClient, wallet: BrowserWallet) -> dict[str, str]:
    return bearer(await sign_in(client, wallet))


def _request(device: Keypair, **changes: Any) -> dict[str, Any]:
    return {
        "device_pubkey": str(device.pubkey()),
        "kind": int(MeterKind.SOLAR),
        "zone_id": 3,
        "max_export_w": 10_000_000,
        "max_import_w": 10_000_000,
        **changes,
    }


def _ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    body: dict[str, Any] = response.json()
    return body


async def _slots_pass(chain: ChainClient, count: int = 2) -> None:
    """Wait until the node is ``count`` slots further, so a new transaction's blockhash differs
    from the one a nonce account was stored under: only then can it advance or close (error
    NonceBlockhashNotExpired, "nonce can only advance once per slot", as on any cluster)."""
    target = await chain.rpc.get_slot() + count
    while await chain.rpc.get_slot() < target:
        await asyncio.sleep(0.05)


async def _prepared(
    client: httpx.AsyncClient,
    owner: SignedInTrader,
    device: Keypair,
    **changes: Any,
) -> tuple[str, str]:
    """Create and set up a request; its id and the unsigned registration transaction."""
    created = _ok(
        await client.post(MINE, json=_request(device, **changes), headers=owner.headers), 201
    )
    request_id = created["registration"]["id"]
    assert created["registration"]["status"] == "awaiting_nonce"
    setup = sign_prepared(created["transaction"], owner.trader.wallet)
    step = _ok(
        await client.post(
            f"{MINE}/{request_id}/setup", json={"transaction": setup}, headers=owner.headers
        )
    )
    assert step["registration"]["status"] == "awaiting_owner"
    return request_id, step["transaction"]


async def _signed_by_owner(
    client: httpx.AsyncClient,
    owner: SignedInTrader,
    device: Keypair,
    **changes: Any,
) -> str:
    request_id, transaction = await _prepared(client, owner, device, **changes)
    signed = _ok(
        await client.post(
            f"{MINE}/{request_id}/sign",
            json={"transaction": sign_prepared(transaction, owner.trader.wallet)},
            headers=owner.headers,
        )
    )
    assert signed["status"] == "pending_approval"
    return request_id


async def _queued(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: str
) -> dict[str, Any]:
    queue = _ok(await client.get(QUEUE, headers=headers))
    [item] = [item for item in queue["data"] if item["registration"]["id"] == request_id]
    found: dict[str, Any] = item
    return found


async def _meter_account(client: ChainClient, program: Pubkey, meter_id: str) -> MeterAccount:
    address = meter_address(program, uuid.UUID(meter_id).bytes)[0]
    account = await client.rpc.get_account_info(address)
    assert account is not None
    return MeterAccount.decode(account.data)


def _rows(pipeline: Pipeline, query: str, *parameters: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(pipeline.settings.postgres.url) as connection:
        return connection.execute(query, parameters).fetchall()


def _resigned(transaction_base64: str, change: int, signer: Keypair) -> str:
    """The transaction with one byte of its message changed, signed by ``signer``."""
    transaction = VersionedTransaction.from_bytes(base64.b64decode(transaction_base64))
    raw = bytearray(bytes(transaction.message))
    raw[change] ^= 1
    message = Message.from_bytes(bytes(raw))
    return sign_prepared(
        base64.b64encode(bytes(Transaction.new_unsigned(message))).decode(), signer
    )


def _ingestion(pipeline: Pipeline, state_dir: Path) -> tuple[Service, dict[str, str]]:
    """The real ingestion process on the scratch topics, database and InfluxDB database."""
    settings = pipeline.settings
    telemetry = settings.telemetry.model_copy(update={"metrics_port": free_port()})
    service = IngestionService(
        settings.model_copy(update={"state_dir": state_dir, "telemetry": telemetry})
    )
    environment = {
        **os.environ,
        "GRIDTOKENX_TELEMETRY__READINGS_TOPIC": telemetry.readings_topic,
        "GRIDTOKENX_TELEMETRY__DEAD_LETTER_TOPIC": telemetry.dead_letter_topic,
        "GRIDTOKENX_TELEMETRY__CONSUMER_GROUP": telemetry.consumer_group,
        "GRIDTOKENX_TELEMETRY__INSTANCE_ID": telemetry.instance_id,
        "GRIDTOKENX_TELEMETRY__POLL_TIMEOUT_MS": str(telemetry.poll_timeout_ms),
    }
    return service, environment


def _minting(pipeline: Pipeline, chain: LocalChain) -> tuple[Service, dict[str, str]]:
    """The real minting process on the scratch database and the private chain (its operator
    key pays the mint fees; simulated meters are not registered)."""
    minting = MintingSettings(
        register_simulated_meters=False, interval_s=0.2, metrics_port=free_port()
    )
    service = MintingService(
        pipeline.settings.model_copy(
            update={
                "chain": chain.settings.chain,
                "state_dir": chain.settings.state_dir,
                "minting": minting,
            }
        )
    )
    environment = {
        **os.environ,
        "GRIDTOKENX_MINTING__REGISTER_SIMULATED_METERS": "false",
        "GRIDTOKENX_MINTING__INTERVAL_S": str(minting.interval_s),
    }
    return service, environment


async def _eventually(query: Callable[[], list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """The rows of ``query`` once there are any (the services work at their own pace)."""
    deadline = time.monotonic() + 60
    while not (rows := query()):
        assert time.monotonic() < deadline, "the services never wrote the rows"
        await asyncio.sleep(0.2)
    return rows


async def test_a_registered_meter_is_on_chain_and_its_readings_are_minted_to_its_owner(
    client: httpx.AsyncClient,
    funding: TraderFunding,
    chain_client: ChainClient,
    registration_chain: LocalChain,
    pipeline: Pipeline,
    operator_wallet: BrowserWallet,
    tmp_path: Path,
) -> None:
    owner, device = await _owner(client, funding), Keypair()
    meter_id = str(uuid.uuid4())
    request_id = await _signed_by_owner(client, owner, device, meter_id=meter_id)
    operator = await _operator(client, operator_wallet)

    item = await _queued(client, operator, request_id)
    assert item["registration"]["meter_id"] == meter_id
    both = sign_prepared(item["transaction"], operator_wallet.keypair)
    # What a wallet does before signing: the node simulates the durable-nonce transaction.
    simulated = await chain_client.rpc.simulate_transaction(
        VersionedTransaction.from_bytes(base64.b64decode(both)), sig_verify=True
    )
    assert simulated.err is None, simulated.logs
    approved = _ok(
        await client.post(
            f"{QUEUE}/{request_id}/approve", json={"transaction": both}, headers=operator
        )
    )
    assert approved["status"] == "approved"
    assert approved["registration_signature"]

    program = registration_chain.addresses.registry_program
    account = await _meter_account(chain_client, program, meter_id)
    assert (account.owner, account.device_pubkey, account.zone, account.kind, account.status) == (
        owner.trader.key,
        device.pubkey(),
        3,
        MeterKind.SOLAR,
        MeterStatus.ACTIVE,
    )
    assert approved["meter_address"] == str(meter_address(program, uuid.UUID(meter_id).bytes)[0])
    # Where ingestion and minting look for meters, and the owner now a prosumer.
    assert _rows(
        pipeline,
        "SELECT device_pubkey, owner_wallet, zone_id, status FROM meters WHERE meter_id = %s",
        meter_id,
    ) == [(bytes(device.pubkey()), owner.address, 3, 1)]
    assert _rows(
        pipeline,
        "SELECT owner_wallet, owner_token_account, registration_signature "
        "FROM meter_chain_accounts WHERE meter_id = %s",
        meter_id,
    ) == [
        (
            owner.address,
            str(associated_token_address(owner.trader.key, registration_chain.addresses.gxt_mint)),
            approved["registration_signature"],
        )
    ]
    assert _rows(
        pipeline,
        "SELECT u.role FROM users u JOIN wallets w ON w.user_id = u.id WHERE w.address = %s",
        owner.address,
    ) == [("prosumer",)]
    assert _rows(
        pipeline,
        "SELECT action, reason FROM audit_log WHERE target = %s",
        f"meter_registration:{request_id}",
    ) == [("meter_registration.approved", "meter registration approved")]
    mine = _ok(await client.get(MINE, headers=owner.headers))
    assert [(r["id"], r["status"]) for r in mine["data"]] == [(request_id, "approved")]

    # The nonce account has served: the authority returns its rent to the owner.
    refund_path = f"{QUEUE}/{request_id}/refund-transaction"
    _refused(await client.get(refund_path, headers=owner.headers), 403, "forbidden_role")
    refund = _ok(await client.get(refund_path, headers=operator))["transaction"]
    before = await chain_client.rpc.get_balance(owner.trader.key)
    await chain_client.submit_signed(
        VersionedTransaction.from_bytes(
            base64.b64decode(sign_prepared(refund, operator_wallet.keypair))
        )
    )
    assert await chain_client.rpc.get_balance(owner.trader.key) == before + 1_447_680
    _refused(
        await client.get(refund_path, headers=operator), 409, "meter_registration_nonce_missing"
    )

    # The device signs a reading; the gateway takes it, ingestion stores it, minting mints it.
    [(watermark_ms,)] = _rows(
        pipeline, "SELECT timestamp_ms FROM meter_watermarks WHERE meter_id = %s", meter_id
    )
    while int(time.time() * 1000) <= watermark_ms + 1000:
        await asyncio.sleep(0.1)
    reading = encode_reading(
        ReadingMessage(
            meter_id=MeterId(uuid.UUID(meter_id)),
            export_wh=5,
            import_wh=1,
            timestamp_ms=int(time.time() * 1000),
        )
    )
    batch = {
        "readings": [
            {
                "message": base64.b64encode(reading).decode(),
                "signature": base64.b64encode(bytes(device.sign_message(reading))).decode(),
            }
        ]
    }
    _ok(await client.post("/v1/readings/batch", json=batch), 202)
    token_account = associated_token_address(
        owner.trader.key, registration_chain.addresses.gxt_mint
    )
    with (
        launched(*_ingestion(pipeline, tmp_path)),
        launched(*_minting(pipeline, registration_chain)),
    ):
        [(export_wh, signature)] = await _eventually(
            lambda: _rows(
                pipeline,
                "SELECT export_wh, signature FROM meter_watermarks "
                "WHERE meter_id = %s AND signature IS NOT NULL",
                meter_id,
            )
        )
        assert (export_wh, bytes(signature)) == (5, bytes(device.sign_message(reading)))
        assert _rows(
            pipeline, "SELECT last_export_wh FROM meter_intervals WHERE meter_id = %s", meter_id
        ) == [(5,)]
        await _eventually(
            lambda: _rows(
                pipeline,
                "SELECT minted_wh FROM mint_submissions "
                "WHERE meter_id = %s AND status = 'confirmed'",
                meter_id,
            )
        )
    assert await chain_client.rpc.get_token_account_balance(token_account) == 5 * GXT_PER_WH
    assert (await _meter_account(chain_client, program, meter_id)).minted_wh == 5


async def test_tampered_or_wrongly_signed_transactions_are_refused(
    client: httpx.AsyncClient,
    funding: TraderFunding,
    chain_client: ChainClient,
    operator_wallet: BrowserWallet,
) -> None:
    owner = await _owner(client, funding)
    request_id, transaction = await _prepared(client, owner, Keypair())
    sign_path = f"{MINE}/{request_id}/sign"

    async def sign(body: str) -> httpx.Response:
        return await client.post(sign_path, json={"transaction": body}, headers=owner.headers)

    # A changed byte of the message (the last instruction's data), signed by the owner.
    tampered = _resigned(transaction, -1, owner.trader.wallet)
    _refused(await sign(tampered), 422, "meter_registration_transaction_mismatch")
    # The prepared message, but the owner's slot holds another key's signature or none.
    raw = VersionedTransaction.from_bytes(base64.b64decode(transaction))
    stranger = Keypair().sign_message(bytes(raw.message))
    forged = VersionedTransaction.populate(raw.message, [stranger, Signature.default()])
    _refused(
        await sign(base64.b64encode(bytes(forged)).decode()), 403, "transaction_signer_invalid"
    )
    _refused(await sign(transaction), 403, "transaction_signer_invalid")
    _refused(await sign("not base64!"), 400, "transaction_malformed")

    owner_signed = sign_prepared(transaction, owner.trader.wallet)
    _ok(await sign(owner_signed))
    _refused(await sign(owner_signed), 409, "meter_registration_state")

    operator = await _operator(client, operator_wallet)
    approve = f"{QUEUE}/{request_id}/approve"
    # Without the authority's signature, or with the message changed under both signatures.
    _refused(
        await client.post(approve, json={"transaction": owner_signed}, headers=operator),
        403,
        "transaction_signer_invalid",
    )
    item = await _queued(client, operator, request_id)
    both = sign_prepared(item["transaction"], operator_wallet.keypair)
    assert both != owner_signed
    changed = VersionedTransaction.from_bytes(
        base64.b64decode(_resigned(both, -1, owner.trader.wallet))
    )
    _refused(
        await client.post(
            approve,
            json={"transaction": base64.b64encode(bytes(changed)).decode()},
            headers=operator,
        ),
        422,
        "meter_registration_transaction_mismatch",
    )
    # An operator of the gateway who is not the Registry authority cannot co-sign.
    other = await _operator(client, OTHER_OPERATOR)
    _refused(
        await client.post(approve, json={"transaction": both}, headers=other),
        403,
        "not_registry_authority",
    )
    _ok(await client.post(approve, json={"transaction": both}, headers=operator))
    _refused(
        await client.post(approve, json={"transaction": both}, headers=operator),
        409,
        "meter_registration_state",
    )


async def test_a_stale_nonce_sends_the_request_back_to_the_owner(
    client: httpx.AsyncClient,
    funding: TraderFunding,
    chain_client: ChainClient,
    operator_wallet: BrowserWallet,
) -> None:
    owner = await _owner(client, funding)
    request_id = await _signed_by_owner(client, owner, Keypair())
    operator = await _operator(client, operator_wallet)
    item = await _queued(client, operator, request_id)
    both = sign_prepared(item["transaction"], operator_wallet.keypair)

    # The nonce authority advances the nonce elsewhere: the signed transaction can never land.
    await _slots_pass(chain_client)
    nonce_account = Pubkey.from_string(item["registration"]["nonce_account"])
    await chain_client.send_and_confirm(
        [
            advance_nonce_account(
                AdvanceNonceAccountParams(
                    nonce_pubkey=nonce_account, authorized_pubkey=operator_wallet.keypair.pubkey()
                )
            )
        ],
        [],
        operator_wallet.keypair,
    )
    _refused(
        await client.post(
            f"{QUEUE}/{request_id}/approve", json={"transaction": both}, headers=operator
        ),
        409,
        "meter_registration_nonce_stale",
    )
    again = _ok(await client.get(f"{MINE}/{request_id}", headers=owner.headers))
    assert again["status"] == "awaiting_owner"
    assert request_id not in [
        i["registration"]["id"] for i in _ok(await client.get(QUEUE, headers=operator))["data"]
    ]

    step = _ok(
        await client.post(f"{MINE}/{request_id}/registration-transaction", headers=owner.headers)
    )
    _ok(
        await client.post(
            f"{MINE}/{request_id}/sign",
            json={"transaction": sign_prepared(step["transaction"], owner.trader.wallet)},
            headers=owner.headers,
        )
    )
    item = await _queued(client, operator, request_id)
    approved = _ok(
        await client.post(
            f"{QUEUE}/{request_id}/approve",
            json={"transaction": sign_prepared(item["transaction"], operator_wallet.keypair)},
            headers=operator,
        )
    )
    assert approved["status"] == "approved"


async def test_rejection_is_audited_and_the_nonce_rent_can_go_back_to_the_owner(
    client: httpx.AsyncClient,
    funding: TraderFunding,
    chain_client: ChainClient,
    pipeline: Pipeline,
    operator_wallet: BrowserWallet,
) -> None:
    owner = await _owner(client, funding)
    device = Keypair()
    request_id = await _signed_by_owner(client, owner, device)
    operator = await _operator(client, operator_wallet)
    reject = f"{QUEUE}/{request_id}/reject"
    await _slots_pass(chain_client)  # the refund's blockhash must be newer than the setup's
    _refused(
        await client.post(reject, json={"reason": ""}, headers=operator), 422, "validation_failed"
    )
    rejected = _ok(
        await client.post(reject, json={"reason": "device not certified"}, headers=operator)
    )
    assert (rejected["registration"]["status"], rejected["registration"]["reason"]) == (
        "rejected",
        "device not certified",
    )
    assert _rows(
        pipeline,
        "SELECT action, reason FROM audit_log WHERE target = %s",
        f"meter_registration:{request_id}",
    ) == [("meter_registration.rejected", "device not certified")]
    _refused(
        await client.post(reject, json={"reason": "again"}, headers=operator),
        409,
        "meter_registration_state",
    )
    mine = _ok(await client.get(f"{MINE}/{request_id}", headers=owner.headers))
    assert (mine["status"], mine["reason"]) == ("rejected", "device not certified")

    # The Registry authority's wallet signs the refund: the nonce account closes into the owner.
    nonce_account = Pubkey.from_string(mine["nonce_account"])
    before = await chain_client.rpc.get_balance(owner.trader.key)
    refund = sign_prepared(rejected["refund_transaction"], operator_wallet.keypair)
    await chain_client.submit_signed(VersionedTransaction.from_bytes(base64.b64decode(refund)))
    assert await chain_client.rpc.get_account_info(nonce_account) is None
    assert await chain_client.rpc.get_balance(owner.trader.key) == before + 1_447_680

    # The device key is free again for a new request.
    _ok(await client.post(MINE, json=_request(device), headers=owner.headers), 201)


async def test_roles_other_users_and_bad_requests(
    client: httpx.AsyncClient, funding: TraderFunding, operator_wallet: BrowserWallet
) -> None:
    owner, stranger = await _owner(client, funding), await _owner(client, funding)
    device = Keypair()
    created = _ok(await client.post(MINE, json=_request(device), headers=owner.headers), 201)
    request_id = created["registration"]["id"]
    operator = await _operator(client, operator_wallet)

    # Another user's request is not found, whatever the step; the list does not show it.
    for method, path, body in (
        ("GET", f"{MINE}/{request_id}", None),
        ("POST", f"{MINE}/{request_id}/registration-transaction", None),
        ("POST", f"{MINE}/{request_id}/setup", {"transaction": created["transaction"]}),
        ("POST", f"{MINE}/{request_id}/sign", {"transaction": created["transaction"]}),
    ):
        response = await client.request(method, path, json=body, headers=stranger.headers)
        _refused(response, 404, "meter_registration_not_found")
        # The same answer as for an id nobody has: it names only the id that was asked for.
        assert response.json()["details"] == {"id": request_id}
        for secret in (created["registration"]["meter_id"], owner.address, str(device.pubkey())):
            assert secret not in response.text
    assert _ok(await client.get(MINE, headers=stranger.headers))["data"] == []
    # The queue and decisions are the operators'; owners' routes are not.
    _refused(await client.get(QUEUE, headers=owner.headers), 403, "forbidden_role")
    _refused(
        await client.post(
            f"{QUEUE}/{request_id}/reject", json={"reason": "x"}, headers=owner.headers
        ),
        403,
        "forbidden_role",
    )
    _refused(
        await client.post(MINE, json=_request(Keypair()), headers=operator), 403, "forbidden_role"
    )
    _refused(await client.get(QUEUE), 401, "unauthenticated")

    # A setup the wallet never sent can be renewed; the old one is void from then on.
    renewed = _ok(
        await client.post(f"{MINE}/{request_id}/setup-transaction", headers=owner.headers)
    )
    assert renewed["registration"]["nonce_account"] != created["registration"]["nonce_account"]
    _refused(
        await client.post(
            f"{MINE}/{request_id}/setup",
            json={"transaction": sign_prepared(created["transaction"], owner.trader.wallet)},
            headers=owner.headers,
        ),
        422,
        "meter_registration_transaction_mismatch",
    )
    # Before the setup landed there is no nonce to sign on.
    _refused(
        await client.post(f"{MINE}/{request_id}/registration-transaction", headers=owner.headers),
        409,
        "meter_registration_nonce_missing",
    )
    # A taken device key, a zone the grid lacks, a key off the curve, a malformed key.
    _refused(
        await client.post(MINE, json=_request(device), headers=owner.headers),
        409,
        "meter_already_registered",
    )
    _refused(
        await client.post(MINE, json=_request(Keypair(), zone_id=10_000), headers=owner.headers),
        422,
        "meter_registration_invalid",
    )
    off_curve = str(meter_address(Pubkey.new_unique(), b"x" * 16)[0])
    _refused(
        await client.post(
            MINE, json=_request(Keypair(), device_pubkey=off_curve), headers=owner.headers
        ),
        422,
        "meter_registration_invalid",
    )
    _refused(
        await client.post(
            MINE, json=_request(Keypair(), device_pubkey="0" * 40), headers=owner.headers
        ),
        422,
        "meter_registration_invalid",
    )
    _refused(
        await client.post(MINE, json=_request(Keypair(), kind=9), headers=owner.headers),
        422,
        "validation_failed",
    )
