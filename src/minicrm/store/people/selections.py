"""Contacts picked by a rule rather than a filter: upcoming birthdays, the members of a segment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import Contact
from minicrm.store.people.contacts import CONTACT_SELECT, hydrate


def upcoming_birthdays(session: Session, *, today: date, days: int) -> list[tuple[Contact, date]]:
    """Contacts whose birthday falls within [today, today + days], soonest first (one indexed range query).

    A 29 February birthday is celebrated on 1 March in common years.
    """
    end = today + timedelta(days=min(days, 365))
    ranges = [(today.strftime("%m-%d"), end.strftime("%m-%d"))]
    if end.year > today.year:  # the window wraps around New Year
        ranges = [(today.strftime("%m-%d"), "12-31"), ("01-01", end.strftime("%m-%d"))]
    where = " OR ".join("c.birthday_md BETWEEN ? AND ?" for _ in ranges)
    params: list[Any] = [False, *(v for pair in ranges for v in pair)]
    if not any(a <= "02-29" <= b for a, b in ranges) and any(a <= "03-01" <= b for a, b in ranges):
        where += " OR c.birthday_md = '02-29'"
    rows = session.all(CONTACT_SELECT + f" WHERE c.archived = ? AND ({where})", params)
    found = []
    for contact in hydrate(session, rows):
        assert contact.birthday is not None  # the query matched on birthday_md
        month, day = int(contact.birthday[-5:-3]), int(contact.birthday[-2:])
        found.append((contact, next_occurrence(today, month, day)))
    return sorted((pair for pair in found if pair[1] <= end), key=lambda pair: (pair[1], pair[0].name))


def next_occurrence(today: date, month: int, day: int) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February in a common year
            candidate = date(year, 3, 1)
        if candidate >= today:
            return candidate
    return date(today.year + 1, month, min(day, 28))


def matching_contacts(session: Session, d: dict[str, Any], *, limit: int | None = None) -> list[Contact]:
    """The contacts a segment definition `d` selects, by name."""
    from minicrm.store.people.segments import where_sql

    where, params = where_sql(d)
    sql = CONTACT_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY c.name_key, c.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return hydrate(session, session.all(sql, params))
