"""Running an import in one all-or-nothing transaction, a batch of rows at a time: plan, write, then the index.

Ids are allocated up front inside the write lock, each batch is written with `executemany`, and the search
index, the cadence dates and the import's audit row are made once at the end, so memory holds one batch
(`planning.BATCH` rows) and the match keys of the file, not the file's rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _, ngettext
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.exchange.importing import company_cards
from minicrm.store.exchange.importing.announce import announce, listening
from minicrm.store.exchange.importing.merging import merge_written
from minicrm.store.exchange.importing.planning import BATCH, Op, Planner, chunked, diff_updates, lookup_ids, merge_into
from minicrm.store.exchange.importing.records import (
    BadRow,
    Candidate,
    ImportResult,
    Parsed,
    PlanItem,
    Progress,
    bulk_mode,
    fast_phone_key,
    fold_key,
    too_long,
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


class _Writer:
    """Writes the batches of one import in the caller's transaction, then what is made once (`finish`)."""

    def __init__(self, session: Session, planner: Planner, *, now: datetime, user_id: int | None, source: str):
        self.session, self.planner = session, planner
        self.now, self.user_id, self.source = now, user_id, source
        self.stamp = now.isoformat(" ", "seconds")  # what the sqlite3 adapter would make, once per import
        self.no_status = bytearray()  # by id - first: the file gave the new contact no status (stored "lead")
        self.update_ids: list[int] = []
        self.companies_created: list[str] = []

    def write(self, ops: Sequence[Op]) -> None:
        """One planned batch: new companies, new contacts, updates, child rows, rows merged into earlier batches."""
        session, user_id, stamp = self.session, self.user_id, self.stamp
        creates = [op for op in ops if op.item.action == "create"]
        updates = [op for op in ops if op.item.action == "update"]
        late = self.planner.late
        for op in creates:
            for later in op.merged or ():
                merge_into(op.cand, later)
        company_ids, created = _companies(
            session,
            [op.cand.company for op in creates if op.cand.company] + [op.company for op in updates if op.company],
            now=self.now,
            user_id=user_id,
        )
        self.companies_created += created
        contacts: list[tuple[Any, ...]] = []
        emails: list[tuple[Any, ...]] = []
        phones: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        fields: list[tuple[Any, ...]] = []
        false = session.dialect.false
        no_status = self.no_status
        for op in creates:
            c, cid = op.cand, op.cid
            op.item.contact_id = cid
            no_status.append(c.status is None)
            contacts.append((
                cid, c.name, fold_key(c.name), company_ids.get(fold_key(c.company)) if c.company else None, c.role,
                c.status or "lead", c.source, c.birthday, c.birthday[-5:] if c.birthday else None, c.address,
                c.notes, user_id, false, false, c.uid, user_id, stamp, stamp, 1, c.next_contact_on,
                c.next_contact_time, c.next_contact_goal, c.city, c.region, c.postcode, c.country, c.family_name,
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
        _insert(session, "contact", _CONTACT_COLUMNS, contacts, nullable=_CONTACT_NULLABLE)
        del contacts
        self._update(updates, company_ids, emails, phones, tags, fields)
        _insert(session, "contact_email", ("contact_id", "email", "email_key", "label", "position"), emails,
                nullable=("label",))  # fmt: skip
        _insert(session, "contact_phone", ("contact_id", "phone", "phone_key", "label", "position"), phones,
                nullable=("label",))  # fmt: skip
        _insert(session, "contact_tag", ("contact_id", "tag"), tags, tail=" ON CONFLICT DO NOTHING")
        fields += merge_written(session, late, companies=self._companies, no_status=no_status, first=self.planner.first)
        _insert(session, "contact_field", ("contact_id", "key", "value", "value_key", "number"),
                typed_fields(session, fields, now=self.now), nullable=("number",))  # fmt: skip

    def _companies(self, names: list[str]) -> dict[str, int]:
        ids, created = _companies(self.session, names, now=self.now, user_id=self.user_id)
        self.companies_created += created
        return ids

    def _update(
        self,
        updates: Sequence[Op],
        company_ids: Mapping[str, int],
        emails: list[tuple[Any, ...]],
        phones: list[tuple[Any, ...]],
        tags: list[tuple[Any, ...]],
        fields: list[tuple[Any, ...]],
    ) -> None:
        session, now = self.session, self.now
        update_ids: list[int] = []
        for op in updates:
            assert op.item.contact_id is not None  # the planner gives an update the id of the contact it matched
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
            start = positions[cid]
            _collect(cid, op.cand, op.add_emails, op.add_phones, op.add_tags, {}, start, emails, phones, tags, fields)
            positions[cid] = (start[0] + len(op.add_emails), start[1] + len(op.add_phones))  # the next update of it
            for key, value in op.set_fields.items():
                session.execute("DELETE FROM contact_field WHERE contact_id = ? AND key = ?", (cid, key))
                fields.append((cid, key, value))
            changes = {k: (op.old.get(k), v) for k, v in op.sets.items()}
            if op.company:
                changes["company"] = (None, op.company)
            for label, items in (("emails", op.add_emails), ("phones", op.add_phones), ("tags", op.add_tags)):
                if items:
                    changes[f"+{label}"] = (None, [i[0] if isinstance(i, tuple) else i for i in items])
            audit.record(session, entity="contact", entity_id=cid, action="update", now=now, user_id=self.user_id,
                         changes={**changes, "import": (None, self.source)})  # fmt: skip
        self.update_ids += update_ids

    def finish(self) -> None:
        """After the last batch: the id sequence, the cadence dates, the search index and the import's audit row."""
        session, first, created = self.session, self.planner.first, self.planner.created
        if created:
            session.dialect.ids_given(session, "contact")
            fill_cadence_dates(session, where="c.id >= ?", params=[first])
            search.index_new_contacts(session, first)
        update_ids = sorted(set(self.update_ids))
        fill_cadence_dates_of(session, update_ids)
        if update_ids:
            search.index_contacts_bulk(session, update_ids)
        if created or self.update_ids:
            audit.record(
                session,
                entity="import",
                entity_id=first if created else 0,
                action="create",
                now=self.now,
                user_id=self.user_id,
                changes={
                    "source": (None, self.source),
                    "created": (None, created),
                    "created_ids": (None, f"{first}-{first + created - 1}" if created else None),
                    "updated": (None, len(self.update_ids)),
                    "companies_created": (None, len(self.companies_created)),
                },
            )


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
    return [(cid, key, *normalise(defs.get(key), value, now=now, where=_(" of contact {id}").format(id=cid)))
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
    keep_items: bool = True,
) -> ImportResult:
    """Plan and (unless dry_run) write an import in one transaction; bad rows fail it unless skip_bad.

    The rows are planned and written `BATCH` at a time as they are read (`parsed.rows`, or `parsed.candidates`);
    a bad row fails the import before the batch holding it is written (the rest of the file is still read, to
    count the bad rows), and the failure rolls back what earlier batches wrote. Without `keep_items` the result
    only counts the rows (a 100,000-row import need not keep 100,000 plan items).
    """
    people: Iterable[Candidate] = parsed.candidates if parsed.rows is None else parsed.rows
    firms: list[Candidate] = []
    if parsed.rows is None and any(c.kind == "company" for c in parsed.candidates):
        firms = [c for c in parsed.candidates if c.kind == "company"]
        people = [c for c in parsed.candidates if c.kind != "company"]
    result = ImportResult(dry_run, [], parsed.bad)
    long_rows: list[BadRow] = []  # rows too long for a field: reported after the rows the reader refused, as before
    rows = iter(people)
    in_order: list[tuple[Candidate, PlanItem]] = []  # with company cards: the items, to sort back into file order
    with bulk_mode(), nullcontext() if dry_run else session.write():
        firm_ops = company_cards.plan(session, firms, on_duplicate=on_duplicate)
        if not dry_run:  # the companies first: people of the file may work there
            result.companies_created += company_cards.apply(session, firm_ops, now=now, user_id=user_id)
        planner = Planner(session, first=_next_id(session, "contact"), on_duplicate=on_duplicate, tags=tags)
        writer = None if dry_run else _Writer(session, planner, now=now, user_id=user_id, source=source)
        states: dict[int, Any] = {}  # a dry run: the contacts its updates change, as they leave them
        heard = None if dry_run else listening(session)
        announced: list[Op] = []  # the updates, kept for their events when a hook or webhook listens to them
        while batch := _take(rows, BATCH, long_rows):
            if (parsed.bad or long_rows) and not skip_bad:
                break
            ops = planner.plan(batch)
            diff_updates(session, planner.matched, states if dry_run else {})
            if writer:
                writer.write(ops)
                if heard and heard.updated:
                    announced += [op for op in ops if op.item.action == "update"]
            for op in ops:
                result.add(op.item, keep=keep_items)
                if firms:
                    in_order.append((op.cand, op.item))
            if progress:
                progress(len(batch))
        for cand in rows:  # after a bad row: the rest is read only to count the bad rows
            reason = too_long(cand)
            if reason is not None:
                long_rows.append(BadRow(cand.line, reason))
        parsed.bad.extend(long_rows)
        if parsed.bad and not skip_bad:
            first = parsed.bad[0]
            n = len(parsed.bad) - 1
            msg = (ngettext("{source}: line {line}: {reason} (and {n} more bad row); nothing was imported"
                            " (--skip-bad imports the rest)",
                            "{source}: line {line}: {reason} (and {n} more bad rows); nothing was imported"
                            " (--skip-bad imports the rest)", n) if n else
                   _("{source}: line {line}: {reason}; nothing was imported"
                     " (--skip-bad imports the rest)"))  # fmt: skip
            raise BadInput(msg.format(source=first.where or source, line=first.line, reason=first.reason, n=n))
        for firm in firm_ops:
            result.add(firm.item, keep=keep_items)
            in_order.append((firm.cand, firm.item))
        if writer:
            writer.finish()
            result.companies_created += writer.companies_created
            created = range(planner.first, planner.next)
            announce(session, result, created, announced, source=source)
    if firms and keep_items:
        order = {id(c): n for n, c in enumerate(parsed.candidates)}
        in_order.sort(key=lambda pair: order[id(pair[0])])
        result.items = [item for _, item in in_order]
    return result


def _take(rows: Iterator[Candidate], size: int, long_rows: list[BadRow]) -> list[Candidate]:
    """The next `size` rows that are not too long; those go to `long_rows`."""
    batch: list[Candidate] = []
    for cand in rows:
        reason = too_long(cand)
        if reason is not None:
            long_rows.append(BadRow(cand.line, reason))
            continue
        batch.append(cand)
        if len(batch) == size:
            break
    return batch


def write_rejects(parsed: Parsed, path: Path, *, kind: str) -> None:
    """The bad rows, re-importable once fixed: CSV with the original header + `minicrm_error`, or raw vCards."""
    from minicrm.outfiles import output_file

    with output_file(path, newline="") as fh:  # 0600, atomic, never a half-written file
        if kind == "csv":
            out = csv.writer(fh, delimiter=parsed.delimiter)
            out.writerow([*(parsed.header or []), "minicrm_error"])
            for bad in parsed.bad:
                out.writerow([*(bad.raw or []), _("line {line}: {reason}").format(line=bad.line, reason=bad.reason)])
        else:
            for bad in parsed.bad:
                if bad.raw:
                    fh.write(bad.raw)
