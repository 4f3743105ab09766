"""The reference renderer of the iCal feed: the icalendar-built code minicrm shipped before its own writer
(`minicrm.ical.ics`), kept for the tests (a helper of the iCal tests, not a test module).

`render` and `resources` build every component with icalendar, as `minicrm.ical.feed` did up to issue 17;
`tests/ical/test_ical_writer.py` renders random feeds both ways and compares the parsed calendars. Where the
two differ on purpose, the fast writer is the one that follows RFC 5545 and the tests say so
(`expected_text`): icalendar turns a literal `\\N` into a line break and writes control characters raw.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import icalendar

from minicrm.ical.entries import FeedEntry
from minicrm.ical.feed import PRODID, FeedOptions
from minicrm.ical.push import HASH_PROP, Resource
from minicrm.ical.zones import tzid, vtimezone, zone

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_PROPERTIES = ("SUMMARY", "DESCRIPTION", "NAME", "X-WR-CALNAME", "X-WR-CALDESC")
TIMED_MINUTES = 30
ALARM_ALL_DAY = timedelta(hours=9)
ALARM_TIMED = timedelta(minutes=-15)


def expected_text(value: str) -> str:
    """What icalendar's writer makes of a TEXT value once read back: `\\N` becomes a line break, a carriage
    return (alone or before a line feed) a line feed. The fast writer keeps `\\N` and drops control characters."""
    return value.replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n")


def plain(value: str) -> bool:
    """Text that icalendar writes right: no `\\N`, no carriage return, no control character."""
    return "\\N" not in value and "\r" not in value and not CONTROL.search(value)


def same_text(fast: str, reference: str) -> bool:
    """The two read back alike, once icalendar's mistakes are made on ours too."""
    return CONTROL.sub("", reference) == CONTROL.sub("", expected_text(fast))


def compare(fast: bytes, reference: bytes, *, digest: bool = True) -> None:
    """Component by component, property by property: the same calendar (`digest`: X-MINICRM-HASH too)."""
    ours, theirs = icalendar.Calendar.from_ical(fast), icalendar.Calendar.from_ical(reference)
    mine, other = list(ours.walk()), list(theirs.walk())
    assert [c.name for c in mine] == [c.name for c in other]
    for a, b in zip(mine, other, strict=True):
        assert list(a.keys()) == list(b.keys()), a.name
        for name in a:
            values_a, values_b = a[name], b[name]
            if name == "X-MINICRM-HASH" and not digest:  # a digest of the text, which may differ (see above)
                continue
            if name in TEXT_PROPERTIES:
                assert same_text(str(values_a), str(values_b)), (a.name, name, str(values_a), str(values_b))
            else:
                assert a.content_line(name, values_a) == b.content_line(name, values_b), (a.name, name)


def _note_zoned(component: icalendar.Component, years: dict[str, set[int]]) -> None:
    for name in ("DTSTART", "DTEND", "DUE"):
        prop = component.get(name)
        if prop is not None and "TZID" in prop.params:
            years.setdefault(str(prop.params["TZID"]), set()).add(prop.dt.year)


def _timezones(years: dict[str, set[int]]) -> list[bytes]:
    return [vtimezone(name, min(seen), max(seen)) for name, seen in sorted(years.items())]


def uid(entry: FeedEntry, database_id: str, prefix: str = "") -> str:
    return f"{prefix}{entry.uid_key}.{database_id}@minicrm"


def _moment(day: date, hhmm: str, tz: tzinfo) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    at = datetime.combine(day, time(hour, minute), tzinfo=tz)
    return at if tzid(tz) else at.astimezone(UTC)


def _common(component: icalendar.Component, entry: FeedEntry, database_id: str, tz: tzinfo, prefix: str) -> None:
    component.add("uid", uid(entry, database_id, prefix))
    stamp = entry.changed_at.replace(tzinfo=tz).astimezone(UTC)
    component.add("dtstamp", stamp)
    component.add("last-modified", stamp)
    component.add("sequence", entry.sequence)
    component.add("summary", entry.summary)
    if entry.description:
        component.add("description", entry.description)
    component.add("categories", entry.categories)


def event(entry: FeedEntry, database_id: str, tz: tzinfo, options: FeedOptions) -> icalendar.Event:
    ev = icalendar.Event()
    _common(ev, entry, database_id, tz, "")
    if entry.time:
        start = _moment(entry.on, entry.time, tz)
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(minutes=TIMED_MINUTES))
    else:
        ev.add("dtstart", entry.on)
        ev.add("dtend", entry.on + timedelta(days=1))
    if entry.yearly:
        if (entry.on.month, entry.on.day) == (2, 29):
            ev.add("rrule", {"freq": "yearly", "byyearday": 60})
        else:
            ev.add("rrule", {"freq": "yearly"})
    ev.add("transp", "TRANSPARENT")
    ev.add("status", "CONFIRMED")
    if options.alarm:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", entry.summary)
        alarm.add("trigger", ALARM_TIMED if entry.time else ALARM_ALL_DAY)
        ev.add_component(alarm)
    return ev


def todo(entry: FeedEntry, database_id: str, tz: tzinfo) -> icalendar.Todo:
    item = icalendar.Todo()
    _common(item, entry, database_id, tz, "todo-")
    item.add("due", _moment(entry.due_on, entry.due_time, tz) if entry.due_time else entry.due_on)
    item.add("status", "NEEDS-ACTION")
    item.add("priority", 1 if entry.days_overdue else 5)
    return item


def components(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> Iterator[icalendar.Component]:
    tz = zone(options.tz)
    for entry in entries:
        yield event(entry, database_id, tz, options)
        if options.todo and entry.todo:
            yield todo(entry, database_id, tz)


def _head(options: FeedOptions | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if options is None:
        return cal
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", icalendar.vText(options.name))
    cal.add("name", icalendar.vText(options.name))
    cal.add("x-wr-caldesc", icalendar.vText(options.description))
    refresh = icalendar.prop.vDuration.from_ical(options.refresh)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(refresh))
    return cal


def render(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> bytes:
    """The whole feed, as `ical export` wrote it with icalendar."""
    end = b"END:VCALENDAR\r\n"
    head = _head(options).to_ical()[: -len(end)]
    years: dict[str, set[int]] = {}
    body = []
    for component in components(entries, database_id, options):
        _note_zoned(component, years)
        body.append(component.to_ical())
    return b"".join([head, *_timezones(years), *body, end])


def single(component: icalendar.Component) -> bytes:
    end = b"END:VCALENDAR\r\n"
    years: dict[str, set[int]] = {}
    _note_zoned(component, years)
    return b"".join([_head(None).to_ical()[: -len(end)], *_timezones(years), component.to_ical(), end])


def resources(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> list[Resource]:
    """The CalDAV objects `ical push` stored: one per UID, stamped with the digest of its content."""
    out = []
    for component in components(entries, database_id, options):
        digest = hashlib.sha256(single(component)).hexdigest()[:32]
        component.add(HASH_PROP, digest)
        out.append(Resource(str(component["uid"]), component.name == "VTODO", single(component), digest))
    return out
