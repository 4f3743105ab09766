"""Contacts: create, read, list, edit, archive, delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core import audit, events
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import Contact, check_revision
from minicrm.store.core.text import fold, phone_key
from minicrm.store.people import search
from minicrm.store.people.cadence import fill_cadence_dates_of
from minicrm.store.people.fields import check_email, check_phone, normalize_status, normalize_tag
from minicrm.store.people.refs import as_id, find_company_by_name, resolve_company

SORTS = {
    "name": "c.name_key, c.id",
    "last": "c.last_interaction_at IS NULL, c.last_interaction_at DESC, c.id",
    "next": "c.next_contact_on IS NULL, c.next_contact_on, c.next_contact_time, c.id",
    "created": "c.created_at DESC, c.id DESC",
}
#: Columns `update_contact` may set directly.
EDITABLE = (
    "name",
    "role",
    "status",
    "source",
    "birthday",
    "address",
    "notes",
    "owner_id",
    "next_contact_on",
    "next_contact_time",
    "next_contact_goal",
    "cadence_days",
    "archived",
)


@dataclass
class Saved:
    """What a create/update did, for the caller to report."""

    id: int
    created_company: str | None = None


def _company_for(session: Session, name: str, *, now: datetime, user_id: int | None) -> tuple[int, str | None]:
    """An existing company (id or exact name), else a new one; returns (id, created name or None)."""
    name = name.strip()
    if not name:
        raise BadInput(_("empty company name"))
    if as_id(name) is not None:
        return resolve_company(session, name), None
    found = find_company_by_name(session, name)
    if found is not None:
        return found, None
    from minicrm.store.people.companies import create_company

    return create_company(session, name=name, now=now, user_id=user_id), name


@limited
def create_contact(
    session: Session,
    *,
    name: str,
    now: datetime,
    user_id: int | None = None,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    company: str | None = None,
    status: str = "lead",
    tags: Iterable[str] = (),
    fields: dict[str, str] | None = None,
    **values: Any,
) -> Saved:
    """Insert a contact; `values` are columns of EDITABLE (birthday as "YYYY-MM-DD" or "--MM-DD")."""
    name = " ".join(name.split())
    if not name:
        raise BadInput(_("a contact needs a name"))
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown contact fields: {choices}").format(choices=", ".join(sorted(unknown))))
    status = normalize_status(status)
    emails = [check_email(e) for e in emails]
    phones = [check_phone(p) for p in phones]
    tags = sorted({normalize_tag(t) for t in tags})
    events.check(session, "contact.created", change={"name": name, "emails": emails, "phones": phones,
                 "company": company, "status": status, "tags": tags, "fields": fields or {}, **values})  # fmt: skip
    with session.write():
        company_id, created = (None, None)
        if company:
            company_id, created = _company_for(session, company, now=now, user_id=user_id)
        if values.get("cadence_days") and not values.get("next_contact_on"):
            values["next_contact_on"] = now.date() + timedelta(days=values["cadence_days"])
            values["next_contact_auto"] = True
        values["birthday_md"] = _md(values.get("birthday"))
        columns = {
            "name": name,
            "name_key": fold(name),
            "company_id": company_id,
            "status": status,
            "created_by": user_id,
            "created_at": now,
            "updated_at": now,
            "revision": 1,
            "archived": False,
            "next_contact_auto": False,
            **values,
        }
        contact_id = session.insert(
            f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()),
        )
        _add_emails(session, contact_id, emails)
        _add_phones(session, contact_id, phones)
        _set_tags(session, contact_id, add=tags)
        _set_fields(session, contact_id, fields or {}, now=now)
        fill_cadence_dates_of(session, [contact_id])
        search.index_contact(session, contact_id)
        audit.record(
            session,
            entity="contact",
            entity_id=contact_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={k: (None, v) for k, v in columns.items() if v is not None and k not in ("name_key", "created_at")},
        )
        events.emit(session, "contact.created", lambda: get_contact(session, contact_id).to_json())
    return Saved(contact_id, created)


def _md(birthday: str | None) -> str | None:
    return birthday[-5:] if birthday else None


def _add_emails(session: Session, contact_id: int, emails: Sequence[str]) -> None:
    have = {
        r["email_key"] for r in session.all("SELECT email_key FROM contact_email WHERE contact_id = ?", (contact_id,))
    }
    start = session.scalar("SELECT count(*) FROM contact_email WHERE contact_id = ?", (contact_id,))
    for email in emails:
        if email.lower() in have:
            continue
        have.add(email.lower())
        session.execute(
            "INSERT INTO contact_email (contact_id, email, email_key, position) VALUES (?, ?, ?, ?)",
            (contact_id, email, email.lower(), start),
        )
        start += 1


def _add_phones(session: Session, contact_id: int, phones: Sequence[str]) -> None:
    have = {
        r["phone_key"] for r in session.all("SELECT phone_key FROM contact_phone WHERE contact_id = ?", (contact_id,))
    }
    start = session.scalar("SELECT count(*) FROM contact_phone WHERE contact_id = ?", (contact_id,))
    for phone in phones:
        key = phone_key(phone)
        if key in have:
            continue
        have.add(key)
        session.execute(
            "INSERT INTO contact_phone (contact_id, phone, phone_key, position) VALUES (?, ?, ?, ?)",
            (contact_id, phone, key, start),
        )
        start += 1


def _set_tags(session: Session, contact_id: int, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    for tag in remove:
        session.execute("DELETE FROM contact_tag WHERE contact_id = ? AND tag = ?", (contact_id, normalize_tag(tag)))
    for tag in add:
        if session.scalar("SELECT 1 FROM contact_tag WHERE contact_id = ? AND tag = ?", (contact_id, tag)) is None:
            session.execute("INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)", (contact_id, tag))


def _set_fields(session: Session, contact_id: int, fields: dict[str, str], *, now: datetime) -> None:
    from minicrm.store.people.field_types import store_fields

    store_fields(session, "contact", contact_id, fields, now=now)


def _row(session: Session, contact_id: int) -> dict[str, Any]:
    row = session.one("SELECT * FROM contact WHERE id = ?", (contact_id,))
    assert row is not None  # callers pass the id of an existing contact
    return dict(row)


@limited
def update_contact(
    session: Session,
    contact_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    company: str | None = None,
    clear_company: bool = False,
    status: str | None = None,
    add_emails: Sequence[str] = (),
    remove_emails: Sequence[str] = (),
    add_phones: Sequence[str] = (),
    remove_phones: Sequence[str] = (),
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    fields: dict[str, str] | None = None,
    expected_revision: int | None = None,
    **values: Any,
) -> Saved:
    """Change a contact; `values` are columns of EDITABLE. Bumps the revision once per call."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown contact fields: {choices}").format(choices=", ".join(sorted(unknown))))
    if status is not None:
        values["status"] = normalize_status(status)
    if "name" in values:
        values["name"] = " ".join(str(values["name"]).split())
        if not values["name"]:
            raise BadInput(_("a contact needs a name"))
        values["name_key"] = fold(values["name"])
    if "birthday" in values:
        values["birthday_md"] = _md(values["birthday"])
    if "next_contact_on" in values:
        values.setdefault("next_contact_auto", False)
    add_emails = [check_email(e) for e in add_emails]
    add_phones = [check_phone(p) for p in add_phones]
    add_tags = sorted({normalize_tag(t) for t in add_tags})
    created = None
    event = "contact.archived" if values.get("archived") else "contact.updated"
    events.check(session, event, record=lambda: get_contact(session, contact_id).to_json(),
                 change={**values, "company": company, "add_tags": add_tags, "fields": fields})  # fmt: skip
    with session.write():
        old = _row(session, contact_id)
        check_revision("contact", contact_id, old["revision"], expected_revision)
        event = event if values.get("archived") != old["archived"] else "contact.updated"
        before = events.snapshot(session, event, lambda: get_contact(session, contact_id).to_json())
        if company:
            values["company_id"], created = _company_for(session, company, now=now, user_id=user_id)
        elif clear_company:
            values["company_id"] = None
        if values.get("cadence_days") and not old["next_contact_on"] and "next_contact_on" not in values:
            base = (old["last_interaction_at"] or now).date()
            values["next_contact_on"] = max(base + timedelta(days=values["cadence_days"]), now.date())
            values["next_contact_auto"] = True
        changes = audit.diff(old, values)
        changes.pop("name_key", None)
        sets = {**values, "updated_at": now, "revision": old["revision"] + 1}
        session.execute(
            f"UPDATE contact SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
            [*sets.values(), contact_id],
        )
        for email in remove_emails:
            session.execute(
                "DELETE FROM contact_email WHERE contact_id = ? AND email_key = ?", (contact_id, email.strip().lower())
            )
        for phone in remove_phones:
            session.execute(
                "DELETE FROM contact_phone WHERE contact_id = ? AND phone_key = ?", (contact_id, phone_key(phone))
            )
        _add_emails(session, contact_id, add_emails)
        _add_phones(session, contact_id, add_phones)
        _set_tags(session, contact_id, add=add_tags, remove=remove_tags)
        _set_fields(session, contact_id, fields or {}, now=now)
        for label, items in (("emails", add_emails), ("phones", add_phones), ("tags", add_tags)):
            if items:
                changes[f"+{label}"] = (None, list(items))
        for label, removed in (("emails", remove_emails), ("phones", remove_phones), ("tags", remove_tags)):
            if removed:
                changes[f"-{label}"] = (list(removed), None)
        for key, value in (fields or {}).items():
            changes[f"field:{key}"] = (None, value or None)
        fill_cadence_dates_of(session, [contact_id])
        search.index_contact(session, contact_id)
        audit.record(
            session, entity="contact", entity_id=contact_id, action="update", now=now, user_id=user_id, changes=changes
        )
        events.emit(session, event, lambda: get_contact(session, contact_id).to_json(), before=before)
    return Saved(contact_id, created)


def delete_contact(session: Session, contact_id: int, *, now: datetime, user_id: int | None = None) -> str:
    """Remove a contact with its interactions, e-mails, phones, tags and fields; returns its name."""
    with session.write():
        old = _row(session, contact_id)
        search.unindex_contact(session, contact_id)
        session.execute("DELETE FROM contact WHERE id = ?", (contact_id,))
        audit.record(
            session,
            entity="contact",
            entity_id=contact_id,
            action="delete",
            now=now,
            user_id=user_id,
            changes={"name": (old["name"], None)},
        )
    name: str = old["name"]
    return name


# -- reading ---------------------------------------------------------------------------------

CONTACT_SELECT = (
    "SELECT c.*, co.name AS company, u.name AS owner FROM contact c"
    " LEFT JOIN company co ON co.id = c.company_id LEFT JOIN app_user u ON u.id = c.owner_id"
)


def hydrate(session: Session, rows: Sequence[Any]) -> list[Contact]:
    """Turn contact rows into records with their e-mails, phones, tags and fields (4 batched queries)."""
    contacts = [
        Contact(
            id=r["id"],
            name=r["name"],
            company_id=r["company_id"],
            company=r["company"],
            role=r["role"],
            status=r["status"],
            source=r["source"],
            birthday=r["birthday"],
            address=r["address"],
            city=r["city"],
            region=r["region"],
            postcode=r["postcode"],
            country=r["country"],
            notes=r["notes"],
            owner=r["owner"],
            next_contact_on=r["next_contact_on"],
            next_contact_time=r["next_contact_time"],
            next_contact_goal=r["next_contact_goal"],
            next_contact_auto=bool(r["next_contact_auto"]),
            cadence_days=r["cadence_days"],
            last_interaction_at=r["last_interaction_at"],
            archived=bool(r["archived"]),
            created_at=r["created_at"],
            updated_at=r["updated_at"],
            revision=r["revision"],
        )
        for r in rows
    ]
    by_id = {c.id: c for c in contacts}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in session.all(
            f"SELECT contact_id, email FROM contact_email WHERE contact_id IN ({marks}) ORDER BY position, id", chunk
        ):
            by_id[r["contact_id"]].emails.append(r["email"])
        for r in session.all(
            f"SELECT contact_id, phone FROM contact_phone WHERE contact_id IN ({marks}) ORDER BY position, id", chunk
        ):
            by_id[r["contact_id"]].phones.append(r["phone"])
        for r in session.all(
            f"SELECT contact_id, tag FROM contact_tag WHERE contact_id IN ({marks}) ORDER BY tag", chunk
        ):
            by_id[r["contact_id"]].tags.append(r["tag"])
        for r in session.all(
            f"SELECT contact_id, key, value FROM contact_field WHERE contact_id IN ({marks}) ORDER BY key", chunk
        ):
            by_id[r["contact_id"]].fields[r["key"]] = r["value"]
    return contacts


def get_contact(session: Session, contact_id: int) -> Contact:
    rows = session.all(CONTACT_SELECT + " WHERE c.id = ?", (contact_id,))
    if not rows:
        from minicrm.errors import NotFound

        raise NotFound(_("no contact with id {id}").format(id=contact_id))
    return hydrate(session, rows)[0]


def list_contacts(
    session: Session,
    *,
    tag: str | None = None,
    company_id: int | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    fields: dict[str, str] | None = None,
    search_text: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    archived: bool | None = False,
    segment: dict[str, Any] | None = None,
    criteria: dict[str, Any] | None = None,
) -> list[Contact]:
    """Contacts matching every filter given (`segment` is a saved segment's definition, `criteria` more of the
    same: sources, regions, typed field filters...). `archived=None` includes archived ones."""
    where, params = _filters(
        tag=tag, company_id=company_id, status=status, owner_id=owner_id, fields=fields, archived=archived,
        segment=segment, criteria=criteria,
    )  # fmt: skip
    sql = CONTACT_SELECT
    if search_text:
        matched = search.matching(session, "contact_fts", search_text)
        if matched is None:
            return []
        sql += f" JOIN ({matched[0]}) f ON f.fid = c.id"
        params[:0] = matched[1]
    if where:
        sql += " WHERE " + " AND ".join(where)
    if sort is not None and sort not in SORTS:
        raise BadInput(_("unknown sort '{sort}' (one of: {choices})").format(sort=sort, choices=", ".join(SORTS)))
    order = SORTS[sort] if sort else ("f.rank, c.id" if search_text else SORTS["name"])
    sql += f" ORDER BY {order}"
    if limit:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return hydrate(session, session.all(sql, params))


def count_contacts(session: Session, **filters: Any) -> int:
    where, params = _filters(**filters)
    sql = "SELECT count(*) FROM contact c" + (" WHERE " + " AND ".join(where) if where else "")
    count: int = session.scalar(sql, params)
    return count


def _filters(
    *,
    tag: str | None = None,
    company_id: int | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    fields: dict[str, str] | None = None,
    archived: bool | None = False,
    segment: dict[str, Any] | None = None,
    criteria: dict[str, Any] | None = None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if criteria:
        from minicrm.store.people.segments import where_sql

        where, params = where_sql(criteria, archived=None)
    if segment is not None:
        from minicrm.store.people.segments import matching_ids_sql

        sql, segment_params = matching_ids_sql(segment)
        where.append(f"c.id IN ({sql})")
        params += segment_params
    if archived is not None:
        where.append("c.archived = ?")
        params.append(archived)
    if tag:
        where.append("EXISTS (SELECT 1 FROM contact_tag t WHERE t.contact_id = c.id AND t.tag = ?)")
        params.append(normalize_tag(tag))
    if company_id is not None:
        where.append("c.company_id = ?")
        params.append(company_id)
    if status:
        where.append("c.status = ?")
        params.append(normalize_status(status))
    if owner_id is not None:
        where.append("c.owner_id = ?")
        params.append(owner_id)
    for key, value in (fields or {}).items():
        where.append(
            "EXISTS (SELECT 1 FROM contact_field f2 WHERE f2.contact_id = c.id AND f2.key = ? AND f2.value_key = ?)"
        )
        params += [key, fold(value)]
    return where, params
