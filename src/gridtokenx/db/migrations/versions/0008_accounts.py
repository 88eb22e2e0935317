"""The gateway's accounts: users with their role, their wallets, e-mail verification tokens.

Revision ID: 0008_accounts
Revises: 0007_settlement
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0008_accounts"
down_revision = "0007_settlement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- An account. It has no password: a user signs in with any of their wallets. The role
        -- is what the gateway enforces on every route.
        CREATE TABLE users (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            role text NOT NULL CHECK (role IN ('prosumer', 'consumer', 'operator')),
            created_at timestamptz NOT NULL DEFAULT now(),
            email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
            email_verified_at timestamptz,
            CHECK (email_verified_at IS NULL OR email IS NOT NULL)
        );
        -- A verified address belongs to one account only.
        CREATE UNIQUE INDEX users_verified_email ON users (lower(email))
            WHERE email_verified_at IS NOT NULL;

        -- A wallet (base58 Ed25519 public key) is linked to exactly one account, only after
        -- its key signed a message naming that account (or signed in, for the first one).
        CREATE TABLE wallets (
            address text PRIMARY KEY CHECK (length(address) BETWEEN 32 AND 44),
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            linked_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX wallets_by_user ON wallets (user_id, linked_at);

        -- Single-use e-mail verification links; only the SHA-256 of the token is stored.
        CREATE TABLE email_verification_tokens (
            token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            email text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            used_at timestamptz
        );
        CREATE INDEX email_verification_tokens_by_user ON email_verification_tokens (user_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE email_verification_tokens, wallets, users")
