"""Money as integer cents: parse what a clerk types, format for display.

No floats anywhere: parsing works on the decimal digits of the text.
"""

from __future__ import annotations

import re

MAX_CENTS = 10_000_000  # $100,000.00: far above any desk payment, far below overflow

_AMOUNT = re.compile(r"^(?P<whole>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d{0,2}))?$")


class InvalidAmount(ValueError):
    """An amount the desk cannot accept, with a message that explains the fix."""


def parse_cents(text: str, *, allow_zero: bool = False, maximum: int = MAX_CENTS) -> int:
    """Parse ``"25"``, ``"25.5"``, ``"$1,000.00"`` into cents.

    Refuses negatives, exponents, more than two decimal places, letters and
    amounts above ``maximum``, each with a clerk-readable message.
    """
    raw = text.strip()
    if not raw:
        raise InvalidAmount("Enter an amount, for example 25.00")
    if raw.startswith("$"):
        raw = raw[1:].strip()
    if raw.startswith("-"):
        raise InvalidAmount("Amount must be more than $0.00 (no minus sign)")
    match = _AMOUNT.match(raw)
    if match is None or (match.group("whole") is None and not match.group("frac")):
        if re.search(r"\.\d{3,}$", raw):
            raise InvalidAmount("Use at most two digits after the decimal point")
        raise InvalidAmount("Amount must be digits, like 25 or 25.50")
    whole_text = (match.group("whole") or "0").replace(",", "").lstrip("0") or "0"
    if len(whole_text) > len(str(maximum)):
        # more dollar digits than the limit has cents: over it (and int() refuses
        # thousands of digits with a plain ValueError, which would crash the form)
        raise InvalidAmount(f"Amount is over the limit of {format_cents(maximum)}")
    whole = int(whole_text)
    frac_text = (match.group("frac") or "").ljust(2, "0")
    cents = whole * 100 + int(frac_text)
    if cents == 0 and not allow_zero:
        raise InvalidAmount("Amount must be more than $0.00")
    if cents > maximum:
        raise InvalidAmount(f"Amount is over the limit of {format_cents(maximum)}")
    return cents


def format_cents(cents: int) -> str:
    """``2500`` -> ``"$25.00"``; negative amounts get a leading minus."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{frac:02d}"


def short_cents(cents: int) -> str:
    """Compact form for flags: ``2500`` -> ``"$25"``, ``2550`` -> ``"$25.50"``."""
    whole, frac = divmod(abs(cents), 100)
    return f"${whole:,}" if frac == 0 else f"${whole:,}.{frac:02d}"


def plain_cents(cents: int) -> str:
    """``2500`` -> ``"25.00"``: what goes back into an amount field for editing."""
    whole, frac = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{frac:02d}"
