"""`minicrm migrate-to`: SQLite -> PostgreSQL -> SQLite keeps every row and the JSON export."""

from __future__ import annotations

from backends import pg_database, pg_empty_database, pg_template, pg_url  # noqa: F401


def test_round_trip_through_postgres(cli, tmp_path, pg_empty_database):  # noqa: F811
    cli.ok("demo")
    cli.ok("log", "1", "call", "Сказал «да»", "--at", "2026-11-20 10:00")
    before = cli.ok("export", "json").stdout
    res = cli.ok("migrate-to", pg_empty_database, "-f", "json")
    assert all(r["source"] == r["target"] for r in res.json())
    assert {r["table"] for r in res.json()} >= {"contact", "interaction", "deal", "audit_log"}
    back = tmp_path / "back.db"
    res = cli.ok("--db", pg_empty_database, "migrate-to", str(back))
    cli.db = back
    assert cli.ok("export", "json").stdout == before
    assert cli.ok("search", "сказал", "-f", "json").json()[0]["kind"] == "interaction"


def test_refuses_a_target_with_data(cli, tmp_path):
    cli.ok("contact", "add", "Ada")
    other = tmp_path / "other.db"
    from conftest import Cli

    Cli(other).ok("contact", "add", "Bob")
    cli.fails("migrate-to", str(other), code=1, match="already holds data")
