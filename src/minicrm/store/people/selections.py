"""Contacts picked by a rule rather than a filter: upcoming birthdays, the members of a segment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import Contact
from minicrm.store.people.contacts import CONTACT_SELECT, hydrate


def upcoming_birthdays(
    session: Session, *, today: date, days: int, limit: int | None = None
) -> list[tuple[Contact, date]]:
    """Contacts whose birthday falls within [today, today + days], soonest first (one indexed range query).

    A 29 February birthday is celebrated on 1 March in common years. With `limit`, only the first ones are
    made into records (100,000 contacts have ~4,000 birthdays in two weeks).
    """
    end = today + timedelta(days=min(days, 365))
    ranges = [(today.strftime("%m-%d"), end.strftime("%m-%d"))]
    if end.year > today.year:  # the window wraps around New Year
        ranges = [(today.strftime("%m-%d"), "12-31"), ("01-01", end.strftime("%m-%d"))]
    where = " OR ".join("c.birthday_md BETWEEN ? AND ?" for _ in ranges)
    params: list[Any] = [False, *(v for pair in ranges for v in pair)]
    if not any(a <= "02-29" <= b for a, b in ranges) and any(a <= "03-01" <= b for a, b in ranges):
        where += " OR c.birthday_md = '02-29'"
    found = []
    for row in session.all(CONTACT_SELECT + f" WHERE c.archived = ? AND ({where})", params):
        birthday = row["birthday"]  # the query matched on birthday_md
        on = next_occurrence(today, int(birthday[-5:-3]), int(birthday[-2:]))
        if on <= end:
            found.append((on, row["name"], row))
    found.sort(key=lambda item: (item[0], item[1]))
    if limit is not None:
        found = found[:limit]
    contacts = hydrate(session, [row for _, _, row in found])
    return [(contact, on) for contact, (on, _, _) in zip(contacts, found, strict=True)]


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
