"""The account tables of migration 0008_accounts (``users.deactivated_at``: 0010_audit), as
SQLAlchemy Core tables (no ORM)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, LargeBinary, MetaData, Table, Text, Uuid

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("role", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("email", Text),
    Column("email_verified_at", DateTime(timezone=True)),
    Column("deactivated_at", DateTime(timezone=True)),
)

wallets = Table(
    "wallets",
    metadata,
    Column("address", Text, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

email_verification_tokens = Table(
    "email_verification_tokens",
    metadata,
    Column("token_hash", LargeBinary, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("email", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)
