"""The schedule's keys for the day's flow: book (``a``), move (``m``), cancel (``x``), the
wait list (``W``), a provider running late (``L``), no-shows to confirm (``N``) and the
prep worklist for a day ahead (``P``).

Whenever a slot frees (a cancel, a move, a no-show with time left) the waiting
patients it suits are offered at once; booking one is Enter, Enter.
"""

from __future__ import annotations

from datetime import date, timedelta

from frontdesk import clock
from frontdesk.data.appointments import CANCEL_REASONS
from frontdesk.data.batch import BatchCancelled, cancel_many
from frontdesk.data.booking import Cancelled, Freed, cancel
from frontdesk.data.schedule import ScheduleRow
from frontdesk.data.waitlist import WaitItem, matches
from frontdesk.screens.base import DeskScreen
from frontdesk.screens.booking import BookingDone, BookingScreen, Moving


class BookingKeys(DeskScreen):
    """Mixed into the schedule screen; it supplies the rows and the reload."""

    def reload(self, message: str = "") -> None:
        """Read the day again (the schedule's)."""
        raise NotImplementedError

    def _selected_appointment(self) -> ScheduleRow | None:
        raise NotImplementedError

    def marked_rows(self) -> list[ScheduleRow]:
        """The rows marked with Space (the schedule's)."""
        raise NotImplementedError

    def clear_marks(self) -> None:
        """Forget the marks (the schedule's)."""
        raise NotImplementedError

    # --- book and move ---------------------------------------------------------------------

    def action_book(self) -> None:
        """Find the patient, then choose an opening."""
        from frontdesk.screens.find import FindScreen

        def picked(patient_id: int | None) -> None:
            if patient_id is not None:
                self.app.push_screen(BookingScreen(patient_id), self.after_booking)

        self.app.push_screen(FindScreen(pick=True), picked)

    def action_move(self) -> None:
        """Reschedule the selected appointment to another opening."""
        row = self._selected_appointment()
        if row is None or row.appointment_id is None or row.patient_id is None:
            return
        if row.status is not None and row.status.value != "BOOKED":
            self.say(f"It is {row.status.value}: only a booked visit can be moved", error=True)
            return
        moving = Moving(
            appointment_id=row.appointment_id,
            version=row.version,
            label=f"{row.start:%a %d %b %H:%M} {row.type_name}",
        )
        self.app.push_screen(BookingScreen(row.patient_id, moving), self.after_booking)

    def after_booking(self, done: BookingDone | None) -> None:
        """Back from booking: say what was booked; a move's old slot goes to the wait list."""
        if done is None:
            self.reload()
            return
        self.reload(done.message)
        if done.freed is not None:
            self.offer_wait_list(done.freed)

    # --- cancel -----------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Cancel the selected appointment (or every marked one), with a reason."""
        marked = self.marked_rows()
        rows = marked or [row for row in [self._selected_appointment()] if row is not None]
        if not rows:
            return
        from frontdesk.dialogs.choice import ChoiceDialog

        engine, staff = self.engine, self.staff

        def chosen(index: int | None) -> None:
            if index is None:
                return
            reason = CANCEL_REASONS[index]
            if marked:
                ids = [r.appointment_id for r in rows if r.appointment_id is not None]
                self.db(
                    lambda: cancel_many(engine, ids, staff=staff, reason=reason),
                    self._cancelled_many,
                )
                return
            row = rows[0]
            appt_id, version = row.appointment_id, row.version
            assert appt_id is not None
            self.db(
                lambda: cancel(engine, appt_id, staff=staff, reason=reason, version=version),
                lambda result: self._cancelled(result, row),
            )

        title = (
            f"Cancel {len(rows)} marked visits: why?"
            if marked
            else f"Cancel {rows[0].start:%H:%M} {rows[0].patient}: why?"
        )
        self.app.push_screen(ChoiceDialog(title, list(CANCEL_REASONS)), chosen)

    def _cancelled(self, result: Cancelled, row: ScheduleRow) -> None:
        late = " (late cancellation)" if result.late else ""
        self.reload(f"CANCELLED{late}: {row.patient}  (u undoes)")
        if result.freed is not None:
            self.offer_wait_list(result.freed)

    def _cancelled_many(self, result: BatchCancelled) -> None:
        self.clear_marks()
        late = f", {result.late} late" if result.late else ""
        self.reload(f"Cancelled {result.count}{late}")
        for freed in result.freed[:1]:  # one offer at a time: the earliest slot
            self.offer_wait_list(freed)

    # --- the wait list -------------------------------------------------------------------------

    def offer_wait_list(self, freed: Freed) -> None:
        """Offer a freed slot to the waiting patients it suits, if there are any."""
        engine = self.engine

        def found(items: list[WaitItem]) -> None:
            if not items:
                return
            from frontdesk.screens.waitlist_offer import WaitlistOffer

            self.app.push_screen(WaitlistOffer(freed, items), self.after_offer)

        self.db(lambda: matches(engine, freed), found)

    def offer_rest_of_slot(self, row: ScheduleRow) -> None:
        """A no-show: what is left of the slot, if enough, goes to the wait list."""
        now = clock.now().astimezone(self.clinic.zone)
        start = now.replace(second=0, microsecond=0) + timedelta(minutes=5 - now.minute % 5)
        end = row.start + timedelta(minutes=row.minutes)
        left = int((end - max(start, row.start)).total_seconds() // 60)
        if left >= 5:
            self.offer_wait_list(Freed(row.provider_id, max(start, row.start), left))

    def after_offer(self, message: str | None) -> None:
        """Back from the offer: say what happened."""
        self.reload(message or "")

    def action_wait_list(self) -> None:
        """Everyone waiting for an earlier slot."""
        from frontdesk.screens.waitlist import WaitlistScreen

        self.app.push_screen(WaitlistScreen(), lambda _: self.reload())

    # --- the day's flow ------------------------------------------------------------------------

    provider_id: int | None
    day: date | None

    def action_running_late(self) -> None:
        """Record that a provider is running late; call their patients still to come."""
        from frontdesk.screens.running_late import RunningLateScreen

        self.app.push_screen(
            RunningLateScreen(self.provider_id), lambda said: self.reload(said or "")
        )

    def action_no_shows(self) -> None:
        """Review who is past the no-show time and confirm the no-shows."""
        from frontdesk.screens.no_show_review import NoShowReviewScreen

        self.app.push_screen(NoShowReviewScreen(), lambda said: self.reload(said or ""))

    def action_prep(self) -> None:
        """The prep worklist: the day shown if it is ahead, else the next clinic day."""
        from frontdesk.screens.prep import PrepScreen

        ahead = self.day if self.day is not None and self.day > self.clinic.today() else None
        self.app.push_screen(PrepScreen(ahead), lambda _: self.reload())
