"""The matching service's snapshots: each market's book at a known ``order-commands`` offset.

Revision ID: 0005_market
Revises: 0004_minting
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005_market"
down_revision = "0004_minting"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- One checkpoint per snapshot of an input partition: every market of the partition at
        -- the moment the consumer had applied everything before next_offset. Written only after
        -- the Kafka transaction that committed next_offset, so it is never ahead of the outputs.
        CREATE TABLE matcher_checkpoints (
            checkpoint_id bigserial PRIMARY KEY,
            consumer_group text NOT NULL,
            topic text NOT NULL,
            partition integer NOT NULL CHECK (partition >= 0),
            next_offset bigint NOT NULL CHECK (next_offset >= 0),
            market_count integer NOT NULL CHECK (market_count >= 0),
            taken_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (consumer_group, topic, partition, next_offset)
        );

        -- A market's session (engine snapshot, live order accounts, slot bookkeeping) as of its
        -- checkpoint; last_sequence is the engine's last event sequence, for readers.
        CREATE TABLE market_snapshots (
            checkpoint_id bigint NOT NULL
                REFERENCES matcher_checkpoints (checkpoint_id) ON DELETE CASCADE,
            market text NOT NULL,
            last_sequence bigint NOT NULL CHECK (last_sequence >= 0),
            state jsonb NOT NULL,
            PRIMARY KEY (checkpoint_id, market)
        );
        CREATE INDEX market_snapshots_latest ON market_snapshots (market, checkpoint_id DESC);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE market_snapshots, matcher_checkpoints")
