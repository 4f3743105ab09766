"""Regression tests for the PostgreSQL failures of issue #14, each run on both backends.

Every one of these failed on PostgreSQL (or gave a different answer than on SQLite) before the dialect layer.
"""

from __future__ import annotations

import json

import pytest

from backends import *  # noqa: F403
from backends import BackendCli


def _add(bcli: BackendCli, *names: str, extra: tuple[str, ...] = ()) -> list[int]:
    return [int(bcli.ok("contact", "add", n, *extra).stdout.strip()) for n in names]


def test_remind_lists_a_long_section(bcli):
    """`remind` once a section holds more than 20 items (rows were read by position: KeyError 0 on PostgreSQL)."""
    _add(bcli, *[f"Client {i:02}" for i in range(25)], extra=("--next", "2026-11-01", "--goal", "call"))
    res = bcli("remind")
    assert res.exit_code == 0, res.stderr
    assert "and 5 more" in res.stdout
    data = bcli.ok("remind", "-f", "json").json()
    assert data["overdue_count"] == 25


def test_dashboard_due_counts(bcli):
    """The dashboard's Due panel reads the same counts (KeyError 0 on PostgreSQL)."""
    from datetime import date

    from minicrm.store.core.db import Database
    from minicrm.store.followups.due import due_counts

    _add(bcli, *[f"Client {i:02}" for i in range(25)], extra=("--next", "2026-11-01"))
    with Database(bcli.target).connect() as session:
        total, overdue = due_counts(session, today=date(2026, 11, 22), until=date(2026, 11, 22))
    assert (total, overdue) == (25, 25)


CSV = "Name,E-mail,Company,Tags\nAda Lovelace,ada@example.org,Analytical Engines,vip\nBob Smith,bob@example.org,,\n"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:abc-1\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
    "EMAIL;TYPE=INTERNET:grace@example.org\r\nTEL;TYPE=CELL:+1 202 555 0100\r\nORG:Navy\r\nEND:VCARD\r\n"
)


def test_import_csv(bcli, tmp_path):
    """`import csv` (`column "rowid" does not exist` on PostgreSQL), twice: the second run doubles nobody."""
    path = tmp_path / "one.csv"
    path.write_text(CSV)
    bcli.ok("import", "csv", str(path))
    bcli.ok("import", "csv", str(path))
    people = bcli.ok("contact", "list", "-f", "json").json()
    assert sorted(p["name"] for p in people) == ["Ada Lovelace", "Bob Smith"]
    assert bcli.ok("search", "analytical").stdout.count("Ada Lovelace") >= 1
    # ids given by the bulk import must not collide with the next single insert
    _add(bcli, "Carol After")
    assert len(bcli.ok("contact", "list", "-f", "json").json()) == 3


def test_import_vcard(bcli, tmp_path):
    path = tmp_path / "one.vcf"
    path.write_text(VCARD)
    bcli.ok("import", "vcard", str(path))
    bcli.ok("import", "vcard", str(path))
    people = bcli.ok("contact", "list", "-f", "json").json()
    assert [p["name"] for p in people] == ["Grace Hopper"]
    _add(bcli, "Dan After")


def test_bulk_tag_from_stdin(bcli):
    """`contact tag add x -` with ids piped in (`rowid` on PostgreSQL)."""
    _add(bcli, "Ada Lovelace", "Bob Smith", "Carol Jones")
    listing = bcli.ok("contact", "list", "-f", "json").stdout
    bcli.ok("contact", "tag", "add", "warm", "-", input=listing)
    tagged = bcli.ok("contact", "list", "--tag", "warm", "-f", "json").json()
    assert len(tagged) == 3
    bcli.ok("contact", "tag", "remove", "warm", "-", input=listing)
    assert bcli.ok("contact", "list", "--tag", "warm", "-f", "json").json() == []


def _fill(bcli: BackendCli) -> None:
    bcli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--company", "Analytical Engines",
            "--tag", "vip", "--next", "2026-12-01", "--goal", "send proposal", "--birthday", "1815-12-10")  # fmt: skip
    bcli.ok("log", "ada", "call", "Discussed the proposal", "--duration", "25m", "--at", "2026-11-20 10:00")
    bcli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "1500", "--currency", "EUR")
    bcli.ok("task", "add", "Send the quote", "--due", "2026-11-25")


def _without_volatile(doc: dict) -> dict:
    doc = dict(doc)
    doc["tables"] = {k: v for k, v in doc["tables"].items() if k not in ("meta",)}
    return doc


def test_export_import_json_round_trip(bcli, tmp_path, request):
    """`export json` then `import json` into an empty database gives the same export (SQLite only before)."""
    _fill(bcli)
    first = bcli.ok("export", "json").stdout
    doc = json.loads(first)
    assert doc["tables"]["contact"][0]["name"] == "Ada Lovelace"
    target = _fresh_target(request, tmp_path)
    other = BackendCli(target)
    path = tmp_path / "dump.json"
    path.write_text(first)
    other.ok("import", "json", str(path))
    assert _without_volatile(json.loads(other.ok("export", "json").stdout)) == _without_volatile(doc)
    # the sequences follow: a new contact gets a new id
    _add(other, "Eve New")


def _fresh_target(request, tmp_path) -> str:
    if "://" in request.getfixturevalue("any_db"):
        return request.getfixturevalue("pg_empty_database")
    return str(tmp_path / "other.db")


def test_backup_and_restore(bcli, tmp_path, request):
    """`backup` then `restore` into an empty database: the same `export json` (refused on PostgreSQL before)."""
    _fill(bcli)
    before = json.loads(bcli.ok("export", "json").stdout)
    path = tmp_path / "crm.backup"
    bcli.ok("backup", str(path))
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    other = BackendCli(_fresh_target(request, tmp_path))
    other.ok("restore", str(path))
    assert _without_volatile(json.loads(other.ok("export", "json").stdout)) == _without_volatile(before)


SEARCH_CASES = [
    ("елка", "Ёлка Иголкина"),
    ("ЁЛКА", "Ёлка Иголкина"),
    ("петр", "Иван Петров|Пётр Сидоров"),  # Петров: a prefix too
    ("пётр", "Иван Петров|Пётр Сидоров"),
    ("сидор", "Пётр Сидоров"),
    ("иван", "Иван Петров"),
    ("jose", "José García"),
    ("JOSÉ", "José García"),
    ("garc", "José García"),
    ("müll", "Hans Müller"),
    ("muller", "Hans Müller"),
    ("иван пет", "Иван Петров"),
    # Ukrainian apostrophes (#23): ' ’ ʼ are one letter to their writers, whichever the name was typed with
    ("мар'яна", "Марʼяна Коваль|Мар’яна Лисенко"),
    ("марʼяна", "Марʼяна Коваль|Мар’яна Лисенко"),
    ("мар’яна", "Марʼяна Коваль|Мар’яна Лисенко"),
    ("мар'яна лис", "Мар’яна Лисенко"),
]


@pytest.mark.parametrize(("query", "expected"), SEARCH_CASES)
def test_search_same_hits_on_both_backends(bcli, query, expected):
    _add(bcli, "Ёлка Иголкина", "Пётр Сидоров", "Иван Петров", "José García", "Hans Müller", "Petra Novak")
    _add(bcli, "Марʼяна Коваль", "Мар’яна Лисенко")
    hits = [h["title"] for h in bcli.ok("search", query, "-f", "json").json() if h["kind"] == "contact"]
    assert sorted(hits) == expected.split("|")


def test_rows_read_the_same_by_name_and_position(any_db):
    """One row type on both backends: by name, by position, keys(), dict(), tuple(), len()."""
    from minicrm.store.core.db import Database
    from minicrm.store.core.migrate import ensure_schema

    db = Database(any_db)
    with db.connect() as session:
        ensure_schema(db, session)
        row = session.one("SELECT 1 AS a, 'x' AS b")
        assert (row["a"], row[0], row["b"], row[1], row[-1]) == (1, 1, "x", "x", "x")
        assert list(row.keys()) == ["a", "b"]
        assert dict(row) == {"a": 1, "b": "x"}
        assert tuple(row) == (1, "x") and len(row) == 2
        assert session.scalar("SELECT count(*) FROM contact") == 0
        with pytest.raises(IndexError):
            row["missing"]
