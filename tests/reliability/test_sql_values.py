"""No user value is ever built into SQL text: every statement is recorded and searched for a marker.

Hostile values go through every input a user types (names, e-mails, tags, custom fields, notes, search text,
REFs, filters, segment and campaign names); each must come back verbatim and never appear in a statement.
"""

from __future__ import annotations

import pytest

from minicrm.store.core.db import Session

MARK = "zq9mark"
EVIL = f"{MARK}'); DROP TABLE contact; -- \"%s ? {MARK}"


@pytest.fixture
def statements(monkeypatch):
    seen: list[str] = []
    execute, executemany = Session.execute, Session.executemany

    def traced_execute(self, sql, params=()):
        seen.append(sql)
        return execute(self, sql, params)

    def traced_executemany(self, sql, rows):
        seen.append(sql)
        return executemany(self, sql, rows)

    monkeypatch.setattr(Session, "execute", traced_execute)
    monkeypatch.setattr(Session, "executemany", traced_executemany)
    return seen


def test_hostile_values_are_parameters_never_sql(cli, statements):
    cid = cli.ok(
        "contact", "add", EVIL, "--email", f"{MARK}@example.org", "--phone", "+33 1 23 45 67 89",
        "--company", EVIL, "--tag", EVIL, "--field", f"{MARK}={EVIL}", "--note", EVIL, "--goal", EVIL,
        "--next", "2026-12-01", "--role", EVIL, "--source", EVIL, "--address", EVIL,
    ).stdout.strip()  # fmt: skip
    cli.ok("log", cid, "call", EVIL, "--body", EVIL, "--outcome", EVIL)
    cli.ok("contact", "edit", cid, "--field", f"{MARK}2={EVIL}")
    cli.ok("next", cid, "2026-12-02", "--goal", EVIL)
    cli.ok("deal", "add", EVIL, "--contact", cid, "--amount", "100", "--note", EVIL, "--next-step", EVIL)
    cli.ok("task", "add", EVIL, "--contact", cid, "--due", "2026-12-03", "--note", EVIL)
    cli.ok("segment", "save", MARK, "--tag", EVIL)
    cli.ok("campaign", "add", EVIL, "--channel", "email", "--segment", MARK, "--note", EVIL)
    cli.ok("request", "add", EVIL, "--contact", cid, "--description", EVIL)
    for args in (
        ("search", EVIL),
        ("search", MARK),
        ("contact", "list", "--tag", EVIL),
        ("contact", "list", "--field", f"{MARK}={EVIL}"),
        ("contact", "list", "--company", EVIL),
        ("contact", "show", f"{MARK}@example.org"),
        ("whois", f"{MARK}@example.org"),
        ("timeline", cid),
        ("due", "--within", "30d"),
        ("forgotten", "--tag", EVIL),
        ("segment", "show", MARK),
        ("export", "json"),
    ):
        res = cli(*args, "-f", "json") if args[0] not in ("export",) else cli(*args)
        assert res.exit_code == 0, (args, res.stderr)
    shown = cli.ok("contact", "show", cid, "-f", "json").json()
    assert shown["name"] == EVIL and shown["notes"] == EVIL and shown["fields"][MARK] == EVIL
    assert EVIL in shown["tags"] or EVIL.lower() in shown["tags"]
    found = cli.ok("search", MARK, "-f", "json").json()
    assert [h["title"] for h in found if h["kind"] == "contact"] == [EVIL]
    # Values that do not exist are looked up as values too, and fail cleanly.
    cli.fails("contact", "show", EVIL + " nobody", code=1, match="no contact")
    cli.fails("log", EVIL + " nobody", "call", "x", code=1, match="no contact")
    assert statements, "the trace saw nothing: the test is not watching the store"
    leaked = [s for s in statements if MARK in s]
    assert not leaked, f"a user value was built into SQL: {leaked[0][:200]}"
