"""Filters on custom fields: `--field 'turnover>=1000000'`, `since<2020-01-01`, `region=north`, `x!=y`, `note~word`.

Operators: `=` `!=` `>` `<` `>=` `<=`, `~` (contains, text), and a range `NAME=LOW..HIGH` (both ends included).
The operand is read by the field's type (store.people.field_types): numbers compare as numbers (`number`
column), dates as ISO days, choices and text case- and accent-blind (`value_key`); `!=` also matches records
without the field. A filter is parsed once into a dict (kept in saved segments) that `condition` turns into SQL.
`company:NAME` names a company field; on contact lists a name only companies define means the contact's company's.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import N_, _
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold, like_pattern
from minicrm.store.people.field_types import TABLES, FieldDef, check_name, get_definition, normalise

OPERATORS = (">=", "<=", "!=", "=", ">", "<", "~")
_OP = re.compile(r">=|<=|!=|=|>|<|~")
_LOOKS_TYPED = re.compile(r"-?[\d\s.,]+|\d{4}-\d{2}-\d{2}")
HELP = N_("NAME=VALUE, NAME!=VALUE, NAME>N, NAME<=DATE, NAME=LOW..HIGH, NAME~TEXT; company:NAME for a company field")


def parse(session: Session, spec: str, *, entity: str, now: datetime) -> dict[str, Any]:
    """One `--field` filter of a contact (`entity='contact'`) or company list, checked and normalised."""
    found = _OP.search(spec)
    if found is None:
        raise BadInput(_("invalid field filter '{spec}' (expected {expected})").format(spec=spec, expected=_(HELP)))
    name, op, operand = spec[: found.start()].strip(), found.group(0), spec[found.end() :].strip()
    target, explicit = entity, name.lower().startswith("company:")
    if explicit:
        name, target = name[8:].strip(), "company"
    name = check_name(name)
    if not operand:
        raise BadInput(_("invalid field filter '{spec}' (a value after {op})").format(spec=spec, op=op))
    fdef = get_definition(session, name, target)
    if fdef is None and target == "contact" and not explicit:
        fdef = get_definition(session, name, "company")  # a name only companies define: the contact's company's
        target = "company" if fdef is not None else "contact"
    kind = fdef.type if fdef else "text"
    where = _(" in filter '{spec}'").format(spec=spec)
    out: dict[str, Any] = {"for": target, "key": name, "type": kind, "op": op}
    if op == "=" and ".." in operand and kind in ("number", "date"):
        low, _dots, high = operand.partition("..")
        out.update(op="..", value=[_operand(fdef, low, now, where), _operand(fdef, high, now, where)])
        return out
    if kind == "choice" and op not in ("=", "!="):
        raise BadInput(
            _("choice field '{name}' compares with = or != only in filter '{spec}'").format(name=name, spec=spec)
        )
    if op == "~" and kind != "text":
        raise BadInput(
            _("~ (contains) is for text fields; '{name}' is a {kind} field in filter '{spec}'").format(
                name=name, kind=kind, spec=spec
            )
        )
    if fdef is None and op in ("<", ">", "<=", ">=") and _LOOKS_TYPED.fullmatch(operand):
        raise BadInput(
            _(
                "field '{name}' has no type, so {op} would compare text: define it first"
                " (minicrm field define {name} --type number|date{for_company})"
            ).format(name=name, op=op, for_company=" --for company" if target == "company" else "")
        )
    out["value"] = _operand(fdef, operand, now, where)
    return out


def _operand(fdef: FieldDef | None, text: str, now: datetime, where: str) -> Any:
    stored, value_key, number = normalise(fdef, text, now=now, where=where)
    if fdef is not None and fdef.type == "number":
        return number
    return stored if fdef is not None and fdef.type == "date" else value_key


def condition(f: dict[str, Any], owner: str) -> tuple[str, list[Any]]:
    """SQL: record `owner` (`c` for a contact, `co` for a company) passes filter `f`."""
    table, column = TABLES[f["for"]]
    link = f"{owner}.id" if (f["for"] == "company") == (owner == "co") else f"{owner}.company_id"
    compared = {"number": "f.number", "date": "f.value"}.get(f["type"], "f.value_key")
    op, value = f["op"], f["value"]
    params: list[Any] = [f["key"]]
    if op == "..":
        test = f"{compared} >= ? AND {compared} <= ?"
        params += value
    elif op == "~":
        test = f"{compared} LIKE ? ESCAPE '\\'"
        params.append(like_pattern(fold(value)))
    else:
        test = f"{compared} {'=' if op == '!=' else op} ?"
        params.append(value)
    exists = f"EXISTS (SELECT 1 FROM {table} f WHERE f.{column} = {link} AND f.key = ? AND {test})"
    return (f"NOT {exists}" if op == "!=" else exists), params


def describe(f: dict[str, Any], entity: str = "contact") -> str:
    """A filter as the `--field` spec that would recreate it."""
    name = f"company:{f['key']}" if f["for"] == "company" and entity == "contact" else f["key"]
    value = f["value"]
    if f["op"] == "..":
        return f"{name}={_text(value[0])}..{_text(value[1])}"
    return f"{name}{f['op']}{_text(value)}"


def _text(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
