"""The callbacks queue and quick add, by the keys a clerk presses; the database checked after."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from textual import events
from textual.pilot import Pilot

from frontdesk.data.callbacks import NewCallback, add_callback
from frontdesk.data.db import read_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import Callback, CallbackAttempt
from frontdesk.screens.callback_form import CallbackFormScreen
from frontdesk.screens.callbacks import CallbacksScreen
from frontdesk.screens.checkin import CheckInScreen
from frontdesk.screens.drawer import DrawerScreen
from frontdesk.screens.handoff import HandoffScreen
from frontdesk.screens.schedule import ScheduleScreen, ScheduleTable
from frontdesk.widgets.callback_rows import CallbackTable
from frontdesk.widgets.due_field import parse_due
from frontdesk.widgets.fields import TextField
from tests.conftest import NOW, ZONE, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in
from tests.ui.test_idle import _blinking, _live_timers

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _add(clinic: Clinic, **fields: Any) -> int:
    values: dict[str, Any] = {"reason": "billing", "caller_name": "Rosa Alvarez"}
    values["phone"] = "(312) 555-0134"
    values.update(fields)
    return add_callback(clinic.engine, NewCallback(**values), staff=clinic.desk).callback_id


def _callbacks(clinic: Clinic) -> list[Callback]:
    with read_session(clinic.engine) as session:
        rows = list(session.exec(select(Callback).order_by(col(Callback.id))).all())
        for row in rows:
            session.expunge(row)
        return rows


def _attempts(clinic: Clinic) -> list[CallbackAttempt]:
    with read_session(clinic.engine) as session:
        rows = list(session.exec(select(CallbackAttempt)).all())
        for row in rows:
            session.expunge(row)
        return rows


def _counts_line(app: Any) -> str:
    screen = app.screen
    assert isinstance(screen, ScheduleScreen)
    return str(screen.query_one("#counts").render())


async def _open_queue(pilot: Pilot[Any], username: str = "ana") -> CallbacksScreen:
    await sign_in(pilot, username)
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CallbacksScreen)
    return screen


# --- quick add -------------------------------------------------------------------------


async def test_quick_add_from_the_schedule(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert "Callbacks 0" in _counts_line(app)
        await pilot.press("ctrl+k", "2", "tab", *"Rosa Alvarez", "tab", *"312 555 0134")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Callback added for Rosa Alvarez → desk" in screen_text(app)
        assert "Callbacks 1" in _counts_line(app)
    (row,) = _callbacks(clinic)
    assert (row.reason, row.caller_name, row.phone) == ("billing", "Rosa Alvarez", "+13125550134")
    assert (row.owner_queue, row.created_by, row.patient_id) == ("desk", clinic.desk.id, None)
    assert row.due_at == NOW + timedelta(days=2)  # the billing rule


async def test_quick_add_from_check_in_takes_the_patient_on_screen(clinic: Clinic) -> None:
    patient = clinic.add_patient("Chen", "Wei")
    clinic.book(patient, 10, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, CallbackFormScreen)
        assert "Chen, Wei" in screen_text(app)
        await pilot.press("1", "ctrl+s")  # three keys in all, counting ^k
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
    (row,) = _callbacks(clinic)
    assert (row.patient_id, row.reason, row.caller_name) == (patient, "scheduling", "")
    assert row.phone == "+13125550134"  # the patient's, none typed


async def test_quick_add_from_the_drawer_while_typing_in_a_field(clinic: Clinic) -> None:
    patient = clinic.add_patient("Lindqvist", "Björn")
    clinic.book(patient, 10, 30, copay_due_cents=2500)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("p")  # the drawer, for this patient; first it asks for the float
        await settle(pilot)
        drawer = app.screen
        assert isinstance(drawer, DrawerScreen)
        assert isinstance(drawer.focused, TextField)
        await pilot.press("ctrl+k")  # not "delete to the end": the field is left alone
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CallbackFormScreen)
        assert "Lindqvist, Björn" in screen_text(app)
        await pilot.press("tab", *"abcd", "left", "left", "ctrl+k")  # here ^k edits
        assert form.typed()["caller"] == "ab"
        await pilot.press("shift+tab", "2", "ctrl+s")
        await settle(pilot)
        assert app.screen is drawer
    (row,) = _callbacks(clinic)
    assert (row.patient_id, row.caller_name, row.reason) == (patient, "ab", "billing")


async def test_bad_values_are_shown_at_their_fields_and_nothing_is_lost(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+k", "2", "tab", *"Rosa Alvarez", "tab", *"555-CALL-NOW")
        await pilot.press("tab", "tab", "tab", "tab")  # priority, due, reference, notes
        await settle(pilot)
        notes = app.screen.query_one("#f-notes", TextField)
        assert app.screen.focused is notes
        notes.post_message(events.Paste("x" * 10_000))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbackFormScreen)
        text = screen_text(app)
        assert "! Phone has letters" in text
        assert "! Notes is 10,000 characters; the limit is 2000" in text
        assert "nothing saved yet" in text
        assert screen.typed()["caller"] == "Rosa Alvarez"
        assert screen.typed()["phone"] == "555-CALL-NOW"
        assert len(screen.typed()["notes"]) == 10_000
        assert screen.focused is screen.query_one("#f-phone")
        assert _callbacks(clinic) == []

        await pilot.press("ctrl+u", *"3125550134")
        screen.query_one("#f-notes", TextField).value = "statement question"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    (row,) = _callbacks(clinic)
    assert (row.caller_name, row.notes) == ("Rosa Alvarez", "statement question")


async def test_a_reason_is_required_and_a_past_due_time_is_a_warning(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+k", "tab", *"Wei Chen", "tab", *"3125550100", "tab", "tab")
        await pilot.press(*"9:15", "ctrl+s")
        await settle(pilot)
        assert "! Choose a reason: press its number" in screen_text(app)
        assert _callbacks(clinic) == []
        assert app.screen.focused is app.screen.query_one("#f-reason")  # the field to fix
        await pilot.press("8", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "! Callback added for Wei Chen. The due time is already past" in screen_text(app)
        assert "Callbacks 1 (1 overdue)" in _counts_line(app)
    (row,) = _callbacks(clinic)
    assert row.due_at == datetime(2026, 11, 24, 9, 15, tzinfo=ZONE)
    assert row.reason == "other"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("14:30", datetime(2026, 11, 24, 14, 30, tzinfo=ZONE)),
        ("2:30pm", datetime(2026, 11, 24, 14, 30, tzinfo=ZONE)),
        ("+2h", NOW + timedelta(hours=2)),
        ("+30m", NOW + timedelta(minutes=30)),
        ("tomorrow", datetime(2026, 11, 25, 17, 0, tzinfo=ZONE)),
        ("11/30", datetime(2026, 11, 30, 17, 0, tzinfo=ZONE)),
        ("1/5 9:00", datetime(2027, 1, 5, 9, 0, tzinfo=ZONE)),
        ("2026-12-01 8:30", datetime(2026, 12, 1, 8, 30, tzinfo=ZONE)),
    ],
)
def test_due_times_read_the_way_clerks_type_them(
    clinic: Clinic, typed: str, expected: datetime | None
) -> None:
    from frontdesk.data.clinic import load_clinic

    assert parse_due(typed, load_clinic(clinic.engine), NOW) == expected


@pytest.mark.parametrize("typed", ["soon", "25:00", "2/30", "9"])
def test_a_due_time_that_does_not_read_says_how_to_type_it(clinic: Clinic, typed: str) -> None:
    from frontdesk.data.clinic import load_clinic

    with pytest.raises(InvalidInput) as caught:
        parse_due(typed, load_clinic(clinic.engine), NOW)
    assert caught.value.field == "due"


# --- working the queue -------------------------------------------------------------------


async def test_v_logs_a_voicemail_in_one_key_and_the_cursor_stays(clinic: Clinic) -> None:
    _add(clinic, caller_name="First Caller", priority=1)
    second = _add(clinic, caller_name="Second Caller")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_queue(pilot)
        table = screen.query_one(CallbackTable)
        await pilot.press("down")
        await pilot.press("v")  # the whole action
        await settle(pilot)
        assert table.cursor_row == 1
        assert table.get_cell(str(second), "tries").plain == "1 VM"
        assert "Left voicemail: Second Caller · try again at 12:00" in screen_text(app)
    (attempt,) = _attempts(clinic)
    assert (attempt.callback_id, attempt.result, attempt.staff_id) == (
        second,
        "voicemail",
        clinic.desk.id,
    )


async def test_keys_typed_before_the_list_arrives_wait_for_it(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import frontdesk.screens.callbacks as module

    first = _add(clinic)
    arrived = threading.Event()  # the first read of the list waits for the keys
    real = module.queue

    def slow_queue(*args: Any, **kwargs: Any) -> Any:
        assert arrived.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "queue", slow_queue)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("b", "w", "v")  # one burst: open, wrong number, voicemail
        await pilot.pause()
        assert isinstance(app.screen, CallbacksScreen)
        assert _attempts(clinic) == []  # nothing acted on a list not there yet
        arrived.set()
        await settle(pilot)
        assert "Left voicemail" in screen_text(app)
    assert [(a.callback_id, a.result) for a in _attempts(clinic)] == [
        (first, "wrong_number"),
        (first, "voicemail"),
    ]


async def test_close_takes_two_keys_and_stores_the_outcome(clinic: Clinic) -> None:
    keep = _add(clinic, caller_name="Stays Open", priority=1)
    done = _add(clinic, caller_name="Gets Closed")
    noted = _add(clinic, caller_name="With A Note", priority=3)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_queue(pilot)
        await pilot.press("down", "enter", "2")  # Enter, then the outcome's number
        await settle(pilot)
        assert [item.id for item in screen.table.items] == [keep, noted]
        assert screen.query_one(CallbackTable).row_count == 2
        assert "Closed (Rescheduled): Gets Closed" in screen_text(app)
        await pilot.press("c", "1", *"explained the bill", "enter")
        await settle(pilot)
        assert [item.id for item in screen.table.items] == [keep]
    rows = {row.id: row for row in _callbacks(clinic)}
    assert (rows[done].status, rows[done].outcome, rows[done].closed_by) == (
        "closed",
        "rescheduled",
        clinic.desk.id,
    )
    assert (rows[noted].outcome, rows[noted].outcome_note) == ("resolved", "explained the bill")
    assert rows[keep].status == "open"


async def test_tab_passes_the_item_on_and_m_takes_it(clinic: Clinic) -> None:
    item = _add(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_queue(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert _callbacks(clinic)[0].owner_queue == "nurse"
        assert screen.query_one(CallbackTable).get_cell(str(item), "owner").plain == "nurse"
        await pilot.press("tab", "tab")  # pressed together: each waits for the one before
        await settle(pilot)
        assert _callbacks(clinic)[0].owner_queue == "desk"
        await pilot.press("m")
        await settle(pilot)
        assert "is yours now (ana)" in screen_text(app)
    row = _callbacks(clinic)[0]
    assert (row.owner_staff_id, row.owner_queue) == (clinic.desk.id, "")


async def test_lists_and_the_reason_filter(clinic: Clinic) -> None:
    billing = _add(clinic)
    clinical = _add(clinic, reason="clinical", caller_name="Nurse Question")
    complaint = _add(clinic, reason="complaint", caller_name="Unhappy Caller")
    late = _add(clinic, reason="records", due=NOW - timedelta(minutes=5))
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_queue(pilot)
        assert [i.id for i in screen.table.items] == [late, clinical, complaint, billing]
        assert "Open 4  Overdue 1" in screen_text(app)
        await pilot.press("4")
        await settle(pilot)
        assert [i.id for i in screen.table.items] == [clinical]
        assert "▸nurse" in screen_text(app)
        await pilot.press("right")
        await settle(pilot)
        assert [i.id for i in screen.table.items] == [complaint]
        await pilot.press("6")
        await settle(pilot)
        assert [i.id for i in screen.table.items] == [late]
        await pilot.press("1", "f", "2")  # all, then reason 2 (billing)
        await settle(pilot)
        assert [i.id for i in screen.table.items] == [billing]
        assert "Reason: Billing question" in screen_text(app)


async def test_the_no_show_key_makes_a_rebook_item_in_the_queue(clinic: Clinic) -> None:
    patient = clinic.add_patient("Okoro", "Ada")
    appt = clinic.book(patient, 9, 0)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        screen.query_one(ScheduleTable).move_cursor(row=screen._keys.index(str(appt)))
        await pilot.press("n")
        await settle(pilot)
        assert "Callbacks 1" in _counts_line(app)
        await pilot.press("b")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, CallbacksScreen)
        (item,) = queue.table.items
        assert (item.reason, item.patient_id, item.owner) == ("rebook", patient, "desk")
        assert "Rebook" in screen_text(app)
        assert "Okoro, Ada" in screen_text(app)


async def test_the_counts_line_follows_adds_and_closes(clinic: Clinic) -> None:
    _add(clinic, due=NOW - timedelta(minutes=30))
    _add(clinic, caller_name="Later Caller", priority=3)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert "Callbacks 2 (1 overdue)" in _counts_line(app)
        await pilot.press("b", "enter", "1", "escape")  # close the overdue one, back
        await settle(pilot)
        assert "Callbacks 1" in _counts_line(app)
        assert "overdue" not in _counts_line(app)
        await pilot.press("ctrl+k", "7", "tab", *"Sam Doe", "tab", *"3125550199", "ctrl+s")
        await settle(pilot)
        assert "Callbacks 2" in _counts_line(app)


async def test_a_long_wait_shows_when_the_queue_opens(clinic: Clinic) -> None:
    from frontdesk import clock
    from frontdesk.data.checkin import CheckInRequest, check_in

    patient = clinic.add_patient("Waits", "Long")
    appt = clinic.book(patient, 9, 30)
    with clock.freeze(NOW - timedelta(minutes=45)):
        check_in(clinic.engine, CheckInRequest(patient, appt), staff=clinic.desk)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_queue(pilot)
        (item,) = screen.table.items
        assert item.reason == "long_wait"
        assert "45 min" in screen_text(app)


async def test_hand_off_groups_by_owner_and_goes_back_to_the_queue(clinic: Clinic) -> None:
    _add(clinic)
    _add(clinic, reason="clinical", caller_name="Nurse Question")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_queue(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        text = screen_text(app)
        assert "desk: 1 open" in text
        assert "nurse: 1 open" in text
        assert text.index("desk: 1 open") < text.index("Rosa Alvarez") < text.index("nurse:")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)


async def test_the_callbacks_screens_are_idle(clinic: Clinic) -> None:
    _add(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_queue(pilot)
        assert _live_timers(app) == [], "queue"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CallbackFormScreen)
        assert _live_timers(app) == [], "quick add"
        assert _blinking(app) == []
        await pilot.press("escape", "h")
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        assert _live_timers(app) == [], "hand-off"
