"""The cash drawer by keys: the float, the check-in hand-over, tenders, refusals at fields.

Every test presses the keys a clerk would and then reads the database.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual import events
from textual.pilot import Pilot

from frontdesk import clock
from frontdesk.app import FrontDeskApp
from frontdesk.data.db import read_session
from frontdesk.data.drawer import open_drawer
from frontdesk.data.models import Appointment, DrawerSession, PaymentKind, Status
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.screens.drawer import DrawerScreen
from frontdesk.screens.find import FindScreen
from frontdesk.screens.schedule import ScheduleScreen, ScheduleTable
from frontdesk.widgets.fields import TextField
from tests.conftest import NOW, TODAY, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in
from tests.ui.drawer_helpers import (
    FLOAT,
    add_patient,
    drawer_for,
    focused_id,
    payments,
    use_printer,
)

pytestmark = pytest.mark.usefixtures("fast_hashing")


async def _select(pilot: Pilot[Any], app: FrontDeskApp, appt_id: int) -> None:
    screen = app.screen
    assert isinstance(screen, ScheduleScreen)
    screen.query_one(ScheduleTable).move_cursor(row=screen._keys.index(str(appt_id)))
    await settle(pilot)


@pytest.fixture
def printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Receipts go to a file."""
    return use_printer(tmp_path, monkeypatch)


async def test_opening_a_drawer_counts_the_float_by_denomination(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)
        assert "Open your drawer: count the float" in screen_text(app)
        # $100 none, $50 none, $20 x5, $10 x5, $5 x4, $1 x10, coins none; Enter on 1¢ opens
        await pilot.press("enter", "enter", "5", "enter", "5", "enter", "4", "enter", "1", "0")
        await settle(pilot)
        assert "Float total $180.00" in screen_text(app)
        await pilot.press("enter", "enter", "enter", "enter", "enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, FindScreen)  # no patient yet: the search, in pick mode
        assert picker.pick
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)
        text = screen_text(app)
        assert "Drawer 1 (ana) open since 10:00" in text
        assert "no patient yet" in text
    with read_session(clinic.engine) as session:
        drawer = session.exec(select(DrawerSession)).one()
    assert drawer.staff_id == clinic.desk.id
    assert drawer.business_date == TODAY
    assert drawer.float_cents == 18000
    assert json.loads(drawer.float_counts) == {"2000": 5, "1000": 5, "500": 4, "100": 10}


async def test_a_bad_float_count_is_shown_at_its_field_and_opens_nothing(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        await pilot.press("enter", "enter", *"2.5", "ctrl+s")
        await settle(pilot)
        assert "$20: enter a whole number, like 3" in screen_text(app)
        assert app.screen.query_one("#count-2000", TextField).value == "2.5"
        assert focused_id(app) == "count-2000"
    with read_session(clinic.engine) as session:
        assert session.exec(select(DrawerSession)).all() == []


async def test_check_in_hands_a_cash_copay_to_the_drawer(clinic: Clinic, printed: Path) -> None:
    """c, Enter, Enter (checked in) · 40, Enter (taken and printed) · Enter (back)."""
    appt_id = clinic.book(add_patient(clinic), 10, 30, copay_due_cents=2500)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        check_in_keys = ["c", "enter", "enter"]
        await pilot.press(*check_in_keys)
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)
        assert focused_id(app) == "tendered"
        assert app.screen.query_one("#amount", TextField).value == "25.00"
        await pilot.press(*"40")
        await settle(pilot)
        assert "Change due $15.00" in screen_text(app)
        payment_keys = ["enter", "enter"]
        await pilot.press(payment_keys[0])
        await settle(pilot)
        text = screen_text(app)
        assert "Change due  $15.00" in text
        assert "Taken: R-000001" in text
        assert "Receipt printed." in text
        await pilot.press(payment_keys[1])
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Checked in Smith, Jo · R-000001 $25.00 cash, change $15.00" in screen_text(app)
    assert len(payment_keys) <= 4  # beyond typing what was handed over
    [row] = payments(clinic)
    assert (row.receipt_no, row.entry, row.kind, row.tender) == (1, "payment", "copay", "cash")
    assert (row.amount_cents, row.tendered_cents, row.change_cents) == (2500, 4000, 1500)
    assert row.appointment_id == appt_id
    assert row.staff_id == clinic.desk.id
    with read_session(clinic.engine) as session:
        appt = session.get(Appointment, appt_id)
        assert appt is not None
        assert appt.status == Status.ARRIVED.value
    paper = printed.read_text()
    assert "RECEIPT R-000001" in paper
    assert "Change" in paper
    assert "$15.00" in paper


async def test_typed_ahead_tendered_reaches_the_drawer(clinic: Clinic) -> None:
    """One burst, as a slow link delivers it: c Enter Enter 4 0 Enter."""
    appt_id = clinic.book(add_patient(clinic), 10, 30, copay_due_cents=2500)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        driver = app._driver
        assert driver is not None
        for key, char in [("c", "c"), ("enter", "\r"), ("enter", "\r"), ("4", "4")]:
            driver.send_message(events.Key(key, char))
        for key, char in [("0", "0"), ("enter", "\r")]:
            driver.send_message(events.Key(key, char))
        await settle(pilot)
        assert "Taken: R-000001" in screen_text(app)
    [row] = payments(clinic)
    assert (row.amount_cents, row.change_cents) == (2500, 1500)


async def test_p_at_check_in_takes_the_copay_and_check_in_then_goes_home(clinic: Clinic) -> None:
    appt_id = clinic.book(add_patient(clinic), 10, 30, copay_due_cents=2500)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        await pilot.press("c", "p")
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)
        assert focused_id(app) == "tendered"
        await pilot.press("enter", "enter")  # blank = exact
        await settle(pilot)
        assert "Copay $25.00 paid" in screen_text(app)
        await pilot.press("enter", "enter")  # identity, check in: no second hand-over
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Checked in Smith, Jo · R-000001 $25.00 cash, change $0.00" in screen_text(app)
    [row] = payments(clinic)
    assert (row.amount_cents, row.tendered_cents, row.change_cents) == (2500, 2500, 0)


async def test_a_copay_paid_before_check_in_is_not_asked_for_again(clinic: Clinic) -> None:
    pid = add_patient(clinic)
    appt_id = clinic.book(pid, 10, 30, copay_due_cents=2500)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    take_payment(
        clinic.engine,
        PaymentRequest(pid, "25", PaymentKind.COPAY, appointment_id=appt_id),
        staff=clinic.desk,
    )
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        await pilot.press("c")
        await settle(pilot)
        assert "Copay $25.00 paid" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)  # no hand-over to the drawer
    assert len(payments(clinic)) == 1


async def test_check_and_card_payments(clinic: Clinic) -> None:
    add_patient(clinic, balance=4000)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await drawer_for(pilot, app, "smi")
        assert screen.query_one("#amount", TextField).value == "40.00"  # the balance owed
        await pilot.press("shift+tab", "right")  # Tender: Check
        await settle(pilot)
        await pilot.press("tab", *"1042", "enter")
        await settle(pilot)
        assert "Taken: R-000001" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "R-000001 $40.00 check no. 1042" in screen_text(app)
        await drawer_for(pilot, app, "smi")
        assert focused_id(app) == "amount"  # the balance is paid: nothing to fill in
        await pilot.press(*"12.50", "tab", "4", "tab", "3")  # Kind 4: Other; Tender 3: Card
        await pilot.press("tab", *"4242", "tab", *"a7731", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "R-000002 $12.50 card …4242" in screen_text(app)
    check, card = payments(clinic)
    assert (check.tender, check.kind, check.check_number) == ("check", "past_due", "1042")
    assert check.amount_cents == 4000
    assert (card.tender, card.kind, card.amount_cents) == ("card", "other", 1250)
    assert (card.card_last4, card.card_auth) == ("4242", "A7731")


async def test_tender_keys_typed_in_one_burst_stay_in_order(clinic: Clinic) -> None:
    """Shift+Tab → Tab 1042 Enter, as a slow link delivers it: a check, number 1042."""
    add_patient(clinic, balance=4000)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await drawer_for(pilot, app, "smi")
        assert focused_id(app) == "tendered"
        driver = app._driver
        assert driver is not None
        burst = [("shift+tab", None), ("right", None), ("tab", "\t")]
        burst += [(digit, digit) for digit in "1042"] + [("enter", "\r")]
        for key, char in burst:
            driver.send_message(events.Key(key, char))
        await settle(pilot)
        assert "Taken: R-000001" in screen_text(app)
    [row] = payments(clinic)
    assert (row.tender, row.check_number, row.amount_cents) == ("check", "1042", 4000)


async def test_bad_values_are_shown_at_their_fields_and_nothing_is_stored(clinic: Clinic) -> None:
    add_patient(clinic)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await drawer_for(pilot, app, "smi")
        assert focused_id(app) == "amount"  # nothing owed: start at the amount
        await pilot.press(*"12.345", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "! Amount: Use at most two digits after the decimal" in text
        assert "Nothing was taken" in text
        assert screen.query_one("#amount", TextField).value == "12.345"
        assert focused_id(app) == "amount"
        await pilot.press("backspace", "tab", "tab", "tab", *"10", "enter")  # $12.34; $10 given
        await settle(pilot)
        assert "! Tendered $10.00 is less than the amount $12.34" in screen_text(app)
        assert focused_id(app) == "tendered"
        await pilot.press("shift+tab", "right", "right", "enter")  # card, no digits
        await settle(pilot)
        assert "! Card: the last 4 digits only" in screen_text(app)
        assert focused_id(app) == "last4"
        assert screen.query_one("#amount", TextField).value == "12.34"  # nothing typed is lost
    assert payments(clinic) == []


async def test_a_drawer_left_open_from_yesterday_is_named_not_a_crash(clinic: Clinic) -> None:
    with clock.freeze(NOW - timedelta(days=1)):
        open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        text = screen_text(app)
        assert isinstance(app.screen, DrawerScreen)
        assert "Your drawer 1 from Mon 23 Nov is still open" in text
        assert "counted at close" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert payments(clinic) == []


async def test_end_day_key_only_for_supervisors(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert "End day" not in screen_text(app)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        text = screen_text(app)
        assert "E End day" in text
        assert "? All keys" in text  # the rest (^q Quit, F5 Refresh...) are listed there
        await pilot.press("question_mark")
        await settle(pilot)
        assert "End day" in screen_text(app)
        assert "Quit" in screen_text(app)
        await pilot.press("escape", "E")
        await settle(pilot)
        assert type(app.screen).__name__ == "CloseDayScreen"


async def test_no_idle_output_on_the_drawer_screens(clinic: Clinic) -> None:
    """No timer and no blinking cursor: the float, the form, the receipt."""
    from tests.ui.test_idle import _blinking, _live_timers

    add_patient(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("$")
        await settle(pilot)
        assert _live_timers(app) == [], "float"
        assert _blinking(app) == []
        await pilot.press("5", "ctrl+s")
        await settle(pilot)
        await pilot.press(*"smi", "enter")
        await settle(pilot)
        assert _live_timers(app) == [], "payment form"
        assert _blinking(app) == []
        await pilot.press(*"5", "enter")
        await settle(pilot)
        assert "Taken: R-000001" in screen_text(app)
        assert _live_timers(app) == [], "receipt"
