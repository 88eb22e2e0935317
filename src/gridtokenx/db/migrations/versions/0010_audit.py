"""Operator audit log and market parameters.

``audit_log`` is append-only: a trigger refuses UPDATE and DELETE on every row and another
refuses TRUNCATE, whoever asks. What remains possible is DDL by the table's owner (dropping or
disabling the triggers, dropping the table) or a superuser skipping triggers; on the local stack
the services connect as the owner, so a separate non-owner role for them would close that too.
Each operator action inserts one row in the same transaction as the change it records.

``users.deactivated_at``: a deactivated account cannot sign in or refresh (the gateway ends its
sessions in the same request). ``market_parameters``: the operator's tick and lot sizes per
market, which the gateway's order routes enforce (the fee is the Trading program's ``fee_bps``,
fixed at ``initialize_market``; the matching mode is the matcher's setting).

Revision ID: 0010_audit
Revises: 0009_meter_requests
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0010_audit"
down_revision = "0009_meter_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- Who (actor_user_id) did what (action) to what (target), why (reason) and when
        -- (occurred_at, the transaction's time). details holds the before/after values.
        -- actor_user_id carries no foreign key: history outlives accounts.
        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            occurred_at timestamptz NOT NULL DEFAULT now(),
            actor_user_id uuid NOT NULL,
            action text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
            target text NOT NULL CHECK (length(target) BETWEEN 1 AND 300),
            reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
            details jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object')
        );
        CREATE INDEX audit_log_by_time ON audit_log (occurred_at DESC, id DESC);
        CREATE INDEX audit_log_by_actor ON audit_log (actor_user_id, id DESC);
        CREATE INDEX audit_log_by_action ON audit_log (action, id DESC);

        CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$;
        CREATE TRIGGER audit_log_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_log_no_truncate
            BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

        ALTER TABLE users ADD COLUMN deactivated_at timestamptz;

        -- Per-market overrides of the gateway's order bounds (gateway.orders tick and lot).
        CREATE TABLE market_parameters (
            market text PRIMARY KEY CHECK (length(market) BETWEEN 32 AND 44),
            tick_per_kwh bigint NOT NULL CHECK (tick_per_kwh >= 1),
            lot_gxt_base_units bigint NOT NULL CHECK (lot_gxt_base_units >= 1),
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by uuid NOT NULL
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE market_parameters")
    op.execute("ALTER TABLE users DROP COLUMN deactivated_at")
    op.execute("DROP TABLE audit_log")
    op.execute("DROP FUNCTION audit_log_refuse_change()")
