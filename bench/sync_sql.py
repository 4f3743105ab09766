"""Rewrite the forgotten SQL in bench/cases.py from minicrm's own (store.followups.forgotten), for both backends.

The floors must run the SQL minicrm runs, without importing minicrm. `forgotten --limit 50` is several statements
whose numbers come from the rows before (cases.forgotten_rows runs them in minicrm's order: the forgotten among
the most valuable contacts, the longest silence, each kind's best above its floor, the rest if short);
`remind` counts the forgotten contacts with one statement. This writes each of them with its parameters in
(`{today}`, `{cutoff}`, `{floor}`, `{visit}`, `{bound}`, `{limit}`), in SQLite form and in PostgreSQL form (`_PG`).
Run it after changing those queries:

    python bench/sync_sql.py
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from minicrm.store.followups import forgotten  # noqa: E402

TODAY = date(2026, 11, 22)
#: Stand-ins for the numbers the floors fill in: each written back as its placeholder.
NUMBERS = {990_001: "{floor}", 990_002: "{visit}", 990_003: "{bound}", 990_004: "{limit}"}


class _Session:
    """Stands in for a session: building the SQL only reads its `dialect`."""

    def __init__(self, dialect: str):
        from minicrm.store.core.dialect import for_target

        self.dialect = for_target("x.db" if dialect == "sqlite" else "postgresql://localhost/x")[0]


def inline(sql: str, params: list, dialect: str) -> str:
    """`sql` with its parameters written in as the floors' placeholders."""
    parts = sql.replace("{", "{{").replace("}", "}}").split("?")
    out = parts[0]
    false = "0" if dialect == "sqlite" else "false"
    for value, rest in zip(params, parts[1:], strict=True):
        if value is False:
            text = false
        elif isinstance(value, datetime):
            text = "'{cutoff}'"
        elif isinstance(value, date | str) and str(value) == TODAY.isoformat():
            text = "'{today}'"
        elif isinstance(value, int) and value in NUMBERS:
            text = NUMBERS[value]
        else:
            raise SystemExit(f"sync_sql.py does not know how to write the parameter {value!r}: extend inline()")
        out += text + rest
    return out


def statements(dialect: str) -> dict[str, str]:
    """Name -> statement, as minicrm builds them for `forgotten --limit 50` and `remind` on `dialect`."""
    session: Any = _Session(dialect)
    q = forgotten._query(session, today=TODAY, days=90, statuses=None, tag=None, owner_id=None,
                         kinds=("contact", "company"))  # fmt: skip
    floor, visit, bound, limit = NUMBERS
    rest, rest_params = q.union(("contact", "company"))
    return {
        "_FORGOTTEN_WALK": inline(*forgotten.walk_sql(q, "contact", floor, visit), dialect),
        "_FORGOTTEN_BEST_CONTACT": inline(*forgotten.best_sql(q, "contact", bound, limit), dialect),
        "_FORGOTTEN_BEST_COMPANY": inline(*forgotten.best_sql(q, "company", bound, limit), dialect),
        "_FORGOTTEN_REST": inline(
            f"SELECT r.* FROM ({rest}) r WHERE NOT ({forgotten._SCORE} > 0) ORDER BY {forgotten.ORDER} LIMIT ?",
            [*rest_params, limit],
            dialect,
        ),
        "_FORGOTTEN_LONGEST_CONTACT": forgotten.LONGEST_SQL["contact"],
        "_FORGOTTEN_LONGEST_COMPANY": forgotten.LONGEST_SQL["company"],
        "_FORGOTTEN_COUNT": inline(*forgotten.count_sql(q, "contact"), dialect),
    }


def constant(name: str, text: str) -> str:
    lines = textwrap.wrap(text, 108, break_on_hyphens=False, drop_whitespace=False)
    return f"{name} = (\n" + "\n".join("    " + json.dumps(line, ensure_ascii=False) for line in lines) + "\n)\n"


def main() -> None:
    path = HERE / "cases.py"
    source = path.read_text(encoding="utf-8")
    for dialect, suffix in (("sqlite", ""), ("postgresql", "_PG")):
        for name, text in statements(dialect).items():
            name += suffix
            source, n = re.subn(rf"^{name} = \(\n(?:    .*\n)*?\)\n", constant(name, text), source, flags=re.M)
            assert n == 1, f"{name} = ( ... ) is missing from bench/cases.py"
    path.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    main()
