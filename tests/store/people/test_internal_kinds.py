"""Internal interaction kinds (`note`): kept in the timeline, never contact with the client (#16).

An internal interaction does not move `contact.last_interaction_at`, the cadence-derived next-contact day or
the forgotten list; migration 0006 recomputes what notes logged before it had moved.
"""

from __future__ import annotations

from datetime import date, datetime

from conftest import Cli, rows
from minicrm.store.core import migrate
from minicrm.store.core.db import Database

CREATED = datetime(2026, 6, 1, 9, 0)


def _at_0005(target: str) -> Database:
    """A database migrated to revision 0005 (before internal kinds)."""
    db = Database(target)
    migrate.upgrade(db, "0005")
    return db


def _contact(s, name: str, *, last: datetime | None, next_on: date | None, auto: bool, cadence: int | None) -> int:
    """A contact row as minicrm at 0005 wrote it (the columns of that revision only)."""
    return s.insert(
        "INSERT INTO contact (name, name_key, status, next_contact_on, next_contact_auto, cadence_days,"
        " last_interaction_at, archived, created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (name, name.lower(), "client", next_on, auto, cadence, last, False, CREATED, CREATED, 1),
    )


def _interaction(s, contact_id: int, kind: str, at: datetime) -> None:
    s.insert(
        "INSERT INTO interaction (contact_id, kind, happened_at, summary, created_at) VALUES (?, ?, ?, ?, ?)",
        (contact_id, kind, at, f"{kind} on {at:%Y-%m-%d}", at),
    )


def test_upgrade_0006_recomputes_the_last_contact_without_notes(new_target):
    """At 0005 a note moved the last contact and the cadence date like a call; 0006 takes them back."""
    target = new_target("old", empty=True)
    db = _at_0005(target)
    call, note = datetime(2026, 10, 1, 10, 0), datetime(2026, 11, 10, 16, 0)
    with db.connect(create=False) as s, s.write():
        # note after a call, cadence 30 days: the note had moved the date to note + 30
        noted = _contact(s, "Noted", last=note, next_on=date(2026, 12, 10), auto=True, cadence=30)
        _interaction(s, noted, "call", call)
        _interaction(s, noted, "note", note)
        # only notes, no cadence: never contacted in fact
        only = _contact(s, "Only notes", last=note, next_on=None, auto=False, cadence=None)
        _interaction(s, only, "note", note)
        # a date set by hand stays where it is
        by_hand = _contact(s, "By hand", last=note, next_on=date(2026, 12, 24), auto=False, cadence=30)
        _interaction(s, by_hand, "call", call)
        _interaction(s, by_hand, "note", note)
        # the call came after the note: nothing to change
        called = _contact(s, "Called", last=note, next_on=date(2026, 12, 10), auto=True, cadence=30)
        _interaction(s, called, "note", call)
        _interaction(s, called, "call", note)
        silent = _contact(s, "Silent", last=None, next_on=None, auto=False, cadence=None)
    kinds = [r[0] for r in rows(target, "SELECT name FROM interaction_kind ORDER BY name")]
    counts = {t: rows(target, f'SELECT count(*) FROM "{t}"')[0][0] for t in ("contact", "interaction")}

    cli = Cli(target)
    assert cli.ok("contact", "show", str(noted), "-f", "json").json()["last_interaction_at"] == "2026-10-01T10:00:00"

    assert rows(target, "SELECT version_num FROM alembic_version") == [(migrate.SCHEMA_HEAD,)]
    got = {
        r[0]: r[1:]
        for r in rows(target, "SELECT id, last_interaction_at, next_contact_on, next_contact_auto FROM contact")
    }
    assert got[noted] == (call, date(2026, 10, 31), True)
    assert got[only] == (None, None, False)
    assert got[by_hand] == (call, date(2026, 12, 24), False)
    assert got[called] == (note, date(2026, 12, 10), True)
    assert got[silent] == (None, None, False)
    assert rows(target, "SELECT name FROM interaction_kind WHERE internal = ?", (True,)) == [("note",)]
    assert [r[0] for r in rows(target, "SELECT name FROM interaction_kind ORDER BY name")] == kinds
    assert {t: rows(target, f'SELECT count(*) FROM "{t}"')[0][0] for t in counts} == counts
    forgotten = {r["name"] for r in cli.ok("forgotten", "--days", "30", "-f", "json").json()}
    assert {"Noted", "Only notes"} <= forgotten  # silent since the call, or since creation (2026-06-01)


NOW = datetime(2026, 11, 22, 12, 0)


def test_logging_a_note_leaves_the_contact_row_alone(session):
    from minicrm.store.people.contacts import create_contact
    from minicrm.store.people.interactions import log_interaction, timeline

    ada = create_contact(session, name="Ada", now=CREATED, cadence_days=30).id
    log_interaction(session, contact_id=ada, kind="call", summary="Called", happened_at=datetime(2026, 10, 1), now=NOW)
    before = session.one("SELECT * FROM contact WHERE id = ?", (ada,))
    logged = log_interaction(session, contact_id=ada, kind="Note", summary="Thinking", happened_at=NOW, now=NOW)
    assert (logged.next_contact_on, logged.next_changed) == (date(2026, 10, 31), False)
    assert dict(session.one("SELECT * FROM contact WHERE id = ?", (ada,))) == dict(before)  # revision too
    assert [(i.kind, i.summary) for i in timeline(session, contact_id=ada)] == [
        ("note", "Thinking"),
        ("call", "Called"),
    ]


def test_set_kind_internal_recomputes_and_is_audited(session):
    from minicrm.store.people.contacts import create_contact
    from minicrm.store.people.interactions import add_kind, list_kinds, log_interaction, set_kind_internal

    assert add_kind(session, " Webinar ", now=NOW) == "webinar"
    assert [k.to_json() for k in list_kinds(session) if k.name in ("note", "webinar")] == [
        {"name": "note", "internal": True},
        {"name": "webinar", "internal": False},
    ]
    ada = create_contact(session, name="Ada", now=CREATED, cadence_days=30).id
    bob = create_contact(session, name="Bob", now=CREATED).id
    log_interaction(session, contact_id=ada, kind="call", summary="Call", happened_at=datetime(2026, 10, 1), now=NOW)
    log_interaction(session, contact_id=ada, kind="webinar", summary="W", happened_at=datetime(2026, 11, 1), now=NOW)
    log_interaction(session, contact_id=bob, kind="webinar", summary="W", happened_at=datetime(2026, 11, 1), now=NOW)
    assert set_kind_internal(session, "webinar", True, now=NOW).recomputed == 2
    got = session.all("SELECT name, last_interaction_at, next_contact_on, next_contact_auto FROM contact ORDER BY id")
    assert [tuple(r) for r in got] == [
        ("Ada", datetime(2026, 10, 1), date(2026, 10, 31), True),
        ("Bob", None, None, False),
    ]
    changes = session.scalar(
        "SELECT changes FROM audit_log WHERE entity = 'interaction_kind' AND action = 'update' ORDER BY id DESC"
    )
    assert '"internal": [false, true]' in changes and "webinar" in changes
    assert set_kind_internal(session, "webinar", True, now=NOW).recomputed == 0  # already internal
    assert add_kind(session, "webinar", False, now=NOW) == "webinar"  # an existing kind, flag given: changed
    assert session.scalar("SELECT last_interaction_at FROM contact WHERE name = 'Bob'") == datetime(2026, 11, 1)


def test_import_json_of_an_older_export_counts_notes_as_internal(cli, new_target, tmp_path):
    """An `export json` made before 0006 has no `internal` column and last contacts moved by notes."""
    import json

    cli.ok("contact", "add", "Ada", "--every", "30d", today="2026-06-01")
    cli.ok("log", "Ada", "call", "Called", "--at", "2026-10-01 10:00")
    cli.ok("log", "Ada", "note", "Thinking", "--at", "2026-11-10 16:00")
    doc = json.loads(cli.ok("export", "json").stdout)
    doc["schema"] = "0005"
    for kind in doc["tables"]["interaction_kind"]:
        del kind["internal"]
    (contact,) = doc["tables"]["contact"]
    contact.update(last_interaction_at="2026-11-10T16:00:00", next_contact_on="2026-12-10")  # as 0005 stored them
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    other = Cli(new_target())
    other.ok("import", "json", str(path))
    card = other.ok("contact", "show", "Ada", "-f", "json").json()
    assert (card["last_interaction_at"], card["next_contact_on"]) == ("2026-10-01T10:00:00", "2026-10-31")
    assert {"name": "note", "internal": True} in other.ok("kind", "list", "-f", "json").json()
    assert len(other.ok("timeline", "Ada", "-f", "json").json()) == 2
