"""Sign-in: username and password. A failure never says which part was wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from frontdesk.widgets.fields import TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp
    from frontdesk.data.staff import StaffMember


class SignInScreen(Screen[None]):
    """The first screen, and the one a locked terminal returns to."""

    CSS_PATH = "signin.tcss"
    BINDINGS = [
        Binding("enter", "submit", "Sign in", id="signin.submit", show=True, key_display="Enter"),
        Binding("tab", "app.focus_next", "Next field", id="signin.next", show=True),
        Binding("ctrl+q", "app.quit", "Quit", id="signin.quit", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._busy = False

    @property
    def desk(self) -> FrontDeskApp:
        """The app, typed."""
        from frontdesk.app import FrontDeskApp

        assert isinstance(self.app, FrontDeskApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Static("frontdesk", id="clinic-name", markup=False)
            yield Static("Opening the clinic database...", id="signin-status", markup=False)
            with Grid(id="signin-grid"):
                yield Label("Username")
                yield TextField(id="username", max_length=32, next_on_enter=True)
                yield Label("Password")
                yield TextField(id="password", password=True, max_length=200)
            yield Static("", id="signin-message", markup=False)
            yield Static("", id="demo-accounts", markup=False)
        yield KeyBar(self.BINDINGS)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Focus the username; show what we know already."""
        self.query_one("#username", Input).focus()
        if self.desk.ready or self.desk.backend_error:
            self.backend_ready()

    def backend_ready(self) -> None:
        """The database is open (or failed to open): show the clinic and demo accounts."""
        status = self.query_one("#signin-status", Static)
        if self.desk.backend_error:
            status.update(Text("! " + self.desk.backend_error))
            return
        clinic = self.desk.clinic
        assert clinic is not None
        self.query_one("#clinic-name", Static).update(safe(clinic.name, "bold"))
        status.update(Text(self.desk.notice or "Sign in to start."))
        if clinic.is_demo:
            from frontdesk.data.demo import DEMO_ACCOUNTS

            lines = ["Demo clinic: sign in as"]
            lines += [
                f"  {a.username:<8} password {a.password:<14} ({a.role.value})"
                for a in DEMO_ACCOUNTS
            ]
            self.query_one("#demo-accounts", Static).update(Text("\n".join(lines)))

    def _message(self, text: str) -> None:
        self.query_one("#signin-message", Static).update(Text(f"! {text}" if text else ""))

    @on(Input.Submitted, "#password")
    def _password_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        """Check the credentials in a thread; the screen stays responsive."""
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self.query_one("#username", Input).focus()
            self._message("Type your username")
            return
        if not password:
            self.query_one("#password", Input).focus()
            self._message("Type your password")
            return
        if not self.desk.ready or self.desk.engine is None:
            self._message(self.desk.backend_error or "Still opening the database; try again")
            return
        if self._busy:
            return
        self._busy = True
        self._message("")
        engine = self.desk.engine

        def attempt() -> Any:
            from frontdesk.data.errors import FrontDeskError
            from frontdesk.data.staff import sign_in

            try:
                return sign_in(engine, username, password)
            except FrontDeskError as error:
                return error

        self.run_worker(attempt, thread=True, group="signin", exit_on_error=False).name = "signin"

    def on_worker_state_changed(self, event: Any) -> None:
        """The sign-in attempt finished."""
        from textual.worker import WorkerState

        from frontdesk.data.staff import StaffMember

        worker = event.worker
        if worker.name != "signin" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        self._busy = False
        result = worker.result if event.state == WorkerState.SUCCESS else None
        if isinstance(result, StaffMember):
            self._signed_in(result)
            return
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
        self._message(str(result) if result is not None else "Sign-in failed; try again")

    def _signed_in(self, staff: StaffMember) -> None:
        self.desk.signed_in(staff)
