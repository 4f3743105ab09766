"""Dates outside the years 1800–2199 are refused at input (#16), so no later computation can overflow.

Regression: dates in year 1 or 9999 were stored, then `due`, `remind` and `ical export` ended in
`internal error` (date arithmetic past datetime's range).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01", "1799-12-31", "2200-01-01", "+200y"])
def test_far_dates_are_refused_at_input(cli, when):
    cli.ok("contact", "add", "Ada")
    cli.fails("next", "ada", when, code=2, match="between 1800 and 2199")
    cli.fails("log", "ada", "call", "x", "--at", when, code=2, match="between 1800 and 2199")


@pytest.mark.parametrize("birthday", ["0001-01-01", "1700-05-05"])
def test_far_birthdays_are_refused(cli, birthday):
    cli.fails("contact", "add", "Ada", "--birthday", birthday, code=2, match="between 1800 and 2199")


def test_dates_in_range_still_work_everywhere(cli):
    cli.ok("contact", "add", "Ada", "--birthday", "1815-12-10", "--next", "2199-12-31")
    for args in (("due", "--within", "1d"), ("remind",), ("ical", "export", "-o", "-")):
        cli.ok(*args)
