"""Deals, stages and tasks through the CLI; reports on a fixed dataset with hand-computed figures."""

from __future__ import annotations

import pytest


@pytest.fixture
def book(cli):
    """Four deals across a year boundary (positions: lead 0, qualified 1, proposal 2, negotiation 3, won 4, lost 5).

    A: EUR 1000, lead 2025-12-10 -> qualified 12-20 -> proposal 2026-01-04 -> won 01-10
    B: EUR 500.50, lead 2025-12-15 -> qualified 12-25 -> lost 2026-01-05 (price)
    C: USD 2000, created in proposal 2026-01-02, expected close 2026-02-15
    D: EUR 0.10 + 0.20 in products, lead 2026-01-03, expected close 2026-02-20
    """
    cli.ok("contact", "add", "Ada Lovelace", "--company", "Engines", today="2025-12-01")
    cli.ok("contact", "add", "Bob Brown", today="2025-12-01")
    cli.ok("company", "edit", "Engines", "--industry", "machines", "--region", "London", today="2025-12-01")
    a = cli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "1000", today="2025-12-10").stdout.strip()
    b = cli.ok("deal", "add", "Support", "--contact", "bob", "--amount", "500.50", "--source", "fair",
               today="2025-12-15").stdout.strip()  # fmt: skip
    cli.ok("deal", "move", a, "qualified", today="2025-12-20")
    cli.ok("deal", "move", b, "qualified", today="2025-12-25")
    c = cli.ok("deal", "add", "Licences", "--company", "Engines", "--amount", "2000", "--currency", "usd",
               "--stage", "proposal", "--close", "2026-02-15", today="2026-01-02").stdout.strip()  # fmt: skip
    d = cli.ok("deal", "add", "Tiny", "--contact", "bob", "--product", "A:1:0.10", "--product", "B:1:0.20",
               "--close", "2026-02-20", "--next-step", "call", "--next-step-on", "2026-01-20",
               today="2026-01-03").stdout.strip()  # fmt: skip
    cli.ok("deal", "move", a, "proposal", today="2026-01-04")
    cli.ok("deal", "lost", b, "--reason", "price", today="2026-01-05")
    cli.ok("deal", "won", a, "--on", "2026-01-10", today="2026-01-10")
    cli.today = "2026-01-15"
    return {"A": a, "B": b, "C": c, "D": d}


def test_deal_records(cli, book):
    deal = cli.ok("deal", "show", book["D"], "-f", "json").json()
    assert deal["amount"] == "0.30"  # 0.10 + 0.20 exactly, not 0.30000000000000004
    assert [p["total"] for p in deal["products"]] == ["0.10", "0.20"]
    assert (deal["stage"], deal["probability"], deal["weighted_amount"]) == ("lead", 10, "0.03")
    a = cli.ok("deal", "show", book["A"], "-f", "json").json()
    assert (a["state"], a["won_on"], a["company"]) == ("won", "2026-01-10", "Engines")
    assert [(h["from"], h["to"]) for h in a["history"]] == [
        (None, "lead"),
        ("lead", "qualified"),
        ("qualified", "proposal"),
        ("proposal", "won"),
    ]
    b = cli.ok("deal", "show", book["B"], "-f", "json").json()
    assert (b["state"], b["lost_reason"], b["lost_on"]) == ("lost", "price", "2026-01-05")
    assert [d["title"] for d in cli.ok("deal", "list", "--open", "-f", "json").json()] == ["Tiny", "Licences"]
    assert [d["title"] for d in cli.ok("deal", "list", "--won", "-f", "json").json()] == ["Engine"]
    assert [d["title"] for d in cli.ok("deal", "list", "--stage", "proposal", "-f", "json").json()] == ["Licences"]
    closing = cli.ok("deal", "list", "--closing-within", "31d", "-f", "json").json()
    assert [d["title"] for d in closing] == ["Licences"]  # 2026-02-15 <= 2026-02-15; Tiny closes 02-20
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert card["deals"] == []  # A is won, not open
    assert "Engine" in cli.ok("deal", "show", book["A"]).stdout


def test_deal_bad_input(cli, book):
    cli.fails("deal", "move", book["A"], "proposal", code=1, match="already won")
    cli.fails("deal", "move", book["D"], "shipped", code=2, match="unknown stage 'shipped'")
    cli.fails("deal", "add", "X", "--contact", "ada", "--amount", "-5", code=2, match="invalid amount '-5'")
    cli.fails("deal", "add", "X", "--contact", "ada", "--amount", "1.005", code=2, match="at most two decimals")
    cli.fails("deal", "add", "X", "--contact", "ada", "--product", "Widget:two:3", code=2,
              match="invalid product 'Widget:two:3'")  # fmt: skip
    cli.fails("deal", "add", "X", "--contact", "ada", "--product", "Widget", code=2, match="invalid product")
    cli.fails("deal", "add", "X", code=2, match="needs --contact or --company")
    cli.fails("deal", "add", "X", "--contact", "ada", "--currency", "euro", code=2, match="invalid currency")
    cli.fails("deal", "lost", book["D"], "--reason", " ", code=2, match="needs --reason")
    cli.fails("deal", "won", book["B"], code=1, match="already lost")
    cli.fails("deal", "show", "99", code=1, match="no deal with id 99")
    cli.fails("deal", "delete", book["D"], code=1, match="--yes")


def test_reopen_and_edit(cli, book):
    cli.ok("deal", "reopen", book["B"], "negotiation")
    cli.ok("deal", "edit", book["B"], "--amount", "750", "--probability", "90")
    deal = cli.ok("deal", "show", book["B"], "-f", "json").json()
    assert (deal["state"], deal["amount"], deal["weighted_amount"], deal["lost_reason"]) == (
        "open", "750.00", "675.00", None,
    )  # fmt: skip


def test_stages_are_configurable(cli, book):
    cli.ok("pipeline", "stages", "add", "demo", "--probability", "40", "--before", "proposal")
    cli.ok("pipeline", "stages", "rename", "qualified", "discovery")
    names = [s["name"] for s in cli.ok("pipeline", "stages", "list", "-f", "json").json()]
    assert names == ["lead", "discovery", "demo", "proposal", "negotiation", "won", "lost"]
    cli.ok("pipeline", "stages", "reorder", "lead", "demo", "discovery", "proposal", "negotiation")
    names = [s["name"] for s in cli.ok("pipeline", "stages", "list", "-f", "json").json()]
    assert names[:3] == ["lead", "demo", "discovery"]
    cli.fails("pipeline", "stages", "add", "Lead", code=1, match="already exists")
    cli.fails("pipeline", "stages", "reorder", "lead", code=2, match="every open stage")


def test_pipeline_report_figures(cli, book):
    rows = {r["stage"]: r for r in cli.ok("report", "pipeline", "-f", "json").json()}
    assert rows["lead"]["count"] == 1 and rows["lead"]["totals"] == {"EUR": "0.30"}
    assert rows["lead"]["weighted"] == {"EUR": "0.03"}
    assert rows["proposal"]["totals"] == {"USD": "2000.00"} and rows["proposal"]["weighted"] == {"USD": "1000.00"}
    assert rows["won"]["totals"] == {"EUR": "1000.00"} and rows["lost"]["totals"] == {"EUR": "500.50"}
    # reached lead: A B C D = 4; qualified: A B C = 3; proposal: A C = 2; negotiation and won: A = 1
    assert rows["lead"]["conversion"] == 0.75
    assert rows["qualified"]["conversion"] == round(2 / 3, 4)
    assert rows["proposal"]["conversion"] == 0.5
    assert rows["negotiation"]["conversion"] == 1.0
    # completed stays: lead A 10 d, B 10 d; qualified A 15 d, B 11 d; proposal A 6 d
    assert rows["lead"]["avg_days"] == 10.0
    assert rows["qualified"]["avg_days"] == 13.0
    assert rows["proposal"]["avg_days"] == 6.0
    assert rows["negotiation"]["avg_days"] is None
    # deals created in December 2025 only: A and B
    december = {r["stage"]: r for r in cli.ok("pipeline", "--period", "2025-12", "-f", "json").json()}
    assert sum(r["count"] for r in december.values()) == 2
    assert "Pipeline" in cli.ok("pipeline").stdout


def test_forecast_sales_clients(cli, book):
    rows = cli.ok("report", "forecast", "-f", "json").json()
    assert [(r["month"], r["currency"], r["open_amount"], r["weighted"], r["won_amount"]) for r in rows] == [
        ("2026-01", "EUR", "0.00", "0.00", "1000.00"),
        ("2026-02", "EUR", "0.30", "0.03", "0.00"),
        ("2026-02", "USD", "2000.00", "1000.00", "0.00"),
    ]
    sales = cli.ok("report", "sales", "--from", "2025-12-01", "--to", "2026-01-31", "-f", "json").json()
    assert sales["won_total"] == {"EUR": "1000.00"} and sales["won_count"] == 1 and sales["lost_count"] == 1
    assert sales["win_rate"] == 0.5 and sales["average_deal"] == {"EUR": "1000.00"}
    assert sales["rows"] == [{"month": "2026-01", "currency": "EUR", "deals": 1, "amount": "1000.00"}]
    quarter = cli.ok("report", "sales", "--by", "quarter", "--period", "2026", "-f", "json").json()
    assert quarter["rows"] == [{"quarter": "2026-Q1", "currency": "EUR", "deals": 1, "amount": "1000.00"}]
    by_region = cli.ok("report", "sales", "--by", "region", "-f", "json").json()["rows"]
    assert by_region == [{"region": "London", "currency": "EUR", "deals": 1, "amount": "1000.00"}]
    assert cli.ok("report", "sales", "--period", "2025", "-f", "json").json()["won_count"] == 0
    clients = cli.ok("report", "clients", "-f", "json").json()
    assert [(c["client"], c["lifetime_value"], c["won_deals"], c["top"]) for c in clients] == [
        ("Engines", "1000.00", 1, True)
    ]
    cli.fails("report", "sales", "--by", "colour", code=2, match="unknown grouping 'colour'")
    cli.fails("report", "sales", "--period", "2026-Q5", code=2, match="2026-Q5")
    cli.fails("report", "sales", "--period", "2026", "--from", "2026-01-01", code=2, match="not both")


def test_activity_and_segments(cli, book, acting):
    alice, bob = acting("alice"), acting("bob")
    alice.ok("log", "ada", "call", "one", "--at", "2026-01-05 10:00")
    alice.ok("log", "ada", "email", "two", "--at", "2026-01-06 10:00")
    bob.ok("log", "bob", "call", "three", "--at", "2026-01-13 10:00")
    rows = cli.ok("report", "activity", "--by", "week", "-f", "json").json()
    assert rows == [
        {"period": "2026-01-05", "user": "alice", "kind": "call", "count": 1},  # the week's Monday
        {"period": "2026-01-05", "user": "alice", "kind": "email", "count": 1},
        {"period": "2026-01-12", "user": "bob", "kind": "call", "count": 1},
    ]
    per_client = cli.ok("report", "activity", "--per", "client", "-f", "json").json()
    assert per_client == [
        {"client": "Bob Brown", "kind": "call", "count": 1},
        {"client": "Engines", "kind": "call", "count": 1},
        {"client": "Engines", "kind": "email", "count": 1},
    ]
    segs = {s["segment"]: s for s in cli.ok("report", "segments", "--by", "industry", "-f", "json").json()}
    assert segs["machines"]["contacts"] == 1 and segs["machines"]["revenue"] == {"EUR": "1000.00"}
    assert segs["(none)"]["contacts"] == 1 and segs["(none)"]["revenue"] == {}
    cli.fails("report", "segments", "--by", "shoe-size", code=2, match="unknown segment")


def test_tasks(cli, book):
    t1 = cli.ok("task", "add", "Send the contract", "--due", "2026-01-10", "--deal", book["C"]).stdout.strip()
    t2 = cli.ok("task", "add", "Call back", "--due", "friday 10:00", "--contact", "ada").stdout.strip()
    tasks = cli.ok("task", "list", "--open", "-f", "json").json()
    assert [(t["title"], t["due_on"], t["due_time"], t["company"]) for t in tasks] == [
        ("Send the contract", "2026-01-10", None, "Engines"),
        ("Call back", "2026-01-16", "10:00", "Engines"),
    ]
    assert [t["id"] for t in cli.ok("task", "list", "--overdue", "-f", "json").json()] == [int(t1)]
    due = cli.ok("due", "-f", "json").json()
    assert {("task", "Send the contract")} <= {(i["kind"], i["title"]) for i in due}
    cli.ok("task", "done", t1)
    assert [t["id"] for t in cli.ok("task", "list", "--open", "-f", "json").json()] == [int(t2)]
    cli.ok("task", "edit", t2, "--title", "Call Ada back", "--due", "")
    assert cli.ok("task", "list", "--open", "-f", "json").json()[0]["due_on"] is None
    cli.ok("task", "delete", t2)
    cli.fails("task", "done", "999", code=1, match="no task with id 999")
    cli.fails("task", "add", "X", "--due", "31.02.2026", code=2, match="31.02.2026")
    cli.fails("task", "add", "X", "--deal", "999", code=2, match="no deal with id 999")


def test_deal_credits_a_campaign(cli, book):
    cli.ok("campaign", "add", "Winter mailing", "--channel", "mailing")
    deal = cli.ok("deal", "add", "From the mailing", "--contact", "ada", "--campaign", "winter").stdout.strip()
    assert cli.ok("deal", "show", deal, "-f", "json").json()["campaign_id"] == 1
    cli.fails("deal", "add", "X", "--contact", "ada", "--campaign", "summer", code=1, match="summer")
