"""Running the callbacks commands on a test clinic, and reading back what they stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner, Result

from frontdesk.cli import app
from frontdesk.data.callbacks import NewCallback, add_callback
from frontdesk.data.db import read_session
from tests.conftest import Clinic

HEADER = "reason,name,mrn,phone,note,reference,priority,due,owner"
ITEM = re.compile(r" *[0-9]+ [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} ")  # "12 Nov 24 17:00 "


def db_of(clinic: Clinic) -> str:
    return str(clinic.engine.url.database)


def run(clinic: Clinic, *args: str, password: str | None = None, stdin: str = "") -> Result:
    """``frontdesk <args> --db <clinic>``, with no user or password from the environment."""
    env = {"FRONTDESK_PASSWORD": password, "FRONTDESK_USER": None}
    return CliRunner().invoke(app, [*args, "--db", db_of(clinic)], env=env, input=stdin)


def add(clinic: Clinic, **fields: Any) -> int:
    """An item added through the data layer (by Ana at the desk)."""
    values: dict[str, Any] = {"reason": "billing", "caller_name": "Rosa Alvarez"}
    values["phone"] = "(312) 555-0134"
    values.update(fields)
    return add_callback(clinic.engine, NewCallback(**values), staff=clinic.desk).callback_id


def stored(clinic: Clinic) -> list[dict[str, Any]]:
    """Every callback row, oldest first."""
    with read_session(clinic.engine) as session:
        rows = session.execute(text("SELECT * FROM callback ORDER BY id")).mappings().all()
        return [dict(row) for row in rows]


def mrn_of(clinic: Clinic, patient_id: int) -> str:
    with read_session(clinic.engine) as session:
        return str(
            session.execute(text(f"SELECT mrn FROM patient WHERE id = {patient_id}")).scalar()
        )


def due_utc(clinic: Clinic, item_id: int) -> datetime:
    """An item's stored due time (SQLite keeps it as naive UTC text)."""
    (row,) = [r for r in stored(clinic) if r["id"] == item_id]
    value = datetime.fromisoformat(str(row["due_at"]))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def item_lines(output: str) -> dict[int, str]:
    """The lines of a table or hand-off that start with an item id and its due time, by id."""
    return {int(line.split()[0]): line for line in output.splitlines() if ITEM.match(line)}


def listed_ids(output: str) -> list[int]:
    """The item ids of a ``callbacks list`` table, top to bottom."""
    return list(item_lines(output))


def csv_file(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "calls.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8", newline="")
    return path
