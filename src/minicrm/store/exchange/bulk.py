"""Bulk actions on many contacts at once (`contact tag add|remove TAG -`), for scripts and pipes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _, ngettext
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.people import search
from minicrm.store.people.cadence import fill_cadence_dates_of
from minicrm.store.people.fields import normalize_tag
from minicrm.values.jsontext import parse_json


def ids_from_text(text: str) -> list[int]:
    """Contact ids from standard input: `contact list -f json` output (a list or one object, or NDJSON),
    `-f csv` output (an `id` column), or ids separated by spaces, commas or newlines."""
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise BadInput(_("no contact ids on standard input"))
    ids: list[int] = []
    if text[0] in "[{":
        try:
            docs = [json.loads(text)]
        except (json.JSONDecodeError, RecursionError):  # NDJSON: one document per line
            numbered = enumerate(text.splitlines(), 1)
            docs = [
                parse_json(line, _("standard input: line {line}").format(line=n))
                for n, line in numbered
                if line.strip()
            ]
        for doc in docs:
            for item in doc if isinstance(doc, list) else [doc]:
                ids.append(_contact_id(item))
        return _unique(ids)
    lines = text.splitlines()
    header = [h.strip().lower() for h in lines[0].split(",")]
    if ("id" in header or "contact_id" in header) and len(header) > 1:
        import csv

        for row in csv.DictReader(lines[1:], fieldnames=header):
            ids.append(_contact_id({k: _int_or_text(v) for k, v in row.items() if k}))
        return _unique(ids)
    else:
        tokens = [t for t in re.split(r"[\s,]+", text) if t]
    for token in tokens:
        if not token.strip().isdigit():
            raise BadInput(_("standard input: '{token}' is not a contact id").format(token=token[:40]))
        ids.append(int(token))
    return _unique(ids)


def _int_or_text(value: str | None) -> int | str | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else (value or None)


def _contact_id(item: object) -> int:
    """The contact a printed row stands for: a contact's `id`, or the `contact_id` of a follow-up row.

    Rows of other kinds (a company in `forgotten`, a task without a contact in `due`) are refused rather
    than read as contact ids: their `id` numbers something else.
    """
    if not isinstance(item, dict):
        if isinstance(item, int) and not isinstance(item, bool):
            return item
        msg = _("standard input: expected contact ids or rows of contacts, got {item}")
        raise BadInput(msg.format(item=str(item)[:60]))
    kind = item.get("kind")
    if kind in (None, "contact") and isinstance(item.get("id"), int) and not isinstance(item.get("id"), bool):
        return int(item["id"])
    contact_id = item.get("contact_id")
    if isinstance(contact_id, int) and not isinstance(contact_id, bool):
        return contact_id
    what = f"{kind} {item.get('id')}" if kind else str(item)[:60]
    if kind and "contact_id" in item:
        raise BadInput(_("standard input: the {what} row has no contact; filter it out first").format(what=what))
    raise BadInput(
        _("standard input: the {what} row is not a contact (pipe contact rows only, e.g. --kind contact)").format(
            what=what
        )
    )


def _unique(ids: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def check_contacts(session: Session, ids: Sequence[int]) -> None:
    """NotFound naming the first id that has no contact."""
    known: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        known |= {r[0] for r in session.all(f"SELECT id FROM contact WHERE id IN ({marks})", chunk)}
    missing = [i for i in ids if i not in known]
    if missing:
        n = len(missing) - 1
        msg = (
            ngettext("no contact with id {id} (and {n} more)", "no contact with id {id} (and {n} more)", n)
            if n
            else (_("no contact with id {id}"))
        )
        raise NotFound(msg.format(id=missing[0], n=n))


def tag_contacts(
    session: Session, ids: Sequence[int], tag: str, *, remove: bool = False, now: datetime, user_id: int | None = None
) -> list[int]:
    """Add (or remove) `tag` on every contact of `ids` in one transaction; returns the ids actually changed."""
    tag = normalize_tag(tag)
    with session.write():
        check_contacts(session, ids)
        have: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            have |= {
                r[0]
                for r in session.all(
                    f"SELECT contact_id FROM contact_tag WHERE tag = ? AND contact_id IN ({marks})", [tag, *chunk]
                )
            }
        changed = [i for i in ids if (i in have) == remove]
        if not changed:
            return []
        pairs = [(i, tag) for i in changed]
        if remove:
            session.executemany("DELETE FROM contact_tag WHERE contact_id = ? AND tag = ?", pairs)
        else:
            session.executemany("INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)", pairs)
        session.executemany(
            "UPDATE contact SET updated_at = ?, revision = revision + 1 WHERE id = ?", [(now, i) for i in changed]
        )
        key = "-tags" if remove else "+tags"
        change = ([tag], None) if remove else (None, [tag])
        for contact_id in changed:
            audit.record(
                session, entity="contact", entity_id=contact_id, action="update", now=now, user_id=user_id,
                changes={key: change},
            )  # fmt: skip
        fill_cadence_dates_of(session, changed)
        search.index_contacts_bulk(session, changed)
    return changed
