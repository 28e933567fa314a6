"""The large demo's drawers, and their blind counts after the desk closes.

A drawer opens with the small demo's float (:data:`frontdesk.data.demo_money.FLOAT_COUNTS`)
and :class:`DrawerState` keeps what it should hold as money rows are made.
:class:`Counter` counts each drawer of a day that is over, as the drawer screen
stores a count (:func:`frontdesk.data.drawer.count_drawer`): the cash as bills
and coins, the checks and card slips, beside the expected figures. Most
drawers are counted exactly; some cash is a few cents off, within the clinic's
tolerance; a few are further off and are accepted with a reason, half of them
after a first count without one (which does not settle the drawer).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from frontdesk.data.demo_large_patients import stamp, words
from frontdesk.data.demo_money import FLOAT_COUNTS
from frontdesk.data.models import DEFAULT_DENOMINATIONS, ClinicSettings

COUNT_COLUMNS = words(
    "id drawer_id business_date counted_at counted_by counts cash_counted_cents "
    "cash_expected_cents check_count_counted check_count_expected check_counted_cents "
    "check_expected_cents card_counted_cents card_expected_cents reason accepted"
)
COUNT_REASONS = ("Gave change from a $20 instead of a $10", "Coins miscounted at the float")
DENOMINATIONS = tuple(int(d) for d in DEFAULT_DENOMINATIONS.split(","))
FLOAT_CENTS = sum(d * n for d, n in FLOAT_COUNTS.items())
TOLERANCE: int = ClinicSettings.model_fields["variance_tolerance_cents"].default


@dataclass
class DrawerState:
    """A drawer and what it should hold so far (float plus the money rows' effect)."""

    id: int
    staff: int
    opened_at: datetime
    cash: int = FLOAT_CENTS
    checks: int = 0
    check_cents: int = 0
    card_cents: int = 0


def cash_counts(cents: int) -> dict[int, int]:
    """Cash as the fewest bills and coins of the clinic's denominations."""
    out: dict[int, int] = {}
    for denom in DENOMINATIONS:
        out[denom], cents = divmod(cents, denom)
    return out


class Counter:
    """Counts drawers; count ids run on from one day to the next."""

    def __init__(self, rng: random.Random, supervisor: int) -> None:
        self.rng = rng
        self.supervisor = supervisor
        self.next_id = 1

    def count(
        self, drawers: list[DrawerState], day: date, after: datetime
    ) -> list[tuple[Any, ...]]:
        """Each drawer's blind count (or two) after the desk closes at ``after``."""
        rng = self.rng
        out: list[tuple[Any, ...]] = []
        for drawer in drawers:
            at = after + timedelta(minutes=rng.uniform(5, 25))
            by = drawer.staff if rng.random() < 0.9 else self.supervisor
            roll = rng.random()
            off = 0
            if roll < 0.06:
                off = rng.choice((-1, 1)) * (
                    rng.randint(1, 100) if roll < 0.04 else rng.randint(101, 2000)
                )
            counted = max(drawer.cash + off, 0)
            attempts = [""]
            if abs(counted - drawer.cash) > TOLERANCE:
                reason = rng.choice(COUNT_REASONS)
                attempts = ["", reason] if rng.random() < 0.5 else [reason]
            for number, reason in enumerate(attempts):
                accepted = abs(counted - drawer.cash) <= TOLERANCE or bool(reason)
                counts = {str(d): n for d, n in cash_counts(counted).items() if n}
                out.append(
                    (
                        self.next_id,
                        drawer.id,
                        day.isoformat(),
                        stamp(at + timedelta(minutes=3 * number)),
                        by,
                        json.dumps(counts, sort_keys=True),
                        counted,
                        drawer.cash,
                        drawer.checks,
                        drawer.checks,
                        drawer.check_cents,
                        drawer.check_cents,
                        drawer.card_cents,
                        drawer.card_cents,
                        reason,
                        int(accepted),
                    )
                )
                self.next_id += 1
        return out
