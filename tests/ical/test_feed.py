"""`minicrm ical export` and `ical serve`, read back by icalendar, by two independent parsers (`ical`,
vobject) and by a real calendar client (khal). Today is Sunday 2026-11-22.

Tasks and deals have no commands on this branch (issue 4), so they are inserted with plain SQL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from ical_rules import check_ics

from conftest import execute, row, scalar

TRICKY = 'Zoë O\'Brien; Ltd, "Ω"'
TRICKY_GOAL = "call, then write;\nsign"


def sql(target, statement, params=()):
    execute(target, statement, params)


@pytest.fixture
def crm(cli, db_target):
    cli.ok(
        "contact",
        "add",
        "Ada Lovelace",
        "--company",
        "Analytical Engines",
        "--email",
        "ada@example.org",
        "--phone",
        "+44 20 7946 0000",
        "--next",
        "2026-11-27",
        "--goal",
        "send proposal",
        "--birthday",
        "1990-12-10",
    )
    cli.ok(
        "log",
        "ada",
        "call",
        "Discussed the proposal",
        "--at",
        "2026-11-20 10:00",
        "--next",
        "2026-11-27",
        "--goal",
        "send proposal",
    )
    cli.ok("contact", "add", "Bob Late", "--next", "2026-11-19", "--goal", "chase invoice")
    cli.ok("contact", "add", "Carl Timed", "--next", "2026-11-25 15:30", "--goal", "demo")
    cli.ok("contact", "add", TRICKY, "--next", "2026-11-30", "--goal", TRICKY_GOAL, "--birthday", "--04-12")
    cli.ok("contact", "add", "Leap Baby", "--birthday", "2004-02-29")
    cli.ok("contact", "add", "Hidden", "--next", "2026-11-23", "--birthday", "1970-01-01")
    cli.ok("contact", "archive", "hidden")
    cli.ok("contact", "add", "Way Ahead", "--next", "2027-06-01")
    sql(
        db_target,
        "INSERT INTO task (title, due_on, contact_id, done, created_at, updated_at, revision)"
        " VALUES ('Send the contract', '2026-11-24', 2, FALSE, '2026-11-02 08:00:00', '2026-11-03 09:30:00', 4)",
    )
    sql(
        db_target,
        "INSERT INTO deal (title, contact_id, amount_minor, currency, stage_id, next_step, next_step_on,"
        " created_at, updated_at, revision) VALUES ('Engine', 1, 1200000, 'EUR',"
        " (SELECT id FROM pipeline_stage WHERE name = 'proposal'), 'call the CFO', '2026-11-26',"
        " '2026-11-01 09:00:00', '2026-11-05 09:00:00', 2)",
    )
    return cli


def export(cli, tmp_path, *args, name="feed.ics") -> bytes:
    out = tmp_path / name
    cli.ok("ical", "export", "-o", str(out), "--tz", "Europe/Paris", *args)
    return out.read_bytes()


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_feed_properties(crm, tmp_path, db_target):
    data = export(crm, tmp_path, "--alarm")
    cal = check_ics(data)  # icalendar, vobject and the RFC rules of ical_rules
    assert str(cal["version"]) == "2.0" and str(cal["method"]) == "PUBLISH"
    assert str(cal["x-wr-calname"]) == "minicrm follow-ups" and str(cal["name"]) == "minicrm follow-ups"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data and b"X-PUBLISHED-TTL:PT1H\r\n" in data
    evs = events(data)
    ada = evs["Call Ada Lovelace — send proposal"]
    assert ada["dtstart"].dt == date(2026, 11, 27) and ada["dtend"].dt == date(2026, 11, 28)
    assert b"DTSTART;VALUE=DATE:20261127\r\n" in data and b"DTEND;VALUE=DATE:20261128\r\n" in data
    database_id = scalar(db_target, "SELECT value FROM meta WHERE key = 'database_id'")
    assert str(ada["uid"]) == f"followup-1.{database_id}@minicrm"
    updated, revision = row(db_target, "SELECT updated_at, revision FROM contact WHERE id = 1")
    assert isinstance(updated, datetime)
    stamp = updated - timedelta(hours=1)  # Europe/Paris is UTC+1 in November
    assert ada["dtstamp"].dt.replace(tzinfo=None) == stamp and ada["last-modified"].dt.replace(tzinfo=None) == stamp
    # SEQUENCE: the revision plus the day number of the last change (it grows when an overdue item moves)
    assert ada["sequence"] == revision + (updated.date() - date(2000, 1, 1)).days
    description = str(ada["description"])
    for part in (
        "Analytical Engines",
        "+44 20 7946 0000",
        "ada@example.org",
        "Last contact: 2026-11-20 (call) Discussed the proposal",
    ):
        assert part in description
    assert [str(c) for c in ada["categories"].cats] == ["minicrm", "follow-up"]
    assert str(ada["transp"]) == "TRANSPARENT"
    alarm = ada.walk("VALARM")[0]
    assert alarm["trigger"].dt == timedelta(hours=9) and str(alarm["action"]) == "DISPLAY"

    # overdue: kept, moved to today, marked
    late = evs["OVERDUE 3d: Call Bob Late — chase invoice"]
    assert late["dtstart"].dt == date(2026, 11, 22) and "overdue" in [str(c) for c in late["categories"].cats]
    # a timed follow-up is a timed event in its zone, with the zone's definition
    timed = evs["Call Carl Timed — demo"]
    assert timed["dtstart"].params["TZID"] == "Europe/Paris"
    assert timed["dtstart"].dt.replace(tzinfo=None) == datetime(2026, 11, 25, 15, 30)
    assert timed["dtend"].dt - timed["dtstart"].dt == timedelta(minutes=30)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert timed.walk("VALARM")[0]["trigger"].dt == timedelta(minutes=-15)
    # birthdays repeat yearly; year-less ones too; 29 February falls on 1 March in common years
    bday = evs["Birthday: Ada Lovelace"]
    assert bday["dtstart"].dt == date(1990, 12, 10) and bday["rrule"]["FREQ"] == ["YEARLY"]
    assert evs[f"Birthday: {TRICKY}"]["dtstart"].dt == date(2000, 4, 12)
    assert evs["Birthday: Leap Baby"]["rrule"]["BYYEARDAY"] == [60]
    # tasks and deal next steps
    task = evs["Task: Send the contract (Bob Late)"]
    assert task["sequence"] == 4 + (date(2026, 11, 3) - date(2000, 1, 1)).days
    assert task["dtstart"].dt == date(2026, 11, 24)
    assert "call the CFO — deal Engine (Ada Lovelace)" in evs
    # archived contacts and items beyond --days-ahead are left out
    assert not [s for s in evs if "Hidden" in s or "Way Ahead" in s]
    assert len(evs) == 9
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert len(set(uids)) == len(uids)


def test_escaping_and_non_ascii(crm, tmp_path):
    data = export(crm, tmp_path)
    text = data.decode("utf-8")
    assert 'Zoë O\'Brien\\; Ltd\\, "Ω"' in text and "call\\, then write\\;\\nsign" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    summary = f"Call {TRICKY} — {TRICKY_GOAL}"
    assert summary in events(data)
    # an independent parser agrees on the unescaped text
    parsed = IcsCalendarStream.calendar_from_ics(text)
    assert summary in [e.summary for e in parsed.events]
    assert summary in [e.summary.value for e in vobject.readOne(text).vevent_list]


def test_independent_parsers_accept_the_feed(crm, tmp_path):
    data = export(crm, tmp_path, "--alarm", "--todo").decode()
    cal = IcsCalendarStream.calendar_from_ics(data)  # strict on value types and RRULE
    by_summary = {e.summary: e for e in cal.events}
    assert by_summary["Call Ada Lovelace — send proposal"].dtstart == date(2026, 11, 27)
    assert by_summary["Call Ada Lovelace — send proposal"].dtend == date(2026, 11, 28)
    assert by_summary["Call Ada Lovelace — send proposal"].sequence >= 1
    leap = [e for e in cal.timeline.start_after(date(2027, 2, 20)) if e.summary == "Birthday: Leap Baby"]
    assert leap[0].dtstart == date(2027, 3, 1)
    assert {t.summary for t in cal.todos} == {
        "Call Ada Lovelace — send proposal",
        "OVERDUE 3d: Call Bob Late — chase invoice",
        "Call Carl Timed — demo",
        f"Call {TRICKY} — {TRICKY_GOAL}",
        "Task: Send the contract (Bob Late)",
    }
    parsed = vobject.readOne(data, validate=True)
    parsed.validate(raiseException=True)  # e.g. every VEVENT has a DTSTAMP and a UID
    assert len(parsed.vevent_list) == 9 and len(parsed.vtodo_list) == 5
    for todo in parsed.vtodo_list:
        assert todo.uid.value.startswith("todo-") and todo.status.value == "NEEDS-ACTION"
    nobday = next(e for e in parsed.vevent_list if e.summary.value == "Birthday: Leap Baby")
    assert list(nobday.getrruleset().between(datetime(2027, 1, 1), datetime(2028, 12, 31))) == [
        datetime(2027, 3, 1),
        datetime(2028, 2, 29),
    ]


def test_export_is_deterministic_uids_stable_and_sequence_increases(crm, tmp_path, db_target, new_target):
    first = export(crm, tmp_path, name="a.ics")
    assert export(crm, tmp_path, name="b.ics") == first
    stdout = subprocess.run(
        [
            sys.executable,
            "-m",
            "minicrm",
            "--db",
            str(db_target),
            "--today",
            "2026-11-22",
            "ical",
            "export",
            "--tz",
            "Europe/Paris",
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    assert stdout == first  # byte for byte, CRLF included
    before = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(first).walk("VEVENT")}
    crm.ok("next", "carl", "2026-11-26 09:00", "--goal", "demo v2")
    after = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(export(crm, tmp_path, name="c.ics")).walk("VEVENT")}
    assert set(after) == set(before)
    changed = [uid for uid in after if after[uid]["sequence"] != before[uid]["sequence"]]
    assert len(changed) == 1 and changed[0].startswith("followup-3.")
    assert after[changed[0]]["sequence"] > before[changed[0]]["sequence"]
    assert str(after[changed[0]]["summary"]) == "Call Carl Timed — demo v2"
    # a second database never produces the same UIDs
    other = new_target("other")
    crm.ok("--db", str(other), "contact", "add", "Ada Lovelace", "--next", "2026-11-27")
    theirs = crm.ok("--db", str(other), "ical", "export").stdout
    assert re.search(r"UID:followup-1\.(\w+)@minicrm", theirs).group(1) not in first.decode()


def test_include_days_and_errors(crm, tmp_path):
    only = events(export(crm, tmp_path, "--include", "birthdays"))
    assert sorted(only) == ["Birthday: Ada Lovelace", "Birthday: Leap Baby", f"Birthday: {TRICKY}"]
    ahead = events(export(crm, tmp_path, "--include", "followups", "--days-ahead", "365"))
    assert "Call Way Ahead" in ahead
    near = events(export(crm, tmp_path, "--include", "followups", "--days-back", "1"))
    assert not [s for s in near if "Bob Late" in s]  # planned 3 days ago: older than --days-back
    crm.fails("ical", "export", "--include", "meetings", code=2, match="unknown --include 'meetings'")
    crm.fails("ical", "export", "--tz", "Mars/Olympus", code=2, match="unknown time zone 'Mars/Olympus'")
    crm.fails("ical", "export", "--refresh", "often", code=2, match="invalid refresh interval 'often'")


def test_khal_imports_and_lists_the_feed(crm, tmp_path):
    """A real calendar client: `khal import --batch` into a temporary calendar, then `khal list`."""
    khal = Path(sys.executable).with_name("khal")
    assert khal.exists(), "khal is a test dependency (pip install '.[test]')"
    export(crm, tmp_path)
    vdir = tmp_path / "khal" / "crm"
    vdir.mkdir(parents=True)
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[crm]]\npath = {vdir}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "default_timezone = Europe/Paris\nlocal_timezone = Europe/Paris\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    env = {**os.environ, "TZ": "Europe/Paris"}
    feed = tmp_path / "feed.ics"
    imported = subprocess.run(
        [str(khal), "-c", str(config), "import", "--batch", "-a", "crm", str(feed)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    assert len(list(vdir.glob("*.ics"))) == 9
    listed = subprocess.run(
        [str(khal), "-c", str(config), "list", "--format", "{start} {title}", "2026-11-22", "2026-12-11"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    for expected in (
        "2026-11-27 Call Ada Lovelace — send proposal",
        "2026-11-22 OVERDUE 3d: Call Bob Late",
        "2026-11-25 15:30 Call Carl Timed — demo",
        "2026-11-24 Task: Send the contract",
        "2026-12-10 Birthday: Ada Lovelace",
        f"2026-11-30 Call {TRICKY}",
    ):
        assert expected in out, out
    # the yearly birthday recurs in khal too
    later = subprocess.run(
        [str(khal), "-c", str(config), "list", "--format", "{start} {title}", "2030-12-09", "2d"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "2030-12-10 Birthday: Ada Lovelace" in later.stdout, later.stdout + later.stderr


# -- serve --------------------------------------------------------------------------------------------


@pytest.fixture
def server(crm, db_target):
    """`minicrm ical serve` in a real process on a free port."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "minicrm",
            "--db",
            str(db_target),
            "--today",
            "2026-11-22",
            "ical",
            "serve",
            "--port",
            "0",
            "--token",
            "s3cret-token-for-tests",
            "--tz",
            "Europe/Paris",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        match = re.search(r"webcal://127\.0\.0\.1:(\d+)/minicrm\.ics\?token=YOUR-TOKEN", line)
        assert match, line + (proc.stderr.read() if proc.poll() is not None else "")
        yield f"http://127.0.0.1:{match.group(1)}", proc
    finally:
        proc.terminate()
        proc.wait(10)


def fetch(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_serve_feed_with_token(server, crm, tmp_path):
    base, proc = server
    status, headers, body = fetch(f"{base}/minicrm.ics?token=s3cret-token-for-tests")
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert body == export(crm, tmp_path)
    assert fetch(f"{base}/minicrm.ics")[0] == 403
    assert fetch(f"{base}/minicrm.ics?token=s3cret-token-for-tesTS")[0] == 403
    assert fetch(f"{base}/minicrm.ics", {"Authorization": "Bearer s3cret-token-for-tests"})[0] == 200
    assert fetch(f"{base}/other?token=s3cret-token-for-tests")[0] == 404
    assert fetch(f"{base}/minicrm.ics?token=s3cret-token-for-tests", {"If-None-Match": headers["ETag"]})[0] == 304
    # regenerated per request: a change shows at the next fetch
    crm.ok("next", "carl", "2026-11-28", "--goal", "new date")
    again = fetch(f"{base}/minicrm.ics?token=s3cret-token-for-tests")[2]
    assert "Call Carl Timed — new date" in events(again)
    assert proc.poll() is None
    proc.terminate()
    log = proc.communicate(timeout=10)[1]
    assert "s3cret" not in log and "GET /minicrm.ics 200" in log


def test_serve_refuses_open_binding_without_token(crm):
    crm.fails("ical", "serve", "--host", "0.0.0.0", code=2, match="--token is required to serve on '0.0.0.0'")
    crm.fails("ical", "serve", "--host", "0.0.0.0", "--token", "short", code=2, match="too short")


def test_serve_without_token_on_loopback(crm, db_target):
    proc = subprocess.Popen(
        [sys.executable, "-m", "minicrm", "--db", str(db_target), "ical", "serve", "--port", "0", "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = re.search(r":(\d+)/minicrm\.ics", proc.stderr.readline()).group(1)
        deadline = time.monotonic() + 10
        status = None
        while status is None and time.monotonic() < deadline:
            try:
                status = fetch(f"http://127.0.0.1:{port}/minicrm.ics")[0]
            except OSError:
                time.sleep(0.1)
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_conditional_requests(server, crm):
    """If-None-Match with weak tags, lists and `*` (RFC 9110 §13.1.2), Last-Modified and If-Modified-Since."""
    base, _ = server
    url = f"{base}/minicrm.ics?token=s3cret-token-for-tests"
    status, headers, body = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"')
    assert parsedate_to_datetime(modified) <= parsedate_to_datetime(headers["Date"])
    for tags in (etag, f"W/{etag}", f'"other", {etag}', f'W/"x",W/{etag}', "*"):
        status, headers, body = fetch(url, {"If-None-Match": tags})
        assert (status, body) == (304, b""), tags
        assert headers["ETag"] == etag and headers["Last-Modified"] == modified
        assert "Content-Length" not in headers or headers["Content-Length"] == "0"
    assert fetch(url, {"If-None-Match": '"other", W/"else"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": modified})[0] == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert fetch(url, {"If-Modified-Since": earlier})[0] == 200
    assert fetch(url, {"If-Modified-Since": "not a date"})[0] == 200
    # If-None-Match decides when both are given
    assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200
    # a change: a new tag, a later Last-Modified, and the old validators no longer match
    time.sleep(1.1)
    crm.ok("next", "carl", "2026-11-29", "--goal", "moved")
    status, headers, _ = fetch(url, {"If-None-Match": etag, "If-Modified-Since": modified})
    assert status == 200 and headers["ETag"] != etag
    assert parsedate_to_datetime(headers["Last-Modified"]) > parsedate_to_datetime(modified)
    assert fetch(url, {"If-Modified-Since": modified})[0] == 200


def test_last_contact_is_not_a_note(crm, tmp_path):
    """A note is not contact with the client (migration 0006): the item's last contact is the call before it."""
    crm.ok("log", "ada", "note", "Internal: ask Bob about pricing", "--at", "2026-11-21 09:00")
    description = str(events(export(crm, tmp_path))["Call Ada Lovelace — send proposal"]["description"])
    assert "Last contact: 2026-11-20 (call) Discussed the proposal" in description
    assert "pricing" not in description
