"""Meter registration requests (owner-signed, operator-approved).

One row per request a signed-in user made to commission a field meter. The request moves
``awaiting_nonce`` (the owner's setup transaction creating the durable-nonce account has not
been seen on chain) → ``awaiting_owner`` (the gateway prepared the registration transaction; the
owner has not signed it) → ``pending_approval`` (the owner's signed transaction is stored) →
``approved`` (the registration landed; ``registration_signature``) or ``rejected`` (``reason``).
A pending request keeps its meter id and device key from every other open request.

Revision ID: 0009_meter_requests
Revises: 0008_accounts
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0009_meter_requests"
down_revision = "0008_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE meter_registration_requests (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            owner_wallet text NOT NULL CHECK (length(owner_wallet) BETWEEN 32 AND 44),
            meter_id uuid NOT NULL,
            device_pubkey bytea NOT NULL CHECK (length(device_pubkey) = 32),
            kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),
            zone_id integer NOT NULL CHECK (zone_id >= 0),
            max_export_w bigint NOT NULL CHECK (max_export_w >= 0),
            max_import_w bigint NOT NULL CHECK (max_import_w >= 0),
            nonce_account text NOT NULL,
            setup_message bytea NOT NULL,
            status text NOT NULL CHECK (status IN ('awaiting_nonce', 'awaiting_owner',
                'pending_approval', 'approved', 'rejected')),
            -- The registration transaction's message as prepared, and as the owner signed it.
            registration_message bytea,
            owner_signed_transaction bytea,
            registration_signature text,
            reason text,
            decided_by uuid REFERENCES users (id),
            decided_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CHECK (status <> 'pending_approval'
                   OR (owner_signed_transaction IS NOT NULL
                       AND registration_message IS NOT NULL)),
            CHECK (status <> 'approved' OR registration_signature IS NOT NULL),
            CHECK (status <> 'rejected' OR reason IS NOT NULL)
        );
        CREATE UNIQUE INDEX meter_registration_requests_open_meter
            ON meter_registration_requests (meter_id) WHERE status <> 'rejected';
        CREATE UNIQUE INDEX meter_registration_requests_open_device
            ON meter_registration_requests (device_pubkey) WHERE status <> 'rejected';
        CREATE INDEX meter_registration_requests_by_user
            ON meter_registration_requests (user_id, created_at DESC);
        CREATE INDEX meter_registration_requests_by_status
            ON meter_registration_requests (status, created_at);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE meter_registration_requests")
