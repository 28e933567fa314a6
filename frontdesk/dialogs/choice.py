"""Pick one of a few options by its number (or arrows and Enter)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe


class ChoiceDialog(ModalScreen[int | None]):
    """Numbered options; dismisses with the chosen index, or ``None`` on Esc."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 60; height: auto; max-height: 20; border: round $primary;
                              background: $surface; padding: 0 1; }
    ChoiceDialog OptionList, ChoiceDialog OptionList:focus {
        height: auto; max-height: 14; border: none; padding: 0;
    }
    ChoiceDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter", "pick", "Choose", id="choice.pick", show=True),
        Binding("escape", "dismiss_none", "Back", id="choice.back"),
    ]

    def __init__(self, title: str, options: list[str], *, start: int = 1) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.start = start  # the number shown for the first option

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text, "bold"))
            items = [
                Option(Text.assemble(f"{i + self.start} ", safe(label)), id=str(i))
                for i, label in enumerate(self.options)
            ]
            yield OptionList(*items)
            yield KeyBar(
                [
                    Binding(
                        "1",
                        "",
                        f"to {len(self.options) - 1 + self.start}: choose",
                        key_display=f"{self.start}",
                    )
                ]
                + list(self.BINDINGS)  # type: ignore[arg-type]
            )

    def on_mount(self) -> None:
        """Highlight the first option."""
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_key(self, event: Key) -> None:
        """A digit picks that option at once."""
        if event.character and event.character.isdigit():
            index = int(event.character) - self.start
            if 0 <= index < len(self.options):
                event.stop()
                self.dismiss(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an option."""
        event.stop()
        self.dismiss(event.option_index)

    def action_pick(self) -> None:
        """Choose the highlighted option."""
        highlighted = self.query_one(OptionList).highlighted
        self.dismiss(highlighted)

    def action_dismiss_none(self) -> None:
        """Back without choosing."""
        self.dismiss(None)
