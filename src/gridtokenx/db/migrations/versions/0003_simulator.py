"""The simulator service's scenarios: fleet configuration, mode, speed, sky, state and position.

Revision ID: 0003_simulator
Revises: 0002_watermark_without_signature
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003_simulator"
down_revision = "0002_watermark_without_signature"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per named scenario. position_ms is the end of the last published tick: with the
    # configuration it determines every meter's registers, so a restarted service resumes there.
    op.execute(
        """
        CREATE TABLE simulator_scenarios (
            name text PRIMARY KEY,
            fleet_config jsonb NOT NULL,
            mode text NOT NULL CHECK (mode IN ('realtime', 'accelerated', 'replay')),
            speed double precision NOT NULL CHECK (speed > 0),
            interval_ms bigint NOT NULL CHECK (interval_ms BETWEEN 1 AND 3600000),
            start_ms bigint NOT NULL CHECK (start_ms >= 0),
            end_ms bigint CHECK (end_ms > start_ms),
            paced boolean NOT NULL DEFAULT false,
            weather jsonb NOT NULL DEFAULT '[]'::jsonb,
            state text NOT NULL CHECK (state IN ('stopped', 'running', 'paused', 'finished')),
            position_ms bigint NOT NULL CHECK (position_ms >= start_ms),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE simulator_scenarios")
