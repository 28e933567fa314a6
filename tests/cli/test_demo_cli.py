"""``frontdesk demo``: build, reuse, rebuild and open the demo clinic; never touch a real one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from frontdesk import clock
from frontdesk.cli import app
from frontdesk.data import schema
from frontdesk.data.clinic import create_settings, load_clinic
from frontdesk.data.db import make_engine, read_session, write_session
from frontdesk.data.demo import DEMO_ACCOUNTS
from frontdesk.data.models import Appointment, Patient
from tests.conftest import TODAY, ZONE

pytestmark = pytest.mark.usefixtures("fast_hashing")

MARKER = "Demo-Marker"


@pytest.fixture(autouse=True)
def _chicago(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo takes the machine's timezone: make it the frozen clock's."""
    monkeypatch.setenv("TZ", "America/Chicago")


def account_lines() -> list[str]:
    """The sign-in block every demo run prints."""
    return ["Sign in with:"] + [
        f"  {a.username:<8} password {a.password:<14} ({a.role.value})" for a in DEMO_ACCOUNTS
    ]


def counts(db: Path) -> tuple[int, int]:
    """(patients, appointments today) in the demo database."""
    engine = make_engine(db)
    start, end = clock.day_bounds(TODAY, ZONE)
    try:
        with read_session(engine) as session:
            patients = session.exec(select(func.count()).select_from(Patient)).one()
            today = session.exec(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.start_at >= start, Appointment.start_at < end)
            ).one()
        return patients, today
    finally:
        engine.dispose()


def mark_first_patient(db: Path) -> None:
    """Change a patient after the build, so a rebuild would be visible."""
    engine = make_engine(db)
    try:
        with write_session(engine) as session:
            patient = session.get(Patient, 1)
            assert patient is not None
            patient.middle_name = MARKER
            session.add(patient)
    finally:
        engine.dispose()


def marked(db: Path) -> int:
    """How many patients carry the marker."""
    engine = make_engine(db)
    try:
        with read_session(engine) as session:
            return len(session.exec(select(Patient).where(Patient.middle_name == MARKER)).all())
    finally:
        engine.dispose()


def make_real_clinic(db: Path) -> None:
    """A migrated, non-demo clinic, as init leaves it."""
    engine = make_engine(db)
    try:
        schema.upgrade(engine)
        with write_session(engine) as session:
            create_settings(session, name="Real Clinic", timezone="America/Chicago")
    finally:
        engine.dispose()


def built_line(db: Path) -> str:
    patients, today = counts(db)
    return f"Built a demo clinic at {db}: {patients:,} patients, {today} appointments today."


def reusing_line(db: Path) -> str:
    return f"Reusing the demo clinic at {db} (--reset rebuilds it for today)."


def test_builds_the_demo_and_prints_the_accounts(db_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--no-launch", "--db", str(db_path)])

    assert result.exit_code == 0, result.output
    patients, today = counts(db_path)
    assert patients == 2000
    assert today > 0
    assert result.stdout.splitlines() == [built_line(db_path), *account_lines()]
    for account in DEMO_ACCOUNTS:
        assert f"  {account.username} " in result.stdout
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    engine = make_engine(db_path)
    try:
        clinic = load_clinic(engine)
        assert (clinic.is_demo, clinic.zone.key) == (True, "America/Chicago")
        assert schema.current_revision(engine) == schema.head_revision()
    finally:
        engine.dispose()


def test_second_run_reuses_and_reset_rebuilds(db_path: Path) -> None:
    runner = CliRunner()
    args = ["demo", "--no-launch", "--db", str(db_path)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    mark_first_patient(db_path)
    built = counts(db_path)

    again = runner.invoke(app, args)

    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [reusing_line(db_path), *account_lines()]
    assert counts(db_path) == built
    assert marked(db_path) == 1  # not rebuilt

    reset = runner.invoke(app, [*args, "--reset"])

    assert reset.exit_code == 0, reset.output
    assert reset.stdout.splitlines() == [built_line(db_path), *account_lines()]
    assert marked(db_path) == 0  # rebuilt from scratch
    assert counts(db_path) == built  # same day, same seed: the same clinic


@pytest.mark.parametrize("reset", [False, True])
def test_refuses_a_real_clinic_and_leaves_it_untouched(db_path: Path, reset: bool) -> None:
    make_real_clinic(db_path)
    before = db_path.read_bytes()
    args = ["demo", "--no-launch", "--db", str(db_path)] + (["--reset"] if reset else [])

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{db_path} is not a demo clinic; demo never changes a real one."
    ]
    assert result.stdout == ""
    assert db_path.read_bytes() == before
    engine = make_engine(db_path)
    try:
        assert load_clinic(engine).name == "Real Clinic"
    finally:
        engine.dispose()


def test_refuses_a_clinic_made_by_init(db_path: Path) -> None:
    runner = CliRunner()
    init = runner.invoke(
        app,
        [
            "init",
            "--db",
            str(db_path),
            "--clinic",
            "Real",
            "--timezone",
            "America/Chicago",
            "--admin",
            "boss",
            "--password-stdin",
        ],
        input="correct horse battery\n",
    )
    assert init.exit_code == 0, init.output
    before = db_path.read_bytes()

    result = runner.invoke(app, ["demo", "--no-launch", "--db", str(db_path)])

    assert result.exit_code == 1, result.output
    assert "is not a demo clinic" in result.stderr
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("kind", ["schema without clinic", "not a database"])
def test_refuses_other_files_without_a_traceback(db_path: Path, kind: str) -> None:
    if kind == "not a database":
        db_path.write_bytes(b"a spreadsheet, perhaps\n" * 100)
    else:
        engine = make_engine(db_path)
        schema.upgrade(engine)
        engine.dispose()
    before = db_path.read_bytes()

    result = CliRunner().invoke(app, ["demo", "--no-launch", "--reset", "--db", str(db_path)])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [
        f"{db_path} is not a demo clinic; demo never changes a real one."
    ]
    assert db_path.read_bytes() == before


def test_without_no_launch_opens_the_demo_at_the_default_path(
    tmp_path: Path, launched: list[tuple[str, str]]
) -> None:
    runner = CliRunner()
    expected = tmp_path / "xdg-data" / "frontdesk" / "demo.db"  # XDG_DATA_HOME from conftest

    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert launched == [(str(expected), "")]
    assert first.stdout.splitlines() == [built_line(expected), *account_lines()]

    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines()[0] == reusing_line(expected)
    assert launched == [(str(expected), ""), (str(expected), "")]
