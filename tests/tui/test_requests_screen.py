"""Requests screen: open requests by urgency, close one (cancel first: unchanged), open the client's card."""

from __future__ import annotations

from datetime import datetime

from tests.tui.conftest import make_app, query, region_text, settle
from textual.widgets import DataTable, Static

from minicrm.store.core.db import Database
from minicrm.store.service.requests import create_request


def _add(db, subject: str, contact_id: int, priority: str) -> int:
    with Database(db).connect() as session:
        return create_request(session, subject=subject, contact_id=contact_id, priority=priority,
                              now=datetime(2026, 11, 20, 9, 0))  # fmt: skip


async def test_requests_close_and_open_client(demo_db):
    low = _add(demo_db, "Invoice copy", 7, "low")
    urgent = _add(demo_db, "Printer on fire", 5, "urgent")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [str(urgent), str(low)]
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert query(demo_db, "SELECT status FROM service_request WHERE id = ?", (urgent,))[0][0] == "new"
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert query(demo_db, "SELECT status FROM service_request WHERE id = ?", (urgent,))[0][0] == "closed"
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
        assert "Invoice copy" in "\n".join(region_text(app, app.screen.query_one("#tasks", Static)))
