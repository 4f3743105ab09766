"""minicrm's own iCalendar writer (`minicrm.ical.ics`, `minicrm.ical.feed`) against icalendar, the reference
(`ical_reference`: the renderer minicrm used before): random entries rendered both ways give the same
calendars, component by component, and the same bytes unless a text holds what icalendar gets wrong (a
literal `\\N`, which it turns into a line break, and control characters, which it writes raw). Every fast
file passes the RFC checks of `ical_rules`. No database here: `test_ical_random_db.py` renders databases.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical_reference import CONTROL, compare, plain
from ical_reference import render as reference_render
from ical_reference import resources as reference_resources
from ical_rules import check_ics
from icalendar.prop import vDuration

from minicrm.ical import ics
from minicrm.ical.entries import FeedEntry
from minicrm.ical.feed import FeedOptions, Renderer, render
from minicrm.ical.push import resources

# Text with what needs escaping or folding: separators, backslashes (`\N`), line breaks, multi-byte characters.
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(["\\", ";", ",", "\n", "\r", "N", "n", "^", "é", "Ω", "😀", "\x01", "\t", " "]),
    max_size=120,
)
DAY = st.dates(date(1990, 1, 1), date(2040, 12, 31))
TIME = st.none() | st.times().map(lambda t: f"{t.hour:02d}:{t.minute:02d}")
ZONE = st.sampled_from([None, "Europe/Paris", "UTC", "America/New_York", "Africa/Casablanca", "Asia/Kolkata"])


@st.composite
def entries(draw: st.DrawFn) -> list[FeedEntry]:
    out = []
    kinds = ("follow-up", "task", "deal", "birthday", "date")
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(kinds))
        planned = draw(DAY)
        late = draw(st.integers(0, 400)) if kind in ("follow-up", "task", "deal") and draw(st.booleans()) else 0
        at = None if kind in ("deal", "birthday", "date") else draw(TIME)
        categories = ["minicrm", kind, *(["overdue"] if late else [])]
        on = planned + timedelta(days=late) if late else planned
        out.append(FeedEntry(f"{kind.replace('-', '')}-{i + 1}", kind, on, planned, None if late else at, at, late,
                             draw(TEXT), draw(TEXT), categories, draw(st.integers(0, 10**6)),
                             draw(st.datetimes(datetime(1995, 1, 1), datetime(2035, 1, 1))), contact_id=i,
                             yearly=kind in ("birthday", "date") and draw(st.booleans()),
                             todo=kind in ("follow-up", "task")))  # fmt: skip
    return out


OPTIONS = st.builds(FeedOptions, name=TEXT, description=TEXT, alarm=st.booleans(), todo=st.booleans(), tz=ZONE,
                    refresh=st.sampled_from(["PT1H", "P1D", "PT90M", "P2W", "P1DT30S", "-PT15M"]))  # fmt: skip


def originals(items: list[FeedEntry], options: FeedOptions) -> list[str]:
    return [options.name, options.description, *(e.summary for e in items), *(e.description for e in items)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=entries(), options=OPTIONS)
def test_random_feeds_read_as_icalendar_wrote_them(items, options):
    fast = render(items, "db7f", options)
    reference = reference_render(items, "db7f", options)
    compare(fast, reference)
    if all(plain(text) for text in originals(items, options)):
        assert fast == reference
    cal = check_ics(fast)  # icalendar, vobject (validate=True), 75 octets, escaping, VTIMEZONE coverage
    # what we wrote is the text as it was, control characters aside
    summaries = [str(c["SUMMARY"]) for c in cal.walk("VEVENT")]
    assert summaries == [CONTROL.sub("", e.summary.replace("\r\n", "\n").replace("\r", "\n")) for e in items]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=entries(), options=OPTIONS)
def test_random_caldav_resources_match_the_reference(items, options):
    """`ical push` stores the same objects, with the same digests, as it did with icalendar."""
    fast = resources(items, Renderer("db7f", options))
    reference = reference_resources(items, "db7f", options)
    assert [(r.uid, r.is_todo) for r in fast] == [(r.uid, r.is_todo) for r in reference]
    for ours, theirs, entry in zip(fast, reference, [e for e in items for _ in range(1 + (options.todo and e.todo))],
                                   strict=True):  # fmt: skip
        same = plain(entry.summary) and plain(entry.description)
        compare(ours.ics, theirs.ics, digest=same)
        if same:
            assert (ours.ics, ours.digest) == (theirs.ics, theirs.digest)
        check_ics(ours.ics, resource=True)


def icalendar_line(value: str) -> str:
    """The SUMMARY line icalendar writes for `value`, folded."""
    event = icalendar.Event()
    event.add("summary", value)
    return event.to_ical().decode().split("BEGIN:VEVENT\r\n", 1)[1].split("\r\nEND:VEVENT", 1)[0]


@given(value=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\\^;:é😀")))
def test_fold_cuts_by_octets_as_icalendar_does(value):
    line = f"SUMMARY:{ics.text(value)}"
    folded = ics.fold(line)
    if plain(value):
        assert folded == icalendar_line(value)
    physical = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    assert all(p.startswith(b" ") for p in physical[1:])
    for p in physical:
        p.decode()  # never a UTF-8 sequence split over two lines
    assert folded.replace("\r\n ", "") == line


def test_fold_keeps_escapes_and_characters_whole():
    line = "DESCRIPTION:" + "x" * 61 + "\\,é" + "y" * 80  # the backslash would end the first line
    first = ics.fold(line).split("\r\n")[0]
    assert first.endswith("x") and len(first.encode()) == 73
    line = "SUMMARY:" + "é" * 40  # 2 octets each: 74 is reached in the middle of one
    assert [len(p.encode()) for p in ics.fold(line).split("\r\n")] == [74, 15]


@given(value=TEXT)
def test_text_escaping(value):
    escaped = ics.text(value)
    assert not CONTROL.search(escaped) and "\r" not in escaped and "\n" not in escaped
    if plain(value):
        assert escaped == icalendar.vText(value).to_ical().decode()
    read = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{ics.fold('SUMMARY:' + escaped)}\r\nEND:VEVENT\r\n")
    assert str(read["SUMMARY"]) == CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


@pytest.mark.parametrize(
    ("given_text", "written"),
    [("a\\Nb", "a\\\\Nb"), ("C:\\new", "C:\\\\new"), ("x;y,z", "x\\;y\\,z"), ("a\r\nb\rc\nd", "a\\nb\\nc\\nd"),
     ("bell\x07 tab\t", "bell tab\t")],
)  # fmt: skip
def test_text_escaping_examples(given_text, written):
    assert ics.text(given_text) == written


@given(
    delta=st.timedeltas(timedelta(days=-999), timedelta(days=999)).map(
        lambda d: timedelta(seconds=int(d.total_seconds()))
    )
)
def test_durations_as_icalendar_writes_and_reads_them(delta):
    text = vDuration(delta).to_ical().decode()
    assert ics.duration_value(delta) == text
    assert ics.parse_duration(text) == vDuration.from_ical(text) == delta


@pytest.mark.parametrize("value", ["", "1H", "PT", "P1Y", "PT1.5H", "often"])
def test_durations_that_are_not(value):
    try:
        vDuration.from_ical(value)
        accepted = True
    except ValueError:
        accepted = False
    if accepted:  # icalendar takes `P` and `PT` as zero: so do we
        assert ics.parse_duration(value) == timedelta(0)
    else:
        with pytest.raises(ValueError):
            ics.parse_duration(value)


def test_values():
    assert ics.date_value(date(2026, 2, 3)) == "20260203"
    assert ics.time_value(datetime(2026, 2, 3, 4, 5, 6)) == "20260203T040506"
    assert ics.time_value(datetime(2026, 2, 3, 4, 5, 6, tzinfo=__import__("datetime").UTC)) == "20260203T040506Z"


def test_vtimezone_covers_the_months_before_its_rule_starts():
    """Europe/Paris follows today's rule since 1996: its first change is on 31 March; a follow-up on 1 January
    1996 needs the VTIMEZONE to say what the offset was before it (found by the random feeds above)."""
    item = FeedEntry("followup-1", "follow-up", date(1996, 1, 1), date(1996, 1, 1), "00:00", "00:00", 0, "New year",
                     "", ["minicrm", "follow-up"], 1, datetime(2026, 1, 1))  # fmt: skip
    data = render([item], "db7f", FeedOptions(tz="Europe/Paris"))
    assert b"BEGIN:STANDARD\r\nDTSTART:19960101T000000\r\n" in data
    check_ics(data)  # every TZID'd date-time at or after the VTIMEZONE's start, with its real offset
