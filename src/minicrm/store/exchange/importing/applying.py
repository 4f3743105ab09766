"""Applying a plan in one all-or-nothing transaction: bulk inserts with ids allocated up front, then the index."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.exchange.importing import company_cards
from minicrm.store.exchange.importing.announce import announce
from minicrm.store.exchange.importing.planning import Op, chunked, lookup_ids, plan
from minicrm.store.exchange.importing.records import (
    Candidate,
    ImportResult,
    Parsed,
    PlanItem,
    Progress,
    bulk_mode,
    fast_phone_key,
    fold_key,
    screen_lengths,
)
from minicrm.store.people import search
from minicrm.store.people.cadence import fill_cadence_dates, fill_cadence_dates_of


def _next_id(session: Session, table: str) -> int:
    return session.dialect.next_id(session, table)


def _companies(
    session: Session, names: Iterable[str], *, now: datetime, user_id: int | None
) -> tuple[dict[str, int], list[str]]:
    """name_key → company id for every name, creating the missing ones in bulk."""
    wanted: dict[str, str] = {}
    for name in dict.fromkeys(names):  # each spelling once, in order
        clean = " ".join(name.split())
        if clean:
            wanted.setdefault(fold_key(clean), clean)
    ids = lookup_ids(session, "SELECT name_key, id FROM company WHERE name_key IN ({marks})", wanted, "company")
    missing = [(key, name) for key, name in wanted.items() if key not in ids]
    created = []
    if missing:
        first = _next_id(session, "company")
        rows = []
        for offset, (key, name) in enumerate(missing):
            ids[key] = first + offset
            created.append(name)
            rows.append((first + offset, name, key, False, user_id, now, now, 1))
        session.executemany(
            "INSERT INTO company (id, name, name_key, archived, created_by, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        session.dialect.ids_given(session, "company")
        search.index_companies_bulk(session, [r[0] for r in rows])
    return ids, created


def apply(
    session: Session,
    ops: Sequence[Op],
    *,
    now: datetime,
    user_id: int | None,
    source: str,
) -> list[str]:
    """Write the plan in the caller's transaction; returns the names of companies created."""
    creates = [op for op in ops if op.item.action == "create"]
    updates = [op for op in ops if op.item.action == "update"]
    company_ids, created_companies = _companies(
        session,
        [op.cand.company for op in creates if op.cand.company] + [op.company for op in updates if op.company],
        now=now,
        user_id=user_id,
    )
    first = _next_id(session, "contact") if creates else 0
    stamp = now.isoformat(" ", "seconds")  # what the sqlite3 adapter would make, once instead of 200,000 times
    contacts: list[tuple[Any, ...]] = []
    emails: list[tuple[Any, ...]] = []
    phones: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    fields: list[tuple[Any, ...]] = []
    cid = first
    false = session.dialect.false
    for op in creates:
        c = op.cand
        op.item.contact_id = cid
        contacts.append((
            cid, c.name, fold_key(c.name), company_ids.get(fold_key(c.company)) if c.company else None, c.role,
            c.status or "lead", c.source, c.birthday, c.birthday[-5:] if c.birthday else None, c.address, c.notes,
            user_id, false, false, c.uid, user_id, stamp, stamp, 1, c.next_contact_on, c.next_contact_time,
            c.next_contact_goal, c.city, c.region, c.postcode, c.country, c.family_name,
        ))  # fmt: skip
        # The common card (one e-mail, one phone, no custom fields) without _collect's de-duplication.
        if len(c.emails) == 1 and len(c.phones) < 2 and not c.fields:
            email, label = c.emails[0]
            emails.append((cid, email, email.lower(), label, 0))
            if c.phones:
                phone, label = c.phones[0]
                phones.append((cid, phone, fast_phone_key(phone), label, 0))
            if c.tags:
                tags += [(cid, t) for t in c.tags]
        else:
            _collect(cid, c, c.emails, c.phones, c.tags, c.fields, (0, 0), emails, phones, tags, fields)
        cid += 1
    _insert(session, "contact", _CONTACT_COLUMNS, contacts, nullable=_CONTACT_NULLABLE)
    if contacts:
        session.dialect.ids_given(session, "contact")
    del contacts
    update_ids: list[int] = []
    for op in updates:
        assert op.item.contact_id is not None  # plan() gives an update the id of the contact it matched
        update_ids.append(op.item.contact_id)
    positions = _positions(session, update_ids)
    for op, cid in zip(updates, update_ids, strict=True):
        sets = dict(op.sets)
        if "name" in sets:
            sets["name_key"] = fold_key(sets["name"])
        if "birthday" in sets:
            sets["birthday_md"] = sets["birthday"][-5:]
        if op.company:
            sets["company_id"] = company_ids[fold_key(op.company)]
        session.execute(
            "UPDATE contact SET " + ", ".join(f"{k} = ?" for k in sets) + (", " if sets else "")
            + "updated_at = ?, revision = revision + 1 WHERE id = ?",
            [*sets.values(), now, cid],
        )  # fmt: skip
        _collect(
            cid, op.cand, op.add_emails, op.add_phones, op.add_tags, {}, positions[cid], emails, phones, tags, fields
        )
        for key, value in op.set_fields.items():
            session.execute("DELETE FROM contact_field WHERE contact_id = ? AND key = ?", (cid, key))
            fields.append((cid, key, value))
        changes = {k: (op.old.get(k), v) for k, v in op.sets.items()}
        if op.company:
            changes["company"] = (None, op.company)
        for label, items in (("emails", op.add_emails), ("phones", op.add_phones), ("tags", op.add_tags)):
            if items:
                changes[f"+{label}"] = (None, [i[0] if isinstance(i, tuple) else i for i in items])
        audit.record(session, entity="contact", entity_id=cid, action="update", now=now, user_id=user_id,
                     changes={**changes, "import": (None, source)})  # fmt: skip
    _insert(session, "contact_email", ("contact_id", "email", "email_key", "label", "position"), emails,
            nullable=("label",))  # fmt: skip
    _insert(session, "contact_phone", ("contact_id", "phone", "phone_key", "label", "position"), phones,
            nullable=("label",))  # fmt: skip
    _insert(session, "contact_tag", ("contact_id", "tag"), tags, tail=" ON CONFLICT DO NOTHING")
    _insert(session, "contact_field", ("contact_id", "key", "value", "value_key", "number"),
            typed_fields(session, fields, now=now), nullable=("number",))  # fmt: skip
    touched = list(range(first, first + len(creates))) + update_ids  # the creates got first, first + 1, ... above
    if creates:
        fill_cadence_dates(session, where="c.id >= ?", params=[first])
    fill_cadence_dates_of(session, update_ids)
    if touched:
        search.index_contacts_bulk(session, touched)
    if creates or updates:
        audit.record(
            session,
            entity="import",
            entity_id=first or 0,
            action="create",
            now=now,
            user_id=user_id,
            changes={
                "source": (None, source),
                "created": (None, len(creates)),
                "created_ids": (None, f"{first}-{first + len(creates) - 1}" if creates else None),
                "updated": (None, len(updates)),
                "companies_created": (None, len(created_companies)),
            },
        )
    return created_companies


_CONTACT_COLUMNS = (
    "id", "name", "name_key", "company_id", "role", "status", "source", "birthday", "birthday_md", "address", "notes",
    "owner_id", "next_contact_auto", "archived", "vcard_uid", "created_by", "created_at", "updated_at", "revision",
    "next_contact_on", "next_contact_time", "next_contact_goal", "city", "region", "postcode", "country",
    "family_name",
)  # fmt: skip
_CONTACT_NULLABLE = frozenset((
    "company_id", "role", "source", "birthday", "birthday_md", "address", "notes", "owner_id", "vcard_uid",
    "created_by", "next_contact_on", "next_contact_time", "next_contact_goal", "city", "region", "postcode",
    "country", "family_name",
))  # fmt: skip


def typed_fields(session: Session, fields: list[tuple[Any, ...]], *, now: datetime) -> list[tuple[Any, ...]]:
    """(contact_id, key, value) rows as stored: checked against the fields' types, with value_key and number."""
    from minicrm.store.people.field_types import definitions, normalise

    defs = definitions(session, "contact", {key for _, key, _ in fields})
    return [(cid, key, *normalise(defs.get(key), value, now=now, where=f" of contact {cid}"))
            for cid, key, value in fields]  # fmt: skip


def _insert(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    nullable: Iterable[str] = (),
    tail: str = "",
) -> None:
    """executemany one INSERT of `rows`, leaving out each nullable column that is None in every row.

    sqlite3 binds a None slowly (~0.7 µs: it looks for an adapter, raising and clearing an AttributeError on the
    way), ten times per row of a plain CSV; a column left out is NULL all the same (no column has a DEFAULT).
    """
    if not rows:
        return
    if nullable:
        values = list(zip(*rows, strict=True))  # the rows' columns, transposed in C
        keep = [i for i, col in enumerate(columns) if col not in nullable or values[i].count(None) != len(rows)]
        if len(keep) < len(columns):
            columns = [columns[i] for i in keep]
            rows = list(zip(*(values[i] for i in keep), strict=True))
    marks = ", ".join("?" * len(columns))
    session.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}", rows)


def _positions(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """The next free position of e-mails and phones of existing contacts."""
    out = {i: [0, 0] for i in ids}
    for chunk in chunked(ids):
        marks = ", ".join("?" * len(chunk))
        for index, table in ((0, "contact_email"), (1, "contact_phone")):
            for r in session.all(
                f"SELECT contact_id, max(position) + 1 FROM {table} WHERE contact_id IN ({marks}) GROUP BY contact_id",
                chunk,
            ):
                out[r[0]][index] = r[1]
    return {i: (e, p) for i, (e, p) in out.items()}


def _collect(
    cid: int,
    cand: Candidate,
    cand_emails: Sequence[tuple[str, str | None]],
    cand_phones: Sequence[tuple[str, str | None]],
    cand_tags: Sequence[str],
    cand_fields: Mapping[str, str],
    start: tuple[int, int],
    emails: list[tuple[Any, ...]],
    phones: list[tuple[Any, ...]],
    tags: list[tuple[Any, ...]],
    fields: list[tuple[Any, ...]],
) -> None:
    """Append the child rows of one contact to the executemany batches."""
    seen: set[str] = set()
    for pos, (email, label) in enumerate(cand_emails, start[0]):
        key = email.lower()
        if key not in seen:
            seen.add(key)
            emails.append((cid, email, key, label, pos))
    seen = set()
    for pos, (phone, label) in enumerate(cand_phones, start[1]):
        key = fast_phone_key(phone)
        if key not in seen:
            seen.add(key)
            phones.append((cid, phone, key, label, pos))
    tags += [(cid, t) for t in cand_tags]
    fields += [(cid, k, v) for k, v in cand_fields.items()]


def run(
    session: Session,
    parsed: Parsed,
    *,
    now: datetime,
    user_id: int | None = None,
    source: str,
    on_duplicate: str = "update",
    tags: Sequence[str] = (),
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress = None,
) -> ImportResult:
    """Plan and (unless dry_run) apply an import in one transaction; bad rows fail it unless skip_bad."""
    screen_lengths(parsed)
    if parsed.bad and not skip_bad:
        first = parsed.bad[0]
        more = f" (and {len(parsed.bad) - 1} more bad rows)" if len(parsed.bad) > 1 else ""
        raise BadInput(
            f"{first.where or source}: line {first.line}: {first.reason}{more}; nothing was imported"
            " (--skip-bad imports the rest)"
        )
    people = parsed.candidates
    firms: list[Candidate] = []
    if any(c.kind == "company" for c in people):
        firms = [c for c in people if c.kind == "company"]
        people = [c for c in people if c.kind != "company"]
    with bulk_mode():
        if dry_run:
            ops = plan(session, people, on_duplicate=on_duplicate, tags=tags, progress=progress)
            firm_ops = company_cards.plan(session, firms, on_duplicate=on_duplicate)
            return ImportResult(True, _in_file_order(parsed, ops, firm_ops), parsed.bad)
        with session.write():
            firm_ops = company_cards.plan(session, firms, on_duplicate=on_duplicate)
            created = company_cards.apply(session, firm_ops, now=now, user_id=user_id)  # before the people at them
            ops = plan(session, people, on_duplicate=on_duplicate, tags=tags, progress=progress)
            created += apply(session, ops, now=now, user_id=user_id, source=source)
            result = ImportResult(False, _in_file_order(parsed, ops, firm_ops), parsed.bad, created)
            announce(session, result, ops, source=source)
        return result


def _in_file_order(parsed: Parsed, ops: Sequence[Op], firm_ops: Sequence[company_cards.CompanyOp]) -> list[PlanItem]:
    if not firm_ops:
        return [op.item for op in ops]
    order = {id(c): n for n, c in enumerate(parsed.candidates)}
    both: list[tuple[Candidate, PlanItem]] = [(op.cand, op.item) for op in ops]
    both += [(op.cand, op.item) for op in firm_ops]
    both.sort(key=lambda pair: order[id(pair[0])])
    return [item for _, item in both]


def write_rejects(parsed: Parsed, path: Path, *, kind: str) -> None:
    """The bad rows, re-importable once fixed: CSV with the original header + `minicrm_error`, or raw vCards."""
    from minicrm.outfiles import output_file

    with output_file(path, newline="") as fh:  # 0600, atomic, never a half-written file
        if kind == "csv":
            out = csv.writer(fh, delimiter=parsed.delimiter)
            out.writerow([*(parsed.header or []), "minicrm_error"])
            for bad in parsed.bad:
                out.writerow([*(bad.raw or []), f"line {bad.line}: {bad.reason}"])
        else:
            for bad in parsed.bad:
                if bad.raw:
                    fh.write(bad.raw)
