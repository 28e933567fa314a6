"""``frontdesk settings``: show the clinic's desk settings, or change them (a supervisor).

Registered on the Typer app by :mod:`frontdesk.cli`; exit codes as in
:mod:`frontdesk.cli_common`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from frontdesk.cli_common import DbOption, UserOption, database, dollars, fail, say, supervisor

if TYPE_CHECKING:
    from frontdesk.data.clinic import Clinic


def _settings_lines(clinic: Clinic) -> list[str]:
    from frontdesk.money import plain_cents

    return [
        f"Clinic:              {clinic.name} ({clinic.zone.key})",
        f"Denominations:       {','.join(dollars(d) for d in clinic.denominations)}",
        f"Max payment:         {plain_cents(clinic.max_payment_cents)}",
        f"Variance tolerance:  {plain_cents(clinic.variance_tolerance_cents)}",
        f"Print command:       {clinic.print_command or '(none)'}",
    ]


def _amount_option(option: str, text: str, *, allow_zero: bool) -> int:
    from frontdesk.money import InvalidAmount, parse_cents

    try:
        return parse_cents(text, allow_zero=allow_zero)
    except InvalidAmount as error:
        raise fail(f"{option} {text}: {error}") from None


def parse_denominations_option(text: str) -> str:
    """``"100,20,0.25"`` (dollars) -> ``"10000,2000,25"`` (cents), each checked."""
    cents: list[int] = []
    for part in text.split(","):
        value = _amount_option("--denominations", part.strip(), allow_zero=False)
        if value in cents:
            raise fail(f"--denominations: {part.strip()} is listed twice.")
        cents.append(value)
    return ",".join(str(c) for c in sorted(cents, reverse=True))


def settings_command(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = None,
    print_command: Annotated[
        str | None,
        typer.Option(
            "--print-command",
            metavar="COMMAND",
            help='Receipt printer command, e.g. "lp -d receipt".',
        ),
    ] = None,
    max_payment: Annotated[
        str | None, typer.Option("--max-payment", metavar="DOLLARS", help="e.g. 2000.00")
    ] = None,
    variance_tolerance: Annotated[
        str | None,
        typer.Option(
            "--variance-tolerance", metavar="DOLLARS", help="Drawer over/short allowed, e.g. 1.00"
        ),
    ] = None,
    denominations: Annotated[
        str | None,
        typer.Option(
            "--denominations", metavar="LIST", help="Bills and coins in dollars, e.g. 100,20,0.25"
        ),
    ] = None,
) -> None:
    """Show the clinic's desk settings; with options, change them (a supervisor)."""
    changes: dict[str, str | int] = {}
    if max_payment is not None:
        changes["max_payment_cents"] = _amount_option(
            "--max-payment", max_payment, allow_zero=False
        )
    if variance_tolerance is not None:
        changes["variance_tolerance_cents"] = _amount_option(
            "--variance-tolerance", variance_tolerance, allow_zero=True
        )
    if denominations is not None:
        changes["denominations"] = parse_denominations_option(denominations)
    if print_command is not None:
        from frontdesk.data.errors import InvalidInput
        from frontdesk.data.validation import clean_text

        try:
            changes["print_command"] = clean_text(
                print_command, field="print_command", label="--print-command", max_len=200
            )
        except InvalidInput as error:
            raise fail(error.message) from None
    from frontdesk.data.clinic import load_clinic, update_settings

    with database(ctx, db) as engine:
        if not changes:
            print("\n".join(_settings_lines(load_clinic(engine))))
            return
        member = supervisor(engine, user, "change the clinic's settings")
        before = _settings_lines(load_clinic(engine))
        after = _settings_lines(update_settings(engine, by=member, **changes))
        for old, new in zip(before, after, strict=True):
            if old != new:
                label, _, value = old.partition(":")
                say(f"Changed {label.lower()}: {value.strip()} -> {new.partition(':')[2].strip()}")
        print("\n".join(after))
