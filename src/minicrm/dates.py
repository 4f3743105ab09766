"""Parse the dates people type: ISO, day-first European, relative (`+2w`, `in 3 days`), weekdays, times.

Pure functions; "now" is always injected so `--today` makes every result reproducible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from minicrm.errors import BadInput

HINT = "try 2026-12-05, 05.12.2026, tomorrow, +3d, next friday 15:00"
WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
UNITS = {
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "week", "weeks"), "weeks"),
    **dict.fromkeys(("m", "month", "months"), "months"),
    **dict.fromkeys(("y", "year", "years"), "years"),
}
SPAN_DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}

_TIME = re.compile(r"(?:at\s+)?(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?$")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$")
_REL = re.compile(r"([+-])\s*(\d+)\s*([a-z]+)$")
_IN = re.compile(r"in\s+(\d+)\s*([a-z]+)$")
_AGO = re.compile(r"(\d+)\s*([a-z]+)\s+ago$")


MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class When:
    """A day, with a time of day when one was given."""

    date: date
    time: time | None = None

    def as_datetime(self, default_time: time = MIDNIGHT) -> datetime:
        return datetime.combine(self.date, self.time or default_time)


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None

    def iso(self) -> str:
        """`1990-12-10`, or the vCard year-less form `--12-10`."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else f"--{self.month:02d}-{self.day:02d}"


def _bad(text: str, why: str | None = None) -> BadInput:
    if why:
        return BadInput(f"invalid date '{text}': {why}")
    return BadInput(f"cannot understand date '{text}' ({HINT})")


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise _bad(text, str(exc)) from None


def _make_time(text: str, match: re.Match[str]) -> time:
    hour, minute, second, meridiem = match.groups()
    h = int(hour)
    if meridiem:
        if not 1 <= h <= 12:
            raise _bad(text, "hour must be 1-12 with am/pm")
        h = h % 12 + (12 if meridiem == "pm" else 0)
    try:
        return time(h, int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise _bad(text, str(exc)) from None


def _shift(base: date, sign: int, amount: int, unit: str, text: str) -> date:
    from dateutil.relativedelta import relativedelta

    kind = UNITS.get(unit)
    if kind is None:
        raise _bad(text)
    try:
        return base + relativedelta(**{kind: sign * amount})
    except (ValueError, OverflowError) as exc:
        raise _bad(text, str(exc)) from None


def _day(text: str, part: str, today: date) -> date | None:
    """The day named by `part` (no time in it), or None when it is not a day expression."""
    if part in ("today", "now"):
        return today
    if part == "tomorrow":
        return today + timedelta(days=1)
    if part == "yesterday":
        return today - timedelta(days=1)
    if part == "day after tomorrow":
        return today + timedelta(days=2)
    if m := _ISO.match(part):
        if m.group(4):
            return None
        return _make_date(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(part):
        day, month, year = int(m[1]), int(m[2]), m[3]
        if year is None:
            found = _make_date(text, 2000, month, day)  # validates day/month (2000 is a leap year)
            for offset in range(0, 9):
                try:
                    found = date(today.year + offset, month, day)
                except ValueError:
                    continue
                if found >= today:
                    return found
            return found
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _make_date(text, full, month, day)
    if m := _REL.match(part):
        return _shift(today, 1 if m[1] == "+" else -1, int(m[2]), m[3], text)
    if m := _IN.match(part):
        return _shift(today, 1, int(m[1]), m[2], text)
    if m := _AGO.match(part):
        return _shift(today, -1, int(m[1]), m[2], text)
    words = part.split()
    if words and words[0] in ("next", "this") and len(words) == 2 and words[1] in WEEKDAYS:
        words = words[1:]
    if len(words) == 1 and words[0] in WEEKDAYS:
        ahead = (WEEKDAYS[words[0]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if words and words[0] == "next" and len(words) == 2 and words[1] in UNITS:
        return _shift(today, 1, 1, words[1], text)
    return None


def parse_when(text: str, *, now: datetime) -> When:
    """A day and an optional time of day; see the README for the accepted forms.

    `friday` and `next friday` both mean the first Friday after today (never today itself).
    """
    raw = text
    value = " ".join(str(text).strip().lower().split())
    if not value or "\x00" in value or len(value) > 64:
        raise _bad(raw)
    today = now.date()
    if value == "now":
        return When(today, now.time().replace(microsecond=0))
    if m := _ISO.match(value):
        day = _make_date(raw, int(m[1]), int(m[2]), int(m[3]))
        if m.group(4):
            try:
                return When(day, time(int(m[4]), int(m[5]), int(m[6] or 0)))
            except ValueError as exc:
                raise _bad(raw, str(exc)) from None
        return When(day)
    found = _day(raw, value, today)
    if found is not None:
        return When(found)
    # "<day> <time>", "<day> at <time>" or a bare time (= today)
    if (m := _TIME.match(value)) and (m.group(2) or m.group(4)):
        return When(today, _make_time(raw, m))
    head, _, tail = value.rpartition(" ")
    if head and (m := _TIME.match(tail)) and (m.group(2) or m.group(4)):
        head = head.removesuffix(" at")
        found = _day(raw, head, today)
        if found is not None:
            return When(found, _make_time(raw, m))
    return When(*_dateutil(raw, value))


def _dateutil(raw: str, value: str) -> tuple[date, time | None]:
    """Written-out dates such as `5 dec 2026` or `December 5, 2026 14:00` (a year is required)."""
    if not re.search(r"[a-z]", value) or not re.search(r"\d{4}", value):
        raise _bad(raw)
    from dateutil import parser

    try:
        parsed = parser.parse(value, dayfirst=True, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        raise _bad(raw) from None
    has_time = bool(re.search(r"\d:\d|am|pm", value))
    return parsed.date(), parsed.time() if has_time else None


def parse_date(text: str, *, now: datetime) -> date:
    return parse_when(text, now=now).date


def parse_datetime(text: str, *, now: datetime) -> datetime:
    """A moment: `now`, a value with a time, or a day at the current time of day (`--at yesterday`)."""
    when = parse_when(text, now=now)
    return datetime.combine(when.date, when.time or now.time().replace(microsecond=0))


def parse_birthday(text: str, *, now: datetime) -> Birthday:
    """`1990-12-10`, `10.12.1990`, or year-less `--12-10`, `--1210`, `10.12`."""
    value = str(text).strip()
    m = re.fullmatch(r"--(\d{2})-?(\d{2})", value)
    if m is None:
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.?", value)
        if m:
            day, month = int(m[1]), int(m[2])
            _make_date(text, 2000, month, day)
            return Birthday(month, day)
        m2 = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})[./](\d{1,2})[./](\d{4})", value)
        if m2 is None:
            raise BadInput(f"cannot understand birthday '{text}' (try 1990-12-10, 10.12.1990, --12-10 or 10.12)")
        if m2[1]:
            year, month, day = int(m2[1]), int(m2[2]), int(m2[3])
        else:
            year, month, day = int(m2[6]), int(m2[5]), int(m2[4])
        born = _make_date(text, year, month, day)
        if born > now.date():
            raise BadInput(f"invalid birthday '{text}': it is in the future")
        return Birthday(month, day, year)
    month, day = int(m[1]), int(m[2])
    _make_date(text, 2000, month, day)
    return Birthday(month, day)


def parse_span(text: str) -> int:
    """A length in days: `7d`, `2w`, `1m` (30 days), `1y` (365), `2 weeks`, or a bare number of days."""
    value = " ".join(str(text).strip().lower().split())
    m = re.fullmatch(r"(\d{1,5})\s*([a-z]*)", value)
    unit = UNITS.get(m[2] or "days") if m else None
    if not m or unit is None:
        raise BadInput(f"invalid span '{text}' (try 7d, 2w, 1m or 10)")
    return int(m[1]) * SPAN_DAYS[unit]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(text: str, *, today: date) -> tuple[date, date]:
    """An inclusive range: `2026`, `2026-Q3`, `2026-10`, `last-90d`, `last-4w`, `this-month`, `ytd`..."""
    value = str(text).strip().lower()
    try:
        if m := re.fullmatch(r"(\d{4})", value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
        if m := re.fullmatch(r"(\d{4})-?q([1-4])", value):
            start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return start, _month_end(start.year, start.month + 2)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            start = date(int(m[1]), int(m[2]), 1)
            return start, _month_end(start.year, start.month)
        if m := re.fullmatch(r"last-(\d{1,5})([dwmy])", value):
            days = int(m[1]) * SPAN_DAYS[UNITS[m[2]]]
            if days < 1:
                raise ValueError("empty period")
            return today - timedelta(days=days - 1), today
    except ValueError as exc:
        raise BadInput(f"invalid period '{text}': {exc}") from None
    if value == "this-month":
        return today.replace(day=1), _month_end(today.year, today.month)
    if value == "last-month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if value == "this-quarter":
        start = _quarter_start(today)
        return start, _month_end(start.year, start.month + 2)
    if value == "last-quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if value == "this-year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if value == "last-year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if value == "ytd":
        return date(today.year, 1, 1), today
    raise BadInput(f"invalid period '{text}' (try 2026, 2026-Q3, 2026-10, last-90d, this-month, ytd)")
