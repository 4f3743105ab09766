"""Contacts screen, contact detail and its forms: filter, page, log, next contact, edit, archive, cancel."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from tests.conftest import target_digest
from tests.tui.conftest import contact_id, make_app, make_db, query, settle
from textual.widgets import Button, DataTable, Input, Static

from minicrm.store.core.db import Database
from minicrm.store.people.contacts import create_contact


def rows(app, selector: str = "#contacts") -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash")
    pilot.app.screen.query_one("#filter", Input).value = ""
    await pilot.press(*text)
    await asyncio.sleep(0.3)  # the filter is debounced
    await settle(pilot)


async def open_contacts(pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


async def test_live_filter_narrows_and_widens(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_contacts(pilot)
        assert len(rows(app)) == 50
        await type_filter(pilot, "ada")
        assert rows(app) == ["Ada Lovelace"]
        assert "1 matching" in str(app.screen.query_one("#contacts-status", Static).render())
        await type_filter(pilot, "ПЕТРОВ")  # case folded, Cyrillic too
        assert rows(app) == ["Иван Петров"]
        await type_filter(pilot, "status:client")
        clients = query(demo_db, "SELECT count(*) FROM contact WHERE status = 'client' AND archived = FALSE")[0][0]
        assert len(rows(app)) == clients
        await type_filter(pilot, "tag:vip sort:last")
        vip = query(demo_db, "SELECT count(*) FROM contact_tag WHERE tag = 'vip'")[0][0]
        assert len(rows(app)) == vip
        await type_filter(pilot, "status:nonsense")
        assert "unknown status 'nonsense'" in str(app.screen.query_one("#contacts-status", Static).render())
        await type_filter(pilot, "zzzzqqq")
        assert rows(app) == []
        assert "No contact matches 'zzzzqqq'" in str(app.screen.query_one("#preview", Static).render())


async def test_sort_key_cycles_orders(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_contacts(pilot)
        by_name = rows(app)
        assert by_name == sorted(by_name, key=lambda n: n.casefold()) or by_name[0] == "Ada Lovelace"
        await pilot.press("s")  # -> last interaction, newest first
        await settle(pilot)
        newest = query(
            demo_db,
            "SELECT name FROM contact WHERE archived = FALSE AND last_interaction_at IS NOT NULL"
            " ORDER BY last_interaction_at DESC, id LIMIT 1",
        )[0][0]
        assert rows(app)[0] == newest
        assert "sorted by last interaction" in str(app.screen.query_one("#contacts-status", Static).render())


async def test_pages_load_lazily(new_target):
    db_path = make_db(new_target("many"), demo=False)
    db = Database(db_path)
    with db.connect() as session, session.write():
        for i in range(230):
            create_contact(session, name=f"Person {i:03d}", now=datetime(2026, 1, 1))
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_contacts(pilot)
        table = app.screen.query_one("#contacts", DataTable)
        assert table.row_count == 100  # one page, not all 230
        assert "100 of 230 contacts" in str(app.screen.query_one("#contacts-status", Static).render())
        table.move_cursor(row=95)
        await settle(pilot)
        assert table.row_count == 200
        table.move_cursor(row=199)
        await settle(pilot)
        assert table.row_count == 230
        assert rows(app)[-1] == "Person 229"


async def open_detail(pilot, name: str) -> None:
    await open_contacts(pilot)
    await type_filter(pilot, name)
    await pilot.press("escape", "enter")
    await settle(pilot)
    assert pilot.app.screen.__class__.__name__ == "ContactDetailScreen"


async def test_log_through_the_modal_writes_the_interaction_and_next_contact(demo_db):
    ada = contact_id(demo_db, "Ada Lovelace")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "Ada")
        await pilot.press("l")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "LogInteractionModal"
        await pilot.press(*"Talked about the renewal")
        app.screen.query_one("#when", Input).value = "2026-11-21 15:30"
        app.screen.query_one("#next", Input).value = "2026-12-01"
        app.screen.query_one("#goal", Input).value = "send the contract"
        await pilot.pause()
        assert not app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
        timeline = app.screen.query_one("#timeline", DataTable)
        cells = [str(c) for c in timeline.get_row_at(0)]  # the columns shown (an empty Dir column drops)
        assert cells[0] == "2026-11-21 15:30" and cells[1] == "call" and "Talked about the renewal" in cells
    found = query(
        demo_db,
        "SELECT kind, summary, happened_at FROM interaction WHERE contact_id = ? AND summary = ?",
        (ada, "Talked about the renewal"),
    )
    assert found == [("call", "Talked about the renewal", datetime(2026, 11, 21, 15, 30))]
    assert query(demo_db, "SELECT next_contact_on, next_contact_goal FROM contact WHERE id = ?", (ada,)) == [
        (date(2026, 12, 1), "send the contract")
    ]


async def test_log_form_validates_as_you_type_and_escape_writes_nothing(demo_db):
    before = target_digest(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "Ada")
        await pilot.press("l")
        await settle(pilot)
        problems = app.screen.query_one("#problems", Static)
        save = app.screen.query_one("#save", Button)
        assert "an interaction needs a summary" in str(problems.render()) and save.disabled
        await pilot.press(*"Lunch")
        app.screen.query_one("#when", Input).value = "blursday"
        await pilot.pause()
        assert "cannot understand date 'blursday'" in str(problems.render())  # the CLI's own message
        assert save.disabled
        await pilot.press("ctrl+s")  # refused while invalid
        await pilot.pause()
        assert app.screen.__class__.__name__ == "LogInteractionModal"
        app.screen.query_one("#when", Input).value = "yesterday"
        app.screen.query_one("#goal", Input).value = "call back"
        await pilot.pause()
        assert "a goal needs a next contact date" in str(problems.render())
        app.screen.query_one("#next", Input).value = "31.02.2027"
        await pilot.pause()
        assert "invalid date '31.02.2027'" in str(problems.render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
    assert target_digest(demo_db) == before


async def test_next_contact_modal_sets_and_clears(demo_db):
    ada = contact_id(demo_db, "Ada Lovelace")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "Ada")
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#when", Input).value = "+2w"
        app.screen.query_one("#goal", Input).value = "quarterly review"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert query(demo_db, "SELECT next_contact_on, next_contact_goal FROM contact WHERE id = ?", (ada,)) == [
            (date(2026, 12, 6), "quarterly review")
        ]
        assert "2026-12-06 — quarterly review" in str(app.screen.query_one("#card", Static).render())
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#when", Input).value = ""
        app.screen.query_one("#goal", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert query(demo_db, "SELECT next_contact_on FROM contact WHERE id = ?", (ada,)) == [(None,)]


async def test_edit_contact_saves_only_valid_changes(demo_db):
    ada = contact_id(demo_db, "Ada Lovelace")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "Ada")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#name", Input).value = "  "
        await pilot.pause()
        assert "a contact needs a name" in str(app.screen.query_one("#problems", Static).render())
        app.screen.query_one("#name", Input).value = "Ada King"
        app.screen.query_one("#role", Input).value = "Analyst"
        app.screen.query_one("#tags", Input).value = "vip, mathematics"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert query(demo_db, "SELECT name, role FROM contact WHERE id = ?", (ada,)) == [("Ada King", "Analyst")]
    tags = {t for (t,) in query(demo_db, "SELECT tag FROM contact_tag WHERE contact_id = ?", (ada,))}
    assert tags == {"vip", "mathematics"}


async def test_archive_asks_first(demo_db):
    ada = contact_id(demo_db, "Ada Lovelace")
    before = target_digest(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "Ada")
        await pilot.press("A")  # a adds; Shift+A archives
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmModal"
        await pilot.press("n")
        await settle(pilot)
        assert target_digest(demo_db) == before
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "(archived)" in str(app.screen.query_one("#card", Static).render())
    assert query(demo_db, "SELECT archived FROM contact WHERE id = ?", (ada,)) == [(1,)]


async def test_copy_email_then_phone(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "Agnès")
        emails = query(demo_db, "SELECT email FROM contact_email e JOIN contact c ON c.id = e.contact_id"
                                " WHERE c.name = 'Agnès Varda'")  # fmt: skip
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == emails[0][0]


async def test_log_from_the_list_and_dashboard_open(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        due = app.screen.query_one("#due", DataTable)
        first = str(due.get_row_at(0)[1])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
        assert first in str(app.screen.query_one("#card", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "DashboardScreen"
