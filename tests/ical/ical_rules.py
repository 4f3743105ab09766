"""RFC checks for the iCalendar files minicrm writes (a helper of the iCal tests, not a test module).

`check_ics(data)` reads a file with icalendar and with vobject (`validate=True`), then checks what neither
library enforces: CRLF line ends and lines of at most 75 octets (RFC 5545 §3.1), TEXT values escaped
(§3.3.11: `,` `;` `\\` and line breaks), a VTIMEZONE for every TZID that gives every TZID'd date-time the
offset its zone really has (§3.6.5; compared with the IANA zone of the same name), and for a CalDAV resource
(`resource=True`, RFC 4791 §4.1) no METHOD and exactly one UID.
`tests/ical/test_ical_interop.py::test_rules_catch_each_violation` breaks each rule once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import vobject

# Properties whose value is one TEXT (RFC 5545 §3.8.1, RFC 7986 §5.1, the X-WR-* of Apple/Google/Microsoft).
TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "NAME", "X-WR-CALNAME", "X-WR-CALDESC"}
# Properties with a TZID parameter whose value is a date-time in that zone.
ZONED_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def split_line(line: str) -> tuple[str, str]:
    """(NAME, raw value) of a content line; a `:` inside a quoted parameter value is not the separator."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i].split(";", 1)[0].upper(), line[i + 1 :]
    raise AssertionError(f"not a content line: {line!r}")


def text_escaping_problem(value: str) -> str | None:
    """Why a raw TEXT value is not escaped as RFC 5545 §3.3.11 says, or None."""
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\;,nN":
                return f"a lone backslash at {i}"
            i += 2
            continue
        if ch in ",;":
            return f"an unescaped {ch!r} at {i}"
        i += 1
    return None


def check_lines(text: str) -> None:
    assert text.endswith("\r\n"), "the file does not end with CRLF"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF"
    assert "\r" not in text.replace("\r\n", ""), "a bare CR"
    long = [line for line in text.split("\r\n") if len(line.encode()) > 75]
    assert not long, f"lines over 75 octets: {long[:3]}"
    for line in unfold(text)[:-1]:
        name, value = split_line(line)
        if name in TEXT_PROPERTIES:
            problem = text_escaping_problem(value)
            assert problem is None, f"{name}: {problem} in {value!r}"


def check_timezones(cal: icalendar.Calendar) -> int:
    """Every TZID has its VTIMEZONE, and that VTIMEZONE gives each date-time its zone's real offset (it
    covers the date: a VTIMEZONE made for other years may be off by the DST hour). Returns the count checked."""
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    checked = 0
    for comp in cal.walk():
        if comp.name == "VTIMEZONE" or comp.name in ("STANDARD", "DAYLIGHT"):
            continue
        for name in ZONED_PROPERTIES:
            values = comp.get(name)
            for prop in values if isinstance(values, list) else [values]:
                if prop is None or "TZID" not in prop.params:
                    continue
                tzid = str(prop.params["TZID"])
                assert tzid in zones, f"{comp.name} {name}: TZID {tzid} has no VTIMEZONE"
                own = zones[tzid].to_tz(lookup_tzid=False)  # the definition in the file, not the library's
                starts = [sub.DTSTART for sub in zones[tzid].walk() if sub.name in ("STANDARD", "DAYLIGHT")]
                moments = [p.dt for p in prop.dts] if hasattr(prop, "dts") else [prop.dt]
                for moment in moments:
                    assert isinstance(moment, datetime), f"{name} with a TZID is not a date-time"
                    wall = moment.replace(tzinfo=None)
                    assert wall >= min(starts), f"{name} {wall} is before the VTIMEZONE {tzid} starts"
                    real = wall.replace(tzinfo=ZoneInfo(tzid)).utcoffset()
                    said = wall.replace(tzinfo=own).utcoffset()
                    assert said == real, f"{name} {wall}: the VTIMEZONE says {said}, {tzid} is {real}"
                    checked += 1
    return checked


def check_ics(data: bytes, *, resource: bool = False) -> icalendar.Calendar:
    """Parse `data` with icalendar and vobject and check the RFC rules above; returns the icalendar object."""
    text = data.decode("utf-8")
    check_lines(text)
    cal = icalendar.Calendar.from_ical(data)
    errors = [(c.name, c.errors) for c in cal.walk() if c.errors]
    assert not errors, errors
    parsed = vobject.readOne(text, validate=True)
    parsed.validate(raiseException=True)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    items = [c for c in cal.subcomponents if c.name in ("VEVENT", "VTODO", "VJOURNAL")]
    assert all(c.get("UID") and c.get("DTSTAMP") for c in items), "an item without UID or DTSTAMP"
    if resource:
        assert "METHOD" not in cal, "a CalDAV resource must not carry METHOD (RFC 4791 §4.1)"
        assert len({str(c["UID"]) for c in items}) == 1, "a CalDAV resource holds exactly one UID"
    else:
        uids = [(c.name, str(c["UID"])) for c in items]
        assert len(uids) == len(set(uids)), "a UID used twice"
    check_timezones(cal)
    return cal
