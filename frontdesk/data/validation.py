"""Input rules for what staff type: text, names, dates, phones, e-mail.

Every function either returns a clean value or raises :class:`InvalidInput`
with a message that tells the clerk how to fix the field. Nothing here
silently changes what was typed, except trimming surrounding spaces.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers

from frontdesk.data.errors import InvalidInput
from frontdesk.text import BIDI_CONTROLS, is_unsafe_char
from frontdesk.text import strip_unsafe as strip_unsafe

MAX_NAME = 100
MAX_LINE = 200
MAX_NOTE = 2000


def clean_text(
    value: str,
    *,
    field: str,
    label: str,
    max_len: int = MAX_LINE,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Trim and check one line (or a note) of free text."""
    text = value.strip()
    for ch in text:
        if multiline and ch == "\n":
            continue
        if is_unsafe_char(ch):
            what = "direction-override" if ch in BIDI_CONTROLS else "control"
            raise InvalidInput(
                f"{label} has a hidden {what} character (U+{ord(ch):04X}); retype it",
                field=field,
            )
    if required and not text:
        raise InvalidInput(f"{label} is required", field=field)
    if len(text) > max_len:
        raise InvalidInput(
            f"{label} is {len(text):,} characters; the limit is {max_len}", field=field
        )
    return text


def clean_name(value: str, *, field: str, label: str, required: bool = True) -> str:
    """A person's name: stored exactly as typed (accents, apostrophes, brackets)."""
    text = clean_text(value, field=field, label=label, max_len=MAX_NAME, required=required)
    if text and not any(ch.isalpha() for ch in text):
        raise InvalidInput(f"{label} must contain at least one letter", field=field)
    return text


# Modifier letters that are apostrophes in names (OʼBrien, Hawaiʻi): letters to
# str.isalnum, but a clerk types ' or nothing for them, so they fold away too.
_APOSTROPHE_LETTERS = frozenset("\u02b9\u02ba\u02bb\u02bc\u02bd\u02ee")
# Letters that Unicode does not decompose into a base letter and an accent, spelled
# as a clerk types them on a US keyboard ("overgaard" finds "Øvergaard").
UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l"}
    | {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h"}
)


def fold(text: str) -> str:
    """Search key: accents removed, case folded, punctuation dropped, spaces single.

    ``"O'Brien-Núñez"`` -> ``"obrien nunez"``.
    """
    decomposed = unicodedata.normalize("NFKD", text).translate(UNDECOMPOSED)
    out: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) or ch in _APOSTROPHE_LETTERS:
            continue
        if ch.isalnum():
            out.append(ch.casefold())
        elif ch in " -\u2010\u2011\u2013\u00a0,/":
            out.append(" ")
        # apostrophes, periods and everything else vanish: "O'Brien" == "OBrien"
    return " ".join("".join(out).split())


SURNAME_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el"}
    | {"ibn", "la", "las", "le", "les", "los", "st", "te", "ten", "ter", "van", "von", "y"}
)


def _drop_particles(words: list[str]) -> list[str]:
    while words and words[0] in SURNAME_PARTICLES:
        words = words[1:]
    return words


def name_keys(last: str, first: str) -> tuple[str, str, str | None]:
    """Index keys for a patient's name: last, first, and a second key for the surname.

    The second key is the part a clerk may type on its own: the second of two
    surnames (``García López`` -> ``lopez``), or the name after its particles
    (``de la Cruz`` -> ``cruz``, ``van der Berg`` -> ``berg``,
    ``Martínez de León`` -> ``leon``). ``None`` when there is no such part.
    """
    last_key = fold(last)
    words = last_key.split(" ")
    core = _drop_particles(words)
    # "de la cruz" -> "cruz"; otherwise what follows the first surname, "lopez"
    rest = core if len(core) < len(words) else _drop_particles(words[1:])
    second = " ".join(rest)
    return last_key, fold(first), (second if second and second != last_key else None)


# --- dates -------------------------------------------------------------------------

_SEP_DATE = re.compile(r"^(\d{1,4})[/.\- ](\d{1,2})[/.\- ](\d{1,4})$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{2,4})$")
_WORD_DATE_US = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{2,4})$")


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        # A two-digit year of a birth date lies in the past.
        year += 2000 if 2000 + year <= today.year else 1900
    elif len(text) != 4:
        raise ValueError("year")
    return year


def date_candidates(text: str, today: date, order: str = "MDY") -> list[date]:
    """Every date ``text`` can mean, the clinic's order (``MDY`` or ``DMY``) first.

    Accepts ``1990-03-14``, ``3/14/1990``, ``3/14/90``, ``03141990``, ``14 Mar 1990``
    and ``Mar 14, 1990``. Returns an empty list when it is not a date at all.
    """
    raw = text.strip().lower()
    triples: list[tuple[int, int, int]] = []
    try:
        if m := _SEP_DATE.match(raw):
            a, b, c = m.groups()
            if len(a) == 4:
                triples.append((int(a), int(b), int(c)))
            else:
                year = _year(c, today)
                md = (int(a), int(b))
                dm = (int(b), int(a))
                first, second = (md, dm) if order == "MDY" else (dm, md)
                triples += [(year, *first), (year, *second)]
        elif re.fullmatch(r"\d{8}", raw):
            if raw[:2] in ("19", "20") and 1 <= int(raw[4:6]) <= 12:
                triples.append((int(raw[:4]), int(raw[4:6]), int(raw[6:])))
            md = (int(raw[:2]), int(raw[2:4]))
            dm = (int(raw[2:4]), int(raw[:2]))
            year = int(raw[4:])
            first, second = (md, dm) if order == "MDY" else (dm, md)
            triples += [(year, *first), (year, *second)]
        elif re.fullmatch(r"\d{6}", raw):
            year = _year(raw[4:], today)
            md = (int(raw[:2]), int(raw[2:4]))
            dm = (int(raw[2:4]), int(raw[:2]))
            first, second = (md, dm) if order == "MDY" else (dm, md)
            triples += [(year, *first), (year, *second)]
        elif m := _WORD_DATE.match(raw):
            dd, mon, yy = m.groups()
            if mon in _MONTHS:
                triples.append((_year(yy, today), _MONTHS[mon], int(dd)))
        elif m := _WORD_DATE_US.match(raw):
            mon, dd, yy = m.groups()
            if mon in _MONTHS:
                triples.append((_year(yy, today), _MONTHS[mon], int(dd)))
    except ValueError:
        return []
    found: list[date] = []
    for yr, mo, dy in triples:
        try:
            value = date(yr, mo, dy)
        except ValueError:
            continue
        if value not in found:
            found.append(value)
    return found


def parse_date(text: str, *, field: str, label: str, today: date, order: str = "MDY") -> date:
    """One date from what a clerk typed, read in the clinic's order."""
    raw = text.strip()
    if not raw:
        raise InvalidInput(f"{label} is required", field=field)
    candidates = date_candidates(raw, today, order)
    if not candidates:
        if _looks_like_date(raw):
            raise InvalidInput(f"{label}: {raw} is not a day on the calendar", field=field)
        example = "3/14/1990" if order == "MDY" else "14/3/1990"
        raise InvalidInput(f"{label}: type a date like {example} or 1990-03-14", field=field)
    return candidates[0]


def _looks_like_date(raw: str) -> bool:
    return bool(_SEP_DATE.match(raw) or re.fullmatch(r"\d{6}|\d{8}", raw))


def parse_birth_date(text: str, *, today: date, order: str = "MDY", field: str = "dob") -> date:
    """A date of birth: a real calendar day, not in the future, not before 1900."""
    value = parse_date(text, field=field, label="Date of birth", today=today, order=order)
    if value > today:
        raise InvalidInput("Date of birth cannot be in the future", field=field)
    if value.year < 1900:
        raise InvalidInput("Date of birth is before 1900; check the year", field=field)
    return value


# --- phones and e-mail ----------------------------------------------------------------


def parse_phone(text: str, *, field: str, label: str, region: str = "US") -> str:
    """A phone number as E.164 (``+15552013344``); empty text gives ``""``."""
    raw = text.strip()
    if not raw:
        return ""
    if re.search(r"[A-Za-z]", raw):
        raise InvalidInput(
            f"{label} has letters; type digits only (an extension goes in the notes)",
            field=field,
        )
    if re.search(r"[^\d+()\-. ]", raw):
        raise InvalidInput(f"{label}: use digits, spaces, ( ) - or a leading +", field=field)
    digits = re.sub(r"\D", "", raw)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        if len(digits) < 10:  # "5", "011": say what is wrong, as below
            raise InvalidInput(f"{label} has too few digits ({len(digits)})", field=field) from None
        raise InvalidInput(f"{label} is not a phone number", field=field) from None
    # North American numbers have ten digits; the library accepts some short
    # service numbers (3100000), which no patient can be called back on.
    short = number.country_code == 1 and len(str(number.national_number)) < 10
    if short or not phonenumbers.is_valid_number(number):
        if len(digits) < 10:
            raise InvalidInput(f"{label} has too few digits ({len(digits)})", field=field)
        raise InvalidInput(f"{label} is not a valid number for {region}", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str, region: str = "US") -> str:
    """``+15552013344`` -> ``(555) 201-3344`` (national form in the clinic's region)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_key(e164: str) -> str:
    """Digits of the national number, for prefix search: ``+15552013344`` -> ``5552013344``."""
    digits = re.sub(r"\D", "", e164)
    return digits[1:] if e164.startswith("+1") and len(digits) == 11 else digits


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(text: str, *, field: str = "email") -> str:
    """An e-mail address, or ``""``."""
    raw = clean_text(text, field=field, label="E-mail", max_len=254)
    if raw and not _EMAIL.match(raw):
        raise InvalidInput("E-mail should look like name@example.org", field=field)
    return raw
