"""Meters, accepted readings' 15-minute intervals, ingestion watermarks and offsets.

Revision ID: 0001_telemetry
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0001_telemetry"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Registers are cumulative Wh; bigint holds 2^63 Wh, far beyond any meter's lifetime.
    op.execute(
        """
        CREATE TABLE meters (
            meter_id uuid PRIMARY KEY,
            kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),
            device_pubkey bytea NOT NULL CHECK (length(device_pubkey) = 32),
            owner_wallet text,
            zone_id integer NOT NULL DEFAULT 0,
            max_export_w bigint NOT NULL CHECK (max_export_w >= 0),
            max_import_w bigint NOT NULL CHECK (max_import_w >= 0),
            status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
            created_at timestamptz NOT NULL DEFAULT now()
        );

        -- One row per meter and 15-minute interval. Upserts keep the first and last accepted
        -- reading with LEAST/GREATEST, so applying the same readings twice changes nothing.
        CREATE TABLE meter_intervals (
            meter_id uuid NOT NULL REFERENCES meters (meter_id),
            interval_start timestamptz NOT NULL,
            first_timestamp_ms bigint NOT NULL,
            last_timestamp_ms bigint NOT NULL,
            first_export_wh bigint NOT NULL,
            last_export_wh bigint NOT NULL,
            first_import_wh bigint NOT NULL,
            last_import_wh bigint NOT NULL,
            PRIMARY KEY (meter_id, interval_start)
        );

        -- The newest accepted reading of each meter, with its signature: the validity floor for
        -- the next reading and the evidence the minter submits on chain.
        CREATE TABLE meter_watermarks (
            meter_id uuid PRIMARY KEY REFERENCES meters (meter_id),
            timestamp_ms bigint NOT NULL,
            export_wh bigint NOT NULL,
            import_wh bigint NOT NULL,
            signature bytea NOT NULL CHECK (length(signature) = 64),
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        -- Kafka offsets the ingestion service has applied, committed in the same transaction
        -- as the rows above: a restart resumes exactly after the last applied batch.
        CREATE TABLE ingest_offsets (
            consumer_group text NOT NULL,
            topic text NOT NULL,
            partition integer NOT NULL,
            next_offset bigint NOT NULL,
            PRIMARY KEY (consumer_group, topic, partition)
        );

        CREATE TABLE ingest_rejections (
            reason text PRIMARY KEY,
            count bigint NOT NULL
        );
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE ingest_rejections, ingest_offsets, meter_watermarks, meter_intervals, meters"
    )
