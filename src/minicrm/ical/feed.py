"""Render feed entries as iCalendar, by plain string building (`minicrm.ical.ics`), written as it is made.

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

`write` streams the feed (one VCALENDAR with METHOD:PUBLISH and the calendar's name) to a binary file as its
items are read, `single` makes one CalDAV resource (one UID, no METHOD: RFC 4791 §4.1). The properties come
in the order icalendar wrote them, and the bytes are the same as its (tests/ical/ical_reference.py keeps that
renderer as the reference), except for what icalendar got wrong: a literal `\\N` and control characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import IO, Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.ical import ics
from minicrm.ical.entries import FeedEntry
from minicrm.ical.zones import tzid, vtimezone, zone

PRODID = "-//minicrm//follow-ups 0.1//EN"
TIMED_MINUTES = 30
ALARM_ALL_DAY = "PT9H"  # 09:00 on the day
ALARM_TIMED = "-PT15M"
END = "END:VCALENDAR\r\n"
_ONE_DAY = timedelta(days=1)
_FLUSH_EVERY = 500  # items per write


@dataclass
class FeedOptions:
    name: str = "minicrm follow-ups"
    description: str = "Follow-ups, tasks, deal steps and birthdays from minicrm"
    refresh: str = "PT1H"  # REFRESH-INTERVAL and X-PUBLISHED-TTL (an ISO 8601 duration)
    alarm: bool = False
    todo: bool = False
    tz: str | None = None  # an IANA zone for timed items; default: `zones.local_zone()`


def refresh_value(text: str) -> str:
    """`--refresh` as a DURATION value; BadInput when it is not one."""
    try:
        return ics.duration_value(ics.parse_duration(text))
    except ValueError:
        raise BadInput(
            _("invalid refresh interval '{text}' (an ISO 8601 duration such as PT1H)").format(text=text)
        ) from None


def head(options: FeedOptions | None) -> str:
    """The VCALENDAR's first lines: the feed's, or (None) those of a CalDAV resource: RFC 4791 §4.1 forbids
    METHOD there, and the name and refresh interval belong to the calendar collection, not to each object."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if options is not None:
        name, refresh = ics.text(options.name), refresh_value(options.refresh)
        lines += ["METHOD:PUBLISH", f"X-WR-CALDESC:{ics.text(options.description)}", f"NAME:{name}",
                  f"X-WR-CALNAME:{name}", f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
                  f"X-PUBLISHED-TTL:{refresh}"]  # fmt: skip
    return "".join(ics.fold(line) + "\r\n" for line in lines)


Years = dict[str, tuple[int, int]]  # TZID -> the first and last year of its date-times in a file


def add_years(years: Years, name: str, first: int, last: int) -> None:
    seen = years.get(name)
    years[name] = (first, last) if seen is None else (min(seen[0], first), max(seen[1], last))


def timezones(years: Years) -> str:
    """The VTIMEZONEs that cover the years seen (zones.vtimezone)."""
    return "".join(vtimezone(name, first, last).decode() for name, (first, last) in sorted(years.items()))


class Renderer:
    """Renders the entries of one database with one set of options; knows which years its TZID needs."""

    def __init__(self, database_id: str, options: FeedOptions):
        self.database_id = database_id
        self.options = options
        self.tz: tzinfo = zone(options.tz)
        self.tzid = tzid(self.tz)
        self._stamps: dict[datetime, str] = {}  # the values most items share, made once
        self._days: dict[date, tuple[str, str]] = {}
        self._categories: dict[tuple[str, ...], str] = {}

    # -- values -------------------------------------------------------------------------------------------
    def _moment(self, day: date, hhmm: str) -> datetime:
        hour, minute = hhmm.split(":")[:2]
        at = datetime.combine(day, time(int(hour), int(minute)), tzinfo=self.tz)
        return at if self.tzid else at.astimezone(UTC)

    def _when(self, name: str, at: datetime) -> str:
        return f"{name};TZID={self.tzid}:{ics.time_value(at)}" if self.tzid else f"{name}:{ics.time_value(at)}"

    def _stamp(self, changed_at: datetime) -> str:
        """DTSTAMP / LAST-MODIFIED: the local time of the last change, in UTC."""
        stamp = self._stamps.get(changed_at)
        if stamp is None:
            if len(self._stamps) > 4096:
                self._stamps.clear()
            stamp = ics.time_value(changed_at.replace(tzinfo=self.tz).astimezone(UTC))
            self._stamps[changed_at] = stamp
        return stamp

    def _all_day(self, day: date) -> tuple[str, str]:
        """DTSTART and DTEND of an all-day event."""
        lines = self._days.get(day)
        if lines is None:
            if len(self._days) > 4096:
                self._days.clear()
            lines = (f"DTSTART;VALUE=DATE:{ics.date_value(day)}", f"DTEND;VALUE=DATE:{ics.date_value(day + _ONE_DAY)}")
            self._days[day] = lines
        return lines

    def _categories_line(self, categories: list[str]) -> str:
        key = tuple(categories)
        line = self._categories.get(key)
        if line is None:
            line = self._categories[key] = ics.fold("CATEGORIES:" + ",".join(ics.text(c) for c in categories))
        return line

    def zoned_years(self, day: date | None, at: str | None, due_day: date | None, due_at: str | None) -> list[int]:
        """The years of the TZID'd date-times of an event at `day` `at` (and its DTEND) and of a VTODO due
        `due_day` `due_at`: what the VTIMEZONE must cover."""
        if not self.tzid:
            return []
        out = []
        if day is not None and at:
            start = self._moment(day, at)
            out += [start.year, (start + timedelta(minutes=TIMED_MINUTES)).year]
        if due_day is not None and due_at:
            out.append(due_day.year)
        return out

    def entry_years(self, entry: FeedEntry) -> list[int]:
        todo = self.options.todo and entry.todo
        return self.zoned_years(entry.on, entry.time, entry.due_on if todo else None, entry.due_time)

    def plan_years(self, plans: Iterable[tuple[date, str]], today: date) -> Years:
        """The years of `entries.timed_plans`: an item planned before today is shown all day (only its VTODO
        keeps the time)."""
        years: Years = {}
        if not self.tzid:
            return years
        first = last = None
        for day, at in plans:
            for year in self.zoned_years(None if day < today else day, at, day if self.options.todo else None, at):
                first = year if first is None or year < first else first
                last = year if last is None or year > last else last
        if first is not None and last is not None:
            years[self.tzid] = (first, last)
        return years

    # -- components ---------------------------------------------------------------------------------------
    def uid(self, entry: FeedEntry, prefix: str = "") -> str:
        return f"{prefix}{entry.uid_key}.{self.database_id}@minicrm"

    def event(self, entry: FeedEntry, digest: str | None = None) -> str:
        summary = ics.text(entry.summary)
        stamp = self._stamp(entry.changed_at)
        lines = ["BEGIN:VEVENT", ics.fold(f"SUMMARY:{summary}")]
        if entry.time:
            start = self._moment(entry.on, entry.time)
            lines += [self._when("DTSTART", start), self._when("DTEND", start + timedelta(minutes=TIMED_MINUTES))]
        else:
            lines += self._all_day(entry.on)
        lines += [f"DTSTAMP:{stamp}", ics.fold(f"UID:{ics.text(self.uid(entry))}"), f"SEQUENCE:{entry.sequence}"]
        if entry.yearly:
            leap = (entry.on.month, entry.on.day) == (2, 29)
            lines.append("RRULE:FREQ=YEARLY;BYYEARDAY=60" if leap else "RRULE:FREQ=YEARLY")
        lines.append(self._categories_line(entry.categories))
        if entry.description:
            lines.append(ics.fold(f"DESCRIPTION:{ics.text(entry.description)}"))
        lines += [f"LAST-MODIFIED:{stamp}", "STATUS:CONFIRMED", "TRANSP:TRANSPARENT"]
        if digest:
            lines.append(f"X-MINICRM-HASH:{digest}")
        if self.options.alarm:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", ics.fold(f"DESCRIPTION:{summary}"),
                      f"TRIGGER:{ALARM_TIMED if entry.time else ALARM_ALL_DAY}", "END:VALARM"]  # fmt: skip
        lines.append("END:VEVENT\r\n")
        return "\r\n".join(lines)

    def todo(self, entry: FeedEntry, digest: str | None = None) -> str:
        stamp = self._stamp(entry.changed_at)
        lines = ["BEGIN:VTODO", self._categories_line(entry.categories)]
        if entry.description:
            lines.append(ics.fold(f"DESCRIPTION:{ics.text(entry.description)}"))
        due = (self._when("DUE", self._moment(entry.due_on, entry.due_time)) if entry.due_time
               else f"DUE;VALUE=DATE:{ics.date_value(entry.due_on)}")  # fmt: skip
        lines += [f"DTSTAMP:{stamp}", due, f"LAST-MODIFIED:{stamp}", f"PRIORITY:{1 if entry.days_overdue else 5}",
                  f"SEQUENCE:{entry.sequence}", "STATUS:NEEDS-ACTION", ics.fold(f"SUMMARY:{ics.text(entry.summary)}"),
                  ics.fold(f"UID:{ics.text(self.uid(entry, 'todo-'))}")]  # fmt: skip
        if digest:
            lines.append(f"X-MINICRM-HASH:{digest}")
        lines.append("END:VTODO\r\n")
        return "\r\n".join(lines)

    def item(self, entry: FeedEntry) -> str:
        """The VEVENT of an entry, and its VTODO when the feed has them."""
        if self.options.todo and entry.todo:
            return self.event(entry) + self.todo(entry)
        return self.event(entry)

    def single(self, entry: FeedEntry, *, as_todo: bool, digest: str | None = None) -> bytes:
        """One component in its own VCALENDAR, with the VTIMEZONE it needs: a CalDAV resource (one UID)."""
        if as_todo:
            body, zoned = self.todo(entry, digest), self.zoned_years(None, None, entry.due_on, entry.due_time)
        else:
            body, zoned = self.event(entry, digest), self.zoned_years(entry.on, entry.time, None, None)
        years: Years = {}
        if zoned and self.tzid:
            add_years(years, self.tzid, min(zoned), max(zoned))
        return (head(None) + timezones(years) + body + END).encode()


def write(out: IO[bytes], entries: Iterable[FeedEntry], renderer: Renderer, years: Years) -> int:
    """Write the feed to `out` as its entries come; `years` (`Renderer.plan_years`) must cover every TZID'd
    date-time of them, since the VTIMEZONEs come first. Returns the number of events."""
    out.write((head(renderer.options) + timezones(years)).encode())
    chunk: list[str] = []
    count = 0
    covered = years.get(renderer.tzid or "", (0, 0))
    for entry in entries:
        chunk.append(renderer.item(entry))
        count += 1
        if renderer.tzid and (entry.time or entry.due_time):
            for year in renderer.entry_years(entry):
                if not covered[0] <= year <= covered[1]:
                    raise AssertionError(f"{entry.uid_key}: {year} is not covered by the VTIMEZONE written")
        if len(chunk) >= _FLUSH_EVERY:
            out.write("".join(chunk).encode())
            chunk.clear()
    out.write(("".join(chunk) + END).encode())
    return count


def render(entries: Iterable[FeedEntry], database_id: str, options: FeedOptions) -> bytes:
    """The whole feed of a list of entries as bytes (CRLF line ends, folded at 75 octets, text escaped)."""
    import io

    items = list(entries)
    renderer = Renderer(database_id, options)
    years: Years = {}
    for entry in items:
        zoned = renderer.entry_years(entry)
        if zoned and renderer.tzid:
            add_years(years, renderer.tzid, min(zoned), max(zoned))
    buffer = io.BytesIO()
    write(buffer, items, renderer, years)
    return buffer.getvalue()


def build_feed(
    session: Any,
    out: IO[bytes],
    *,
    today: date,
    options: FeedOptions,
    days_back: int = 365,
    days_ahead: int = 90,
    include: tuple[str, ...] | None = None,
) -> int:
    """Write the feed of a database to `out`, as `ical export` does, reading its items in batches in one
    consistent snapshot. Returns the number of events."""
    from minicrm.ical.entries import database_id, iter_entries, timed_plans, window

    refresh_value(options.refresh)  # a bad --refresh or --tz fails before any work
    win = window(today=today, days_back=days_back, days_ahead=days_ahead, include=include)
    with session.snapshot():
        renderer = Renderer(database_id(session), options)
        years = renderer.plan_years(timed_plans(session, win), today)
        return write(out, iter_entries(session, win), renderer, years)
