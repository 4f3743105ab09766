"""The `show` views: a contact's or a company's card with its deals and latest history."""

from __future__ import annotations

from datetime import date
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.people.companies import get_company
from minicrm.store.people.contact_dates import list_dates
from minicrm.store.people.contacts import get_contact, list_contacts
from minicrm.store.people.interactions import effective_cadence, timeline
from minicrm.values.money import minor_text


def open_deals(
    session: Session, *, contact_id: int | None = None, company_id: int | None = None
) -> list[dict[str, Any]]:
    column, value = ("d.contact_id", contact_id) if contact_id is not None else ("d.company_id", company_id)
    rows = session.all(
        "SELECT d.id, d.title, s.name AS stage, d.amount_minor, d.currency, d.expected_close, d.next_step,"
        " d.next_step_on, d.revision FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
        f" WHERE {column} = ? AND s.outcome = 'open' ORDER BY d.expected_close IS NULL, d.expected_close, d.id",
        (value,),
    )
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "stage": r["stage"],
            "amount": minor_text(r["amount_minor"]),
            "currency": r["currency"],
            "expected_close": iso(r["expected_close"]),
            "next_step": r["next_step"],
            "next_step_on": iso(r["next_step_on"]),
            "revision": r["revision"],
        }
        for r in rows
    ]


def contact_card(session: Session, contact_id: int, *, today: date, limit: int = 10) -> dict[str, Any]:
    contact = get_contact(session, contact_id)
    card = contact.to_json()
    overdue = (today - contact.next_contact_on).days if contact.next_contact_on else 0
    card["days_overdue"] = max(overdue, 0)
    card["effective_cadence_days"] = effective_cadence(session, contact_id)
    card["deals"] = open_deals(session, contact_id=contact_id)
    card["requests"] = _open_requests(session, contact_id=contact_id)
    card["interactions"] = [i.to_json() for i in timeline(session, contact_id=contact_id, limit=limit)]
    card["dates"] = [d.to_json() for d in list_dates(session, today=today, contact_id=contact_id)]
    return card


def _open_requests(session: Session, *, contact_id: int) -> list[dict[str, Any]]:
    from minicrm.store.service.requests import list_requests

    return [
        {
            "id": r.id,
            "subject": r.subject,
            "priority": r.priority,
            "status": r.status,
            "due_on": iso(r.due_on),
            "revision": r.revision,
        }
        for r in list_requests(session, contact_id=contact_id, limit=20)
    ]


def company_card(session: Session, company_id: int, *, limit: int = 10) -> dict[str, Any]:
    card = get_company(session, company_id).to_json()
    card["people"] = [
        {
            "id": c.id,
            "name": c.name,
            "role": c.role,
            "status": c.status,
            "emails": c.emails,
            "phones": c.phones,
            "last_interaction_at": iso(c.last_interaction_at),
            "next_contact_on": iso(c.next_contact_on),
            "revision": c.revision,
        }
        for c in list_contacts(session, company_id=company_id, archived=None)
    ]
    card["deals"] = open_deals(session, company_id=company_id)
    card["interactions"] = [i.to_json() for i in timeline(session, company_id=company_id, limit=limit)]
    return card
