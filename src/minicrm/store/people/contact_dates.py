"""A contact's dates to remember besides the birthday: anniversaries, name days, a company's founding day.

Rows of `contact_date`: `value` is `2019-12-05`, or `--12-05` when the year is unknown; `md` (`12-05`) is what
the due queue, `remind` and the iCal feed select yearly dates by (`store.followups.due`, `minicrm.ical.entries`);
a one-off date (`yearly` false) needs its year. A change counts as a change of the contact (its revision and
audit trail), so `ical serve` and `history` see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from minicrm.errors import Ambiguous, BadInput, Conflict, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold

MAX_LABEL = 100


@dataclass
class ContactDate:
    id: int
    contact_id: int
    contact: str
    label: str
    value: str  # 2019-12-05 or --12-05
    yearly: bool
    next_on: date | None  # the next occurrence on or after today (a one-off date: itself, if not past)
    years: int | None  # years since the first one, at the next occurrence (when the year is known)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "label": self.label,
            "date": self.value,
            "yearly": self.yearly,
            "next_on": self.next_on.isoformat() if self.next_on else None,
            "years": self.years,
        }


def _value(month: int, day: int, year: int | None) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"


def _clean_label(label: str) -> str:
    text = " ".join(label.split())
    if not text:
        raise BadInput(_("a date needs a LABEL (e.g. 'Wedding anniversary')"))
    if len(text) > MAX_LABEL:
        raise BadInput(_("LABEL is longer than {n} characters").format(n=MAX_LABEL))
    return text


def _touch(session: Session, contact_id: int, *, now: datetime, user_id: int | None, change: dict[str, Any]) -> None:
    """The contact changed: a new revision (the iCal items' SEQUENCE) and an audit row."""
    session.execute("UPDATE contact SET revision = revision + 1, updated_at = ? WHERE id = ?", (now, contact_id))
    audit.record(session, entity="contact", entity_id=contact_id, action="update", now=now, user_id=user_id,
                 changes=change)  # fmt: skip


def add_date(
    session: Session,
    contact_id: int,
    *,
    label: str,
    month: int,
    day: int,
    year: int | None,
    yearly: bool,
    now: datetime,
    user_id: int | None = None,
) -> int:
    """Remember a date of a contact; a year-less date repeats every year. Returns its id."""
    label = _clean_label(label)
    date(2000, month, day)  # the caller parsed it; a bad day raises here rather than store it
    yearly = yearly or year is None
    value = _value(month, day, year)
    with session.write():
        for r in session.all("SELECT label FROM contact_date WHERE contact_id = ? AND value = ?", (contact_id, value)):
            if fold(r["label"]) == fold(label):
                raise Conflict(
                    _("contact {id} already has '{label}' on {date}").format(
                        id=contact_id, label=r["label"], date=value
                    )
                )
        date_id = session.insert(
            "INSERT INTO contact_date (contact_id, label, value, md, yearly) VALUES (?, ?, ?, ?, ?)",
            (contact_id, label, value, value[-5:], yearly),
        )
        _touch(session, contact_id, now=now, user_id=user_id,
               change={f"date {label}": (None, value + (" yearly" if yearly else ""))})  # fmt: skip
    return date_id


def _next(value: str, yearly: bool, today: date) -> tuple[date | None, int | None]:
    from minicrm.store.people.selections import next_occurrence

    first = None if value.startswith("--") else int(value[:4])
    if not yearly:
        day = date.fromisoformat(value)
        return (day if day >= today else None), None
    on = next_occurrence(today, int(value[-5:-3]), int(value[-2:]))
    return on, (on.year - first if first is not None and on.year > first else None)


_SELECT = (
    "SELECT cd.id, cd.contact_id, c.name, cd.label, cd.value, cd.yearly FROM contact_date cd"
    " JOIN contact c ON c.id = cd.contact_id"
)


def list_dates(
    session: Session, *, today: date, contact_id: int | None = None, limit: int | None = None
) -> list[ContactDate]:
    """The dates of one contact (or of everyone, by contact name), in calendar order (month and day)."""
    sql, params = _SELECT, []
    if contact_id is not None:
        sql += " WHERE cd.contact_id = ?"
        params.append(contact_id)
    sql += " ORDER BY c.name_key, c.id, cd.md, cd.value, cd.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for r in session.all(sql, params):
        on, years = _next(r["value"], bool(r["yearly"]), today)
        out.append(ContactDate(r["id"], r["contact_id"], r["name"], r["label"], r["value"], bool(r["yearly"]), on,
                               years))  # fmt: skip
    return out


def find_date(session: Session, *, contact_id: int, label: str) -> int:
    """The id of the contact's date called `label` (case and accents ignored)."""
    key = fold(label)
    hits = [r for r in session.all("SELECT id, label, value FROM contact_date WHERE contact_id = ? ORDER BY id",
                                   (contact_id,)) if fold(r["label"]) == key]  # fmt: skip
    if not hits:
        raise NotFound(
            _("contact {id} has no date '{label}' (see: minicrm contact date list {id})").format(
                id=contact_id, label=label
            )
        )
    if len(hits) > 1:
        listed = ", ".join(f"{r['id']} {r['value']}" for r in hits)
        raise Ambiguous(
            _("contact {id} has {n} dates '{label}': {listed}; remove one by its id").format(
                id=contact_id, n=len(hits), label=label, listed=listed
            )
        )
    found: int = hits[0]["id"]
    return found


def remove_date(session: Session, date_id: int, *, now: datetime, user_id: int | None = None) -> ContactDate:
    """Forget a date (by its id); returns what it was."""
    with session.write():
        r = session.one(_SELECT + " WHERE cd.id = ?", (date_id,))
        if r is None:
            raise NotFound(_("no contact date with id {id}").format(id=date_id))
        session.execute("DELETE FROM contact_date WHERE id = ?", (date_id,))
        _touch(session, r["contact_id"], now=now, user_id=user_id, change={f"date {r['label']}": (r["value"], None)})
    return ContactDate(r["id"], r["contact_id"], r["name"], r["label"], r["value"], bool(r["yearly"]), None, None)
