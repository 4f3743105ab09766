"""Parse user-typed dates, times, birthdays, spans and report periods (pure: `now`/`today` are injected).

Numeric dates are ISO year-first (2026-12-05) or European day-first (05.12.2026, 05/12/26); a year-less
date (24.12, 5 dec) is its next occurrence on or after today. A file of US dates is read with `order="mdy"`
(`import csv --date-order`): that changes only dates written with `/` or `-`, never dotted or ISO ones.
Every bad value raises `BadInput`.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from minicrm.errors import BadInput
from minicrm.i18n import _

_MIDNIGHT = time(0, 0)
_MAX_LEN = 100  # nothing valid is longer; keeps the regexes cheap on huge input
_MONTHS = [calendar.month_name[i].lower() for i in range(1, 13)]
_WEEKDAYS = {n: i for i, full in enumerate(calendar.day_name) for n in (full.lower(), full[:3].lower())}
_WEEKDAYS |= {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2, "day before yesterday": -2}
_UNIT = r"(d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)"
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_MAX_SPAN = 100_000
_TIME = re.compile(
    r"(?:(?P<day>.*?)(?: at |\s*@\s*| |(?<=\d)t))?"
    r"(?P<h>\d{1,2})(?::(?P<min>\d{2})(?::(?P<sec>\d{2}))?)?\s?(?P<ap>[ap]m)?",
    re.ASCII,
)


@dataclass(frozen=True)
class When:
    """A day plus an optional time of day (None = all-day / no time given)."""

    date: date
    time: time | None = None

    def as_datetime(self, default_time: _dt.time = _MIDNIGHT) -> datetime:  # `time` here is the field
        """The moment, using `default_time` when no time was given."""
        return datetime.combine(self.date, self.time if self.time is not None else default_time)


@dataclass(frozen=True)
class Birthday:
    """A birthday whose year may be unknown."""

    month: int
    day: int
    year: int | None = None

    def iso(self) -> str:
        """`1990-12-10`, or the vCard year-less form `--12-10`."""
        md = f"{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{md}" if self.year is not None else f"--{md}"


def _what(what: str) -> str:
    """The name of the kind of value, in the user's language."""
    names = {"date": _("date"), "birthday": _("birthday"), "span": _("span"), "period": _("period")}
    return names.get(what, what)


def _why(e: Exception) -> str:
    """Why a date is invalid, in the user's language (Python's own reasons included)."""
    text = str(e)
    if m := re.fullmatch(r"year (-?\d+) is out of range", text):
        return _("year {year} is out of range").format(year=m[1])
    reasons = {
        "day is out of range for month": _("day is out of range for month"),
        "month must be in 1..12": _("month must be in 1..12"),
        "date value out of range": _("date value out of range"),
        "year is out of range": _("year is out of range"),
        "hour must be in 0..23": _("hour must be in 0..23"),
        "minute must be in 0..59": _("minute must be in 0..59"),
        "second must be in 0..59": _("second must be in 0..59"),
    }
    return reasons.get(text, text)


def _q(text: str) -> str:
    t = text.strip()
    return repr(t if len(t) <= 40 else t[:37] + "...")


def _norm(text: str, what: str) -> str:
    s = " ".join(text.lower().split())
    if not s:
        raise BadInput(_("empty {what}").format(what=_what(what)))
    if len(s) > _MAX_LEN:
        return "\x00"  # matches nothing; keeps the regexes cheap on huge input
    if not s.isascii():  # Russian, Ukrainian or Bulgarian words (`завтра`, `5 грудня`) -> English ones
        from minicrm.date_words import to_english

        s = to_english(s)
    return s


def _fm(pattern: str, s: str) -> re.Match[str] | None:
    return re.fullmatch(pattern, s, re.ASCII)


def _month(name: str) -> int | None:
    hits = [i for i, m in enumerate(_MONTHS, 1) if len(name) >= 3 and m.startswith(name)]
    return hits[0] if hits else None


#: The orders a date of numbers separated by `/` or `-` may be written in (`import csv --date-order`).
DATE_ORDERS = ("dmy", "mdy", "ymd")


def _ymd(s: str, order: str = "dmy") -> tuple[str | None, int, int] | None:
    """(year digits or None, month, day): ISO is always year-first, dotted dates always day-first, and dates with
    `/` or `-` in `order` (day-first unless told: 3/4/1970 is 3 April, or 4 March with order="mdy")."""
    if m := _fm(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", s) or _fm(r"(\d{4})()(\d{2})(\d{2})", s):
        return m[1], int(m[3]), int(m[4])
    if order == "ymd" and (m := _fm(r"(\d{2})([-/])(\d{1,2})\2(\d{1,2})", s)):
        return m[1], int(m[3]), int(m[4])
    if m := _fm(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})", s):
        if order == "mdy" and m[2] != ".":
            return m[4], int(m[1]), int(m[3])
        return m[4], int(m[3]), int(m[1])
    if m := _fm(r"(\d{1,2})([./])(\d{1,2})\.?", s):
        if order == "mdy" and m[2] == "/":
            return None, int(m[1]), int(m[3])
        return None, int(m[3]), int(m[1])
    year = r"(?:,?[ /-]+(\d{4}|\d{2}))?"
    if m := _fm(rf"(\d{{1,2}})(?:st|nd|rd|th)?\.?[ /-]?(?:of )?([a-z]+)\.?{year}", s):
        day, name = m[1], m[2]
    elif m := _fm(rf"([a-z]+)\.?[ /-]?(\d{{1,2}})(?:st|nd|rd|th)?{year}", s):
        name, day = m[1], m[2]
    else:
        return None
    month = _month(name)
    return (m[3], month, int(day)) if month else None


def _upcoming(month: int, day: int, today: date) -> date:
    """Next occurrence of month/day on or after today."""
    date(2000, month, day)  # validates (2000 is a leap year, so 29.02 passes)
    for y in range(today.year, today.year + 9):
        if ((month, day) != (2, 29) or calendar.isleap(y)) and (d := date(y, month, day)) >= today:
            return d
    raise ValueError("year is out of range")


def _shift(today: date, n: int, unit: str) -> date:
    from dateutil.relativedelta import relativedelta

    key = {"d": "days", "w": "weeks", "m": "months", "y": "years"}[unit[0]]
    # months/years are calendar ones: 31.01 +1m = 28.02
    return today + relativedelta(**{key: n})  # type: ignore[arg-type]  # mypy also maps **{key: n} onto dt1


def _day(s: str, today: date, order: str = "dmy") -> date | None:
    if s in _WORDS:
        return today + timedelta(days=_WORDS[s])
    if m := _fm(rf"([+-]) ?(\d{{1,6}}) ?{_UNIT}", s):
        return _shift(today, int(m[2]) * (-1 if m[1] == "-" else 1), m[3])
    if m := _fm(rf"in (\d{{1,6}}) ?{_UNIT}", s):
        return _shift(today, int(m[1]), m[2])
    if m := _fm(rf"(\d{{1,6}}) ?{_UNIT} ago", s):
        return _shift(today, -int(m[1]), m[2])
    if (m := _fm(r"(?:(next|last) )?([a-z]+)", s)) and (wd := _WEEKDAYS.get(m[2])) is not None:
        if m[1] == "last":
            return today - timedelta(days=(today.weekday() - wd - 1) % 7 + 1)
        return today + timedelta(days=(wd - today.weekday() - 1) % 7 + 1)
    if ymd := _ymd(s, order):
        y, month, day = ymd
        if y is None:
            return _upcoming(month, day, today)
        return date(int(y) + (2000 if len(y) == 2 else 0), month, day)
    return None


def _time(m: re.Match[str]) -> time:
    h, ap = int(m["h"]), m["ap"]
    if ap:
        if not 1 <= h <= 12:
            raise ValueError(_("hour must be in 1..12 with am/pm"))
        h = h % 12 + (12 if ap == "pm" else 0)
    return time(h, int(m["min"] or 0), int(m["sec"] or 0))


def parse_when(text: str, *, now: datetime, order: str = "dmy") -> When:
    """A day with an optional time: ISO, day-first, words, +3d / in 2 weeks / 2 days ago, weekdays, then a time.

    `friday` and `next friday` both mean the next Friday strictly after today; `last friday` the one before.
    A bare time (`15:00`, `3pm`) means today.
    """
    s = _norm(text, "date")
    try:
        if s == "now":
            return When(now.date(), now.time())
        day, t = s, None
        if (m := _TIME.fullmatch(s)) and (m["min"] is not None or m["ap"]):
            day, t = m["day"] or "", _time(m)
        d = _day(day, now.date(), order) if day else now.date()
    except (ValueError, OverflowError) as e:
        raise BadInput(_("invalid date {text}: {why}").format(text=_q(text), why=_why(e))) from None
    if d is None:
        hint = _("try 2026-12-05, 05.12.2026, tomorrow, +3d, next friday 15:00")
        raise BadInput(_("cannot understand date {text} ({hint})").format(text=_q(text), hint=hint))
    _in_range(d, text, "date")
    return When(d, t)


#: Dates outside these years are typos; refusing them at input keeps every later computation in range.
FIRST_YEAR, LAST_YEAR = 1800, 2199


def _in_range(d: date, text: str, what: str) -> None:
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        message = _("invalid {what} {text}: the year must be between {first} and {last}")
        raise BadInput(message.format(what=_what(what), text=_q(text), first=FIRST_YEAR, last=LAST_YEAR))


def parse_date(text: str, *, now: datetime, order: str = "dmy") -> date:
    """Just the day of `parse_when` (any time given is ignored)."""
    return parse_when(text, now=now, order=order).date


def parse_datetime(text: str, *, now: datetime) -> datetime:
    """`now` is now; a value with a time is that moment; a date-only value gets now's clock time.

    So `log --at yesterday` records yesterday at the current time of day.
    """
    if " ".join(text.lower().split()) == "now":
        return now
    w = parse_when(text, now=now)
    return datetime.combine(w.date, w.time if w.time is not None else now.time(), tzinfo=now.tzinfo)


def parse_birthday(text: str, *, now: datetime, order: str = "dmy") -> Birthday:
    """`1990-12-10`, `10.12.1990`, `10 dec 1990`, year-less `10.12` / `--12-10` / `--1210`; never in the future.

    `order` is how a date with `/` or `-` is read (see `_ymd`): `mdy` for a US file.
    """
    s = _norm(text, "birthday")
    try:
        if m := _fm(r"--(\d{2})-?(\d{2})", s):
            y, month, day = None, int(m[1]), int(m[2])
        elif ymd := _ymd(s, order):
            y, month, day = ymd
        else:
            hint = _("try 1990-12-10, 10.12.1990, 10.12 or --12-10")
            raise BadInput(_("cannot understand birthday {text} ({hint})").format(text=_q(text), hint=hint))
        if y is None:
            date(2000, month, day)
            return Birthday(month, day, None)
        year = int(y)
        if len(y) == 2:  # 05.03.90 -> 1990, 05.03.04 -> 2004 (the latest year not in the future)
            year += 2000 if date(2000 + year, month, day) <= now.date() else 1900
        if date(year, month, day) > now.date():
            raise ValueError(_("it is in the future"))
    except (ValueError, OverflowError) as e:
        raise BadInput(_("invalid birthday {text}: {why}").format(text=_q(text), why=_why(e))) from None
    _in_range(date(year, month, day), text, "birthday")
    return Birthday(month, day, year)


def parse_day_of_year(text: str, *, now: datetime) -> Birthday:
    """A date to remember, year-less allowed (an anniversary, a name day, a founding day).

    Year-less: `--12-05`, `--1205`, `12-05` (month first, as ISO writes it), `05.12`, `5 dec`; anything else is a
    full date as `parse_date` reads it (`2019-12-05`, `05.12.2019`, `tomorrow`), in the past or the future.
    """
    s = _norm(text, "date")
    try:
        if (m := _fm(r"--(\d{2})-?(\d{2})", s)) or (m := _fm(r"(\d{2})-(\d{2})", s)):
            month, day = int(m[1]), int(m[2])
        elif (ymd := _ymd(s)) and ymd[0] is None:
            month, day = ymd[1], ymd[2]
        else:
            d = parse_date(text, now=now)
            return Birthday(d.month, d.day, d.year)
        date(2000, month, day)  # validates (2000 is a leap year, so 29.02 passes)
    except ValueError as e:
        raise BadInput(_("invalid date {text}: {why}").format(text=_q(text), why=_why(e))) from None
    return Birthday(month, day, None)


def parse_span(text: str) -> int:
    """Days in `7d`, `2w`, `1m` (30), `1y` (365), `2 weeks` or a plain number of days; 0 is allowed."""
    s = _norm(text, "span")
    if not (m := _fm(rf"\+?(\d{{1,6}}) ?{_UNIT}?", s)):
        hint = _("try 7d, 2w, 1m, 1y; a plain number means days")
        raise BadInput(_("cannot understand span {text} ({hint})").format(text=_q(text), hint=hint))
    days = int(m[1]) * _UNIT_DAYS[(m[2] or "d")[0]]
    if days > _MAX_SPAN:
        raise BadInput(_("invalid span {text}: longer than {n} days").format(text=_q(text), n=_MAX_SPAN))
    return days


def _months(year: int, month: int, n: int) -> tuple[date, date]:
    """`n` calendar months from year/month (month may be <= 0 or > 12)."""
    i = year * 12 + month - 1
    return date(i // 12, i % 12 + 1, 1), date((i + n) // 12, (i + n) % 12 + 1, 1) - timedelta(days=1)


def _period(s: str, today: date) -> tuple[date, date] | None:
    if ".." in s:
        now = datetime.combine(today, _MIDNIGHT)
        a, _sep, b = s.partition("..")
        start, end = parse_date(a, now=now), parse_date(b, now=now)
        if start > end:
            raise ValueError(_("start is after end"))
        return start, end
    s = re.sub(r"[ _]", "-", s)
    y, qm, monday = today.year, (today.month - 1) // 3 * 3 + 1, today - timedelta(days=today.weekday())
    named = {"this-month": (y, today.month, 1), "last-month": (y, today.month - 1, 1), "this-quarter": (y, qm, 3)}
    named |= {"last-quarter": (y, qm - 3, 3), "this-year": (y, 1, 12), "last-year": (y - 1, 1, 12)}
    if s in named:
        return _months(*named[s])
    if s in ("this-week", "last-week"):
        start = monday - timedelta(days=7 if s == "last-week" else 0)
        return start, start + timedelta(days=6)
    if s == "ytd":
        return date(y, 1, 1), today
    if m := _fm(r"(\d{4})-?q([1-4])", s):
        return _months(int(m[1]), int(m[2]) * 3 - 2, 3)
    if m := _fm(r"(\d{4})-(\d{1,2})", s):
        date(int(m[1]), int(m[2]), 1)  # validates the month
        return _months(int(m[1]), int(m[2]), 1)
    if _fm(r"\d{4}", s):
        return _months(date(int(s), 1, 1).year, 1, 12)
    if m := _fm(rf"last-(\d{{1,6}})-?{_UNIT}", s):
        days = int(m[1]) * _UNIT_DAYS[m[2][0]]
        if days < 1:
            raise ValueError(_("must cover at least 1 day"))
        return today - timedelta(days=days - 1), today
    return None


def parse_period(text: str, *, today: date) -> tuple[date, date]:
    """Inclusive [start, end]: `2026-Q3`, `2026-10`, `2026`, `last-90d`, `this-month`, `last-quarter`, `ytd`,
    `this-week` (Mon-Sun) or a range `2026-01-01..2026-03-31`."""
    s = _norm(text, "period")
    try:
        r = _period(s, today)
    except (ValueError, OverflowError) as e:
        raise BadInput(_("invalid period {text}: {why}").format(text=_q(text), why=_why(e))) from None
    if r is None:
        hint = _("try 2026-Q3, 2026-10, 2026, last-90d, this-month, ytd")
        raise BadInput(_("cannot understand period {text} ({hint})").format(text=_q(text), hint=hint))
    return r
