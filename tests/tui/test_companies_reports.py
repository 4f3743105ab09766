"""Companies screen and company detail; reports screen."""

from __future__ import annotations

import asyncio

from tests.tui.conftest import make_app, query, settle
from textual.widgets import DataTable, Input, Static


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
        weeks = str(app.screen.query_one("#weeks-chart", Static).render())
        assert weeks.count("\n") >= 11 and "█" in weeks
        kinds = str(app.screen.query_one("#kinds-chart", Static).render())
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
        sales = str(app.screen.query_one("#sales-chart", Static).render())
        assert f"(won {won}, lost {lost})" in sales
        forecast = str(app.screen.query_one("#forecast-chart", Static).render())
        assert "weighted" in forecast and "█" in forecast
        pipeline = str(app.screen.query_one("#pipeline-chart", Static).render())
        assert pipeline.splitlines()[0].startswith("lead")
