"""Find, walk-in and registration by keys; bad input stays typed with a message at its field."""

from __future__ import annotations

from sqlmodel import col, select

from frontdesk.data.db import read_session
from frontdesk.data.models import Appointment, Patient, Status
from frontdesk.screens.checkin import CheckInScreen
from frontdesk.screens.find import FindScreen
from frontdesk.screens.patient_form import PatientFormScreen
from frontdesk.screens.schedule import ScheduleScreen
from frontdesk.widgets.fields import FieldMessage, TextField
from tests.conftest import TODAY, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in


def _patients(clinic: Clinic) -> list[Patient]:
    with read_session(clinic.engine) as session:
        return list(session.exec(select(Patient).order_by(col(Patient.id))).all())


async def test_search_updates_as_the_clerk_types(clinic: Clinic) -> None:
    clinic.add_patient("Smith", "Jo")
    clinic.add_patient("Smithers", "Joan", dob="7/30/1948")
    clinic.add_patient("O'Brien-Núñez", "Seán", dob="1/2/1951")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        await pilot.press(*"smi")
        await settle(pilot)
        assert [f.hit.last_name for f in app.screen.found] == ["Smith", "Smithers"]
        await pilot.press(*", joa")
        await settle(pilot)
        assert [f.hit.last_name for f in app.screen.found] == ["Smithers"]
        query = app.screen.query_one("#query", TextField)
        query.value = ""
        await pilot.press(*"obrien")
        await settle(pilot)
        assert [f.hit.last_name for f in app.screen.found] == ["O'Brien-Núñez"]
        assert "O'Brien-Núñez, Seán" in screen_text(app)
        query.value = ""
        await pilot.press(*"7/30/1948")
        await settle(pilot)
        assert [f.hit.first_name for f in app.screen.found] == ["Joan"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)


async def test_find_then_enter_checks_in_todays_visit(clinic: Clinic) -> None:
    pid = clinic.add_patient("Okonkwo", "Ada")
    appt_id = clinic.book(pid, 11, 0)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("slash", *"okon", "enter")  # typed ahead of the results
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    with read_session(clinic.engine) as session:
        appt = session.get(Appointment, appt_id)
        assert appt is not None
        assert appt.status == Status.ARRIVED.value


async def test_walk_in_creates_and_checks_in_a_visit(clinic: Clinic) -> None:
    pid = clinic.add_patient("Haddad", "Karim")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("w", *"hadd")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")  # provider 2: Patel (sorted by name: Okafor, Patel)
        await settle(pilot)
        await pilot.press("1")  # first visit type
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Walk-in" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        row = next(line for line in screen_text(app).splitlines() if "Haddad, Karim" in line)
        assert "ARRIVED" in row
        assert "WALK-IN" in row
    with read_session(clinic.engine) as session:
        appts = session.exec(select(Appointment).where(Appointment.patient_id == pid)).all()
    assert len(appts) == 1
    assert appts[0].walk_in
    assert appts[0].status == Status.ARRIVED.value
    assert appts[0].provider_id == clinic.provider2_id


BAD_INPUTS = [
    ("dob", "2026-02-30", "not a day on the calendar"),
    ("dob", "1/1/2030", "cannot be in the future"),
    ("phone_mobile", "312-CALL-NOW", "letters"),
    ("last_name", "x" * 10_000, "10,000 characters"),
    ("first_name", "Jo\x1b[2J", "control"),
    ("interpreter_needed", "maybe", "y or n"),
]


async def test_registration_refuses_bad_input_at_each_field_and_keeps_it(clinic: Clinic) -> None:
    app = make_app(clinic)
    before = len(_patients(clinic))
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("slash", *"Núñez, María", "ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        assert form.query_one("#f-last_name", TextField).value == "Núñez"
        assert form.query_one("#f-first_name", TextField).value == "María"
        form.query_one("#f-dob", TextField).value = "3/14/1990"
        for field, bad, fragment in BAD_INPUTS:
            form.query_one(f"#f-{field}", TextField).value = bad
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, PatientFormScreen), field
            message = form.query_one(f"#m-{field}", FieldMessage)
            assert fragment in str(message.render()), (field, str(message.render()))
            assert form.query_one(f"#f-{field}", TextField).value == bad  # kept as typed
            assert len(_patients(clinic)) == before  # nothing stored
            good = {
                "dob": "3/14/1990",
                "phone_mobile": "(312) 555-0199",
                "last_name": "Núñez",
                "first_name": "María",
                "interpreter_needed": "y",
            }[field]
            form.query_one(f"#f-{field}", TextField).value = good
        form.query_one("#f-preferred_language", TextField).value = "es"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        assert "Registered Núñez, María" in screen_text(app)
    saved = _patients(clinic)[-1]
    assert (saved.last_name, saved.first_name) == ("Núñez", "María")
    assert saved.phone_mobile == "+13125550199"
    assert saved.interpreter_needed
    assert saved.demographics_confirmed_on == TODAY


async def test_duplicate_warning_before_creating(clinic: Clinic) -> None:
    clinic.add_patient("Smith", "Jo", dob="3/14/1990")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("slash", *"Smyth, Jo", "ctrl+n")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-dob", TextField).value = "03/14/1990"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Possible duplicate" in screen_text(app)
        assert "Smith, Jo" in screen_text(app)
        assert len(_patients(clinic)) == 1
        await pilot.press("c")  # create anyway
        await settle(pilot)
    names = [p.last_name for p in _patients(clinic)]
    assert names == ["Smith", "Smyth"]


MARKUP_NAMES = [
    ("[red]x[/]", "Bob"),
    ("Smith[/]", "Al"),
    ("O'Brien-Núñez", "Seán"),
    ("[@click=app.quit]x[/]", "Eve"),
]


async def test_markup_names_show_exactly_as_typed_everywhere(clinic: Clinic) -> None:
    for hour, (last, first) in enumerate(MARKUP_NAMES, start=10):
        clinic.book(clinic.add_patient(last, first), hour, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        text = screen_text(app)
        for last, first in MARKUP_NAMES:
            assert f"{last}, {first}"[:19] in text  # the column is 20 wide
        await pilot.press("slash", *"[red")  # brackets fold away: finds "[red]x[/]"
        await settle(pilot)
        found = screen_text(app)
        assert "[red]x[/], Bob" in found
        app.screen.query_one("#query", TextField).value = ""
        await pilot.press(*"3/14/1990")  # everyone here shares this birth date
        await settle(pilot)
        found = screen_text(app)
        for last, first in MARKUP_NAMES:
            assert f"{last}, {first}" in found
        await pilot.press("enter")  # the first result's visit today
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "@click=app.quit]x[/], Eve" in screen_text(app)


async def test_keys_typed_in_one_burst_across_a_screen_change_all_land(clinic: Clinic) -> None:
    """A fast typist (or a slow link delivering keys in one packet): `/weber, je` Enter.

    The keys arrive before the search screen exists; `w` and `e` are also
    commands on that screen, yet here they must be typed into the search.
    """
    from textual import events

    appt_id = clinic.book(clinic.add_patient("Weber", "Jens"), 11, 0)
    clinic.add_patient("Webb", "Ed")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        names = {"/": "slash", ",": "comma", " ": "space"}
        driver = app._driver
        assert driver is not None
        for ch in "/weber, je":
            driver.send_message(events.Key(names.get(ch, ch), ch))
        driver.send_message(events.Key("enter", "\r"))
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.appointment_id == appt_id
        assert "Weber, Jens" in screen_text(app)


async def test_editing_keys_in_a_burst_apply_in_the_order_typed(clinic: Clinic) -> None:
    """`Smiht` Backspace Backspace `th` arriving in one packet still reads `Smith`."""
    from textual import events

    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("slash")
        await settle(pilot)
        driver = app._driver
        assert driver is not None
        keys = [*"Smiht", "backspace", "backspace", *"th", "ctrl+u", *"Smith"]
        for key in keys:
            driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert app.screen.query_one("#query", TextField).value == "Smith"


async def test_a_form_typed_in_one_burst_with_tabs_fills_each_field(clinic: Clinic) -> None:
    from textual import events

    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("slash", *"Zyxwv, Quentin", "ctrl+n")
        await settle(pilot)
        app.screen.query_one("#f-dob", TextField).focus()
        await settle(pilot)
        driver = app._driver
        assert driver is not None
        for key in [*"7/4/1976", "tab", "M", "tab", *"773 555 0142", "shift+tab", "backspace", "F"]:
            driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        form = app.screen
        assert form.query_one("#f-dob", TextField).value == "7/4/1976"
        assert form.query_one("#f-sex", TextField).value == "F"
        assert form.query_one("#f-phone_mobile", TextField).value == "773 555 0142"
