"""After a booking: the slip on screen (prep and arrival time), printed with ``p``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.data.booking import Booked
from frontdesk.data.booking_view import slip_text
from frontdesk.printing import print_command, send
from frontdesk.widgets.keybar import KeyBar


class BookedDialog(ModalScreen[None]):
    """The appointment slip; Enter (or Esc) closes, ``p`` prints it."""

    DEFAULT_CSS = """
    BookedDialog { align: center middle; }
    BookedDialog > Vertical { width: 46; height: auto; max-height: 22; border: round $primary;
                              background: $surface; padding: 0 1; }
    BookedDialog #bk-printed { height: 1; }
    BookedDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter,escape", "close", "Done", id="booked.done", key_display="Enter"),
        Binding("p", "print", "Print slip", id="booked.print"),
    ]

    def __init__(self, booked: Booked, clinic_name: str, clinic_print_command: str) -> None:
        super().__init__()
        self.booked = booked
        self.text = slip_text(booked, clinic_name)
        self.command = print_command(clinic_print_command)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.text.rstrip("\n"), markup=False, id="bk-slip")
            yield Static("", markup=False, id="bk-printed")
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def action_print(self) -> None:
        """Send the slip to this terminal's printer (in a thread: printers are slow)."""
        if not self.command:
            self.query_one("#bk-printed", Static).update("! No printer is set up for slips")
            return
        text, command = self.text, self.command

        def job() -> None:
            problem = send(text, command)
            self.app.call_from_thread(self._printed, problem)

        self.run_worker(job, thread=True, exit_on_error=False)

    def _printed(self, problem: str | None) -> None:
        self.query_one("#bk-printed", Static).update(f"! {problem}" if problem else "Printed")

    def action_close(self) -> None:
        """Back to the schedule."""
        self.dismiss(None)
