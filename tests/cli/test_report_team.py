"""`report team`: one row per user side by side, hand-computed, on SQLite and PostgreSQL (November 2026 of
tests/cli/test_plans.py: facts there; overdue, forgotten and requests added here)."""

from __future__ import annotations

import csv
import io

import pytest
from tests.cli.test_plans import november  # noqa: F401  (the fixture)


@pytest.fixture
def team(november, acting):  # noqa: F811
    cli = november
    cli.ok("plan", "set", "--user", "ann", "--period", "2026-11", "--revenue", "5000", "EUR", "--deals", "4",
           "--new-clients", "1", "--calls", "6", "--interactions", "10")  # fmt: skip
    cli.ok("plan", "set", "--user", "bob", "--period", "2026-11", "--revenue", "1000", "USD", "--calls", "2",
           "--meetings", "3")  # fmt: skip
    cli.ok("task", "add", "Send the contract", "--due", "2026-11-15", "--contact", "ada")  # Ada's owner: Ann
    cli.ok("task", "add", "Call back", "--due", "2026-11-17", "--contact", "ada", "--assignee", "bob")  # Bob's
    cli.ok("task", "add", "Not yet", "--due", "2026-11-25", "--contact", "grace")  # not overdue
    acting("Bob").ok("contact", "add", "Old Client", today="2026-06-01")  # silent since June: forgotten
    cli.ok("request", "add", "Printer broken", "-c", "ada", "--assign", "ann")
    cli.ok("request", "add", "VPN access", "-c", "grace")  # nobody's
    closed = cli.ok("request", "add", "Done already", "-c", "tim", "--assign", "bob").stdout.strip()
    cli.ok("request", "close", closed)
    acting("Idle")  # added (on PostgreSQL with a login role of a name no parallel test uses)
    cli.ok("user", "deactivate", "idle")  # inactive and nothing to show: no row
    return cli


def test_each_user_side_by_side(team):
    rows = {r["user"]: r for r in team.ok("report", "team", "-f", "json").json()}
    assert list(rows) == ["Ann", "Bob", "(nobody)", "team"]
    assert {(r["period"], r["starts_on"], r["ends_on"]) for r in rows.values()} == {
        ("2026-11", "2026-11-01", "2026-11-30")
    }
    assert rows["Ann"] == {
        "period": "2026-11", "starts_on": "2026-11-01", "ends_on": "2026-11-30", "user": "Ann", "user_id": 1,
        "interactions": {"call": 3, "meeting": 1, "note": 1}, "interactions_total": 4, "new_clients": 2,
        "deals_won": 3, "deals_lost": 0, "revenue": {"EUR": "3500.50", "USD": "300.00"},
        "plan_percent": {"revenue EUR": "70.0", "deals": "75.0", "new_clients": "200.0", "calls": "50.0",
                         "interactions": "40.0"},
        "overdue_followups": 1, "forgotten": 0, "open_requests": 1,
    }  # fmt: skip
    bob = rows["Bob"]
    assert (bob["interactions"], bob["interactions_total"], bob["new_clients"], bob["deals_won"], bob["deals_lost"],
            bob["revenue"]) == ({"call": 2, "meeting": 2}, 4, 0, 2, 1, {"EUR": "2500.00"})  # fmt: skip
    assert bob["plan_percent"] == {"revenue USD": "0.0", "calls": "100.0", "meetings": "66.7"}
    assert (bob["overdue_followups"], bob["forgotten"], bob["open_requests"]) == (1, 1, 0)
    nobody = rows["(nobody)"]
    assert (nobody["interactions"], nobody["revenue"], nobody["open_requests"], nobody["plan_percent"]) == (
        {"email": 1}, {}, 1, {})  # fmt: skip
    total = rows["team"]
    assert (total["interactions"], total["interactions_total"], total["new_clients"], total["deals_won"],
            total["deals_lost"]) == ({"call": 5, "email": 1, "meeting": 3, "note": 1}, 9, 2, 5, 1)  # fmt: skip
    assert total["revenue"] == {"EUR": "6000.50", "USD": "300.00"}  # never added together
    assert total["plan_percent"] == {"revenue EUR": "120.0", "revenue USD": "30.0", "deals": "125.0",
                                     "new_clients": "200.0", "calls": "62.5", "meetings": "100.0",
                                     "interactions": "90.0"}  # fmt: skip
    assert (total["overdue_followups"], total["forgotten"], total["open_requests"]) == (2, 1, 2)


def test_other_periods_csv_and_table(team):
    cli = team
    quarter = {r["user"]: r for r in cli.ok("report", "team", "--period", "2026-Q4", "-f", "json").json()}
    # October adds Ann's call and Bob's 4000.00 EUR deal with Grace, a new client then
    assert (quarter["Ann"]["interactions"]["call"], quarter["Bob"]["revenue"], quarter["Bob"]["new_clients"]) == (
        4, {"EUR": "6500.00"}, 1)  # fmt: skip
    assert quarter["Ann"]["plan_percent"] == {}  # plans are for November only
    span = cli.ok("report", "team", "--period", "2026-11-01..2026-11-05", "-f", "json").json()
    assert span[0]["period"] == "2026-11-01..2026-11-05" and span[0]["plan_percent"] == {}
    assert {r["user"]: r["deals_won"] for r in span} == {"Ann": 1, "Bob": 1, "(nobody)": 0, "team": 2}
    lines = list(csv.DictReader(io.StringIO(cli.ok("report", "team", "-f", "csv").stdout)))
    assert [(r["user"], r["currency"], r["revenue"]) for r in lines] == [
        ("Ann", "EUR", "3500.50"), ("Ann", "USD", "300.00"), ("Bob", "EUR", "2500.00"), ("(nobody)", "", ""),
        ("team", "EUR", "6000.50"), ("team", "USD", "300.00")]  # fmt: skip
    table = cli.ok("report", "team", "--forgotten-days", "365").stdout
    assert "Team 2026-11 (2026-11-01..2026-11-30)" in table and "6000.50 EUR, 300.00 USD" in table
    assert "EUR 70 deals 75 new 200 calls 50 int 40" in table
    forgotten = {r["user"]: r["forgotten"] for r in cli.ok("report", "team", "--forgotten-days", "365", "-f",
                                                              "json").json()}  # fmt: skip
    assert forgotten["Bob"] == 0  # silent since June: not a year


def test_bad_periods(cli):
    cli.fails("report", "team", "--period", "2026-13", code=2, match="invalid period '2026-13'")
    cli.fails("report", "team", "--forgotten-days", "0", code=2, match="--forgotten-days")
    assert [r["user"] for r in cli.ok("report", "team", "-f", "json").json()] == ["team"]  # an empty database
