"""``frontdesk setup apply|diff|export|password``: the clinic's set-up as a file.

The set-up (providers and their hours, visit types, holidays, blockouts and
staff accounts) lives in a TOML file a supervisor can keep, review and apply
(``docs/SETUP.md``). This module is the ``setup`` command group, registered by
:mod:`frontdesk.cli`; the work is done by :mod:`frontdesk.data.setup_apply`.

Exit codes, as in :mod:`frontdesk.cli_common`: 0 done (or nothing to change);
1 not applied: the file has problems, you answered no, the set-up changed
meanwhile, the database refused or was busy; 2 bad usage: no such file, no
database, sign-in failed, not a supervisor, ``--yes`` needed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from frontdesk import cli_common
from frontdesk.cli_common import NOT_CLOSED, DbOption, UserOption, database, fail, say, supervisor

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.setup_apply import SetupDiff
    from frontdesk.data.setup_file import SetupFile

NOT_APPLIED = NOT_CLOSED  # 1
NEW_PASSWORD_ENV = "FRONTDESK_NEW_PASSWORD"

setup_app = typer.Typer(
    name="setup",
    help="The clinic's set-up as a file: providers, hours, visit types, holidays, "
    "blockouts and staff. Compare it (diff), apply it, or export the current one.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

FileArgument = Annotated[
    Path, typer.Argument(metavar="FILE", help="The clinic set-up file (TOML, see docs/SETUP.md).")
]


def _read_text(path: Path) -> str:
    """The file's text; a missing or unreadable file is bad usage (2), nothing applied."""
    try:
        return path.expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise fail(f"{path}: this is not UTF-8 text; save it as UTF-8.", NOT_APPLIED) from None
    except OSError as error:
        raise fail(f"{path}: cannot read it ({error.strerror}).") from None


@contextmanager
def _file_problems(path: Path) -> Iterator[None]:
    """A file with problems: each on its own line on standard error, exit 1."""
    from frontdesk.data.setup_file import SetupInvalid

    try:
        yield
    except SetupInvalid as error:
        for problem in error.problems:
            say(problem)
        count = len(error.problems)
        say(f"{path}: {count} problem{'' if count == 1 else 's'}; nothing was applied.")
        raise typer.Exit(NOT_APPLIED) from None


def _load(engine: Engine, path: Path, text: str) -> SetupFile:
    from frontdesk.data.setup_apply import read_setup

    with _file_problems(path):
        return read_setup(engine, text, str(path))


def _show(diff: SetupDiff) -> bool:
    """Print the differences (or "No changes."); whether there are any."""
    for line in diff.lines():
        print(line)
    if not diff.changes:
        print("No changes.")
    return bool(diff.changes)


@setup_app.command("diff")
def diff_command(ctx: typer.Context, file: FileArgument, db: DbOption = None) -> None:
    """Show what `setup apply FILE` would change (nothing is changed)."""
    from frontdesk.data.setup_apply import diff_setup

    text = _read_text(file)
    with database(ctx, db) as engine:
        setup = _load(engine, file, text)
        with _file_problems(file):
            diff = diff_setup(engine, setup)
    _show(diff)


@setup_app.command("apply")
def apply_command(
    ctx: typer.Context,
    file: FileArgument,
    db: DbOption = None,
    user: UserOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Apply without asking (needed when not on a terminal).")
    ] = False,
) -> None:
    """Apply a set-up file (a supervisor): all of it in one step, or nothing."""
    from frontdesk.data.errors import StaleRecord
    from frontdesk.data.setup_apply import apply_setup, diff_setup

    text = _read_text(file)
    with database(ctx, db) as engine:
        setup = _load(engine, file, text)
        member = supervisor(engine, user, "apply a set-up file")
        with _file_problems(file):
            diff = diff_setup(engine, setup)
        if not _show(diff):
            return
        count = len(diff.changes)
        noun = f"{count} change{'' if count == 1 else 's'}"
        if not yes:
            if not cli_common.is_terminal():
                raise fail(
                    "Not on a terminal, so there is no one to confirm: add --yes to apply "
                    "without a question."
                )
            if not typer.confirm(f"Apply these {noun}?", err=True):
                raise fail("Nothing was applied.", NOT_APPLIED)
        try:
            with _file_problems(file):
                apply_setup(engine, setup, by=member, expected=diff.changes)
        except StaleRecord as error:
            raise fail(error.message, NOT_APPLIED) from None
    say(f"Applied {noun} from {file}.")
    new_staff = [c for c in diff.changes if c.area == "staff" and c.sign == "+"]
    if new_staff:
        say(
            "New accounts cannot sign in until a supervisor gives them a password: "
            "frontdesk setup password USERNAME"
        )


@setup_app.command("export")
def export_command(
    ctx: typer.Context,
    db: DbOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (else standard output)."
        ),
    ] = None,
) -> None:
    """Write the current set-up as a set-up file (it holds no patient data)."""
    from frontdesk.data.setup_apply import export_setup
    from frontdesk.data.setup_file import SetupInvalid, parse_setup
    from frontdesk.data.setup_render import render_setup

    with database(ctx, db) as engine:
        text = render_setup(export_setup(engine))
    try:
        parse_setup(text, str(output or "export"))
    except SetupInvalid as error:  # the database holds something the file rules refuse
        say("Warning: the exported file will need fixing before it can be applied:")
        for problem in error.problems:
            say(f"  {problem}")
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise fail(f"--output {output}: cannot write it ({error.strerror}).") from None
    say(f"Wrote the clinic set-up to {output}.")


@setup_app.command("password")
def password_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The new account.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Give an account added by a set-up file its first password (a supervisor).

    The new password comes from FRONTDESK_NEW_PASSWORD if set, else it is asked
    for twice on the terminal.
    """
    from frontdesk.data.setup_staff import set_first_password

    with database(ctx, db) as engine:
        member = supervisor(engine, user, "set a password")
        password = os.environ.get(NEW_PASSWORD_ENV) or None
        if password is None:
            if not cli_common.is_terminal():
                raise fail(f"No new password: set {NEW_PASSWORD_ENV} or run this on a terminal.")
            password = str(
                typer.prompt(
                    f"New password for {username}",
                    hide_input=True,
                    confirmation_prompt="Repeat the password",
                    err=True,
                )
            )
        account = set_first_password(engine, username=username, password=password, by=member)
    say(f"{account.username} can sign in now.")
