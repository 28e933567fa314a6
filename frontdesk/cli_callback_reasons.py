"""``frontdesk callbacks reasons``: show the callback reasons, or change one (a supervisor)."""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli_common import DbOption, UserOption, database, fail, say, supervisor


def _due_text(minutes: int) -> str:
    if minutes < 0:
        return "same day"
    if minutes % 1440 == 0:
        return f"{minutes // 1440} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def reasons_command(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = None,
    code: Annotated[
        str | None, typer.Option("--code", metavar="CODE", help="The reason to change.")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", metavar="TEXT")] = None,
    queue: Annotated[
        str | None, typer.Option("--queue", metavar="QUEUE", help="desk, nurse or supervisor.")
    ] = None,
    due_minutes: Annotated[
        int | None,
        typer.Option("--due-minutes", metavar="N", help="Minutes until due; -1 = the same day."),
    ] = None,
    priority: Annotated[
        int | None, typer.Option("--priority", metavar="1-3", help="1 high, 2 normal, 3 low.")
    ] = None,
    active: Annotated[
        bool | None, typer.Option("--on/--off", help="Offer the reason, or stop offering it.")
    ] = None,
) -> None:
    """Show the callback reasons; with --code and a change, change that reason."""
    from frontdesk.data.callback_reasons import all_reasons, update_reason

    changes = {
        "label": label,
        "queue": queue,
        "due_minutes": due_minutes,
        "priority": priority,
        "active": active,
    }
    wanted = {key: value for key, value in changes.items() if value is not None}
    if wanted and code is None:
        raise fail("Say which reason to change with --code (see the list without options).")
    with database(ctx, db) as engine:
        if code is not None:
            if not wanted:
                raise fail("Nothing to change: add --label, --queue, --due-minutes, ...")
            member = supervisor(engine, user, "change the callback reasons")
            update_reason(engine, code, by=member, **wanted)  # type: ignore[arg-type]
            say(f"Changed the reason {code}.")
        for reason, on in all_reasons(engine):
            kind = "automatic" if reason.automatic else ("on" if on else "off")
            print(
                f"{reason.code:<12} {reason.label:<24} {reason.queue:<10} "
                f"due {_due_text(reason.due_minutes):<9} priority {reason.priority}  {kind}"
            )
