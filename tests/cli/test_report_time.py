"""`report time` (#20): interaction durations and request time summed, incoming vs outgoing; hand-computed figures
over a period across the year boundary, both backends."""

from __future__ import annotations

import pytest

WINTER = "2025-12-01..2026-01-31"


@pytest.fixture
def book(cli, acting):
    """Interactions (user, kind, direction, minutes, client, when):

    c1 alice call in 25 Acme 2025-12-30 10:00 · c2 alice call out 65 Acme 2026-01-02 11:00
    c3 bob call in - Bob Brown 2026-01-03 09:00 · m1 bob meeting out 90 Bob Brown 2025-12-31 23:30
    e1 alice email (no direction) - Bob Brown 2026-01-10 08:00 · c4 bob call in 10 Acme 2026-02-01 10:00
    Request time: R1 (Ada, so Acme) alice 45m 2025-12-20, bob 2h 2026-01-05; R2 (Bob Brown) bob 30m 2026-01-31,
    alice 15m 2026-02-02.
    """
    cli.ok("contact", "add", "Ada Lovelace", "--company", "Acme")
    cli.ok("contact", "add", "Bob Brown")
    for who, ref, kind, summary, extra, at in (
        ("alice", "ada", "call", "c1", ["--in", "--duration", "25m"], "2025-12-30 10:00"),
        ("alice", "ada", "call", "c2", ["--out", "--duration", "1h05m"], "2026-01-02 11:00"),
        ("bob", "bob", "call", "c3", ["--in"], "2026-01-03 09:00"),
        ("bob", "bob", "meeting", "m1", ["--out", "--duration", "1h30m"], "2025-12-31 23:30"),
        ("alice", "bob", "email", "e1", [], "2026-01-10 08:00"),
        ("bob", "ada", "call", "c4", ["--in", "--duration", "10"], "2026-02-01 10:00"),
    ):
        acting(who).ok("log", ref, kind, summary, *extra, "--at", at)
    r1 = cli.ok("request", "add", "Engine noise", "--contact", "ada").stdout.strip()
    r2 = cli.ok("request", "add", "Invoice copy", "--contact", "bob").stdout.strip()
    for request, spent, on, by in ((r1, "45m", "2025-12-20", "alice"), (r1, "2h", "2026-01-05", "bob"),
                                   (r2, "30m", "2026-01-31", "bob"), (r2, "15m", "2026-02-02", "alice")):  # fmt: skip
        cli.ok("request", "time", request, spent, "--on", on, "--by", by)
    return cli


def _rows(cli, *args: str) -> list[tuple]:
    data = cli.ok("report", "time", *args, "-f", "json").json()
    by = data["by"]
    return [(r[by], r["interactions"], r["incoming"], r["outgoing"], r["unknown"], r["interaction_time"],
             r["request_time"], r["total_time"]) for r in data["rows"]]  # fmt: skip


def test_time_by_kind_across_the_new_year(book):
    assert _rows(book, "--period", WINTER) == [
        ("(service requests)", 0, 0, 0, 0, "0m", "3h15m", "3h15m"),  # 45 + 120 + 30
        ("call", 3, 2, 1, 0, "1h30m", "0m", "1h30m"),  # c1 25 + c2 65; c3 has no duration
        ("meeting", 1, 0, 1, 0, "1h30m", "0m", "1h30m"),
        ("email", 1, 0, 0, 1, "0m", "0m", "0m"),
    ]
    data = book.ok("report", "time", "--period", WINTER, "-f", "json").json()
    assert data["period"] == {"start": "2025-12-01", "end": "2026-01-31"}
    total = data["total"]
    assert (total["interactions"], total["incoming"], total["outgoing"], total["unknown"], total["timed"]) == (
        5, 2, 2, 1, 3,
    )  # fmt: skip
    assert (total["interaction_minutes"], total["request_minutes"], total["total_minutes"]) == (180, 195, 375)
    assert total["total_time"] == "6h15m"
    assert data["directions"] == [
        {"kind": "call", "interactions": 3, "incoming": 2, "outgoing": 1, "unknown": 0},
        {"kind": "email", "interactions": 1, "incoming": 0, "outgoing": 0, "unknown": 1},
        {"kind": "meeting", "interactions": 1, "incoming": 0, "outgoing": 1, "unknown": 0},
    ]
    # the meeting at 23:30 on New Year's Eve belongs to December
    assert _rows(book, "--period", "2025-12") == [
        ("meeting", 1, 0, 1, 0, "1h30m", "0m", "1h30m"),
        ("(service requests)", 0, 0, 0, 0, "0m", "45m", "45m"),
        ("call", 1, 1, 0, 0, "25m", "0m", "25m"),
    ]


def test_time_by_user_client_company_month(book):
    assert _rows(book, "--by", "user", "--period", WINTER) == [
        ("bob", 2, 1, 1, 0, "1h30m", "2h30m", "4h"),
        ("alice", 3, 1, 1, 1, "1h30m", "45m", "2h15m"),
    ]
    assert _rows(book, "--by", "client", "--from", "2025-12-01", "--to", "2026-01-31") == [
        ("Acme", 2, 1, 1, 0, "1h30m", "2h45m", "4h15m"),
        ("Bob Brown", 3, 1, 1, 1, "1h30m", "30m", "2h"),
    ]
    assert _rows(book, "--by", "company", "--period", WINTER) == [
        ("Acme", 2, 1, 1, 0, "1h30m", "2h45m", "4h15m"),
        ("(no company)", 3, 1, 1, 1, "1h30m", "30m", "2h"),
    ]
    assert _rows(book, "--by", "month") == [  # all time
        ("2025-12", 2, 1, 1, 0, "1h55m", "45m", "2h40m"),
        ("2026-01", 3, 1, 1, 1, "1h05m", "2h30m", "3h35m"),
        ("2026-02", 1, 1, 0, 0, "10m", "15m", "25m"),
    ]
    csv_lines = book.ok("report", "time", "--by", "month", "-f", "csv").stdout.splitlines()
    assert csv_lines[0] == (
        "month,interactions,incoming,outgoing,unknown,timed,interaction_minutes,interaction_time,request_minutes,"
        "request_time,total_minutes,total_time"
    )
    assert csv_lines[1] == "2025-12,2,1,1,0,2,115,1h55m,45,45m,160,2h40m"
    table = book.ok("report", "time", "--by", "user", "--period", WINTER)
    assert "Incoming and outgoing by kind" in table.stdout and "2h15m" in table.stdout
    assert "total 6h15m: interactions 3h (3 of 5 with a duration), requests 3h15m" in table.stderr
    assert "no interactions or request time" in book.ok("report", "time", "--period", "2024").stderr
    book.ok("log", "--company", "acme", "call", "c5", "--in", "--duration", "20m", "--at", "2026-03-02 10:00")
    assert _rows(book, "--by", "client", "--period", "2026-03") == [("Acme", 1, 1, 0, 0, "20m", "0m", "20m")]
    book.fails("report", "time", "--by", "colour", code=2, match="unknown grouping 'colour'")
    book.fails("report", "time", "--period", "2026", "--from", "2026-01-01", code=2, match="not both")
