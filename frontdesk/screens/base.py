"""What every signed-in screen shares: database calls in threads, the message line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from frontdesk.data.errors import FrontDeskError
from frontdesk.widgets.line import Line

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.app import FrontDeskApp
    from frontdesk.data.clinic import Clinic
    from frontdesk.data.staff import StaffMember
    from frontdesk.screens.callback_form import CallbackAdded
    from frontdesk.screens.drawer import DrawerOutcome

T = TypeVar("T")
log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong and nothing was saved. Try again; if it repeats, tell IT."


class MessageLine(Line):
    """One line for what just happened or what went wrong (plain text, never markup)."""

    DEFAULT_CSS = """
    MessageLine { height: 1; width: 1fr; padding: 0 1; }
    MessageLine.-error { color: $text-error; text-style: bold; }
    """

    def say(self, text: str, *, error: bool = False) -> None:
        """Show ``text``; errors start with "!" so they read without colour."""
        self.set_class(error, "-error")
        self.show(f"! {text}" if error and text else text)


def run_db(
    owner: Screen[Any],
    call: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[FrontDeskError], None],
    *,
    exclusive: bool = False,
) -> None:
    """Run ``call`` in a thread; hand its result (or domain error) back on the UI thread.

    Reads that a newer request supersedes pass ``exclusive=True``: a cancelled
    worker's result is dropped. Exclusive reads live in their own worker group,
    because an exclusive worker cancels its whole group and a write must never
    be cancelled.
    """
    group = "db-read" if exclusive else "db-write"
    app = owner.app

    def job() -> None:
        worker = get_current_worker()
        try:
            result = call()
        except FrontDeskError as error:
            if not worker.is_cancelled:
                app.call_from_thread(failed, error)
            return
        except Exception as error:
            # The type only: a traceback's SQL parameters could hold patient data.
            log.error("database call failed: %s", type(error).__name__)
            if not worker.is_cancelled:
                app.call_from_thread(failed, FrontDeskError(UNEXPECTED))
            return
        if not worker.is_cancelled:
            app.call_from_thread(done, result)

    owner.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


class DeskScreen(Screen[Any]):
    """Base for screens past sign-in: find and take payment from anywhere, lock, messages."""

    BINDINGS = [
        Binding("slash", "find", "Find", id="find"),
        Binding("dollar_sign", "drawer", "Take payment", id="drawer", key_display="$"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
        # Priority: ^k also works while typing in a field (where it would delete to the end).
        Binding("ctrl+k", "callback", "New callback", id="callback", priority=True),
    ]

    @property
    def desk(self) -> FrontDeskApp:
        """The app, typed."""
        from frontdesk.app import FrontDeskApp

        assert isinstance(self.app, FrontDeskApp)
        return self.app

    @property
    def engine(self) -> Engine:
        """The open database."""
        return self.desk.require()[0]

    @property
    def clinic(self) -> Clinic:
        """The clinic's settings."""
        return self.desk.require()[1]

    @property
    def staff(self) -> StaffMember:
        """Who is signed in."""
        return self.desk.require()[2]

    def say(self, text: str, *, error: bool = False) -> None:
        """Show a message on this screen's message line."""
        for line in self.query(MessageLine):
            line.say(text, error=error)
            return

    def data_changed(self) -> None:
        """Another terminal (or a job of this one) committed something: read again if shown.

        Screens that show shared lists override this; forms do not, so nothing
        typed is ever disturbed.
        """

    def show_error(self, error: FrontDeskError) -> None:
        """A domain error on the message line."""
        self.say(error.message, error=True)

    def db(
        self,
        call: Callable[[], T],
        done: Callable[[T], None],
        *,
        failed: Callable[[FrontDeskError], None] | None = None,
        exclusive: bool = False,
    ) -> None:
        """:func:`run_db` with this screen's error display by default."""
        run_db(self, call, done, failed or self.show_error, exclusive=exclusive)

    def action_find(self) -> None:
        """Open patient search."""
        from frontdesk.screens.find import FindScreen

        self.app.push_screen(FindScreen())

    def action_drawer(self) -> None:
        """Open the cash drawer; the patient is chosen there with the search."""
        from frontdesk.screens.drawer import DrawerScreen

        self.app.push_screen(DrawerScreen(), self.after_drawer)

    def after_drawer(self, outcome: DrawerOutcome | None) -> None:
        """Back from the drawer: say what was taken or changed, if anything."""
        if outcome is not None:
            self.say(outcome.message)

    def action_callback(self) -> None:
        """Quick add a call to return; a screen showing one patient keeps it in ``patient_id``."""
        from frontdesk.screens.callback_form import CallbackFormScreen

        patient_id = getattr(self, "patient_id", None)
        self.app.push_screen(
            CallbackFormScreen(patient_id=patient_id if isinstance(patient_id, int) else None),
            self.after_callback,
        )

    def after_callback(self, added: CallbackAdded | None) -> None:
        """Back from quick add: say what was saved (a warning as an error line)."""
        if added is not None:
            self.say(added.message, error=added.warning)

    def action_keys(self) -> None:
        """Every key of this screen, with what it does (the footer shows the common ones)."""
        from frontdesk.dialogs.keys import KeysDialog
        from frontdesk.widgets.keybar import key_label

        seen: list[tuple[str, str]] = []
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if self.check_action(binding.action, ()) is False:
                continue
            seen.append((binding.key_display or key_label(binding.key), binding.description))
        self.app.push_screen(KeysDialog("Keys", seen))

    def action_lock(self) -> None:
        """Sign out and clear every screen."""
        self.desk.lock()
