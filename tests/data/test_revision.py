"""The models, the migrations and the launcher's idea of the newest revision agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import frontdesk.data.models  # noqa: F401  (registers the tables)
from frontdesk.data import revision, schema
from frontdesk.data.db import make_engine


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, SQLModel.metadata)
        conn.rollback()
    return list(diff)


def migrated(db: Path) -> Engine:
    engine = make_engine(db)
    schema.upgrade(engine)
    return engine


def test_launcher_head_is_the_newest_migration() -> None:
    assert schema.head_revision() == revision.HEAD
    newest = schema.all_revisions()[0]
    assert newest.revision == revision.HEAD
    assert newest.is_head


def test_migrations_build_exactly_the_models(db_path: Path) -> None:
    engine = migrated(db_path)
    try:
        assert schema.current_revision(engine) == revision.HEAD
        assert set(inspect(engine).get_table_names()) == {
            *SQLModel.metadata.tables,
            "alembic_version",
        }
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_the_comparison_sees_drift(db_path: Path) -> None:
    """Guard for the test above: a missing index and column are reported."""
    engine = migrated(db_path)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_patient_name"))
            conn.execute(text("ALTER TABLE provider DROP COLUMN short_name"))
        diff = differences(engine)
    finally:
        engine.dispose()
    added_indexes = [d[1].name for d in diff if d[0] == "add_index"]
    added_columns = [(d[2], d[3].name) for d in diff if d[0] == "add_column"]
    assert added_indexes == ["ix_patient_name"]
    assert added_columns == [("provider", "short_name")]
