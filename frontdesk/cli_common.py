"""What the CLI's commands share: the database, the sign-in, and the console.

Used by :mod:`frontdesk.cli_closeday`, :mod:`frontdesk.cli_counts`,
:mod:`frontdesk.cli_settings` and the callbacks commands
(:mod:`frontdesk.cli_callbacks`). Exit codes:

- 0: done (closed, already closed, reopened, settings shown or changed);
- 1: not closed: blockers remain, you answered no, or the database was busy;
- 2: bad input: date, counts file, options, sign-in, role, or no database.

Human messages go to standard error; standard output carries only the
report (Rich, or JSON with ``--json``) and the settings, so both can be piped.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.staff import StaffMember

USER_ENV = "FRONTDESK_USER"
PASSWORD_ENV = "FRONTDESK_PASSWORD"
NOT_CLOSED = 1
BAD_INPUT = 2
REPORT_WIDTH = 80

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="Database path or URL (else FRONTDESK_DB, else the user data dir).",
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar=USER_ENV,
        metavar="NAME",
        help=f"The supervisor signing in. The password comes from {PASSWORD_ENV} if set, "
        "else it is asked for.",
    ),
]


def say(message: str) -> None:
    print(message, file=sys.stderr)


def fail(message: str, code: int = BAD_INPUT) -> typer.Exit:
    say(message)
    return typer.Exit(code)


def is_terminal() -> bool:
    """Whether someone is at a keyboard.

    Tests replace this on this module, so other modules call it as
    ``cli_common.is_terminal()``, never through an imported name.
    """
    return sys.stdin.isatty()


def ask(text: str, *, hide: bool = False, default: str | None = None) -> str:
    suffix = " " if text.endswith("?") else ": "
    answer = typer.prompt(
        text,
        default=default,
        hide_input=hide,
        show_default=False,
        err=True,
        prompt_suffix=suffix,
    )
    return str(answer)


def list_blockers(head: str, items: list[str]) -> None:
    say(head)
    for item in items:
        say(f"  - {item}")


def console(file: Any) -> Any:
    """A Rich console on ``file``, at most :data:`REPORT_WIDTH` wide (Rich imported here)."""
    from rich.console import Console

    width = min(Console(file=file).width, REPORT_WIDTH)
    return Console(file=file, width=width, highlight=False, markup=False, emoji=False)


def dollars(cents: int) -> str:
    """``2000`` -> ``"20"``, ``25`` -> ``"0.25"``: a denomination as the CLI takes it."""
    whole, frac = divmod(cents, 100)
    return str(whole) if frac == 0 else f"{whole}.{frac:02d}"


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` and nothing else."""
    raw = text.strip()
    try:
        if _ISO_DAY.fullmatch(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise fail(f"--date: {raw or 'an empty value'} is not a date; use YYYY-MM-DD, like 2026-11-24.")


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the data layer's refusals into a message and an exit code."""
    from sqlalchemy.exc import DBAPIError

    from frontdesk.data.errors import DatabaseBusy, DayBlocked, FrontDeskError

    try:
        yield
    except typer.Abort:
        raise fail("Stopped; nothing more was saved.", NOT_CLOSED) from None
    except DayBlocked as error:
        list_blockers(error.message, [str(getattr(b, "text", b)) for b in error.blockers])
        raise typer.Exit(NOT_CLOSED) from None
    except DatabaseBusy as error:
        raise fail(error.message, NOT_CLOSED) from None
    except FrontDeskError as error:
        raise fail(error.message, BAD_INPUT) from None
    except DBAPIError as error:  # the driver's words only: no statement or parameters
        raise fail(f"The database refused: {error.orig}", NOT_CLOSED) from None


def root_db(ctx: typer.Context) -> str | None:
    """``frontdesk --db X <command>``: the --db given before the command."""
    value = ctx.find_root().params.get("db")
    return str(value) if value else None


@contextmanager
def database(ctx: typer.Context, db: str | None) -> Iterator[Engine]:
    """An engine on an existing clinic database (upgraded first if older)."""
    from frontdesk.config import resolve_db
    from frontdesk.data.db import make_engine
    from frontdesk.launch import prepare

    target = resolve_db(db or root_db(ctx))
    checked = prepare(target)
    if checked.code:
        raise fail(checked.message)
    if checked.message:
        say(checked.message)
    engine = make_engine(target)
    try:
        with _errors():
            yield engine
    finally:
        engine.dispose()


def sign_in_as(engine: Engine, name: str) -> StaffMember:
    """Sign ``name`` in (audited as ``cli``), any role.

    The password comes from ``FRONTDESK_PASSWORD``; else it is asked for, hidden,
    on a terminal; else it is the first line piped in.
    """
    from frontdesk.data.staff import sign_in

    password = os.environ.get(PASSWORD_ENV) or None
    if password is None:
        if is_terminal():
            password = ask(f"Password for {name}", hide=True)
        else:  # a script piping the password in
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise fail(
                    f"No password: set {PASSWORD_ENV}, pipe it in, or run this on a terminal."
                )
    return sign_in(engine, name, password, purpose="cli")


def supervisor(engine: Engine, user: str | None, what: str) -> StaffMember:
    """Sign in (as :func:`sign_in_as`); refuse anyone who is not a supervisor."""
    name = (user or "").strip()
    if not name:
        if not is_terminal():
            raise fail(f"Name the supervisor with --user NAME (or set {USER_ENV}).")
        name = ask("Supervisor username").strip()
    member = sign_in_as(engine, name)
    if not member.is_supervisor:
        raise fail(f"{member.username} is not a supervisor; only a supervisor can {what}.")
    return member
