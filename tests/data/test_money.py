"""Money is integer cents: what a clerk types, what the screen shows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.money import MAX_CENTS, InvalidAmount, format_cents, parse_cents, short_cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Amount must be more than $0.00 (no minus sign)"),
        ("$-5", "Amount must be more than $0.00 (no minus sign)"),
        ("0", "Amount must be more than $0.00"),
        ("0.00", "Amount must be more than $0.00"),
        ("$0", "Amount must be more than $0.00"),
        ("1e3", "Amount must be digits, like 25 or 25.50"),
        ("12.345", "Use at most two digits after the decimal point"),
        ("99999999999", f"Amount is over the limit of {format_cents(MAX_CENTS)}"),
        ("1,234,567.89", f"Amount is over the limit of {format_cents(MAX_CENTS)}"),
        ("abc", "Amount must be digits, like 25 or 25.50"),
        ("12a", "Amount must be digits, like 25 or 25.50"),
        ("", "Enter an amount, for example 25.00"),
        ("   ", "Enter an amount, for example 25.00"),
        (".", "Amount must be digits, like 25 or 25.50"),
        ("1,00", "Amount must be digits, like 25 or 25.50"),
        ("1.2.3", "Amount must be digits, like 25 or 25.50"),
        ("25; DROP TABLE payment", "Amount must be digits, like 25 or 25.50"),
    ],
)
def test_bad_amounts_are_refused_with_a_message(typed: str, message: str) -> None:
    with pytest.raises(InvalidAmount) as caught:
        parse_cents(typed)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("$1,000.00", 100_000),
        ("1000", 100_000),
        ("25", 2500),
        ("25.5", 2550),
        ("25.50", 2550),
        (".5", 50),
        ("5.", 500),
        ("0.01", 1),
        (" $ 12.34 ", 1234),
        ("12,345.67", 1_234_567),
    ],
)
def test_good_amounts_parse_to_cents(typed: str, cents: int) -> None:
    assert parse_cents(typed) == cents


def test_zero_only_when_allowed_and_the_limit_is_inclusive() -> None:
    assert parse_cents("0", allow_zero=True) == 0
    assert parse_cents(format_cents(MAX_CENTS)) == MAX_CENTS
    with pytest.raises(InvalidAmount, match="over the limit"):
        parse_cents(format_cents(MAX_CENTS + 1))
    with pytest.raises(InvalidAmount, match=r"over the limit of \$50\.00"):
        parse_cents("50.01", maximum=5000)


@given(st.integers(min_value=1, max_value=MAX_CENTS))
def test_format_and_parse_round_trip(cents: int) -> None:
    shown = format_cents(cents)
    assert shown.startswith("$")
    assert parse_cents(shown) == cents
    # what a clerk would retype: no dollar sign, no thousands separators
    assert parse_cents(shown.removeprefix("$").replace(",", "")) == cents
    assert parse_cents(short_cents(cents)) == cents


def test_a_pasted_wall_of_digits_is_refused_not_crashed() -> None:
    # int() refuses more than 4,300 digits with a plain ValueError
    with pytest.raises(InvalidAmount, match="over the limit"):
        parse_cents("9" * 5000)
    assert parse_cents("0" * 5000 + "25") == 2500


@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_whole_dollars_parse_exactly_or_are_refused(digits: str) -> None:
    dollars = int(digits)
    if 0 < dollars * 100 <= MAX_CENTS:
        assert parse_cents(digits) == dollars * 100
    else:
        with pytest.raises(InvalidAmount, match="more than|over the limit"):
            parse_cents(digits)


@given(st.integers(min_value=1, max_value=MAX_CENTS))
def test_format_groups_thousands_and_always_shows_two_decimals(cents: int) -> None:
    shown = format_cents(cents)
    whole, _, frac = shown.removeprefix("$").partition(".")
    assert len(frac) == 2
    groups = whole.split(",")
    assert all(len(g) == 3 for g in groups[1:])
    assert 1 <= len(groups[0]) <= 3
    assert int(whole.replace(",", "")) * 100 + int(frac) == cents


def test_negative_amounts_format_with_a_leading_minus() -> None:
    assert format_cents(-2550) == "-$25.50"
    assert format_cents(0) == "$0.00"
    assert short_cents(2500) == "$25"
    assert short_cents(2550) == "$25.50"


@given(st.floats(allow_nan=True, allow_infinity=True).map(repr))
def test_float_text_is_refused_or_exact_never_rounded(text: str) -> None:
    try:
        cents = parse_cents(text)
    except InvalidAmount:
        return
    assert isinstance(cents, int)
    assert Decimal(text) * 100 == cents
