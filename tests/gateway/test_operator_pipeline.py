"""Pipeline health on scratch Kafka topics and the scratch database (consumer lag from Kafka
commits and from PostgreSQL offsets, dead letters, ingest rate, settlement backlog, the chain's
slot), and platform analytics with CSV export from rows written for the test."""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from gridtokenx.config import PostgresSettings, Settings
from tests.gateway.operator_rig import signed_in
from tests.gateway.wallet import BrowserWallet
from tests.utils.kafka import scratch_topics

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

TOPICS = {"readings": 2, "readings-dlq": 1, "commands": 2, "commands-dlq": 1, "trades": 1}


@pytest.fixture(scope="module")
def topics(running_stack: Settings) -> Iterator[dict[str, str]]:
    with scratch_topics(running_stack.kafka.bootstrap_servers, TOPICS) as names:
        yield names


@pytest.fixture
def gateway_settings(gateway_settings: Settings, topics: dict[str, str]) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    telemetry = gateway_settings.telemetry.model_copy(
        update={
            "readings_topic": topics["readings"],
            "dead_letter_topic": topics["readings-dlq"],
            "consumer_group": f"test-ingestion-{suffix}",
        }
    )
    market = gateway_settings.market.model_copy(
        update={
            "commands_topic": topics["commands"],
            "dead_letter_topic": topics["commands-dlq"],
            "trades_topic": topics["trades"],
            "consumer_group": f"test-matcher-{suffix}",
        }
    )
    settlement = gateway_settings.settlement.model_copy(
        update={"consumer_group": f"test-settlement-{suffix}"}
    )
    return gateway_settings.model_copy(
        update={"telemetry": telemetry, "market": market, "settlement": settlement}
    )


def _produce(bootstrap: str, topic: str, per_partition: dict[int, int]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for partition, count in per_partition.items():
        for n in range(count):
            producer.produce(topic, value=f"record {n}".encode(), partition=partition)
    assert producer.flush(10) == 0


def _commit(bootstrap: str, group: str, topic: str, offsets: dict[int, int]) -> None:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        consumer.commit(
            offsets=[TopicPartition(topic, p, offset) for p, offset in offsets.items()],
            asynchronous=False,
        )
    finally:
        consumer.close()


def _backlog(postgres: PostgresSettings, market: str, statuses: list[str]) -> None:
    with psycopg.connect(postgres.url) as connection:
        batch = connection.execute(
            "INSERT INTO settlement_batches (market, status, signature, signed_transaction, "
            "last_valid_block_height, fill_count, order_count) "
            "VALUES (%s, 'submitted', %s, '\\x00', 0, 1, 2) RETURNING batch_id",
            (market, f"sig-{uuid.uuid4().hex}"),
        ).fetchone()
        assert batch is not None
        for trade_id, status in enumerate(statuses, start=1):
            connection.execute(
                "INSERT INTO settlement_trades (market, trade_id, sequence, buy_order, "
                "sell_order, buyer, seller, price, quantity, trade_timestamp_ms, "
                "source_partition, source_offset, status, batch_id) "
                "VALUES (%s, %s, %s, 'b', 's', 'buyer', 'seller', 1000, 1000, 0, 0, %s, %s, %s)",
                (
                    market,
                    trade_id,
                    trade_id,
                    trade_id,
                    status,
                    batch[0] if status == "submitted" else None,
                ),
            )


async def _health(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(
        "/v1/operator/pipeline/health", params={"window_s": 600}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_pipeline_health_reports_lag_dead_letters_rates_backlog_and_the_chain(
    client: httpx.AsyncClient,
    operator_wallet: BrowserWallet,
    gateway_settings: Settings,
) -> None:
    operator = await signed_in(client, operator_wallet)
    before = await _health(client, operator)
    bootstrap = gateway_settings.kafka.bootstrap_servers
    telemetry, market = gateway_settings.telemetry, gateway_settings.market

    _produce(bootstrap, telemetry.readings_topic, {0: 5, 1: 3})
    with psycopg.connect(gateway_settings.postgres.url) as connection:
        connection.execute(
            "INSERT INTO ingest_offsets (consumer_group, topic, partition, next_offset) "
            "VALUES (%s, %s, 0, 4)",
            (telemetry.consumer_group, telemetry.readings_topic),
        )
    _produce(bootstrap, market.commands_topic, {0: 6, 1: 2})
    _commit(bootstrap, market.consumer_group, market.commands_topic, {0: 6, 1: 1})
    _produce(bootstrap, telemetry.dead_letter_topic, {0: 2})
    _produce(bootstrap, market.dead_letter_topic, {0: 1})
    _backlog(gateway_settings.postgres, f"test-{uuid.uuid4().hex[:12]}", ["pending"] * 3)

    after = await _health(client, operator)
    groups = {group["group"]: group for group in after["consumer_groups"]}
    ingestion = groups[telemetry.consumer_group]
    assert ingestion["offsets_in"] == "postgres"
    assert [(p["committed"], p["end"], p["lag"]) for p in ingestion["partitions"]] == [
        (4, 5, 1),
        (None, 3, 3),
    ]
    assert ingestion["total_lag"] == 4
    matcher = groups[market.consumer_group]
    assert (matcher["offsets_in"], matcher["total_lag"]) == ("kafka", 1)
    settlement = groups[gateway_settings.settlement.consumer_group]
    assert (settlement["topic"], settlement["total_lag"]) == (market.trades_topic, 0)

    assert {entry["topic"]: entry["records"] for entry in after["dead_letters"]} == {
        telemetry.dead_letter_topic: 2,
        market.dead_letter_topic: 1,
    }
    assert after["ingest"]["readings_produced"] == 8
    assert after["settlement"]["pending"] - before["settlement"]["pending"] == 3
    assert after["settlement"]["oldest_pending_age_s"] >= 0
    assert after["chain"]["slot"] >= before["chain"]["slot"] > 0
    assert after["chain"]["health"] == "ok"
    assert isinstance(after["mint"]["confirmed"], int)


async def test_an_unreachable_part_is_reported_not_fatal(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet, app: Any
) -> None:
    # A dead-letter topic that does not exist shows as an error of its own entry while the
    # other sections are answered.
    settings: Settings = app.state.context.settings
    broken = settings.telemetry.model_copy(update={"dead_letter_topic": f"missing-{os.getpid()}"})
    app.state.context.settings = settings.model_copy(update={"telemetry": broken})
    try:
        operator = await signed_in(client, operator_wallet)
        body = await _health(client, operator)
    finally:
        app.state.context.settings = settings
    errors = {entry["topic"]: entry.get("error") for entry in body["dead_letters"]}
    assert errors[f"missing-{os.getpid()}"]
    assert body["chain"]["slot"] > 0


async def test_analytics_count_volume_fees_and_settlement_per_zone(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet, gateway_settings: Settings
) -> None:
    market = f"test-{uuid.uuid4().hex[:12]}"
    seller_a, seller_b = (f"seller-{uuid.uuid4().hex[:20]}" for _ in range(2))
    zone_a, zone_b = 9_000 + uuid.uuid4().int % 500, 9_600 + uuid.uuid4().int % 300
    since_ms = 978_307_200_000 + uuid.uuid4().int % 1_000_000  # 2001, away from other rows
    with psycopg.connect(gateway_settings.postgres.url) as connection:
        for seller, zone in ((seller_a, zone_a), (seller_b, zone_b)):
            connection.execute(
                "INSERT INTO meters (meter_id, kind, device_pubkey, owner_wallet, zone_id, "
                "max_export_w, max_import_w) VALUES (%s, 2, %s, %s, %s, 5000, 5000)",
                (uuid.uuid4(), os.urandom(32), seller, zone),
            )
        batch = connection.execute(
            "INSERT INTO settlement_batches (market, status, signature, signed_transaction, "
            "last_valid_block_height, fill_count, order_count) "
            "VALUES (%s, 'settled', %s, '\\x00', 0, 2, 2) RETURNING batch_id",
            (market, f"sig-{uuid.uuid4().hex}"),
        ).fetchone()
        assert batch is not None
        # (seller, price per kWh, quantity, status)
        trades = [
            (seller_a, 150_000, 2_000_000, "settled"),
            (seller_a, 100_000, 1_000_000, "rejected"),
            (seller_b, 120_000, 3_000_000, "settled"),
            (seller_b, 120_000, 1_000_000, "pending"),
        ]
        for trade_id, (seller, price, quantity, status) in enumerate(trades, start=1):
            connection.execute(
                "INSERT INTO settlement_trades (market, trade_id, sequence, buy_order, "
                "sell_order, buyer, seller, price, quantity, trade_timestamp_ms, "
                "source_partition, source_offset, status, batch_id) "
                "VALUES (%s, %s, %s, 'b', 's', 'buyer', %s, %s, %s, %s, 0, %s, %s, %s)",
                (
                    market,
                    trade_id,
                    trade_id,
                    seller,
                    price,
                    quantity,
                    since_ms + trade_id,
                    trade_id,
                    status,
                    batch[0] if status == "settled" else None,
                ),
            )
    operator = await signed_in(client, operator_wallet)
    window = {"since": f"{_iso(since_ms)}", "until": f"{_iso(since_ms + 1000)}"}
    response = await client.get("/v1/operator/analytics", params=window, headers=operator)
    assert response.status_code == 200, response.text
    body = response.json()
    (volume,) = [entry for entry in body["markets"] if entry["market"] == market]
    assert volume["trades"] == 4
    assert volume["settled"] == 2
    assert volume["energy_gxt_base_units"] == 7_000_000
    # floor(price * quantity / 10**6) per trade: 300,000 + 100,000 + 360,000 + 120,000
    assert volume["notional_usdc_base_units"] == 880_000
    assert volume["settled_notional_usdc_base_units"] == 660_000
    assert volume["fees_usdc_base_units"] is None  # not the chain's market: no fee known
    zones = {entry["zone"]: entry for entry in body["settlement_by_zone"]}
    assert (zones[zone_a]["settled"], zones[zone_a]["rejected"]) == (1, 1)
    assert zones[zone_a]["success_ratio"] == 0.5
    assert (zones[zone_b]["settled"], zones[zone_b]["pending"]) == (1, 1)
    assert zones[zone_b]["success_ratio"] == 1.0
    assert {entry["role"] for entry in body["users"]} >= {"operator"}

    export = await client.get("/v1/operator/analytics/csv", params=window, headers=operator)
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == ["section", "key", "metric", "value"]
    assert ["markets", market, "notional_usdc_base_units", "880000"] in rows
    assert ["settlement_by_zone", str(zone_a), "success_ratio", "0.5"] in rows

    backwards = await client.get(
        "/v1/operator/analytics",
        params={"since": window["until"], "until": window["since"]},
        headers=operator,
    )
    assert (backwards.status_code, backwards.json()["code"]) == (422, "range_invalid")


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


async def test_health_and_analytics_need_an_operator(client: httpx.AsyncClient) -> None:
    headers = await signed_in(client, BrowserWallet())
    for path in (
        "/v1/operator/pipeline/health",
        "/v1/operator/analytics",
        "/v1/operator/analytics/csv",
    ):
        assert (await client.get(path)).status_code == 401
        refused = await client.get(path, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden_role")
