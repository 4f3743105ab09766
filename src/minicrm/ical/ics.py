"""iCalendar text by plain string building (RFC 5545), standard library only.

- `text()` escapes a TEXT value (§3.3.11): `\\` `;` `,` get a backslash, a line break (CRLF, LF or a lone CR)
  becomes `\\n`; control characters other than a tab, which no content line may hold (§3.1), are dropped.
- `fold()` cuts a content line longer than 74 octets into lines of at most 74 octets plus the leading space
  of each continuation (§3.1: at most 75), never inside a UTF-8 sequence, and never right after a `\\` or `^`,
  so an escape stays on one line (what icalendar does too: its output and ours are the same bytes).
- date, date-time and duration values (§3.3.4, §3.3.5, §3.3.6).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

FOLD_OCTETS = 74  # content octets per physical line; a continuation line adds its leading space
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECIAL = re.compile("[\x00-\x08\x0a-\x1f\x7f\\\\;,]")  # what `text` changes: most values have none
_DURATION = re.compile(r"([-+]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")
_ESCAPED_NEXT = (0x5C, 0x5E)  # `\` and `^` (RFC 6868) start an escape: never the last octet before a fold


def text(value: str) -> str:
    """`value` as an escaped TEXT value."""
    if not _SPECIAL.search(value):
        return value
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line (without its CRLF) folded into physical lines joined by CRLF + space."""
    if len(line) <= FOLD_OCTETS and line.isascii():
        return line
    data = line.encode()
    end = len(data)
    if end <= FOLD_OCTETS:
        return line
    parts = []
    start = 0
    while end - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before the character it belongs to
            cut -= 1
        if cut - start > 1 and data[cut - 1] in _ESCAPED_NEXT:
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def date_value(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def time_value(at: datetime) -> str:
    """A DATE-TIME's value: local time (with a TZID parameter), or UTC with `Z` for an aware UTC value."""
    text = f"{at.year:04d}{at.month:02d}{at.day:02d}T{at.hour:02d}{at.minute:02d}{at.second:02d}"
    return text + "Z" if at.tzinfo is UTC else text


def parse_duration(value: str) -> timedelta:
    """An RFC 5545 DURATION (`PT1H`, `P1D`, `P2W`, `-PT15M`); ValueError when it is not one."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"not a duration: {value!r}")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    try:
        delta = timedelta(weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
                          minutes=int(minutes or 0), seconds=int(seconds or 0))  # fmt: skip
    except OverflowError:
        raise ValueError(f"duration out of range: {value!r}") from None
    return -delta if sign == "-" else delta


def duration_value(delta: timedelta) -> str:
    """A timedelta as a DURATION value: days, then hours, minutes and seconds (`P1DT1H30M`, `-PT15M`)."""
    sign = ""
    if delta.days < 0:
        sign, delta = "-", -delta
    clock = ""
    if delta.seconds:
        hours, minutes, seconds = delta.seconds // 3600, delta.seconds % 3600 // 60, delta.seconds % 60
        clock = "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or (hours and seconds) else "")
        clock += f"{seconds}S" if seconds else ""
    if delta.days == 0 and clock:
        return f"{sign}P{clock}"
    return f"{sign}P{delta.days}D{clock}"
