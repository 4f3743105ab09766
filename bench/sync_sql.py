"""Rewrite the forgotten queries in bench/cases.py from minicrm's own (store.followups.forgotten._forgotten_sql).

The floors must run the SQL minicrm runs, without importing minicrm; run this after changing that query (it
writes the SQLite form and the PostgreSQL form, `_PG`):

    python bench/sync_sql.py
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from minicrm.store.followups import forgotten  # noqa: E402


class _Dialect:
    """Stands in for a session: `_forgotten_sql` only reads its `dialect` (a name, or store.dialect's object)."""

    def __init__(self, dialect: str):
        from minicrm.store.core.dialect import for_target

        self.dialect = for_target("x.db" if dialect == "sqlite" else "postgresql://localhost/x")[0]


def inline(kinds: tuple[str, ...], dialect: str = "sqlite") -> str:
    """The query with its parameters written in as the floors' {today}/{cutoff} placeholders."""
    sql, params = forgotten._forgotten_sql(_Dialect(dialect), today=date(2026, 11, 22), days=90, statuses=None,
                                           tag=None, min_value=None, owner_id=None, kinds=kinds)  # fmt: skip
    parts = sql.replace("{", "{{").replace("}", "}}").split("?")
    out = parts[0]
    false = "0" if dialect == "sqlite" else "false"
    for value, rest in zip(params, parts[1:], strict=True):
        if value is False:
            text = false
        elif isinstance(value, datetime):
            text = "'{cutoff}'"
        elif isinstance(value, date | str) and str(value) == "2026-11-22":
            text = "'{today}'"
        else:
            raise SystemExit(f"sync_sql.py does not know how to write the parameter {value!r}: extend inline()")
        out += text + rest
    return out


def constant(name: str, text: str) -> str:
    lines = textwrap.wrap(text, 108, break_on_hyphens=False, drop_whitespace=False)
    return f"{name} = (\n" + "\n".join("    " + json.dumps(line, ensure_ascii=False) for line in lines) + "\n)\n"


def main() -> None:
    path = HERE / "cases.py"
    source = path.read_text(encoding="utf-8")
    for dialect, suffix in (("sqlite", ""), ("postgresql", "_PG")):
        for name, kinds in (("_FORGOTTEN", ("contact", "company")), ("_FORGOTTEN_CONTACTS", ("contact",))):
            name += suffix
            text = constant(name, inline(kinds, dialect))
            source, n = re.subn(rf"^{name} = \(\n(?:    .*\n)*?\)\n", text, source, flags=re.M)
            assert n == 1, name
    path.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    main()
