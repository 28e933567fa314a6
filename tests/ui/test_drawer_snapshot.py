"""Snapshots of the cash drawer at 80x24, seeded payments, clock frozen at 10:00.

Review the report before `pytest --snapshot-update`: a snapshot is a record of
what the clerk sees, checked by eye once and then kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk import clock
from frontdesk.data.drawer import open_drawer
from frontdesk.data.models import Entry, PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.data.reversals import ReversalRequest, reverse
from frontdesk.screens.drawer import DrawerScreen
from tests.conftest import NOW, PASSWORD, Clinic
from tests.ui.conftest import make_app, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")

FLOAT = {2000: "5", 1000: "5", 500: "4", 100: "10"}


def _seed(clinic: Clinic) -> tuple[int, int]:
    """A morning's drawer: a cash copay later voided, a card payment, a check; Smith owes."""
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    nunez = clinic.add_patient("Núñez", "María")
    obrien = clinic.add_patient("O'Brien", "Seán", balance_cents=3500)
    marked = clinic.add_patient("[red]x[/]", "Bob")
    smith = clinic.add_patient("Smith", "Jo", balance_cents=4000)
    appt = clinic.book(smith, 10, 30, copay_due_cents=2500)
    with clock.freeze(NOW - timedelta(minutes=89)):
        take_payment(
            clinic.engine,
            PaymentRequest(nunez, "20", PaymentKind.OTHER, tendered="20"),
            staff=clinic.desk,
        )
    with clock.freeze(NOW - timedelta(minutes=74)):
        take_payment(
            clinic.engine,
            PaymentRequest(
                obrien, "35", PaymentKind.PAST_DUE, Tender.CARD, card_last4="4242", card_auth="7731"
            ),
            staff=clinic.desk,
        )
    with clock.freeze(NOW - timedelta(minutes=30)):
        take_payment(
            clinic.engine,
            PaymentRequest(marked, "15", PaymentKind.OTHER, Tender.CHECK, check_number="1042"),
            staff=clinic.desk,
        )
        reverse(
            clinic.engine,
            ReversalRequest(1, Entry.VOID, "Wrong patient", "sam", PASSWORD),
            requester=clinic.desk,
        )
    return smith, appt


def test_drawer_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Handed over from check-in: copay filled in, $40 tendered, change shown live."""
    smith, appt = _seed(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        app.push_screen(DrawerScreen(smith, appt, prefill_cents=2500))
        await settle(pilot)
        await pilot.press(*"40")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_drawer_receipt_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """After Enter: the receipt on screen and the change due in big figures."""
    smith, appt = _seed(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        app.push_screen(DrawerScreen(smith, appt, prefill_cents=2500))
        await settle(pilot)
        await pilot.press(*"40", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_drawer_float_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """No drawer yet: the float count, one field per denomination, with a bad count."""
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await pilot.press("enter", "enter", "5", "enter", *"2.5", "enter", "4")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
