"""Values users type are stored as meant, through every command that takes them (issue #15/#16 contract).

Regressions: `deal add --amount 1,000` stored 1.00; `campaign add --budget 1,500` stored 1500.00 (two parsers
that disagreed); the README's own `1.500,50` was refused; a product quantity of 100 printed as `1E+2`.
"""

from __future__ import annotations

import pytest

from minicrm.errors import BadInput
from minicrm.values.money import parse_money
from minicrm.values.quantity import parse_quantity, quantity_text

ACCEPTED = [
    ("1500", "1500.00"),
    ("1500.50", "1500.50"),
    ("1500,50", "1500.50"),
    ("1 500,50", "1500.50"),
    ("1.500,50", "1500.50"),
    ("1,500.50", "1500.50"),
    ("1,234,567", "1234567.00"),
    ("1.234.567,8", "1234567.80"),
    ("0,5", "0.50"),
    ("99.9", "99.90"),
]
REFUSED = ["1,000", "1.000", "1,234", "-5", "1e309", "NaN", "abc", "1,2,3", "1.5.00", "", "12.345.6", "1.005"]


@pytest.mark.parametrize(("text", "value"), ACCEPTED)
def test_money_is_read_as_meant(text, value):
    assert str(parse_money(text)) == value


@pytest.mark.parametrize("text", REFUSED)
def test_money_refuses_what_it_cannot_read_for_sure(text):
    with pytest.raises(BadInput, match="amount"):
        parse_money(text)


def test_the_number_format_settles_the_ambiguous_case():
    assert str(parse_money("1,000", decimal=".")) == "1000.00"
    assert str(parse_money("1.000", decimal=",")) == "1000.00"
    assert str(parse_money("1,50", decimal=",")) == "1.50"


def test_quantities_print_as_typed():
    assert quantity_text(parse_quantity("100")) == "100"
    assert quantity_text(parse_quantity("100.0")) == "100"
    assert quantity_text(parse_quantity("1,5")) == "1.5"
    for bad in ("0", "-1", "1e3", "x"):
        with pytest.raises(BadInput):
            parse_quantity(bad)


def test_deal_amount_1000_is_refused_not_stored_as_one(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.fails("deal", "add", "Engine", "--contact", "ada", "--amount", "1,000", code=2, match="ambiguous amount")
    cli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "1.500,50")
    assert cli.ok("deal", "list", "-f", "json").json()[0]["amount"] == "1500.50"


def test_campaign_budget_uses_the_same_parser(cli):
    cli.fails("campaign", "add", "Spring", "--channel", "email", "--budget", "1,500", code=2, match="ambiguous budget")
    cli.ok("campaign", "add", "Spring", "--channel", "email", "--budget", "1 500,50")
    assert cli.ok("campaign", "list", "-f", "json").json()[0]["budget"] == "1500.50"


def test_number_format_from_the_config(cli):
    cli.ok("config", "set", "number_format", "1,234.56")
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "1,000")
    assert cli.ok("deal", "list", "-f", "json").json()[0]["amount"] == "1000.00"


def test_product_quantity_prints_as_typed(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("deal", "add", "Support", "--contact", "ada", "--product", "Hours:100:99.50")
    deal = cli.ok("deal", "list", "-f", "json").json()[0]
    shown = cli.ok("deal", "show", str(deal["id"]), "-f", "json").json()
    assert shown["products"][0]["quantity"] == "100", shown["products"]
    assert shown["amount"] == "9950.00"
    assert "1E+2" not in cli.ok("deal", "show", str(deal["id"])).stdout


@pytest.mark.parametrize(("typed", "stored"), [("40", 40), ("40%", 40), ("40 %", 40), ("12.5%", 13), ("0,5", 1)])
def test_a_probability_is_read_by_the_percent_parser(cli, typed, stored):
    """`--probability 40%` was refused ('not a valid integer'); the shared parser reads what people write."""
    cli.ok("contact", "add", "Ann")
    cli.ok("deal", "add", "Site", "--contact", "Ann", "--probability", typed)
    assert cli.ok("deal", "list", "-f", "json").json()[0]["probability"] == stored
    cli.ok("pipeline", "stages", "add", "Trial", "--probability", typed)
    stages = {s["name"]: s for s in cli.ok("pipeline", "stages", "list", "-f", "json").json()}
    assert stages["Trial"]["probability"] == stored


@pytest.mark.parametrize("typed", ["101", "-5", "50%%", "half", "1e2"])
def test_a_probability_outside_0_to_100_is_refused(cli, typed):
    cli.ok("contact", "add", "Ann")
    cli.fails("deal", "add", "Site", "--contact", "Ann", "--probability", typed, code=2, match="probability")


@pytest.mark.parametrize(("minutes", "text"), [(0, "0m"), (25, "25m"), (60, "1h"), (65, "1h05m"), (90, "1h30m"),
                                               (6000, "100h"), (599_999, "9999h59m")])  # fmt: skip
def test_durations_print_as_they_are_typed(minutes, text):
    from minicrm.values.duration import minutes_text, parse_minutes

    assert minutes_text(minutes) == text and parse_minutes(text) == minutes
