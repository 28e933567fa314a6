"""The close-of-day report drawn with Rich: one renderable for the CLI and the app.

Every name in it came from a user, so it goes in as ``Text`` (never markup).
Fits 80 columns; words, not colours, carry the meaning (OVER, SHORT, FORCED).
"""

from __future__ import annotations

from datetime import datetime

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from frontdesk.data.closeout_report import DrawerLine, HandoffLine, MoneyLine, Report
from frontdesk.data.receipts import receipt_label
from frontdesk.money import format_cents

KIND_NAMES = {
    "copay": "Copay",
    "past_due": "Past due",
    "prepayment": "Prepayment",
    "other": "Other",
}
TENDER_NAMES = {"cash": "Cash", "check": "Check", "card": "Card"}


def variance_word(cents: int) -> str:
    """``+$1.00 OVER``, ``-$5.00 SHORT`` or ``even``."""
    if cents > 0:
        return f"+{format_cents(cents)} OVER"
    if cents < 0:
        return f"{format_cents(cents)} SHORT"
    return "even"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for index, name in enumerate(columns):
        table.add_column(name, justify="left" if index == 0 else "right", no_wrap=index > 0)
    return table


def _money_table(title: str, lines: list[MoneyLine], names: dict[str, str]) -> Table:
    table = _table(title, "", "Payments", "Taken", "Given back", "Net")
    for line in lines:
        table.add_row(
            Text(names.get(line["name"], line["name"])),
            str(line["payments"]),
            format_cents(line["taken_cents"]),
            format_cents(line["reversed_cents"]),
            format_cents(line["net_cents"]),
        )
    return table


def _drawer_table(drawers: list[DrawerLine]) -> Table:
    table = _table("Drawers (blind count)", "Drawer", "Expected", "Counted", "Over/short")
    for d in drawers:
        name = Text(f"{d['drawer_id']} {d['clerk']}")
        if not d["counted"]:
            table.add_row(name, "", "NOT COUNTED", "")
            continue
        table.add_row(
            name,
            format_cents(d["cash_expected_cents"]),
            format_cents(d["cash_counted_cents"]),
            variance_word(d["cash_variance_cents"]),
        )
        checks = d["check_counted_cents"] - d["check_expected_cents"]
        table.add_row(
            Text(f"  checks ({d['check_count_counted']}/{d['check_count_expected']})"),
            format_cents(d["check_expected_cents"]),
            format_cents(d["check_counted_cents"]),
            variance_word(checks),
        )
        cards = d["card_counted_cents"] - d["card_expected_cents"]
        table.add_row(
            Text("  card slips"),
            format_cents(d["card_expected_cents"]),
            format_cents(d["card_counted_cents"]),
            variance_word(cards),
        )
        if d["reason"]:
            table.add_row(Text(f"  reason: {d['reason']}"), "", "", "")
    return table


def report_renderable(report: Report) -> RenderableType:
    """The whole report, top to bottom."""
    head = Text()
    head.append(f"{report['clinic']}\n", style="bold")
    head.append(f"Close of day {report['business_date']}")
    if report["closed_by"]:
        closed = datetime.fromisoformat(report["closed_at"])
        head.append(f"   closed {closed:%d %b %H:%M} by {report['closed_by']}")
    else:
        head.append("   PREVIEW: not closed")
    if report["forced"]:
        head.append(f"\nFORCED: {report['reason']}", style="bold")
        for item in report["overridden"]:
            head.append(f"\n  left open: {item}")
    money = report["money"]
    total = Text(
        f"Net taken {format_cents(money['net_cents'])}  "
        f"({money['payments']} payments, {format_cents(money['taken_cents'])} taken, "
        f"{format_cents(money['reversed_cents'])} given back)",
        style="bold",
    )
    parts: list[RenderableType] = [head, Text(""), total]
    parts.append(_money_table("By tender", money["by_tender"], TENDER_NAMES))
    parts.append(_money_table("By kind", money["by_kind"], KIND_NAMES))
    parts.append(_money_table("By clerk", money["by_clerk"], {}))
    if report["reversals"]:
        table = _table("Voids and refunds", "Receipt", "Of", "Amount", "Asked", "Approved")
        for r in report["reversals"]:
            original = receipt_label(r["original_receipt_no"])
            if r["original_date"] != report["business_date"]:
                original += f" ({r['original_date']})"
            table.add_row(
                Text(f"{receipt_label(r['receipt_no'])} {r['entry'].upper()}"),
                original,
                format_cents(r["amount_cents"]),
                Text(r["requested_by"]),
                Text(r["approved_by"]),
            )
            table.add_row(Text(f"  {r['reason']}"), "", "", "", "")
        parts.append(table)
    if report["drawers"]:
        parts.append(_drawer_table(report["drawers"]))
    v = report["visits"]
    rate = "n/a" if v["no_show_rate_percent"] is None else f"{v['no_show_rate_percent']}%"
    w = report["waits"]
    waits = (
        "no arrivals roomed"
        if w["median_minutes"] is None
        else f"arrival to room median {w['median_minutes']} min, "
        f"90th percentile {w['p90_minutes']} min ({w['visits']} visits)"
    )
    parts.append(
        Text(
            f"Visits: {v['scheduled']} on the schedule, {v['seen']} seen, "
            f"{v['no_shows']} no-shows ({rate}), {v['cancelled']} cancelled, "
            f"{v['walk_ins']} walk-ins\nWaits: {waits}"
        )
    )
    complaints = report.get("complaints") or []
    if complaints:
        lines = Text()
        lines.append("Complaints resolved", style="bold")
        for c in complaints:
            lines.append(f"\n  {c['who']}: {c['outcome']} after {c['minutes_to_resolve']} min")
        parts.append(lines)
    handoff: list[HandoffLine] = report.get("handoff") or []
    if report["billing"] or report["warnings"] or handoff:
        hand = Text("\n")
        hand.append("Handed on", style="bold")
        for b in report["billing"]:
            hand.append(f"\n  billing: {b['patient']} MRN {b['mrn']}: {b['note']} ({b['by']})")
        for warning in report["warnings"]:
            hand.append(f"\n  {warning}")
        owner = None
        for line in handoff:
            if line["owner"] != owner:
                owner = line["owner"]
                hand.append(f"\n  Callbacks for {owner}:")
            due = datetime.fromisoformat(line["due"])
            mark = " OVERDUE" if line["overdue"] else ""
            hand.append(
                f"\n    {due:%d %b %H:%M}{mark}  {line['reason']}  {line['who']}  "
                f"{line['phone']}  tries {line['attempts']}"
            )
        parts.append(hand)
    return Group(*parts)
