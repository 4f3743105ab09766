"""Deals board: move a deal with the keys, mark one lost through the reason form, cancel writes nothing."""

from __future__ import annotations

from tests.tui.conftest import make_app, query, settle


def _lead_deal(db) -> int:
    (deal_id,) = query(
        db,
        "SELECT d.id FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.name = 'lead'"
        " ORDER BY s.position, d.expected_close IS NULL, d.expected_close, d.id LIMIT 1",
    )[0]
    return deal_id


def _stage(db, deal_id: int) -> str:
    return query(db, "SELECT s.name FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id WHERE d.id = ?",
                 (deal_id,))[0][0]  # fmt: skip


async def test_move_right_and_lose_with_reason(demo_db):
    deal_id = _lead_deal(demo_db)
    history = query(demo_db, "SELECT count(*) FROM deal_stage_history WHERE deal_id = ?", (deal_id,))[0][0]
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert _stage(demo_db, deal_id) == "qualified"
        assert query(demo_db, "SELECT count(*) FROM deal_stage_history WHERE deal_id = ?", (deal_id,))[0][0] == (
            history + 1
        )
        # the moved deal keeps the focus in its new column; lose it, but cancel the reason form first
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert _stage(demo_db, deal_id) == "qualified"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"too expensive")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert query(demo_db, "SELECT lost_reason FROM deal WHERE id = ?", (deal_id,))[0][0] == "too expensive"
        assert _stage(demo_db, deal_id) == "lost"
