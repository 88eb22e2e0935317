"""In-app notifications and their preferences; the notifier's change log, cursor and outbox.

Revision ID: 0012_notifications
Revises: 0011_statements
Create Date: 2026-11-23

The notifier (``gridtokenx notifier run``, ``gridtokenx.notifications``) turns changes of the
order mirror (``chain_orders``), the settlement ledger (``settlement_trades``) and the mint
ledger (``mint_submissions``) into per-user events. Those tables are updated in place, so a
cursor over their own columns could miss a state that lasted between two reads, or a row whose
transaction committed after a later one was read. Instead, AFTER triggers append each change
that concerns a wallet linked to an account to ``notification_changes``, stamped with the
writing transaction's id (``txid``). The notifier reads only rows whose ``txid`` is below the
oldest transaction still running (``pg_snapshot_xmin(pg_current_snapshot())``): every such
transaction has ended, so nothing can appear below the cursor ``(txid, change_id)`` later.
"""

from __future__ import annotations

from alembic import op

revision = "0012_notifications"
down_revision = "0011_statements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- A notification shown in the app. kind: order_filled, trade_settled, tokens_minted,
        -- new_sign_in, refresh_token_reused, meter_key_rotated. source_key makes a producer's
        -- write idempotent (the notifier's change and party; the gateway's session).
        CREATE TABLE notifications (
            id bigserial PRIMARY KEY,
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            body text NOT NULL CHECK (length(body) <= 2000),
            data jsonb NOT NULL DEFAULT '{}'::jsonb,
            source_key text NOT NULL UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now(),
            read_at timestamptz
        );
        CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
        CREATE INDEX notifications_unread ON notifications (user_id, id DESC)
            WHERE read_at IS NULL;

        -- A user's choice per notification kind and channel; a missing row means the kind's
        -- default (gridtokenx.notifications.events.DEFAULT_CHANNELS).
        CREATE TABLE notification_preferences (
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
            channel text NOT NULL CHECK (channel IN ('in_app', 'email')),
            enabled boolean NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (user_id, kind, channel)
        );

        -- Changes the notifier has yet to read (see the module docstring). wallets: the
        -- involved wallets that are linked to an account when the change is written.
        CREATE TABLE notification_changes (
            change_id bigserial PRIMARY KEY,
            txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            source text NOT NULL CHECK (source IN ('order', 'trade', 'mint')),
            wallets text[] NOT NULL,
            previous jsonb,
            current jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX notification_changes_order ON notification_changes (txid, change_id);

        -- How far a notifier read notification_changes: every change up to (last_txid,
        -- last_change_id) has its notifications and outbox rows written.
        CREATE TABLE notifier_cursors (
            name text PRIMARY KEY,
            last_txid xid8 NOT NULL,
            last_change_id bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        -- What a read change still has to deliver outside PostgreSQL: one per-user Redis event
        -- (published once: a Redis key named after event_id, random so that it is unique across
        -- databases sharing one Redis, marks it, set in the same MULTI) and at most one e-mail.
        -- A row is deleted once both are done.
        CREATE TABLE notifier_outbox (
            outbox_id bigserial PRIMARY KEY,
            event_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
            user_id uuid NOT NULL,
            event_kind text NOT NULL,
            event_data jsonb NOT NULL,
            published_at timestamptz,
            email_to text,
            email_subject text,
            email_body text,
            email_status text NOT NULL DEFAULT 'none'
                CHECK (email_status IN ('none', 'pending', 'sent', 'failed')),
            email_attempts integer NOT NULL DEFAULT 0,
            email_next_at timestamptz NOT NULL DEFAULT now(),
            email_error text,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX notifier_outbox_unpublished ON notifier_outbox (outbox_id)
            WHERE published_at IS NULL;
        CREATE INDEX notifier_outbox_email ON notifier_outbox (email_next_at)
            WHERE email_status = 'pending';

        CREATE FUNCTION notification_linked(candidates text[]) RETURNS text[]
            LANGUAGE sql STABLE AS $$
                SELECT coalesce(array_agg(DISTINCT address ORDER BY address), '{}')
                FROM wallets WHERE address = ANY(candidates)
            $$;

        CREATE FUNCTION notification_order_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            linked text[] := notification_linked(ARRAY[NEW.owner]);
        BEGIN
            IF cardinality(linked) > 0 THEN
                INSERT INTO notification_changes (source, wallets, previous, current)
                VALUES ('order', linked,
                        CASE WHEN TG_OP = 'UPDATE' THEN
                            jsonb_build_object('status', OLD.status, 'filled', OLD.filled)
                        END,
                        to_jsonb(NEW));
            END IF;
            RETURN NULL;
        END $$;

        CREATE FUNCTION notification_trade_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            linked text[] := notification_linked(ARRAY[NEW.buyer, NEW.seller]);
        BEGIN
            IF cardinality(linked) > 0 THEN
                INSERT INTO notification_changes (source, wallets, previous, current)
                VALUES ('trade', linked,
                        CASE WHEN TG_OP = 'UPDATE' THEN jsonb_build_object('status', OLD.status)
                        END,
                        to_jsonb(NEW));
            END IF;
            RETURN NULL;
        END $$;

        CREATE FUNCTION notification_mint_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            owner_address text;
            linked text[];
        BEGIN
            SELECT owner_wallet INTO owner_address FROM meter_chain_accounts
                WHERE meter_id = NEW.meter_id;
            linked := notification_linked(ARRAY[owner_address]);
            IF cardinality(linked) > 0 THEN
                INSERT INTO notification_changes (source, wallets, previous, current)
                VALUES ('mint', linked, NULL,
                        (to_jsonb(NEW) - 'signed_transaction')
                            || jsonb_build_object('owner', owner_address));
            END IF;
            RETURN NULL;
        END $$;

        CREATE TRIGGER chain_orders_notify_insert AFTER INSERT ON chain_orders
            FOR EACH ROW EXECUTE FUNCTION notification_order_change();
        CREATE TRIGGER chain_orders_notify_update AFTER UPDATE ON chain_orders
            FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.filled IS DISTINCT FROM NEW.filled)
            EXECUTE FUNCTION notification_order_change();
        CREATE TRIGGER settlement_trades_notify_insert AFTER INSERT ON settlement_trades
            FOR EACH ROW EXECUTE FUNCTION notification_trade_change();
        CREATE TRIGGER settlement_trades_notify_update AFTER UPDATE ON settlement_trades
            FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status
                  AND NEW.status IN ('settled', 'rejected'))
            EXECUTE FUNCTION notification_trade_change();
        CREATE TRIGGER mint_submissions_notify_insert AFTER INSERT ON mint_submissions
            FOR EACH ROW WHEN (NEW.status = 'confirmed')
            EXECUTE FUNCTION notification_mint_change();
        CREATE TRIGGER mint_submissions_notify_update AFTER UPDATE ON mint_submissions
            FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'confirmed')
            EXECUTE FUNCTION notification_mint_change();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER mint_submissions_notify_update ON mint_submissions;
        DROP TRIGGER mint_submissions_notify_insert ON mint_submissions;
        DROP TRIGGER settlement_trades_notify_update ON settlement_trades;
        DROP TRIGGER settlement_trades_notify_insert ON settlement_trades;
        DROP TRIGGER chain_orders_notify_update ON chain_orders;
        DROP TRIGGER chain_orders_notify_insert ON chain_orders;
        DROP FUNCTION notification_mint_change();
        DROP FUNCTION notification_trade_change();
        DROP FUNCTION notification_order_change();
        DROP FUNCTION notification_linked(text[]);
        DROP TABLE notifier_outbox, notifier_cursors, notification_changes,
            notification_preferences, notifications;
        """
    )
