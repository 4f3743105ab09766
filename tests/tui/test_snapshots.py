"""Snapshots of the main screens on the demo database (fixed today, no cursor blink).

Update after an intended visual change with: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import asyncio

from tests.tui.conftest import make_app, settle


def test_dashboard_snapshot(demo_db, snap_compare):
    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), run_before=settle)


def test_contacts_80x24_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=run_before)


def test_contact_detail_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("2", "slash", *"grace")
        await asyncio.sleep(0.3)
        await settle(pilot)
        await pilot.press("escape", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(100, 30), run_before=run_before)
