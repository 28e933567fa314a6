"""``frontdesk init``: scripted and interactive set-up of a new clinic database."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from frontdesk.cli import app
from frontdesk.data import schema
from frontdesk.data.clinic import load_clinic
from frontdesk.data.db import make_engine, read_session
from frontdesk.data.errors import SignInFailed
from frontdesk.data.models import Role, Staff
from frontdesk.data.staff import sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")

PASSWORD = "correct horse battery"
CLINIC = "Riverside Family Clinic"
BAD_ZONE = "Mars/Olympus is not a timezone name; use one like America/Chicago"


def scripted(db: Path, *, clinic: str = CLINIC, timezone: str = "America/Chicago") -> list[str]:
    """The arguments of a fully scripted init (password on standard input)."""
    return [
        "init",
        "--db",
        str(db),
        "--clinic",
        clinic,
        "--timezone",
        timezone,
        "--admin",
        "boss",
        "--password-stdin",
    ]


def created_lines(
    db: Path, *, clinic: str = CLINIC, timezone: str = "America/Chicago"
) -> list[str]:
    """What a successful init with ``--db`` prints."""
    return [
        f"Created {clinic} at {db} (timezone {timezone}).",
        f"Sign in as boss. Open the app with: frontdesk --db {db}",
    ]


def staff_rows(db: Path) -> list[tuple[str, str]]:
    """(username, role) of every staff account in the database."""
    engine = make_engine(db)
    try:
        with read_session(engine) as session:
            return [(s.username, s.role) for s in session.exec(select(Staff)).all()]
    finally:
        engine.dispose()


def test_scripted_init_creates_clinic_admin_and_schema(db_path: Path) -> None:
    result = CliRunner().invoke(app, scripted(db_path), input=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == created_lines(db_path)
    assert result.stderr == ""
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert staff_rows(db_path) == [("boss", Role.ADMIN.value)]
    engine = make_engine(db_path)
    try:
        clinic = load_clinic(engine)
        assert (clinic.name, clinic.zone.key, clinic.is_demo) == (CLINIC, "America/Chicago", False)
        assert schema.current_revision(engine) == schema.head_revision()
        member = sign_in(engine, "boss", PASSWORD)
        assert (member.username, member.role) == ("boss", Role.ADMIN)
    finally:
        engine.dispose()


def test_password_from_the_environment(db_path: Path) -> None:
    args = [a for a in scripted(db_path) if a != "--password-stdin"]

    result = CliRunner().invoke(app, args, env={"FRONTDESK_ADMIN_PASSWORD": PASSWORD})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == created_lines(db_path)  # no password prompt
    engine = make_engine(db_path)
    try:
        assert sign_in(engine, "boss", PASSWORD).role == Role.ADMIN
        with pytest.raises(SignInFailed):
            sign_in(engine, "boss", "some other password")
    finally:
        engine.dispose()


def test_without_db_uses_frontdesk_db_and_says_plain_frontdesk(tmp_path: Path) -> None:
    target = tmp_path / "from-env.db"
    args = [
        a
        for a in scripted(tmp_path / "unused.db")
        if a not in ("--db", str(tmp_path / "unused.db"))
    ]

    result = CliRunner().invoke(app, args, input=f"{PASSWORD}\n", env={"FRONTDESK_DB": str(target)})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Created {CLINIC} at {target} (timezone America/Chicago).",
        "Sign in as boss. Open the app with: frontdesk",
    ]
    assert staff_rows(target) == [("boss", "admin")]
    assert not (tmp_path / "unused.db").exists()


def test_without_db_or_env_uses_the_user_data_dir(tmp_path: Path) -> None:
    args = [a for a in scripted(tmp_path / "x.db") if a not in ("--db", str(tmp_path / "x.db"))]

    result = CliRunner().invoke(app, args, input=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    expected = tmp_path / "xdg-data" / "frontdesk" / "frontdesk.db"  # XDG_DATA_HOME from conftest
    assert result.stdout.splitlines()[0] == (
        f"Created {CLINIC} at {expected} (timezone America/Chicago)."
    )
    assert staff_rows(expected) == [("boss", "admin")]


def test_interactive_prompts_repeat_until_answers_are_valid(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/Denver")  # the suggested default
    answers = [
        CLINIC,
        "Mars/Olympus",  # refused, asked again
        "America/Chicago",
        "boss",
        "first password",  # the confirmation does not match: asked again
        "second password",
        PASSWORD,
        PASSWORD,
    ]

    result = CliRunner().invoke(
        app, ["init", "--db", str(db_path)], input="\n".join(answers) + "\n"
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Clinic name: {CLINIC}",
        "Timezone [America/Denver]: Mars/Olympus",
        "Timezone [America/Denver]: America/Chicago",
        "Admin username: boss",
        "Admin password: ",
        "Repeat the password: ",
        "Error: The two entered values do not match.",
        "Admin password: ",
        "Repeat the password: ",
        *created_lines(db_path),
    ]
    assert result.stderr.splitlines() == [BAD_ZONE]
    assert PASSWORD not in result.output  # hidden input is not echoed
    engine = make_engine(db_path)
    try:
        assert load_clinic(engine).zone.key == "America/Chicago"
        assert sign_in(engine, "boss", PASSWORD).role == Role.ADMIN
        with pytest.raises(SignInFailed):
            sign_in(engine, "boss", "first password")
    finally:
        engine.dispose()


def test_interactive_short_password_and_default_timezone(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/Denver")
    answers = [CLINIC, "", "boss", "short", "short", PASSWORD, PASSWORD]

    result = CliRunner().invoke(
        app, ["init", "--db", str(db_path)], input="\n".join(answers) + "\n"
    )

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["Password must be at least 8 characters"]
    assert result.stdout.splitlines()[-2:] == created_lines(db_path, timezone="America/Denver")
    engine = make_engine(db_path)
    try:
        assert load_clinic(engine).zone.key == "America/Denver"
        assert sign_in(engine, "boss", PASSWORD).username == "boss"
    finally:
        engine.dispose()


def test_invalid_timezone_option_exits_2_and_creates_nothing(db_path: Path) -> None:
    result = CliRunner().invoke(
        app, scripted(db_path, timezone="Mars/Olympus"), input=f"{PASSWORD}\n"
    )

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [BAD_ZONE]
    assert result.stdout == ""
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be at least 8 characters"),
        ("tab\there!!", "Password has a control character"),
    ],
)
def test_bad_password_exits_2_and_creates_nothing(
    db_path: Path, password: str, message: str
) -> None:
    result = CliRunner().invoke(app, scripted(db_path), input=f"{password}\n")

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [message]
    assert not db_path.exists()


def test_short_password_from_the_environment_exits_2(db_path: Path) -> None:
    args = [a for a in scripted(db_path) if a != "--password-stdin"]

    result = CliRunner().invoke(app, args, env={"FRONTDESK_ADMIN_PASSWORD": "short"})

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == ["Password must be at least 8 characters"]
    assert not db_path.exists()


def test_username_refused_late_leaves_no_half_made_database(db_path: Path) -> None:
    args = scripted(db_path)
    args[args.index("boss")] = "bad name!"

    result = CliRunner().invoke(app, args, input=f"{PASSWORD}\n")

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "Username may use letters, digits, dot, dash and underscore"
    ]
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith("clinic")) == []
    # so a corrected init can go ahead
    retry = CliRunner().invoke(app, scripted(db_path), input=f"{PASSWORD}\n")
    assert retry.exit_code == 0, retry.output
    assert staff_rows(db_path) == [("boss", "admin")]


@pytest.mark.parametrize("kind", ["clinic", "other file"])
def test_existing_database_is_refused_and_left_untouched(db_path: Path, kind: str) -> None:
    runner = CliRunner()
    if kind == "clinic":
        first = runner.invoke(app, scripted(db_path), input=f"{PASSWORD}\n")
        assert first.exit_code == 0, first.output
    else:
        db_path.write_bytes(b"not a database, but someone's file\n")
    before = db_path.read_bytes()
    siblings = sorted(p.name for p in db_path.parent.iterdir())

    result = runner.invoke(app, scripted(db_path, clinic="Other Clinic"), input=f"{PASSWORD}\n")

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"A database already exists at {db_path}; init never touches an existing one.",
        "Open it with `frontdesk`, or choose another path with --db.",
    ]
    assert result.stdout == ""
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings
