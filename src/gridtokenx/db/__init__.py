"""The platform's PostgreSQL schema: one alembic migration chain shared by every service."""
