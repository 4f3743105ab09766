"""Random databases rendered both ways, and the feed `ical serve` keeps up to date (minicrm.ical.live).

- `ical export`'s streamed feed (`feed.build_feed`) and icalendar's rendering of the same entries
  (`ical_reference`) read back alike, component by component, and are the same bytes for plain text;
- after any sequence of changes made through the store (and some made behind its back, in plain SQL), the body
  `LiveFeed` answers with is byte for byte a fresh export, and only the items that changed were rendered again.
Today is Sunday 2026-11-22.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical_reference import compare, plain
from ical_reference import render as reference_render
from ical_rules import check_ics

from minicrm.errors import MinicrmError
from minicrm.ical.entries import feed_entries
from minicrm.ical.feed import FeedOptions, build_feed
from minicrm.ical.live import HeldSession, LiveFeed
from minicrm.store.core.db import Database, Session
from minicrm.store.core.migrate import ensure_schema
from minicrm.store.people.companies import update_company
from minicrm.store.people.contacts import create_contact, delete_contact, update_contact
from minicrm.store.people.interactions import log_interaction
from minicrm.store.sales.deals import create_deal, delete_deal, move_deal
from minicrm.store.sales.tasks import complete_task, create_task, delete_task

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 20, 9, 30)
WORDS = st.text(st.sampled_from("abcé Ωz;,\\N'\"") | st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")),
                min_size=1, max_size=30).filter(lambda s: s.strip())  # fmt: skip
LINES = st.lists(WORDS, max_size=3).map("\n".join)
OFFSET = st.integers(-420, 120)
CLOCK = st.none() | st.sampled_from(["00:00", "02:30", "09:15", "23:45"])
PERSON = st.fixed_dictionaries(
    {
        "name": WORDS,
        "company": st.none() | st.sampled_from(["Acme, Inc.", "Zoë; Ltd", "Ω"]),
        "email": st.booleans(),
        "phone": st.booleans(),
        "birthday": st.none() | st.sampled_from(["--02-29", "--12-31", "2004-02-29", "1990-11-22", "--01-01"]),
        "next": st.none() | st.tuples(OFFSET, CLOCK, st.none() | WORDS),
        "cadence": st.none() | st.just(30),
        "talks": st.lists(
            st.tuples(st.sampled_from(["call", "note", "email"]), WORDS, st.integers(1, 900)), max_size=3
        ),
        "task": st.none() | st.tuples(WORDS, OFFSET, CLOCK, st.none() | LINES),
        "deal": st.none() | st.tuples(WORDS, st.sampled_from(["lead", "proposal", "won"]), OFFSET),
        "date": st.none() | st.tuples(WORDS, st.sampled_from(["--05-01", "2026-12-01", "2020-02-29"])),
    }
)
OPTIONS = st.builds(FeedOptions, alarm=st.booleans(), todo=st.booleans(),
                    tz=st.sampled_from(["Europe/Paris", "UTC", "America/New_York"]))  # fmt: skip
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def fill(session: Session, people: list[dict]) -> None:
    for i, p in enumerate(people):
        values = {}
        if p["next"]:
            offset, clock, goal = p["next"]
            values = {"next_contact_on": TODAY + timedelta(days=offset), "next_contact_time": clock,
                      "next_contact_goal": goal}  # fmt: skip
        saved = create_contact(session, name=p["name"], now=NOW, company=p["company"], birthday=p["birthday"],
                               emails=[f"p{i}@example.org"] if p["email"] else [],
                               phones=[f"+33 1 40 00 00 {i:02d}"] if p["phone"] else [],
                               cadence_days=p["cadence"], **values)  # fmt: skip
        for kind, summary, ago in p["talks"]:
            log_interaction(session, contact_id=saved.id, kind=kind, summary=summary, now=NOW,
                            happened_at=NOW - timedelta(hours=ago))  # fmt: skip
        deal_id = None
        if p["deal"]:
            title, stage, offset = p["deal"]
            deal_id = create_deal(session, title=title, now=NOW, contact_id=saved.id, amount=Decimal("1200.50"),
                                  stage=stage, next_step="call, then; write",
                                  next_step_on=TODAY + timedelta(days=offset))  # fmt: skip
        if p["task"]:
            title, offset, clock, notes = p["task"]
            create_task(session, title=title, now=NOW, due_on=TODAY + timedelta(days=offset), due_time=clock,
                        contact_id=saved.id if i % 3 else None, deal_id=deal_id, notes=notes)  # fmt: skip
        if p["date"]:
            label, value = p["date"]
            with session.write():  # contact dates have no service function: as an import would
                session.execute(
                    "INSERT INTO contact_date (contact_id, label, value, md, yearly) VALUES (?, ?, ?, ?, ?)",
                    (saved.id, label, value, value[-5:], value.startswith("--")),
                )


def export(session: Session, options: FeedOptions, today: date = TODAY) -> bytes:
    out = io.BytesIO()
    build_feed(session, out, today=today, options=options, days_ahead=200)
    return out.getvalue()


@SETTINGS
@given(people=st.lists(PERSON, max_size=8), options=OPTIONS)
def test_random_databases_render_as_icalendar_did(new_target, people, options):
    db = Database(new_target())
    with db.connect() as session:
        ensure_schema(db, session)
        fill(session, people)
        fast = export(session, options)
        entries = feed_entries(session, today=TODAY, days_ahead=200)
        reference = reference_render(entries, session.scalar("SELECT value FROM meta WHERE key = 'database_id'"),
                                     options)  # fmt: skip
    check_ics(fast)
    compare(fast, reference)
    if all(plain(e.summary) and plain(e.description) for e in entries):
        assert fast == reference


def live_body(live: LiveFeed, db: Database, today: date = TODAY) -> bytes:
    with db.connect(create=False) as session:  # a connection per request, as `ical serve` does
        return live.body(session, today).data


def test_serve_renders_only_what_changed(new_target):
    db = Database(new_target())
    options = FeedOptions(tz="Europe/Paris", todo=True)
    with db.connect() as session:
        ensure_schema(db, session)
        fill(session, [{"name": f"Person {i}", "company": "Acme" if i % 2 else None, "email": True, "phone": False,
                        "birthday": "--12-31", "next": (i - 3, "09:15" if i % 4 else None, None), "cadence": None,
                        "talks": [("call", "hello", 5)], "task": (f"Task {i}", i - 5, None, None),
                        "deal": ("Big", "proposal", i), "date": None} for i in range(10)])  # fmt: skip
        live = LiveFeed(options, days_ahead=200)
        first = live.body(session, TODAY)
        items = first.events  # rendered: one per item (its VEVENT and VTODO)
        assert first.data == export(session, options) and live.rendered == items
        # nothing changed: the same body, nothing read or rendered
        assert live.body(session, TODAY) is first and live.rendered == items
        # one contact renamed: its follow-up, birthday, task and deal step, nothing else
        update_contact(session, 4, now=NOW, name="Renamed; Person")
        body = live.body(session, TODAY)
        assert body.data == export(session, options) and body.etag != first.etag
        assert live.rendered == items + 4
        # a new day: only what moves (the overdue items) is rendered again
        before = {e.uid_key: e for e in feed_entries(session, today=TODAY, days_ahead=200)}
        after = {e.uid_key: e for e in feed_entries(session, today=TODAY + timedelta(days=1), days_ahead=200)}
        moved = sum(1 for k, e in after.items() if before.get(k) != e)
        assert 0 < moved < len(after)
        rendered = live.rendered
        assert live.body(session, TODAY + timedelta(days=1)).data == export(session, options, TODAY + timedelta(days=1))
        assert live.rendered == rendered + moved


CHANGE = st.sampled_from(
    ["rename", "company", "log call", "log note", "next", "task", "complete task", "delete task", "deal",
     "move deal", "delete deal", "delete contact", "new contact", "sql task", "sql date", "stage", "day"]
)  # fmt: skip


def change(session: Session, what: str, n: int, today: date) -> date:
    """Make one change to the database (some in plain SQL, as another program would); returns today."""
    try:
        return _change(session, what, n, today)
    except MinicrmError:  # refused (a deal already won is not moved to won): nothing changed
        return today


def _change(session: Session, what: str, n: int, today: date) -> date:
    contact = n % 6 + 1
    exists = session.scalar("SELECT count(*) FROM contact WHERE id = ?", (contact,))
    if what == "day":
        return today + timedelta(days=1)
    if what == "new contact":
        create_contact(session, name=f"New {n}", now=NOW, next_contact_on=today, birthday="--03-01")
    elif what == "sql task":
        with session.write():
            session.execute("INSERT INTO task (title, due_on, contact_id, done, created_at, updated_at, revision)"
                            " VALUES ('Behind, its back', ?, ?, ?, ?, ?, 1)",
                            (today, contact if exists else None, False, NOW, NOW))  # fmt: skip
    elif what == "sql date" and exists:
        with session.write():
            session.execute("INSERT INTO contact_date (contact_id, label, value, md, yearly)"
                            " VALUES (?, 'Renewal', '--06-01', '06-01', ?)", (contact, True))  # fmt: skip
    elif what == "stage":
        with session.write():
            session.execute("UPDATE pipeline_stage SET name = name || '!' WHERE name LIKE 'proposal%'")
    elif what == "company":
        company = session.scalar("SELECT min(id) FROM company")
        if company:
            update_company(session, company, now=NOW, name=f"Company {n}")
    elif what in ("task", "deal") and exists:
        if what == "task":
            create_task(
                session, title=f"Task {n}", now=NOW, due_on=today + timedelta(days=n % 5 - 2), contact_id=contact
            )
        else:
            create_deal(session, title=f"Deal {n}", now=NOW, contact_id=contact, stage="lead", next_step="go",
                        next_step_on=today + timedelta(days=n % 7 - 3))  # fmt: skip
    elif what in ("complete task", "delete task"):
        task = session.scalar("SELECT min(id) FROM task WHERE done = ?", (False,))
        if task:
            (complete_task(session, task, on=today, now=NOW) if what == "complete task"
             else delete_task(session, task, now=NOW))  # fmt: skip
    elif what in ("move deal", "delete deal"):
        deal = session.scalar("SELECT max(id) FROM deal")
        if deal:
            move_deal(session, deal, "won", now=NOW) if what == "move deal" else delete_deal(session, deal, now=NOW)
    elif exists:
        if what == "rename":
            update_contact(session, contact, now=NOW, name=f"Name, {n}; \\N")
        elif what == "next":
            update_contact(session, contact, now=NOW, next_contact_on=today + timedelta(days=n % 9 - 4),
                           next_contact_time="10:30" if n % 2 else None)  # fmt: skip
        elif what == "delete contact":
            delete_contact(session, contact, now=NOW)
        else:
            log_interaction(session, contact_id=contact, kind=what.split()[1], summary=f"Talk {n}", now=NOW,
                            happened_at=NOW + timedelta(minutes=n))  # fmt: skip
    return today


@SETTINGS
@given(people=st.lists(PERSON, min_size=1, max_size=6), options=OPTIONS,
       changes=st.lists(st.tuples(CHANGE, st.integers(0, 50)), min_size=1, max_size=8))  # fmt: skip
def test_served_feed_is_always_a_fresh_export(new_target, people, options, changes):
    db = Database(new_target())
    with db.connect() as session:
        ensure_schema(db, session)
        fill(session, people)
        live = LiveFeed(options, days_ahead=200)
        today = TODAY
        assert live_body(live, db, today) == export(session, options, today)
        for what, n in changes:
            today = change(session, what, n, today)
            assert live_body(live, db, today) == export(session, options, today), what


def test_served_from_one_connection_opened_again_after_an_error(new_target):
    """`ical serve` keeps one connection (opening one costs more than answering on PostgreSQL); when it breaks,
    that request fails and the next one opens a new connection."""
    db = Database(new_target())
    with db.connect() as session:
        ensure_schema(db, session)
        fill(session, [{"name": "Ada", "company": None, "email": True, "phone": True, "birthday": "--12-10",
                        "next": (2, "10:00", "call"), "cadence": None, "talks": [], "task": None, "deal": None,
                        "date": None}])  # fmt: skip
        options = FeedOptions(tz="Europe/Paris")
        live, held = LiveFeed(options, days_ahead=200), HeldSession(db)
        first = held.body(live, TODAY)
        kept = held._session
        assert held.body(live, TODAY) is first and held._session is kept
        assert kept is not None
        kept.close()  # as when the server restarts
        with pytest.raises(Exception):  # noqa: B017 (the driver's own error for a closed connection)
            held.body(live, TODAY)
        update_contact(session, 1, now=NOW, name="Ada Renamed")
        again = held.body(live, TODAY)
        assert held._session is not kept and again.data == export(session, options)
