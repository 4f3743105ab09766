"""Saved segments: named contact filters: every filter `contact list` accepts.

A definition is a small JSON object; every criterion given must hold (tags: all of them; statuses, sources,
regions, industries, cities, owners, companies: any of the listed values; fields: every key=value, case- and
accent-blind; field_filters: every typed comparison, store.people.field_filters). Archived contacts never match.
`where_sql` turns one or more definitions into SQL over `contact c`, so callers filter in the database.
A region is the contact's own, else its company's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import N_, _
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.core.text import fold
from minicrm.store.people.fields import normalize_status, normalize_tag
from minicrm.store.people.refs import as_id

KEYS = ("tags", "statuses", "fields", "industries", "cities", "sources", "regions", "owners", "companies",
        "field_filters")  # fmt: skip
FILTER_HELP = N_(
    "tag=T, status=S, industry=I, city=C, source=S, region=R, owner=USER, company=REF, field:KEY=VALUE,"
    " field:KEY>=N (any comparison of --field) or segment=NAME"
)
#: Lists of text matched case-blind (any of them), and the SQL value each is compared with.
_TEXT_LISTS = {
    "industries": "(SELECT co.industry FROM company co WHERE co.id = c.company_id)",
    "cities": "(SELECT co.city FROM company co WHERE co.id = c.company_id)",
    "sources": "c.source",
    "regions": "COALESCE(c.region, (SELECT co.region FROM company co WHERE co.id = c.company_id))",
}


def definition(
    *,
    tags: Iterable[str] = (),
    statuses: Iterable[str] = (),
    fields: dict[str, str] | None = None,
    industries: Iterable[str] = (),
    cities: Iterable[str] = (),
    sources: Iterable[str] = (),
    regions: Iterable[str] = (),
    owners: Iterable[int] = (),
    companies: Iterable[int] = (),
    field_filters: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A checked, normalised definition holding only the criteria given."""
    out: dict[str, Any] = {}
    if tags := sorted({normalize_tag(t) for t in tags}):
        out["tags"] = tags
    if statuses := sorted({normalize_status(s) for s in statuses}):
        out["statuses"] = statuses
    if fields:
        for key, value in fields.items():
            if not key.strip() or not value.strip():
                raise BadInput(
                    _("invalid field filter '{key}={value}' (expected key=value)").format(key=key, value=value)
                )
        out["fields"] = {k.strip(): v.strip() for k, v in sorted(fields.items())}
    for key, values in (("industries", industries), ("cities", cities), ("sources", sources), ("regions", regions)):
        cleaned = sorted({" ".join(v.split()) for v in values})
        if any(not v for v in cleaned):
            raise BadInput(_("empty {key} filter").format(key=key))
        if cleaned:
            out[key] = cleaned
    for key, ids in (("owners", owners), ("companies", companies)):
        if listed := sorted(set(ids)):
            out[key] = listed
    if filters := list(field_filters):
        out["field_filters"] = filters
    return out


def parse_filters(session: Session, specs: Sequence[str], *, now: datetime | None = None) -> dict[str, Any]:
    """`--add-filter` specs (`tag=vip`, `status=client`, `city=Berlin`, `segment=NAME`...) as one definition."""
    from minicrm.store.people import field_filters

    lists: dict[str, list[Any]] = {k: [] for k in ("tags", "statuses", "industries", "cities", "sources", "regions",
                                                   "owners", "companies", "field_filters")}  # fmt: skip
    fields: dict[str, str] = {}
    merged: list[dict[str, Any]] = []
    named = {"tag": "tags", "status": "statuses", "industry": "industries", "city": "cities", "source": "sources",
             "region": "regions"}  # fmt: skip
    for spec in specs:
        key, sep, value = spec.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key.startswith("field:") and key[6:].strip():
            lists["field_filters"].append(
                field_filters.parse(session, spec.strip()[6:], entity="contact", now=now or datetime.now())
            )
            continue
        if not sep or not value:
            raise BadInput(
                _("invalid filter '{spec}' (expected {expected})").format(spec=spec, expected=_(FILTER_HELP))
            )
        if key in named:
            lists[named[key]].append(value)
        elif key == "owner":
            from minicrm.store.people.users import resolve_user

            lists["owners"].append(resolve_user(session, value))
        elif key == "company":
            from minicrm.store.people.refs import resolve_company

            lists["companies"].append(resolve_company(session, value))
        elif key == "segment":
            merged.append(get_segment(session, value).definition)
        else:
            raise BadInput(
                _("unknown filter '{spec}' (expected {expected})").format(spec=spec, expected=_(FILTER_HELP))
            )
    own = definition(fields=fields, **lists)
    return combine([own, *merged])


def combine(definitions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """All definitions at once (AND): tags, fields and field filters add up, value lists intersect."""
    out: dict[str, Any] = {}
    for d in definitions:
        for key, value in d.items():
            if key == "tags":
                out["tags"] = sorted(set(out.get("tags", [])) | set(value))
            elif key == "field_filters":
                out["field_filters"] = [
                    *out.get("field_filters", []),
                    *(f for f in value if f not in out.get("field_filters", [])),
                ]
            elif key == "fields":
                for k, v in value.items():
                    if k in out.get("fields", {}) and fold(out["fields"][k]) != fold(v):
                        out["nothing"] = True
                    out.setdefault("fields", {})[k] = v
            elif key == "nothing":
                out["nothing"] = True
            elif key in ("owners", "companies"):
                kept_ids = sorted(set(out.get(key, value)) & set(value))
                if not kept_ids:
                    out["nothing"] = True
                out[key] = kept_ids or list(value)
            else:
                mine = {fold(v) for v in out.get(key, value)}
                kept = sorted(v for v in value if fold(v) in mine)
                if not kept:
                    out["nothing"] = True
                out[key] = kept or list(value)
    return out


def where_sql(d: dict[str, Any], *, archived: bool | None = False) -> tuple[list[str], list[Any]]:
    """SQL conditions over `contact c` for definition `d` (archived contacts only when `archived` says)."""
    from minicrm.store.people.field_filters import condition

    where: list[str] = []
    params: list[Any] = []
    if archived is not None:
        where.append("c.archived = ?")
        params.append(archived)
    if d.get("nothing"):
        where.append("1 = 0")
    for tag in d.get("tags", []):
        where.append("EXISTS (SELECT 1 FROM contact_tag t WHERE t.contact_id = c.id AND t.tag = ?)")
        params.append(tag)
    if statuses := d.get("statuses"):
        where.append(f"c.status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    for key, value in d.get("fields", {}).items():
        where.append(
            "EXISTS (SELECT 1 FROM contact_field f WHERE f.contact_id = c.id AND f.key = ? AND f.value_key = ?)"
        )
        params += [key, fold(value)]
    for key, expr in _TEXT_LISTS.items():
        if values := d.get(key):
            where.append(f"lower({expr}) IN ({', '.join('?' * len(values))})")
            params += [v.lower() for v in values]
    for key, column in (("owners", "c.owner_id"), ("companies", "c.company_id")):
        if ids := d.get(key):
            where.append(f"{column} IN ({', '.join('?' * len(ids))})")
            params += ids
    for f in d.get("field_filters", []):
        sql, more = condition(f, "c")
        where.append(sql)
        params += more
    return where, params


def describe(d: dict[str, Any]) -> str:
    """A definition as the filter specs that would recreate it."""
    from minicrm.store.people.field_filters import describe as describe_filter

    parts = [f"tag={t}" for t in d.get("tags", [])]
    parts += [f"status={s}" for s in d.get("statuses", [])]
    parts += [f"field:{k}={v}" for k, v in d.get("fields", {}).items()]
    for key, label in (("industries", "industry"), ("cities", "city"), ("sources", "source"), ("regions", "region"),
                       ("owners", "owner"), ("companies", "company")):  # fmt: skip
        parts += [f"{label}={v}" for v in d.get(key, [])]
    parts += [f"field:{describe_filter(f)}" for f in d.get("field_filters", [])]
    if d.get("nothing"):
        parts.append("(contradictory: matches nobody)")
    return " ".join(parts) or "(all contacts)"


def matching_ids_sql(d: dict[str, Any]) -> tuple[str, list[Any]]:
    where, params = where_sql(d)
    return "SELECT c.id FROM contact c WHERE " + " AND ".join(where), params


def count_matching(session: Session, d: dict[str, Any]) -> int:
    where, params = where_sql(d)
    count: int = session.scalar("SELECT count(*) FROM contact c WHERE " + " AND ".join(where), params)
    return count


# -- saved segments --------------------------------------------------------------------------


@dataclass
class Segment:
    id: int
    name: str
    definition: dict[str, Any]
    created_at: datetime | None = None
    updated_at: datetime | None = None
    contacts: int | None = None
    campaigns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "definition": self.definition,
            "filter": describe(self.definition),
            "contacts": self.contacts,
            "campaigns": self.campaigns,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise BadInput(_("a segment needs a name"))
    if as_id(name) is not None:
        raise BadInput(
            _("invalid segment name '{name}' (not a number: ids and names must not be confused)").format(name=name)
        )
    return name


def save_segment(
    session: Session, name: str, d: dict[str, Any], *, now: datetime, user_id: int | None = None
) -> tuple[int, bool]:
    """Create or replace the segment `name`; returns (id, created)."""
    name = _check_name(name)
    if not d:
        raise BadInput(
            _(
                "a segment needs at least one filter (--tag, --status, --field, --industry, --city, --source,"
                " --region, --owner, --company)"
            )
        )
    payload = json.dumps(d, ensure_ascii=False, sort_keys=True)
    with session.write():
        old = session.one("SELECT id, definition FROM saved_segment WHERE name_key = ?", (fold(name),))
        if old is None:
            seg_id = session.insert(
                "INSERT INTO saved_segment (name, name_key, definition, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, fold(name), payload, user_id, now, now),
            )
            changes = {"name": (None, name), "definition": (None, payload)}
        else:
            seg_id = old["id"]
            session.execute(
                "UPDATE saved_segment SET name = ?, definition = ?, updated_at = ? WHERE id = ?",
                (name, payload, now, seg_id),
            )
            changes = {"definition": (old["definition"], payload)}
        audit.record(
            session,
            entity="segment",
            entity_id=seg_id,
            action="create" if old is None else "update",
            now=now,
            user_id=user_id,
            changes=changes,
        )
    return seg_id, old is None


def resolve_segment(session: Session, ref: str) -> int:
    ref = ref.strip()
    row: int | None
    if (ident := as_id(ref)) is not None:
        row = session.scalar("SELECT id FROM saved_segment WHERE id = ?", (ident,))
    else:
        row = session.scalar("SELECT id FROM saved_segment WHERE name_key = ?", (fold(ref),))
    if row is None:
        raise NotFound(_("no segment named '{ref}' (see: minicrm segment list)").format(ref=ref))
    return row


def get_segment(session: Session, ref: str | int) -> Segment:
    seg_id = ref if isinstance(ref, int) else resolve_segment(session, ref)
    row = session.one("SELECT * FROM saved_segment WHERE id = ?", (seg_id,))
    if row is None:
        raise NotFound(_("no segment with id {id}").format(id=seg_id))
    seg = Segment(row["id"], row["name"], json.loads(row["definition"]), row["created_at"], row["updated_at"])
    seg.campaigns = [
        r["name"] for r in session.all("SELECT name FROM campaign WHERE segment_id = ? ORDER BY id", (seg_id,))
    ]
    return seg


def list_segments(session: Session, *, counts: bool = True) -> list[Segment]:
    rows = session.all("SELECT id FROM saved_segment ORDER BY name_key")
    segments = [get_segment(session, r["id"]) for r in rows]
    if counts:
        for seg in segments:
            seg.contacts = count_matching(session, seg.definition)
    return segments


def delete_segment(session: Session, ref: str, *, now: datetime, user_id: int | None = None) -> str:
    """Delete a segment; campaigns that targeted it keep a copy of its filter."""
    seg = get_segment(session, ref)
    with session.write():
        session.execute(
            "UPDATE campaign SET target = ?, segment_id = NULL WHERE segment_id = ?",
            (json.dumps(seg.definition, ensure_ascii=False, sort_keys=True), seg.id),
        )
        session.execute("DELETE FROM saved_segment WHERE id = ?", (seg.id,))
        audit.record(
            session,
            entity="segment",
            entity_id=seg.id,
            action="delete",
            now=now,
            user_id=user_id,
            changes={"name": (seg.name, None)},
        )
    return seg.name
