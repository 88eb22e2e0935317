"""Energy data for the gateway's energy and grid tests, written by the platform's own writers
(telemetry's meter commissioning, the mint ledger, InfluxDB's line protocol) into scratch stores.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import psycopg
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.registry.accounts import MeterStatus
from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.core.ids import MeterId
from gridtokenx.minting.core import ChainRegisters, SignedWatermark
from gridtokenx.minting.ledger import ChainAccountRecord, MintLedger
from gridtokenx.stack.services.influxdb import InfluxService
from gridtokenx.telemetry.influx_writer import InfluxWriter, line_protocol
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading
from gridtokenx.telemetry.repository import TelemetryRepository


@contextmanager
def scratch_influx(stack: Settings) -> Iterator[Settings]:
    """``stack`` with its own, provisioned InfluxDB database (dropped afterwards)."""
    database = f"gtx_test_{uuid.uuid4().hex[:10]}"
    settings = stack.model_copy(
        update={"influx": stack.influx.model_copy(update={"database": database})}
    )
    InfluxService(settings).provision()
    try:
        yield settings
    finally:
        with httpx.Client(base_url=stack.influx.url, timeout=10.0) as client:
            client.post("/query", data={"q": f'DROP DATABASE "{database}"'})


@dataclass
class FieldMeter:
    """A commissioned meter with its device key."""

    meter_id: uuid.UUID = field(default_factory=uuid.uuid4)
    device: Keypair = field(default_factory=Keypair)

    def signed(self, export_wh: int, import_wh: int, timestamp_ms: int) -> tuple[bytes, bytes]:
        message = encode_reading(
            ReadingMessage(
                meter_id=MeterId(self.meter_id),
                export_wh=export_wh,
                import_wh=import_wh,
                timestamp_ms=timestamp_ms,
            )
        )
        return message, bytes(self.device.sign_message(message))


def commission(
    postgres: PostgresSettings,
    *,
    owner: str | None = None,
    zone_id: int = 0,
    fleet_seed: int | None = None,
    meter_index: int | None = None,
    status: MeterStatus = MeterStatus.ACTIVE,
    commissioned_at_ms: int = 0,
    meter: FieldMeter | None = None,
) -> FieldMeter:
    """Commission ``meter`` (a new one by default) as the simulator does and, with an
    ``owner``, record its chain registration (as the minting service does)."""
    meter = meter or FieldMeter()
    telemetry = TelemetryRepository(postgres.url)
    try:
        telemetry.commission_meter(
            meter.meter_id,
            kind=1,
            device_pubkey=bytes(meter.device.pubkey()),
            max_export_w=10_000,
            max_import_w=10_000,
            commissioned_at_ms=commissioned_at_ms,
            zone_id=zone_id,
        )
    finally:
        telemetry.close()
    if owner is not None:
        ledger = MintLedger(postgres.url)
        try:
            ledger.record_registration(
                ChainAccountRecord(
                    meter_id=meter.meter_id,
                    owner_wallet=Pubkey.from_string(owner),
                    owner_token_account=Keypair().pubkey(),
                    fleet_seed=fleet_seed,
                    meter_index=meter_index,
                    chain_status=status,
                    registration_signature=None,
                ),
                ChainRegisters(),
            )
        finally:
            ledger.close()
    if status is not MeterStatus.ACTIVE:
        with psycopg.connect(postgres.url) as connection:
            connection.execute(
                "UPDATE meters SET status = %s WHERE meter_id = %s", (int(status), meter.meter_id)
            )
    return meter


def record_mint(postgres: PostgresSettings, meter: FieldMeter, export_wh: int, ts_ms: int) -> str:
    """A confirmed mint of ``export_wh`` through the mint ledger; returns its signature."""
    tx_signature = secrets.token_hex(32)
    message, signature = meter.signed(export_wh, 0, ts_ms)
    ledger = MintLedger(postgres.url)
    try:
        ledger.record_pending(
            [SignedWatermark(meter.meter_id, export_wh, 0, ts_ms, signature)],
            tx_signature,
            "blockhash",
            message,
        )
        ledger.confirm(tx_signature)
    finally:
        ledger.close()
    return tx_signature


def record_interval(
    postgres: PostgresSettings,
    meter: FieldMeter,
    start: datetime,
    first: tuple[int, int],
    last: tuple[int, int],
) -> None:
    """One 15-minute row as ingestion writes it: first and last (export, import) registers."""
    start_ms = int(start.timestamp() * 1000)
    with psycopg.connect(postgres.url) as connection:
        connection.execute(
            """
            INSERT INTO meter_intervals (meter_id, interval_start, first_timestamp_ms,
                last_timestamp_ms, first_export_wh, last_export_wh, first_import_wh,
                last_import_wh)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            """,
            (
                meter.meter_id,
                start,
                start_ms + 1,
                start_ms + 900_000,
                first[0],
                last[0],
                first[1],
                last[1],
            ),
        )


def write_readings(
    settings: Settings, meter: FieldMeter, readings: list[tuple[int, int, int]]
) -> None:
    """``(timestamp_ms, export_wh, import_wh)`` points into InfluxDB as ingestion writes them."""
    writer = InfluxWriter(settings.influx)
    try:
        dropped = writer.write(
            line_protocol(
                [str(meter.meter_id)] * len(readings),
                [export_wh for _, export_wh, _ in readings],
                [import_wh for _, _, import_wh in readings],
                [timestamp_ms for timestamp_ms, _, _ in readings],
            )
        )
    finally:
        writer.close()
    assert dropped == 0


def record_trade(
    postgres: PostgresSettings,
    *,
    seller: str,
    buyer: str,
    quantity: int,
    timestamp_ms: int,
    status: str = "pending",
) -> None:
    """A matched trade as the settlement service records it from the ``trades`` topic."""
    with psycopg.connect(postgres.url) as connection:
        connection.execute(
            """
            INSERT INTO settlement_trades (market, trade_id, sequence, buy_order, sell_order,
                buyer, seller, price, quantity, trade_timestamp_ms, source_partition,
                source_offset, status, reason)
            VALUES (%s, 1, 1, 'buy-order', 'sell-order', %s, %s, 100000, %s, %s, 0, 0, %s,
                    CASE WHEN %s = 'rejected' THEN 'refused' END)
            """,
            (
                f"test-{uuid.uuid4().hex[:12]}",
                buyer,
                seller,
                quantity,
                timestamp_ms,
                status,
                status,
            ),
        )
