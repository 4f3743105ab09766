"""Companies (counterparties): create, read, list, edit, delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput, Conflict, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit, events
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import Company, check_revision
from minicrm.store.core.text import fold
from minicrm.store.people import search
from minicrm.store.people.cadence import id_chunks, reschedule
from minicrm.store.people.domains import refresh_company_domains
from minicrm.store.people.fields import normalize_tag

EDITABLE = (
    "name",
    "industry",
    "city",
    "region",
    "country",
    "website",
    "address",
    "postcode",
    "tax_id",
    "phone",
    "email",
    "notes",
    "owner_id",
    "cadence_days",
    "archived",
)


def _check_unique(session: Session, name: str, company_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise BadInput(_("a company needs a name"))
    other = session.one("SELECT id, name FROM company WHERE name_key = ?", (fold(name),))
    if other is not None and other["id"] != company_id:
        raise Conflict(
            _("a company named '{name}' already exists (id {id})").format(name=other["name"], id=other["id"])
        )
    return name


@limited
def create_company(
    session: Session,
    *,
    name: str,
    now: datetime,
    user_id: int | None = None,
    tags: Iterable[str] = (),
    fields: dict[str, str] | None = None,
    **values: Any,
) -> int:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown company fields: {choices}").format(choices=", ".join(sorted(unknown))))
    tags = sorted({normalize_tag(t) for t in tags})
    events.check(session, "company.created", change={"name": name, "tags": tags, "fields": fields or {}, **values})
    with session.write():
        name = _check_unique(session, name)
        columns = {
            "name": name,
            "name_key": fold(name),
            "archived": False,
            "created_by": user_id,
            "created_at": now,
            "updated_at": now,
            "revision": 1,
            **values,
        }
        company_id = session.insert(
            f"INSERT INTO company ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()),
        )
        for tag in tags:
            session.execute("INSERT INTO company_tag (company_id, tag) VALUES (?, ?)", (company_id, tag))
        _set_fields(session, company_id, fields or {}, now=now)
        search.index_company(session, company_id)
        if values.get("email") or values.get("website"):
            refresh_company_domains(session, company_id)
        audit.record(
            session,
            entity="company",
            entity_id=company_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={k: (None, v) for k, v in columns.items() if v is not None and k not in ("name_key", "created_at")},
        )
        events.emit(session, "company.created", lambda: get_company(session, company_id).to_json())
    return company_id


def _set_fields(session: Session, company_id: int, fields: dict[str, str], *, now: datetime) -> None:
    from minicrm.store.people.field_types import store_fields

    store_fields(session, "company", company_id, fields, now=now)


@limited
def update_company(
    session: Session,
    company_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    fields: dict[str, str] | None = None,
    expected_revision: int | None = None,
    **values: Any,
) -> None:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown company fields: {choices}").format(choices=", ".join(sorted(unknown))))
    add_tags = sorted({normalize_tag(t) for t in add_tags})
    change = {**values, "add_tags": add_tags, "remove_tags": list(remove_tags), "fields": fields}
    events.check(session, "company.updated", record=lambda: get_company(session, company_id).to_json(), change=change)
    with session.write():
        row = session.one("SELECT * FROM company WHERE id = ?", (company_id,))
        assert row is not None  # callers pass the id of an existing company
        before = events.snapshot(session, "company.updated", lambda: get_company(session, company_id).to_json())
        old = dict(row)
        check_revision("company", company_id, old["revision"], expected_revision)
        if "name" in values:
            values["name"] = _check_unique(session, values["name"], company_id)
            values["name_key"] = fold(values["name"])
        changes = audit.diff(old, values)
        changes.pop("name_key", None)
        sets = {**values, "updated_at": now, "revision": old["revision"] + 1}
        session.execute(
            f"UPDATE company SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", [*sets.values(), company_id]
        )
        for tag in remove_tags:
            session.execute(
                "DELETE FROM company_tag WHERE company_id = ? AND tag = ?", (company_id, normalize_tag(tag))
            )
        for tag in add_tags:
            if session.scalar("SELECT 1 FROM company_tag WHERE company_id = ? AND tag = ?", (company_id, tag)) is None:
                session.execute("INSERT INTO company_tag (company_id, tag) VALUES (?, ?)", (company_id, tag))
        _set_fields(session, company_id, fields or {}, now=now)
        if "email" in values or "website" in values:
            refresh_company_domains(session, company_id)
        if "cadence_days" in changes:
            reschedule(session, where="c.company_id = ?", params=[company_id], now=now, user_id=user_id,
                       reason=f"company cadence {values['cadence_days'] or 'removed'}")  # fmt: skip
        if add_tags:
            changes["+tags"] = (None, add_tags)
        if remove_tags:
            changes["-tags"] = (list(remove_tags), None)
        for key, value in (fields or {}).items():
            changes[f"field:{key}"] = (None, value or None)
        search.index_company(session, company_id)
        audit.record(
            session, entity="company", entity_id=company_id, action="update", now=now, user_id=user_id, changes=changes
        )
        events.emit(session, "company.updated", lambda: get_company(session, company_id).to_json(), before=before)


def delete_company(session: Session, company_id: int, *, now: datetime, user_id: int | None = None) -> tuple[str, int]:
    """Delete a company; its people stay (without a company). Returns (name, people detached)."""
    with session.write():
        old = session.one("SELECT name FROM company WHERE id = ?", (company_id,))
        assert old is not None  # callers pass the id of an existing company
        people = [r["id"] for r in session.all("SELECT id FROM contact WHERE company_id = ?", (company_id,))]
        search.unindex_company(session, company_id)
        search.unindex_company_interactions(session, company_id)  # those with it alone go with it
        session.execute("DELETE FROM interaction WHERE company_id = ? AND contact_id IS NULL", (company_id,))
        session.execute("DELETE FROM company WHERE id = ?", (company_id,))
        for contact_id in people:
            search.index_contact(session, contact_id)
        for where, ids in id_chunks(people):  # the company's cadence no longer applies to them
            reschedule(session, where=where, params=ids, now=now, user_id=user_id, reason="company deleted")
        audit.record(
            session,
            entity="company",
            entity_id=company_id,
            action="delete",
            now=now,
            user_id=user_id,
            changes={"name": (old["name"], None)},
        )
    return old["name"], len(people)


def newest_of(people_last: str) -> str:
    """SQL: company `co`'s last contact: the newer of `people_last` (its contacts' newest, a subquery) and its own
    `last_interaction_at` (interactions with the company itself); NULL when neither."""
    return f"(SELECT max(n.at) FROM (SELECT {people_last} AS at UNION ALL SELECT co.last_interaction_at) n)"


_SELECT = (
    "SELECT co.*, u.name AS owner,"
    " (SELECT count(*) FROM contact c WHERE c.company_id = co.id AND c.archived = ?) AS people,"
    f" {newest_of('(SELECT max(c.last_interaction_at) FROM contact c WHERE c.company_id = co.id)')} AS last_at"
    " FROM company co LEFT JOIN app_user u ON u.id = co.owner_id"
)


def _hydrate(session: Session, rows: Sequence[Any]) -> list[Company]:
    from datetime import datetime as dt

    companies = []
    for r in rows:
        last = r["last_at"]
        companies.append(
            Company(
                id=r["id"],
                name=r["name"],
                industry=r["industry"],
                city=r["city"],
                region=r["region"],
                country=r["country"],
                website=r["website"],
                address=r["address"],
                postcode=r["postcode"],
                tax_id=r["tax_id"],
                phone=r["phone"],
                email=r["email"],
                notes=r["notes"],
                owner=r["owner"],
                cadence_days=r["cadence_days"],
                archived=bool(r["archived"]),
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                revision=r["revision"],
                contacts=r["people"],
                last_interaction_at=dt.fromisoformat(last) if isinstance(last, str) else last,
            )
        )
    by_id = {c.id: c for c in companies}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in session.all(
            f"SELECT company_id, tag FROM company_tag WHERE company_id IN ({marks}) ORDER BY tag", chunk
        ):
            by_id[r["company_id"]].tags.append(r["tag"])
        for r in session.all(
            f"SELECT company_id, key, value FROM company_field WHERE company_id IN ({marks}) ORDER BY key", chunk
        ):
            by_id[r["company_id"]].fields[r["key"]] = r["value"]
    return companies


def get_company(session: Session, company_id: int) -> Company:
    rows = session.all(_SELECT + " WHERE co.id = ?", (False, company_id))
    if not rows:
        raise NotFound(_("no company with id {id}").format(id=company_id))
    return _hydrate(session, rows)[0]


def list_companies(
    session: Session,
    *,
    tag: str | None = None,
    industry: str | None = None,
    city: str | None = None,
    owner_id: int | None = None,
    search_text: str | None = None,
    sort: str = "name",
    limit: int | None = None,
    archived: bool | None = False,
    regions: Sequence[str] = (),
    field_filters: Sequence[dict[str, Any]] = (),
) -> list[Company]:
    """Companies matching every filter (`field_filters`: store.people.field_filters, parsed for companies)."""
    from minicrm.store.people.field_filters import condition

    where: list[str] = []
    params: list[Any] = [False]
    if regions:
        where.append(f"lower(co.region) IN ({', '.join('?' * len(regions))})")
        params += [r.strip().lower() for r in regions]
    for f in field_filters:
        sql, more = condition(f, "co")
        where.append(sql)
        params += more
    if archived is not None:
        where.append("co.archived = ?")
        params.append(archived)
    if tag:
        where.append("EXISTS (SELECT 1 FROM company_tag t WHERE t.company_id = co.id AND t.tag = ?)")
        params.append(normalize_tag(tag))
    if industry:
        where.append("lower(co.industry) = lower(?)")
        params.append(industry)
    if city:
        where.append("lower(co.city) = lower(?)")
        params.append(city)
    if owner_id is not None:
        where.append("co.owner_id = ?")
        params.append(owner_id)
    if search_text:
        matched = search.matching(session, "company_fts", search_text)
        if matched is None:
            return []
        where.append(f"co.id IN (SELECT fid FROM ({matched[0]}) f)")
        params += matched[1]
    orders = {"name": "co.name_key, co.id", "last": "last_at IS NULL, last_at DESC, co.id", "created": "co.id DESC"}
    if sort not in orders:
        raise BadInput(_("unknown sort '{sort}' (one of: {choices})").format(sort=sort, choices=", ".join(orders)))
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {orders[sort]}"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return _hydrate(session, session.all(sql, params))
