"""Comparing a set-up file with the database, applying it (all or nothing), exporting it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from frontdesk.data.audit import verify_chain
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import SignInFailed
from frontdesk.data.models_booking import Blockout, Holiday
from frontdesk.data.setup_apply import apply_setup, diff_setup, export_setup, read_setup
from frontdesk.data.setup_file import SetupInvalid
from frontdesk.data.setup_render import render_setup
from frontdesk.data.staff import sign_in
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.setup_helpers import FILE, rows, snapshot

pytestmark = pytest.mark.usefixtures("fast_hashing")


def lines(clinic: Clinic, body: str) -> list[str]:
    return diff_setup(clinic.engine, read_setup(clinic.engine, body)).lines()


def apply(clinic: Clinic, body: str) -> list[str]:
    setup = read_setup(clinic.engine, body)
    return [str(c) for c in apply_setup(clinic.engine, setup, by=clinic.supervisor).changes]


def exported(clinic: Clinic) -> str:
    return render_setup(export_setup(clinic.engine))


def utc(local: datetime) -> datetime:
    """A clinic-local time as SQLite gives it back (UTC, without the zone)."""
    return local.astimezone(UTC).replace(tzinfo=None)


def add_blockout(clinic: Clinic, start: datetime, hours: int, reason: str) -> None:
    with write_session(clinic.engine) as session:
        session.add(
            Blockout(
                provider_id=clinic.provider_id,
                start_at=start.astimezone(UTC),
                end_at=(start + timedelta(hours=hours)).astimezone(UTC),
                reason=reason,
            )
        )


def test_the_diff_lists_every_change_by_area_and_writes_nothing(clinic: Clinic) -> None:
    before = snapshot(clinic.engine)

    shown = lines(clinic, FILE)

    assert shown == [
        "Clinic:",
        "  ~ clinic late_cancel_hours: 24 -> 48",
        "Providers:",
        '  ~ provider Okafor: name "Dr. Grace Okafor" -> "Dr. Grace Okafor, MD"',
        "  ~ provider Okafor: hours tue 08:00-17:00 -> 09:00-17:00",
        "  ~ provider Okafor: breaks mon none -> 12:00-13:00 Lunch",
        "  + provider Nguyen (Linh Nguyen, FNP; hours mon wed)",
        "Visit types:",
        "  ~ type Follow-up: minutes 15 -> 20",
        "  ~ type Follow-up: providers every provider -> Okafor, Nguyen",
        "Holidays:",
        "  + holiday 2026-11-26 Thanksgiving",
        "Blockouts:",
        "  + blockout Okafor 2026-12-03 13:00-17:00 Training",
        "Staff:",
        "  + staff dee (Dee Park, desk; no password yet)",
        "Note: Providers not in the file are left as they are: Patel.",
    ]
    assert snapshot(clinic.engine) == before


def test_apply_writes_it_all_with_one_audit_event(clinic: Clinic) -> None:
    patel_before = rows(
        clinic.engine, f"SELECT * FROM working_hours WHERE provider_id = {clinic.provider2_id}"
    )

    planned = [line.strip() for line in lines(clinic, FILE) if line.startswith("  ")]

    applied = apply(clinic, FILE)

    engine = clinic.engine
    assert applied == planned
    (nguyen,) = rows(engine, "SELECT id, name, active FROM provider WHERE short_name = 'Nguyen'")
    assert nguyen[1:] == ("Linh Nguyen, FNP", 1)
    spans = "SELECT weekday, start_minute, end_minute FROM working_hours WHERE provider_id = "
    assert rows(engine, f"{spans}{nguyen[0]} ORDER BY weekday, start_minute") == [
        (0, 540, 1080),
        (2, 540, 720),
        (2, 780, 1080),
    ]
    assert rows(engine, f"{spans}{clinic.provider_id} AND weekday = 1") == [(1, 540, 1020)]
    assert rows(engine, "SELECT provider_id, weekday, label FROM break_time") == [
        (clinic.provider_id, 0, "Lunch")
    ]
    assert (
        rows(engine, f"SELECT * FROM working_hours WHERE provider_id = {clinic.provider2_id}")
        == patel_before
    )
    assert rows(engine, f"SELECT minutes FROM appointment_type WHERE id = {clinic.type_id}") == [
        (20,)
    ]
    assert sorted(rows(engine, "SELECT type_id, provider_id FROM type_provider")) == sorted(
        [(clinic.type_id, clinic.provider_id), (clinic.type_id, nguyen[0])]
    )
    assert rows(engine, "SELECT day, name FROM holiday") == [("2026-11-26", "Thanksgiving")]
    start = datetime(2026, 12, 3, 13, tzinfo=ZONE)
    (block,) = rows(engine, "SELECT provider_id, start_at, end_at FROM blockout")
    assert block[0] == clinic.provider_id
    assert datetime.fromisoformat(str(block[1])) == utc(start)
    assert datetime.fromisoformat(str(block[2])) == utc(start + timedelta(hours=4))
    assert rows(engine, "SELECT late_cancel_hours FROM clinic_settings") == [(48,)]
    (event,) = rows(engine, "SELECT staff_id, detail FROM audit_event WHERE action = 'setup.apply'")
    assert event[0] == clinic.supervisor.id
    detail = json.loads(event[1])
    assert detail["added"] == {"blockout": 1, "holiday": 1, "provider": 1, "staff": 1}
    assert detail["changed"] == {"clinic": 1, "provider": 3, "type": 2}
    assert detail["changes"] == applied
    with read_session(engine) as session:
        assert verify_chain(session) is None


def test_a_new_account_cannot_sign_in_until_it_has_a_password(clinic: Clinic) -> None:
    from frontdesk.data.setup_staff import set_first_password

    apply(clinic, FILE)
    assert rows(clinic.engine, "SELECT role, password_hash FROM staff WHERE username = 'dee'") == [
        ("desk", "")
    ]
    with pytest.raises(SignInFailed):
        sign_in(clinic.engine, "dee", "")
    with pytest.raises(SignInFailed):
        sign_in(clinic.engine, "dee", "any password at all")

    set_first_password(
        clinic.engine, username="dee", password="a long password", by=clinic.supervisor
    )

    assert sign_in(clinic.engine, "dee", "a long password").username == "dee"
    with pytest.raises(Exception, match="already has a password"):
        set_first_password(
            clinic.engine, username="dee", password="another one!", by=clinic.supervisor
        )
    assert (
        len(rows(clinic.engine, "SELECT id FROM audit_event WHERE action = 'staff.password_set'"))
        == 1
    )


def test_applying_the_same_file_twice_changes_nothing_the_second_time(clinic: Clinic) -> None:
    apply(clinic, FILE)
    after_first = snapshot(clinic.engine)

    again = apply(clinic, FILE)

    assert again == []
    assert [c for c in lines(clinic, FILE) if c.startswith("  ")] == []
    assert snapshot(clinic.engine) == after_first


def test_a_refusal_by_the_database_half_way_leaves_nothing_applied(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_blockout BEFORE INSERT ON blockout "
                "BEGIN SELECT RAISE(ABORT, 'blockouts are frozen'); END"
            )
        )
    before = snapshot(clinic.engine)

    with pytest.raises(IntegrityError, match="blockouts are frozen"):
        apply(clinic, FILE)  # the blockout is written after the providers, types and holiday

    assert snapshot(clinic.engine) == before


def test_export_applies_with_no_changes_and_renders_the_same_again(clinic: Clinic) -> None:
    apply(clinic, FILE)
    add_blockout(clinic, datetime(2026, 12, 24, 12, tzinfo=ZONE), 5, 'Closing "early", all')

    first = exported(clinic)
    setup = read_setup(clinic.engine, first)

    assert diff_setup(clinic.engine, setup).changes == ()
    assert render_setup(setup) == first
    assert 'short_name = "Patel"' in first
    assert 'hours.tue = "09:00-17:00"' in first
    assert 'reason = "Closing \\"early\\", all"' in first
    assert 'username = "dee"' in first
    assert "password" not in first.lower().replace("no password", "")


def test_blockouts_that_are_over_are_never_touched(clinic: Clinic) -> None:
    add_blockout(clinic, NOW.astimezone(ZONE) - timedelta(days=2), 3, "Past")
    add_blockout(clinic, NOW.astimezone(ZONE) + timedelta(days=2), 3, "Coming")
    body = FILE + (
        '\n[[blockout]]\nstart = 2026-11-01T08:00:00\nend = 2026-11-01T09:00:00\nreason = "Old"\n'
    )

    shown = lines(clinic, body)
    apply(clinic, body)

    assert "  - blockout Okafor 2026-11-26 10:00-13:00 Coming" in shown
    assert "Note: 1 blockout in the file already over, left out." in shown
    assert not any("Past" in line or "Old" in line for line in shown)
    assert sorted(r[0] for r in rows(clinic.engine, "SELECT reason FROM blockout")) == [
        "Past",
        "Training",
    ]


def test_holidays_before_today_are_left_alone(clinic: Clinic) -> None:
    from datetime import date

    with write_session(clinic.engine) as session:
        session.add(Holiday(day=date(2026, 1, 1), name="New Year"))
        session.add(Holiday(day=date(2026, 12, 25), name="Christmas"))
        session.add(Holiday(day=date(2026, 11, 26), name="Thanksgiving Day"))
    body = FILE + '\n[[holiday]]\ndate = 2025-07-04\nname = "Independence Day"\n'

    shown = lines(clinic, body)
    apply(clinic, body)

    assert '  ~ holiday 2026-11-26: name "Thanksgiving Day" -> "Thanksgiving"' in shown
    assert "  - holiday 2026-12-25 Christmas" in shown
    assert "Note: 1 holiday before today in the file left as they are." in shown
    assert rows(clinic.engine, "SELECT day, name FROM holiday ORDER BY day") == [
        ("2026-01-01", "New Year"),
        ("2026-11-26", "Thanksgiving"),
    ]


def test_what_the_file_leaves_out_stays_and_active_false_deactivates(clinic: Clinic) -> None:
    body = (
        '[[provider]]\nshort_name = "Patel"\nname = "Dr. Anil Patel"\nactive = false\n'
        'hours.mon = "08:00-17:00"\n'
        '[[type]]\nname = "New patient"\nminutes = 40\nactive = false\nnew_patient = true\n'
        'prep = "Arrive 20 minutes early with photo ID."\n'
        '[[staff]]\nusername = "BEN"\nname = "Ben"\nactive = false\n'
    )

    shown = lines(clinic, body)
    apply(clinic, body)

    assert "  ~ provider Patel: active true -> false" in shown
    assert "  ~ type New patient: active true -> false" in shown
    assert "  ~ staff ben: active true -> false" in shown
    assert rows(clinic.engine, "SELECT short_name, active FROM provider ORDER BY id") == [
        ("Okafor", 1),
        ("Patel", 0),
    ]
    assert rows(clinic.engine, "SELECT username, active FROM staff ORDER BY id") == [
        ("ana", 1),
        ("ben", 0),
        ("sam", 1),
    ]
    okafor_days = f"SELECT COUNT(*) FROM working_hours WHERE provider_id = {clinic.provider_id}"
    assert rows(clinic.engine, okafor_days) == [(7,)]  # not in the file: untouched
    patel_days = f"SELECT COUNT(*) FROM working_hours WHERE provider_id = {clinic.provider2_id}"
    assert rows(clinic.engine, patel_days) == [(1,)]  # in the file: replaced


def test_a_type_with_no_providers_goes_back_to_every_provider(clinic: Clinic) -> None:
    apply(clinic, FILE)
    body = FILE.replace('providers = ["Okafor", "Nguyen"]\n', "")

    shown = lines(clinic, body)
    apply(clinic, body)

    assert "  ~ type Follow-up: providers Okafor, Nguyen -> every provider" in shown
    assert rows(clinic.engine, "SELECT COUNT(*) FROM type_provider") == [(0,)]


def test_a_new_timezone_reads_the_blockouts_in_it(clinic: Clinic) -> None:
    from zoneinfo import ZoneInfo

    body = FILE.replace("[clinic]\n", '[clinic]\ntimezone = "America/New_York"\n')

    shown = lines(clinic, body)
    apply(clinic, body)

    assert '  ~ clinic timezone: "America/Chicago" -> "America/New_York"' in shown
    start = datetime(2026, 12, 3, 13, tzinfo=ZoneInfo("America/New_York"))
    (stored,) = rows(clinic.engine, "SELECT start_at FROM blockout")
    assert datetime.fromisoformat(str(stored[0])) == utc(start)


def test_a_blockout_at_a_time_the_clocks_skip_is_refused(clinic: Clinic) -> None:
    body = FILE.replace("start = 2026-12-03T13:00:00", "start = 2027-03-14T02:30:00").replace(
        "end = 2026-12-03T17:00:00", "end = 2027-03-14T05:00:00"
    )
    line = body.splitlines().index("[[blockout]]") + 1

    with pytest.raises(SetupInvalid) as caught:
        diff_setup(clinic.engine, read_setup(clinic.engine, body))

    assert caught.value.problems == (
        f"clinic.toml line {line}: blockout #1: 2027-03-14 02:30 does not exist in "
        "America/Chicago (the clocks skip it)",
    )


def test_a_provider_only_the_database_has_may_be_named(clinic: Clinic) -> None:
    body = '[[type]]\nname = "Follow-up"\nminutes = 15\nproviders = ["patel"]\n'

    apply(clinic, body)

    assert rows(clinic.engine, "SELECT type_id, provider_id FROM type_provider") == [
        (clinic.type_id, clinic.provider2_id)
    ]


def test_visits_the_new_hours_leave_out_are_named_before_and_after(clinic: Clinic) -> None:
    """Thanksgiving and Okafor's later Tuesday start strand two booked visits; one stays."""
    holiday = clinic.book(clinic.add_patient("Holiday", "Hal"), 10, 0, day=TODAY + timedelta(2))
    early = clinic.book(clinic.add_patient("Early", "Eve"), 8, 30, day=TODAY + timedelta(7))
    clinic.book(clinic.add_patient("Fine", "Fay"), 10, 0, day=TODAY + timedelta(1))
    clinic.book(clinic.add_patient("Past", "Pat"), 8, 30)  # today 08:30, over already
    before = snapshot(clinic.engine)

    shown = lines(clinic, FILE)

    note = (
        "Note: 2 booked visits fall outside the new hours, breaks, holidays or blockouts; "
        "move them (m on the schedule): Thu 26 Nov 10:00 Okafor (Holiday); "
        "Tue 01 Dec 08:30 Okafor (Early)."
    )
    assert shown[-1] == note
    assert snapshot(clinic.engine) == before  # the trial was rolled back
    setup = read_setup(clinic.engine, FILE)
    applied = apply_setup(clinic.engine, setup, by=clinic.supervisor)
    assert applied.lines()[-1] == note
    booked = rows(clinic.engine, f"SELECT status FROM appointment WHERE id IN ({holiday}, {early})")
    assert booked == [("BOOKED",), ("BOOKED",)]


def test_a_file_that_moves_no_hours_names_no_visits(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Early", "Eve"), 8, 30, day=TODAY + timedelta(7))
    body = "[clinic]\nlate_cancel_hours = 48\n"
    assert lines(clinic, body) == ["Clinic:", "  ~ clinic late_cancel_hours: 24 -> 48"]
