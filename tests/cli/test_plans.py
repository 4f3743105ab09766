"""`plan set|list|delete` and `report plan`: targets against facts, hand-computed, on SQLite and PostgreSQL.

November 2026 starts on a Sunday: it has 21 working days (Mon-Fri), and 13 of them have passed on Wednesday
2026-11-18 (2-6, 9-13, 16-18), so the run rate is fact x 21 / 13.
"""

from __future__ import annotations

import csv
import io

import pytest

from conftest import Cli, scalar


def deal(cli: Cli, user: Cli, contact: str, amount: str, currency: str, won: str | None = None,
         lost: str | None = None) -> str:  # fmt: skip
    """A deal added by `user` (a Cli acting as them: conftest's `acting`)."""
    deal_id = user.ok("deal", "add", f"Deal {amount}", "--contact", contact, "--amount", amount,
                     "--currency", currency).stdout.strip()  # fmt: skip
    if won:
        cli.ok("deal", "won", deal_id, "--on", won)
    if lost:
        cli.ok("deal", "lost", deal_id, "--reason", "price", "--on", lost)
    return deal_id


def log(cli: Cli, user: Cli | None, contact: str, kind: str, at: str) -> None:
    (user or cli).ok("log", contact, kind, f"{kind} at {at}", "--at", at)


@pytest.fixture
def november(cli: Cli, acting) -> Cli:
    """Ann and Bob's November 2026 (today Wednesday 2026-11-18).

    Won in November: Ann 1000.00 + 2500.50 EUR (Ada, Acme) and 300.00 USD (Linus); Bob 1500.00 EUR (Grace, who
    bought already in October: 4000.00 EUR) and 1000.00 EUR (Tim, of Acme); Bob lost 700.00 EUR.
    New clients in November: Acme (Ann, 11-05) and Linus (Ann); not Grace (October), not Tim's deal (Acme's).
    Logged in November: Ann 3 calls, 1 meeting, 1 note (internal: not an interaction with the client), and a
    call on 10-30; Bob 2 calls, 2 meetings; nobody 1 e-mail.
    """
    cli.today = "2026-11-18"
    ann, bob = acting("Ann"), acting("Bob", "head")  # a head: Bob also sets his own plan (#21)
    ann.ok("contact", "add", "Ada", "--company", "Acme")
    bob.ok("contact", "add", "Tim", "--company", "Acme")
    ann.ok("contact", "add", "Linus")
    bob.ok("contact", "add", "Grace")
    deal(cli, ann, "ada", "1000", "EUR", won="2026-11-05")
    deal(cli, ann, "ada", "2500.50", "EUR", won="2026-11-10")
    deal(cli, ann, "linus", "300", "USD", won="2026-11-12")
    deal(cli, bob, "grace", "4000", "EUR", won="2026-10-20")
    deal(cli, bob, "grace", "1500", "EUR", won="2026-11-03")
    deal(cli, bob, "grace", "700", "EUR", lost="2026-11-07")
    deal(cli, bob, "tim", "1000", "EUR", won="2026-11-14")
    deal(cli, ann, "ada", "9999", "EUR")  # open: no fact
    for at in ("2026-11-02 09:00", "2026-11-09 09:00", "2026-11-16 09:00", "2026-10-30 09:00"):
        log(cli, ann, "ada", "call", at)
    log(cli, ann, "linus", "meeting", "2026-11-11 10:00")
    log(cli, ann, "linus", "note", "2026-11-12 10:00")
    for kind, at in (("call", "2026-11-04 09:00"), ("call", "2026-11-17 09:00"), ("meeting", "2026-11-06 14:00"),
                     ("meeting", "2026-11-13 14:00")):  # fmt: skip
        log(cli, bob, "grace", kind, at)
    log(cli, None, "grace", "email", "2026-11-05 08:00")
    return cli


def report(cli: Cli, *args: str) -> dict[tuple[str, str, str | None], dict]:
    rows = cli.ok("report", "plan", *args, "-f", "json").json()
    return {(r["user"], r["metric"], r["currency"]): r for r in rows}


def figures(row: dict) -> tuple:
    return row["plan"], row["fact"], row["done_percent"], row["projection"], row["projected_percent"]


def test_plan_against_fact_with_run_rate_on_working_days(november):
    cli = november
    assert cli.ok("plan", "set", "--user", "ann", "--period", "2026-11", "--revenue", "5000", "EUR", "--deals", "4",
                  "--new-clients", "1", "--calls", "6", "--interactions", "10").stdout.strip() == "1"  # fmt: skip
    cli.ok("plan", "set", "--user", "bob", "--period", "2026-11", "--revenue", "1000", "usd", "--calls", "2")
    cli.ok("plan", "set", "--user", "bob", "--period", "2026-11", "--meetings", "3")  # merged: calls stay
    got = report(cli)
    assert {(r["working_days"], r["working_days_elapsed"], r["period"]) for r in got.values()} == {(21, 13, "2026-11")}
    # Ann: EUR 3500.50 of 5000 = 70.01%; x 21 / 13 = 5654.65 (113.09%). USD never joins the EUR target.
    assert figures(got["Ann", "revenue", "EUR"]) == ("5000.00", "3500.50", "70.0", "5654.65", "113.1")
    assert figures(got["Ann", "revenue", "USD"]) == (None, "300.00", None, "484.62", None)  # 300 x 21 / 13
    assert figures(got["Ann", "deals", None]) == (4, 3, "75.0", 4.8, "121.2")  # 63 / 13 = 4.846
    assert figures(got["Ann", "new_clients", None]) == (1, 2, "200.0", 3.2, "323.1")  # Acme and Linus
    assert figures(got["Ann", "calls", None]) == (6, 3, "50.0", 4.8, "80.8")  # the October call is outside
    assert figures(got["Ann", "interactions", None]) == (10, 4, "40.0", 6.5, "64.6")  # the note is not one
    assert ("Ann", "meetings", None) not in got  # not planned
    assert figures(got["Bob", "revenue", "USD"]) == ("1000.00", "0.00", "0.0", "0.00", "0.0")
    assert figures(got["Bob", "revenue", "EUR"]) == (None, "2500.00", None, "4038.46", None)
    assert figures(got["Bob", "calls", None]) == (2, 2, "100.0", 3.2, "161.5")
    assert figures(got["Bob", "meetings", None]) == (3, 2, "66.7", 3.2, "107.7")
    # the team: no plan of its own, so Ann's and Bob's added up (per currency); facts are everyone's
    team = {k[1:]: v for k, v in got.items() if k[0] == "team"}
    assert {r["plan_source"] for r in team.values()} == {"sum of user plans"}
    assert figures(team["revenue", "EUR"]) == ("5000.00", "6000.50", "120.0", "9693.12", "193.9")
    assert figures(team["revenue", "USD"]) == ("1000.00", "300.00", "30.0", "484.62", "48.5")
    assert figures(team["deals", None]) == (4, 5, "125.0", 8.1, "201.9")
    assert figures(team["new_clients", None]) == (1, 2, "200.0", 3.2, "323.1")
    assert figures(team["calls", None]) == (8, 5, "62.5", 8.1, "101.0")
    assert figures(team["meetings", None]) == (3, 3, "100.0", 4.8, "161.5")
    assert figures(team["interactions", None]) == (10, 9, "90.0", 14.5, "145.4")  # Ann 4 + Bob 4 + nobody's e-mail
    # one user's report has no team row
    assert {k[0] for k in report(cli, "--user", "bob")} == {"Bob"}


def test_team_plan_and_table_and_csv(november):
    cli = november
    cli.ok("plan", "set", "--team", "--period", "this-month", "--revenue", "8000", "EUR", "--deals", "10")
    cli.ok("plan", "set", "--user", "ann", "--period", "2026-11", "--deals", "4")
    got = report(cli)
    assert figures(got["team", "revenue", "EUR"]) == ("8000.00", "6000.50", "75.0", "9693.12", "121.2")
    assert figures(got["team", "revenue", "USD"]) == (None, "300.00", None, "484.62", None)
    assert figures(got["team", "deals", None]) == (10, 5, "50.0", 8.1, "80.8")
    assert got["team", "deals", None]["plan_source"] == "plan"
    assert ("Ann", "revenue", "EUR") not in got  # Ann's plan has no revenue target: no revenue rows
    table = cli.ok("report", "plan").stdout
    assert "Plan 2026-11 (2026-11-01..2026-11-30): 13 of 21 working days" in table
    assert "8000.00 EUR" in table and "6000.50 EUR" in table and "75.0%" in table
    lines = list(csv.DictReader(io.StringIO(cli.ok("report", "plan", "-f", "csv").stdout)))
    usd = [r for r in lines if r["currency"] == "USD"]
    assert [(r["user"], r["plan"], r["fact"]) for r in usd] == [("team", "", "300.00")]


@pytest.fixture
def new_year(cli: Cli, acting) -> Cli:
    """Q4 2026 is over and January 2027 began on a Friday: 21 working days, 6 gone on Friday 2027-01-08."""
    cli.today = "2027-01-08"
    ann = acting("Ann")
    ann.ok("contact", "add", "Ada", "--company", "Acme")
    ann.ok("contact", "add", "Linus")
    deal(cli, ann, "ada", "800", "EUR", won="2026-12-31")  # Acme's first: a new client of Q4
    deal(cli, ann, "ada", "1200", "EUR", won="2027-01-04")  # not new in January
    deal(cli, ann, "linus", "500", "EUR", won="2027-01-07")  # new in January
    log(cli, ann, "ada", "call", "2026-12-31 23:30")
    log(cli, ann, "ada", "call", "2027-01-01 00:10")
    return cli


def test_periods_across_the_year_boundary(new_year):
    cli = new_year
    cli.ok("plan", "set", "--user", "ann", "--period", "2027-01", "--revenue", "1000", "EUR", "--deals", "2",
           "--new-clients", "2", "--calls", "10")  # fmt: skip
    cli.ok("plan", "set", "--team", "--period", "2026-Q4", "--deals", "3", "--new-clients", "1", "--calls", "4")
    january = report(cli)  # default: the plans running today (January 2027; Q4 is over)
    assert {(r["period"], r["working_days"], r["working_days_elapsed"]) for r in january.values()} == {
        ("2027-01", 21, 6)
    }
    assert figures(january["Ann", "revenue", "EUR"]) == ("1000.00", "1700.00", "170.0", "5950.00", "595.0")
    assert figures(january["Ann", "deals", None]) == (2, 2, "100.0", 7.0, "350.0")  # 2 x 21 / 6
    assert figures(january["Ann", "new_clients", None]) == (2, 1, "50.0", 3.5, "175.0")  # Linus only
    assert figures(january["Ann", "calls", None]) == (10, 1, "10.0", 3.5, "35.0")  # the 00:10 call
    quarter = report(cli, "--period", "2026-Q4")
    # Q4 2026: 22 + 21 + 23 = 66 working days, all gone: the projection is the fact
    assert {(r["working_days"], r["working_days_elapsed"]) for r in quarter.values()} == {(66, 66)}
    assert figures(quarter["team", "deals", None]) == (3, 1, "33.3", 1.0, "33.3")
    assert figures(quarter["team", "new_clients", None]) == (1, 1, "100.0", 1.0, "100.0")
    assert figures(quarter["team", "calls", None]) == (4, 1, "25.0", 1.0, "25.0")  # the 23:30 call
    assert ("team", "revenue", "EUR") not in quarter  # no revenue target
    # a plan for a period that has not started: no projection yet
    cli.ok("plan", "set", "--user", "ann", "--period", "2027-Q2", "--deals", "5")
    assert figures(report(cli, "--period", "2027-q2")["Ann", "deals", None]) == (5, 0, "0.0", None, None)
    assert cli.ok("plan", "list", "--period", "this-quarter", "-f", "json").json() == []  # 2027-Q1: none


def test_plan_list_update_and_delete(november, acting):
    cli = november
    cli.ok("plan", "set", "--user", "ann", "--period", "2026-11", "--revenue", "1 500,50", "EUR", "--calls", "6")
    cli.ok("plan", "set", "--user", "ann", "--period", "2026-11", "--revenue", "2000", "USD")  # a new currency
    acting("Bob").ok("plan", "set", "--period", "2026-Q4", "--deals", "7")  # acting as Bob: his own
    cli.ok("plan", "set", "--team", "--period", "2026", "--interactions", "1000")
    plans = cli.ok("plan", "list", "-f", "json").json()
    assert [(p["period"], p["user"], p["scope"]) for p in plans] == [
        ("2026", None, "team"), ("2026-Q4", "Bob", "user"), ("2026-11", "Ann", "user")]  # fmt: skip
    ann = plans[2]
    assert (ann["starts_on"], ann["ends_on"], ann["revenue"], ann["currency"], ann["calls"], ann["deals"]) == (
        "2026-11-01", "2026-11-30", "2000.00", "USD", 6, None)  # fmt: skip
    assert [p["user"] for p in cli.ok("plan", "list", "--user", "bob", "-f", "json").json()] == ["Bob"]
    assert [p["period"] for p in cli.ok("plan", "list", "--team", "-f", "json").json()] == ["2026"]
    assert "2000.00 USD" in cli.ok("plan", "list").stdout
    cli.ok("plan", "delete", "--period", "2026-Q4", "--user", "bob")
    cli.ok("plan", "delete", str(ann["id"]))
    assert [p["period"] for p in cli.ok("plan", "list", "-f", "json").json()] == ["2026"]
    assert scalar(cli.db, "SELECT count(*) FROM audit_log WHERE entity = 'plan'") == 6  # 4 sets + 2 deletes
    cli.fails("plan", "delete", str(ann["id"]), code=1, match=f"no plan {ann['id']}")


@pytest.mark.parametrize(
    ("args", "code", "match"),
    [
        (
            ("--user", "ann", "--period", "2026-11-03..2026-11-20", "--deals", "1"),
            2,
            "a plan is for a calendar month, quarter or year",
        ),
        (("--user", "ann", "--period", "last-90d", "--deals", "1"), 2, "not 'last-90d' (2026-08-21..2026-11-18)"),
        (("--user", "ann", "--period", "2026-13", "--deals", "1"), 2, "invalid period '2026-13'"),
        (("--user", "ann", "--team", "--period", "2026-11", "--deals", "1"), 2, "--user and --team"),
        (("--period", "2026-11", "--deals", "1"), 2, "whose plan?"),
        (("--user", "carol", "--period", "2026-11", "--deals", "1"), 1, "no user named 'carol'"),
        (("--user", "ann", "--period", "2026-11"), 2, "nothing to plan"),
        (("--user", "ann", "--period", "2026-11", "--revenue", "1,000", "EUR"), 2, "ambiguous revenue '1,000'"),
        (("--user", "ann", "--period", "2026-11", "--revenue", "10.999", "EUR"), 2, "at most two decimals"),
        (("--user", "ann", "--period", "2026-11", "--revenue", "-5", "EUR"), 2, "must be zero or more"),
        (("--user", "ann", "--period", "2026-11", "--revenue", "500", "EURO"), 2, "invalid currency 'EURO'"),
        (("--user", "ann", "--period", "2026-11", "--revenue", "500"), 2, "'--revenue' requires 2 arguments"),
        (("--user", "ann", "--period", "2026-11", "--calls", "-1"), 2, "--calls"),
        (("--user", "ann", "--period", "2026-11", "--calls", "1000001"), 2, "invalid --calls 1000001"),
    ],
)
def test_bad_plans_are_one_error_line_and_change_nothing(cli, acting, args, code, match):
    cli.today = "2026-11-18"
    acting("Ann")  # added (on PostgreSQL with a login role no parallel test uses)
    cli.fails("plan", "set", *args, code=code, match=match)


def test_delete_and_report_mistakes(cli, acting):
    acting("Ann")
    cli.ok("user", "add", "Gone")
    cli.ok("user", "deactivate", "gone")
    cli.fails("plan", "set", "--user", "gone", "--period", "2026-11", "--deals", "1", code=1, match="is deactivated")
    cli.fails("plan", "delete", code=2, match="which plan?")
    cli.fails("plan", "delete", "1", "--team", code=2, match="not both")
    cli.fails("plan", "delete", "--period", "2026-11", "--team", code=1, match="no plan for the team in 2026-11")
    cli.fails("report", "plan", "--period", "last-week", code=2, match="a plan is for a calendar month")
    cli.fails("report", "plan", "--user", "nobody", code=1, match="no user named 'nobody'")
    res = cli.ok("report", "plan")
    assert res.stdout == "" and "no plan for a period running on 2026-11-22" in res.stderr
    assert cli.ok("report", "plan", "-f", "json").json() == []
