"""The events of an import (#22): `contact.created` / `contact.updated` for each contact it wrote, `company.created`
for each company it made for them, then `import.finished`.

The records are read (in chunks) only when a hook or webhook listens to their event: an import nobody listens to
pays one `stat` per event. `import csv|vcard --no-hooks` switches them all off. Company cards (vCard) go through
the company services, which fire their own events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from minicrm.store.core import events
from minicrm.store.core.db import Session
from minicrm.store.core.records import Contact, iso
from minicrm.store.exchange.importing.planning import Op, chunked
from minicrm.store.exchange.importing.records import ImportResult


def _contacts(session: Session, ids: Sequence[int]) -> Iterable[Contact]:
    from minicrm.store.people.contacts import CONTACT_SELECT, hydrate

    for chunk in chunked(ids):
        marks = ", ".join("?" * len(chunk))
        yield from hydrate(session, session.all(f"{CONTACT_SELECT} WHERE c.id IN ({marks}) ORDER BY c.id", list(chunk)))


def _before(op: Op, after: dict[str, Any]) -> dict[str, Any]:
    """The contact's JSON before the import changed it: the old column values, without what it added."""
    before = {**after, **{k: iso(op.old.get(k)) for k in op.sets if k in after}}
    added = {"emails": {e for e, _ in op.add_emails}, "phones": {p for p, _ in op.add_phones}, "tags": set(op.add_tags)}
    for key, values in added.items():
        if values:
            before[key] = [v for v in after[key] if v not in values]
    if op.set_fields:
        before["fields"] = {k: v for k, v in after["fields"].items() if k not in op.set_fields}
    return before


@dataclass
class Listening:
    updated: bool


def listening(session: Session) -> Listening:
    """Which of the import's events something listens to that needs the plan of every row (the updates)."""
    return Listening(updated=events.listens(session, "contact.updated"))


def announce(
    session: Session, result: ImportResult, created: Sequence[int], updates: Sequence[Op], *, source: str
) -> None:
    """Emit the import's events inside its transaction (store.core.events), after its last batch.

    `created`: the ids of the contacts it made; `updates`: the plan of each update (kept only when something
    listens to `contact.updated`, see `listening`).
    """
    if result.companies_created and events.listens(session, "company.created"):
        from minicrm.store.people.companies import get_company
        from minicrm.store.people.refs import find_company_by_name

        for name in result.companies_created:
            company_id = find_company_by_name(session, name)
            if company_id is not None:
                events.emit(session, "company.created", get_company(session, company_id).to_json())
    if created and events.listens(session, "contact.created"):
        for contact in _contacts(session, created):
            events.emit(session, "contact.created", contact.to_json())
    updated = {op.item.contact_id: op for op in updates if op.item.contact_id is not None}
    if updated and events.listens(session, "contact.updated"):
        for contact in _contacts(session, list(updated)):
            after = contact.to_json()
            events.emit(session, "contact.updated", after, before=_before(updated[contact.id], after))
    events.emit(session, "import.finished", lambda: {"source": source, **result.to_json(with_items=False)})
