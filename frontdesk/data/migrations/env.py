"""Alembic environment: runs on the connection handed in by ``frontdesk.data.schema``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import frontdesk.data.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def run_migrations(connection: Connection) -> None:
    """Apply the migrations inside the caller's transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if _connection is None:
    raise RuntimeError("run migrations through frontdesk.data.schema, not the alembic CLI")
run_migrations(_connection)
