"""The link arithmetic of ``benchmarks/bench_slow_link.py``, on made-up writes (no app, no
sleeping): when bytes reach the clerk, what the link charges, and how a flow's time splits."""

from __future__ import annotations

import zlib

import pytest

from tests.bench_modules import load

bs = load("bytes_scripts")
load("bench_bytes")
slow = load("bench_slow_link")


def test_bytes_queue_behind_earlier_bytes_then_travel_the_one_way_delay() -> None:
    writes = [(0.0, 500), (0.1, 250), (2.0, 100), (2.0, 0)]
    # 1,000 B/s, 0.25 s: the second write waits until 0.5 s for the line to be free
    assert slow.arrivals(writes, 1000.0, 0.25) == pytest.approx([0.75, 1.0, 2.35, 2.35])


def test_the_default_link_is_56_kbit_with_300_ms_each_way() -> None:
    link = slow.Link()
    assert (link.rate, link.delay, link.compress) == (7000.0, 0.3, True)
    assert slow.arrivals([(1.0, 7000)], link.rate, link.delay) == pytest.approx([2.3])


def test_the_link_charges_compressed_bytes_of_one_stream_and_packet_overhead() -> None:
    plain = slow.Wire(slow.Link(compress=False, overhead=90))
    assert plain.size(b"x" * 3000) == 3000 + 3 * 90  # three TCP segments
    assert plain.size(b"") == 90
    screen = bytes(range(256)) * 8
    packed = slow.Wire(slow.Link())
    first, again = packed.size(screen), packed.size(screen)
    expected = zlib.compressobj(slow.ZLIB_LEVEL)
    assert first == len(expected.compress(screen) + expected.flush(zlib.Z_SYNC_FLUSH))
    assert again < first / 10  # the same screen again costs little: the stream remembers it


def test_typed_ahead_letters_and_the_split_of_a_flows_time() -> None:
    link = slow.Link(kbit=8.0, rtt=0.5, compress=False)  # 1,000 B/s, 0.25 s each way
    steps = [
        bs.Step((), bs.PAINT, "sign-in"),
        bs.Step(("a",), bs.CHAR, "find"),
        bs.Step(("b",), bs.CHAR, "find"),
        bs.Step(("c",), bs.CHAR, "find"),
        bs.Step(("enter",), bs.SWITCH, "record"),
    ]
    flow = bs.Flow("made-up", "made up", tuple(steps))
    emu = slow.Emulator(None, link, 0.0)  # the terminal is not used for the arithmetic
    for at, size in [(0.5, 500), (1.55, 100), (1.85, 200), (2.6, 1000)]:
        emu.times.append(at)
        emu.raw.append(size)
        emu.sizes.append(size)
        emu.arrive.append(emu.down.send(at, size))
    assert emu.arrive == pytest.approx([1.25, 1.9, 2.3, 3.85])
    # (press, reached the app, late, typed ahead, screen final seen, last write)
    marks = [
        (-0.25, 0.0, 0.0, False, 1.25, 0),
        (1.25, 1.501, 0.0, True, None, None),
        (1.40, 1.651, 0.0, True, None, None),  # 'b' wrote nothing: it shows with 'c'
        (1.55, 1.801, 0.0, False, 2.3, 2),
        (2.3, 2.551, 0.0, False, 3.85, 3),
    ]
    got = slow.timings(flow, steps, marks, emu, link)
    assert [s.wait for s in got] == pytest.approx([1.5, 0.65, 0.9, 0.75, 1.55])
    assert [s.first for s in got] == pytest.approx([1.5, 0.65, 0.9, 0.75, 1.55])
    assert [s.gap for s in got] == pytest.approx([1.5, 0.15, 0.15, 0.75, 1.55])
    assert [s.raw for s in got] == [500, 100, 0, 200, 1000]
    assert got[4].app == pytest.approx(0.049)
    assert got[4].link == pytest.approx(1.55 - 0.5 - 0.049)
    summary = slow.summarise(got, link.rtt)
    assert summary["total"] == pytest.approx(2.6)
    parts = [summary[name] for name in ("typing", "round_trips", "app", "link")]
    assert parts == pytest.approx([0.3, 1.0, 0.098, 1.202])
    assert summary["total"] == pytest.approx(sum(parts))
    assert summary["steps"] == 4
    assert summary["worst_step"] == "4 enter"
