"""The order mirror's time in force (GTC, IOC, post-only).

Revision ID: 0013_order_time_in_force
Revises: 0012_notifications
Create Date: 2026-11-23

The Trading program stores each order's time in force (``Order.time_in_force``: 0 GTC, 1 IOC,
2 post-only); the indexer copies it into ``chain_orders.time_in_force`` as ``gtc``, ``ioc`` or
``post_only``. Rows written before this revision, and orders placed with the older 33-byte
``place_order`` arguments, are ``gtc``.

``settlement_releases`` holds the matcher's ``order-releases`` records: IOC and post-only chain
orders the engine finished unfilled (the rest of an IOC, a post-only order that would have
taken). The settlement service cancels each on chain, signed by the market's matcher, once the
order's trades up to ``after_trade_id`` are settled or rejected, so the owner gets the escrow
back (status ``cancelled``; ``closed`` when the order was closed already; ``failed`` with the
program error when the chain refuses it for good).
"""

from __future__ import annotations

from alembic import op

revision = "0013_order_time_in_force"
down_revision = "0012_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE chain_orders
            ADD COLUMN time_in_force text NOT NULL DEFAULT 'gtc'
            CONSTRAINT chain_orders_time_in_force_check
            CHECK (time_in_force IN ('gtc', 'ioc', 'post_only'));

        -- One row per order-releases record, once: an order account's lifecycle is named by
        -- the order-commands offset of the add that placed it (order_offset).
        CREATE TABLE settlement_releases (
            market text NOT NULL,
            order_account text NOT NULL,
            order_offset bigint NOT NULL,
            owner text NOT NULL,
            reason text NOT NULL,
            after_trade_id numeric(20, 0) NOT NULL CHECK (after_trade_id >= 0),
            command_offset bigint NOT NULL,
            status text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'cancelled', 'closed', 'failed')),
            signature text,
            slot bigint,
            error text,
            received_at timestamptz NOT NULL DEFAULT now(),
            resolved_at timestamptz,
            PRIMARY KEY (market, order_account, order_offset)
        );
        CREATE INDEX settlement_releases_pending ON settlement_releases (market)
            WHERE status = 'pending';
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE settlement_releases")
    op.execute("ALTER TABLE chain_orders DROP COLUMN time_in_force")
