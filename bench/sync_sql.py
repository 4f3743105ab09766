"""Rewrite the forgotten queries in bench/cases.py from minicrm's own (store.followups._forgotten_sql).

The floors must run the SQL minicrm runs, without importing minicrm; run this after changing that query:

    python bench/sync_sql.py
"""

from __future__ import annotations

import re
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from minicrm.store import followups  # noqa: E402


class _Sqlite:
    dialect = "sqlite"


def inline(kinds: tuple[str, ...]) -> str:
    """The query with its parameters written in as the floors' {today}/{cutoff} placeholders."""
    sql, params = followups._forgotten_sql(_Sqlite(), today=date(2026, 11, 22), days=90, statuses=None, tag=None,
                                           min_value=None, owner_id=None, kinds=kinds)  # fmt: skip
    parts = sql.replace("{", "{{").replace("}", "}}").split("?")
    out = parts[0]
    for value, rest in zip(params, parts[1:], strict=True):
        out += ("0" if value is False else "'{cutoff}'" if isinstance(value, datetime) else "'{today}'") + rest
    return out


def constant(name: str, text: str) -> str:
    lines = textwrap.wrap(text, 108, break_on_hyphens=False, drop_whitespace=False)
    return f"{name} = (\n" + "\n".join("    " + repr(line) for line in lines) + "\n)\n"


def main() -> None:
    path = HERE / "cases.py"
    source = path.read_text(encoding="utf-8")
    for name, kinds in (("_FORGOTTEN", ("contact", "company")), ("_FORGOTTEN_CONTACTS", ("contact",))):
        source, n = re.subn(rf"^{name} = \(\n(?:    .*\n)*?\)\n", constant(name, inline(kinds)), source, flags=re.M)
        assert n == 1, name
    path.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    main()
