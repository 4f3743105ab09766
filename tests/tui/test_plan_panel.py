"""The reports screen's plan panel (#20): every target of the plans running today, as `report plan` has it."""

from __future__ import annotations

from tests.tui.conftest import TODAY, make_app, settle
from tests.tui.test_companies_reports import chart

from conftest import Cli


async def test_reports_show_the_plans_running_today(demo_db):
    rows = Cli(demo_db, today=TODAY.isoformat()).ok("report", "plan", "-f", "json").json()
    # the demo: each user's plan for November and the team's for Q4 (plus the users' summed for November)
    assert {(r["period"], r["user"]) for r in rows} == {
        ("2026-Q4", "team"), ("2026-11", "Maria Rossi"), ("2026-11", "Tom Becker"), ("2026-11", "Yuki Sato"),
        ("2026-11", "team")}  # fmt: skip
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        app.screen.query_one("#reports").scroll_to_widget(app.screen.query_one("#report-plan"), animate=False)
        await settle(pilot)
        lines = [line for line in chart(app, "#plan-chart") if line.strip()]
    assert lines[0].split() == ["Period", "Fact", "Plan", "Done", "Projected"]
    assert len(lines) == 1 + len(rows)
    for line, r in zip(lines[1:], rows, strict=True):
        metric = r["metric"].replace("_", " ") + (f" {r['currency']}" if r["currency"] else "")
        assert line.startswith(f"{r['user']} · {metric}"), line
        done = "—" if r["done_percent"] is None else f"{r['done_percent']}%"
        projected = "—" if r["projected_percent"] is None else f"→ {r['projected_percent']}%"
        tail = [done, *projected.split()]
        assert line.split()[-len(tail) :] == tail, line
        assert r["period"] in line
