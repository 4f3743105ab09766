"""A company's own card (vCard `KIND:org`, Apple's `X-ABShowAs:COMPANY`) becomes a company, not a person.

Matched by name (company names are unique, case and accents ignored); a card met twice in one file is merged.
Few cards are company cards, so they are written one by one through the companies service (audit, search).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.exchange.importing.planning import chunked, lookup_ids
from minicrm.store.exchange.importing.records import Candidate, PlanItem, fold_key

#: The company columns a card fills.
COLUMNS = ("phone", "email", "website", "address", "city", "region", "postcode", "country", "notes")


@dataclass
class CompanyOp:
    item: PlanItem
    cand: Candidate
    values: dict[str, Any]  # COLUMNS → value (None: the card says nothing)
    fields: dict[str, str]
    sets: dict[str, Any] = field(default_factory=dict)  # an update: what changes
    add_tags: list[str] = field(default_factory=list)
    set_fields: dict[str, str] = field(default_factory=dict)


def values_of(cand: Candidate) -> tuple[dict[str, Any], dict[str, str]]:
    """The card as company columns and custom fields: the first phone and e-mail in columns, the rest in fields."""
    fields = {k: v for k, v in cand.fields.items() if k != "website"}
    values: dict[str, Any] = {
        "phone": cand.phones[0][0] if cand.phones else None,
        "email": cand.emails[0][0] if cand.emails else None,
        "website": cand.fields.get("website"),
        "address": cand.address,
        "city": cand.city,
        "region": cand.region,
        "postcode": cand.postcode,
        "country": cand.country,
        "notes": cand.notes,
    }
    for n, (phone, _label) in enumerate(cand.phones[1:], 2):
        fields[f"phone {n}"] = phone
    for n, (email, _label) in enumerate(cand.emails[1:], 2):
        fields[f"email {n}"] = email
    return values, fields


def plan(session: Session, cands: Sequence[Candidate], *, on_duplicate: str) -> list[CompanyOp]:
    """create / update / unchanged / skip / merge for each company card; reads only."""
    if not cands:
        return []
    known = lookup_ids(
        session, "SELECT name_key, id FROM company WHERE name_key IN ({marks})", [fold_key(c.name) for c in cands],
        "company",
    )  # fmt: skip
    existing = _load(session, list(set(known.values())))
    pending: dict[str, CompanyOp] = {}
    ops = []
    for cand in cands:
        key = fold_key(cand.name)
        values, fields = values_of(cand)
        op = CompanyOp(PlanItem(cand.line, "create", cand.name, kind="company"), cand, values, fields)
        ops.append(op)
        item = op.item
        earlier = pending.get(key)
        if earlier is not None:
            item.match, item.action = "file", "merge" if on_duplicate == "update" else "skip"
            if item.action == "merge":
                for k, v in values.items():
                    if earlier.values.get(k) is None:
                        earlier.values[k] = v
                earlier.fields = {**fields, **earlier.fields}
                earlier.cand.tags = sorted({*earlier.cand.tags, *cand.tags})
                item.changes = [_("merged into line {line}").format(line=earlier.item.line)]
            continue
        if key not in known:
            pending[key] = op
            continue
        item.contact_id, item.match = known[key], "name"
        if on_duplicate != "update":
            item.action = "skip"  # names are unique: even --on-duplicate create cannot make a second one
            continue
        row, tags, old_fields = existing[known[key]]
        op.sets = {k: v for k, v in values.items() if v is not None and v != row[k]}
        op.add_tags = [t for t in cand.tags if t not in tags]
        op.set_fields = {k: v for k, v in fields.items() if old_fields.get(k) != v}
        item.changes = [*op.sets] + (["+tags"] if op.add_tags else []) + [f"field:{k}" for k in op.set_fields]
        item.action = "update" if item.changes else "unchanged"
    return ops


def _load(session: Session, ids: list[int]) -> dict[int, tuple[dict[str, Any], set[str], dict[str, str]]]:
    out: dict[int, tuple[dict[str, Any], set[str], dict[str, str]]] = {}
    for chunk in chunked(ids):
        marks = ", ".join("?" * len(chunk))
        for r in session.all(f"SELECT * FROM company WHERE id IN ({marks})", chunk):
            out[r["id"]] = (dict(r), set(), {})
        for r in session.all(f"SELECT company_id, tag FROM company_tag WHERE company_id IN ({marks})", chunk):
            out[r[0]][1].add(r[1])
        for r in session.all(f"SELECT company_id, key, value FROM company_field WHERE company_id IN ({marks})", chunk):
            out[r[0]][2][r[1]] = r[2]
    return out


def apply(session: Session, ops: Sequence[CompanyOp], *, now: datetime, user_id: int | None) -> list[str]:
    """Write the plan (in the caller's transaction); returns the names of the companies created."""
    from minicrm.store.people.companies import create_company, update_company

    created = []
    for op in ops:
        if op.item.action == "create":
            values = {k: v for k, v in op.values.items() if v is not None}
            op.item.contact_id = create_company(
                session, name=op.cand.name, now=now, user_id=user_id, tags=op.cand.tags, fields=op.fields, **values
            )
            created.append(op.cand.name)
        elif op.item.action == "update":
            assert op.item.contact_id is not None  # plan() gives an update the company it matched
            update_company(session, op.item.contact_id, now=now, user_id=user_id, add_tags=op.add_tags,
                           fields=op.set_fields, **op.sets)  # fmt: skip
    return created
