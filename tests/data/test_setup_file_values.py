"""The values in a set-up file: hours and breaks, visit types, holidays, blockouts, staff."""

from __future__ import annotations

import pytest

from frontdesk.data.setup_file import Span, parse_setup
from frontdesk.text import is_unsafe_char
from tests.data.setup_helpers import VALID, line_of, only_problem, problems

# --- hours and breaks ----------------------------------------------------------------------------


def test_hours_ending_before_they_start() -> None:
    text = VALID.replace('tue = "08:00-17:00" }', 'tue = "13:00-12:00" }')

    message = only_problem(text.replace('breaks = { tue = "12:00-13:00 Lunch" }\n', ""), [])

    assert message == (
        f'clinic.toml line {line_of(text, "tue = ")}: provider "Okafor" hours.tue: '
        "13:00-12:00 ends before it starts"
    )


def test_overlapping_hours_on_one_weekday() -> None:
    text = VALID.replace('"08:00-12:00, 13:00-17:00"', '"08:00-12:00, 11:30-17:00"')

    message = only_problem(text, [])

    assert message == (
        f'clinic.toml line {line_of(text, "11:30")}: provider "Okafor" hours.mon: '
        "08:00-12:00 and 11:30-17:00 overlap"
    )


@pytest.mark.parametrize(
    ("pause", "hours"),
    [
        ("12:00-13:00 Lunch", "08:00-12:00, 13:00-17:00"),  # in the gap of a split day
        ("16:30-17:30 Admin", "08:00-12:00, 13:00-17:00"),  # past the end
    ],
)
def test_a_break_outside_the_hours(pause: str, hours: str) -> None:
    text = VALID.replace('breaks = { tue = "12:00-13:00 Lunch" }', f'breaks.mon = "{pause}"')

    message = only_problem(text, [])

    assert message == (
        f'clinic.toml line {line_of(text, "breaks.mon")}: provider "Okafor" breaks.mon: '
        f"{pause} is outside the hours on mon ({hours})"
    )


def test_a_break_on_a_day_without_hours() -> None:
    text = VALID.replace('breaks = { tue = "12:00-13:00 Lunch" }', 'breaks.wed = "12:00-13:00"')

    message = only_problem(text, [])

    assert message.endswith("breaks.wed: 12:00-13:00 is outside the hours on wed (none)")
    assert f"line {line_of(text, 'breaks.wed')}:" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8am-5pm", '"8am-5pm" is not a span of time; write it like 08:00-12:00'),
        ("25:00-26:00", "25:00-26:00: a time of day runs from 00:00 to 24:00"),
        ("08:00-17:00 Clinic", '"08:00-17:00 Clinic" is not a span of time'),
        ("08:60-17:00", "08:60-17:00: a time of day runs from 00:00 to 24:00"),
    ],
)
def test_bad_time_text(value: str, expected: str) -> None:
    text = VALID.replace('hours.sat = "08:00-12:00"', f'hours.sat = "{value}"')

    message = only_problem(text, [])

    assert message.startswith(
        f'clinic.toml line {line_of(text, "hours.sat")}: provider "Patel" hours.sat: {expected}'
    )


def test_hours_may_run_to_midnight_and_be_a_list() -> None:
    text = VALID.replace('hours.sat = "08:00-12:00"', 'hours.sat = ["00:00-06:00", "18:00-24:00"]')

    patel = parse_setup(text).providers[1]

    assert patel.hours == (Span(5, 0, 360), Span(5, 1080, 1440))


def test_hours_in_a_sub_table_are_located() -> None:
    text = VALID.replace('hours.sat = "08:00-12:00"\n', "") + (
        '\n[[provider]]\nshort_name = "Nguyen"\nname = "Linh Nguyen"\n'
        '[provider.hours]\nmon = "09:00-18:00"\nfri = "18:00-09:00"\n'
    )

    message = only_problem(text, [])

    assert message == (
        f'clinic.toml line {line_of(text, "fri = ")}: provider "Nguyen" hours.fri: '
        "18:00-09:00 ends before it starts"
    )


# --- visit types, holidays, blockouts, staff -----------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 4, 481, 10_000])
def test_a_visit_type_length_out_of_range(minutes: int) -> None:
    text = VALID.replace("minutes = 15", f"minutes = {minutes}")

    message = only_problem(text, [])

    assert message == (
        f'clinic.toml line {line_of(text, f"minutes = {minutes}")}: type "Follow-up" minutes: '
        f"{minutes:,} is not between 5 and 480"
    )


def test_a_visit_type_needs_minutes_as_a_number() -> None:
    text = VALID.replace("minutes = 15", 'minutes = "15"')

    message = only_problem(text, [])

    assert 'type "Follow-up" minutes: must be a whole number' in message
    assert f"line {line_of(text, 'minutes = ')}:" in message


def test_an_invalid_calendar_date_gets_its_line() -> None:
    text = VALID.replace("date = 2026-11-26", "date = 2026-02-30")

    message = only_problem(text)

    line = line_of(text, "2026-02-30")
    assert message.startswith(f"clinic.toml line {line}: date: Invalid date or datetime")
    assert message.endswith("2026-02-30 is not a day on the calendar")


def test_an_invalid_date_in_quotes_is_refused_too() -> None:
    text = VALID.replace("date = 2026-11-26", 'date = "2026-02-30"')

    message = only_problem(text)

    assert message == (
        f"clinic.toml line {line_of(text, '2026-02-30')}: holiday #1 date: "
        "2026-02-30 is not a day; write it like 2026-11-26"
    )


def test_a_time_without_seconds_gets_a_hint() -> None:
    text = VALID.replace("start = 2026-12-03T13:00:00", "start = 2026-12-03T13:00")

    message = only_problem(text)

    assert message.startswith(f"clinic.toml line {line_of(text, 'start = 2026-12-03')}: start:")
    assert message.endswith("write a time of day with seconds, like 2026-12-03T13:00:00")


def test_a_blockout_ending_before_it_starts() -> None:
    text = VALID.replace('end = "2026-12-03 17:00"', 'end = "2026-12-03 12:00"')

    message = only_problem(text, [])

    assert message == (
        f"clinic.toml line {line_of(text, 'end = ')}: blockout #1 end: "
        "2026-12-03 12:00 is not after the start"
    )


def test_a_blockout_with_an_offset_is_refused() -> None:
    text = VALID.replace("end = 2026-12-24T17:00:00", "end = 2026-12-24T17:00:00Z")

    message = only_problem(text, [])

    assert "blockout #2 end: write the clinic's local time" in message
    assert f"line {line_of(text, '17:00:00Z')}:" in message


def test_providers_named_by_types_and_blockouts_must_exist() -> None:
    text = VALID.replace('providers = ["Okafor", "Patel"]', 'providers = ["Okafor", "Nguyen"]')
    text = text.replace('provider = "Okafor"', 'provider = "Lindqvist"')

    found = problems(text, known=["Smith"])

    assert found == [
        f'clinic.toml line {line_of(text, "providers = [")}: type "Follow-up" providers: '
        'no provider has the short name "Nguyen"',
        f"clinic.toml line {line_of(text, 'Lindqvist')}: blockout #1 provider: "
        'no provider has the short name "Lindqvist"',
    ]
    # a provider the database has is enough, whatever its case
    assert parse_setup(text, known_providers=["nguyen", "LINDQVIST"]).types[0].providers[1] == (
        "Nguyen"
    )


@pytest.mark.parametrize(
    ("block", "key", "first"),
    [
        (
            '[[provider]]\nshort_name = "okafor"\nname = "Dr. O"\n',
            "short_name",
            'short_name = "Okafor"',
        ),
        ('[[type]]\nname = "FOLLOW-UP"\nminutes = 20\n', "name", 'name = "Follow-up"'),
        ('[[staff]]\nusername = "Ana"\n', "username", 'username = "ana"'),
    ],
)
def test_two_blocks_with_one_key_are_refused(block: str, key: str, first: str) -> None:
    text = VALID + "\n" + block

    message = only_problem(text, [])

    second = len(VALID.splitlines()) + 3
    assert message.startswith(f"clinic.toml line {second}: ")
    assert message.endswith(f"{key}: is listed twice (first on line {line_of(text, first)})")


def test_a_holiday_listed_twice() -> None:
    text = VALID + '\n[[holiday]]\ndate = 2026-11-26\nname = "Again"\n'

    message = only_problem(text, [])

    second = len(VALID.splitlines()) + 3
    assert message == (
        f"clinic.toml line {second}: holiday 2026-11-26 date: is listed twice "
        f"(first on line {line_of(text, 'date = 2026-11-26')})"
    )


def test_a_bad_role_is_refused_with_a_suggestion() -> None:
    text = VALID.replace('role = "supervisor"', 'role = "supervisr"')

    message = only_problem(text, [])

    assert message == (
        f'clinic.toml line {line_of(text, "supervisr")}: staff "kim" role: '
        '"supervisr" is not allowed; did you mean "supervisor"?'
    )


def test_a_username_with_spaces_is_refused() -> None:
    text = VALID.replace('username = "kim"', 'username = "kim lee"')

    message = only_problem(text, [])

    assert "staff #2 username: may use only letters, digits, dot, dash and underscore" in message


def test_a_bad_timezone_is_refused() -> None:
    text = VALID.replace('"America/Chicago"', '"Mars/Olympus"')

    message = only_problem(text, [])

    assert message.startswith(f"clinic.toml line {line_of(text, 'timezone')}: clinic timezone: ")
    assert "Mars/Olympus is not a timezone name" in message


def test_control_characters_are_refused_and_never_echoed() -> None:
    text = VALID.replace('name = "Ana Lopez"', 'name = "Ana\\u001b[2JLopez"')
    text = text.replace('"Okafor"\nname', '"Oka\\u001bfor"\nname')

    found = problems(text, [])

    assert any('staff "ana" name: this has a hidden control character' in p for p in found)
    assert any("provider #1 short_name: this has a hidden control character" in p for p in found)
    assert not any(is_unsafe_char(ch) for p in found for ch in p)
