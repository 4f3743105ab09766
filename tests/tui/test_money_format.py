"""One money format on every screen (#19): the user's `number_format`, or `1 234.56` when none is set."""

from __future__ import annotations

import re

import pytest
from tests.tui.conftest import make_app, screen_text, settle

#: an amount written without grouping (2125.00) or with another decimal separator than the format's
UNGROUPED = re.compile(r"(?<![\d.,])\d{4,}[.,]\d\d(?!\d)")


async def visit_every_screen(app, pilot) -> str:
    seen = []
    await settle(pilot)
    for key in "123456":
        await pilot.press(key)
        await settle(pilot)
        seen.append(screen_text(app))
        if key == "5":
            reports = app.screen.query_one("#reports")
            while reports.scroll_y < reports.max_scroll_y:
                reports.scroll_page_down(animate=False)
                await settle(pilot)
                seen.append(screen_text(app))
    return "\n".join(seen)


async def test_reports_and_dashboard_use_one_format_by_default(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        text = await visit_every_screen(app, pilot)
    assert not UNGROUPED.findall(text), sorted(set(UNGROUPED.findall(text)))
    assert "2 125.00" in text  # the forecast's weighted amount, once 2125.00
    assert "20 000.00 EUR" in text


@pytest.mark.parametrize(("number_format", "expected"), [("1.234,56", "2.125,00"), ("1,234.56", "2,125.00"),
                                                         ("1 234,56", "2 125,00")])  # fmt: skip
async def test_the_users_number_format_everywhere(demo_db, monkeypatch, number_format, expected):
    from minicrm.values import money

    monkeypatch.setattr(money, "DECIMAL", money.DECIMAL)  # restored after the test
    app = make_app(demo_db, settings={"number_format": number_format})
    async with app.run_test(size=(120, 36)) as pilot:
        text = await visit_every_screen(app, pilot)
    decimal = number_format[-3]
    other = "," if decimal == "." else "."
    assert expected in text
    assert not re.findall(rf"\d\{other}\d\d(?!\d)", text)  # no amount with the other decimal separator
    assert not UNGROUPED.findall(text)
