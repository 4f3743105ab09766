"""Every difference between SQLite and PostgreSQL lives in `store/core/dialect/` (issue #14).

No other module names a backend, branches on one, or writes SQL that only one of them understands.
Exempt: the frozen migrations (an old upgrade must not change when the dialect layer does), and the SQLite
*file* operations of `store/exchange/backup.py` / `store/core/migrate.py` (the file backup API and integrity check of a
backup file: they work on a file, not through a session, and PostgreSQL has no counterpart).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "minicrm"
LAYER = SRC / "store" / "core" / "dialect"
FILE_OPERATIONS = {SRC / "store" / "exchange" / "backup.py", SRC / "store" / "core" / "migrate.py"}

#: (what, pattern) — each is a backend branch or one backend's SQL.
BRANCHES = [
    ("a comparison with a backend name", r"""(==|!=)\s*["'](sqlite|postgresql|postgres)["']"""),
    ("a backend name compared", r"""["'](sqlite|postgresql|postgres)["']\s*(==|!=)"""),
    ("dialect.name", r"\bdialect\.name\b"),
    ("a dialect compared", r"\bdialect\s*(==|!=|\bis\b|\bin\b)"),
    ("a row-type branch", r"isinstance\(\w+, dict\)\s*else\s*tuple"),
    ("SQLite's date functions", r"\bjulianday\(|\bdate\(\w+\.\w+,\s*'|strftime\('"),
    ("PostgreSQL's date functions", r"\bto_char\(|\bdate_trunc\(|::date\b|\bextract\(epoch"),
    ("SQLite's upsert shorthand", r"\bINSERT OR (IGNORE|REPLACE)\b"),
    ("SQLite's catalog", r"\bsqlite_(master|sequence|schema)\b|\bPRAGMA\b"),
    ("PostgreSQL's catalog or sequences", r"\bpg_\w+\(|\binformation_schema\b|\bsetval\("),
    ("a driver import", r"^\s*(import|from)\s+(sqlite3|psycopg)\b"),
]


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if not p.is_relative_to(LAYER) and "migrations" not in p.relative_to(SRC).parts
    ]


def _offences(path: Path) -> list[str]:
    text = path.read_text()
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        for what, pattern in BRANCHES:
            if path in FILE_OPERATIONS and what in ("SQLite's catalog", "a driver import"):
                continue
            if re.search(pattern, code, flags=re.MULTILINE):
                found.append(f"{path.relative_to(SRC)}:{number}: {what}: {line.strip()}")
    return found


def test_no_module_outside_the_dialect_layer_branches_on_the_backend():
    offences = [o for p in _sources() for o in _offences(p)]
    assert offences == [], "move these into store/core/dialect/:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "line",
    [
        'x = "a" if session.dialect == "sqlite" else "b"',
        "if db.dialect.name != 'postgresql':",
        '    span = "julianday(h.next_at) - julianday(h.changed_at)"',
        "    day = \"to_char(i.happened_at, 'YYYY-MM-DD')\"",
        '    session.execute("INSERT OR IGNORE INTO t (id) VALUES (?)")',
        '    session.all("SELECT name FROM sqlite_master")',
        "import psycopg",
        "values = [tuple(r[n] for n in names) if isinstance(r, dict) else tuple(r) for r in rows]",
    ],
)
def test_the_check_catches_a_branch(line):
    """The guard above can fail: each kind of branch it looks for is found."""
    assert _check_text(line)


def _check_text(line: str) -> list[str]:
    code = line.split("#", 1)[0]
    return [what for what, pattern in BRANCHES if re.search(pattern, code, flags=re.MULTILINE)]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:s3cret@db.example/crm", "postgresql://ann:***@db.example/crm"),
        ("postgresql://ann:p@ss@db.example/crm", "postgresql://ann:***@db.example/crm"),
        ("postgresql://ann:pw@db/crm?application_name=a@b", "postgresql://ann:***@db/crm?application_name=a@b"),
        ("postgresql://ann@db/crm?password=x&sslmode=require", "postgresql://ann@db/crm?password=***&sslmode=require"),
        ("postgresql://db/calendars/alice@example.org", "postgresql://db/calendars/alice@example.org"),
    ],
)
def test_mask_url_hides_only_the_password(url, shown):
    from minicrm.store.core.dialect import mask_url

    assert mask_url(url) == shown
