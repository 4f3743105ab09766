"""`minicrm ical push` against a real Radicale server on 127.0.0.1 (temporary storage, no auth), read back
with the caldav client. Radicale and caldav are test dependencies: a missing one or a server that does not
start fails these tests, it never skips them.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import caldav
import pytest

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


def push(cli, url, *args):
    return cli.ok(
        "ical", "push", url, "--user", "ada", "--password-env", "CALDAV_PW", "--tz", "Europe/Paris", "-f", "json", *args
    ).json()


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
        assert event.icalendar_component["sequence"] == 1  # minicrm's revision, not bumped by the client
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
