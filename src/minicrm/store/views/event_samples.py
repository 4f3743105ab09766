"""The record `hook test EVENT` sends: the newest one of the event's kind, in its `--format json` contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minicrm.store.core.db import Session


def _loaders() -> dict[str, tuple[str, Callable[[Session, int], Any]]]:
    from minicrm.store.people.companies import get_company
    from minicrm.store.people.contacts import get_contact
    from minicrm.store.people.interactions import get_interaction
    from minicrm.store.sales.deals import get_deal
    from minicrm.store.sales.tasks import get_task
    from minicrm.store.service.requests import get_request

    return {
        "contact": ("contact", get_contact),
        "company": ("company", get_company),
        "interaction": ("interaction", get_interaction),
        "deal": ("deal", get_deal),
        "task": ("task", get_task),
        "request": ("service_request", get_request),
    }


def sample_record(session: Session, event: str) -> dict[str, Any] | None:
    """The newest record the event is about, or None (no such record, or an event about no record)."""
    found = _loaders().get(event.removeprefix("before-").split(".")[0])
    if found is None:
        return None
    table, load = found
    newest = session.scalar(f"SELECT max(id) FROM {table}")
    if newest is None:
        return None
    data: dict[str, Any] = load(session, newest).to_json()
    return data
