"""``frontdesk setup diff|apply|export|password`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import frontdesk.cli_common
from frontdesk.cli import app
from frontdesk.data.staff import sign_in
from tests.conftest import PASSWORD, Clinic
from tests.data.setup_helpers import FILE, rows, snapshot

pytestmark = pytest.mark.usefixtures("fast_hashing")


def run(
    clinic: Clinic,
    *args: str,
    user: str | None = "sam",
    password: str | None = PASSWORD,
    stdin: str | None = None,
    env: dict[str, str | None] | None = None,
) -> Result:
    """``frontdesk setup <args> --db <clinic> [--user]``, the password in the environment."""
    argv = ["setup", *args, "--db", str(clinic.engine.url.database)]
    if user is not None:
        argv += ["--user", user]
    values: dict[str, str | None] = {"FRONTDESK_PASSWORD": password, "FRONTDESK_USER": None}
    values |= env or {}
    return CliRunner().invoke(app, argv, env=values, input=stdin)


def write(tmp_path: Path, body: str, name: str = "clinic.toml") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_diff_prints_the_changes_and_changes_nothing(clinic: Clinic, tmp_path: Path) -> None:
    before = snapshot(clinic.engine)

    result = run(clinic, "diff", write(tmp_path, FILE), user=None, password=None)

    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[:2] == ["Clinic:", "  ~ clinic late_cancel_hours: 24 -> 48"]
    assert "  ~ provider Okafor: hours tue 08:00-17:00 -> 09:00-17:00" in out
    assert "  + staff dee (Dee Park, desk; no password yet)" in out
    assert snapshot(clinic.engine) == before


def test_apply_with_yes_applies_and_a_second_apply_has_no_changes(
    clinic: Clinic, tmp_path: Path
) -> None:
    path = write(tmp_path, FILE)
    planned = [line for line in run(clinic, "diff", path).stdout.splitlines() if line[:3] == "  +"]

    result = run(clinic, "apply", path, "--yes")
    again = run(clinic, "apply", path, "--yes")

    assert result.exit_code == 0, result.output
    assert all(line in result.stdout.splitlines() for line in planned)
    assert f"Applied 10 changes from {path}." in result.stderr
    assert "frontdesk setup password USERNAME" in result.stderr
    assert rows(clinic.engine, "SELECT short_name FROM provider ORDER BY id")[-1] == ("Nguyen",)
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout
    assert len(rows(clinic.engine, "SELECT id FROM audit_event WHERE action = 'setup.apply'")) == 1


def test_a_file_with_problems_exits_1_listing_each_with_its_line(
    clinic: Clinic, tmp_path: Path
) -> None:
    body = FILE.replace("minutes = 20", "minutes = 0").replace('name = "Dee Park"', 'nam = "D"')
    path = write(tmp_path, body)
    before = snapshot(clinic.engine)

    result = run(clinic, "apply", path, "--yes")

    assert result.exit_code == 1, result.output
    lines = body.splitlines()
    minutes = lines.index("minutes = 0") + 1
    nam = lines.index('nam = "D"') + 1
    assert result.stderr.splitlines() == [
        f'{path} line {minutes}: type "Follow-up" minutes: 0 is not between 5 and 480',
        f'{path} line {nam}: staff "dee": unknown key "nam"; did you mean "name"?',
        f"{path}: 2 problems; nothing was applied.",
    ]
    assert result.stdout == ""
    assert snapshot(clinic.engine) == before


def test_a_syntax_error_exits_1_with_its_line(clinic: Clinic, tmp_path: Path) -> None:
    path = write(tmp_path, FILE.replace("[[type]]", "[[type]"))

    result = run(clinic, "diff", path, user=None)

    line = FILE.splitlines().index("[[type]]") + 1
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"{path} line {line}: ")


def test_a_desk_clerk_is_refused_and_nothing_is_applied(clinic: Clinic, tmp_path: Path) -> None:
    before = snapshot(clinic.engine)

    result = run(clinic, "apply", write(tmp_path, FILE), "--yes", user="ana")

    assert result.exit_code == 2, result.output
    assert "ana is not a supervisor; only a supervisor can apply a set-up file." in result.stderr
    after = snapshot(clinic.engine)
    assert {k: v for k, v in after.items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
    assert [a for a in after["audit_event"] if a[1] == "setup.apply"] == []


def test_apply_off_a_terminal_needs_yes(clinic: Clinic, tmp_path: Path) -> None:
    result = run(clinic, "apply", write(tmp_path, FILE))

    assert result.exit_code == 2, result.output
    assert "add --yes" in result.stderr
    assert rows(clinic.engine, "SELECT COUNT(*) FROM provider") == [(2,)]


@pytest.mark.parametrize(("answer", "code", "providers"), [("n\n", 1, 2), ("y\n", 0, 3)])
def test_apply_on_a_terminal_asks_first(
    clinic: Clinic,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
    providers: int,
) -> None:
    monkeypatch.setattr(frontdesk.cli_common, "is_terminal", lambda: True)

    result = run(clinic, "apply", write(tmp_path, FILE), stdin=answer)

    assert result.exit_code == code, result.output
    assert "Apply these 10 changes?" in result.stderr
    assert rows(clinic.engine, "SELECT COUNT(*) FROM provider") == [(providers,)]


def test_export_then_diff_shows_no_changes(clinic: Clinic, tmp_path: Path) -> None:
    assert run(clinic, "apply", write(tmp_path, FILE), "--yes").exit_code == 0
    out = tmp_path / "exported.toml"

    exported = run(clinic, "export", "--output", str(out), user=None, password=None)
    printed = run(clinic, "export", user=None, password=None)
    diff = run(clinic, "diff", str(out), user=None, password=None)

    assert exported.exit_code == 0, exported.output
    assert f"Wrote the clinic set-up to {out}." in exported.stderr
    assert printed.stdout == out.read_text(encoding="utf-8")
    assert 'short_name = "Nguyen"' in printed.stdout
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.splitlines() == ["No changes."]


def test_a_missing_file_is_bad_usage(clinic: Clinic, tmp_path: Path) -> None:
    result = run(clinic, "diff", str(tmp_path / "nope.toml"), user=None)

    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'nope.toml'}: no such file." in result.stderr


def test_a_new_account_gets_its_first_password(clinic: Clinic, tmp_path: Path) -> None:
    assert run(clinic, "apply", write(tmp_path, FILE), "--yes").exit_code == 0

    result = run(clinic, "password", "dee", env={"FRONTDESK_NEW_PASSWORD": "dee's own password"})
    again = run(clinic, "password", "dee", env={"FRONTDESK_NEW_PASSWORD": "another password"})

    assert result.exit_code == 0, result.output
    assert "dee can sign in now." in result.stderr
    assert sign_in(clinic.engine, "dee", "dee's own password").username == "dee"
    assert again.exit_code == 2, again.output
    assert "dee already has a password" in again.stderr
