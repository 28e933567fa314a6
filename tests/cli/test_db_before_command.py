"""``frontdesk --db PATH <command>`` uses PATH, as ``<command> --db PATH`` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk.cli import app

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_init_uses_the_db_given_before_the_command(tmp_path: Path) -> None:
    target = tmp_path / "given.db"
    default = tmp_path / "xdg-data" / "frontdesk" / "frontdesk.db"  # XDG_DATA_HOME from conftest

    result = CliRunner().invoke(
        app,
        ["--db", str(target), "init", "--clinic", "Real", "--timezone", "UTC", "--admin", "boss"],
        env={"FRONTDESK_ADMIN_PASSWORD": "correct horse battery"},
    )

    assert result.exit_code == 0, result.output
    assert target.exists()
    assert not default.exists()
    assert f"Open the app with: frontdesk --db {target}" in result.stdout


def test_the_db_after_the_command_wins(tmp_path: Path) -> None:
    before, after = tmp_path / "before.db", tmp_path / "after.db"

    result = CliRunner().invoke(
        app,
        ["--db", str(before), "settings", "--db", str(after)],
    )

    assert result.exit_code == 2, result.output
    assert f"No clinic database at {after}." in result.stderr
