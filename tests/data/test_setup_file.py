"""Reading a clinic set-up file: values, and every problem reported with its line and key."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.data.models import Role
from frontdesk.data.setup_file import Span, parse_setup
from frontdesk.data.setup_render import render_setup, toml_value
from tests.data.setup_helpers import VALID, line_of, only_problem, problems

# --- a good file --------------------------------------------------------------------------------


def test_a_valid_file_gives_typed_values() -> None:
    setup = parse_setup(VALID, "clinic.toml", known_providers=[])

    assert setup.clinic.timezone == "America/Chicago"
    assert setup.clinic.late_cancel_hours == 48
    assert setup.clinic.no_show_grace_minutes is None  # left out: stays as it is
    okafor, patel = setup.providers
    assert okafor.hours == (Span(0, 480, 720), Span(0, 780, 1020), Span(1, 480, 1020))
    assert okafor.breaks == (Span(1, 720, 780, "Lunch"),)
    assert okafor.active
    assert not patel.active
    assert patel.hours == (Span(5, 480, 720),)
    follow_up, new_patient = setup.types
    assert follow_up.providers == ("Okafor", "Patel")
    assert (new_patient.new_patient, new_patient.early_minutes, new_patient.providers) == (
        True,
        20,
        (),
    )
    assert setup.holidays[0].day == date(2026, 11, 26)
    training, closing = setup.blockouts
    # clinic-local, without a zone until it is compared with the database
    assert training.start == datetime(2026, 12, 3, 13, 0, tzinfo=UTC).replace(tzinfo=None)
    assert training.end == datetime(2026, 12, 3, 17, 0, tzinfo=UTC).replace(tzinfo=None)
    assert closing.provider is None
    assert [(s.username, s.name, s.role, s.active) for s in setup.staff] == [
        ("ana", "Ana Lopez", Role.DESK, True),
        ("kim", "kim", Role.SUPERVISOR, False),
    ]


def test_render_reads_back_equal_and_renders_the_same_again() -> None:
    setup = parse_setup(VALID)
    text = render_setup(setup)

    again = parse_setup(text)

    assert again == setup
    assert render_setup(again) == text


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_string_survives_toml_quoting(value: str) -> None:
    import tomllib

    assert tomllib.loads(f"k = {toml_value(value)}")["k"] == value


# --- keys --------------------------------------------------------------------------------------


def test_an_unknown_key_is_named_with_a_suggestion() -> None:
    text = VALID.replace('hours.sat = "08:00-12:00"', 'hour = { sat = "08:00-12:00" }')

    message = only_problem(text, [])

    line = line_of(text, "hour = {")
    assert message == (
        f'clinic.toml line {line}: provider "Patel": unknown key "hour"; did you mean "hours"?'
    )


@pytest.mark.parametrize(
    ("old", "new", "where", "wrong", "hint"),
    [
        (
            "late_cancel_hours = 48",
            "late_cancel = 48",
            "clinic",
            "late_cancel",
            "late_cancel_hours",
        ),
        (
            "minutes = 40",
            "minutes = 40\novrbook = true",
            'type "New patient"',
            "ovrbook",
            "overbook",
        ),
        ('role = "desk"', 'role = "desk"\npasword = "x"', 'staff "ana"', "pasword", "name"),
        ('reason = "Training"', 'reson = "Training"', "blockout #1", "reson", "reason"),
        ('name = "Thanksgiving"', 'title = "Thanksgiving"', "holiday #1", "title", "use one of"),
    ],
)
def test_unknown_keys_are_refused_in_every_block(
    old: str, new: str, where: str, wrong: str, hint: str
) -> None:
    text = VALID.replace(old, new)

    message = only_problem(text, [])

    assert message.startswith(f"clinic.toml line {line_of(text, wrong)}: {where}: ")
    assert f'unknown key "{wrong}"' in message
    assert hint in message


def test_an_unknown_table_is_refused() -> None:
    text = VALID.replace("[[holiday]]", "[[holidays]]")

    message = only_problem(text, [])

    line = line_of(text, "[[holidays]]")
    assert message == (
        f'clinic.toml line {line}: unknown table "holidays"; did you mean "holiday"?'
    )


def test_a_bad_weekday_name_is_refused_with_a_suggestion() -> None:
    text = VALID.replace('hours.sat = "08:00-12:00"', 'hours.saturday = "08:00-12:00"')

    message = only_problem(text, [])

    line = line_of(text, "hours.saturday")
    assert message == (
        f'clinic.toml line {line}: provider "Patel" hours.saturday: '
        '"saturday" is not a day of the week; did you mean "sat"?'
    )


# --- the file as a whole -------------------------------------------------------------------------


def test_a_syntax_error_passes_the_line_and_column_on() -> None:
    text = VALID.replace('name = "Dr. Anil Patel"', 'name = "Dr. Anil Patel')

    message = only_problem(text)

    assert message.startswith(f"clinic.toml line {line_of(text, 'Dr. Anil Patel')}: name: ")
    assert "(column " in message


def test_every_problem_is_reported_in_file_order() -> None:
    text = (
        VALID.replace("minutes = 40", "minutes = 0")
        .replace('role = "desk"', 'role = "clerk"')
        .replace('hours.sat = "08:00-12:00"', 'hours.sat = "12:00-08:00"')
    )

    found = problems(text, [])

    assert [p.split(":")[0] for p in found] == [
        f"clinic.toml line {line_of(text, '12:00-08:00')}",
        f"clinic.toml line {line_of(text, 'minutes = 0')}",
        f"clinic.toml line {line_of(text, 'clerk')}",
    ]


def test_a_block_written_as_a_single_table_is_explained() -> None:
    text = '[provider]\nshort_name = "Okafor"\nname = "Dr. O"\n'

    message = only_problem(text)

    assert (
        message == "clinic.toml line 1: provider: write each one as a block starting [[provider]]"
    )


def test_an_empty_file_is_a_valid_file_that_changes_nothing() -> None:
    setup = parse_setup("# nothing yet\n")

    assert (setup.providers, setup.types, setup.staff) == ((), (), ())


def test_the_documented_example_file_is_valid() -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "clinic.example.toml"

    setup = parse_setup(example.read_text(encoding="utf-8"), known_providers=[])

    assert [p.short_name for p in setup.providers] == ["Okafor", "Nguyen"]
    assert setup.types[2].providers == ("Okafor",)
    assert len(setup.holidays) == 2
    assert setup.blockouts[1].provider is None
    assert {s.role for s in setup.staff} == {Role.DESK, Role.SUPERVISOR}
