"""`minicrm ical push` against a real Radicale server on 127.0.0.1 (temporary storage, no auth), read back
with the caldav client. Radicale and caldav are test dependencies: a missing one or a server that does not
start fails these tests, it never skips them.
"""

from __future__ import annotations

import base64
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import caldav
import icalendar
import pytest
from caldav.elements import cdav, dav
from ical_rules import check_ics

FOREIGN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone else//EN\r\nBEGIN:VEVENT\r\nUID:dentist@example.org\r\n"
    "DTSTAMP:20261101T090000Z\r\nDTSTART;VALUE=DATE:20261124\r\nDTEND;VALUE=DATE:20261125\r\n"
    "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def radicale(tmp_path):
    port = free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {tmp_path / 'collections'}\n[logging]\nlevel = warning\n"
    )
    log = (tmp_path / "radicale.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=log)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"Radicale did not start: {(tmp_path / 'radicale.log').read_text()}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def read_back(url: str) -> tuple[dict[str, str], list[str]]:
    """{uid: summary} of every event and todo in the calendar, and the list of all UIDs (to spot duplicates)."""
    with caldav.DAVClient(url=url, username="ada", password="ignored") as client:
        cal = client.calendar(url=url)
        objects = [*cal.get_events(), *cal.get_todos(include_completed=True)]
        uids, summaries = [], {}
        for obj in objects:
            comp = next(c for c in obj.icalendar_instance.walk() if c.name in ("VEVENT", "VTODO"))
            uids.append(str(comp["uid"]))
            summaries[str(comp["uid"])] = str(comp["summary"])
        return summaries, uids


def push(cli, url, *args, today=None):
    options = ("--user", "ada", "--password-env", "CALDAV_PW", "--tz", "Europe/Paris", "-f", "json")
    return cli.ok("ical", "push", url, *options, *args, today=today).json()


AUTH = {"Authorization": "Basic " + base64.b64encode(b"ada:x").decode()}


def stored(url: str) -> dict[str, tuple[bytes, icalendar.Component]]:
    """{uid: (the bytes a GET of the object returns, its VEVENT or VTODO)}; fails on a UID stored twice."""
    with caldav.DAVClient(url=url, username="ada", password="ignored") as client:
        cal = client.calendar(url=url)
        out: dict[str, tuple[bytes, icalendar.Component]] = {}
        for obj in [*cal.get_events(), *cal.get_todos(include_completed=True)]:
            with urllib.request.urlopen(urllib.request.Request(str(obj.url), headers=AUTH), timeout=10) as resp:
                data = resp.read()
            comp = next(c for c in icalendar.Calendar.from_ical(data).walk() if c.name in ("VEVENT", "VTODO"))
            assert str(comp["uid"]) not in out, f"UID {comp['uid']} stored twice"
            out[str(comp["uid"])] = (data, comp)
        return out


def test_push_twice_then_update_and_remove(cli, radicale, monkeypatch):
    monkeypatch.setenv("CALDAV_PW", "pa55-w0rd-never-shown")
    cli.ok(
        "contact",
        "add",
        "Ada Lovelace",
        "--next",
        "2026-11-27",
        "--goal",
        "send proposal, v2",
        "--birthday",
        "1990-12-10",
        "--phone",
        "+44 20 7946 0000",
    )
    cli.ok("contact", "add", "Bob Late", "--next", "2026-11-19", "--goal", "chase invoice")
    cli.ok("contact", "add", "Zoë Timed", "--next", "2026-11-25 15:30", "--goal", "démo")
    url = f"{radicale}/ada/minicrm/"

    first = push(cli, url, "--todo")
    assert (first["created"], first["updated"], first["deleted"], first["unchanged"]) == (7, 0, 0, 0)
    assert "pa55" not in str(first)
    summaries, uids = read_back(url)
    assert len(uids) == len(set(uids)) == 7
    assert sorted(summaries.values()) == sorted(
        [
            "Call Ada Lovelace — send proposal, v2",
            "Call Ada Lovelace — send proposal, v2",
            "OVERDUE 3d: Call Bob Late — chase invoice",
            "OVERDUE 3d: Call Bob Late — chase invoice",
            "Call Zoë Timed — démo",
            "Call Zoë Timed — démo",
            "Birthday: Ada Lovelace",
        ]
    )
    with caldav.DAVClient(url=url, username="ada", password="x") as client:
        cal = client.calendar(url=url)
        event = cal.get_event_by_uid(next(u for u in uids if u.startswith("followup-1.")))
        exported = cli.ok("ical", "export", "--tz", "Europe/Paris").stdout
        sequence = re.search(r"UID:followup-1\..*?\nSEQUENCE:(\d+)", exported, re.S).group(1)
        assert event.icalendar_component["sequence"] == int(sequence)  # minicrm's, not bumped by the client
        cal.add_event(FOREIGN)
        birthdays = cal.search(
            event=True,
            start=__import__("datetime").datetime(2030, 12, 1),
            end=__import__("datetime").datetime(2030, 12, 31),
            expand=True,
        )
        assert [str(b.icalendar_component["summary"]) for b in birthdays] == ["Birthday: Ada Lovelace"]

    # idempotent: the same data a second time changes nothing, and creates no duplicates
    second = push(cli, url, "--todo")
    assert (second["created"], second["updated"], second["deleted"], second["unchanged"]) == (0, 0, 0, 7)
    assert len(read_back(url)[1]) == 8

    # an edit updates one event in place; a follow-up that is done is removed; foreign objects stay
    cli.ok("next", "zoë", "2026-11-26 09:00", "--goal", "démo v2")
    cli.ok("next", "bob", "--clear")
    third = push(cli, url, "--todo")
    assert (third["created"], third["updated"], third["deleted"]) == (0, 2, 2)
    summaries, uids = read_back(url)
    assert len(uids) == len(set(uids)) == 6
    assert "Dentist" in summaries.values()
    assert "Call Zoë Timed — démo v2" in summaries.values()
    assert not [s for s in summaries.values() if "Bob" in s]

    # without --todo the VTODOs go away
    fourth = push(cli, url)
    assert fourth["deleted"] == 2 and len(read_back(url)[1]) == 4


def test_push_text_report_and_errors(cli, radicale, monkeypatch):
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-27")
    url = f"{radicale}/ada/crm/"
    cli.fails("ical", "push", url, code=1, match="cannot create the calendar")  # anonymous: Radicale says no
    res = cli.ok("ical", "push", url, "--user", "ada")
    assert res.stderr.strip() == f"{url}: 1 created, 0 updated, 0 deleted, 0 unchanged"
    cli.fails("ical", "push", url, "--password-env", "NOPE_NOT_SET", code=2, match="NOPE_NOT_SET is not set")
    cli.fails("ical", "push", "ftp://example.org/cal", code=2, match="invalid CalDAV URL")
    port = radicale.rsplit(":", 1)[1]
    monkeypatch.setenv("CALDAV_PW", "hunter2-secret")
    dead = f"http://127.0.0.1:{int(port) + 1 if int(port) < 65535 else 1}/ada/crm/"
    res = cli.fails("ical", "push", dead, "--user", "ada", "--password-env", "CALDAV_PW", code=1, match="CalDAV")
    assert "hunter2" not in res.stderr


def test_push_edit_a_day_later_push_again(cli, radicale, monkeypatch):
    """What a user's calendar sees over two days: every stored object follows the rules; after an edit and a
    new day, the second push updates exactly the items that changed, in place, with a higher SEQUENCE."""
    monkeypatch.setenv("CALDAV_PW", "x")
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-27", "--goal", "send proposal, v2; now",
           "--birthday", "1990-12-10")  # fmt: skip
    cli.ok("contact", "add", "Bob Late", "--next", "2026-11-19", "--goal", "chase invoice")
    cli.ok("contact", "add", "Zoë Timed", "--next", "2026-11-25 15:30", "--goal", "démo")
    cli.ok("contact", "add", "Sum Mer", "--next", "2031-07-10 15:30")
    url = f"{radicale}/ada/minicrm/"
    first = push(cli, url, "--todo", "--alarm", "--days-ahead", "2000")
    assert (first["created"], first["updated"], first["deleted"]) == (9, 0, 0)
    before = stored(url)
    assert len(before) == 9
    for data, _ in before.values():
        check_ics(data, resource=True)  # no METHOD, one UID, VTIMEZONE, folding, escaping
    ada = [str(c["summary"]) for uid, (_, c) in before.items() if uid.split(".")[0].endswith("followup-1")]
    assert ada == ["Call Ada Lovelace — send proposal, v2; now"] * 2

    cli.ok("next", "zoë", "2026-11-26 09:00", "--goal", "démo v2")
    second = push(cli, url, "--todo", "--alarm", "--days-ahead", "2000", today="2026-11-23")
    # Zoë was edited, Bob (overdue) moved to the new today: their event and task; nothing else
    assert (second["created"], second["updated"], second["deleted"], second["unchanged"]) == (0, 4, 0, 5)
    after = stored(url)
    assert set(after) == set(before)
    changed = {uid for uid in after if after[uid][0] != before[uid][0]}
    assert {uid.split(".")[0] for uid in changed} == {"followup-2", "todo-followup-2", "followup-3",
                                                      "todo-followup-3"}  # fmt: skip
    for uid in changed:
        check_ics(after[uid][0], resource=True)
        assert after[uid][1]["sequence"] > before[uid][1]["sequence"]
        assert after[uid][1]["dtstamp"].dt > before[uid][1]["dtstamp"].dt
    bob = next(c for uid, (_, c) in after.items() if uid.startswith("followup-2."))
    assert (
        bob["dtstart"].dt == date(2026, 11, 23) and str(bob["summary"]) == "OVERDUE 4d: Call Bob Late — chase invoice"
    )
    zoe = next(c for uid, (_, c) in after.items() if uid.startswith("followup-3."))
    assert zoe["dtstart"].dt == datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert str(zoe["summary"]) == "Call Zoë Timed — démo v2"
    # the server's own view agrees: a time-range query finds the 2031 event at 13:30 UTC (15:30 in Paris)
    with caldav.DAVClient(url=url, username="ada", password="x") as client:
        cal = client.calendar(url=url)
        found = cal.search(event=True, start=datetime(2031, 7, 10, 13, 20, tzinfo=UTC),
                           end=datetime(2031, 7, 10, 13, 40, tzinfo=UTC))  # fmt: skip
        assert [str(e.icalendar_component["summary"]) for e in found] == ["Call Sum Mer"]
    # the same day again: nothing to do
    third = push(cli, url, "--todo", "--alarm", "--days-ahead", "2000", today="2026-11-23")
    assert (third["created"], third["updated"], third["deleted"], third["unchanged"]) == (0, 0, 0, 9)


def test_push_output_keeps_an_at_sign_in_the_path(cli, radicale, monkeypatch):
    """Nextcloud puts the user's e-mail address in calendar paths; only the password may be masked."""
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-27")
    url = f"{radicale}/ada@example.org/minicrm/"
    res = cli.ok("ical", "push", url, "--user", "ada@example.org")
    assert res.stderr.strip() == f"{url}: 1 created, 0 updated, 0 deleted, 0 unchanged"
    host = radicale.removeprefix("http://")
    with_password = f"http://ada:s3cret-pw@{host}/ada/team@example.org/"
    res = cli.ok("ical", "push", with_password, "-f", "json")
    assert res.json()["url"] == f"http://ada:***@{host}/ada/team@example.org/"
    assert "s3cret" not in res.stdout + res.stderr
    assert len(read_back(f"{radicale}/ada/team@example.org/")[1]) == 1


def test_radicale_keeps_the_whole_calendar_name_and_description(cli, radicale, tmp_path):
    """A whole feed uploaded to Radicale (PUT on a new collection) becomes a calendar named after it."""
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-27")
    feed = tmp_path / "feed.ics"
    cli.ok("ical", "export", "-o", str(feed), "--name", "Sales, Paris; team")
    url = f"{radicale}/ada/uploaded/"
    request = urllib.request.Request(url, data=feed.read_bytes(), method="PUT",
                                     headers={"Content-Type": "text/calendar", **AUTH})  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 201
    with caldav.DAVClient(url=url, username="ada", password="x") as client:
        props = client.calendar(url=url).get_properties([dav.DisplayName(), cdav.CalendarDescription()])
    assert props["{DAV:}displayname"] == "Sales, Paris; team"
    assert props["{urn:ietf:params:xml:ns:caldav}calendar-description"] == (
        "Follow-ups, tasks, deal steps and birthdays from minicrm"
    )
