"""Engine factory, SQLite pragmas and the two session scopes.

SQLite through Python's ``sqlite3`` driver loses updates by default (it does not
BEGIN before a SELECT). So the driver's own transaction handling is switched
off and every transaction is begun explicitly: ``BEGIN IMMEDIATE`` for a write
scope, a plain ``BEGIN`` (a consistent snapshot under WAL) for a read scope.
This is SQLAlchemy's documented recipe for SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from frontdesk.data.errors import DatabaseBusy

BUSY_TIMEOUT_MS = 5000
_WRITE = "frontdesk_write"


def url_for(target: str | Path) -> str:
    """A SQLAlchemy URL from a path or URL (``clinic.db`` -> ``sqlite:///clinic.db``)."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other databases and memory."""
    if not url.startswith("sqlite:///"):
        return None
    rest = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def make_engine(target: str | Path, *, echo: bool = False) -> Engine:
    """The one engine factory. SQLite gets WAL, FULL sync, foreign keys, a busy timeout."""
    url = url_for(target)
    if not url.startswith("sqlite"):
        return create_engine(url, echo=echo, pool_pre_ping=True)
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def _is_busy(error: OperationalError) -> bool:
    text = str(error.orig).lower() if error.orig is not None else str(error).lower()
    return "database is locked" in text or "database is busy" in text


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One user action: ``BEGIN IMMEDIATE`` ... COMMIT, or ROLLBACK on any error.

    Waits up to the busy timeout for another terminal's write; if the lock is
    still held, retries once, then raises :class:`DatabaseBusy` (nothing saved).
    """
    bind = engine.execution_options(**{_WRITE: True})
    for attempt in (1, 2):
        session = Session(bind=bind, expire_on_commit=False)
        try:
            session.connection()  # BEGIN IMMEDIATE happens here
        except OperationalError as error:
            session.close()
            if _is_busy(error) and attempt == 1:
                continue
            if _is_busy(error):
                raise DatabaseBusy(
                    "Another terminal is saving; nothing was saved. Try again."
                ) from None
            raise
        break
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only snapshot; never committed, so it never writes."""
    session = Session(bind=engine, expire_on_commit=False)
    try:
        yield session
    finally:
        # close() ends the transaction (the pool rolls it back) and detaches the
        # objects without expiring them, so callers may read what they loaded.
        session.close()


def integrity_ok(engine: Engine, *, quick: bool = False) -> bool:
    """``PRAGMA integrity_check`` on SQLite (other databases are trusted).

    ``quick=True`` runs ``quick_check``: the same page and structure checks
    without matching every index entry to its row, about ten times faster
    (under a second on a million-patient file), so it suits start-up; the
    full check belongs to close-day.
    """
    if engine.dialect.name != "sqlite":
        return True
    pragma = "quick_check" if quick else "integrity_check"
    with engine.connect() as conn:
        row = conn.exec_driver_sql(f"PRAGMA {pragma}").fetchone()
        conn.rollback()
    return row is not None and row[0] == "ok"
