"""The drawer's recent payments by keys: voids and refunds with a supervisor, reprints, billing.

Nothing changes unless a supervisor (not the clerk asking) approves with their
own password; every test reads the database afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual import events
from textual.pilot import Pilot

from frontdesk.app import FrontDeskApp
from frontdesk.data.db import read_session
from frontdesk.data.drawer import open_drawer
from frontdesk.data.models import BillingFlag, PaymentKind
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.dialogs.approval import ApprovalDialog
from frontdesk.screens.drawer import DrawerScreen
from frontdesk.widgets.fields import TextField
from tests.conftest import PASSWORD, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in
from tests.ui.drawer_helpers import (
    FLOAT,
    add_patient,
    drawer_for,
    payments,
    seed_payment,
    use_printer,
)

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Receipts go to a file."""
    return use_printer(tmp_path, monkeypatch)


async def _void_selected(pilot: Pilot[Any], app: FrontDeskApp, who: str, password: str) -> None:
    await pilot.press("escape")  # the picker: no patient needed to act on the list
    await settle(pilot)
    await pilot.press("down", "v")
    await settle(pilot)
    assert isinstance(app.screen, ApprovalDialog)
    await pilot.press(*"Wrong patient", "enter", *who, "enter", *password, "enter")
    await settle(pilot)


async def test_void_approved_by_a_supervisor(clinic: Clinic, printed: Path) -> None:
    seed_payment(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await _void_selected(pilot, app, "sam", PASSWORD)
        assert isinstance(app.screen, DrawerScreen)
        text = screen_text(app)
        assert "Void: R-000002 reverses R-000001" in text
        assert "Give back in cash  $25.00" in text
        await pilot.press("enter")
        await settle(pilot)
        assert "VOIDED" in screen_text(app)
    original, void = payments(clinic)
    assert (void.entry, void.reverses_id, void.amount_cents) == ("void", original.id, 2500)
    assert void.approved_by == clinic.supervisor.id
    assert void.reason == "Wrong patient"
    assert "VOID R-000002" in printed.read_text()


async def test_a_void_typed_in_one_burst(clinic: Clinic) -> None:
    """↓ v, the reason, the supervisor and the password as one packet: one void, no reprint."""
    seed_payment(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await pilot.press("escape")  # the picker: no patient needed to act on the list
        await settle(pilot)
        driver = app._driver
        assert driver is not None
        keys: list[tuple[str, str | None]] = [("down", None), ("v", "v")]
        for text in ("Wrong patient", "sam", PASSWORD):
            keys += [(ch if ch != " " else "space", ch) for ch in text] + [("enter", "\r")]
        for key, char in keys:
            driver.send_message(events.Key(key, char))
        await settle(pilot)
        assert "Void: R-000002 reverses R-000001" in screen_text(app)
    original, void = payments(clinic)
    assert (void.entry, void.reverses_id, void.reason) == ("void", original.id, "Wrong patient")
    assert void.approved_by == clinic.supervisor.id


@pytest.mark.parametrize(
    ("who", "password", "said"),
    [
        ("ana", PASSWORD, "Ana is not a supervisor"),
        ("sam", "wrong password", "! Username or password is not right"),
    ],
)
async def test_a_refused_approval_changes_nothing(
    clinic: Clinic, who: str, password: str, said: str
) -> None:
    seed_payment(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await _void_selected(pilot, app, who, password)
        dialog = app.screen
        assert isinstance(dialog, ApprovalDialog)  # still asking; the refusal is shown here
        assert said in screen_text(app)
        assert dialog.query_one("#ap-reason", TextField).value == "Wrong patient"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)
    assert [p.entry for p in payments(clinic)] == ["payment"]


async def test_a_supervisor_cannot_approve_their_own_void(clinic: Clinic) -> None:
    pid = add_patient(clinic)
    open_drawer(clinic.engine, staff=clinic.supervisor, counts=FLOAT)
    take_payment(
        clinic.engine, PaymentRequest(pid, "25", PaymentKind.OTHER), staff=clinic.supervisor
    )
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        await pilot.press("$")
        await settle(pilot)
        await _void_selected(pilot, app, "sam", PASSWORD)
        assert isinstance(app.screen, ApprovalDialog)
        assert "A second person must approve" in screen_text(app)
    assert len(payments(clinic)) == 1


async def test_refund_of_part_of_a_payment(clinic: Clinic) -> None:
    seed_payment(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await pilot.press("escape", "down", "f")
        await settle(pilot)
        await pilot.press(*"10", "enter", *"Overcharged", "enter", *"sam", "enter")
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "REFUNDED $10.00" in screen_text(app)
    _, refund = payments(clinic)
    assert (refund.entry, refund.amount_cents, refund.approved_by) == (
        "refund",
        1000,
        clinic.supervisor.id,
    )


async def test_reprint_says_copy(clinic: Clinic, printed: Path) -> None:
    seed_payment(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await pilot.press("escape", "down", "r")
        await settle(pilot)
        text = screen_text(app)
        assert "*** COPY ***" in text
        assert "Copy of R-000001" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)
        assert app.screen.focused is app.screen.recent
    paper = printed.read_text()
    assert "*** COPY ***" in paper
    assert "RECEIPT R-000001" in paper
    assert len(payments(clinic)) == 1  # a reprint is not a payment


async def test_balance_handed_to_billing(clinic: Clinic) -> None:
    pid = add_patient(clinic, balance=12000)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await drawer_for(pilot, app, "smi")
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("enter")  # an empty note is refused in the dialog
        await settle(pilot)
        assert "!" in screen_text(app)
        await pilot.press(*"Disputes the March bill", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "Smith, Jo: balance handed to billing" in screen_text(app)
    with read_session(clinic.engine) as session:
        flag = session.exec(select(BillingFlag)).one()
    assert (flag.patient_id, flag.note, flag.staff_id) == (pid, "Disputes the March bill", 1)
    assert payments(clinic) == []
