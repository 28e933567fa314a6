"""Opening the app: ``frontdesk`` alone, ``--db``, ``FRONTDESK_DB``, and ``launch.prepare``."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import frontdesk
import frontdesk.app
from frontdesk.cli import app
from frontdesk.data import schema
from frontdesk.data.db import make_engine
from frontdesk.launch import Checked, prepare

NEWER = (
    "The database is at schema 9999, newer than this frontdesk knows. "
    "Install the newer frontdesk version."
)


def migrated(db: Path, revision: str = "head") -> Path:
    """A database file migrated to ``revision`` (``"base"``: the version table only)."""
    engine = make_engine(db)
    try:
        schema.upgrade(engine, revision)
    finally:
        engine.dispose()
    return db


def execute(db: Path, sql: str) -> None:
    """Change the file behind the data layer's back."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(sql)
    finally:
        conn.close()


def versions(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    finally:
        conn.close()


def no_database_lines(where: Path) -> list[str]:
    return [
        f"No clinic database at {where}.",
        "  Set one up:       frontdesk init",
        "  Or try the demo:  frontdesk demo",
        "  Or point at one:  frontdesk --db PATH (or set FRONTDESK_DB)",
    ]


# --- the command line ----------------------------------------------------------------------


def test_missing_database_names_init_and_demo(
    tmp_path: Path, launched: list[tuple[str, str]]
) -> None:
    missing = tmp_path / "nowhere.db"

    result = CliRunner().invoke(app, ["--db", str(missing)])

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == no_database_lines(missing)
    assert "frontdesk init" in result.stderr
    assert "frontdesk demo" in result.stderr
    assert launched == []
    assert not missing.exists()


def test_no_options_falls_back_to_the_user_data_dir(
    tmp_path: Path, launched: list[tuple[str, str]]
) -> None:
    result = CliRunner().invoke(app, [])

    assert result.exit_code == 1, result.output
    default = tmp_path / "xdg-data" / "frontdesk" / "frontdesk.db"
    assert result.stderr.splitlines() == no_database_lines(default)
    assert launched == []


def test_frontdesk_db_env_is_used_without_db(
    tmp_path: Path, launched: list[tuple[str, str]]
) -> None:
    db = migrated(tmp_path / "from-env.db")

    result = CliRunner().invoke(app, [], env={"FRONTDESK_DB": str(db)})

    assert result.exit_code == 0, result.output
    assert launched == [(str(db), "")]


def test_db_option_wins_over_the_env(tmp_path: Path, launched: list[tuple[str, str]]) -> None:
    db = migrated(tmp_path / "chosen.db")

    result = CliRunner().invoke(
        app, ["--db", str(db)], env={"FRONTDESK_DB": str(tmp_path / "other.db")}
    )

    assert result.exit_code == 0, result.output
    assert launched == [(str(db), "")]


def test_up_to_date_database_opens_quietly(db_path: Path, launched: list[tuple[str, str]]) -> None:
    migrated(db_path)
    db_path.chmod(0o644)

    result = CliRunner().invoke(app, ["--db", str(db_path)])

    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert launched == [(str(db_path), "")]
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600  # tightened on open


def test_sqlite_url_target_opens(db_path: Path, launched: list[tuple[str, str]]) -> None:
    migrated(db_path)
    url = f"sqlite:///{db_path}"

    result = CliRunner().invoke(app, ["--db", url])

    assert result.exit_code == 0, result.output
    assert launched == [(url, "")]


def test_newer_schema_is_refused(db_path: Path, launched: list[tuple[str, str]]) -> None:
    execute(migrated(db_path), "UPDATE alembic_version SET version_num = '9999'")

    result = CliRunner().invoke(app, ["--db", str(db_path)])

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [NEWER]
    assert launched == []
    assert versions(db_path) == ["9999"]


def test_older_schema_is_upgraded_and_the_app_told(
    db_path: Path, launched: list[tuple[str, str]]
) -> None:
    migrated(db_path, "base")
    message = f"Upgraded the database schema from base to {schema.head_revision()}."

    result = CliRunner().invoke(app, ["--db", str(db_path)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [message]
    assert launched == [(str(db_path), message)]
    assert versions(db_path) == [schema.head_revision()]


# --- launch.prepare --------------------------------------------------------------------------


def test_prepare_up_to_date(db_path: Path) -> None:
    assert prepare(str(migrated(db_path))) == Checked(0)


def test_prepare_missing_and_empty_files(db_path: Path) -> None:
    missing = prepare(str(db_path))
    assert missing == Checked(1, "\n".join(no_database_lines(db_path)))
    db_path.touch()
    assert prepare(str(db_path)) == Checked(1, "\n".join(no_database_lines(db_path)))
    assert db_path.read_bytes() == b""


@pytest.mark.parametrize("kind", ["text file", "another sqlite database"])
def test_prepare_refuses_a_file_that_is_not_frontdesk(db_path: Path, kind: str) -> None:
    if kind == "text file":
        db_path.write_bytes(b"name,phone\nJo Smith,555-0134\n" * 50)
    else:
        execute(db_path, "CREATE TABLE notes (body TEXT)")
    before = db_path.read_bytes()

    checked = prepare(str(db_path))

    assert checked == Checked(
        1, f"{db_path} is not a frontdesk database (no schema version in it)."
    )
    assert db_path.read_bytes() == before


def test_prepare_refuses_a_newer_schema(db_path: Path) -> None:
    execute(migrated(db_path), "UPDATE alembic_version SET version_num = '9999'")

    assert prepare(str(db_path)) == Checked(1, NEWER)


def test_prepare_upgrades_a_database_with_no_revision_yet(db_path: Path) -> None:
    """``upgrade(engine, "base")`` leaves an empty version table: a frontdesk file at base."""
    migrated(db_path, "base")
    assert versions(db_path) == []

    checked = prepare(str(db_path))

    head = schema.head_revision()
    assert checked == Checked(0, f"Upgraded the database schema from base to {head}.")
    engine = make_engine(db_path)
    try:
        assert schema.current_revision(engine) == head
        assert not schema.needs_upgrade(engine)
    finally:
        engine.dispose()
    assert prepare(str(db_path)) == Checked(0)  # a second open has nothing to do


def test_prepare_reports_a_failed_upgrade_and_changes_nothing(db_path: Path) -> None:
    """Tables present but the version row lost: the upgrade fails cleanly, no traceback."""
    execute(migrated(db_path), "DELETE FROM alembic_version")
    before = db_path.read_bytes()

    checked = prepare(str(db_path))

    assert checked.code == 1
    assert checked.message.startswith(
        f"Could not upgrade the database schema from base to {schema.head_revision()} (table "
    )
    assert checked.message.endswith("already exists); the database was not changed.")
    assert versions(db_path) == []
    assert db_path.read_bytes() == before


# --- version and help ------------------------------------------------------------------------


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"frontdesk {frontdesk.__version__}"]
    assert frontdesk.__version__ == "0.1.0"


def test_version_is_eager_and_never_opens(launched: list[tuple[str, str]]) -> None:
    result = CliRunner().invoke(app, ["--db", "/nonexistent/x.db", "--version"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["frontdesk 0.1.0"]
    assert launched == []


def section(help_text: str, title: str) -> list[str]:
    """The first word of each entry of a help section (up to the next blank line)."""
    lines = help_text.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return [line.split()[0] for line in lines[start:end]]


def test_help_lists_every_command(launched: list[tuple[str, str]]) -> None:
    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0, result.output
    assert sorted(section(result.stdout, "Commands:")) == [
        "callbacks",
        "close-day",
        "demo",
        "handoff",
        "init",
        "prep",
        "reopen-day",
        "settings",
        "setup",
    ]
    assert section(result.stdout, "Options:") == ["--db", "--version", "--help"]
    assert launched == []
