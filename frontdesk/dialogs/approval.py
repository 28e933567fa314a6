"""A supervisor's approval: the reason, then the supervisor signs with their own password.

The dialog runs the approved change itself (in a thread), so a refusal — wrong
password, not a supervisor, the clerk approving their own request — is shown
here and can be corrected; nothing changes until it is approved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.data.errors import ApprovalRefused, FrontDeskError
from frontdesk.screens.base import run_db
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

T = TypeVar("T")


@dataclass(frozen=True)
class Approval:
    """What was typed in the dialog."""

    reason: str
    supervisor: str
    password: str
    amount: str = ""


class ApprovalDialog(ModalScreen[T | None]):
    """Dismisses with what ``attempt`` returned, or ``None`` on Esc (nothing changed)."""

    DEFAULT_CSS = """
    ApprovalDialog { align: center middle; }
    ApprovalDialog > Vertical { width: 72; height: auto; border: round $warning;
                                background: $surface; padding: 0 1; }
    ApprovalDialog .approval-row { height: auto; }
    ApprovalDialog .approval-label { width: 12; }
    ApprovalDialog TextField { width: 1fr; background: $boost; }
    ApprovalDialog #ap-amount, ApprovalDialog #ap-supervisor, ApprovalDialog #ap-password {
        width: 20;
    }
    ApprovalDialog FieldMessage { padding-left: 1; }
    ApprovalDialog #sign-here { margin-top: 1; }
    ApprovalDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("ctrl+s", "approve", "Approve", id="approval.approve"),
        Binding("escape", "cancel", "Cancel", id="approval.cancel"),
    ]

    def __init__(
        self,
        title: str,
        attempt: Callable[[Approval], T],
        *,
        amount_hint: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.attempt = attempt
        self.amount_hint = amount_hint  # shown for refunds: "blank = all $25.00"
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text, "bold"))
            if self.amount_hint is not None:
                with Horizontal(classes="approval-row"):
                    yield Static("Amount", classes="approval-label", markup=False)
                    yield TextField(
                        id="ap-amount",
                        max_length=14,
                        placeholder=self.amount_hint,
                        next_on_enter=True,
                    )
                    yield FieldMessage(id="am-amount")
            with Horizontal(classes="approval-row"):
                yield Static("Reason", classes="approval-label", markup=False)
                yield TextField(id="ap-reason", max_length=300, next_on_enter=True)
            yield FieldMessage(id="am-reason")
            yield Static("A supervisor signs here (not the clerk asking):", id="sign-here")
            with Horizontal(classes="approval-row"):
                yield Static("Supervisor", classes="approval-label", markup=False)
                yield TextField(id="ap-supervisor", max_length=60, next_on_enter=True)
            with Horizontal(classes="approval-row"):
                yield Static("Password", classes="approval-label", markup=False)
                yield TextField(id="ap-password", max_length=200, password=True)
            yield FieldMessage(id="am-approval")
            yield FieldMessage(id="am-other")
            yield KeyBar(
                [Binding("enter", "", "Next field, then approve"), *self.BINDINGS]  # type: ignore[list-item]
            )

    def _show(self, message_id: str, text: str) -> None:
        """A message under its field; an empty one takes no line."""
        message = self.query_one(f"#{message_id}", FieldMessage)
        message.show(text)
        message.display = bool(text)

    def on_mount(self) -> None:
        """Start at the first field; no message lines yet."""
        for message in self.query(FieldMessage):
            message.display = False
        first = "#ap-amount" if self.amount_hint is not None else "#ap-reason"
        self.query_one(first, TextField).focus()

    def _value(self, name: str) -> str:
        found = self.query(f"#ap-{name}")
        return found.first(TextField).value if found else ""

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "ap-password":
            self.action_approve()

    def action_approve(self) -> None:
        """Run the change with this approval."""
        if self._busy:
            return
        self._busy = True
        for message in self.query(FieldMessage):
            self._show(str(message.id), "")
        self._show("am-other", "Checking...")
        approval = Approval(
            reason=self._value("reason"),
            supervisor=self._value("supervisor"),
            password=self._value("password"),
            amount=self._value("amount"),
        )
        attempt = self.attempt
        run_db(self, lambda: attempt(approval), self._approved, self._refused)

    def _approved(self, result: T) -> None:
        self._busy = False
        self.dismiss(result)

    def _refused(self, error: FrontDeskError) -> None:
        """Say why at the field concerned; what was typed stays (not the password)."""
        self._busy = False
        self._show("am-other", "")
        if isinstance(error, ApprovalRefused):
            self._show("am-approval", error.message)
            password = self.query_one("#ap-password", TextField)
            password.value = ""
            supervisor = self.query_one("#ap-supervisor", TextField)
            (password if supervisor.value.strip() else supervisor).focus()
            return
        if error.field in ("reason", "amount") and self.query(f"#am-{error.field}"):
            self._show(f"am-{error.field}", error.message)
            self.query_one(f"#ap-{error.field}", TextField).focus()
            return
        self._show("am-other", error.message)

    def action_cancel(self) -> None:
        """Close; nothing was changed (not while an approval is being checked)."""
        if not self._busy:
            self.dismiss(None)
