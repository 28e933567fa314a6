"""Alembic migrations: the schema's history."""
