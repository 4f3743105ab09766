"""Time zones of the iCal feed: which zone the stored local times are in, and its VTIMEZONE (no icalendar).

minicrm stores naive local times (`datetime.now()`). `zone()` names their zone: `--tz`, `$MINICRM_TZ` (IANA
names), else whatever the C library uses (`$TZ` in any form it accepts, else /etc/localtime), by its IANA name
when it has one. A zone without a name (a POSIX rule such as `CET-1CEST,M3.5.0,M10.5.0/3`, a copied zone
file) is `LibcLocalTime`, and its date-times are written in UTC.

`vtimezone()` writes a zone the way calendar programs do: the rule in force today as yearly RRULEs, valid
for every later year, plus single changes for the earlier years a file needs. Every file gets the same
definition of a zone, so the programs that keep the first VTIMEZONE of a TZID they see for the rest of their
life (vobject, hence Radicale) still get every date right; a definition made for a few years around today
put a follow-up in 2031 an hour off there.
"""

from __future__ import annotations

import calendar
import functools
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from minicrm.errors import BadInput
from minicrm.i18n import _

# Zones written as UTC ("Z") rather than with a TZID and a VTIMEZONE.
UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT",
     "GMT0", "GMT+0", "GMT-0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Greenwich", "Etc/Greenwich"}
)  # fmt: skip
RULE_FROM = 1970  # a rule is followed back at most to this year
PROBE_YEARS = range(2070, 2098)  # a whole 28-year cycle of weekdays, beyond the zone's explicit changes
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STEP = timedelta(days=7)  # changes of a zone are weeks apart


class LibcLocalTime(tzinfo):
    """Local time as the C library computes it for this process, whatever `TZ` says (a POSIX rule, a copied
    zone file): the zone of `datetime.now()`, so of every time minicrm stored. It has no IANA name."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None if dt is None else dt.replace(tzinfo=None).astimezone().utcoffset()

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None if dt is None else dt.replace(tzinfo=None).astimezone().tzname()


def _named(name: str) -> tzinfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name.removeprefix("posix/"))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone_file(path: Path) -> tzinfo | None:
    """The named zone of a zone file reached through `.../zoneinfo/NAME` (as /etc/localtime usually is)."""
    try:
        target = str(path.resolve(strict=True))
    except (OSError, RuntimeError):
        return None
    return _named(target.split("/zoneinfo/", 1)[1]) if "/zoneinfo/" in target else None


def _iana(name: str, from_env: bool) -> tzinfo:
    found = _named(name)
    if found is None:
        if from_env:
            raise BadInput(
                _("unknown time zone '{name}' in MINICRM_TZ (an IANA name such as Europe/Paris)").format(name=name)
            )
        raise BadInput(_("unknown time zone '{name}' (an IANA name such as Europe/Paris)").format(name=name))
    return found


def local_zone() -> tzinfo:
    """`$MINICRM_TZ` (an IANA name), else the C library's zone (`$TZ`, else /etc/localtime)."""
    configured = os.environ.get("MINICRM_TZ", "").strip()
    if configured:
        return _iana(configured, True)
    value = os.environ.get("TZ")
    if value is None:  # the system's zone
        named = _zone_file(Path("/etc/localtime"))
        if named is None:
            try:
                named = _named(Path("/etc/timezone").read_text().strip())  # Debian's name of a copied file
            except OSError:
                pass
    else:  # `:NAME`, `:/path/to/file`, `NAME`, or a POSIX rule (which has no name)
        value = value.removeprefix(":")
        named = _zone_file(Path(value)) if value.startswith("/") else _named(value) if value else None
    return named or LibcLocalTime()


def zone(name: str | None) -> tzinfo:
    """`--tz NAME` (an IANA name), or with None the local zone."""
    return local_zone() if name is None else _iana(name, False)


def tzid(tz: tzinfo) -> str | None:
    """The TZID to write date-times with; None: write them in UTC (UTC itself, or a zone without a name)."""
    key = getattr(tz, "key", None)
    return None if key is None or key in UTC_NAMES else key


# -- VTIMEZONE ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Change:
    onset: datetime  # local wall time of the change, in the offset before it (what DTSTART says)
    before: timedelta
    after: timedelta
    dst: bool
    name: str


@dataclass(frozen=True)
class _Rule:
    """A yearly change: in `month`, on the weekday and at the time of `first.onset`."""

    first: _Change  # its onset in the first year of the rule
    byday: str  # "-1SU", "2SU", or "SU" with `monthdays`
    monthdays: tuple[int, ...] = ()

    def matches(self, change: _Change) -> bool:
        ref, onset = self.first, change.onset
        if (onset.month, onset.weekday(), onset.time()) != (ref.onset.month, ref.onset.weekday(), ref.onset.time()):
            return False
        if (change.before, change.after, change.dst, change.name) != (ref.before, ref.after, ref.dst, ref.name):
            return False
        last_day = calendar.monthrange(onset.year, onset.month)[1]
        if self.byday.startswith("-1"):
            return onset.day + 7 > last_day
        if self.monthdays:
            return onset.day in self.monthdays
        return (onset.day - 1) // 7 + 1 == int(self.byday[:-2])


def _state(tz: tzinfo, moment: datetime) -> tuple[timedelta, bool, str]:
    local = moment.astimezone(tz)
    return local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or ""


def _changes(tz: tzinfo, year: int) -> list[_Change]:
    """The changes of offset, DST or abbreviation whose local onset is in `year`."""
    out = []
    moment, end = datetime(year - 1, 12, 30, tzinfo=UTC), datetime(year + 1, 1, 2, tzinfo=UTC)
    state = _state(tz, moment)
    while moment < end:
        if _state(tz, moment + STEP) == state:
            moment += STEP
            continue
        low, high = moment, moment + STEP  # the change is in (low, high], both on whole seconds
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
            if _state(tz, middle) == state:
                low = middle
            else:
                high = middle
        new = _state(tz, high)
        onset = (high + state[0]).replace(tzinfo=None)
        if onset.year == year:
            out.append(_Change(onset, state[0], new[0], new[1], new[2]))
        moment, state = high, new
    return out


def _rule(changes: list[list[_Change]], index: int) -> _Rule | None:
    """The yearly rule that change `index` of each probe year follows, if there is one."""
    seen = [year[index] for year in changes]
    first = seen[0]
    day = WEEKDAYS[first.onset.weekday()]
    candidates = [
        _Rule(first, f"-1{day}"),
        _Rule(first, f"{(first.onset.day - 1) // 7 + 1}{day}"),
        _Rule(first, day, tuple(range(min(c.onset.day for c in seen), min(c.onset.day for c in seen) + 7))),
    ]
    return next((rule for rule in candidates if all(rule.matches(c) for c in seen)), None)


@functools.lru_cache(maxsize=16)
def _tail(name: str) -> tuple[int, list[_Rule] | None, tuple[timedelta, bool, str]]:
    """The rule a zone follows today: (its first year, its yearly changes or None when it has no regular
    rule, the state it keeps when it has no change at all)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(name)
    probes = [_changes(tz, year) for year in PROBE_YEARS]
    steady = _state(tz, datetime(PROBE_YEARS.start, 1, 1, tzinfo=UTC))
    if len({len(year) for year in probes}) != 1:
        return PROBE_YEARS.start, None, steady
    rules = [_rule(probes, i) for i in range(len(probes[0]))]
    if any(rule is None for rule in rules):
        return PROBE_YEARS.start, None, steady
    kept = [rule for rule in rules if rule is not None]
    since, first = PROBE_YEARS.start, probes[0]
    year = since - 1
    while year >= RULE_FROM:  # back to the first year of the rule
        changes = _changes(tz, year)
        if len(changes) != len(kept) or not all(r.matches(c) for r, c in zip(kept, changes, strict=True)):
            break
        since, first, year = year, changes, year - 1
    return since, [_Rule(c, r.byday, r.monthdays) for r, c in zip(kept, first, strict=True)], steady


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    text = f"{sign}{seconds // 3600:02d}{seconds % 3600 // 60:02d}"
    return text + (f"{seconds % 60:02d}" if seconds % 60 else "")


def _observance(onset: datetime, before: timedelta, after: timedelta, dst: bool, name: str, rrule: str) -> list[str]:
    kind = "DAYLIGHT" if dst else "STANDARD"
    return [f"BEGIN:{kind}", f"DTSTART:{onset:%Y%m%dT%H%M%S}", *([f"RRULE:{rrule}"] if rrule else []),
            *([f"TZNAME:{name}"] if name and "," not in name and ";" not in name else []),
            f"TZOFFSETFROM:{_offset(before)}", f"TZOFFSETTO:{_offset(after)}", f"END:{kind}"]  # fmt: skip


def _explicit(tz: tzinfo, first_year: int, last_year: int) -> list[str]:
    """The zone from 1 January `first_year` to the end of `last_year`, one observance per change."""
    start = datetime(first_year, 1, 1)
    offset, dst, name = _state(tz, start.replace(tzinfo=tz).astimezone(UTC))
    lines = _observance(start, offset, offset, dst, name, "")
    for year in range(first_year, last_year + 1):
        for c in _changes(tz, year):
            lines += _observance(c.onset, c.before, c.after, c.dst, c.name, "")
    return lines


@functools.lru_cache(maxsize=64)
def vtimezone(name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of the IANA zone `name` for date-times from `first_year` to `last_year` (RFC 5545
    §3.6.5): its current rule (valid for all later years) and, before the rule began, its single changes."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(name)
    since, rules, steady = _tail(name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    if rules is None or since > last_year:  # no regular rule (or not yet): the years asked for, one by one
        lines += _explicit(tz, first_year, last_year)
    else:
        if first_year <= since:  # the rule starts with its first change: the months before it too
            lines += _explicit(tz, first_year, since - 1)
        for rule in rules:
            c = rule.first
            by = f";BYMONTHDAY={','.join(map(str, rule.monthdays))}" if rule.monthdays else ""
            lines += _observance(c.onset, c.before, c.after, c.dst, c.name,
                                 f"FREQ=YEARLY;BYMONTH={c.onset.month}{by};BYDAY={rule.byday}")  # fmt: skip
        if not rules:  # a fixed offset since `since`
            offset, dst, abbr = steady
            lines += _observance(datetime(since, 1, 1), offset, offset, dst, abbr, "")
    lines.append("END:VTIMEZONE")
    return "".join(line + "\r\n" for line in lines).encode()
