"""The chain indexer's mirror of on-chain orders and its follow cursor.

Revision ID: 0006_order_mirror
Revises: 0005_market
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0006_order_mirror"
down_revision = "0005_market"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- One Trading order account's current lifecycle (gridtokenx.indexer.mirror): its terms
        -- from place_order, its progress as read from the account, its status. The chain's u64
        -- amounts do not fit bigint (i64): numeric(20, 0) holds 0..2**64-1.
        CREATE TABLE chain_orders (
            order_account text PRIMARY KEY,
            market text NOT NULL,
            owner text NOT NULL,
            order_id numeric(20, 0) NOT NULL CHECK (order_id >= 0),
            side text NOT NULL CHECK (side IN ('buy', 'sell')),
            price numeric(20, 0) NOT NULL CHECK (price > 0),
            quantity numeric(20, 0) NOT NULL CHECK (quantity > 0),
            filled numeric(20, 0) NOT NULL CHECK (filled >= 0 AND filled <= quantity),
            escrow numeric(20, 0) NOT NULL CHECK (escrow >= 0),
            claimable_energy numeric(20, 0) NOT NULL CHECK (claimable_energy >= 0),
            claimable_quote numeric(20, 0) NOT NULL CHECK (claimable_quote >= 0),
            expiry_s bigint NOT NULL CHECK (expiry_s >= 0),
            status text NOT NULL CHECK (status IN ('open', 'filled', 'cancelled', 'closed')),
            placed_signature text,
            placed_slot bigint CHECK (placed_slot >= 0),
            updated_slot bigint NOT NULL CHECK (updated_slot >= 0),
            updated_signature text,
            closed_signature text,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX chain_orders_market_status ON chain_orders (market, status);
        CREATE INDEX chain_orders_owner ON chain_orders (owner, status);

        -- How far the indexer followed a program: every transaction up to and including
        -- last_signature has its commands acknowledged by Kafka and its mirror rows written.
        CREATE TABLE indexer_cursors (
            program text PRIMARY KEY,
            last_signature text NOT NULL,
            last_slot bigint NOT NULL CHECK (last_slot >= 0),
            last_timestamp_ms bigint NOT NULL CHECK (last_timestamp_ms >= 0),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE indexer_cursors, chain_orders")
