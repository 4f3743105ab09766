"""`report lost` and `report lost-deals` (#20) on a fixed book with hand-computed figures, both backends."""

from __future__ import annotations

import pytest


def _won(cli, title: str, on: str, *args: str) -> str:
    deal = cli.ok("deal", "add", title, *args, today=on).stdout.strip()
    cli.ok("deal", "won", deal, "--on", on, today=on)
    return deal


def _lost(cli, title: str, on: str, reason: str, *args: str, moves: tuple[str, ...] = ()) -> str:
    deal = cli.ok("deal", "add", title, *args, today="2025-11-01").stdout.strip()
    for stage in moves:
        cli.ok("deal", "move", deal, stage, today="2025-11-02")
    cli.ok("deal", "lost", deal, "--reason", reason, "--on", on, today=on)
    return deal


@pytest.fixture
def book(cli):
    """Today 2026-11-22; 6 months before: 2026-05-22.

    Acme (owner alice; contact Ada): won 1000 EUR 2025-10-15 and 500 USD 2026-03-01; an open deal; Ada's call
        2026-09-10 10:00 is the last contact (her note of 2026-10-01 is internal; a letter to the company itself
        on 2026-08-01 is older).
    Bob (no company, owner bob): won 300 EUR 2026-06-15.
    Carl (no company): no deal, an order logged 2026-01-05.
    Dora (no company, archived): won 50 EUR 2025-01-01.
    Eve (no company): won 70 EUR 2026-05-22, exactly six months ago.
    Frank (no company): won 90 EUR 2025-12-20, an order 2026-07-01.
    Lost deals: 'Price' 100 EUR (2025-12-31, from proposal, alice), 'price' 200 USD (2026-01-02, from lead, bob),
        'timing' 40 EUR (2026-01-15, from qualified via lead, alice), 'PRICE' 10 EUR (2026-02-01, from lead, nobody).
    """
    cli.ok("contact", "add", "Ada Lovelace", "--company", "Acme", "--owner", "alice", today="2025-01-01")
    cli.ok("company", "edit", "Acme", "--owner", "alice", today="2025-01-01")
    for name, owner in (("Bob Brown", "bob"), ("Carl Gauss", None), ("Dora Dent", None), ("Eve Evans", None),
                        ("Frank Fox", None)):  # fmt: skip
        cli.ok("contact", "add", name, *(["--owner", owner] if owner else []), today="2025-01-01")
    _won(cli, "Engine", "2025-10-15", "--company", "Acme", "--amount", "1000")
    _won(cli, "Licences", "2026-03-01", "--contact", "ada", "--amount", "500", "--currency", "USD")
    cli.ok("deal", "add", "Next engine", "--company", "Acme", "--amount", "200", today="2026-10-01")
    cli.ok("log", "ada", "call", "How is the engine?", "--at", "2026-09-10 10:00", today="2026-09-10")
    cli.ok("log", "ada", "note", "Prefers mornings", "--at", "2026-10-01 10:00", today="2026-10-01")
    cli.ok("log", "--company", "acme", "letter", "Catalogue sent", "--at", "2026-08-01 10:00", today="2026-08-01")
    _won(cli, "Support", "2026-06-15", "--contact", "bob", "--amount", "300")
    cli.ok("log", "carl", "order", "Ordered 5 boxes", "--at", "2026-01-05 09:00", today="2026-01-05")
    _won(cli, "Old", "2025-01-01", "--contact", "dora", "--amount", "50")
    cli.ok("contact", "archive", "dora")
    _won(cli, "Exactly", "2026-05-22", "--contact", "eve", "--amount", "70")
    _won(cli, "Frank's", "2025-12-20", "--contact", "frank", "--amount", "90")
    cli.ok("log", "frank", "order", "Reorder", "--at", "2026-07-01 12:00", today="2026-07-01")
    _lost(cli, "L1", "2025-12-31", "Price", "--contact", "ada", "--amount", "100", "--owner", "alice",
          moves=("qualified", "proposal"))  # fmt: skip
    _lost(cli, "L2", "2026-01-02", "price", "--contact", "bob", "--amount", "200", "--currency", "USD",
          "--owner", "bob")  # fmt: skip
    _lost(cli, "L3", "2026-01-15", "timing", "--contact", "eve", "--amount", "40", "--owner", "alice",
          moves=("qualified",))  # fmt: skip
    _lost(cli, "L4", "2026-02-01", "PRICE", "--contact", "carl", "--amount", "10")
    return cli


def test_lost_clients_figures(book):
    rows = book.ok("report", "lost", "-f", "json").json()
    assert [(r["client"], r["kind"], r["last_purchase"]) for r in rows] == [
        ("Eve Evans", "contact", "2026-05-22"),  # on the day six months ago: nothing bought for six months
        ("Acme", "company", "2026-03-01"),
        ("Carl Gauss", "contact", "2026-01-05"),
    ]  # Bob bought 2026-06-15, Frank ordered 2026-07-01, Dora is archived
    eve, acme, carl = rows
    assert acme["lifetime_value"] == {"EUR": "1000.00", "USD": "500.00"}  # never added together
    assert (acme["won_deals"], acme["orders"], acme["first_purchase"]) == (2, 0, "2025-10-15")
    assert acme["days_since_purchase"] == 266  # March 31 - 1 = 30, + Apr..Oct 214, + 22
    assert (acme["last_contact"], acme["days_since_contact"]) == ("2026-09-10T10:00:00", 73)  # not the note
    assert (acme["owner"], acme["open_deals"]) == ("alice", 1)
    assert (carl["lifetime_value"], carl["won_deals"], carl["orders"]) == ({}, 0, 1)
    assert (carl["last_contact"], carl["days_since_contact"], carl["owner"]) == ("2026-01-05T09:00:00", 321, None)
    assert (eve["lifetime_value"], eve["days_since_purchase"], eve["last_contact"]) == ({"EUR": "70.00"}, 184, None)

    three = book.ok("report", "lost", "--months", "3", "-f", "json").json()  # since 2026-08-22
    assert [r["client"] for r in three] == ["Frank Fox", "Bob Brown", "Eve Evans", "Acme", "Carl Gauss"]
    assert three[0]["lifetime_value"] == {"EUR": "90.00"} and three[0]["orders"] == 1
    assert [r["client"] for r in book.ok("report", "lost", "--owner", "alice", "-f", "json").json()] == ["Acme"]
    loyal = book.ok("report", "lost", "--sort", "purchases", "-f", "json").json()
    assert [r["client"] for r in loyal] == ["Acme", "Eve Evans", "Carl Gauss"]  # 2 purchases; then 1, latest first
    silent = book.ok("report", "lost", "--sort", "silence", "-f", "json").json()
    assert [r["client"] for r in silent] == ["Eve Evans", "Carl Gauss", "Acme"]  # never, 2026-01-05, 2026-09-10

    csv_lines = book.ok("report", "lost", "-f", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("client,kind,id,currency,lifetime_value,")
    assert [line.split(",")[:5] for line in csv_lines[1:]] == [
        ["Eve Evans", "contact", "5", "EUR", "70.00"],
        ["Acme", "company", "1", "EUR", "1000.00"],
        ["Acme", "company", "1", "USD", "500.00"],
        ["Carl Gauss", "contact", "3", "", ""],
    ]
    table = book.ok("report", "lost").stdout
    assert "bought nothing since 2026-05-22" in table and "1000.00 EUR, 500.00 USD" in table
    assert "never" in table  # Eve's last contact
    assert "no lost clients" in book.ok("report", "lost", "--months", "60").stderr
    book.fails("report", "lost", "--months", "0", code=2, match="--months")
    book.fails("report", "lost", "--sort", "value", code=2, match="unknown sort 'value'")
    book.ok("log", "--company", "acme", "call", "Any news?", "--at", "2026-10-20 09:00")  # with the company itself
    acme = next(r for r in book.ok("report", "lost", "-f", "json").json() if r["client"] == "Acme")
    assert (acme["last_contact"], acme["days_since_contact"]) == ("2026-10-20T09:00:00", 33)


def test_lost_deals_by_reason_stage_owner_month(book):
    by_reason = book.ok("report", "lost-deals", "-f", "json").json()
    assert by_reason == [  # Price, price and PRICE are one reason, written as most often (a tie: the first)
        {"reason": "PRICE", "deals": 3, "share": 0.75, "value": {"EUR": "110.00", "USD": "200.00"}},
        {"reason": "timing", "deals": 1, "share": 0.25, "value": {"EUR": "40.00"}},
    ]
    by_stage = book.ok("report", "lost-deals", "--by", "stage", "-f", "json").json()
    assert [(r["stage"], r["deals"], r["value"]) for r in by_stage] == [
        ("lead", 2, {"EUR": "10.00", "USD": "200.00"}),
        ("proposal", 1, {"EUR": "100.00"}),
        ("qualified", 1, {"EUR": "40.00"}),
    ]
    by_owner = book.ok("report", "lost-deals", "--by", "owner", "-f", "json").json()
    assert [(r["owner"], r["deals"], r["value"]) for r in by_owner] == [
        ("alice", 2, {"EUR": "140.00"}),
        ("bob", 1, {"USD": "200.00"}),
        ("(none)", 1, {"EUR": "10.00"}),
    ]
    by_month = book.ok("report", "lost-deals", "--by", "month", "-f", "json").json()
    assert [(r["month"], r["deals"], r["value"]) for r in by_month] == [
        ("2025-12", 1, {"EUR": "100.00"}),
        ("2026-01", 2, {"EUR": "40.00", "USD": "200.00"}),
        ("2026-02", 1, {"EUR": "10.00"}),
    ]
    # a period across the year boundary: 2025-12-15 .. 2026-01-10 holds L1 and L2
    window = book.ok("report", "lost-deals", "--from", "2025-12-15", "--to", "2026-01-10", "-f", "json").json()
    assert window == [{"reason": "Price", "deals": 2, "share": 1.0, "value": {"EUR": "100.00", "USD": "200.00"}}]
    assert book.ok("report", "lost-deals", "--period", "2025-Q4", "-f", "json").json()[0]["deals"] == 1
    csv_text = book.ok("report", "lost-deals", "-f", "csv").stdout
    assert csv_text.splitlines() == [
        "reason,deals,share,currency,value",
        "PRICE,3,0.75,EUR,110.00",
        "PRICE,3,0.75,USD,200.00",
        "timing,1,0.25,EUR,40.00",
    ]
    table = book.ok("report", "lost-deals")
    assert "75%" in table.stdout and "110.00 EUR, 200.00 USD" in table.stdout and "4 lost deals" in table.stderr
    book.fails("report", "lost-deals", "--by", "colour", code=2, match="unknown grouping 'colour'")
    book.fails("report", "lost-deals", "--period", "2026-13", code=2, match="2026-13")
