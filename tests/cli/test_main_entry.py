"""``python -m frontdesk``: plain opens skip the command-line machinery."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import frontdesk
import frontdesk.launch
from frontdesk.__main__ import _plain_open, main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ""),
        (["--db", "clinic.db"], "clinic.db"),
        (["--db=clinic.db"], "clinic.db"),
        (["--db", "sqlite:////srv/a b.db"], "sqlite:////srv/a b.db"),
        (["--db="], ""),
        (["--db"], None),
        (["--db", "clinic.db", "init"], None),
        (["--db=clinic.db", "demo"], None),
        (["init"], None),
        (["demo", "--no-launch"], None),
        (["--version"], None),
        (["--help"], None),
        (["--dbx", "clinic.db"], None),
        (["clinic.db"], None),
    ],
)
def test_plain_open(argv: list[str], expected: str | None) -> None:
    assert _plain_open(argv) == expected


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the targets main() opens; each open 'exits' with 7."""
    calls: list[str] = []

    def fake_open_app(target: str) -> int:
        calls.append(target)
        return 7

    monkeypatch.setattr(frontdesk.launch, "open_app", fake_open_app)
    return calls


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["--db", "a.db"], None, "a.db"),
        (["--db=b.db"], "env.db", "b.db"),
        ([], "env.db", "env.db"),
        (["--db="], "env.db", "env.db"),
    ],
)
def test_main_opens_the_resolved_target(
    monkeypatch: pytest.MonkeyPatch,
    opened: list[str],
    argv: list[str],
    env: str | None,
    expected: str,
) -> None:
    if env is not None:
        monkeypatch.setenv("FRONTDESK_DB", env)
    monkeypatch.setattr(sys, "argv", ["frontdesk", *argv])

    with pytest.raises(SystemExit) as exit_info:
        main()

    assert exit_info.value.code == 7
    assert opened == [expected]


def test_main_without_anything_opens_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, opened: list[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "argv", ["frontdesk"])

    with pytest.raises(SystemExit) as exit_info:
        main()

    assert exit_info.value.code == 7
    assert opened == [str(tmp_path / "xdg-data" / "frontdesk" / "frontdesk.db")]


# --- in a fresh interpreter ---------------------------------------------------------------


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this venv's Python with the test's (isolated) environment."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # conftest points HOME/XDG_DATA_HOME into tmp_path
        timeout=60,
        check=False,
    )


def missing_lines(where: Path) -> list[str]:
    return [
        f"No clinic database at {where}.",
        "  Set one up:       frontdesk init",
        "  Or try the demo:  frontdesk demo",
        "  Or point at one:  frontdesk --db PATH (or set FRONTDESK_DB)",
    ]


@pytest.mark.parametrize("form", ["--db PATH", "--db=PATH"])
def test_module_run_with_missing_db_exits_1_with_the_message(tmp_path: Path, form: str) -> None:
    missing = tmp_path / "missing.db"
    args = ["--db", str(missing)] if form == "--db PATH" else [f"--db={missing}"]

    proc = run_python("-X", "importtime", "-m", "frontdesk", *args)

    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    message = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    assert message == missing_lines(missing)
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "frontdesk.launch" in imported  # the import log is really there
    assert not {"typer", "textual", "sqlalchemy", "alembic"} & imported
    assert not missing.exists()


def test_plain_open_never_loads_typer(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    script = tmp_path / "wrapper.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.argv = ["frontdesk", "--db", {str(missing)!r}]
            from frontdesk.__main__ import main
            try:
                main()
            except SystemExit as exit:
                heavy = ("typer", "textual", "sqlalchemy", "alembic", "frontdesk.cli")
                print(exit.code, sorted(m for m in heavy if m in sys.modules))
            """
        )
    )

    proc = run_python(str(script))

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["1 []"]
    assert proc.stderr.splitlines() == missing_lines(missing)


def test_anything_else_goes_to_the_cli() -> None:
    proc = run_python("-m", "frontdesk", "--version")

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"frontdesk {frontdesk.__version__}"]
