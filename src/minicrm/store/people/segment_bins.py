"""`report segments --by field:NAME`: how contacts group by a custom field of theirs or of their company.

Numbers fall in bins by powers of ten, each from its lower bound up to (not including) the next: `below 0`,
`0 – 10`, `10 – 100`, `100 – 1k`, `1k – 10k` ... `100T – 1000T`; dates by year; text and choices by value (text
case-blind, shown in its alphabetically first spelling). Contacts without a value are `(none)`. A name only
companies define is read from each contact's company.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.people.field_types import get_definition

#: Upper bounds of the number bins: 10, 100, ... 10^15 (the largest number a field holds).
BOUNDS = [10**n for n in range(1, 16)]
NONE = "(none)"


def _short(n: int) -> str:
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "k")):
        if n >= size:
            return f"{n // size}{suffix}"
    return str(n)


#: Bin labels in order: below 0, then [0, 10), [10, 100)...
LABELS = ["below 0", *(f"{_short(low)} – {_short(high)}" for low, high in zip([0, *BOUNDS], BOUNDS, strict=False))]


def field_grouping(session: Session, name: str) -> tuple[str, str, list[Any], Callable[[Any], Any] | None]:
    """(SQL of a contact's group, the joins it needs, their params, the sort of the groups or None: by size)."""
    fdef = get_definition(session, name, "contact")
    entity = "contact"
    if fdef is None and (company := get_definition(session, name, "company")) is not None:
        fdef, entity = company, "company"
    join = (" LEFT JOIN contact_field f ON f.contact_id = c.id AND f.key = ?" if entity == "contact" else
            " LEFT JOIN company_field f ON f.company_id = c.company_id AND f.key = ?")  # fmt: skip
    kind = fdef.type if fdef else "text"
    if kind == "number":
        cases = " ".join(f"WHEN f.number < {bound} THEN '{label}'" for bound, label in zip([0, *BOUNDS], LABELS,
                                                                                              strict=True))  # fmt: skip
        key = f"CASE WHEN f.number IS NULL THEN '{NONE}' {cases} ELSE '{LABELS[-1]}' END"
        rank = {label: i for i, label in enumerate(LABELS)}
        return key, join, [name], lambda r: rank.get(r["seg"], len(LABELS))
    if kind == "date":
        key = f"coalesce(substr(f.value, 1, 4), '{NONE}')"
        return key, join, [name], lambda r: (r["seg"] == NONE, r["seg"])
    if kind == "choice":
        return f"coalesce(f.value, '{NONE}')", join, [name], None
    # text: one group per value whatever its case, named by its alphabetically first spelling
    table = "contact_field" if entity == "contact" else "company_field"
    first = f"(SELECT min(g.value) FROM {table} g WHERE g.key = f.key AND g.value_key = f.value_key)"
    return f"coalesce({first}, '{NONE}')", join, [name], None
