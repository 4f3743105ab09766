"""A row merged into a contact the same import wrote in an earlier batch: the merge as an update of that contact.

`planning.merge_into` folds a later row of the file into the earlier row that creates the person, before it is
written. A big file is written batch by batch, so the earlier row may be in the database already; the same rules
then apply to the stored contact: each value it lacks takes the row's, the e-mails, phones, tags and custom
fields it lacks are added, and the postal address only when it has none. A contact is stored with status "lead"
when the file gave none, so `no_status` (by id - first) says which status the file left empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.exchange.importing.planning import ADDRESS, MERGED, chunked
from minicrm.store.exchange.importing.records import Candidate, fast_phone_key, fold_key

#: Candidate attribute → contact column, for the values a merge fills in.
_COLUMN = {attr: "vcard_uid" if attr == "uid" else "company_id" if attr == "company" else attr for attr in MERGED}


@dataclass
class _Stored:
    row: dict[str, Any]
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    next_email: int = 0
    next_phone: int = 0
    sets: dict[str, Any] = field(default_factory=dict)


def merge_written(
    session: Session,
    late: Sequence[tuple[int, Candidate]],
    *,
    companies: Callable[[list[str]], Mapping[str, int]],
    no_status: bytearray,
    first: int,
) -> list[tuple[Any, ...]]:
    """Merge each (contact id, row) in turn into the contact this import wrote; returns the custom fields to add.

    `companies(names)` gives the id of each company name (name key → id), making the missing ones: it is asked
    only for the companies of the contacts that had none.
    """
    if not late:
        return []
    stored = _load(session, sorted({cid for cid, _ in late}))
    company_of: dict[int, str] = {}
    emails: list[tuple[Any, ...]] = []
    phones: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    fields: list[tuple[Any, ...]] = []
    for cid, cand in late:
        st = stored[cid]
        row, sets = st.row, st.sets
        for email, label in cand.emails:
            key = email.lower()
            if key not in st.emails:
                st.emails.add(key)
                emails.append((cid, email, key, label, st.next_email))
                st.next_email += 1
        for phone, label in cand.phones:
            key = fast_phone_key(phone)
            if key not in st.phones:
                st.phones.add(key)
                phones.append((cid, phone, key, label, st.next_phone))
                st.next_phone += 1
        for tag in cand.tags:
            if tag not in st.tags:
                st.tags.add(tag)
                tags.append((cid, tag))
        for attr, column in _COLUMN.items():
            value = getattr(cand, attr)
            if value is None:
                continue
            if attr == "status":
                if no_status[cid - first]:
                    no_status[cid - first] = 0
                    row[column] = sets[column] = value
            elif row[column] is None:
                if attr == "company":
                    company_of[cid] = value  # its id below: the contact has a company from now on
                    value = -1
                elif attr == "birthday":
                    sets["birthday_md"] = value[-5:]
                row[column] = sets[column] = value
        if not any(row[column] for column in ADDRESS):
            for column in ADDRESS:
                row[column] = sets[column] = getattr(cand, column)
        for key, value in cand.fields.items():
            if key not in st.fields:
                st.fields.add(key)
                fields.append((cid, key, value))
    if company_of:
        ids = companies(list(company_of.values()))
        for cid, name in company_of.items():
            stored[cid].sets["company_id"] = ids.get(fold_key(name))
    for cid, st in stored.items():
        if st.sets:
            session.execute(
                f"UPDATE contact SET {', '.join(f'{k} = ?' for k in st.sets)} WHERE id = ?", [*st.sets.values(), cid]
            )
    for table, columns, rows in (
        ("contact_email", "contact_id, email, email_key, label, position", emails),
        ("contact_phone", "contact_id, phone, phone_key, label, position", phones),
        ("contact_tag", "contact_id, tag", tags),
    ):
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            session.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return fields  # (contact_id, key, value): the caller stores them typed (applying.typed_fields)


def _load(session: Session, ids: list[int]) -> dict[int, _Stored]:
    out: dict[int, _Stored] = {}
    columns = ", ".join(dict.fromkeys((*_COLUMN.values(), *ADDRESS)))
    for chunk in chunked(ids):
        marks = ", ".join("?" * len(chunk))
        for r in session.all(f"SELECT id, {columns} FROM contact WHERE id IN ({marks})", chunk):
            out[r[0]] = _Stored(dict(r))
        for table, key in (("contact_email", "email_key"), ("contact_phone", "phone_key")):
            for r in session.all(
                f"SELECT contact_id, {key}, position FROM {table} WHERE contact_id IN ({marks})", chunk
            ):
                st = out[r[0]]
                (st.emails if table == "contact_email" else st.phones).add(r[1])
                if table == "contact_email":
                    st.next_email = max(st.next_email, r[2] + 1)
                else:
                    st.next_phone = max(st.next_phone, r[2] + 1)
        for r in session.all(f"SELECT contact_id, tag FROM contact_tag WHERE contact_id IN ({marks})", chunk):
            out[r[0]].tags.add(r[1])
        for r in session.all(f"SELECT contact_id, key FROM contact_field WHERE contact_id IN ({marks})", chunk):
            out[r[0]].fields.add(r[1])
    return out
