"""`minicrm migrate-to`: one backend -> the other -> back keeps every row and the JSON export."""

from __future__ import annotations

from conftest import Cli


def test_round_trip_through_the_other_backend(cli, backend, tmp_path, pg_databases):
    """SQLite -> PostgreSQL -> SQLite, and PostgreSQL -> SQLite -> PostgreSQL."""
    cli.ok("demo")
    cli.ok("log", "1", "call", "Сказал «да»", "--at", "2026-11-20 10:00")
    before = cli.ok("export", "json").stdout
    middle = pg_databases(empty=True) if backend == "sqlite" else str(tmp_path / "middle.db")
    back = str(tmp_path / "back.db") if backend == "sqlite" else pg_databases(empty=True)
    res = cli.ok("migrate-to", middle, "-f", "json")
    assert all(r["source"] == r["target"] for r in res.json())
    assert {r["table"] for r in res.json()} >= {"contact", "interaction", "deal", "audit_log"}
    res = cli.ok("--db", middle, "migrate-to", back)
    cli.db = back
    assert cli.ok("export", "json").stdout == before
    assert cli.ok("search", "сказал", "-f", "json").json()[0]["kind"] == "interaction"


def test_refuses_a_target_with_data(cli, new_target):
    cli.ok("contact", "add", "Ada")
    other = new_target("other")
    Cli(other).ok("contact", "add", "Bob")
    cli.fails("migrate-to", other, code=1, match="already holds data")
