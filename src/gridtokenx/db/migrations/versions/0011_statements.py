"""Monthly statements: indexes for reading one account's month.

A statement is computed on request from the ledgers that already hold every figure's source
(``settlement_trades``/``settlement_claims`` of 0007, ``mint_submissions`` of 0004, the accounts
of 0008), so it always matches them and carries their transaction signatures; nothing of it is
stored. Tariffs and the grid emission factor are configuration (``StatementSettings`` in
``gridtokenx.config``). What this revision adds are the indexes that let a statement (and
``/v1/me/fills``) find a wallet's trades of a month and a meter's confirmed mints of a month
without scanning the whole ledger.

Revision ID: 0011_statements
Revises: 0010_audit
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0011_statements"
down_revision = "0010_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE INDEX settlement_trades_by_buyer_time
            ON settlement_trades (buyer, trade_timestamp_ms);
        CREATE INDEX settlement_trades_by_seller_time
            ON settlement_trades (seller, trade_timestamp_ms);
        CREATE INDEX mint_submissions_confirmed_by_meter_time
            ON mint_submissions (meter_id, timestamp_ms) WHERE status = 'confirmed';
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP INDEX mint_submissions_confirmed_by_meter_time, settlement_trades_by_seller_time, "
        "settlement_trades_by_buyer_time"
    )
