"""The screen model, SGR changes and cursor moves, byte for byte on small cases.

Most cases use a 10x3 screen the model has seen painted with dots in the
default style, the cursor left at the top left; each asserts the exact bytes
sent and, where terminals agree, that pyte shows the same as for the app's bytes.
"""

from __future__ import annotations

import pytest

from frontdesk.terminal.emit import cursor_move
from frontdesk.terminal.model import SYNC_END, SYNC_START, ScreenModel
from frontdesk.terminal.sgr import (
    BOLD,
    DIM,
    DOUBLE_UNDERLINE,
    ITALIC,
    PLAIN,
    UNDERLINE,
    Style,
    apply_sgr,
    sgr_change,
)
from tests.terminal.screens import Term, differences

W, H = 10, 3
DOTS = "\x1b[0m" + "".join(f"\x1b[{y + 1};1H" + "." * W for y in range(H)) + "\x1b[1;1H"


def painted() -> tuple[ScreenModel, Term, Term]:
    """A model after a full paint, and pyte terminals fed the app's and the lean bytes."""
    model, app, lean = ScreenModel(W, H), Term(W, H), Term(W, H)
    app.feed(DOTS)
    lean.feed(model.feed(DOTS))
    return model, app, lean


def send(model: ScreenModel, app: Term, lean: Term, data: str) -> str:
    """Feed ``data``; check both terminals agree; return the lean bytes."""
    out = model.feed(data)
    app.feed(data)
    lean.feed(out)
    assert not differences(app, lean), differences(app, lean)
    return out


# --- cursor moves -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to", "expected"),
    [
        ((None, None), (0, 0), "\x1b[H"),
        ((None, None), (4, 2), "\x1b[3;5H"),
        ((None, None), (0, 9), "\x1b[10H"),
        ((10, 5), (11, 5), "\x1b[C"),
        ((10, 5), (13, 5), "\x1b[3C"),
        ((10, 5), (9, 5), "\b"),
        ((10, 5), (4, 5), "\x1b[5G"),
        ((10, 5), (0, 5), "\r"),
        ((10, 5), (0, 6), "\r\n"),
        ((10, 5), (10, 6), "\x1b[B"),
        ((10, 15), (10, 14), "\x1b[A"),
        ((10, 5), (10, 3), "\x1b[4d"),
        ((None, 5), (40, 5), "\x1b[41G"),
        ((None, 15), (0, 16), "\r\n"),
        ((None, 15), (12, 16), "\r\n\x1b[13G"),
        ((2, 0), (2, 20), "\x1b[21d"),
        ((None, 15), (0, 14), "\r\x1b[A"),  # column unknown: set it first, then go up
        ((0, 5), (0, 7), "\n\n"),  # line feeds only from column 0 (with or without CR)
    ],
)
def test_the_cheapest_cursor_move(
    start: tuple[int | None, int | None], to: tuple[int, int], expected: str
) -> None:
    """Absolute, relative, CR/LF or single-axis: whichever is shortest."""
    assert cursor_move(*start, *to) == expected


def test_with_scroll_margins_only_absolute_moves() -> None:
    """No line feeds or CUU/CUD when margins could stop them."""
    assert cursor_move(10, 5, 0, 6, False) == "\x1b[7H"


# --- styles -----------------------------------------------------------------------


def test_sgr_parsing_covers_the_codes_textual_writes() -> None:
    """Attributes, 256 and true colours, defaults, resets; the link is kept."""
    bold_256 = apply_sgr(PLAIN, "1;38;5;208;48;2;0;0;0")
    assert bold_256 == Style(BOLD, "38;5;208", "48;2;0;0;0")
    assert apply_sgr(Style(BOLD | DIM, "31", "41"), "22;39") == Style(0, "", "41")
    assert apply_sgr(Style(UNDERLINE | DOUBLE_UNDERLINE), "24") == PLAIN
    assert apply_sgr(Style(ITALIC, "91", link="id=1;x"), "") == Style(link="id=1;x")
    assert apply_sgr(Style(ITALIC, "91"), "0;4;100") == Style(UNDERLINE, "", "100")


@pytest.mark.parametrize("params", ["58;5;1", "4:3", "38;5", "38;5;300", "38;2;1;2", "10"])
def test_unknown_sgr_codes_are_refused(params: str) -> None:
    """The model passes these through rather than guess."""
    assert apply_sgr(PLAIN, params) is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (PLAIN, Style(BOLD), "\x1b[1m"),
        (Style(BOLD), Style(DIM), "\x1b[0;2m"),  # reset is shorter than 22;2
        (Style(BOLD | DIM, "31"), Style(DIM, "31"), "\x1b[22;2m"),
        (Style(0, "38;5;1", "48;2;1;2;3"), Style(0, "38;5;2", "48;2;1;2;3"), "\x1b[38;5;2m"),
        (Style(BOLD | ITALIC | UNDERLINE, "31"), PLAIN, "\x1b[m"),
        (Style(0, "31", "41"), Style(0, "", "41"), "\x1b[39m"),
        (None, Style(0, "32"), "\x1b[0;32m\x1b]8;;\x1b\\"),
        (PLAIN, Style(link="id=1;http://a"), "\x1b]8;id=1;http://a\x1b\\"),
        (Style(BOLD, link="id=1;http://a"), Style(BOLD), "\x1b]8;;\x1b\\"),
        (Style(0, "31"), Style(0, "31"), ""),
    ],
)
def test_the_smallest_style_change(old: Style | None, new: Style, expected: str) -> None:
    """Only what changed, or a reset when that is shorter; links by OSC 8."""
    assert sgr_change(old, new) == expected


# --- frames -----------------------------------------------------------------------


def test_an_unchanged_frame_sends_nothing() -> None:
    """The app repainting what is on screen costs no bytes."""
    model, app, lean = painted()
    assert send(model, app, lean, DOTS) == ""


def test_one_changed_cell_is_one_move_and_one_character() -> None:
    """Then the cursor goes back where the app left it."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[2;5Hx\x1b[1;1H") == "\n\x1b[5Gx\x1b[H"


def test_a_cell_between_two_changes_is_rewritten_not_skipped() -> None:
    """One unchanged dot costs less to send again than a move over it."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[1;1Hx.x") == "x.x"


def test_a_long_unchanged_stretch_is_skipped() -> None:
    """Eight unchanged dots: a forward move; the last column then needs an absolute column."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[1;1Hx........x\x1b[1;1H") == "x\x1b[8Cx\r"


def test_only_the_changed_attribute_is_sent() -> None:
    """Bold on, then red added: the second frame sends just the colour."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[1;1H\x1b[1m..\x1b[0m\x1b[1;1H") == "\x1b[1m..\r"
    assert send(model, app, lean, "\x1b[1;1H\x1b[1;31m..\x1b[0m\x1b[1;1H") == "\x1b[31m..\r"


def test_wide_characters_take_two_cells() -> None:
    """A CJK character; overwriting its left half blanks the right half, and both are sent."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[2;1H中\x1b[1;1H") == "\n中\x1b[H"
    assert model.cell(0, 1) == ("中", PLAIN)
    assert model.cell(1, 1) == ("", PLAIN)
    # Terminals differ on half a wide character (pyte keeps the right half): not compared.
    assert model.feed("\x1b[2;1Hx\x1b[1;1H") == "\nx \x1b[H"
    assert model.cell(1, 1) == (" ", PLAIN)


def test_a_combining_mark_joins_the_cell_before_it() -> None:
    """The cell is sent again with its mark."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[1;1He\u0301\x1b[1;1H") == "e\u0301\r"
    assert model.cell(0, 0) == ("e\u0301", PLAIN)
    assert send(model, app, lean, "\x1b[1;2H\u0308\x1b[1;1H") == "e\u0301\u0308\r"


def test_links_are_opened_before_their_cells_and_closed_when_needed() -> None:
    """The link stays open until a cell without it is written."""
    model, app, lean = painted()
    link = "\x1b]8;;http://x\x1b\\"
    first = send(model, app, lean, f"\x1b[1;1H{link}ab\x1b]8;;\x1b\\\x1b[1;1H")
    assert first == f"{link}ab\r"
    assert model.cell(1, 0) == ("b", Style(link=";http://x"))
    assert send(model, app, lean, "\x1b[3;1Hz\x1b[1;1H") == "\n\n\x1b]8;;\x1b\\z\x1b[H"


def test_an_unknown_sequence_passes_through_and_the_next_frame_goes_whole() -> None:
    """Save-cursor is not followed: sent as it is; the model forgets the screen."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b7") == "\x1b7"
    assert model.cell(0, 0)[0] == "\x00"
    assert send(model, app, lean, "\x1b[1;1H..........\x1b[1;1H") == "\x1b[H..........\r"


def test_a_full_reset_passes_through_and_restores_the_defaults() -> None:
    """After RIS the terminal wraps again and has the default style; so does the model."""
    model, app, lean = painted()
    send(model, app, lean, "\x1b[?7l\x1b[1;31m")
    assert send(model, app, lean, "\x1bc") == "\x1b[1;31m\x1bc"  # the style first, as always
    assert model.autowrap
    assert send(model, app, lean, "\x1b[1;1Hab\x1b[1;1H") == "\x1b[Hab\r"
    assert model.cell(0, 0) == ("a", PLAIN)


def test_a_soft_reset_is_not_taken_for_a_query() -> None:
    """DECSTR (ESC [ ! p) changes the style: passed through, the screen forgotten."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[!p") == "\x1b[!p"
    assert model.cell(0, 0)[0] == "\x00"
    assert send(model, app, lean, "\x1b[?2026$p\x1b[>0q") == "\x1b[?2026$p\x1b[>0q"


def test_a_screen_buffer_switch_passes_through_and_forgets() -> None:
    """Leaving the alternate screen: whatever shows then is not the model's."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[?1049l") == "\x1b[?1049l"
    assert model.cell(3, 1)[0] == "\x00"


def test_harmless_modes_pass_through_and_the_model_is_kept() -> None:
    """Showing the cursor or bracketed paste changes no cell."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[?25h\x1b[?2004h") == "\x1b[?25h\x1b[?2004h"
    assert send(model, app, lean, DOTS) == ""


def test_synchronized_output_markers_wrap_the_difference_only() -> None:
    """Held until the block ends; an empty block sends nothing at all."""
    model, app, lean = painted()
    assert [model.feed(w) for w in (SYNC_START, DOTS, SYNC_END)] == ["", "", ""]
    parts = [model.feed(w) for w in (SYNC_START, "\x1b[1;1Hx\x1b[1;1H", SYNC_END)]
    assert parts == ["", "", f"{SYNC_START}x\r{SYNC_END}"]


def test_a_sequence_cut_between_two_writes_is_held_until_complete() -> None:
    """Half a CUP is kept back, then read whole."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[2;") == ""
    assert send(model, app, lean, "3Hq\x1b[1;1H") == "\n\x1b[3Gq\x1b[H"


def test_a_character_terminals_measure_differently_passes_through() -> None:
    """A heart with the emoji selector may take one cell or two: sent as the app wrote it."""
    model, app, lean = painted()
    out = model.feed("\x1b[1;1Ha\u2764\ufe0fb\x1b[1;1H")
    assert out == "a\u2764\ufe0fb\x1b[H"
    assert model.cell(0, 0) == ("\x00", None)


def test_text_after_a_line_feed_passes_through() -> None:
    """After LF the column depends on the tty (ONLCR): the text goes as it is."""
    model, app, lean = painted()
    out = send(model, app, lean, "\x1b[1;3H\nab")
    assert out.endswith("\nab")


def test_the_cursor_just_after_the_last_column_is_reproduced() -> None:
    """A frame ending there: the last cell is written again to leave the same state."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[1;9Hxy") == "\x1b[9Gxy\r\x1b[9Cy"
    assert lean.cursor()[0] == W


def test_an_erase_in_the_default_style_is_modelled() -> None:
    """EL becomes the blank cells it makes; a styled erase is passed through."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[2;4H\x1b[0m\x1b[K\x1b[1;1H") == "\n\x1b[4G       \x1b[H"
    assert send(model, app, lean, "\x1b[3;4H\x1b[4m\x1b[K\x1b[1;1H").find("\x1b[K") > 0


def test_a_resize_sends_the_next_frame_whole() -> None:
    """Nothing on a resized terminal is known."""
    model, _, _ = painted()
    model.resize(W, H)
    out = model.feed(DOTS)
    assert out.count(".") == W * H


def test_repaint_sends_all_it_knows_over_whatever_is_shown() -> None:
    """After a stray write, the model's screen again in one go; then diffs as before."""
    model, app, lean = painted()
    lean.feed("\x1b[2;2Hgarbage\x1b[31mred")
    lean.feed(model.repaint())
    assert not differences(app, lean)
    assert model.feed(DOTS) == ""


def test_scroll_margins_are_followed_and_line_feeds_pass_through() -> None:
    """With margins set, absolute moves still land where they say; a line feed could scroll."""
    model, app, lean = painted()
    assert send(model, app, lean, "\x1b[2;3r") == "\x1b[2;3r"
    out = send(model, app, lean, "\x1b[1;1Hab\x1b[1;1H")
    assert out == "ab\r"  # the cursor was at the top left: the margins sent it there
    assert send(model, app, lean, "\x1b[3;1H\n") == "\x1b[3H\n"  # passed: it scrolls the band
    assert send(model, app, lean, f"\x1b[1;{H}r") == f"\x1b[1;{H}r"
    assert send(model, app, lean, "\x1b[2;1Hxy\x1b[1;1H") == "\nxy\x1b[H"  # followed again


def test_a_blank_row_end_is_erased_not_written() -> None:
    """With erase on, blanks to the end of the row go as one EL in their style."""
    model, app, lean = ScreenModel(W, H, erase=True), Term(W, H), Term(W, H)
    send(model, app, lean, DOTS)
    assert send(model, app, lean, f"\x1b[2;1H\x1b[0;41m{' ' * W}\x1b[1;1H") == (
        "\n\x1b[41m\x1b[K\x1b[H"
    )


def test_a_long_blank_run_inside_a_row_is_erased_and_skipped() -> None:
    """ECH then a move over the erased cells, when that is shorter than the spaces."""
    model, app, lean = ScreenModel(30, H, erase=True), Term(30, H), Term(30, H)
    send(model, app, lean, "\x1b[0m" + "".join(f"\x1b[{y + 1};1H" + "." * 30 for y in range(H)))
    out = send(model, app, lean, f"\x1b[1;1Ha{' ' * 20}b\x1b[1;23H")
    assert out == "\x1b[Ha\x1b[20X\x1b[20Cb"


def test_blanks_that_show_their_style_are_written() -> None:
    """Reverse (or underlined, or linked) blanks do not look erased: spaces go."""
    model, app, lean = ScreenModel(W, H, erase=True), Term(W, H), Term(W, H)
    send(model, app, lean, DOTS)
    out = send(model, app, lean, f"\x1b[2;1H\x1b[7m{' ' * W}\x1b[0m\x1b[1;1H")
    assert out == f"\n\x1b[7m{' ' * W}\x1b[H"
