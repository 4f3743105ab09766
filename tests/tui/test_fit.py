"""Tables and boards fit the terminal (#19): at 80x24 and 120x36 no column is cut off at the edge, low-priority
columns drop first, long text is cut with `…`, and dates, amounts, e-mails and ids are shown whole or not at all.

Each test looks at the screen as the terminal shows it (`screen_text`), not at the widgets' data.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from tests.tui.conftest import make_app, region_text, settle
from textual.widgets import DataTable

from minicrm.store.core.db import Database

SIZES = [(80, 24), (120, 36)]
#: a date cut short: 2026-07-2, 2026-1, 202 (followed by a space, a border or the end of the line)
CUT_DATE = re.compile(r"(?<![\d-])(?:\d{1,3}|\d{4}-\d{0,1}|\d{4}-\d\d-\d?)(?=[ │▎▊]|$)")
FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def table_lines(app, selector: str) -> list[str]:
    return region_text(app, app.screen.query_one(selector, DataTable))


def header(lines: list[str]) -> list[str]:
    return lines[0].split()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_contacts_table_shows_whole_dates_and_every_column_that_fits(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lines = table_lines(app, "#contacts")
        expected = ["Name", "Company", "Status", "Last", "Next"]
        if size[0] >= 100:  # beside the preview, which shows the status: it drops first
            expected.remove("Status")
        assert header(lines) == expected, lines[0]
        next_dates = 0
        for line in lines[1:]:
            assert not re.search(r"\d{4}-\d\d-\d(?!\d)|(?<![\d-])20\d?(?=\s|$)", line), line  # no cut date
            next_dates += len(FULL_DATE.findall(line))
        assert next_dates > 20  # Last and Next, whole


async def test_contacts_table_cuts_long_text_with_an_ellipsis(new_target):
    from tests.tui.conftest import make_db

    from minicrm.store.people.contacts import create_contact

    db = make_db(new_target("long"), demo=False)
    with Database(db).connect() as session:
        create_contact(
            session,
            name="Maximilian Alexander von Habsburg-Lothringen-Sachsen-Coburg",
            company="The International Consolidated Widget and Sprocket Manufacturing Company",
            now=datetime(2026, 11, 1, 9, 0),
            next_contact_on=datetime(2026, 12, 4).date(),
        )
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lines = table_lines(app, "#contacts")
        row = lines[1]
        assert "Maximilian" in row and "…" in row and "2026-12-04" in row, lines[:2]
        assert "The International" in row


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_dashboard_keeps_days_overdue_and_currencies(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        due = table_lines(app, "#due")
        assert "Late" in due[0], due[0]
        assert re.search(r"\b326 d\b", "\n".join(due)), due
        pipeline = "\n".join(table_lines(app, "#pipeline"))
        # qualified: 81 500.00 EUR and 4 800.00 USD, each whole
        assert "81 500.00 EUR" in pipeline and "4 800.00 USD" in pipeline, pipeline


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_deal_cards_show_the_whole_next_step_date(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        board = region_text(app, app.screen.query_one("#board"))
        steps = [line for line in board if "→" in line]
        assert steps
        for line in board:
            for cell in line.split("│"):
                if "→" in cell:
                    assert re.search(r"\d\d [A-Z][a-z]{2}\s*$", cell), cell  # 28 Nov, not `28` or `send quote 07`
                    assert "send quote" in cell or "…" in cell or "demo" in cell or "call the buyer" in cell


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_other_tables_show_whole_dates(demo_db, size):
    """Companies, the contact's timeline and the company's people: no date cut at the edge."""
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        companies = table_lines(app, "#companies")
        assert header(companies)[-1] == "Last", companies[0]
        assert sum(len(FULL_DATE.findall(line)) for line in companies) >= 10
        await pilot.press("enter")
        await settle(pilot)
        people = table_lines(app, "#people")
        for line in people[1:]:
            assert not re.search(r"\d{4}-\d\d-\d(?!\d)", line), line


async def test_deals_board_shows_whole_columns_and_scrolls_to_the_focused_one(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        top = region_text(app, app.screen.query_one("#board"))[0]
        assert top.startswith("╭") and top.rstrip().endswith("╮")  # no column cut at the right edge
        await pilot.press("right", "right", "right")  # to negotiation, the fourth open stage
        await settle(pilot)
        board = "\n".join(region_text(app, app.screen.query_one("#board")))
        assert "negotiation · 0" in board


def test_fit_widths_drops_by_priority_and_cuts_only_text():
    from minicrm.tui.widgets.fit_table import FILL_MAX, Col, fit_widths

    cols = [Col("name", "Name", cut=True, min=10, fill=True), Col("email", "E-mail", priority=2),
            Col("due", "Due"), Col("note", "Note", priority=3, cut=True, min=6)]  # fmt: skip
    natural = [30, 25, 10, 40]
    pad = 2
    # wide: everything at its widest, the name takes what is left (up to FILL_MAX)
    wide = fit_widths(cols, natural, 200, pad)
    assert wide == {0: FILL_MAX, 1: 25, 2: 10, 3: 40}
    # narrower: the text columns shrink first (note and name, toward the same share of their widest)
    mid = fit_widths(cols, natural, 80, pad)
    assert set(mid) == {0, 1, 2, 3} and mid[1] == 25 and mid[2] == 10 and sum(mid.values()) + 4 * pad == 80
    # narrower still: the note (priority 3) drops, then the e-mail (2); the date is never cut
    assert set(fit_widths(cols, natural, 55, pad)) == {0, 1, 2}
    assert fit_widths(cols, natural, 30, pad) == {0: 16, 2: 10}
    # nothing may drop any more: the name gives up its minimum, the date stays whole
    assert fit_widths(cols, natural, 20, pad) == {0: 6, 2: 10}
    # an optional column with nothing to show is left out
    assert 1 not in fit_widths(cols, natural, 200, pad, empty=[False, True, False, False])
