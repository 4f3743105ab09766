"""Render feed entries as an iCalendar file; the only module that imports icalendar (~150 ms).

Built for subscription clients (Google, Apple, Outlook, Thunderbird) and CalDAV servers:
- every item is an all-day VEVENT (`DTSTART;VALUE=DATE`, `DTEND` = next day, which Outlook needs), or a
  timed one with a TZID and its VTIMEZONE when a follow-up has a time;
- the UID is `<kind>-<row id>.<database id>@minicrm`: stable across exports, distinct across databases;
- DTSTAMP and LAST-MODIFIED come from the row's `updated_at` and SEQUENCE from its revision, so two exports
  of unchanged data are byte-identical (no random UID, no DTSTAMP=now);
- birthdays and yearly dates are `RRULE:FREQ=YEARLY` (29 February: `BYYEARDAY=60`, i.e. 1 March in common
  years, as `minicrm due` shows it); a year-less birthday starts in 2000.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import icalendar

from minicrm.errors import BadInput
from minicrm.ical.entries import FeedEntry

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

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
    tz: str | None = None  # an IANA zone for timed items; default: $MINICRM_TZ, $TZ, /etc/localtime, UTC


def local_zone_name() -> str:
    """The IANA name of the local time zone (times in the database are naive local times)."""
    for var in ("MINICRM_TZ", "TZ"):
        value = os.environ.get(var, "").lstrip(":")
        if (value and "/" in value) or value in ("UTC", "Etc/UTC"):
            return value
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    try:
        name = Path("/etc/timezone").read_text().strip()
        if name:
            return name
    except OSError:
        pass
    return "UTC"


def zone(name: str | None) -> ZoneInfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    key = name or local_zone_name()
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"unknown time zone '{key}' (an IANA name such as Europe/Paris)") from None


def uid(entry: FeedEntry, database_id: str, prefix: str = "") -> str:
    return f"{prefix}{entry.uid_key}.{database_id}@minicrm"


def _utc(moment: datetime, tz: tzinfo) -> datetime:
    return moment.replace(tzinfo=tz).astimezone(UTC)


def _duration(text: str) -> timedelta:
    from icalendar.prop import vDuration

    try:
        return vDuration.from_ical(text)
    except ValueError:
        raise BadInput(f"invalid refresh interval '{text}' (an ISO 8601 duration such as PT1H)") from None


def _common(component: icalendar.Component, entry: FeedEntry, database_id: str, tz: tzinfo, prefix: str) -> None:
    component.add("uid", uid(entry, database_id, prefix))
    stamp = _utc(entry.updated_at, tz)
    component.add("dtstamp", stamp)
    component.add("last-modified", stamp)
    component.add("sequence", entry.revision)
    component.add("summary", entry.summary)
    if entry.description:
        component.add("description", entry.description)
    component.add("categories", entry.categories)


def event(entry: FeedEntry, database_id: str, tz: tzinfo, options: FeedOptions) -> icalendar.Event:
    ev = icalendar.Event()
    _common(ev, entry, database_id, tz, "")
    if entry.time:
        hour, minute = (int(x) for x in entry.time.split(":"))
        start = datetime.combine(entry.on, time(hour, minute), tzinfo=tz)
        if getattr(tz, "key", "UTC") in ("UTC", "Etc/UTC"):
            start = start.astimezone(UTC)
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
    item.add("due", entry.due_on)
    item.add("status", "NEEDS-ACTION")
    item.add("priority", 1 if entry.days_overdue else 5)
    return item


def components(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> list[icalendar.Component]:
    """The VEVENTs (and with `todo`, VTODOs) of the feed, one UID each, in a stable order."""
    tz = zone(options.tz)
    out: list[icalendar.Component] = []
    for entry in entries:
        out.append(event(entry, database_id, tz, options))
        if options.todo and entry.todo:
            out.append(todo(entry, database_id, tz))
    return out


def calendar(
    items: Iterable[icalendar.Component], options: FeedOptions, *, today: date, with_timezones: bool = True
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", options.name)
    cal.add("name", options.name)
    cal.add("x-wr-caldesc", options.description)
    refresh = _duration(options.refresh)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(refresh))
    tz = zone(options.tz)
    timed = False
    for item in items:
        cal.add_component(item)
        start = item.get("dtstart")
        timed = timed or (start is not None and isinstance(start.dt, datetime) and start.dt.tzinfo is not UTC)
    if with_timezones and timed and getattr(tz, "key", "UTC") not in ("UTC", "Etc/UTC"):
        # A bounded VTIMEZONE (a few years around today) keeps the file small and deterministic.
        vtz = icalendar.Timezone.from_tzinfo(
            tz, tzid=tz.key, first_date=date(today.year - 1, 1, 1), last_date=date(today.year + 4, 1, 1)
        )
        cal.subcomponents.insert(0, vtz)
    return cal


def render(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions, *, today: date) -> bytes:
    """The whole feed as bytes (CRLF line ends, folded at 75 octets, text escaped by icalendar).

    Each component is rendered on its own and dropped, so a feed of 50,000 items never holds 50,000
    icalendar objects at once (1 GB and a garbage collector walking them all, at 100,000 contacts).
    The bytes are the same as `calendar(components(...)).to_ical()`.
    """
    entries = list(entries)
    tz = zone(options.tz)
    local = getattr(tz, "key", "UTC") not in ("UTC", "Etc/UTC")
    head = calendar([], options, today=today)
    if local and any(e.time for e in entries):
        head = calendar([event(next(e for e in entries if e.time), database_id, tz, options)],
                        options, today=today)  # fmt: skip
        head.subcomponents = head.subcomponents[:1]  # the VTIMEZONE only
    end = b"END:VCALENDAR\r\n"
    parts = [head.to_ical()[: -len(end)]]
    for entry in entries:
        parts.append(event(entry, database_id, tz, options).to_ical())
        if options.todo and entry.todo:
            parts.append(todo(entry, database_id, tz).to_ical())
    parts.append(end)
    return b"".join(parts)


def single(component: icalendar.Component, options: FeedOptions, *, today: date) -> bytes:
    """One component in its own VCALENDAR (a CalDAV resource holds exactly one UID)."""
    return calendar([component], options, today=today).to_ical()


def build_feed(
    session,
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
    return render(entries, database_id(session), options, today=today)
