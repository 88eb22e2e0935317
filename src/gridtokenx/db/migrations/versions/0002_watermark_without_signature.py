"""A meter's commissioning watermark has no signed reading yet: signature becomes optional.

Revision ID: 0002_watermark_without_signature
Revises: 0001_telemetry
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002_watermark_without_signature"
down_revision = "0001_telemetry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE meter_watermarks ALTER COLUMN signature DROP NOT NULL")


def downgrade() -> None:
    op.execute("DELETE FROM meter_watermarks WHERE signature IS NULL")
    op.execute("ALTER TABLE meter_watermarks ALTER COLUMN signature SET NOT NULL")
