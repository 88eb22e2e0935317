"""The private ``user`` channel: a snapshot from PostgreSQL (the ``/v1/me/*`` repositories) at
the user's event counter, then each event the notifier's publisher
(:func:`gridtokenx.notifications.channel.publish_user_event`) puts on ``gtx:user:<uuid>`` as an
update with ``previous`` = n-1; a client that misses one sees the gap and resyncs."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.notifications.channel import publish_user_event
from gridtokenx.notifications.events import EventKind
from tests.gateway.conftest import Clock
from tests.gateway.energy_data import commission, record_mint, record_trade
from tests.gateway.wallet import BrowserWallet
from tests.gateway.ws_session import authenticate, gateway, receive, sign_in, ws_settings

pytestmark = pytest.mark.integration


def publish(settings: Settings, user_id: str, kind: EventKind, data: dict[str, Any]) -> int:
    async def run() -> int:
        redis = Redis(host=settings.redis.host, port=settings.redis.port)
        try:
            sequence = await publish_user_event(redis, uuid.UUID(user_id), kind, data)
        finally:
            await redis.aclose()
        assert sequence is not None
        return sequence

    return asyncio.run(run())


def test_snapshot_then_events_and_a_gap_repaired_by_resync(
    gateway_settings: Settings, accounts_database: PostgresSettings, clock: Clock
) -> None:
    settings = ws_settings(gateway_settings)
    wallet, buyer = BrowserWallet(), BrowserWallet()
    record_trade(
        accounts_database, seller=wallet.address, buyer=buyer.address, quantity=4_000,
        timestamp_ms=1_700_000_000_000,
    )  # fmt: skip
    meter = commission(accounts_database, owner=wallet.address)
    minted = record_mint(accounts_database, meter, 1_234, 1_700_000_000_000)
    with gateway(settings, clock) as client:
        tokens = sign_in(client, wallet)
        other = sign_in(client, buyer)
        user_id = tokens["user_id"]
        # Sign-in published its own "new sign-in" notification: count from there.
        base = publish(settings, user_id, "notification", {"id": "before"})
        with client.websocket_connect("/v1/ws") as ws:
            authenticate(ws, tokens)
            ws.send_json({"op": "subscribe", "channel": "user"})
            snapshot = receive(ws)
            assert (snapshot["type"], snapshot["channel"], snapshot["sequence"]) == (
                "snapshot", "user", base,
            )  # fmt: skip
            data = snapshot["data"]
            assert data["orders"] == []
            assert [(f["side"], f["quantity"], f["wallet"]) for f in data["fills"]] == [
                ("sell", 4_000, wallet.address)
            ]
            assert [(m["tx_signature"], m["meter_id"]) for m in data["mints"]] == [
                (minted, str(meter.meter_id))
            ]
            assert buyer.address not in str(data["mints"])

            held = snapshot["sequence"]
            for n in (base + 1, base + 2, base + 3):
                publish(settings, other["user_id"], "fill", {"n": n})  # never reaches us
                kind: EventKind = "fill" if n % 2 else "order"
                assert publish(settings, user_id, kind, {"n": n}) == n
                update = receive(ws)
                assert update == {
                    "type": "update", "channel": "user", "previous": held, "sequence": n,
                    "kind": kind, "data": {"n": n},
                }  # fmt: skip
                held = update["sequence"]

            lost = publish(settings, user_id, "mint", {"n": "lost"})
            last = publish(settings, user_id, "mint", {"n": "last"})
            receive(ws)  # lost on the way to this client
            gap = receive(ws)
            assert (gap["previous"], gap["sequence"]) == (lost, last)
            assert gap["previous"] != held
            ws.send_json({"op": "resync", "channel": "user"})
            resynced = receive(ws)
            assert (resynced["type"], resynced["sequence"]) == ("snapshot", last)
            assert publish(settings, user_id, "settlement", {"n": "next"}) == last + 1
            assert receive(ws)["previous"] == last

            ws.send_json({"op": "unsubscribe", "channel": "user"})
            assert receive(ws) == {"type": "unsubscribed", "channel": "user"}
            publish(settings, user_id, "mint", {"n": "unheard"})
            ws.send_json({"op": "ping"})
            assert receive(ws) == {"type": "pong"}
