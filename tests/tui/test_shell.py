"""The app shell: screens by number key, `?` help, themes, NO_COLOR, 80x24, the empty database."""

from __future__ import annotations

import re

from tests.conftest import scalar, target_digest
from tests.tui.conftest import make_app, settle
from textual.widgets import DataTable, Static


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_empty_database_has_a_helpful_state_on_every_screen(empty_db):
    app = make_app(empty_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "dashboard"
        assert "This database is empty" in text_of(app, "#welcome")
        assert "minicrm demo" in text_of(app, "#welcome")
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "contacts"
        assert app.screen.query_one("#contacts", DataTable).row_count == 0
        assert "No contacts yet" in text_of(app, "#preview")
        assert "0 of 0 contacts" in text_of(app, "#contacts-status")
        for key, mode in (("3", "companies"), ("4", "deals"), ("5", "reports"), ("1", "dashboard")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
    from minicrm.store.core.migrate import SCHEMA_HEAD

    # the app creates the schema of a new database (and the SQLite file)
    assert scalar(empty_db, "SELECT version_num FROM alembic_version") == SCHEMA_HEAD


async def test_every_screen_opens_at_80x24_on_demo_data(demo_db):
    before = target_digest(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in "23451":
            await pilot.press(key)
            await settle(pilot)
        assert "-narrow" in app.screen.classes  # preview panes hide below 100 columns
        assert app.screen.query_one("#due", DataTable).row_count > 0
    assert target_digest(demo_db) == before, "looking around writes nothing"


async def test_question_mark_lists_the_keys_of_the_screen(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one("#help-table", DataTable)
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert ("l", "Log") in rows and ("s", "Sort") in rows and ("/", "Filter") in rows
        assert ("q", "Quit") in rows and ("?", "Keys") in rows and ("a", "Add a contact") in rows
        assert ("6", "Requests") in rows and not any(key in ("ctrl+c", "ctrl+q") for key, _ in rows)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ContactsScreen"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one("#help-table", DataTable)
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert rows[0] == ("a", "Add a deal, task or request for this contact")  # the screen's keys first
        assert ("Shift+A", "Archive") in rows and ("y", "Copy") in rows  # not in the footer: listed here


async def test_theme_switch_and_light_start(demo_db):
    app = make_app(demo_db)
    async with app.run_test() as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("f2")
        assert app.theme == "textual-light"
        await pilot.press("f2")
        assert app.theme == "textual-dark"
    light = make_app(demo_db, theme="light")
    async with light.run_test():
        assert light.theme == "textual-light"


async def test_no_color_is_respected(demo_db, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.no_color
        svg = app.export_screenshot()
    # monochrome: every colour drawn is a grey (the overdue red of the due queue included)
    colours = set(re.findall(r"#([0-9a-f]{6})\b", svg.lower()))
    frame = {"ff5f57", "febc2e", "28c840", "c5c8c6"}  # the SVG's window buttons and default text, not the app
    assert colours - frame
    assert all(c[0:2] == c[2:4] == c[4:6] for c in colours - frame), sorted(colours - frame)[:5]


async def test_refresh_key_shows_changes_made_elsewhere(demo_db):
    from tests.conftest import Cli

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        status = text_of(app, "#contacts-status")
        Cli(demo_db).ok("contact", "add", "Zygmunt Outsider")  # a shell, meanwhile
        await pilot.press("r")
        await settle(pilot)
        assert text_of(app, "#contacts-status") != status
        assert "51 of 51" in text_of(app, "#contacts-status")
