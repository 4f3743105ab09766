"""Several writers at once: stale edits are refused, concurrent loggers lose nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import pytest

from backends import *  # noqa: F403
from backends import BackendCli
from conftest import ROOT
from minicrm.errors import Conflict
from minicrm.store.core.db import Database

NOW = datetime(2026, 11, 22, 12, 0)

WORKER = """
import sys
from datetime import datetime, timedelta
from minicrm.store.core.db import Database
from minicrm.store.people.interactions import log_interaction

target, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
session = Database(target).connect()
now = datetime(2026, 11, 22, 12, 0)
base = datetime(2026, 1, 1)
for i in range(count):
    log_interaction(
        session, contact_id=1, kind="call", summary=f"w{worker} #{i}",
        happened_at=base + timedelta(days=365 if i % 50 == 10 else 0, seconds=i * 4 + worker), now=now,
    )
session.close()
print("done", worker)
"""


def _ready(target: str) -> None:
    BackendCli(target).ok("contact", "add", "Ada Lovelace", "--every", "2w")


def test_stale_edit_is_refused(any_db):
    """Two sessions load revision 1; the first save wins, the second gets a clear conflict and changes nothing."""
    from minicrm.store.people.contacts import get_contact, update_contact

    _ready(any_db)
    first, second = Database(any_db).connect(), Database(any_db).connect()
    try:
        seen_first, seen_second = get_contact(first, 1).revision, get_contact(second, 1).revision
        assert seen_first == seen_second == 1
        update_contact(first, 1, now=NOW, role="CEO", expected_revision=seen_first)
        with pytest.raises(Conflict, match=r"contact 1 was changed by someone else \(revision 2, you edited 1\)"):
            update_contact(second, 1, now=NOW, role="CTO", expected_revision=seen_second)
        card = get_contact(second, 1)
        assert (card.role, card.revision) == ("CEO", 2)
        update_contact(second, 1, now=NOW, role="CTO", expected_revision=card.revision)
        assert get_contact(first, 1).role == "CTO"
    finally:
        first.close()
        second.close()


def test_stale_company_edit_is_refused(any_db):
    from minicrm.store.people.companies import get_company, update_company

    BackendCli(any_db).ok("company", "add", "Acme")
    first, second = Database(any_db).connect(), Database(any_db).connect()
    try:
        update_company(first, 1, now=NOW, city="Berlin", expected_revision=1)
        with pytest.raises(Conflict, match="changed by someone else"):
            update_company(second, 1, now=NOW, city="Paris", expected_revision=1)
        assert get_company(second, 1).city == "Berlin"
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("count", [500])
def test_four_processes_log_concurrently_without_losing_a_row(any_db, count, tmp_path):
    _ready(any_db)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, any_db, str(w), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(4)
    ]
    results = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and "busy" not in err, err
    session = Database(any_db).connect()
    try:
        summaries = {r["summary"] for r in session.all("SELECT summary FROM interaction")}
        assert summaries == {f"w{w} #{i}" for w in range(4) for i in range(count)}
        assert session.scalar("SELECT count(*) FROM interaction") == 4 * count
        assert session.scalar("SELECT count(*) FROM interaction_fts") == 4 * count
        # no lost update: every 50th interaction is a year newer, and a writer that read the contact before
        # such a commit would overwrite it with an older date; the newest one must be the last contact
        last = session.one("SELECT last_interaction_at, revision FROM contact WHERE id = 1")
        newest = session.scalar("SELECT max(happened_at) FROM interaction")
        assert str(last["last_interaction_at"]) == str(newest).replace("T", " ")
        assert session.scalar("SELECT count(*) FROM audit_log WHERE entity = 'interaction'") == 4 * count
    finally:
        session.close()


def test_writers_take_turns(any_db):
    """A write transaction waits for the one in progress (BEGIN IMMEDIATE / advisory lock), so a service's
    read-then-write never works from a stale read."""
    import threading
    import time

    _ready(any_db)
    first, second = Database(any_db).connect(), Database(any_db).connect()
    done = threading.Event()

    def other_writer():
        with second.write():
            second.execute("INSERT INTO cadence_rule (scope, days) VALUES ('tag:other', 7)")  # another table
        done.set()

    try:
        with first.write():
            first.execute("UPDATE contact SET role = ? WHERE id = 1", ("first",))
            thread = threading.Thread(target=other_writer)
            thread.start()
            time.sleep(0.5)
            assert not done.is_set(), "a second writer ran while the first transaction was open"
        thread.join(10)
        assert done.is_set()
        assert first.scalar("SELECT days FROM cadence_rule WHERE scope = 'tag:other'") == 7
    finally:
        first.close()
        second.close()
