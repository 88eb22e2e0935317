"""The minting ledger in PostgreSQL (migration 0004): registered meters, their mirrored chain
registers and every submission. Each method is one database transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from solders.pubkey import Pubkey

from gridtokenx.chain.registry.accounts import MeterStatus
from gridtokenx.db.connection import Connection, ReconnectingConnection
from gridtokenx.minting.core import (
    ChainRegisters,
    MeterMintState,
    SignedWatermark,
    SubmissionStatus,
    moves_forward,
    transition,
)
from gridtokenx.minting.transactions import MintTarget
from gridtokenx.telemetry.errors import postgres_unavailable


@dataclass(frozen=True, slots=True)
class PendingTransaction:
    """The pending submissions that share one signed transaction."""

    tx_signature: str
    blockhash: str
    signed_transaction: bytes
    readings: tuple[SignedWatermark, ...]


@dataclass(frozen=True, slots=True)
class ChainAccountRecord:
    meter_id: uuid.UUID
    owner_wallet: Pubkey
    owner_token_account: Pubkey
    fleet_seed: int | None
    meter_index: int | None
    chain_status: MeterStatus
    registration_signature: str | None


class MintLedger:
    def __init__(self, database_url: str) -> None:
        self._db = ReconnectingConnection(database_url, postgres_unavailable)

    def close(self) -> None:
        self._db.close()

    def registered_meter_ids(self) -> set[uuid.UUID]:
        with self._db.transaction() as connection:
            rows = connection.execute("SELECT meter_id FROM meter_chain_accounts").fetchall()
        return {row[0] for row in rows}

    def commissioned_meter_ids(self) -> set[uuid.UUID]:
        with self._db.transaction() as connection:
            rows = connection.execute("SELECT meter_id FROM meters").fetchall()
        return {row[0] for row in rows}

    def record_registration(self, record: ChainAccountRecord, registers: ChainRegisters) -> None:
        """The meter as registered on chain, and its registers as the meter account holds
        them (zero for a new meter): minting starts from there."""
        with self._db.transaction() as connection:
            connection.execute(
                """
                INSERT INTO meter_chain_accounts (meter_id, owner_wallet, owner_token_account,
                    fleet_seed, meter_index, chain_status, registration_signature)
                VALUES (%s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (meter_id) DO NOTHING
                """,
                (
                    record.meter_id,
                    str(record.owner_wallet),
                    str(record.owner_token_account),
                    record.fleet_seed,
                    record.meter_index,
                    int(record.chain_status),
                    record.registration_signature,
                ),
            )
            connection.execute(
                """
                INSERT INTO meter_mint_states (meter_id, export_wh, import_wh, timestamp_ms,
                                               minted_wh)
                VALUES (%s, %s, %s, %s, %s)
                ON CONFLICT (meter_id) DO NOTHING
                """,
                (
                    record.meter_id,
                    registers.export_wh,
                    registers.import_wh,
                    registers.timestamp_ms,
                    registers.minted_wh,
                ),
            )
            connection.execute(
                "UPDATE meters SET owner_wallet = %s WHERE meter_id = %s",
                (str(record.owner_wallet), record.meter_id),
            )

    # --- selection ----------------------------------------------------------------------------

    def signed_watermarks(self) -> list[SignedWatermark]:
        """The newest signed reading of every meter registered on chain."""
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT w.meter_id, w.export_wh, w.import_wh, w.timestamp_ms, w.signature
                FROM meter_watermarks w JOIN meter_chain_accounts a USING (meter_id)
                WHERE w.signature IS NOT NULL
                """
            ).fetchall()
        return [
            SignedWatermark(meter_id, export_wh, import_wh, timestamp_ms, bytes(signature))
            for meter_id, export_wh, import_wh, timestamp_ms, signature in rows
        ]

    def mint_states(self) -> dict[uuid.UUID, MeterMintState]:
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT s.meter_id, s.export_wh, s.import_wh, s.timestamp_ms, s.minted_wh,
                       s.failed_timestamp_ms, a.chain_status,
                       EXISTS (SELECT 1 FROM mint_submissions p
                               WHERE p.meter_id = s.meter_id AND p.status = 'pending')
                FROM meter_mint_states s JOIN meter_chain_accounts a USING (meter_id)
                """
            ).fetchall()
        return {
            meter_id: MeterMintState(
                registers=ChainRegisters(export_wh, import_wh, timestamp_ms, minted_wh),
                active=status == MeterStatus.ACTIVE,
                pending=pending,
                failed_timestamp_ms=failed_ms,
            )
            for (
                meter_id,
                export_wh,
                import_wh,
                timestamp_ms,
                minted_wh,
                failed_ms,
                status,
                pending,
            ) in rows
        }

    def mint_targets(self, meter_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MintTarget]:
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT a.meter_id, m.device_pubkey, a.owner_token_account
                FROM meter_chain_accounts a JOIN meters m USING (meter_id)
                WHERE a.meter_id = ANY(%s)
                """,
                (list(meter_ids),),
            ).fetchall()
        return {
            meter_id: MintTarget(bytes(device), Pubkey.from_string(token_account))
            for meter_id, device, token_account in rows
        }

    # --- submissions --------------------------------------------------------------------------

    def record_pending(
        self,
        readings: Sequence[SignedWatermark],
        tx_signature: str,
        blockhash: str,
        signed_transaction: bytes,
    ) -> PendingTransaction:
        """Record a signed transaction before it is sent: whatever happens next, the ledger
        knows its signature and can ask the chain."""
        with self._db.transaction() as connection, connection.cursor() as cursor:
            cursor.executemany(
                """
                INSERT INTO mint_submissions (meter_id, export_wh, import_wh, timestamp_ms,
                    tx_signature, blockhash, signed_transaction, status)
                VALUES (%s, %s, %s, %s, %s, %s, %s, 'pending')
                """,
                [
                    (
                        reading.meter_id,
                        reading.export_wh,
                        reading.import_wh,
                        reading.timestamp_ms,
                        tx_signature,
                        blockhash,
                        signed_transaction,
                    )
                    for reading in readings
                ],
            )
        return PendingTransaction(tx_signature, blockhash, signed_transaction, tuple(readings))

    def pending_transactions(self) -> list[PendingTransaction]:
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT tx_signature, blockhash, signed_transaction, meter_id, export_wh,
                       import_wh, timestamp_ms
                FROM mint_submissions WHERE status = 'pending' ORDER BY submission_id
                """
            ).fetchall()
        grouped: dict[str, tuple[str, bytes, list[SignedWatermark]]] = {}
        for signature, blockhash, transaction, meter_id, export_wh, import_wh, ts in rows:
            entry = grouped.setdefault(signature, (blockhash, bytes(transaction), []))
            # The device signature is inside the signed transaction; the ledger needs only
            # the registers to resolve the submission.
            entry[2].append(SignedWatermark(meter_id, export_wh, import_wh, ts, b""))
        return [
            PendingTransaction(signature, blockhash, transaction, tuple(readings))
            for signature, (blockhash, transaction, readings) in grouped.items()
        ]

    def confirm(self, tx_signature: str) -> int:
        """The transaction landed: its readings are the meters' registers. Returns the Wh
        minted."""
        minted_total_wh = 0
        with self._db.transaction() as connection:
            rows = self._pending_rows(connection, tx_signature, SubmissionStatus.CONFIRMED)
            for submission_id, reading in rows:
                registers = self._registers(connection, reading.meter_id)
                # The chain accepted the reading, so it moved the meter's registers; the mirror
                # can only lag them, never lead.
                advanced = (
                    registers.advanced_by(reading)
                    if moves_forward(registers, reading)
                    else registers
                )
                minted_wh = advanced.minted_wh - registers.minted_wh
                minted_total_wh += minted_wh
                self._store_registers(connection, reading.meter_id, advanced)
                connection.execute(
                    "UPDATE mint_submissions SET status = 'confirmed', minted_wh = %s, "
                    "resolved_at = now() WHERE submission_id = %s",
                    (minted_wh, submission_id),
                )
        return minted_total_wh

    def supersede(self, tx_signature: str, error: str) -> None:
        """The transaction will never land (or was refused as a whole): its readings may be
        submitted again."""
        self._resolve(tx_signature, SubmissionStatus.SUPERSEDED, error)

    def fail(self, tx_signature: str, error: str) -> None:
        """The chain refused the (single) reading for good; it is not retried."""
        with self._db.transaction() as connection:
            rows = self._pending_rows(connection, tx_signature, SubmissionStatus.FAILED)
            for submission_id, reading in rows:
                connection.execute(
                    "UPDATE meter_mint_states SET failed_timestamp_ms = %s, updated_at = now() "
                    "WHERE meter_id = %s",
                    (reading.timestamp_ms, reading.meter_id),
                )
                connection.execute(
                    "UPDATE mint_submissions SET status = 'failed', error = %s, "
                    "resolved_at = now() WHERE submission_id = %s",
                    (error, submission_id),
                )

    def adopt_chain(
        self, meter_id: uuid.UUID, registers: ChainRegisters, status: MeterStatus
    ) -> None:
        """Record the meter account's registers and status as read from the chain."""
        with self._db.transaction() as connection:
            self._store_registers(connection, meter_id, registers)
            connection.execute(
                "UPDATE meter_chain_accounts SET chain_status = %s WHERE meter_id = %s",
                (int(status), meter_id),
            )

    def registers(self, meter_id: uuid.UUID) -> ChainRegisters:
        with self._db.transaction() as connection:
            return self._registers(connection, meter_id)

    def _resolve(self, tx_signature: str, status: SubmissionStatus, error: str) -> None:
        with self._db.transaction() as connection:
            self._pending_rows(connection, tx_signature, status)
            connection.execute(
                "UPDATE mint_submissions SET status = %s, error = %s, resolved_at = now() "
                "WHERE tx_signature = %s AND status = 'pending'",
                (status.value, error, tx_signature),
            )

    @staticmethod
    def _pending_rows(
        connection: Connection,
        tx_signature: str,
        new: SubmissionStatus,
    ) -> list[tuple[int, SignedWatermark]]:
        """The transaction's submissions, locked; each must be allowed to become ``new``."""
        rows = connection.execute(
            """
            SELECT submission_id, status, meter_id, export_wh, import_wh, timestamp_ms
            FROM mint_submissions WHERE tx_signature = %s ORDER BY submission_id FOR UPDATE
            """,
            (tx_signature,),
        ).fetchall()
        for _, status, *_ in rows:
            transition(SubmissionStatus(status), new)
        return [
            (submission_id, SignedWatermark(meter_id, export_wh, import_wh, ts, b""))
            for submission_id, _, meter_id, export_wh, import_wh, ts in rows
        ]

    @staticmethod
    def _registers(connection: Connection, meter_id: uuid.UUID) -> ChainRegisters:
        row = connection.execute(
            "SELECT export_wh, import_wh, timestamp_ms, minted_wh FROM meter_mint_states "
            "WHERE meter_id = %s FOR UPDATE",
            (meter_id,),
        ).fetchone()
        if row is None:
            raise KeyError(f"meter {meter_id} is not registered for minting")
        return ChainRegisters(*row)

    @staticmethod
    def _store_registers(
        connection: Connection,
        meter_id: uuid.UUID,
        registers: ChainRegisters,
    ) -> None:
        connection.execute(
            """
            UPDATE meter_mint_states SET export_wh = %s, import_wh = %s, timestamp_ms = %s,
                minted_wh = %s, updated_at = now()
            WHERE meter_id = %s
            """,
            (
                registers.export_wh,
                registers.import_wh,
                registers.timestamp_ms,
                registers.minted_wh,
                meter_id,
            ),
        )
