"""The command line: set-up (init, demo), opening the app, the supervisor's
commands (close-day, reopen-day: see :mod:`frontdesk.cli_closeday`; settings: see
:mod:`frontdesk.cli_settings`), and the callbacks queue (callbacks list|add,
handoff: see :mod:`frontdesk.cli_callbacks`).

Every command calls the same data-layer functions the app uses. ``--db`` may be
given before the command (``frontdesk --db X close-day``) or after it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from frontdesk import __version__
from frontdesk.cli_callbacks import callbacks_app
from frontdesk.cli_callbacks_show import handoff_command
from frontdesk.cli_closeday import close_day_command, reopen_day_command
from frontdesk.cli_common import root_db
from frontdesk.cli_prep import prep_command
from frontdesk.cli_settings import settings_command
from frontdesk.cli_setup import setup_app
from frontdesk.config import default_demo_path, resolve_db, secure_file, sqlite_file

app = typer.Typer(
    name="frontdesk",
    help="A keyboard-first front desk for clinics. With no command, opens the app.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database path or URL (else FRONTDESK_DB, else the user data dir)."),
]
PASSWORD_ENV = "FRONTDESK_ADMIN_PASSWORD"


def _version(value: bool) -> None:
    if value:
        print(f"frontdesk {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: DbOption = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Open the app on the configured database when no command is given."""
    del version
    if ctx.invoked_subcommand is not None:
        return
    from frontdesk.launch import open_app

    raise typer.Exit(open_app(resolve_db(db)))


def _fail(message: str, code: int = 1) -> typer.Exit:
    print(message, file=sys.stderr)
    return typer.Exit(code)


def _exists(target: str) -> bool:
    path = sqlite_file(target)
    if path is not None:
        return path.exists() and path.stat().st_size > 0
    from frontdesk.data import schema
    from frontdesk.data.db import make_engine

    engine = make_engine(target)
    try:
        return schema.has_schema(engine)
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return os.environ.get(PASSWORD_ENV)


@app.command()
def init(
    ctx: typer.Context,
    db: DbOption = None,
    clinic: Annotated[str | None, typer.Option(help="Clinic name.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA timezone, e.g. America/Chicago.")
    ] = None,
    admin: Annotated[str | None, typer.Option(help="First admin's username.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help=f"Read the admin password from standard input (or set {PASSWORD_ENV}).",
        ),
    ] = False,
) -> None:
    """Create a new clinic database: schema, clinic settings and the first admin."""
    from frontdesk.data import schema
    from frontdesk.data.clinic import create_settings, local_timezone_name, parse_timezone
    from frontdesk.data.db import make_engine, write_session
    from frontdesk.data.errors import InvalidInput
    from frontdesk.data.models import Role
    from frontdesk.data.staff import check_password, create_staff
    from frontdesk.data.validation import clean_text

    target = resolve_db(db or root_db(ctx))
    if _exists(target):
        raise _fail(
            f"A database already exists at {target}; init never touches an existing one.\n"
            "Open it with `frontdesk`, or choose another path with --db."
        )

    def ask(value: str | None, prompt: str, check: object, default: str | None = None) -> str:
        assert callable(check)
        while True:
            text = value if value is not None else typer.prompt(prompt, default=default)
            try:
                check(text)
                return str(text)
            except InvalidInput as error:
                if value is not None:
                    raise _fail(f"{error.message}", 2) from None
                print(error.message, file=sys.stderr)

    name = ask(
        clinic,
        "Clinic name",
        lambda t: clean_text(t, field="clinic", label="Clinic name", required=True, max_len=80),
    )
    zone = ask(timezone, "Timezone", parse_timezone, default=local_timezone_name())
    username = ask(
        admin,
        "Admin username",
        lambda t: clean_text(t, field="username", label="Username", required=True, max_len=32),
    )
    password = _read_password(password_stdin)
    if password is None:
        while True:
            password = typer.prompt(
                "Admin password", hide_input=True, confirmation_prompt="Repeat the password"
            )
            try:
                check_password(password)
                break
            except InvalidInput as error:
                print(error.message, file=sys.stderr)
    else:
        try:
            check_password(password)
        except InvalidInput as error:
            raise _fail(error.message, 2) from None

    path = sqlite_file(target)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(target)
    try:
        schema.upgrade(engine)
        with write_session(engine) as session:
            create_settings(session, name=name, timezone=zone)
            create_staff(session, username=username, password=password, role=Role.ADMIN)
    except InvalidInput as error:
        engine.dispose()
        if path is not None:  # absent or empty before: leave no half-made clinic behind
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        raise _fail(error.message, 2) from None
    finally:
        engine.dispose()
    if path is not None:
        secure_file(path)
    print(f"Created {name} at {target} (timezone {zone}).")
    print(
        f"Sign in as {username}. Open the app with: frontdesk --db {target}"
        if db or root_db(ctx)
        else f"Sign in as {username}. Open the app with: frontdesk"
    )


@app.command()
def demo(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="Where to keep the demo clinic.")] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Throw away and rebuild the demo.")
    ] = False,
    no_launch: Annotated[
        bool, typer.Option("--no-launch", help="Build (or reuse) it, but do not open the app.")
    ] = False,
    size: Annotated[
        str,
        typer.Option(
            "--size",
            metavar="[small|large]",
            help="small: ~2,000 patients, built in seconds. large: a million patients, five "
            "years of 20 providers and a million payments (a few minutes, over 1 GB; kept "
            "apart from the small one, in demo-large.db).",
        ),
    ] = "small",
) -> None:
    """Open a demo clinic for today: providers, appointments, patients (see --size)."""
    from sqlalchemy.exc import DatabaseError

    from frontdesk.data import schema
    from frontdesk.data.clinic import load_clinic, local_timezone_name
    from frontdesk.data.db import make_engine
    from frontdesk.data.demo import DEMO_ACCOUNTS, build_demo
    from frontdesk.data.errors import SetupError
    from frontdesk.launch import open_app

    size = size.strip().lower()
    if size not in ("small", "large"):
        raise _fail(f"--size is small or large, not {size}.", 2)
    given = root_db(ctx)
    default = default_demo_path()
    if size == "large":
        default = default.with_name("demo-large.db")
    path = (db or (Path(given) if given else None) or default).expanduser()
    if path.exists() and path.stat().st_size > 0:  # checked before --reset deletes anything
        engine = make_engine(path)
        try:
            is_demo = schema.has_schema(engine) and load_clinic(engine).is_demo
        except (SetupError, DatabaseError):
            is_demo = False
        finally:
            engine.dispose()
        if not is_demo:
            raise _fail(f"{path} is not a demo clinic; demo never changes a real one.")
        if reset:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    if path.exists() and path.stat().st_size > 0:
        print(f"Reusing the demo clinic at {path} (--reset rebuilds it for today).")
    elif size == "large":
        import time

        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskID,
            TextColumn,
            TimeElapsedColumn,
        )

        from frontdesk.data import demo_large

        # No refresh thread (auto_refresh=False): the builder forks worker processes, so
        # the bar is redrawn from the progress callback, at most ten times a second.
        bar = Progress(
            TextColumn("{task.description:<38}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            auto_refresh=False,
        )
        tasks: dict[str, TaskID] = {}
        drawn = [0.0]

        def show(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)
            now = time.monotonic()
            if done >= total or now - drawn[0] >= 0.1:
                drawn[0] = now
                bar.refresh()

        path.parent.mkdir(parents=True, exist_ok=True)
        with bar:
            large = demo_large.build_large(
                path, timezone=local_timezone_name(), spec=demo_large.LARGE, progress=show
            )
        secure_file(path)
        print(
            f"Built a large demo clinic at {path}: {large.patients:,} patients, "
            f"{large.appointments_today} appointments today, {large.payments:,} payments "
            f"({large.size_bytes / 1e6:,.0f} MB in {large.seconds:.0f} s)."
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(path)
        try:
            schema.upgrade(engine)
            summary = build_demo(engine, timezone=local_timezone_name())
        finally:
            engine.dispose()
        secure_file(path)
        print(
            f"Built a demo clinic at {path}: {summary.patients:,} patients, "
            f"{summary.appointments_today} appointments today."
        )
    print("Sign in with:")
    for account in DEMO_ACCOUNTS:
        print(f"  {account.username:<8} password {account.password:<14} ({account.role.value})")
    if not no_launch:
        raise typer.Exit(open_app(str(path)))


app.command("close-day")(close_day_command)
app.command("reopen-day")(reopen_day_command)
app.command("settings")(settings_command)
app.add_typer(callbacks_app)
app.command("handoff")(handoff_command)
app.command("prep")(prep_command)
app.add_typer(setup_app)
