"""Render feed entries as iCalendar; the only module that imports icalendar (~150 ms).

Built for subscription clients (Google, Apple, Outlook, Thunderbird) and CalDAV servers:
- every item is an all-day VEVENT (`DTSTART;VALUE=DATE`, `DTEND` = next day, which Outlook needs), or a
  timed one when a follow-up or task has a time: with a TZID and a VTIMEZONE (`zones.vtimezone`) that covers
  every date-time of the file, or in UTC when the zone has no IANA name (a POSIX `TZ` rule);
- the UID is `<kind>-<row id>.<database id>@minicrm`: stable across exports, distinct across databases;
- DTSTAMP, LAST-MODIFIED and SEQUENCE come from the entry (`entries._version`): two exports of unchanged data
  are byte-identical (no random UID, no DTSTAMP=now), and an item that changed, if only by moving to today
  because it is overdue, has a higher SEQUENCE and a later DTSTAMP;
- birthdays and yearly dates are `RRULE:FREQ=YEARLY` (29 February: `BYYEARDAY=60`, i.e. 1 March in common
  years, as `minicrm due` shows it); a year-less birthday starts in 2000.

All serialisation is here: `render` writes the feed (one VCALENDAR with METHOD:PUBLISH and the calendar's
name), `single` one CalDAV resource (one UID, no METHOD: RFC 4791 §4.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar

from minicrm.errors import BadInput
from minicrm.ical.entries import FeedEntry
from minicrm.ical.zones import tzid, vtimezone, zone

PRODID = "-//minicrm//follow-ups 0.1//EN"
TIMED_MINUTES = 30
ALARM_ALL_DAY = timedelta(hours=9)  # 09:00 on the day
ALARM_TIMED = timedelta(minutes=-15)


@dataclass
class FeedOptions:
    name: str = "minicrm follow-ups"
    description: str = "Follow-ups, tasks, deal steps and birthdays from minicrm"
    refresh: str = "PT1H"  # REFRESH-INTERVAL and X-PUBLISHED-TTL (an ISO 8601 duration)
    alarm: bool = False
    todo: bool = False
    tz: str | None = None  # an IANA zone for timed items; default: `zones.local_zone()`


def _note_zoned(component: icalendar.Component, years: dict[str, set[int]]) -> None:
    """Add the years of the component's date-times that have a TZID to `years` (by TZID)."""
    for name in ("DTSTART", "DTEND", "DUE"):
        prop = component.get(name)
        if prop is not None and "TZID" in prop.params:
            years.setdefault(str(prop.params["TZID"]), set()).add(prop.dt.year)


def _timezones(years: dict[str, set[int]]) -> list[bytes]:
    """The VTIMEZONEs that cover the years noted by `_note_zoned`."""
    return [vtimezone(name, min(seen), max(seen)) for name, seen in sorted(years.items())]


# -- components ---------------------------------------------------------------------------------------------
def uid(entry: FeedEntry, database_id: str, prefix: str = "") -> str:
    return f"{prefix}{entry.uid_key}.{database_id}@minicrm"


def _moment(day: date, hhmm: str, tz: tzinfo) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    at = datetime.combine(day, time(hour, minute), tzinfo=tz)
    return at if tzid(tz) else at.astimezone(UTC)


def _duration(text: str) -> timedelta:
    from icalendar.prop import vDuration

    try:
        return vDuration.from_ical(text)
    except ValueError:
        raise BadInput(f"invalid refresh interval '{text}' (an ISO 8601 duration such as PT1H)") from None


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


def _items(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> Iterator[icalendar.Component]:
    tz = zone(options.tz)
    for entry in entries:
        yield event(entry, database_id, tz, options)
        if options.todo and entry.todo:
            yield todo(entry, database_id, tz)


def components(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> list[icalendar.Component]:
    """The VEVENTs (and with `todo`, VTODOs) of the feed, one UID each, in a stable order."""
    return list(_items(entries, database_id, options))


# -- files --------------------------------------------------------------------------------------------------
def _head(options: FeedOptions | None) -> icalendar.Calendar:
    """A VCALENDAR with the feed's properties, or (None) those of a CalDAV resource: RFC 4791 §4.1 forbids
    METHOD there, and the name and refresh interval belong to the calendar collection, not to each object."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if options is None:
        return cal
    cal.add("method", "PUBLISH")
    # icalendar does not know NAME and X-WR-* as TEXT and would write them unescaped (`,` `;` `\`, newlines)
    cal.add("x-wr-calname", icalendar.vText(options.name))
    cal.add("name", icalendar.vText(options.name))
    cal.add("x-wr-caldesc", icalendar.vText(options.description))
    refresh = _duration(options.refresh)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(refresh))
    return cal


def render(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> bytes:
    """The whole feed as bytes (CRLF line ends, folded at 75 octets, text escaped by icalendar).

    Each component is rendered on its own and dropped, so a feed of 50,000 items never holds 50,000
    icalendar objects at once (1 GB and a garbage collector walking them all, at 100,000 contacts).
    The VTIMEZONEs, which must cover every date seen, are written before the items once they are known.
    """
    end = b"END:VCALENDAR\r\n"
    head = _head(options).to_ical()[: -len(end)]
    years: dict[str, set[int]] = {}
    body = []
    for component in _items(entries, database_id, options):
        _note_zoned(component, years)
        body.append(component.to_ical())
    return b"".join([head, *_timezones(years), *body, end])


def single(component: icalendar.Component) -> bytes:
    """One component in its own VCALENDAR, with the VTIMEZONE it needs: a CalDAV resource (one UID)."""
    end = b"END:VCALENDAR\r\n"
    years: dict[str, set[int]] = {}
    _note_zoned(component, years)
    return b"".join([_head(None).to_ical()[: -len(end)], *_timezones(years), component.to_ical(), end])


def build_feed(
    session: Any,
    *,
    today: date,
    options: FeedOptions,
    days_back: int = 365,
    days_ahead: int = 90,
    include: tuple[str, ...] | None = None,
) -> bytes:
    """The feed of a database, as `ical export` writes it and `ical serve` serves it."""
    from minicrm.ical.entries import FEED_INCLUDES, database_id, feed_entries

    zone(options.tz)  # a bad --tz fails before any work
    entries = feed_entries(
        session, today=today, days_back=days_back, days_ahead=days_ahead, include=include or FEED_INCLUDES
    )
    return render(entries, database_id(session), options)
