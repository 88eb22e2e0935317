"""The platform journey on the running stack, through the gateway's HTTP and WebSocket only.

Real wallet keys sign as a browser wallet would (the operator's wallet is the bootstrapped
chain's operator key, which the gateway makes an operator): a new user signs in, registers a
field meter (setup → registration transaction → the operator co-signs in the approval queue),
the meter's device posts signed readings, GXT is minted for them; the prosumer sells and a
consumer buys through prepare → sign → submit, the trades settle on chain, both users see their
fills and settlements on the private ``user`` channel, and the month's statement (CSV and PDF)
lists exactly the settlement transactions the chain has for them with the chain's amounts.

The market is shared with the trading agents, so each order may trade with an agent as well as
with the other user (both orders are priced to trade at once); every check is about the user's
own trades.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from websockets.asyncio.client import ClientConnection, connect

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.config import Settings
from gridtokenx.statements.text import parse
from tests.gateway.energy_data import FieldMeter
from tests.gateway.orders_rig import sign_prepared
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.utils.settle_transactions import GET_TRANSACTION_CONFIG, settle_fills

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

WAIT_S = 120.0
KWH = 1_000_000
"""GXT base units per kWh."""
USDC = 1_000_000
SOL = 1_000_000_000


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class User:
    wallet: BrowserWallet
    headers: dict[str, str]
    token: str
    events: list[dict[str, Any]] = field(default_factory=list)


async def signed_in(http: httpx.AsyncClient, wallet: BrowserWallet) -> User:
    tokens = await sign_in(http, wallet)
    return User(wallet, bearer(tokens), tokens["access_token"])


async def eventually(check: Any, what: str) -> Any:
    """``await check()`` until it returns something truthy (within WAIT_S)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.5)


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def follow_user_channel(ws: ClientConnection, user: User) -> None:
    """Collect the ``user`` channel's updates of ``user`` (checking sequences) until closed."""
    sequence: int | None = None
    async for raw in ws:
        message = json.loads(raw)
        if message.get("channel") != "user":
            continue
        if message["type"] == "snapshot":
            sequence = message["sequence"]
        elif message["type"] == "update":
            if message["previous"] != sequence:
                await ws.send(json.dumps({"op": "resync", "channel": "user"}))
                continue
            sequence = message["sequence"]
            user.events.append({"kind": message["kind"], "data": message["data"]})


@asynccontextmanager
async def user_channel(url: str, user: User) -> AsyncIterator[asyncio.Task[None]]:
    async with connect(url) as ws:
        await ws.send(json.dumps({"op": "auth", "token": user.token}))
        await ws.send(json.dumps({"op": "subscribe", "channel": "user"}))
        task = asyncio.create_task(follow_user_channel(ws, user))
        try:
            yield task
        finally:
            task.cancel()


async def register_meter(
    http: httpx.AsyncClient, owner: User, operator: User, device: Keypair, zone_id: int
) -> dict[str, Any]:
    created = ok(
        await http.post(
            "/v1/me/meter-registrations",
            json={
                "device_pubkey": str(device.pubkey()),
                "kind": 1,
                "zone_id": zone_id,
                "max_export_w": 50_000,
                "max_import_w": 50_000,
            },
            headers=owner.headers,
        ),
        201,
    )
    request_id = created["registration"]["id"]
    prepared = ok(
        await http.post(
            f"/v1/me/meter-registrations/{request_id}/setup",
            json={"transaction": sign_prepared(created["transaction"], owner.wallet.keypair)},
            headers=owner.headers,
        )
    )
    ok(
        await http.post(
            f"/v1/me/meter-registrations/{request_id}/sign",
            json={"transaction": sign_prepared(prepared["transaction"], owner.wallet.keypair)},
            headers=owner.headers,
        )
    )
    queue = ok(await http.get("/v1/operator/meter-registrations", headers=operator.headers))
    queued = next(item for item in queue["data"] if item["registration"]["id"] == request_id)
    approved = ok(
        await http.post(
            f"/v1/operator/meter-registrations/{request_id}/approve",
            json={
                "transaction": sign_prepared(queued["transaction"], operator.wallet.keypair),
                "reason": "journey test: field meter checked",
            },
            headers=operator.headers,
        )
    )
    assert approved["status"] == "approved"
    return approved


async def faucet(
    http: httpx.AsyncClient, operator: User, user: User, lamports: int, usdc: int
) -> None:
    ok(
        await http.post(
            "/v1/operator/faucet",
            json={
                "wallet": user.wallet.address,
                "lamports": lamports,
                "usdc_base_units": usdc,
                "reason": "journey test: funding a new wallet",
            },
            headers=operator.headers,
        )
    )


async def place(
    http: httpx.AsyncClient, user: User, side: str, price: int, quantity: int
) -> dict[str, Any]:
    """prepare → the wallet signs → submit, waiting for the transaction to land."""
    prepared = ok(
        await http.post(
            "/v1/orders/prepare",
            json={"side": side, "price_per_kwh": price, "quantity": quantity},
            headers=user.headers,
        )
    )
    submitted = ok(
        await http.post(
            "/v1/transactions/submit",
            json={
                "transaction": sign_prepared(prepared["transaction"], user.wallet.keypair),
                "wait": True,
            },
            headers=user.headers,
        )
    )
    return {**prepared, **submitted}


def events_of(user: User, kind: str) -> list[dict[str, Any]]:
    return [event for event in user.events if event["kind"] == kind]


async def statement_matches_chain(
    http: httpx.AsyncClient, rpc: httpx.AsyncClient, user: User, trading_program: str
) -> set[str]:
    """Checks the month's CSV and PDF against each settle transaction; returns their
    signatures."""
    month = datetime.now(UTC).strftime("%Y-%m")
    csv_response = await http.get(f"/v1/me/statements/{month}.csv", headers=user.headers)
    pdf_response = await http.get(f"/v1/me/statements/{month}.pdf", headers=user.headers)
    assert csv_response.status_code == pdf_response.status_code == 200
    rows = [
        row for row in csv.DictReader(io.StringIO(csv_response.text)) if row["record"] == "fill"
    ]
    pdf_text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_response.content)).pages
    )
    for row in rows:
        answer = ok(
            await rpc.post(
                "",
                json={
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "getTransaction",
                    "params": [row["signature"], GET_TRANSACTION_CONFIG],
                },
            )
        )
        transaction = answer["result"]
        assert transaction["meta"]["err"] is None
        fills = settle_fills(transaction, Pubkey.from_string(trading_program))
        quantity, price = parse(row["energy_kwh"]), parse(row["price_usdc_per_kwh"])
        side_index = 0 if row["side"] == "buy" else 1
        assert any(
            fill[side_index] == row["order"] and fill[2:] == (quantity, price) for fill in fills
        ), (row, fills)
        assert f"settle tx {row['signature']}" in pdf_text
    return {row["signature"] for row in rows}


async def test_a_prosumer_and_a_consumer_from_sign_in_to_statement(
    running_stack: Settings,
) -> None:
    settings = running_stack
    base_url = f"http://{settings.gateway.host}:{settings.gateway.port}"
    ws_url = f"ws://{settings.gateway.host}:{settings.gateway.port}/v1/ws"
    addresses = load_addresses(settings.chain_addresses_file)
    operator_key = local_keypair(settings.chain_keys_dir, OPERATOR_KEY)
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=60.0) as http,
        httpx.AsyncClient(base_url=settings.chain.rpc_url, timeout=30.0) as rpc,
    ):
        operator = await signed_in(http, BrowserWallet(keypair=operator_key))
        prosumer = await signed_in(http, BrowserWallet())
        consumer = await signed_in(http, BrowserWallet())
        await faucet(http, operator, prosumer, 2 * SOL, 0)
        await faucet(http, operator, consumer, 2 * SOL, 100 * USDC)

        topology = ok(await http.get("/v1/grid/topology"))
        zone_id = min(
            feature["properties"]["zone"]
            for feature in topology["features"]
            if feature["properties"].get("kind") == "zone"
        )
        device = Keypair()
        approved = await register_meter(http, prosumer, operator, device, zone_id)
        meter = FieldMeter(meter_id=uuid.UUID(approved["meter_id"]), device=device)
        prosumer = await signed_in(http, prosumer.wallet)
        assert (ok(await http.get("/v1/me", headers=prosumer.headers)))["role"] == "prosumer"

        async with user_channel(ws_url, prosumer), user_channel(ws_url, consumer):
            start_ms = int(time.time() * 1000)
            readings = [
                # 30 kW, then 40 kW: within the meter's 50 kW rating (and the clock skew).
                meter.signed(500, 0, start_ms + 60_000),
                meter.signed(1_500, 0, start_ms + 150_000),
            ]
            ok(
                await http.post(
                    "/v1/readings/batch",
                    json={
                        "readings": [
                            {
                                "message": base64.b64encode(message).decode(),
                                "signature": base64.b64encode(signature).decode(),
                            }
                            for message, signature in readings
                        ]
                    },
                ),
                202,
            )

            async def minted() -> int:
                mints = ok(
                    await http.get(f"/v1/meters/{meter.meter_id}/mints", headers=prosumer.headers)
                )
                return sum(m["minted_wh"] or 0 for m in mints["data"] if m["status"] == "confirmed")

            assert await eventually(minted, "GXT minted for the readings") == 1_500
            await eventually(lambda: asyncio.sleep(0, events_of(prosumer, "mint")), "mint event")

            market = f"markets/{addresses.market}"
            parameters = ok(
                await http.get(f"/v1/operator/{market}/parameters", headers=operator.headers)
            )
            tick = parameters["tick_per_kwh"]
            # Both orders must trade whatever the agents' book holds: the prosumer asks the
            # lowest price (it sells to the best bid, or rests as the best ask), the consumer
            # bids far above the market (it buys from the best asks, the prosumer's if it rested).
            await place(http, prosumer, "sell", tick, KWH)
            await place(http, consumer, "buy", (5 * USDC // tick) * tick, KWH)

            for user in (prosumer, consumer):
                await eventually(lambda u=user: asyncio.sleep(0, events_of(u, "fill")), "fills")
                await eventually(
                    lambda u=user: asyncio.sleep(0, events_of(u, "settlement")), "settlements"
                )

        for user in (prosumer, consumer):
            settled = {
                event["data"]["signature"]
                for event in events_of(user, "settlement")
                if event["data"]["status"] == "settled"
            }
            assert settled, events_of(user, "settlement")
            program = str(addresses.trading_program)
            assert settled <= await statement_matches_chain(http, rpc, user, program)
