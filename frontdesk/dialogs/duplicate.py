"""Before registering: these patients share the date of birth and look alike."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.data.patients import PatientHit
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe


class DuplicateDialog(ModalScreen[PatientHit | bool | None]):
    """Enter: use the highlighted patient; c: create anyway (True); Esc: back (None)."""

    DEFAULT_CSS = """
    DuplicateDialog { align: center middle; }
    DuplicateDialog > Vertical { width: 74; height: auto; border: round $warning;
                                 background: $surface; padding: 0 1; }
    DuplicateDialog OptionList, DuplicateDialog OptionList:focus {
        height: auto; max-height: 10; border: none;
    }
    DuplicateDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter", "use", "Use this patient", id="dup.use"),
        Binding("c", "create", "Create new anyway", id="dup.create"),
        Binding("escape", "back", "Back to the form", id="dup.back"),
    ]

    def __init__(self, candidates: list[PatientHit]) -> None:
        super().__init__()
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "! Possible duplicate: same date of birth, similar name. Is it one of these?",
                markup=False,
            )
            yield OptionList(
                *[
                    Option(Text.assemble(safe(c.display_name), f"  {c.dob:%d %b %Y}  MRN {c.mrn}"))
                    for c in self.candidates
                ]
            )
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Highlight the first match."""
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a candidate."""
        event.stop()
        self.dismiss(self.candidates[event.option_index])

    def action_use(self) -> None:
        """Use the highlighted existing patient."""
        index = self.query_one(OptionList).highlighted or 0
        self.dismiss(self.candidates[index])

    def action_create(self) -> None:
        """Register the new patient anyway."""
        self.dismiss(True)

    def action_back(self) -> None:
        """Back to the form, nothing saved."""
        self.dismiss(None)
