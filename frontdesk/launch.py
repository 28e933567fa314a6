"""Open the app on a database: check it exists, upgrade an older schema, run.

Kept light (stdlib sqlite3 only on the common path) so the first frame is not
held up by loading SQLAlchemy and Alembic.
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass

from frontdesk.config import secure_file, sqlite_file
from frontdesk.data.revision import HEAD

NO_DATABASE = (
    "No clinic database at {where}.\n"
    "  Set one up:       frontdesk init\n"
    "  Or try the demo:  frontdesk demo\n"
    "  Or point at one:  frontdesk --db PATH (or set FRONTDESK_DB)"
)


@dataclass(frozen=True)
class Checked:
    """The outcome of :func:`prepare`: an exit code and what to tell the user."""

    code: int
    message: str = ""


def _sqlite_revision(path: str) -> str | None:
    """The file's schema revision; ``""`` if none applied yet; ``None`` if not a frontdesk DB."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else ""


def prepare(target: str) -> Checked:
    """Make sure ``target`` is a frontdesk database at this code's schema revision."""
    path = sqlite_file(target)
    if path is not None:
        if not path.exists() or path.stat().st_size == 0:
            return Checked(1, NO_DATABASE.format(where=path))
        revision = _sqlite_revision(str(path))
        if revision is None:
            return Checked(1, f"{path} is not a frontdesk database (no schema version in it).")
        secure_file(path)
        if revision == HEAD:
            return Checked(0)
    return _upgrade(target)


def _upgrade(target: str) -> Checked:
    from frontdesk.data import schema
    from frontdesk.data.db import make_engine

    engine = make_engine(target)
    try:
        if not schema.has_schema(engine):
            return Checked(1, NO_DATABASE.format(where=target))
        before = schema.current_revision(engine)
        if before == schema.head_revision():
            return Checked(0)
        known = {r.revision for r in schema.all_revisions()}
        if before is not None and before not in known:
            return Checked(
                1,
                f"The database is at schema {before}, newer than this frontdesk knows. "
                "Install the newer frontdesk version.",
            )
        from sqlalchemy.exc import DBAPIError

        try:
            schema.upgrade(engine)  # one transaction: a failure changes nothing
        except DBAPIError as error:
            return Checked(
                1,
                f"Could not upgrade the database schema from {before or 'base'} to "
                f"{schema.head_revision()} ({error.orig}); the database was not changed.",
            )
        return Checked(
            0,
            f"Upgraded the database schema from {before or 'base'} to {schema.head_revision()}.",
        )
    finally:
        engine.dispose()


def open_app(target: str) -> int:
    """Check, upgrade if needed, then run the app. Returns the exit code."""
    checked = prepare(target)
    if checked.message:
        print(checked.message, file=sys.stderr if checked.code else sys.stdout)  # noqa: T201
    if checked.code:
        return checked.code
    from frontdesk.app import run

    return run(target, notice=checked.message) or 0
