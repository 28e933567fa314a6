"""Running ``frontdesk close-day`` and its neighbours as a supervisor, and what they stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner, Result

from frontdesk.cli import app
from frontdesk.data.db import read_session
from tests.conftest import PASSWORD, Clinic
from tests.data.test_closeout import _finished_day

EXACT = {"cash": {"20": 6, "5": 1}, "card_total": "40.00"}  # $100 float + $25 cash, $40 card


def db_of(clinic: Clinic) -> str:
    return str(clinic.engine.url.database)


def invoke(
    clinic: Clinic,
    command: str,
    *args: str,
    user: str | None = "sam",
    password: str | None = PASSWORD,
    stdin: str | None = None,
) -> Result:
    """Run ``frontdesk <command> --db <clinic> [--user]`` with the password in the env."""
    argv = [command, "--db", db_of(clinic)]
    if user is not None:
        argv += ["--user", user]
    env = {"FRONTDESK_PASSWORD": password, "FRONTDESK_USER": None}
    return CliRunner().invoke(app, [*argv, *args], env=env, input=stdin)


def counts_file(tmp_path: Path, drawers: dict[str, Any], name: str = "counts.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"drawers": drawers}))
    return str(path)


def scalar(clinic: Clinic, sql: str) -> Any:
    with read_session(clinic.engine) as session:
        return session.execute(text(sql)).scalar()


def count_rows(clinic: Clinic) -> list[tuple[Any, ...]]:
    with read_session(clinic.engine) as session:
        rows = session.execute(
            text("SELECT drawer_id, cash_counted_cents, accepted, reason FROM drawer_count")
        )
        return [tuple(r) for r in rows]


def closed_with_counts(clinic: Clinic, tmp_path: Path, *extra: str) -> Result:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": EXACT})
    return invoke(clinic, "close-day", "--yes", "--counts", path, *extra)
