"""``frontdesk close-day`` counting the drawers: from a counts file or at the keyboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import frontdesk.cli_common
from frontdesk.data.closeout import stored_report
from frontdesk.data.drawer import open_drawer
from tests.cli.close_day_helpers import EXACT, closed_with_counts, count_rows, counts_file, invoke
from tests.conftest import TODAY, Clinic
from tests.data.test_closeout import FLOAT, _finished_day

pytestmark = pytest.mark.usefixtures("fast_hashing")

DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1)  # the default, largest first


# --- closing with a counts file -----------------------------------------------------------------


def test_counts_file_counts_the_drawer_and_closes(clinic: Clinic, tmp_path: Path) -> None:
    result = closed_with_counts(clinic, tmp_path)

    assert result.exit_code == 0, result.output
    assert "Close of day 2026-11-24   closed 24 Nov 10:02 by sam" in result.stdout
    assert "Net taken $65.00" in result.stdout
    assert "Closed 2026-11-24." in result.stderr
    assert "$125.00     $125.00   even" in result.stderr  # expected vs counted, after the count
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    report = stored_report(clinic.engine, TODAY)
    assert report is not None
    assert report["closed_by"] == "sam"
    ((drawer_id, counted, accepted, reason),) = count_rows(clinic)
    assert (counted, accepted, reason) == (12500, 1, "")
    assert report["drawers"][0]["drawer_id"] == drawer_id


def test_a_drawer_can_be_named_by_its_number(clinic: Clinic, tmp_path: Path) -> None:
    ids = _finished_day(clinic)
    path = counts_file(tmp_path, {str(ids["drawer"]): EXACT})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 0, result.output
    assert [row[2] for row in count_rows(clinic)] == [1]


def test_short_drawer_with_a_reason_in_the_file_closes(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    short = {"cash": {"20": 6}, "card_total": "40.00", "reason": "gave $5 too much change"}
    path = counts_file(tmp_path, {"ana": short})

    result = invoke(clinic, "close-day", "--yes", "--counts", path, "--json")

    assert result.exit_code == 0, result.output
    assert "-$5.00 SHORT" in result.stderr
    report = json.loads(result.stdout)
    (drawer,) = report["drawers"]
    assert drawer["cash_variance_cents"] == -500
    assert drawer["reason"] == "gave $5 too much change"
    assert drawer["count_attempts"] == 2  # the blind count, then the same figures with the reason
    assert [(row[2], row[3]) for row in count_rows(clinic)] == [
        (0, ""),
        (1, "gave $5 too much change"),
    ]


def test_short_drawer_without_a_reason_blocks(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": {"cash": {"20": 6}, "card_total": "40.00"}})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 1, result.output
    assert "count differs: recount or give a reason" in result.stderr
    assert 'give a "reason"' in result.stderr
    assert [row[2] for row in count_rows(clinic)] == [0]
    assert stored_report(clinic.engine, TODAY) is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"cash": {"20": -1}}, 'drawer "ana", cash "20": a count cannot be negative'),
        ({"cash": {"20": 2.5}}, 'drawer "ana", cash "20": 2.5 is not a whole number'),
        ({"cash": {"20": "x"}}, 'drawer "ana", cash "20": enter a whole number'),
        ({"cash": {"3.00": 1}}, "not one of this clinic's denominations"),
        ({"cash": {"20": 1, "20.00": 1}}, "listed twice"),
        ({"cash": {"20": 6}, "card_total": "4O.00"}, 'drawer "ana", card_total: Amount must'),
        ({"cash": {"20": 6}, "card_total": 40}, "card_total: give the amount as text"),
        ({"cash": {"20": 6}, "checks": {"count": 0, "total": "5.00"}}, "checks count"),
        ({"cash": {"20": 6}, "card": "40.00"}, 'drawer "ana", "card": not a field here'),
    ],
)
def test_bad_counts_exit_2_and_store_nothing(
    clinic: Clinic, tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": entry})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert count_rows(clinic) == []
    assert stored_report(clinic.engine, TODAY) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"drawers": {"ana": {"cash": {"20": 6}', "not valid JSON (line 1"),
        ('{"drawer": {}}', 'expected {"drawers"'),
        ('{"drawers": {"ana": {}, "ana": {}}}', '"ana" appears twice'),
        (None, "no such file"),
    ],
)
def test_a_broken_counts_file_exits_2(
    clinic: Clinic, tmp_path: Path, content: str | None, message: str
) -> None:
    _finished_day(clinic)
    path = tmp_path / "counts.json"
    if content is not None:
        path.write_text(content)

    result = invoke(clinic, "close-day", "--yes", "--counts", str(path))

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert count_rows(clinic) == []


def test_an_entry_for_no_drawer_exits_2_before_counting_any(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": EXACT, "zed": EXACT})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 2, result.output
    assert 'drawer "zed": no such drawer to count on 2026-11-24' in result.stderr
    assert count_rows(clinic) == []


# --- at the keyboard ----------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frontdesk.cli_common, "is_terminal", lambda: True)


def keyed(cash: dict[int, str], checks: str = "0", card: str = "40") -> list[str]:
    """Answers to the count prompts: $100 down to 1¢, then checks and card slips."""
    lines = [cash.get(d, "") for d in DENOMINATIONS]
    lines.append(checks)
    if checks not in ("", "0"):
        lines.append("0")
    lines.append(card)
    return lines


@pytest.mark.usefixtures("terminal")
def test_keyboard_count_shows_no_expected_figure_until_counted(clinic: Clinic) -> None:
    _finished_day(clinic)
    answers = [*keyed({2000: "6", 500: "1"}), "y"]

    result = invoke(clinic, "close-day", stdin="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    out = result.stderr
    questions = ["How many $100 bills?", "How many $20 bills?", "How many 25¢ coins?"]
    positions = [out.index(q) for q in questions]
    assert positions == sorted(positions)  # largest first
    last_question = out.index("Card slips total")
    for figure in ("$125.00", "$100.00", "$40.00", "$65.00"):
        assert figure not in out[:last_question]
    assert out.index("$125.00") > last_question
    assert "PREVIEW: not closed" in out
    assert "Close 2026-11-24 now? This locks the day." in out
    assert stored_report(clinic.engine, TODAY) is not None


@pytest.mark.usefixtures("terminal")
def test_keyboard_short_count_asks_for_a_reason(clinic: Clinic) -> None:
    _finished_day(clinic)
    answers = [*keyed({2000: "6"}), "gave $5 too much change", "y"]

    result = invoke(clinic, "close-day", stdin="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    assert "-$5.00 SHORT" in result.stderr
    assert "Reason for the difference" in result.stderr
    report = stored_report(clinic.engine, TODAY)
    assert report is not None
    assert report["drawers"][0]["reason"] == "gave $5 too much change"


@pytest.mark.usefixtures("terminal")
def test_keyboard_retries_a_bad_number(clinic: Clinic) -> None:
    _finished_day(clinic)
    answers = keyed({2000: "6", 500: "1"})
    answers[0] = "-1\n2.5\n0"  # $100 bills: refused twice, then 0
    answers.append("y")

    result = invoke(clinic, "close-day", stdin="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    assert "$100: a count cannot be negative" in result.stderr
    assert "$100: enter a whole number" in result.stderr
    assert [row[1] for row in count_rows(clinic)] == [12500]


@pytest.mark.usefixtures("terminal")
def test_answering_no_leaves_the_day_open(clinic: Clinic) -> None:
    result = invoke(clinic, "close-day", stdin="n\n")

    assert result.exit_code == 1, result.output
    assert "Not closed." in result.stderr
    assert stored_report(clinic.engine, TODAY) is None


@pytest.mark.usefixtures("terminal")
def test_yes_on_a_terminal_asks_nothing(clinic: Clinic) -> None:
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)

    result = invoke(clinic, "close-day", "--yes", stdin="")

    assert result.exit_code == 1, result.output  # the drawer was not counted: it blocks
    assert "How many" not in result.stderr
    assert "not counted" in result.stderr
