"""Typed custom fields: `field define NAME --type text|number|date|choice [--choices a,b] [--for contact|company]`.

A definition types the values of one custom field key on contacts or on companies. Every value is checked and
normalised when set (numbers by `values.number`, dates by `dates.py` as ISO days, a choice spelled as in its list)
and stored with `value_key` (folded, for case-insensitive text comparisons) and `number` (numbers, compared and
binned in SQL). Keys without a definition are text. Defining a type converts the values already stored, or
refuses naming the first that does not fit; removing it keeps the values as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minicrm.cells import has_control
from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold

TYPES = ("text", "number", "date", "choice")
ENTITIES = ("contact", "company")
TABLES = {"contact": ("contact_field", "contact_id"), "company": ("company_field", "company_id")}
#: Characters a field name cannot hold: they separate the name from the value in filters (`turnover>=1000`).
RESERVED = "=<>!~:,"


@dataclass
class FieldDef:
    name: str
    entity: str
    type: str = "text"
    choices: list[str] = field(default_factory=list)
    values: int | None = None  # how many records have a value (field list)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "for": self.entity, "type": self.type, "choices": self.choices or None,
                "values": self.values}  # fmt: skip


def check_entity(entity: str) -> str:
    key = entity.strip().lower()
    if key not in ENTITIES:
        raise BadInput(_("unknown --for '{entity}' (contact or company)").format(entity=entity))
    return key


def check_name(name: str) -> str:
    value = name.strip()
    if not value or any(c in value for c in RESERVED) or has_control(value):
        raise BadInput(
            _("invalid field name '{name}' (not empty, none of {choices})").format(
                name=name, choices=" ".join(RESERVED)
            )
        )
    return value


def definitions(session: Session, entity: str, names: Iterable[str] | None = None) -> dict[str, FieldDef]:
    """The definitions of `entity`'s fields (only `names` when given), by name."""
    sql, params = "SELECT name, type, choices FROM field_definition WHERE entity = ?", [entity]
    if names is not None:
        wanted = sorted(set(names))
        if not wanted:
            return {}
        sql += f" AND name IN ({', '.join('?' * len(wanted))})"
        params += wanted
    return {r["name"]: FieldDef(r["name"], entity, r["type"], json.loads(r["choices"] or "[]"))
            for r in session.all(sql, params)}  # fmt: skip


def get_definition(session: Session, name: str, entity: str) -> FieldDef | None:
    return definitions(session, entity, [name.strip()]).get(name.strip())


def normalise(fdef: FieldDef | None, value: str, *, now: datetime, where: str = "") -> tuple[str, str, float | None]:
    """(stored value, value_key, number) of `value` for a field of definition `fdef` (None: text)."""
    value = value.strip()
    what = _("{name} value{where}").format(name=fdef.name if fdef else "", where=where)  # used when fdef is set
    if fdef is None or fdef.type == "text":
        return value, fold(value), None
    if fdef.type == "number":
        from minicrm.values.number import number_text, parse_number

        number = parse_number(value, what)
        return number_text(number), number_text(number), float(number)
    if fdef.type == "date":
        from minicrm.dates import parse_date

        day = parse_date(value, now=now).isoformat()
        return day, day, None
    for choice in fdef.choices:
        if fold(choice) == fold(value):
            return choice, fold(choice), None
    raise BadInput(
        _("invalid {what} '{value}' (one of: {choices})").format(
            what=what, value=value, choices=", ".join(fdef.choices)
        )
    )


def store_fields(session: Session, entity: str, owner_id: int, fields: dict[str, str], *, now: datetime) -> None:
    """Set (an empty value: remove) custom fields of one contact or company, checked against their definitions."""
    table, column = TABLES[entity]
    defs = definitions(session, entity, fields)
    for key, value in fields.items():
        session.execute(f"DELETE FROM {table} WHERE {column} = ? AND key = ?", (owner_id, key))
        if value.strip() != "":
            stored, value_key, number = normalise(defs.get(key), value, now=now)
            session.execute(
                f"INSERT INTO {table} ({column}, key, value, value_key, number) VALUES (?, ?, ?, ?, ?)",
                (owner_id, key, stored, value_key, number),
            )


def define_field(session: Session, name: str, *, type: str, entity: str = "contact", choices: Iterable[str] = (),
                 now: datetime, user_id: int | None = None) -> tuple[FieldDef, int]:  # fmt: skip
    """Create or change a definition and convert the values stored under that key; returns (it, values converted)."""
    name, entity, kind = check_name(name), check_entity(entity), type.strip().lower()
    if kind not in TYPES:
        raise BadInput(_("unknown field type '{type}' (one of: {choices})").format(type=type, choices=", ".join(TYPES)))
    listed = list(dict.fromkeys(" ".join(c.split()) for c in choices if c.strip()))
    if kind == "choice" and not listed:
        raise BadInput(_("a choice field needs its choices: --choices a,b,c"))
    if kind != "choice" and listed:
        raise BadInput(_("--choices is for choice fields, not {kind}").format(kind=kind))
    if len({fold(c) for c in listed}) != len(listed):
        raise BadInput(_("choices differ only in case or accents: {choices}").format(choices=", ".join(listed)))
    fdef = FieldDef(name, entity, kind, listed)
    table, column = TABLES[entity]
    with session.write():
        old = get_definition(session, name, entity)
        payload = json.dumps(listed, ensure_ascii=False) if listed else None
        if old is None:
            session.execute(
                "INSERT INTO field_definition (entity, name, type, choices, created_at) VALUES (?, ?, ?, ?, ?)",
                (entity, name, kind, payload, now),
            )
        else:
            session.execute("UPDATE field_definition SET type = ?, choices = ? WHERE entity = ? AND name = ?",
                            (kind, payload, entity, name))  # fmt: skip
        rows = session.all(f"SELECT {column} AS owner, value FROM {table} WHERE key = ? ORDER BY {column}", (name,))
        for r in rows:
            stored, value_key, number = normalise(
                fdef,
                r["value"],
                now=now,
                where=(_(" of contact {name}") if entity == "contact" else _(" of company {name}")).format(
                    name=r["owner"]
                ),
            )
            session.execute(
                f"UPDATE {table} SET value = ?, value_key = ?, number = ? WHERE {column} = ? AND key = ?",
                (stored, value_key, number, r["owner"], name),
            )
        audit.record(session, entity="field", entity_id=0, action="create" if old is None else "update", now=now,
                     user_id=user_id, changes={"name": (None if old is None else name, name),
                                               "type": (None if old is None else old.type, kind)})  # fmt: skip
    return fdef, len(rows)


def list_fields(session: Session, entity: str | None = None) -> list[FieldDef]:
    """Every defined field, and every other key in use (as text), with how many records have a value."""
    out: list[FieldDef] = []
    for ent in [check_entity(entity)] if entity else list(ENTITIES):
        table, _column = TABLES[ent]
        defs = definitions(session, ent)
        counts = {r["key"]: r["n"] for r in session.all(f"SELECT key, count(*) AS n FROM {table} GROUP BY key")}
        for name in sorted(set(defs) | set(counts), key=lambda n: (fold(n), n)):
            fdef = defs.get(name) or FieldDef(name, ent)
            fdef.values = counts.get(name, 0)
            out.append(fdef)
    return out


def remove_field(session: Session, name: str, *, entity: str = "contact", now: datetime,
                 user_id: int | None = None) -> int:  # fmt: skip
    """Drop a definition: its values stay, as text. Returns how many values there are."""
    name, entity = name.strip(), check_entity(entity)
    table, _column = TABLES[entity]
    with session.write():
        if get_definition(session, name, entity) is None:
            said = (_("no contact field '{name}' is defined (see: minicrm field list)") if entity == "contact"
                    else _("no company field '{name}' is defined (see: minicrm field list)"))  # fmt: skip
            raise NotFound(said.format(name=name))
        session.execute("DELETE FROM field_definition WHERE entity = ? AND name = ?", (entity, name))
        session.execute(f"UPDATE {table} SET number = NULL WHERE key = ?", (name,))
        audit.record(session, entity="field", entity_id=0, action="delete", now=now, user_id=user_id,
                     changes={"name": (name, None)})  # fmt: skip
        kept: int = session.scalar(f"SELECT count(*) FROM {table} WHERE key = ?", (name,))
    return kept


def fill_value_keys(session: Session) -> None:
    """Fill `value_key` where it is missing (rows loaded from a document older than 0017), as 0017 did."""
    with session.write():
        for table, _entity in TABLES.values():
            values = [r["value"] for r in session.all(f"SELECT DISTINCT value FROM {table} WHERE value_key IS NULL")]
            session.executemany(f"UPDATE {table} SET value_key = ? WHERE value = ? AND value_key IS NULL",
                                [(fold(v), v) for v in values])  # fmt: skip
