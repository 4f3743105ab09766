"""`minicrm request ...`, the service report (hand-computed) and open requests for `minicrm due`."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def tickets(cli):
    cli.ok("contact", "add", "Ada Lovelace", "-c", "Acme")
    cli.ok("contact", "add", "Bob Stone")
    # 1: Acme via Ada, 90 min, closed after 6 h
    assert cli.ok("request", "add", "Printer broken", "-c", "ada", "-p", "high", "--at", "2026-11-20 09:00",
                  "--channel", "Phone", "--assign", "Sam").stdout.strip() == "1"  # fmt: skip
    cli.ok("request", "time", "1", "25m", "checked the logs", "--on", "2026-11-20", "--by", "Sam")
    cli.ok("request", "time", "1", "1h05m", "replaced the drum", "--on", "2026-11-20")
    cli.ok("request", "close", "1", "-r", "new drum", "--at", "2026-11-20 15:00")
    # 2: Bob, 30 min, resolved after 24 h
    cli.ok("request", "add", "Printer broken", "-c", "bob", "--at", "2026-11-20 10:00")
    cli.ok("request", "time", "2", "30")
    cli.ok("request", "update", "2", "--status", "resolved", "--at", "2026-11-21 10:00")
    # 3: Acme (no contact), waiting, due on the 25th, 15 min
    cli.ok("request", "add", "Invoice question", "--company", "acme", "-p", "low", "--at", "2026-11-21 08:00",
           "--due", "2026-11-25")  # fmt: skip
    cli.ok("request", "update", "3", "--status", "waiting")
    cli.ok("request", "time", "3", "15m")
    # 4: Ada, urgent, untouched for a week
    cli.ok("request", "add", "VPN access", "-c", "ada", "-p", "urgent", "--at", "2026-11-15 08:00")
    # 5: Bob, October, same subject in other case and spacing, closed after 24 h, 60 min
    cli.ok("request", "add", "printer  BROKEN", "-c", "bob", "--at", "2026-10-01 10:00")
    cli.ok("request", "time", "5", "1h", "--on", "2026-10-01")
    cli.ok("request", "close", "5", "--at", "2026-10-02 10:00")
    return cli


def test_service_report_all_time(tickets):
    data = tickets.ok("request", "report", "--rate", "60", "-f", "json").json()
    assert {r["status"]: r["requests"] for r in data["by_status"]} == {
        "new": 1,
        "open": 0,
        "waiting": 1,
        "resolved": 1,
        "closed": 2,
    }
    assert data["open"] == 2
    # resolved: #1 after 6 h, #2 after 24 h, #5 after 24 h -> 18 h on average
    assert data["resolution"] == {"resolved": 3, "average_hours": "18.0", "longest_hours": "24.0"}
    # Acme: 90 + 15 min on 2 requests; Bob (no company): 30 + 60 min
    assert [(c["client"], c["requests"], c["minutes"], c["hours"], c["cost"]) for c in data["time_per_client"]] == [
        ("Acme", 2, 105, "1.75", "105.00"),
        ("Bob Stone", 2, 90, "1.50", "90.00"),
    ]
    assert data["subjects"] == [
        {"subject": "Printer broken", "requests": 3, "open": 0},
        {"subject": "Invoice question", "requests": 1, "open": 1},
        {"subject": "VPN access", "requests": 1, "open": 1},
    ]
    table = tickets.ok("request", "report").stdout
    assert "average 18.0 h" in table and "Acme" in table and "Printer broken" in table


def test_service_report_for_a_period(tickets):
    data = tickets.ok("request", "report", "--period", "2026-11", "--top", "1", "-f", "json").json()
    assert sum(r["requests"] for r in data["by_status"]) == 4  # #5 was opened in October
    assert data["resolution"] == {"resolved": 2, "average_hours": "15.0", "longest_hours": "24.0"}
    assert [(c["client"], c["minutes"], c["cost"]) for c in data["time_per_client"]] == [
        ("Acme", 105, None),
        ("Bob Stone", 30, None),
    ]
    assert data["subjects"] == [{"subject": "Printer broken", "requests": 2, "open": 0}]
    header = tickets.ok("request", "report", "-f", "csv").stdout.splitlines()[0]  # the JSON's time_per_client
    assert header == "client,company_id,contact_id,requests,minutes,hours,cost"


def test_list_show_update_reopen(tickets):
    assert [r["id"] for r in tickets.ok("request", "list", "-f", "json").json()] == [4, 3]
    everything = tickets.ok("request", "list", "--status", "all", "-f", "json").json()
    assert [r["id"] for r in everything] == [4, 1, 5, 2, 3]  # priority, due date, oldest first
    assert [r["id"] for r in tickets.ok("request", "list", "-s", "closed", "-c", "bob", "-f", "json").json()] == [5]
    assert [r["id"] for r in tickets.ok("request", "list", "--assignee", "sam", "-s", "all", "-f", "json").json()] == [
        1
    ]
    one = tickets.ok("request", "show", "1", "-f", "json").json()
    assert (one["contact"], one["company"], one["channel"], one["assignee"], one["status"]) == (
        "Ada Lovelace",
        "Acme",
        "phone",
        "Sam",
        "closed",
    )
    assert (one["opened_at"], one["resolved_at"], one["closed_at"], one["resolution"]) == (
        "2026-11-20T09:00:00",
        "2026-11-20T15:00:00",
        "2026-11-20T15:00:00",
        "new drum",
    )
    assert one["minutes"] == 90
    assert [(t["minutes"], t["user"], t["note"]) for t in one["time"]] == [
        (25, "Sam", "checked the logs"),
        (65, None, "replaced the drum"),
    ]
    assert "replaced the drum" in tickets.ok("request", "show", "1").stdout
    tickets.ok("request", "update", "2", "--status", "open", "--priority", "high", "--due", "2026-11-23")
    two = tickets.ok("request", "show", "2", "-f", "json").json()
    assert (two["status"], two["priority"], two["resolved_at"], two["due_on"]) == ("open", "high", None, "2026-11-23")
    assert two["revision"] == 4  # created, time logged, resolved, reopened


def test_time_prints_total(tickets):
    res = tickets.ok("request", "time", "4", "1h30m", "set up the VPN")
    assert res.stdout.strip() == "90" and "+90 min" in res.stderr
    assert tickets.ok("request", "time", "4", "10").stdout.strip() == "100"


def test_open_requests_due_for_the_due_list(tickets, db_target):
    from minicrm.store.core.db import Database
    from minicrm.store.service.request_reports import open_requests_due

    session = Database(db_target).connect()
    try:
        today = date(2026, 11, 22)
        rows = open_requests_due(session, today=today, until=today)
        assert [(r["id"], r["due_on"], r["days_overdue"], r["priority"]) for r in rows] == [
            (4, "2026-11-15", 7, "urgent")
        ]
        assert rows[0]["kind"] == "request" and rows[0]["contact"] == "Ada Lovelace" and rows[0]["company"] == "Acme"
        week = open_requests_due(session, today=today, until=date(2026, 11, 29))
        assert [(r["id"], r["status"], r["days_overdue"]) for r in week] == [(4, "new", 7), (3, "waiting", 0)]
    finally:
        session.close()


def test_request_bad_input_changes_nothing(tickets):
    cli = tickets
    cli.fails("request", "time", "1", "-25m", code=2, match="negative time '-25m'")
    cli.fails("request", "time", "1", "0m", code=2, match="no time given")
    cli.fails("request", "time", "1", "soon", code=2, match="invalid duration 'soon'")
    cli.fails("request", "time", "99", "5m", code=1, match="no request with id 99")
    cli.fails("request", "time", "1", "5m", "--on", "2026-12-01", code=2, match="in the future")
    cli.fails("request", "add", "No client", code=2, match="needs a client")
    cli.fails("request", "add", "  ", "-c", "ada", code=2, match="needs a subject")
    cli.fails("request", "add", "X", "-c", "ada", "-p", "asap", code=2, match="unknown priority 'asap'")
    cli.fails("request", "add", "X", "-c", "nobody", code=1, match="no contact matches 'nobody'")
    cli.fails("request", "add", "X", "-c", "ada", "--at", "2026-12-24", code=2, match="future")
    cli.fails("request", "update", "4", "--status", "done", code=2, match="unknown request status 'done'")
    cli.fails("request", "update", "4", code=2, match="nothing to change")
    cli.fails("request", "close", "99", code=1, match="no request with id 99")
    cli.fails("request", "close", "4", "--at", "2026-11-01", code=2, match="was opened 2026-11-15 08:00")
    cli.fails("request", "list", "--status", "bogus", code=2, match="unknown request status 'bogus'")
    cli.fails("request", "report", "--rate", "-1", code=2, match="invalid rate '-1' (must be zero or more)")
    cli.fails("request", "show", "abc", code=2, match="request_id")


def test_report_table_lists_top_clients(tickets):
    res = tickets.ok("request", "report", "--top", "1")
    assert "Acme" in res.stdout and "Bob Stone" not in res.stdout
    assert "and 1 more client (all of them" in res.stderr


def test_open_requests_are_in_the_due_queue(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("request", "add", "Printer on fire", "--contact", "ada", "--priority", "high", "--due", "2026-11-20")
    items = [i for i in cli.ok("due", "-f", "json").json() if i["kind"] == "request"]
    assert [(i["title"], i["on"], i["days_overdue"], i["contact"]) for i in items] == [
        ("[high] Printer on fire", "2026-11-20", 2, "Ada Lovelace")
    ]
    cli.ok("request", "close", "1")
    assert [i for i in cli.ok("due", "-f", "json").json() if i["kind"] == "request"] == []


def test_contact_card_lists_open_requests(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("request", "add", "Printer on fire", "--contact", "ada", "--priority", "urgent")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert [(r["subject"], r["priority"], r["status"]) for r in card["requests"]] == [
        ("Printer on fire", "urgent", "new")
    ]
    assert "Printer on fire" in cli.ok("contact", "show", "ada").stdout
