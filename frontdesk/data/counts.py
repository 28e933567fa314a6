"""Counts of bills, coins and checks as a counter types them: checked, labelled, totalled.

Used for a drawer's opening float and for its blind count alike; a field is
named ``count-<cents>`` for a denomination so messages land under it.
"""

from __future__ import annotations

from collections.abc import Mapping

from frontdesk.data.errors import InvalidInput

MAX_PIECES = 100_000  # more of one denomination than any drawer holds: a typo


def denomination_label(cents: int) -> str:
    """``2000`` -> ``"$20"``, ``25`` -> ``"25¢"``."""
    return f"${cents // 100}" if cents >= 100 and cents % 100 == 0 else f"{cents}¢"


def parse_count(value: str | int, *, field: str, label: str) -> int:
    """A number of bills, coins or checks: a whole number, 0 or more."""
    if isinstance(value, bool):
        raise InvalidInput(f"{label}: enter how many, like 3", field=field)
    if isinstance(value, int):
        number = value
    else:
        raw = value.strip()
        if raw == "":
            return 0
        if raw.startswith("-"):
            raise InvalidInput(f"{label}: a count cannot be negative", field=field)
        # ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses
        if not (raw.isascii() and raw.isdigit()):
            raise InvalidInput(f"{label}: enter a whole number, like 3", field=field)
        if len(raw) > 6:
            raise InvalidInput(f"{label}: {raw} is more than a drawer holds", field=field)
        number = int(raw)
    if number < 0:
        raise InvalidInput(f"{label}: a count cannot be negative", field=field)
    if number > MAX_PIECES:
        raise InvalidInput(f"{label}: {number:,} is more than a drawer holds", field=field)
    return number


def parse_counts(raw: Mapping[int, str | int], denominations: tuple[int, ...]) -> dict[int, int]:
    """Counts per denomination (cents -> pieces); each field is named ``count-<cents>``."""
    unknown = set(raw) - set(denominations)
    if unknown:
        listed = ", ".join(denomination_label(d) for d in sorted(unknown, reverse=True))
        raise InvalidInput(f"Not one of this clinic's denominations: {listed}", field="counts")
    return {
        denom: parse_count(
            raw.get(denom, 0), field=f"count-{denom}", label=denomination_label(denom)
        )
        for denom in denominations
    }


def counts_total(counts: Mapping[int, int]) -> int:
    """The value of a denomination count, in cents."""
    return sum(denom * pieces for denom, pieces in counts.items())
