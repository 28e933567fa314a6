"""A stored blind count against what the drawer should hold, with words for over and short.

Shown only once the count is stored, so the counter never sees an expected
figure before counting.
"""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from frontdesk.data.drawer import CountResult
from frontdesk.money import format_cents
from frontdesk.report_view import variance_word
from frontdesk.widgets.safe import safe


def _pieces_word(difference: int) -> str:
    if difference > 0:
        return f"+{difference} OVER"
    if difference < 0:
        return f"{difference} SHORT"
    return "even"


def result_renderable(result: CountResult, tolerance_cents: int, *, previous: bool) -> Group:
    """Expected against counted for each tender, with words for over and short."""
    exp = result.expected
    if result.accepted:
        head = Text("SETTLED: ", style="bold")
        if result.reason:
            head.append("the difference is explained.")
        else:
            head.append(f"within {format_cents(tolerance_cents)}.")
    else:
        head = Text("DIFFERS: ", style="bold")
        if result.largest_variance > tolerance_cents:
            head.append(f"more than {format_cents(tolerance_cents)} off.")
        else:
            head.append("the number of checks is off.")
    if previous:
        head = Text.assemble(("Last count (kept). ", "bold"), head)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1), show_edge=False)
    table.add_column("", no_wrap=True)
    table.add_column("Expected", justify="right", no_wrap=True)
    table.add_column("Counted", justify="right", no_wrap=True)
    table.add_column("Over/short", no_wrap=True)
    table.add_row(
        "Cash",
        format_cents(exp.cash_cents),
        format_cents(result.cash_counted_cents),
        variance_word(result.cash_variance),
    )
    table.add_row(
        "Checks",
        str(exp.check_count),
        str(result.check_count),
        _pieces_word(result.check_count - exp.check_count),
    )
    table.add_row(
        "Check total",
        format_cents(exp.check_cents),
        format_cents(result.check_counted_cents),
        variance_word(result.check_variance),
    )
    table.add_row(
        "Card slips",
        format_cents(exp.card_cents),
        format_cents(result.card_counted_cents),
        variance_word(result.card_variance),
    )
    parts: list[Text | Table] = [head, table]
    if result.accepted and result.reason:
        parts.append(Text.assemble("Reason: ", safe(result.reason)))
    return Group(*parts)


class CountResultView(Static):
    """The last stored count of the drawer, settled or not."""

    def show(self, result: CountResult, tolerance_cents: int, *, previous: bool) -> None:
        """Show ``result``; ``previous`` marks it as the count kept while recounting."""
        self.update(result_renderable(result, tolerance_cents, previous=previous))
