"""Everything at once on one SQLite file: the TUI, a cron `remind` loop, `ical serve` under requests and two shells
logging interactions. No "database is locked", no lost or duplicated write. Bounded: a few seconds."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import rows, run_minicrm

# slow (`pytest -m slow`, run by CI): a TUI, a cron loop, a feed server and two shells on one file for ~20 s
pytestmark = pytest.mark.slow

SHELL_LOGS = 12


def _shell(db, tag: str, failures: list[str]) -> None:
    for i in range(SHELL_LOGS):
        res = run_minicrm("--db", str(db), "log", "1", "call", f"{tag} {i}")
        if res.returncode != 0:
            failures.append(f"{tag} {i}: {res.stderr.strip()}")


def _remind(db, stop: threading.Event, failures: list[str]) -> None:
    while not stop.is_set():
        res = run_minicrm("--db", str(db), "remind", "--within", "7d")
        if res.returncode != 0:
            failures.append(f"remind: {res.stderr.strip()}")


def _requests(base: str, stop: threading.Event, failures: list[str], served: list[int]) -> None:
    while not stop.is_set():
        try:
            with urllib.request.urlopen(f"{base}/minicrm.ics", timeout=10) as resp:
                body = resp.read()
                if resp.status != 200 or b"BEGIN:VCALENDAR" not in body:
                    failures.append(f"feed: {resp.status}")
                served.append(resp.status)
        except OSError as exc:
            failures.append(f"feed: {exc}")
        time.sleep(0.05)


async def test_tui_cron_feed_and_two_shells_on_one_file(db_target):
    from tests.tui.conftest import make_app, settle

    db = db_target
    assert run_minicrm("--db", str(db), "contact", "add", "Ada Lovelace", "--next", "+1d").returncode == 0
    serve = subprocess.Popen([sys.executable, "-m", "minicrm", "--db", str(db), "ical", "serve", "--port", "0",
                              "--quiet"], stderr=subprocess.PIPE, text=True)  # fmt: skip
    failures: list[str] = []
    served: list[int] = []
    stop = threading.Event()
    try:
        port = re.search(r":(\d+)/minicrm\.ics", serve.stderr.readline()).group(1)
        workers = [
            threading.Thread(target=_shell, args=(db, "shell-a", failures)),
            threading.Thread(target=_shell, args=(db, "shell-b", failures)),
        ]
        background = [
            threading.Thread(target=_remind, args=(db, stop, failures)),
            threading.Thread(target=_requests, args=(f"http://127.0.0.1:{port}", stop, failures, served)),
        ]
        for t in workers + background:
            t.start()
        app = make_app(db)
        tui_logs = 0
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            while any(t.is_alive() for t in workers):
                await pilot.press("2")  # contacts screen, reloads on show
                await settle(pilot)
                await pilot.press("1", "r")
                await settle(pilot)
            # the TUI writes too: log through the modal from the contact detail
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            await pilot.press(*"from the tui")
            await pilot.press("ctrl+s")
            await settle(pilot)
            tui_logs = 1
        for t in workers:
            t.join()
    finally:
        stop.set()
        for t in background if "background" in locals() else []:
            t.join(30)
        serve.terminate()
        serve.wait(10)
    assert not failures, failures
    assert served, "the feed was never served"
    summaries = [r[0] for r in rows(db, "SELECT summary FROM interaction")]
    expected = {f"{tag} {i}" for tag in ("shell-a", "shell-b") for i in range(SHELL_LOGS)}
    assert expected <= set(summaries) and "from the tui" in summaries
    assert len(summaries) == len(set(summaries)) == len(expected) + tui_logs  # nothing lost, nothing twice
