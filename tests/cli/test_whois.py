"""`minicrm whois NUMBER|EMAIL`: phone normalisation, both storage forms, e-mail, companies, bad input."""

from __future__ import annotations

import pytest

from conftest import execute


@pytest.fixture
def book(cli, db_target):
    cli.ok("company", "add", "Acme", "--phone", "+49 30 999 000", "--email", "office@acme.example")
    cli.ok("contact", "add", "Ada Lovelace", "-p", "+49 30 1234567", "-e", "Ada@Example.org", "-c", "Acme",
           "--next", "2026-11-25", "--goal", "renewal")  # fmt: skip
    cli.ok("contact", "add", "Bob Stone", "-p", "030 7654321")
    cli.ok("contact", "add", "Cy Young", "-p", "(201) 555-0123")
    cli.ok("contact", "add", "Dora Dup", "-p", "0049 30 1234567")
    cli.ok("log", "ada", "call", "Talked about renewal", "--at", "2026-11-18 14:30")
    cli.ok("request", "add", "Printer broken", "-c", "ada", "--at", "2026-11-20 09:00")
    execute(
        db_target,
        "INSERT INTO deal (title, contact_id, amount_minor, currency, stage_id, created_at, updated_at, revision)"
        " VALUES ('Renewal 2027', 1, 480000, 'EUR', (SELECT id FROM pipeline_stage WHERE name = 'proposal'),"
        " '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1)",
    )
    return cli


def names(res):
    return [m["name"] for m in res.json()["matches"]]


def test_international_number_finds_e164_and_00_forms(book):
    res = book.ok("whois", "+49 30 1234567", "-f", "json")
    assert names(res) == ["Ada Lovelace", "Dora Dup"]
    assert res.json()["normalized"] == "+49301234567"
    ada = res.json()["matches"][0]
    assert (ada["kind"], ada["company"], ada["next_contact_on"], ada["next_contact_goal"]) == (
        "contact",
        "Acme",
        "2026-11-25",
        "renewal",
    )
    assert ada["last_interaction"]["summary"] == "Talked about renewal"
    assert ada["last_interaction"]["happened_at"] == "2026-11-18T14:30:00"
    assert [(d["title"], d["stage"], d["amount"]) for d in ada["open_deals"]] == [
        ("Renewal 2027", "proposal", "4800.00")
    ]
    assert [(r["id"], r["subject"], r["status"]) for r in ada["open_requests"]] == [(1, "Printer broken", "new")]
    assert names(book.ok("whois", "tel:+49-30-1234567", "-f", "json")) == ["Ada Lovelace", "Dora Dup"]


def test_number_stored_in_national_form_is_found_from_caller_id(book):
    assert names(book.ok("whois", "+49307654321", "-f", "json")) == ["Bob Stone"]
    assert names(book.ok("whois", "030 7654321", "-f", "json")) == ["Bob Stone"]  # as typed, no region needed


def test_national_input_needs_a_region(book, monkeypatch):
    assert names(book.ok("whois", "030 1234567", "--region", "de", "-f", "json")) == ["Ada Lovelace", "Dora Dup"]
    book.fails("whois", "030 1234567", code=1, match="nobody has the number '030 1234567'")
    monkeypatch.setenv("MINICRM_REGION", "DE")
    assert names(book.ok("whois", "030 1234567", "-f", "json")) == ["Ada Lovelace", "Dora Dup"]
    assert names(book.ok("whois", "2015550123", "--region", "US", "-f", "json")) == ["Cy Young"]
    assert names(book.ok("whois", "+1 201-555-0123", "-f", "json")) == ["Cy Young"]


def test_email_and_company(book):
    assert names(book.ok("whois", "ada@EXAMPLE.org", "-f", "json")) == ["Ada Lovelace"]
    res = book.ok("whois", "+49 30 999000", "-f", "json").json()
    assert [(m["kind"], m["name"]) for m in res["matches"]] == [("company", "Acme")]
    assert res["matches"][0]["last_interaction"]["summary"] == "Talked about renewal"
    assert names(book.ok("whois", "office@acme.example", "-f", "json")) == ["Acme"]


def test_table_shows_the_short_card(book):
    out = book.ok("whois", "+49301234567").stdout
    for text in ("Ada Lovelace", "Acme", "Talked about renewal", "2026-11-25", "Renewal 2027", "Printer broken"):
        assert text in out, text
    assert book.ok("whois", "030 7654321", "-f", "csv").stdout.splitlines()[1].startswith("contact,2,Bob Stone")


def test_whois_bad_input(book):
    book.fails("whois", "hello", code=2, match="cannot read 'hello' as a phone number")
    book.fails("whois", "12", code=2, match="cannot read '12'")
    book.fails("whois", "030 1234567", "--region", "XX", code=2, match="unknown region 'XX'")
    book.fails("whois", "nobody@example.org", code=1, match="nobody has the e-mail 'nobody@example.org'")
    book.fails("whois", "+44 20 7946 0000", code=1, match="nobody has the number")


def test_whois_is_light(book, db_target):
    from conftest import loaded

    assert loaded("--db", str(db_target), "whois", "+49301234567", "-f", "json") == []


def test_region_from_the_config_file(book, monkeypatch):
    book.ok("config", "set", "region", "de")
    assert names(book.ok("whois", "030 1234567", "-f", "json")) == ["Ada Lovelace", "Dora Dup"]
    monkeypatch.setenv("MINICRM_REGION", "US")  # the environment wins over the file
    book.fails("whois", "030 1234567", code=1, match="nobody has the number")
