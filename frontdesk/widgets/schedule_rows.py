"""The schedule's table: its columns, one row's cells, and the keys that keep rows stable."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from frontdesk.data.models import Status
from frontdesk.data.schedule import ScheduleRow
from frontdesk.widgets.safe import safe

STATUS_STYLE = {
    Status.BOOKED: "",
    Status.ARRIVED: "bold",
    Status.IN_ROOM: "bold",
    Status.DONE: "dim",
    Status.NO_SHOW: "dim",
    Status.CANCELLED: "dim",
}
COUNT_ORDER = (
    ("Booked", "BOOKED"),
    ("Arrived", "ARRIVED"),
    ("In room", "IN ROOM"),
    ("Done", "DONE"),
    ("No-show", "NO-SHOW"),
    ("Cancelled", "CANCELLED"),
    ("Walk-in", "WALK-IN"),
    ("Open", "OPEN"),
)
COLUMNS = (
    ("time", "Time", 6),
    ("patient", "Patient", 20),
    ("provider", "Provider", 9),
    ("type", "Type", 10),
    ("status", "Status", 9),
    ("flags", "Flags", 13),
)


def row_key(row: ScheduleRow) -> str:
    """Stable key: the appointment id, or provider and time for an opening."""
    if row.appointment_id is not None:
        return str(row.appointment_id)
    return f"open-{row.provider_id}-{row.start:%H%M}"


def row_cells(row: ScheduleRow, marked: bool = False) -> tuple[Text, ...]:
    """The cells of one row; user data as plain ``Text``; a marked row starts with ■."""
    time = Text(f"{'■' if marked else ' '}{row.start:%H:%M}", style="bold" if marked else "")
    if row.is_opening:
        return (
            time,
            Text(f"(open {row.minutes}m)", style="italic"),
            safe(row.provider),
            Text(""),
            Text(""),
            Text(""),
        )
    status = row.status or Status.BOOKED
    flags = ("WALK-IN", *row.flags) if row.walk_in else row.flags
    return (
        time,
        safe(row.patient),
        safe(row.provider),
        safe(row.type_name),
        Text(status.value, style=STATUS_STYLE[status]),
        Text(" ".join(flags)),
    )


class ScheduleTable(DataTable[Text]):
    """The day's rows; left/right belong to the screen (previous/next day)."""

    BINDINGS = [b for b in DataTable.BINDINGS if getattr(b, "key", "") not in ("left", "right")]
