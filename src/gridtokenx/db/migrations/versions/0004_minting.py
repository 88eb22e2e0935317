"""The minting service's ledger: meters registered on chain, their mirrored registers, and every
mint submission.

Revision ID: 0004_minting
Revises: 0003_simulator
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004_minting"
down_revision = "0003_simulator"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- A meter registered on chain (Registry MeterAccount) with its owner's wallet and GXT
        -- associated token account; for simulated meters the fleet seed and index the owner's
        -- key derives from. chain_status mirrors the meter account (1 active, 2 suspended,
        -- 3 decommissioned).
        CREATE TABLE meter_chain_accounts (
            meter_id uuid PRIMARY KEY REFERENCES meters (meter_id),
            owner_wallet text NOT NULL,
            owner_token_account text NOT NULL,
            fleet_seed bigint,
            meter_index integer,
            chain_status smallint NOT NULL CHECK (chain_status BETWEEN 1 AND 3),
            registration_signature text,
            registered_at timestamptz NOT NULL DEFAULT now()
        );

        -- The meter account's registers as last confirmed: what is minted so far. A reading is
        -- minted only when it moves these forward, so nothing is minted twice.
        -- failed_timestamp_ms: the newest reading the chain refused for good (never retried).
        CREATE TABLE meter_mint_states (
            meter_id uuid PRIMARY KEY REFERENCES meter_chain_accounts (meter_id),
            export_wh bigint NOT NULL CHECK (export_wh >= 0),
            import_wh bigint NOT NULL CHECK (import_wh >= 0),
            timestamp_ms bigint NOT NULL,
            minted_wh bigint NOT NULL CHECK (minted_wh >= 0),
            failed_timestamp_ms bigint,
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        -- One row per reading per transaction. The signed transaction is kept so that a
        -- pending one found after a restart is re-sent byte for byte while its blockhash lives.
        CREATE TABLE mint_submissions (
            submission_id bigserial PRIMARY KEY,
            meter_id uuid NOT NULL REFERENCES meter_chain_accounts (meter_id),
            export_wh bigint NOT NULL,
            import_wh bigint NOT NULL,
            timestamp_ms bigint NOT NULL,
            tx_signature text NOT NULL,
            blockhash text NOT NULL,
            signed_transaction bytea NOT NULL,
            status text NOT NULL
                CHECK (status IN ('pending', 'confirmed', 'superseded', 'failed')),
            minted_wh bigint CHECK (minted_wh >= 0),
            error text,
            created_at timestamptz NOT NULL DEFAULT now(),
            resolved_at timestamptz
        );
        CREATE UNIQUE INDEX mint_submissions_one_pending_per_meter
            ON mint_submissions (meter_id) WHERE status = 'pending';
        CREATE INDEX mint_submissions_by_signature ON mint_submissions (tx_signature);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE mint_submissions, meter_mint_states, meter_chain_accounts")
