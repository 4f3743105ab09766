"""What other programs need from our iCalendar files (issue 17): every rule of `ical_rules.check_ics` on the
feed and on every CalDAV resource, escaped calendar-level text, a VTIMEZONE that covers every date it is
used for, any `TZ` the C library understands, changes that clients can see (SEQUENCE, DTSTAMP), timed VTODO
due dates; read back by icalendar, vobject, khal and todoman. Today is Sunday 2026-11-22.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from ical_rules import check_ics

from conftest import run_minicrm

PARIS = ZoneInfo("Europe/Paris")
GOOD = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{head}{tz}BEGIN:VEVENT\r\nUID:a@t\r\n"
    "DTSTAMP:20261101T090000Z\r\n{start}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
PARIS_2025 = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:20250101T000000\r\nTZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:20250330T030000\r\nTZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nTZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def ics(head="", tz="", start="DTSTART;VALUE=DATE:20261124", summary="Dentist") -> bytes:
    return GOOD.format(head=head, tz=tz, start=start, summary=summary).encode()


BROKEN = {
    "METHOD": (ics(head="METHOD:PUBLISH\r\n"), "must not carry METHOD"),
    "long line": (ics(summary="x" * 80), "over 75 octets"),
    "comma": (ics(head="X-WR-CALDESC:Follow-ups, tasks\r\n"), "unescaped ','"),
    "semicolon": (ics(summary="Zoë; Ltd"), "unescaped ';'"),
    "no VTIMEZONE": (ics(start="DTSTART;TZID=Europe/Paris:20250710T153000"), "has no VTIMEZONE"),
    "not covered": (ics(tz=PARIS_2025, start="DTSTART;TZID=Europe/Paris:20310710T153000"), "the VTIMEZONE says"),
    "too early": (ics(tz=PARIS_2025, start="DTSTART;TZID=Europe/Paris:20241210T153000"), "before the VTIMEZONE"),
    "bare LF": (ics().replace(b"SUMMARY:Dentist\r\n", b"SUMMARY:Dentist\n"), "bare LF"),
}


def test_rules_accept_good_files():
    check_ics(ics(), resource=True)
    check_ics(ics(tz=PARIS_2025, start="DTSTART;TZID=Europe/Paris:20250710T153000"), resource=True)
    check_ics(ics(head="METHOD:PUBLISH\r\n"))  # a feed may say PUBLISH


@pytest.mark.parametrize("rule", list(BROKEN))
def test_rules_catch_each_violation(rule):
    data, why = BROKEN[rule]
    with pytest.raises(AssertionError, match=why):
        check_ics(data, resource=True)


def export(cli, tmp_path: Path, *args: str, today: str | None = None) -> bytes:
    out = tmp_path / "feed.ics"  # a file: the runner's stdout would turn CRLF into LF
    cli.ok("ical", "export", "-o", str(out), "--tz", "Europe/Paris", *args, today=today)
    return out.read_bytes()


def by_uid(data: bytes, kind: str = "VEVENT") -> dict[str, icalendar.Component]:
    return {str(c["uid"]).split(".")[0]: c for c in icalendar.Calendar.from_ical(data).walk(kind)}


def test_calendar_level_text_is_escaped(cli, tmp_path):
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-27")
    name = "Sales, Paris; team \\ A\nB"
    data = export(cli, tmp_path, "--name", name)
    check_ics(data)  # every TEXT value escaped, e.g. X-WR-CALDESC:Follow-ups\, tasks\, ...
    parsed = vobject.readOne(data.decode())
    assert parsed.x_wr_caldesc.value == "Follow-ups, tasks, deal steps and birthdays from minicrm"
    assert parsed.x_wr_calname.value == name and parsed.contents["name"][0].value == name
    cal = icalendar.Calendar.from_ical(data)
    assert b"X-WR-CALDESC:Follow-ups\\, tasks\\, deal steps" in data
    assert cal["x-wr-calname"] is not None


VOBJECT_OFFSETS = """
import json, sys, datetime, vobject
out = []
for path in sys.argv[1:]:
    cal = vobject.readOne(open(path, encoding="utf-8").read())
    items = [c for c in cal.getChildren() if c.name in ("VEVENT", "VTODO")]
    values = {c.summary.value: (c.dtstart if c.name == "VEVENT" else c.due).value for c in items}
    out.append({k: v.utcoffset().total_seconds() for k, v in values.items() if isinstance(v, datetime.datetime)})
print(json.dumps(out))
"""


def vobject_offsets(*files: Path) -> list[dict[str, float]]:
    """The UTC offset vobject gives each timed item, files read one after the other by one process: vobject
    keeps the first VTIMEZONE it sees of a TZID for the life of the process (as a Radicale server does)."""
    res = subprocess.run([sys.executable, "-c", VOBJECT_OFFSETS, *map(str, files)], capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_vtimezone_covers_every_zoned_date(cli, tmp_path):
    cli.ok("contact", "add", "Sum Mer", "--next", "2031-07-10 15:30")
    cli.ok("contact", "add", "Win Ter", "--next", "2031-01-10 15:30")
    cli.ok("contact", "add", "Soon", "--next", "2026-11-25 09:00")
    cli.ok("contact", "add", "Last Year", "--next", "2025-12-02 08:15")  # overdue: a timed VTODO DUE in 2025
    data = export(cli, tmp_path, "--days-ahead", "2000", "--todo")
    cal = check_ics(data)  # each TZID'd value has its real offset in the file's own VTIMEZONE
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    todos = {str(t["summary"]): t["due"].dt for t in cal.walk("VTODO")}
    assert todos["OVERDUE 355d: Call Last Year"] == datetime(2025, 12, 2, 8, 15, tzinfo=PARIS)
    (tmp_path / "far.ics").write_bytes(data)
    # a file with only this month's items, read first, defines Europe/Paris for vobject: 2031 must still be right
    (tmp_path / "near.ics").write_bytes(export(cli, tmp_path, "--days-ahead", "30", "--days-back", "0"))
    near, far = vobject_offsets(tmp_path / "near.ics", tmp_path / "far.ics")
    assert near == {"Call Soon": 3600}
    assert far["Call Sum Mer"] == 7200 and far["Call Win Ter"] == 3600 and far["OVERDUE 355d: Call Last Year"] == 3600
    # the same definition of the zone in both files
    zones = {b"".join(re.findall(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", f.read_bytes(), re.S)) for f in
             (tmp_path / "near.ics", tmp_path / "far.ics")}  # fmt: skip
    assert len(zones) == 1


def test_vtodo_due_keeps_the_time_of_timed_items(cli, tmp_path):
    cli.ok("contact", "add", "Carl Timed", "--next", "2026-11-25 15:30")
    cli.ok("contact", "add", "Late Timed", "--next", "2026-11-20 10:00")
    cli.ok("contact", "add", "All Day", "--next", "2026-11-26")
    data = export(cli, tmp_path, "--todo")
    check_ics(data)
    todos = {str(t["summary"]): t for t in icalendar.Calendar.from_ical(data).walk("VTODO")}
    assert todos["Call Carl Timed"]["due"].dt == datetime(2026, 11, 25, 15, 30, tzinfo=PARIS)
    assert b"DUE;TZID=Europe/Paris:20261125T153000\r\n" in data
    # overdue: the event is shown today (all day), the task keeps its real due date and time
    assert todos["OVERDUE 2d: Call Late Timed"]["due"].dt == datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
    assert todos["Call All Day"]["due"].dt == date(2026, 11, 26)


def test_a_moved_overdue_item_gets_a_new_sequence_and_dtstamp(cli, tmp_path):
    cli.ok("contact", "add", "Bob Late", "--next", "2026-11-19")
    cli.ok("contact", "add", "Ada Soon", "--next", "2026-11-23")
    cli.ok("contact", "add", "Carl Later", "--next", "2026-12-01")
    days = {d: export(cli, tmp_path, "--todo", today=f"2026-11-{d}") for d in (22, 23, 24)}
    for data in days.values():
        check_ics(data)
    ev = {d: by_uid(data) for d, data in days.items()}
    todo = {d: by_uid(data, "VTODO") for d, data in days.items()}

    def version(c):
        return c["sequence"], c["dtstamp"].dt, c["last-modified"].dt

    # Bob is overdue: each day his event moves to today, and each day it is a visible change
    bob = [ev[d]["followup-1"] for d in (22, 23, 24)]
    assert [b["dtstart"].dt for b in bob] == [date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24)]
    assert version(bob[0]) < version(bob[1]) < version(bob[2])
    assert all(a < b for a, b in zip(version(bob[0]), version(bob[1]), strict=True))
    bob_todo = [todo[d]["todo-followup-1"] for d in (22, 23, 24)]
    assert bob_todo[0]["sequence"] < bob_todo[1]["sequence"] < bob_todo[2]["sequence"]
    # Ada becomes overdue on the 24th: a change then, not before
    ada = [ev[d]["followup-2"] for d in (22, 23, 24)]
    assert version(ada[0]) == version(ada[1]) < version(ada[2])
    # Carl is not due yet: nothing changes, byte for byte
    carl = [ev[d]["followup-3"].to_ical() for d in (22, 23, 24)]
    assert carl[0] == carl[1] == carl[2]
    # an edit on the 24th still raises SEQUENCE (it never goes down, even when the item stops being overdue)
    cli.ok("next", "bob", "2026-11-30", today="2026-11-24")
    edited = by_uid(export(cli, tmp_path, "--todo", today="2026-11-24"))["followup-1"]
    assert edited["dtstart"].dt == date(2026, 11, 30)
    assert edited["sequence"] > bob[2]["sequence"]
    assert edited["dtstamp"].dt >= bob[2]["dtstamp"].dt


def test_every_caldav_resource_follows_the_rules(cli, db_target):
    """The objects `ical push` stores, built by the same function, without a server."""
    from minicrm.ical.feed import FeedOptions
    from minicrm.ical.push import build_resources
    from minicrm.store.core.db import Database

    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-27", "--goal", "send proposal, v2; now",
           "--birthday", "1990-12-10")  # fmt: skip
    cli.ok("contact", "add", "Late Timed", "--next", "2026-11-20 10:00")
    cli.ok("contact", "add", "Far Away", "--next", "2031-07-10 15:30")
    cli.ok("contact", "add", "Leap Baby", "--birthday", "2004-02-29")
    options = FeedOptions(name="Sales, Paris", tz="Europe/Paris", alarm=True, todo=True)
    with Database(db_target).connect(create=False) as session:
        resources = build_resources(session, today=date(2026, 11, 22), options=options, days_ahead=2000)
    assert len(resources) == 8  # 3 follow-ups × (VEVENT + VTODO), 2 birthdays
    for res in resources:
        cal = check_ics(res.ics, resource=True)
        assert not [p for p in ("NAME", "X-WR-CALNAME", "X-WR-CALDESC", "REFRESH-INTERVAL") if p in cal]
        item = next(c for c in cal.subcomponents if c.name in ("VEVENT", "VTODO"))
        assert str(item["uid"]) == res.uid
        zones = cal.walk("VTIMEZONE")
        zoned = "TZID" in item["dtstart" if item.name == "VEVENT" else "due"].params
        assert len(zones) == (1 if zoned else 0)
    far = next(r for r in resources if r.uid.startswith("followup-3."))
    assert b"DTSTART;TZID=Europe/Paris:20310710T153000\r\n" in far.ics


TZ_CASES = {
    # TZ value (a copy of the Paris zone file is at {copy}): the DTSTART line of 2026-11-25 15:30
    ":Europe/Paris": "DTSTART;TZID=Europe/Paris:20261125T153000",
    ":/usr/share/zoneinfo/Europe/Paris": "DTSTART;TZID=Europe/Paris:20261125T153000",
    "CET-1CEST,M3.5.0,M10.5.0/3": "DTSTART:20261125T143000Z",  # POSIX rule: no zone name, so UTC
    "<+03>-3": "DTSTART:20261125T123000Z",
    ":{copy}": "DTSTART:20261125T143000Z",  # a copied zone file (no name to give the VTIMEZONE)
    ":/etc/localtime": None,  # whatever the machine's zone is: it must work
}


@pytest.mark.parametrize("tz", list(TZ_CASES))
def test_export_understands_any_tz_the_c_library_does(cli, db_target, tmp_path, tz):
    cli.ok("contact", "add", "Carl Timed", "--next", "2026-11-25 15:30")
    source = Path("/usr/share/zoneinfo/Europe/Paris")
    if not source.exists():
        import importlib.resources

        source = Path(str(importlib.resources.files("tzdata.zoneinfo") / "Europe" / "Paris"))
    shutil.copy(source, tmp_path / "localtime")
    value = tz.format(copy=tmp_path / "localtime")
    if value.startswith(":/usr/share") and not Path(value[1:]).exists():
        value = f":{source}"
    env = {k: v for k, v in os.environ.items() if k != "MINICRM_TZ"}
    res = subprocess.run(
        [sys.executable, "-m", "minicrm", "--db", db_target, "--today", "2026-11-22", "ical", "export"],
        capture_output=True, env={**env, "TZ": value}, timeout=60,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr.decode()
    check_ics(res.stdout)
    if TZ_CASES[tz] is not None:
        assert TZ_CASES[tz].encode() + b"\r\n" in res.stdout
    else:
        assert b"DTSTART" in res.stdout and b"20261125T" in res.stdout


def test_minicrm_tz_names_a_zone(cli, db_target):
    cli.ok("contact", "add", "Carl Timed", "--next", "2026-11-25 15:30")
    res = run_minicrm("--db", db_target, "--today", "2026-11-22", "ical", "export", env={"MINICRM_TZ": "Asia/Tokyo"})
    assert res.returncode == 0 and "DTSTART;TZID=Asia/Tokyo:20261125T153000" in res.stdout, res.stderr
    res = run_minicrm("--db", db_target, "ical", "export", env={"MINICRM_TZ": "Mars/Olympus"})
    assert res.returncode == 2 and res.stderr.strip().splitlines() == [
        "error: unknown time zone 'Mars/Olympus' in MINICRM_TZ (an IANA name such as Europe/Paris)"
    ]


def todoman(tmp_path: Path, vdir: Path, *args: str) -> list[dict]:
    exe = Path(sys.executable).with_name("todo")
    assert exe.exists(), "todoman is a test dependency (pip install '.[test]')"
    config = tmp_path / "todoman.py"
    config.write_text(
        f'path = "{vdir.parent}/*"\ndate_format = "%Y-%m-%d"\ntime_format = "%H:%M"\n'
        f'default_list = "{vdir.name}"\ncache_path = "{tmp_path / "todoman.sqlite"}"\n'
    )
    res = subprocess.run([str(exe), "--config", str(config), "--porcelain", *args], capture_output=True, text=True,
                         env={**os.environ, "TZ": "Europe/Paris"}, timeout=60)  # fmt: skip
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_todoman_and_khal_read_the_caldav_resources(cli, db_target, tmp_path):
    """The resources as a vdir (what vdirsyncer makes of a CalDAV calendar): todoman lists the tasks with
    their due date and time, khal lists the events at the right hour."""
    from minicrm.ical.feed import FeedOptions
    from minicrm.ical.push import build_resources
    from minicrm.store.core.db import Database

    cli.ok("contact", "add", "Carl Timed", "--next", "2026-11-25 15:30", "--goal", "demo, then; sign")
    cli.ok("contact", "add", "Late Timed", "--next", "2026-11-20 10:00")
    cli.ok("contact", "add", "Sum Mer", "--next", "2031-07-10 15:30")
    with Database(db_target).connect(create=False) as session:
        resources = build_resources(session, today=date(2026, 11, 22), days_ahead=2000,
                                    options=FeedOptions(tz="Europe/Paris", todo=True))  # fmt: skip
    tasks, events = tmp_path / "tasks" / "crm", tmp_path / "events" / "crm"
    tasks.mkdir(parents=True)
    events.mkdir(parents=True)
    for i, res in enumerate(resources):
        ((tasks if res.is_todo else events) / f"{i}.ics").write_bytes(res.ics)
    listed = {t["summary"]: t for t in todoman(tmp_path, tasks, "list")}
    assert set(listed) == {"Call Carl Timed — demo, then; sign", "OVERDUE 2d: Call Late Timed", "Call Sum Mer"}
    assert listed["Call Carl Timed — demo, then; sign"]["due"] == int(
        datetime(2026, 11, 25, 15, 30, tzinfo=PARIS).timestamp()
    )
    assert listed["OVERDUE 2d: Call Late Timed"]["due"] == int(datetime(2026, 11, 20, 10, tzinfo=PARIS).timestamp())
    assert listed["Call Sum Mer"]["due"] == int(datetime(2031, 7, 10, 15, 30, tzinfo=PARIS).timestamp())

    khal = Path(sys.executable).with_name("khal")
    assert khal.exists(), "khal is a test dependency (pip install '.[test]')"
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[crm]]\npath = {events}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "default_timezone = Europe/London\nlocal_timezone = Europe/London\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    out = ""
    for start in ("2026-11-22", "2031-07-09"):
        listed_events = subprocess.run(
            [str(khal), "-c", str(config), "list", "--format", "{start} {title}", start, "5d"],
            capture_output=True, text=True, env={**os.environ, "TZ": "Europe/London"}, timeout=60,
        )  # fmt: skip
        assert listed_events.returncode == 0, listed_events.stderr
        out += listed_events.stdout
    # shown in London time: one hour earlier than Paris, in winter and in summer 2031
    assert "2026-11-25 14:30 Call Carl Timed — demo, then; sign" in out, out
    assert "2026-11-22 OVERDUE 2d: Call Late Timed" in out, out
    assert "2031-07-10 14:30 Call Sum Mer" in out, out


def test_masked_url_hides_only_the_password():
    from minicrm.ical.push import masked_url

    same = (
        "http://127.0.0.1:5232/ada@example.org/minicrm/",
        "https://cloud.example.org/remote.php/dav/calendars/alice@example.org/crm/",
        "https://alice@cloud.example.org/remote.php/dav/calendars/alice@example.org/crm/",
    )
    for url in same:
        assert masked_url(url) == url
    assert masked_url("https://alice:pw@cloud.example.org/dav/calendars/alice@example.org/crm/") == (
        "https://alice:***@cloud.example.org/dav/calendars/alice@example.org/crm/"
    )
    assert masked_url("http://alice@example.org:p@ss:w@host:8080/cal/a@b/") == (
        "http://alice@example.org:***@host:8080/cal/a@b/"
    )
    assert masked_url("Connection refused: http://u:pw@h/p@q/ and https://v:x@k/") == (
        "Connection refused: http://u:***@h/p@q/ and https://v:***@k/"
    )


ZONES = ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Jerusalem", "America/Nuuk",
         "Pacific/Chatham", "Africa/Casablanca", "Europe/Moscow", "America/Mexico_City", "Asia/Kolkata"]  # fmt: skip


@pytest.mark.parametrize("name", ZONES)
def test_vtimezone_of_each_kind_of_zone(name, tmp_path):
    """Rules on the last Sunday, the n-th Sunday, `Fri>=23` (Jerusalem), before midnight (Nuuk), at :45
    (Chatham), no rule at all (Casablanca's Ramadan), a rule that ended (Moscow 2014, Mexico 2022), no DST:
    every date-time of 2012-2040 gets its zone's real offset from the file's VTIMEZONE, also from vobject."""
    from minicrm.ical.entries import FeedEntry
    from minicrm.ical.feed import FeedOptions, render

    days = [
        date(year, month, 10 + year % 7) for year in (2012, 2014, 2022, 2026, 2031, 2040) for month in (1, 4, 7, 10)
    ]
    entries = [
        FeedEntry(f"followup-{i}", "follow-up", day, day, "02:30", "02:30", 0, f"Item {i}", "", ["minicrm"], 1,
                  datetime(2026, 11, 1, 9), todo=True)
        for i, day in enumerate(days)
    ]  # fmt: skip
    data = render(entries, "db", FeedOptions(tz=name, todo=True))
    cal = check_ics(data)
    assert len(cal.walk("VEVENT")) == len(days) and len(cal.walk("VTODO")) == len(days)
    zone = ZoneInfo(name)
    expected = {f"Item {i}": datetime.combine(day, datetime.min.time()).replace(hour=2, minute=30, tzinfo=zone)
                .utcoffset().total_seconds() for i, day in enumerate(days)}  # fmt: skip
    (tmp_path / "feed.ics").write_bytes(data)
    (offsets,) = vobject_offsets(tmp_path / "feed.ics")
    assert offsets == expected
