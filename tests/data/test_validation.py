"""Input rules at the field: dates, phones, names and search folding.

Property tests (hypothesis) cover every real date, every valid-looking US phone
number, and arbitrary Unicode for the name and folding rules.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from frontdesk.data.errors import InvalidInput
from frontdesk.data.validation import (
    MAX_NAME,
    clean_name,
    clean_text,
    date_candidates,
    fold,
    format_phone,
    name_keys,
    parse_birth_date,
    parse_date,
    parse_email,
    parse_phone,
    phone_search_key,
)
from tests.conftest import TODAY

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
C0 = [chr(c) for c in range(0x00, 0x20)]
C1 = [chr(c) for c in range(0x7F, 0xA0)]  # DEL and the C1 block
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`"

# Four-digit years: every calendar day a clerk can write in each of the forms.
four_digit_years = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


def written_mdy(day: date) -> list[str]:
    """The ways a US clerk writes ``day``."""
    return [
        f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
        f"{day.month}/{day.day}/{day.year:04d}",
        f"{day.month:02d}/{day.day:02d}/{day.year:04d}",
        f"{day.month:02d}{day.day:02d}{day.year:04d}",
        f"{day.day} {MONTHS[day.month - 1]} {day.year:04d}",
        f"{MONTHS[day.month - 1]} {day.day}, {day.year:04d}",
    ]


# --- dates ---------------------------------------------------------------------------


@given(four_digit_years)
def test_every_real_date_round_trips_in_every_form(day: date) -> None:
    for text in written_mdy(day):
        assert parse_date(text, field="d", label="Date", today=TODAY) == day, text
        assert date_candidates(text, TODAY)[0] == day, text


@given(birth_dates)
def test_day_first_clinic_reads_day_first(day: date) -> None:
    for text in (
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}{day.month:02d}{day.year:04d}",
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        day.isoformat(),
    ):
        assert parse_date(text, field="d", label="Date", today=TODAY, order="DMY") == day, text


@given(birth_dates)
def test_birth_dates_up_to_today_are_accepted(day: date) -> None:
    assert parse_birth_date(day.strftime("%m/%d/%Y"), today=TODAY) == day


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31)))
def test_future_birth_dates_are_refused(day: date) -> None:
    with pytest.raises(InvalidInput, match="cannot be in the future") as caught:
        parse_birth_date(day.isoformat(), today=TODAY)
    assert caught.value.field == "dob"


def test_ambiguous_date_prefers_the_clinic_order_and_offers_the_other() -> None:
    assert date_candidates("3/4/1990", TODAY) == [date(1990, 3, 4), date(1990, 4, 3)]
    assert date_candidates("3/4/1990", TODAY, "DMY") == [date(1990, 4, 3), date(1990, 3, 4)]


def test_two_digit_birth_years_lie_in_the_past() -> None:
    assert parse_birth_date("3/14/90", today=TODAY) == date(1990, 3, 14)
    assert parse_birth_date("3/14/05", today=TODAY) == date(2005, 3, 14)


@pytest.mark.parametrize("text", ["2026-02-30", "13/13/2020", "02302026", "2/29/2025"])
def test_impossible_calendar_days_are_refused_with_the_text(text: str) -> None:
    assert date_candidates(text, TODAY) == []
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, field="dob", label="Date of birth", today=TODAY)
    assert caught.value.field == "dob"
    assert str(caught.value) == f"Date of birth: {text} is not a day on the calendar"


@pytest.mark.parametrize("text", ["yesterday", "14 Foo 1990", "1990", "3/14"])
def test_text_that_is_not_a_date_gets_an_example(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"type a date like 3/14/1990") as caught:
        parse_date(text, field="appt", label="Day", today=TODAY)
    assert caught.value.field == "appt"


def test_empty_and_pre_1900_birth_dates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="required"):
        parse_birth_date("  ", today=TODAY)
    with pytest.raises(InvalidInput, match="before 1900"):
        parse_birth_date("1899-12-31", today=TODAY)
    assert parse_birth_date("1900-01-01", today=TODAY) == date(1900, 1, 1)
    assert parse_birth_date(TODAY.isoformat(), today=TODAY) == TODAY


# --- phones --------------------------------------------------------------------------

AREA_CODES = ["212", "312", "415", "617", "713", "773", "202", "305", "404", "206", "503"]


@st.composite
def us_numbers(draw: st.DrawFn) -> str:
    """Ten digits of a number phonenumbers considers valid in the US."""
    area = draw(st.sampled_from(AREA_CODES))
    exchange = draw(st.integers(200, 999))
    line = draw(st.integers(0, 9999))
    digits = f"{area}{exchange:03d}{line:04d}"
    assume(phonenumbers.is_valid_number(phonenumbers.parse("+1" + digits)))
    return digits


def written_phone(digits: str) -> list[str]:
    a, e, n = digits[:3], digits[3:6], digits[6:]
    return [
        f"({a}) {e}-{n}",
        f"{a}-{e}-{n}",
        f"{a}.{e}.{n}",
        digits,
        f"  {a} {e} {n}  ",
        f"+1 {a} {e} {n}",
        f"1-{a}-{e}-{n}",
        f"+1{digits}",
    ]


@given(us_numbers())
def test_valid_numbers_normalise_to_e164_and_round_trip(digits: str) -> None:
    expected = "+1" + digits
    for text in written_phone(digits):
        assert parse_phone(text, field="phone", label="Phone") == expected, text
    shown = format_phone(expected)
    assert shown == f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    assert parse_phone(shown, field="phone", label="Phone") == expected
    assert phone_search_key(expected) == digits


@given(
    us_numbers(),
    st.characters(categories=("Lu", "Ll")),
    st.integers(0, 14),
)
def test_a_letter_anywhere_is_refused(digits: str, letter: str, at: int) -> None:
    text = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    at = min(at, len(text))
    with pytest.raises(InvalidInput) as caught:
        parse_phone(text[:at] + letter + text[at:], field="phone_home", label="Home phone")
    assert caught.value.field == "phone_home"
    assert str(caught.value).startswith("Home phone")


def test_an_extension_is_refused_with_where_to_put_it() -> None:
    with pytest.raises(InvalidInput, match="extension goes in the notes"):
        parse_phone("312-555-0134 x12", field="phone_home", label="Home phone")


def test_letters_get_a_message_that_says_so() -> None:
    with pytest.raises(InvalidInput, match="Mobile phone has letters; type digits only"):
        parse_phone("1-800-FLOWERS", field="phone_mobile", label="Mobile phone")


@given(st.text(alphabet="0123456789", min_size=1, max_size=9))
def test_too_few_digits_are_refused_with_the_count(digits: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_phone(digits, field="phone", label="Phone")
    assert str(caught.value) == f"Phone has too few digits ({len(digits)})"


def test_empty_phone_is_allowed_and_foreign_numbers_keep_their_country() -> None:
    assert parse_phone("   ", field="phone", label="Phone") == ""
    assert format_phone("") == ""
    uk = parse_phone("+44 20 7946 0958", field="phone", label="Phone")
    assert uk == "+442079460958"
    assert format_phone(uk).startswith("+44 ")
    assert parse_phone(format_phone(uk), field="phone", label="Phone") == uk


# --- names and free text -------------------------------------------------------------

safe_chars = st.characters(
    exclude_categories=("Cc", "Cs"),
    exclude_characters="".join(BIDI) + "\u200e\u200f",
)


letters = st.characters(categories=["L"])


@given(
    st.text(alphabet=letters, min_size=1, max_size=10),
    st.sampled_from(C0 + C1 + BIDI),
    st.text(alphabet=letters, min_size=1, max_size=10),
)
def test_control_and_bidi_characters_are_refused(before: str, bad: str, after: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_name(before + bad + after, field="last_name", label="Last name")
    assert caught.value.field == "last_name"
    assert f"U+{ord(bad):04X}" in str(caught.value)
    assert str(caught.value).startswith("Last name has a hidden")


@pytest.mark.parametrize("bad", ["\x1b[2J", "\x1b]0;pwned\x07", "\u202eevil", "x\u2066y", "\x9b"])
def test_terminal_escapes_are_refused_in_any_free_text(bad: str) -> None:
    with pytest.raises(InvalidInput):
        clean_text("Note " + bad, field="note", label="Note", multiline=True)


def test_notes_may_have_newlines_but_lines_may_not() -> None:
    assert clean_text("line one\nline two", field="n", label="Note", multiline=True) == (
        "line one\nline two"
    )
    with pytest.raises(InvalidInput, match="U\\+000A"):
        clean_text("line one\nline two", field="n", label="City")


def test_a_10000_character_name_is_refused_naming_the_limit() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_name("A" * 10_000, field="first_name", label="First name")
    assert caught.value.field == "first_name"
    assert str(caught.value) == f"First name is 10,000 characters; the limit is {MAX_NAME}"
    assert clean_name("A" * MAX_NAME, field="f", label="F") == "A" * MAX_NAME


@pytest.mark.parametrize(
    "name",
    [
        "[red]x[/]",
        "Smith[/]",
        "[@click=app.quit]x[/]",
        "O'Brien-Núñez",
        "Zoë 🌸",
        "Jose\u0301",  # e + combining acute, kept decomposed
        "Nguyễn",
        "李小龍",
        "Robert'); DROP TABLE patient;--",
        "50% off_",
    ],
)
def test_unusual_but_harmless_names_are_kept_exactly(name: str) -> None:
    assert clean_name(name, field="last_name", label="Last name") == name


@given(
    st.text(alphabet=safe_chars, min_size=1, max_size=MAX_NAME).filter(
        lambda s: s == s.strip() and any(ch.isalpha() for ch in s)
    )
)
def test_any_safe_name_is_returned_unchanged(name: str) -> None:
    assert clean_name(name, field="first_name", label="First name") == name


def test_names_need_a_letter_and_surrounding_spaces_are_trimmed() -> None:
    assert clean_name("  Ana  ", field="f", label="First name") == "Ana"
    with pytest.raises(InvalidInput, match="First name is required"):
        clean_name("   ", field="f", label="First name")
    with pytest.raises(InvalidInput, match="at least one letter"):
        clean_name("🌸 123", field="f", label="First name")
    assert clean_name("", field="m", label="Middle name", required=False) == ""


def test_email() -> None:
    assert parse_email(" ana@example.org ") == "ana@example.org"
    assert parse_email("") == ""
    with pytest.raises(InvalidInput, match="name@example.org"):
        parse_email("ana at example")


# --- folding for search --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("O'Brien-Núñez", "obrien nunez"),
        ("O\u2019Brien", "obrien"),  # curly apostrophe
        ("O\u02bcBrien", "obrien"),  # modifier-letter apostrophe
        ("  GARCÍA   López ", "garcia lopez"),
        ("Jose\u0301", "jose"),
        ("St. John", "st john"),
        ("Müller/Straße", "muller strasse"),
        ("ＡＮＡ", "ana"),
    ],
)
def test_fold_removes_accents_case_and_punctuation(typed: str, folded: str) -> None:
    assert fold(typed) == folded


@given(st.text())
def test_fold_is_idempotent_and_leaves_nothing_to_fold(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    # Nothing left to case-fold (Cherokee small letters fold *to* capitals in
    # Unicode, so "no uppercase" is stated as "stable under casefold").
    assert key.casefold() == key
    assert all("\u13a0" <= ch <= "\u13f5" for ch in key if ch.isupper())
    assert not any(ch in APOSTROPHES for ch in key)
    assert key == key.strip()
    assert "  " not in key


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñüçàèìòùâêîôûäëïöÿ '-\u2019.", max_size=30))
def test_fold_ignores_case_accents_and_normal_form(text: str) -> None:
    key = fold(text)
    assert fold(text.upper()) == key
    assert fold(unicodedata.normalize("NFD", text)) == key
    assert fold(unicodedata.normalize("NFC", text.title())) == key
    assert key.isascii()  # every letter above has an ASCII base letter


def test_name_keys_split_off_the_second_surname() -> None:
    assert name_keys("García López", "María") == ("garcia lopez", "maria", "lopez")
    assert name_keys("O'Brien-Núñez", "Seán") == ("obrien nunez", "sean", "nunez")
    assert name_keys("Smith", "Jo") == ("smith", "jo", None)


@pytest.mark.parametrize(
    ("surname", "second"),
    [
        ("García López", "lopez"),
        ("de la Cruz", "cruz"),
        ("van der Berg", "berg"),
        ("Martínez de León", "leon"),
        ("Al-Hassan", "hassan"),
        ("O'Brien-Núñez", "nunez"),
        ("Smith", None),
        ("De", None),
    ],
)
def test_the_second_surname_key_is_what_a_clerk_types_alone(
    surname: str, second: str | None
) -> None:
    assert name_keys(surname, "Ana")[2] == second


@pytest.mark.parametrize("digits", ["3100000", "5550134", "411"])
def test_short_service_numbers_are_not_callback_numbers(digits: str) -> None:
    with pytest.raises(InvalidInput, match=f"too few digits \\({len(digits)}\\)"):
        parse_phone(digits, field="phone", label="Phone")
