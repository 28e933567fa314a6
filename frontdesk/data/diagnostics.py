"""Seeing what the database does: the statements an action runs, and their query plans.

Used by the tests that prove no search scans the patient table, and by the
benchmarks; an IT person can use them the same way from a Python prompt.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

Statement = tuple[str, Any]


@contextmanager
def captured_selects(engine: Engine) -> Iterator[list[Statement]]:
    """Every SELECT run on ``engine`` inside the block, with its parameters."""
    seen: list[Statement] = []

    def listener(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def query_plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """SQLite's ``EXPLAIN QUERY PLAN`` lines for one statement."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        lines = [str(row[3]) for row in cursor.fetchall()]
        cursor.close()
        return lines
    finally:
        raw.close()
