"""Device-key rotations of registered meters: one row per rotation that landed on chain.

Revision ID: 0014_meter_key_rotations
Revises: 0013_order_time_in_force
Create Date: 2026-11-23

The gateway writes a row (in the transaction that moves ``meters.device_pubkey`` to the new
key and writes the audit row) once the Registry's ``rotate_device_key`` signed by the grid
operator's wallet landed and the meter account on chain holds the new key. Append-only by
convention: a later rotation is a new row.
"""

from __future__ import annotations

from alembic import op

revision = "0014_meter_key_rotations"
down_revision = "0013_order_time_in_force"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE meter_key_rotations (
            rotation_id bigserial PRIMARY KEY,
            meter_id uuid NOT NULL REFERENCES meters (meter_id),
            old_device_pubkey bytea NOT NULL CHECK (length(old_device_pubkey) = 32),
            new_device_pubkey bytea NOT NULL CHECK (length(new_device_pubkey) = 32),
            signature text NOT NULL UNIQUE,
            slot bigint CHECK (slot >= 0),
            actor_user_id uuid NOT NULL,
            reason text NOT NULL CHECK (btrim(reason) <> ''),
            rotated_at timestamptz NOT NULL DEFAULT now(),
            CHECK (old_device_pubkey <> new_device_pubkey)
        );
        CREATE INDEX meter_key_rotations_by_meter ON meter_key_rotations (meter_id, rotation_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE meter_key_rotations")
