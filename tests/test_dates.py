"""minicrm.dates: every accepted form, error messages, and totality/round-trip properties."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minicrm.dates import (
    Birthday,
    When,
    parse_birthday,
    parse_date,
    parse_datetime,
    parse_period,
    parse_span,
    parse_when,
)
from minicrm.errors import BadInput

NOW = datetime(2026, 11, 22, 10, 30)  # a Sunday
TODAY = NOW.date()
D = date


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("2026-12-05", D(2026, 12, 5), None),
        ("2026-05-12", D(2026, 5, 12), None),  # ISO stays year-month-day
        ("2026-12-05T14:30", D(2026, 12, 5), time(14, 30)),
        ("2026-12-05 14:30", D(2026, 12, 5), time(14, 30)),
        ("2026-12-05T14:30:00", D(2026, 12, 5), time(14, 30)),
        ("2026/12/05", D(2026, 12, 5), None),
        ("20261205", D(2026, 12, 5), None),
        ("05.12.2026", D(2026, 12, 5), None),
        ("5.12.2026", D(2026, 12, 5), None),
        ("05.12.26", D(2026, 12, 5), None),
        ("05.12.2026 14:30", D(2026, 12, 5), time(14, 30)),
        ("05/12/2026", D(2026, 12, 5), None),
        ("5-12-2026", D(2026, 12, 5), None),
        ("24.12", D(2026, 12, 24), None),
        ("24.12.", D(2026, 12, 24), None),
        ("22.11", D(2026, 11, 22), None),  # today counts as "on or after today"
        ("21.11", D(2027, 11, 21), None),
        ("29.02", D(2028, 2, 29), None),
        ("5 dec 2026", D(2026, 12, 5), None),
        ("dec 5 2026", D(2026, 12, 5), None),
        ("December 5th, 2026", D(2026, 12, 5), None),
        ("5th of december", D(2026, 12, 5), None),
        ("3 jan", D(2027, 1, 3), None),
        ("now", TODAY, time(10, 30)),
        ("today", TODAY, None),
        ("tomorrow", D(2026, 11, 23), None),
        ("yesterday", D(2026, 11, 21), None),
        ("day after tomorrow", D(2026, 11, 24), None),
        ("day before yesterday", D(2026, 11, 20), None),
        ("+3d", D(2026, 11, 25), None),
        ("+2w", D(2026, 12, 6), None),
        ("+1m", D(2026, 12, 22), None),
        ("+1y", D(2027, 11, 22), None),
        ("+1 month", D(2026, 12, 22), None),
        ("-2d", D(2026, 11, 20), None),
        ("in 2 weeks", D(2026, 12, 6), None),
        ("in 3 days", D(2026, 11, 25), None),
        ("in 1 month", D(2026, 12, 22), None),
        ("2 days ago", D(2026, 11, 20), None),
        ("3 weeks ago", D(2026, 11, 1), None),
        ("friday", D(2026, 11, 27), None),
        ("fri", D(2026, 11, 27), None),
        ("next friday", D(2026, 11, 27), None),
        ("monday", D(2026, 11, 23), None),
        ("sunday", D(2026, 11, 29), None),  # strictly after today
        ("last friday", D(2026, 11, 20), None),
        ("last sunday", D(2026, 11, 15), None),
        ("friday 15:00", D(2026, 11, 27), time(15)),
        ("tomorrow 9am", D(2026, 11, 23), time(9)),
        ("yesterday 9am", D(2026, 11, 21), time(9)),
        ("today 17:30", TODAY, time(17, 30)),
        ("next monday 10:15", D(2026, 11, 23), time(10, 15)),
        ("+2d 14:00", D(2026, 11, 24), time(14)),
        ("tomorrow at 9:30", D(2026, 11, 23), time(9, 30)),
        ("5 dec 2026 3 pm", D(2026, 12, 5), time(15)),
        ("3pm", TODAY, time(15)),
        ("9:30am", TODAY, time(9, 30)),
        ("12am", TODAY, time(0)),
        ("12pm", TODAY, time(12)),
        ("15:00", TODAY, time(15)),
        ("  Next  FRIDAY 15:00 ", D(2026, 11, 27), time(15)),
    ],
)
def test_parse_when(text, day, at):
    assert parse_when(text, now=NOW) == When(day, at)
    assert parse_date(text, now=NOW) == day


def test_months_are_calendar_months():
    assert parse_date("+1m", now=datetime(2026, 1, 31)) == D(2026, 2, 28)
    assert parse_date("in 1 year", now=datetime(2028, 2, 29)) == D(2029, 2, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("tomorrow 9am", datetime(2026, 11, 23, 9)),
        ("yesterday", datetime(2026, 11, 21, 10, 30)),  # date-only -> now's clock time
        ("2026-12-05", datetime(2026, 12, 5, 10, 30)),
        ("2026-12-05 14:30", datetime(2026, 12, 5, 14, 30)),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text, now=NOW) == expected


def test_when_as_datetime():
    assert When(D(2026, 1, 2)).as_datetime() == datetime(2026, 1, 2)
    assert When(D(2026, 1, 2)).as_datetime(time(9)) == datetime(2026, 1, 2, 9)
    assert When(D(2026, 1, 2), time(0)).as_datetime(time(9)) == datetime(2026, 1, 2)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("blurb", "cannot understand date 'blurb' (try 2026-12-05"),
        ("31.02.2026", "invalid date '31.02.2026': day is out of range for month"),
        ("2026-13-01", "invalid date '2026-13-01': month must be in 1..12"),
        ("31.04", "invalid date '31.04'"),
        ("25:00", "invalid date '25:00': hour must be in 0..23"),
        ("tomorrow 13pm", "invalid date 'tomorrow 13pm'"),
        ("10:61", "invalid date '10:61'"),
        ("5", "cannot understand date '5'"),
        ("december", "cannot understand date 'december'"),
        ("friday 3", "cannot understand date 'friday 3'"),
        ("now 15:00", "cannot understand date 'now 15:00'"),
        ("+3x", "cannot understand date '+3x'"),
        ("next", "cannot understand date 'next'"),
        ("5 dec 2026 junk", "cannot understand date '5 dec 2026 junk'"),
        ("12-10", "cannot understand date '12-10'"),
        ("2026-12-05T", "cannot understand date '2026-12-05T'"),
        ("+99999y", "invalid date '+99999y'"),
        ("a\x00b", r"'a\x00b'"),
    ],
)
def test_parse_when_errors(text, fragment):
    with pytest.raises(BadInput) as exc:
        parse_when(text, now=NOW)
    assert fragment in str(exc.value)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_is_bad(text):
    for parse in (lambda t: parse_when(t, now=NOW), lambda t: parse_birthday(t, now=NOW), parse_span):
        with pytest.raises(BadInput, match="empty"):
            parse(text)
    with pytest.raises(BadInput, match="empty"):
        parse_period(text, today=TODAY)


@pytest.mark.parametrize("text", ["1" * 100_000, "9" * 5000 + "d", "+" + "9" * 5000 + "d", "x" * 10**6])
def test_huge_input_is_bad(text):
    with pytest.raises(BadInput) as exc:
        parse_when(text, now=NOW)
    assert len(str(exc.value)) < 200


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1990-12-10", "1990-12-10"),
        ("10.12.1990", "1990-12-10"),
        ("10 dec 1990", "1990-12-10"),
        ("19901210", "1990-12-10"),
        ("10.12.90", "1990-12-10"),
        ("10.12.04", "2004-12-10"),
        ("1.2.2000", "2000-02-01"),
        ("1815-12-10", "1815-12-10"),
        ("--12-10", "--12-10"),
        ("--1210", "--12-10"),
        ("10.12", "--12-10"),
        ("29.02", "--02-29"),
        ("22.11.2026", "2026-11-22"),  # born today
    ],
)
def test_parse_birthday(text, iso):
    assert parse_birthday(text, now=NOW).iso() == iso


def test_birthday_fields():
    assert parse_birthday("10.12", now=NOW) == Birthday(12, 10, None)
    assert parse_birthday("1990-12-10", now=NOW) == Birthday(12, 10, 1990)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("29.02.2023", "invalid birthday '29.02.2023': day is out of range for month"),
        ("12-10", "cannot understand birthday '12-10'"),
        ("2027-01-01", "invalid birthday '2027-01-01': it is in the future"),
        ("30.11.2026", "in the future"),
        ("31.04", "invalid birthday '31.04'"),
        ("--13-01", "invalid birthday '--13-01'"),
        ("tomorrow", "cannot understand birthday 'tomorrow'"),
    ],
)
def test_parse_birthday_errors(text, fragment):
    with pytest.raises(BadInput) as exc:
        parse_birthday(text, now=NOW)
    assert fragment in str(exc.value)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("7d", 7), ("2w", 14), ("1m", 30), ("3m", 90), ("1y", 365), ("10", 10), ("0d", 0), ("0", 0),
        ("2 weeks", 14), ("3 days", 3), ("1 month", 30), ("2 years", 730), ("+7d", 7), (" 4W ", 28),
    ],
)  # fmt: skip
def test_parse_span(text, days):
    assert parse_span(text) == days


@pytest.mark.parametrize("text", ["-3d", "abc", "7x", "1.5w", "d", "99999y", "1 fortnight"])
def test_parse_span_errors(text):
    with pytest.raises(BadInput) as exc:
        parse_span(text)
    assert f"'{text}'" in str(exc.value)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2026-10", D(2026, 10, 1), D(2026, 10, 31)),
        ("2028-02", D(2028, 2, 1), D(2028, 2, 29)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("last-90d", D(2026, 8, 25), TODAY),
        ("last-4w", D(2026, 10, 26), TODAY),
        ("last 7 days", D(2026, 11, 16), TODAY),
        ("this-month", D(2026, 11, 1), D(2026, 11, 30)),
        ("This Month", D(2026, 11, 1), D(2026, 11, 30)),
        ("last-month", D(2026, 10, 1), D(2026, 10, 31)),
        ("this-quarter", D(2026, 10, 1), D(2026, 12, 31)),
        ("last-quarter", D(2026, 7, 1), D(2026, 9, 30)),
        ("this-year", D(2026, 1, 1), D(2026, 12, 31)),
        ("last-year", D(2025, 1, 1), D(2025, 12, 31)),
        ("ytd", D(2026, 1, 1), TODAY),
        ("this-week", D(2026, 11, 16), TODAY),
        ("last-week", D(2026, 11, 9), D(2026, 11, 15)),
        ("2026-01-01..2026-03-31", D(2026, 1, 1), D(2026, 3, 31)),
    ],
)
def test_parse_period(text, start, end):
    assert parse_period(text, today=TODAY) == (start, end)


def test_period_across_new_year():
    jan = D(2026, 1, 15)
    assert parse_period("last-month", today=jan) == (D(2025, 12, 1), D(2025, 12, 31))
    assert parse_period("last-quarter", today=jan) == (D(2025, 10, 1), D(2025, 12, 31))


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "last-0d", "foo", "0000", "2026-03-01..2026-01-01", "last-5x"])
def test_parse_period_errors(text):
    with pytest.raises(BadInput) as exc:
        parse_period(text, today=TODAY)
    assert f"'{text}'" in str(exc.value)


# --- properties --------------------------------------------------------------------------------------------

FAST = settings(max_examples=400, deadline=None)
SNIPPETS = ["today", "friday", "next ", "last ", "in ", " ago", "+", "-", ".", "..", ":", "/", "am", "pm", "t", "q",
            "d", "w", "m", "y", "dec ", " at ", "--", "\x00", "29", "02", "2026", "9999", "0", " "]  # fmt: skip
texts = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.-+/: tdwmyq\x00", max_size=30),
    st.lists(st.sampled_from(SNIPPETS), max_size=8).map("".join),
    st.integers().map(str),
)


def _total(parse, text):
    try:
        parse(text)
    except BadInput:
        pass


@FAST
@given(texts, st.datetimes())
def test_parse_when_is_total(text, now):
    try:
        assert isinstance(parse_when(text, now=now), When)
        assert isinstance(parse_datetime(text, now=now), datetime)
    except BadInput:
        pass


@FAST
@given(texts, st.datetimes())
def test_parse_birthday_is_total(text, now):
    _total(lambda t: parse_birthday(t, now=now), text)


@FAST
@given(texts)
def test_parse_span_is_total(text):
    try:
        assert parse_span(text) >= 0
    except BadInput:
        pass


@FAST
@given(texts, st.dates())
def test_parse_period_is_total(text, today):
    try:
        start, end = parse_period(text, today=today)
        assert start <= end
    except BadInput:
        pass


def _round_trips(value, parse, text):
    """Years 1800-2199 read back as written; any other year is refused (#16: nothing later can overflow)."""
    if 1800 <= value.year <= 2199:
        assert parse(text) == value
    else:
        with pytest.raises(BadInput, match="between 1800 and 2199"):
            parse(text)


@FAST
@given(st.dates())
def test_iso_round_trip(d):
    _round_trips(d, lambda t: parse_date(t, now=NOW), d.isoformat())


@FAST
@given(st.dates(min_value=D(1000, 1, 1)))  # glibc's %Y does not zero-pad years < 1000
def test_day_first_round_trip(d):
    _round_trips(d, lambda t: parse_date(t, now=NOW), d.strftime("%d.%m.%Y"))


@FAST
@given(st.datetimes().map(lambda dt: dt.replace(second=0, microsecond=0)))
def test_datetime_round_trip(dt):
    _round_trips(dt, lambda t: parse_datetime(t, now=NOW), dt.isoformat(sep=" ", timespec="minutes"))
