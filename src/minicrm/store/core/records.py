"""Plain dataclasses returned by the service functions; `to_json()` is the stable JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from minicrm.errors import Conflict
from minicrm.i18n import _, pgettext


def iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def entity_name(entity: str) -> str:
    """The kind of a record (`contact`, `deal`...) as people read it; JSON, the audit log and refs keep English."""
    names = {"contact": pgettext("record", "contact"), "company": pgettext("record", "company"),
             "deal": pgettext("record", "deal"), "task": pgettext("record", "task"),
             "campaign": pgettext("record", "campaign"), "request": pgettext("record", "request"),
             "interaction": pgettext("record", "interaction"), "user": pgettext("record", "user")}  # fmt: skip
    return names.get(entity, entity)


def check_revision(entity: str, entity_id: int, current: int, expected: int | None) -> None:
    """Optimistic locking: refuse a change made from revision `expected` when the row is at `current` now.

    Called inside the write transaction, before anything is written, so a refusal changes nothing."""
    if expected is not None and current != expected:
        raise Conflict(
            _(
                "{entity} {id} was changed by someone else (revision {current}, you edited {expected}); reload and"
                " try again"
            ).format(entity=entity_name(entity), id=entity_id, current=current, expected=expected)
        )


@dataclass
class Contact:
    id: int
    name: str
    company_id: int | None = None
    company: str | None = None
    role: str | None = None
    status: str = "lead"
    source: str | None = None
    birthday: str | None = None
    address: str | None = None  # the street part; the rest of the postal address below
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    notes: str | None = None
    owner: str | None = None
    next_contact_on: date | None = None
    next_contact_time: str | None = None
    next_contact_goal: str | None = None
    next_contact_auto: bool = False
    cadence_days: int | None = None
    last_interaction_at: datetime | None = None
    archived: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "emails": self.emails,
            "phones": self.phones,
            "company": self.company,
            "company_id": self.company_id,
            "role": self.role,
            "status": self.status,
            "source": self.source,
            "tags": self.tags,
            "fields": self.fields,
            "owner": self.owner,
            "next_contact_on": iso(self.next_contact_on),
            "next_contact_time": self.next_contact_time,
            "next_contact_goal": self.next_contact_goal,
            "cadence_days": self.cadence_days,
            "last_interaction_at": iso(self.last_interaction_at),
            "birthday": self.birthday,
            "address": self.address,
            "city": self.city,
            "region": self.region,
            "postcode": self.postcode,
            "country": self.country,
            "notes": self.notes,
            "archived": self.archived,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "revision": self.revision,
        }


@dataclass
class Company:
    id: int
    name: str
    industry: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    website: str | None = None
    address: str | None = None
    postcode: str | None = None
    tax_id: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None
    owner: str | None = None
    cadence_days: int | None = None
    archived: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1
    contacts: int = 0
    last_interaction_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "industry": self.industry,
            "city": self.city,
            "region": self.region,
            "country": self.country,
            "website": self.website,
            "address": self.address,
            "postcode": self.postcode,
            "tax_id": self.tax_id,
            "phone": self.phone,
            "email": self.email,
            "notes": self.notes,
            "owner": self.owner,
            "cadence_days": self.cadence_days,
            "tags": self.tags,
            "fields": self.fields,
            "contacts": self.contacts,
            "last_interaction_at": iso(self.last_interaction_at),
            "archived": self.archived,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "revision": self.revision,
        }


@dataclass
class Interaction:
    id: int
    contact_id: int | None  # None: with the company itself
    contact: str | None
    kind: str
    happened_at: datetime
    summary: str
    company_id: int | None = None
    company: str | None = None
    direction: str | None = None
    body: str | None = None
    outcome: str | None = None
    duration_min: int | None = None
    deal_id: int | None = None
    logged_by: str | None = None
    created_at: datetime | None = None
    campaign_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "company_id": self.company_id,
            "company": self.company,
            "kind": self.kind,
            "direction": self.direction,
            "happened_at": iso(self.happened_at),
            "summary": self.summary,
            "body": self.body,
            "outcome": self.outcome,
            "duration_min": self.duration_min,
            "deal_id": self.deal_id,
            "campaign_id": self.campaign_id,
            "logged_by": self.logged_by,
            "created_at": iso(self.created_at),
        }


@dataclass
class SearchHit:
    kind: str  # contact | company | interaction
    id: int
    title: str
    detail: str | None
    contact_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "detail": self.detail,
            "contact_id": self.contact_id,
        }
