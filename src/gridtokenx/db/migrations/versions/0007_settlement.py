"""The settlement service's batches and each trade's settlement status.

Revision ID: 0007_settlement
Revises: 0006_order_mirror
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0007_settlement"
down_revision = "0006_order_mirror"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- One signed Trading settle transaction. It is written with status 'submitted' (and its
        -- trades moved to it) BEFORE it is sent, so after a crash its signature can be looked up:
        -- landed → 'settled' (or 'failed' when it landed with an error); not landed once the
        -- block height is past last_valid_block_height → 'expired' (it can never land) and its
        -- trades are pending again. claims_done: the claims of its orders were cranked.
        CREATE TABLE settlement_batches (
            batch_id bigserial PRIMARY KEY,
            market text NOT NULL,
            status text NOT NULL
                CHECK (status IN ('submitted', 'settled', 'expired', 'failed')),
            signature text NOT NULL UNIQUE,
            signed_transaction bytea NOT NULL,
            last_valid_block_height bigint NOT NULL CHECK (last_valid_block_height >= 0),
            fill_count integer NOT NULL CHECK (fill_count BETWEEN 1 AND 64),
            order_count integer NOT NULL CHECK (order_count >= 2),
            slot bigint,
            error text,
            claims_done boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            resolved_at timestamptz
        );
        CREATE INDEX settlement_batches_open ON settlement_batches (batch_id)
            WHERE status = 'submitted' OR (status = 'settled' AND NOT claims_done);

        -- Every trade read from the `trades` topic, once ((market, trade_id) is the matcher's
        -- gap-free id per market). u64 amounts are numeric(20, 0): bigint stops at 2^63 - 1.
        -- status: pending → submitted (batch_id set) → settled | pending again (the batch
        -- expired or failed) | rejected (the chain refuses the fill; reason names the error).
        CREATE TABLE settlement_trades (
            market text NOT NULL,
            trade_id numeric(20, 0) NOT NULL CHECK (trade_id >= 1),
            sequence numeric(20, 0) NOT NULL,
            buy_order text NOT NULL,
            sell_order text NOT NULL,
            buyer text NOT NULL,
            seller text NOT NULL,
            price numeric(20, 0) NOT NULL CHECK (price >= 1),
            quantity numeric(20, 0) NOT NULL CHECK (quantity >= 1),
            trade_timestamp_ms bigint NOT NULL,
            source_partition integer NOT NULL,
            source_offset bigint NOT NULL,
            status text NOT NULL
                CHECK (status IN ('pending', 'submitted', 'settled', 'rejected')),
            batch_id bigint REFERENCES settlement_batches (batch_id),
            landed_failures integer NOT NULL DEFAULT 0,
            reason text,
            settled_signature text,
            settled_slot bigint,
            received_at timestamptz NOT NULL DEFAULT now(),
            settled_at timestamptz,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (market, trade_id),
            CHECK ((status IN ('submitted', 'settled')) = (batch_id IS NOT NULL))
        );
        CREATE INDEX settlement_trades_pending ON settlement_trades (market, trade_id)
            WHERE status = 'pending';
        CREATE INDEX settlement_trades_by_batch ON settlement_trades (batch_id);

        -- Each claim cranked for an order of a settled batch. status: 'claimed' (landed;
        -- energy/quote are the claimables read just before), 'nothing_to_claim' or 'closed'
        -- (benign: the owner claimed or cancelled first), 'failed' (reason says why).
        CREATE TABLE settlement_claims (
            claim_id bigserial PRIMARY KEY,
            batch_id bigint NOT NULL REFERENCES settlement_batches (batch_id),
            market text NOT NULL,
            order_address text NOT NULL,
            owner text,
            status text NOT NULL
                CHECK (status IN ('claimed', 'nothing_to_claim', 'closed', 'failed')),
            energy numeric(20, 0),
            quote numeric(20, 0),
            signature text,
            slot bigint,
            reason text,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX settlement_claims_by_order ON settlement_claims (order_address);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE settlement_claims, settlement_trades, settlement_batches")
