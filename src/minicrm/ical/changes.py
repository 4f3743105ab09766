"""What changed in a database since `ical serve` last rendered its feed.

`marker()` is cheap (a few index look-ups): the newest id of the audit log and of the tables whose rows the
feed shows, and the small tables that change many items at once (pipeline stages, interaction kinds, cadence
rules, the database id). Every write minicrm makes is audited; rows another program inserts are seen by their
ids, but a row another program changes in place is not: it shows in the served feed on the next day, or when
minicrm itself next writes to the same item, or after a restart. `changed_since()` turns the audit rows and the
new rows since an older marker into the contacts, tasks and deals whose items may read differently now, or
None when only a whole new feed is safe (a company deleted, an import, interaction kinds, cadence rules, many
changes, a database that went back in time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minicrm.store.core.db import Session

# The tables whose newest id is part of the marker, in this order.
TABLES = ("audit_log", "contact", "company", "task", "deal", "interaction", "contact_date", "contact_email",
          "contact_phone")  # fmt: skip
# Audit entities that no item of the feed shows.
UNSHOWN = frozenset({"campaign", "request", "segment", "user"})
MAX_CHANGES = 2000  # more changed records than this: render the feed anew (it is faster than item by item)
_CHUNK = 500


@dataclass(frozen=True)
class Marker:
    ids: tuple[int, ...]  # newest id of each of TABLES (0 when empty)
    small: tuple[Any, ...]  # the rows of the small tables, and the database id

    @property
    def audit(self) -> int:
        return self.ids[0]


def marker(session: Session) -> Marker:
    row = session.one("SELECT " + ", ".join(f"(SELECT max(id) FROM {table})" for table in TABLES))
    assert row is not None  # a SELECT without FROM always returns one row
    small = tuple(
        tuple(tuple(r) for r in session.all(sql))
        for sql in (
            "SELECT id, name, outcome, position FROM pipeline_stage ORDER BY id",
            "SELECT name, internal FROM interaction_kind ORDER BY name",
            "SELECT scope, days FROM cadence_rule ORDER BY scope",
            "SELECT value FROM meta WHERE key = 'database_id'",
        )
    )
    return Marker(tuple(value or 0 for value in row), small)


@dataclass
class Changed:
    """Whose items may have changed: contacts (their follow-up, birthday, dates and the tasks and deal steps
    that show them), and tasks and deals by id."""

    contacts: set[int]
    tasks: set[int]
    deals: set[int]

    def __len__(self) -> int:
        return len(self.contacts) + len(self.tasks) + len(self.deals)


def _column(session: Session, sql: str, params: list[Any]) -> set[int]:
    return {r[0] for r in session.all(sql, params) if r[0] is not None}


def _in(session: Session, sql: str, ids: set[int]) -> set[int]:
    """`sql` (one `{ids}` placeholder for `IN (...)`) run over `ids` in chunks; the first column of the rows."""
    ordered, out = sorted(ids), set()
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        out |= _column(session, sql.format(ids=", ".join("?" * len(chunk))), chunk)
    return out


def changed_since(session: Session, old: Marker, new: Marker) -> Changed | None:
    """The records whose items may have changed between `old` and `new` (None: render everything anew)."""
    if old.small != new.small or any(n < o for o, n in zip(old.ids, new.ids, strict=True)):
        return None
    if new.audit - old.audit > MAX_CHANGES:
        return None
    found = Changed(set(), set(), set())
    companies: set[int] = set()
    interactions: set[int] = set()
    for r in session.all("SELECT entity, entity_id, action FROM audit_log WHERE id > ? AND id <= ? ORDER BY id",
                         (old.audit, new.audit)):  # fmt: skip
        entity, ident, action = r[0], r[1], r[2]
        if entity == "contact":
            found.contacts.add(ident)
        elif entity == "task":
            found.tasks.add(ident)
        elif entity == "deal":
            found.deals.add(ident)
        elif entity == "company" and action != "delete":  # a deleted company's contacts no longer name it
            companies.add(ident)
        elif entity == "interaction":
            interactions.add(ident)
        elif entity not in UNSHOWN:
            return None
    # rows inserted without an audit row (another program): by their ids
    span = dict(zip(TABLES, zip(old.ids, new.ids, strict=True), strict=True))
    for table, column, into in (("contact", "id", found.contacts), ("task", "id", found.tasks),
                                ("deal", "id", found.deals), ("interaction", "contact_id", found.contacts),
                                ("contact_date", "contact_id", found.contacts),
                                ("contact_email", "contact_id", found.contacts),
                                ("contact_phone", "contact_id", found.contacts)):  # fmt: skip
        first, last = span[table]
        if last > first:
            if last - first > MAX_CHANGES:
                return None
            into |= _column(session, f"SELECT {column} FROM {table} WHERE id > ? AND id <= ?", [first, last])
    if interactions:
        found.contacts |= _in(session, "SELECT contact_id FROM interaction WHERE id IN ({ids})", interactions)
    if companies:
        found.contacts |= _in(session, "SELECT id FROM contact WHERE company_id IN ({ids})", companies)
    if len(found) > MAX_CHANGES:
        return None
    # the tasks and deal steps that show a changed contact or deal
    if found.contacts:
        found.tasks |= _in(session, "SELECT id FROM task WHERE contact_id IN ({ids})", found.contacts)
        found.deals |= _in(session, "SELECT id FROM deal WHERE contact_id IN ({ids})", found.contacts)
    if found.deals:
        found.tasks |= _in(session, "SELECT id FROM task WHERE deal_id IN ({ids})", found.deals)
    return found if len(found) <= MAX_CHANGES else None
