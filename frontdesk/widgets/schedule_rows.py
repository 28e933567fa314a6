"""The schedule's table: its columns, one row's cells, and the keys that keep rows stable."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CursorType

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


CURSOR_COLUMNS = 2  # the row cursor covers the time and the patient
CONTEXT_ROWS = 2  # rows shown above the cursor when a day is first shown


class ScheduleTable(DataTable[Text]):
    """The day's rows; left/right belong to the screen (previous/next day).

    The cursor is drawn over the time and the patient only (in reverse video,
    so it shows without colour): moving it rewrites those two cells of two rows,
    not two whole rows, which is what a slow link pays for on every arrow key.
    The table is as wide as its columns, so nothing to their right is drawn
    with the cursor either.
    """

    DEFAULT_CSS = """
    ScheduleTable { width: auto; max-width: 100%; }
    """
    BINDINGS = [b for b in DataTable.BINDINGS if getattr(b, "key", "") not in ("left", "right")]

    def _should_highlight(
        self, cursor: Coordinate, target_cell: Coordinate, type_of_cursor: CursorType
    ) -> bool:
        if type_of_cursor == "row":
            return cursor.row == target_cell.row and 0 <= target_cell.column < CURSOR_COLUMNS
        return super()._should_highlight(cursor, target_cell, type_of_cursor)

    def replace_rows(
        self, rows: Sequence[tuple[str, Sequence[Text]]], cursor: int, top: int | None
    ) -> None:
        """Show ``rows`` (key, cells) anew, the cursor on row ``cursor``, in one frame.

        ``top`` is the row to show first (kept within reach of the cursor), or
        ``None`` to keep the rows scrolled where they were. DataTable would draw
        the new rows scrolled to the top first and scroll to the cursor after
        that frame: twice the bytes, and a jump on the clerk's screen.
        """
        keep = int(self.scroll_y)
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        self._measure_rows()
        if rows:
            seen = max(self.scrollable_content_region.height - self.header_height, 1)
            first = keep if top is None else top
            first = min(max(first, cursor - seen + 1), cursor)
            self.scroll_to(y=max(first, 0), animate=False, immediate=True, force=True)
            self.move_cursor(row=cursor, animate=False, scroll=False)

    def _measure_rows(self) -> None:
        """Measure new rows now (DataTable does it when idle, after a frame)."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)
