"""No read command reads all of `interaction` (issue #18): a million interactions must not slow down a listing.

`forgotten` was first held to it by an authorizer that refused the table; here every read command of the CLI runs
against a sample database while SQLite reports each statement it runs (the trace callback, parameters written in)
and each table that statement reads (the authorizer). Every statement that reads `interaction` is then explained:
its plan may look rows up or read a range of an index (SEARCH), never go through the whole table or a whole index
(SCAN). Reports over a period read that period's range; one over all time reads all of it by definition, so the
reports below are asked for a period, as a cron job or a person would.

Once on a database as users have them (no statistics) and once after ANALYZE (the bench databases have
statistics, and the planner chooses differently with them).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest

from conftest import Cli
from minicrm.cli import COMMANDS

#: Top-level command -> the read invocations run (REF 1 is the first demo contact / company / deal).
READS: dict[str, list[list[str]]] = {
    "contact": [
        ["contact", "list"],
        ["contact", "list", "--tag", "vip"],
        ["contact", "show", "1"],
        ["contact", "date", "list"],
        ["contact", "list", "--field", "region=north", "--field", "turnover>=1000000"],
    ],
    "company": [["company", "list"], ["company", "show", "1"], ["company", "list", "--field", "turnover>=1000000"]],
    "timeline": [["timeline", "1"], ["timeline", "1", "--limit", "5"]],
    "search": [["search", "an"]],
    "due": [["due"], ["due", "--limit", "5"], ["due", "--overdue"]],
    "forgotten": [["forgotten"], ["forgotten", "--limit", "5"], ["forgotten", "--kind", "company"]],
    "remind": [["remind"], ["remind", "--within", "7d"]],
    "cadence": [["cadence", "list"]],
    "deal": [["deal", "list"], ["deal", "show", "1"]],
    "task": [["task", "list"]],
    "pipeline": [["pipeline"], ["pipeline", "--period", "2026"]],
    "report": [
        ["report", "pipeline", "--period", "2026"],
        ["report", "forecast"],
        ["report", "sales", "--period", "2026"],
        ["report", "clients", "--period", "2026-Q4"],
        ["report", "activity", "--period", "2026-Q4"],
        ["report", "segments", "--by", "industry", "--period", "2026"],
        ["report", "segments", "--by", "field:turnover"],
        ["report", "campaigns"],
        ["report", "service", "--period", "2026-Q4"],
        ["report", "lost"],
        ["report", "lost-deals", "--by", "stage", "--period", "2026"],
        ["report", "time", "--period", "2026-Q4"],
        ["report", "time", "--by", "client", "--period", "2026-Q4"],
        ["report", "greetings"],
        ["report", "plan"],
        ["report", "plan", "--period", "2026-Q4"],
        ["report", "team"],
        ["report", "team", "--period", "2026-Q4"],
    ],
    "plan": [["plan", "list"]],
    "ical": [["ical", "export", "-o", "{tmp}/feed.ics"]],
    "campaign": [
        ["campaign", "list"],
        ["campaign", "show", "1"],
        ["campaign", "members", "1"],
        ["campaign", "report"],
    ],
    "segment": [["segment", "list"], ["segment", "show", "clients"]],
    "request": [["request", "list"], ["request", "show", "1"], ["request", "report", "--period", "2026-Q4"]],
    "whois": [["whois", "{email}"], ["whois", "{phone}"]],
    "user": [["user", "list"]],
    "history": [["history", "1"]],
    "audit": [["audit", "--limit", "20"]],
    "kind": [["kind", "list"]],
    "field": [["field", "list"]],
    "hook": [["hook", "list"], ["hook", "log"]],
}
#: Top-level commands that write (log, next, import, restore, demo, handover), read the whole database on purpose
#: (export, backup, migrate-to, doctor: it counts every table's rows), are interactive (tui) or open no database.
NOT_READS = {"log", "next", "import", "restore", "demo", "handover", "export", "backup", "migrate-to", "doctor", "tui",
             "config", "mail"}  # fmt: skip


#: Statements with no plan to look at ("-- ..." are those SQLite runs inside a virtual table, e.g. the search index).
SKIPPED = ("--", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def test_every_command_is_either_checked_or_excluded():
    assert set(COMMANDS) == set(READS) | NOT_READS


def _interaction_aliases(sql: str) -> set[str]:
    """`interaction` and the aliases it goes by in `sql` (not interaction_fts, interaction_kind...)."""
    names = {"interaction"}
    for match in re.finditer(r"\binteraction\s+(?:AS\s+)?(\w+)", sql, flags=re.IGNORECASE):
        word = match.group(1)
        if word.upper() not in {"ON", "WHERE", "JOIN", "LEFT", "INNER", "USING", "SET", "GROUP", "ORDER", "LIMIT"}:
            names.add(word)
    return names


def _explained(conn: sqlite3.Connection, sql: str) -> tuple[set[str], list[str]]:
    """The tables `sql` reads (the authorizer, called as SQLite prepares it) and the lines of its plan."""
    reads: set[str] = set()

    def authorizer(action: int, arg1: str | None, *_: Any) -> int:
        if action == sqlite3.SQLITE_READ and arg1:
            reads.add(arg1)
        return sqlite3.SQLITE_OK

    conn.set_authorizer(authorizer)
    try:
        try:
            plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        except sqlite3.OperationalError as exc:
            raise AssertionError(f"{exc}: {sql!r}") from None
    finally:
        conn.set_authorizer(None)
    return reads, plan


def _full_reads(sql: str, plan: list[str]) -> list[str]:
    """The lines of `plan` that read all of `interaction` or all of one of its indexes."""
    aliases = _interaction_aliases(sql)
    out = []
    for detail in plan:
        scanned = re.match(r"SCAN (\w+)", detail)
        if scanned and scanned.group(1) in aliases and "VIRTUAL TABLE" not in detail:
            out.append(detail)
    return out


def _traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement minicrm's sessions run from now on (SQLite's trace callback: parameters written in)."""
    from minicrm.store.core.db import Database

    seen: list[str] = []
    connect = Database.connect

    def observed(self: Database, *args: Any, **kwargs: Any) -> Any:
        session = connect(self, *args, **kwargs)
        session.conn.set_trace_callback(seen.append)
        return session

    monkeypatch.setattr(Database, "connect", observed)
    return seen


@pytest.fixture
def sample(db_path, tmp_path):
    """The demo client base, a campaign with members, a saved segment and a service request, on SQLite."""
    cli = Cli(db_path)
    cli.ok("demo")
    cli.ok("campaign", "add", "Winter mailing", "--channel", "email")
    cli.ok("campaign", "members", "1", "--add-filter", "status=client")
    cli.ok("segment", "save", "clients", "--status", "client")
    cli.ok("request", "add", "Printer jams", "--contact", "1", "--due", "2026-11-25")
    cli.ok("user", "add", "ann")
    return cli


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN and the authorizer are SQLite's; bench/run.py --pg explains PostgreSQL's")
@pytest.mark.parametrize("statistics", [False, True], ids=["no-statistics", "analyzed"])
def test_no_read_command_reads_all_interactions(sample, db_path, tmp_path, monkeypatch, statistics):
    if statistics:
        with sqlite3.connect(db_path) as conn:
            conn.execute("ANALYZE")
    people = sample.ok("contact", "list", "-f", "json").json()
    email = next(e for c in people for e in c["emails"])
    phone = next(p for c in people for p in c["phones"])
    fill = {"{tmp}": str(tmp_path), "{email}": email, "{phone}": phone}
    seen = _traced(monkeypatch)
    checked = 0
    failures = []
    conn = sqlite3.connect(db_path, cached_statements=0)  # each statement prepared anew: the authorizer sees it
    try:
        for invocations in READS.values():
            for argv in invocations:
                argv = [fill.get(a, a).replace("{tmp}", str(tmp_path)) for a in argv]
                del seen[:]
                sample.ok(*argv)
                for sql in dict.fromkeys(seen):
                    if sql.lstrip().upper().startswith(SKIPPED):
                        continue
                    reads, plan = _explained(conn, sql)
                    if "interaction" not in reads:
                        continue
                    checked += 1
                    scans = _full_reads(sql, plan)
                    if scans:
                        failures.append(f"{' '.join(argv)}: {'; '.join(scans)}\n    {sql[:300]}")
    finally:
        conn.close()
    assert checked > 10, "the sample should make several commands read interactions"
    assert not failures, "statements reading all of interaction:\n" + "\n".join(failures)
