"""The dashboard's writes fire the same hooks as the commands (#22); a failing hook is a notification, the change
is kept."""

from __future__ import annotations

from tests.tui.conftest import make_app, query, settle
from tests.tui.test_deals_board import _lead_deal, _stage

from cli.hook_helpers import calls, write_hook


async def test_a_move_on_the_board_fires_its_hook(demo_db, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    write_hook(hermetic_home / "hooks", "deal.stage-changed", log=log, then="print('noted'); sys.exit(4)")
    deal_id = _lead_deal(demo_db)
    app = make_app(demo_db)
    shown: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (shown.append(message), notify(message, **kw))[-1]  # watched, still shown
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert _stage(demo_db, deal_id) == "qualified"
        [call] = calls(log)
        assert call["payload"]["deal"]["id"] == deal_id
        assert (call["payload"]["before"]["stage"], call["payload"]["after"]["stage"]) == ("lead", "qualified")
        assert shown[0] == "noted" and "exited with status 4; the change is kept" in shown[1], shown
    assert query(demo_db, "SELECT count(*) FROM deal WHERE id = ?", (deal_id,))[0][0] == 1
