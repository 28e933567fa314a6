"""Inside tmux, set up as docs/DEPLOY-SSH.md sets up a remote site, the lean output
shows the same screens as Textual's own: tmux's emulation of the terminal
(screen-256color: no erase in colour, but scroll margins and line insert and
delete) is what the lean driver writes for, and the clerk sees what tmux draws."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.terminal.screens import ROOT
from tests.terminal.session import run_both

TMUX_CONF = ROOT / "docs" / "tmux.conf"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_inside_tmux_as_deployed_every_step_looks_the_same(tmp_path: Path) -> None:
    both = run_both(tmp_path, tmux=TMUX_CONF)
    assert [name for name, _ in both.lean.screens] == [name for name, _ in both.plain.screens]
    for (name, (lean_cells, _)), (_, (plain_cells, _)) in zip(
        both.lean.screens, both.plain.screens, strict=True
    ):
        assert lean_cells == plain_cells, name
    back = dict(both.lean.screens)["back"][0]  # the find screen again, through tmux
    assert "Smirnov, Andriy" in "\n".join("".join(cell[0] for cell in row) for row in back)
    # tmux redraws from its own copy of the screen; the lean output still saves most.
    assert both.lean.total < both.plain.total * 0.5
