"""``frontdesk demo --size large``: the large builder behind a progress bar, in a file apart.

The large size is made tiny here (``demo_large.LARGE`` is patched); the
builder itself is tested in tests/data/test_demo_large.py.
"""

from __future__ import annotations

import re
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk.cli import app
from frontdesk.data import demo_large
from frontdesk.data.clinic import load_clinic
from frontdesk.data.db import make_engine
from frontdesk.data.demo import DEMO_ACCOUNTS
from tests.cli.test_demo_cli import account_lines, make_real_clinic, reusing_line
from tests.conftest import NOW, ZONE

pytestmark = pytest.mark.usefixtures("fast_hashing")

TINY = demo_large.LargeSpec(300, providers=3, days_back=10, days_ahead=3, payments=150, seed=3)


@pytest.fixture(autouse=True)
def _tiny_and_chicago(monkeypatch: pytest.MonkeyPatch) -> None:
    """The large size, made tiny; the machine's timezone is the frozen clock's."""
    monkeypatch.setattr(demo_large, "LARGE", TINY)
    monkeypatch.setenv("TZ", "America/Chicago")


def figures(db: Path) -> tuple[int, int, int]:
    """(patients, appointments today, payments) in the file."""
    conn = sqlite3.connect(db)
    try:
        patients = conn.execute("SELECT count(*) FROM patient").fetchone()[0]
        payments = conn.execute("SELECT count(*) FROM payment").fetchone()[0]
        starts = conn.execute("SELECT start_at FROM appointment").fetchall()
    finally:
        conn.close()
    today = NOW.astimezone(ZONE).date()
    local = (datetime.fromisoformat(s).replace(tzinfo=UTC).astimezone(ZONE) for (s,) in starts)
    return patients, sum(moment.date() == today for moment in local), payments


def built_prefix(db: Path) -> str:
    patients, today, payments = figures(db)
    return (
        f"Built a large demo clinic at {db}: {patients:,} patients, {today} appointments today, "
        f"{payments:,} payments ("
    )


def test_large_builds_behind_a_progress_bar(db_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--size", "large", "--no-launch", "--db", str(db_path)]
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(built_prefix(db_path))
    assert lines[0].endswith(" s).")
    assert lines[1:] == account_lines()
    assert figures(db_path)[0::2] == (TINY.patients, TINY.payments)
    for stage in demo_large.STAGES:  # each stage's bar, drawn complete on standard error
        bars = [line for line in result.stderr.splitlines() if line.startswith(stage)]
        assert len(bars) == 1, stage
        done, total = re.findall(r"(\d+)/(\d+)", bars[0])[0]
        assert done == total, bars[0]
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    engine = make_engine(db_path)
    try:
        assert load_clinic(engine).is_demo
    finally:
        engine.dispose()


def test_large_has_its_own_default_file_and_opens_it(
    tmp_path: Path, launched: list[tuple[str, str]]
) -> None:
    folder = tmp_path / "xdg-data" / "frontdesk"  # XDG_DATA_HOME from conftest
    runner = CliRunner()

    first = runner.invoke(app, ["demo", "--size", "large"])

    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in folder.glob("*.db")) == ["demo-large.db"]
    assert launched == [(str(folder / "demo-large.db"), "")]
    small = runner.invoke(app, ["demo", "--no-launch"])
    assert small.exit_code == 0, small.output
    assert sorted(p.name for p in folder.glob("*.db")) == ["demo-large.db", "demo.db"]
    assert figures(folder / "demo.db")[0] == 2000  # the small demo, untouched by the large one


def test_reuse_and_reset(db_path: Path) -> None:
    runner = CliRunner()
    args = ["demo", "--size", "large", "--no-launch", "--db", str(db_path)]
    assert runner.invoke(app, args).exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE patient SET middle_name = 'Marker' WHERE id = 1")
    conn.commit()
    conn.close()

    again = runner.invoke(app, args)
    assert again.stdout.splitlines() == [reusing_line(db_path), *account_lines()]
    reset = runner.invoke(app, [*args, "--reset"])

    assert reset.exit_code == 0, reset.output
    assert reset.stdout.splitlines()[0].startswith(built_prefix(db_path))
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT middle_name FROM patient WHERE id = 1").fetchone()[0] != "Marker"
    conn.close()


def test_refuses_a_real_clinic_and_an_unknown_size(db_path: Path, tmp_path: Path) -> None:
    make_real_clinic(db_path)
    before = db_path.read_bytes()
    runner = CliRunner()

    real = runner.invoke(app, ["demo", "--size", "large", "--reset", "--db", str(db_path)])
    huge = runner.invoke(app, ["demo", "--size", "huge", "--db", str(tmp_path / "new.db")])

    assert real.exit_code == 1
    assert "is not a demo clinic" in real.stderr
    assert db_path.read_bytes() == before
    assert huge.exit_code == 2
    assert huge.stderr.splitlines() == ["--size is small or large, not huge."]
    assert not (tmp_path / "new.db").exists()
    assert DEMO_ACCOUNTS[0].username not in huge.stdout
