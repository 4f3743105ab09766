"""Whom to greet soon: birthdays and contact dates (anniversaries, name days...) with each person's channels.

The days come from the due queue's own indexed queries (`store.followups.due`: `contact.birthday_md`,
`contact_date.md`, one-off dates by value), so `report greetings`, `due`, `remind` and the iCal feed agree; the
phones and e-mails are then read for those contacts only.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.followups.due import (
    BIRTHDAY_COLS,
    BIRTHDAY_TABLE,
    birth_year,
    date_rows,
    yearly_rows,
)

_CHUNK = 500


def _channels(session: Session, table: str, column: str, ids: list[int]) -> dict[int, list[str]]:
    """Each contact's phones or e-mails, in their order."""
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for r in session.all(
            f"SELECT contact_id, {column} FROM {table} WHERE contact_id IN ({', '.join('?' * len(chunk))})"
            " ORDER BY contact_id, position, id",
            chunk,
        ):
            out.setdefault(r["contact_id"], []).append(r[column])
    return out


def greetings(session: Session, *, today: date, days: int, owner_id: int | None = None) -> list[dict[str, Any]]:
    """Birthdays and dates in [today, today + days], soonest first: who, what, how many years, how to reach them.

    `years` is the age a person turns, or the years since a yearly date's first one, when the year is known.
    """
    end = today + timedelta(days=days)
    found: list[dict[str, Any]] = []
    for r, day in yearly_rows(session, table=BIRTHDAY_TABLE, md_column="c.birthday_md", extra=BIRTHDAY_COLS,
                              start=today, end=end, owner_id=owner_id):  # fmt: skip
        born = birth_year(r["birthday"])
        found.append(_row(r, day, today, "birthday", _("Birthday"), r["birthday"], day.year - born if born else None))
    for r, day in date_rows(session, start=today, end=end, owner_id=owner_id):
        first = birth_year(r["value"])
        years = day.year - first if r["yearly"] and first and day.year > first else None
        found.append(_row(r, day, today, "date", r["label"], r["value"], years))
    ids = sorted({f["contact_id"] for f in found})
    phones = _channels(session, "contact_phone", "phone", ids)
    emails = _channels(session, "contact_email", "email", ids)
    for f in found:
        f["phones"] = phones.get(f["contact_id"], [])
        f["emails"] = emails.get(f["contact_id"], [])
    found.sort(key=lambda f: (f["on"], f["contact"], f["contact_id"], f["kind"] != "birthday", f["label"]))
    return found


def _row(r: Any, day: date, today: date, kind: str, label: str, value: str, years: int | None) -> dict[str, Any]:
    return {
        "on": day.isoformat(),
        "in_days": (day - today).days,
        "kind": kind,
        "label": label,
        "date": value,
        "years": years,
        "contact_id": r["id"],
        "contact": r["name"],
        "company": r["company"],
    }
