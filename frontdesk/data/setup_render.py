"""Writing a :class:`~frontdesk.data.setup_file.SetupFile` as TOML text.

The text reads back (:func:`~frontdesk.data.setup_file.parse_setup`) to an equal
value, and rendering that again gives the same text, so an exported file can be
kept under version control and compared line by line.
"""

from __future__ import annotations

from datetime import date, datetime

from frontdesk.data.setup_file import (
    WEEKDAYS,
    BlockoutSpec,
    ClinicSpec,
    HolidaySpec,
    ProviderSpec,
    SetupFile,
    Span,
    StaffSpec,
    TypeSpec,
)

HEADER = (
    "# Clinic set-up for frontdesk: see docs/SETUP.md.",
    "# Check what it would change:  frontdesk setup diff FILE",
    "# Apply it (a supervisor):     frontdesk setup apply FILE",
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def toml_value(value: object) -> str:
    """A TOML literal for a string, flag, whole number, day, local time or list of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value)
    out: list[str] = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _line(key: str, value: object) -> str:
    return f"{key} = {toml_value(value)}"


def _clinic(spec: ClinicSpec) -> list[str]:
    pairs = [
        ("name", spec.name),
        ("timezone", spec.timezone),
        ("late_cancel_hours", spec.late_cancel_hours),
        ("no_show_grace_minutes", spec.no_show_grace_minutes),
    ]
    lines = [_line(key, value) for key, value in pairs if value is not None]
    return ["", "[clinic]", *lines] if lines else []


def _days(key: str, spans: tuple[Span, ...]) -> list[str]:
    """``hours.mon = "08:00-12:00, 13:00-17:00"``, one line per day that has any."""
    lines: list[str] = []
    for weekday, name in enumerate(WEEKDAYS):
        texts = [s.text() for s in spans if s.weekday == weekday]
        if not texts:
            continue
        if any("," in s.label for s in spans if s.weekday == weekday):
            lines.append(_line(f"{key}.{name}", texts))  # a label with a comma: one per item
        else:
            lines.append(_line(f"{key}.{name}", ", ".join(texts)))
    return lines


def _provider(spec: ProviderSpec) -> list[str]:
    lines = [
        "",
        "[[provider]]",
        _line("short_name", spec.short_name),
        _line("name", spec.name),
        _line("active", spec.active),
    ]
    hours = _days("hours", spec.hours)
    lines += hours if hours else ["hours = {}"]
    return lines + _days("breaks", spec.breaks)


def _type(spec: TypeSpec) -> list[str]:
    return [
        "",
        "[[type]]",
        _line("name", spec.name),
        _line("minutes", spec.minutes),
        _line("prep", spec.prep),
        _line("new_patient", spec.new_patient),
        _line("early_minutes", spec.early_minutes),
        _line("overbook", spec.overbook),
        _line("active", spec.active),
        _line("providers", list(spec.providers)),
    ]


def _holiday(spec: HolidaySpec) -> list[str]:
    return ["", "[[holiday]]", _line("date", spec.day), _line("name", spec.name)]


def _blockout(spec: BlockoutSpec) -> list[str]:
    lines = ["", "[[blockout]]"]
    if spec.provider is not None:
        lines.append(_line("provider", spec.provider))
    return [
        *lines,
        _line("start", spec.start),
        _line("end", spec.end),
        _line("reason", spec.reason),
    ]


def _staff(spec: StaffSpec) -> list[str]:
    return [
        "",
        "[[staff]]",
        _line("username", spec.username),
        _line("name", spec.name),
        _line("role", spec.role.value),
        _line("active", spec.active),
    ]


def render_setup(setup: SetupFile) -> str:
    """The set-up as a TOML file, in the file's order, ending with a newline."""
    lines = list(HEADER)
    lines += _clinic(setup.clinic)
    for provider in setup.providers:
        lines += _provider(provider)
    for kind in setup.types:
        lines += _type(kind)
    for holiday in setup.holidays:
        lines += _holiday(holiday)
    for blockout in setup.blockouts:
        lines += _blockout(blockout)
    for person in setup.staff:
        lines += _staff(person)
    return "\n".join(lines) + "\n"
