"""Companies screen and company detail; reports screen."""

from __future__ import annotations

import asyncio

from tests.tui.conftest import make_app, query, region_text, settle
from textual.widgets import DataTable, Input, Static


def chart(app, selector: str) -> list[str]:
    """The lines of a chart as drawn (inside its panel, without the border)."""
    return [line[1:-1].rstrip() for line in region_text(app, app.screen.query_one(selector, Static).parent)[1:-1]]


async def test_companies_filter_open_and_person(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#companies", DataTable)
        assert table.row_count == 12
        await pilot.press("slash", *"muller")  # accents folded
        await asyncio.sleep(0.3)
        await settle(pilot)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Müller & Söhne GmbH"]
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CompanyDetailScreen"
        people = app.screen.query_one("#people", DataTable)
        expected = query(
            demo_db,
            "SELECT c.name FROM contact c JOIN company co ON co.id = c.company_id WHERE co.name = ? ORDER BY c.name",
            ("Müller & Söhne GmbH",),
        )
        assert sorted(str(people.get_row_at(i)[0]) for i in range(people.row_count)) == sorted(n for (n,) in expected)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CompaniesScreen"
        assert app.screen.query_one("#filter", Input).value == "muller"


async def test_reports_show_weekly_activity(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        reports = app.screen.query_one("#reports")
        reports.scroll_end(animate=False)
        await settle(pilot)
        weeks = chart(app, "#weeks-chart")
        assert len([line for line in weeks if line]) >= 12 and "█" in "".join(weeks)
        kinds = "\n".join(chart(app, "#kinds-chart")).strip()
        top = query(
            demo_db,
            "SELECT kind FROM interaction WHERE happened_at >= '2026-08-25' GROUP BY kind ORDER BY count(*) DESC, kind",
        )[0][0]
        assert kinds.startswith(top)


async def test_reports_show_forecast_and_sales(demo_db):
    won, lost = query(
        demo_db,
        "SELECT sum(CASE WHEN s.outcome = 'won' THEN 1 ELSE 0 END), sum(CASE WHEN s.outcome = 'lost' THEN 1 ELSE 0 END)"
        " FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
        " WHERE coalesce(d.won_on, d.lost_on) >= '2025-11-01'",
    )[0]
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        sales = "\n".join(chart(app, "#sales-chart"))
        assert f"(won {won}, lost {lost})" in sales
        forecast = chart(app, "#forecast-chart")
        assert forecast[0].split() == ["Weighted", "Open", "Won"] and "█" in "".join(forecast)
        pipeline = chart(app, "#pipeline-chart")
        assert pipeline[0].split() == ["Deals", "Amount", "Conv."] and pipeline[1].startswith("lead")
