"""Batch actions on the schedule: Space marks rows, then one key acts on all of them.

``C`` confirms, ``n`` marks no-shows, ``x`` cancels (one reason), ``M`` gives
the visits to another provider at the same times. Each batch is one
transaction: all of it or none of it.
"""

from __future__ import annotations

from frontdesk.data.batch import move_to_provider
from frontdesk.data.no_shows import Confirmed, confirm_no_shows
from frontdesk.data.prep import confirm
from frontdesk.data.schedule import DaySchedule, ScheduleRow
from frontdesk.screens.schedule_booking import BookingKeys
from frontdesk.widgets.schedule_rows import row_key


class MarkKeys(BookingKeys):
    """Mixed into the schedule screen: the marks and what acts on them."""

    marks: set[str]
    schedule: DaySchedule | None

    def selected_key(self) -> str | None:
        """The key of the cursor row (the schedule's)."""
        raise NotImplementedError

    def redraw_row(self, key: str) -> None:
        """Show one row's mark as it is now (the schedule's)."""
        raise NotImplementedError

    def marked_rows(self) -> list[ScheduleRow]:
        """The marked appointments, in time order."""
        if self.schedule is None or not self.marks:
            return []
        return [r for r in self.schedule.rows if not r.is_opening and row_key(r) in self.marks]

    def clear_marks(self) -> None:
        """Forget every mark (after a batch, or when the day changes)."""
        marked, self.marks = self.marks, set()
        for key in marked:
            self.redraw_row(key)

    def action_mark(self) -> None:
        """Mark or unmark the cursor row, then move down (Space, Space, ... marks a run)."""
        row = self._selected_appointment()
        key = self.selected_key()
        if row is None or key is None:
            return
        self.marks ^= {key}
        self.redraw_row(key)
        self.query_one("ScheduleTable").action_cursor_down()  # type: ignore[attr-defined]
        self.say(f"{len(self.marks)} marked: C confirm  n no-show  x cancel  M to provider")

    def _ids(self) -> list[int]:
        return [r.appointment_id for r in self.marked_rows() if r.appointment_id is not None]

    def action_confirm_marked(self) -> None:
        """The marked patients (or the cursor's) said they will come."""
        ids = self._ids()
        if not ids:
            row = self._selected_appointment()
            ids = [row.appointment_id] if row and row.appointment_id else []
        if not ids:
            return
        engine, staff = self.engine, self.staff

        def done(count: int) -> None:
            self.clear_marks()
            self.reload(f"Confirmed {count}" if count else "Already confirmed")

        self.db(lambda: confirm(engine, ids, staff=staff), done)

    def no_show_marked(self) -> bool:
        """``n`` with rows marked: mark them all NO-SHOW; False when nothing is marked."""
        rows = self.marked_rows()
        if not rows:
            return False
        engine, staff = self.engine, self.staff
        ids = [r.appointment_id for r in rows if r.appointment_id is not None]
        versions = {r.appointment_id: r.version for r in rows if r.appointment_id is not None}

        def done(result: Confirmed) -> None:
            self.clear_marks()
            skipped = "; ".join(f"{s.patient}: {s.why}" for s in result.skipped)
            text = f"NO-SHOW: {result.count}" + (f"  (not marked: {skipped})" if skipped else "")
            self.reload(text)

        self.db(lambda: confirm_no_shows(engine, ids, staff=staff, versions=versions), done)
        return True

    def action_move_provider(self) -> None:
        """Give the marked visits (or the cursor's) to another provider, same times."""
        rows = self.marked_rows()
        if not rows:
            row = self._selected_appointment()
            rows = [row] if row is not None else []
        if not rows or self.schedule is None:
            return
        from frontdesk.dialogs.choice import ChoiceDialog

        providers = list(self.schedule.providers)
        ids = [r.appointment_id for r in rows if r.appointment_id is not None]
        engine, staff = self.engine, self.staff

        def chosen(index: int | None) -> None:
            if index is None:
                return
            provider_id, name = providers[index]

            def done(moved: int) -> None:
                self.clear_marks()
                self.reload(f"Moved {moved} to {name}")

            self.db(lambda: move_to_provider(engine, ids, provider_id, staff=staff), done)

        title = f"Give {len(ids)} visit{'s' if len(ids) != 1 else ''} to which provider?"
        self.app.push_screen(ChoiceDialog(title, [n for _, n in providers]), chosen)
