"""Adding records from the TUI (#19): `a` on each screen opens a form that checks every field as it is typed,
shows the date and amount it understood before saving, and saves through the store's service functions.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from tests.conftest import target_digest
from tests.tui.conftest import contact_id, make_app, query, screen_text, settle
from textual.widgets import Button, Input, Select, Static

from minicrm.tui.modals.form import FormModal


def preview(app, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-preview", Static).render())


async def type_into(pilot, field: str, text: str) -> None:
    """Focus the field and type `text` key by key, as a user does; wait for the REF look-ups."""
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
    await asyncio.sleep(0.3)
    await settle(pilot)


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    for _ in range(20):  # the form saves in a worker, then the screen reloads
        if not isinstance(pilot.app.screen, FormModal):
            break
        await asyncio.sleep(0.05)
        await settle(pilot)


async def test_a_on_contacts_adds_a_contact_and_opens_it(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactFormModal"
        assert app.focused is app.screen.query_one("#name", Input)  # focus starts on the first field
        await pilot.press(*"Zygmunt Nowak")
        await type_into(pilot, "email", "zygmunt@example.pl")
        await type_into(pilot, "company", "acme")
        assert preview(app, "company") == "→ new company 'acme'"  # as `contact add --company`: exact names only
        await type_into(pilot, "company", "ACME, inc.")
        assert preview(app, "company") == "→ Acme, Inc."  # the existing company it will join
        await type_into(pilot, "company", "Nowak Sp. z o.o.")
        assert "new company" in preview(app, "company")
        await type_into(pilot, "next", "friday")
        assert preview(app, "next") == "→ Fri 2026-11-27"
        await type_into(pilot, "goal", "first call")
        await save(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
        assert "Zygmunt Nowak" in screen_text(app)
    new = contact_id(demo_db, "Zygmunt Nowak")
    assert query(demo_db, "SELECT next_contact_on, next_contact_goal FROM contact WHERE id = ?", (new,)) == [
        (date(2026, 11, 27), "first call")
    ]
    assert query(demo_db, "SELECT email FROM contact_email WHERE contact_id = ?", (new,)) == [("zygmunt@example.pl",)]
    assert query(demo_db, "SELECT co.name FROM contact c JOIN company co ON co.id = c.company_id WHERE c.id = ?",
                 (new,)) == [("Nowak Sp. z o.o.",)]  # fmt: skip


async def test_contact_form_checks_as_you_type_and_escape_writes_nothing(demo_db):
    before = target_digest(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        problems = app.screen.query_one("#problems", Static)
        assert "a contact needs a name" in str(problems.render())
        assert app.screen.query_one("#save", Button).disabled
        await pilot.press(*"Eve")
        await type_into(pilot, "email", "not an e-mail")
        assert "invalid email 'not an e-mail'" in str(problems.render())
        assert app.screen.query_one("#email", Input).has_class("-invalid")
        await type_into(pilot, "next", "blursday")
        assert "cannot understand date 'blursday'" in str(problems.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactFormModal"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ContactsScreen"
    assert target_digest(demo_db) == before


async def test_a_on_companies_adds_a_company(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CompanyFormModal"
        await pilot.press(*"acme, inc.")
        await type_into(pilot, "city", "Lyon")
        await save(pilot)
        # the name is taken (case-insensitively): the store's message, the form stays open with what was typed
        assert app.screen.__class__.__name__ == "CompanyFormModal"
        assert "already" in str(app.screen.query_one("#problems", Static).render())
        await type_into(pilot, "name", "Nordwind AG")
        await type_into(pilot, "industry", "logistics")
        await save(pilot)
        assert app.screen.__class__.__name__ == "CompanyDetailScreen"
    assert query(demo_db, "SELECT industry, city FROM company WHERE name = 'Nordwind AG'") == [("logistics", "Lyon")]


async def test_a_on_deals_adds_a_deal_with_the_understood_amount_and_dates(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("right")  # the qualified column: the new deal starts there
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "DealFormModal"
        assert app.screen.query_one("#stage", Select).value == "qualified"
        await pilot.press(*"Fleet tracking")
        await type_into(pilot, "contact", "grace")
        assert "Grace Hopper" in preview(app, "contact")
        await type_into(pilot, "amount", "1,500")
        assert "ambiguous amount '1,500'" in str(app.screen.query_one("#problems", Static).render())
        await type_into(pilot, "amount", "12 500,5")
        assert preview(app, "amount") == "→ 12 500.50 EUR"
        await type_into(pilot, "currency", "usd")
        assert preview(app, "amount") == "→ 12 500.50 USD"
        await type_into(pilot, "close", "+1m")
        assert preview(app, "close") == "→ Tue 2026-12-22"
        await type_into(pilot, "next_step", "call the CFO")
        await type_into(pilot, "next_on", "tomorrow")
        assert preview(app, "next_on") == "→ Mon 2026-11-23"
        await save(pilot)
        assert app.screen.__class__.__name__ == "DealsScreen"
        assert "Fleet tracking" in screen_text(app)
    grace = contact_id(demo_db, "Grace Hopper")
    assert query(
        demo_db,
        "SELECT d.amount_minor, d.currency, s.name, d.expected_close, d.next_step_on, d.contact_id FROM deal d"
        " JOIN pipeline_stage s ON s.id = d.stage_id WHERE d.title = 'Fleet tracking'",
    ) == [(1250050, "USD", "qualified", date(2026, 12, 22), date(2026, 11, 23), grace)]


async def test_a_on_the_dashboard_offers_every_kind_and_adds_a_task(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        menu = screen_text(app)
        for kind in ("Contact", "Company", "Deal", "Task", "Request"):
            assert kind in menu
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "TaskFormModal"
        await pilot.press(*"Renew the domain")
        await type_into(pilot, "due", "friday 15:00")
        assert preview(app, "due") == "→ Fri 2026-11-27 15:00"
        await type_into(pilot, "contact", "ada")
        assert "Ada Lovelace" in preview(app, "contact")
        await save(pilot)
        assert app.screen.__class__.__name__ == "DashboardScreen"
    ada = contact_id(demo_db, "Ada Lovelace")
    assert query(demo_db, "SELECT due_on, due_time, contact_id FROM task WHERE title = 'Renew the domain'") == [
        (date(2026, 11, 27), "15:00", ada)
    ]


async def test_a_on_requests_adds_a_request_and_v_shows_all(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "RequestFormModal"
        await pilot.press(*"Invoice copy")
        assert "a request needs a client" in str(app.screen.query_one("#problems", Static).render())
        await type_into(pilot, "company", "zeta")
        assert "Zeta Consulting" in preview(app, "company")
        await type_into(pilot, "due", "05.12.2026")
        assert preview(app, "due") == "→ Sat 2026-12-05"
        await save(pilot)
        assert app.screen.__class__.__name__ == "RequestsScreen"
        assert "Invoice copy" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert str(app.screen.query_one("#requests-status", Static).render()).startswith("1 request (v: all")
    assert query(demo_db, "SELECT due_on, priority FROM service_request WHERE subject = 'Invoice copy'") == [
        (date(2026, 12, 5), "normal")
    ]


async def test_a_on_a_contact_adds_a_request_for_that_contact(demo_db):
    ada = contact_id(demo_db, "Ada Lovelace")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.open_contact(ada)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "RequestFormModal"
        assert "Ada Lovelace" in screen_text(app)  # the heading names the client: no REF to type
        await pilot.press(*"Printer jammed")
        await save(pilot)
        assert app.screen.__class__.__name__ == "ContactDetailScreen"
        assert "Printer jammed" in screen_text(app)
    assert query(demo_db, "SELECT contact_id FROM service_request WHERE subject = 'Printer jammed'") == [(ada,)]


async def test_amounts_are_read_and_shown_in_the_users_number_format(demo_db, monkeypatch):
    from minicrm.values import money

    monkeypatch.setattr(money, "DECIMAL", money.DECIMAL)  # restored after the test
    app = make_app(demo_db, settings={"number_format": "1.234,56"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "20.000,00 EUR" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Audit")
        await type_into(pilot, "company", "zeta")
        await type_into(pilot, "amount", "1.500,5")
        assert preview(app, "amount") == "→ 1.500,50 EUR"
        await save(pilot)
    assert query(demo_db, "SELECT amount_minor FROM deal WHERE title = 'Audit'") == [(150050,)]
    assert Decimal("1500.50") == Decimal(150050) / 100


async def test_log_form_focus_starts_on_its_first_field(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("l")  # the due queue's first contact
        await settle(pilot)
        assert app.screen.__class__.__name__ == "LogInteractionModal"
        fields = [w for w in app.screen.query("Input, Select") if w.focusable]
        assert app.focused is fields[0]
        await pilot.press(*"Quick call")
        await pilot.press("tab")
        assert app.focused is fields[1]
        assert preview(app, "when") == "→ Sun 2026-11-22 09:00"


async def test_welcome_text_names_every_screen_key(empty_db):
    from minicrm.tui.app import SCREENS

    app = make_app(empty_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        welcome = str(app.screen.query_one("#welcome", Static).render())
        assert f"1-{len(SCREENS)}" in welcome
        assert "a adds" in welcome
        assert "? keys" in screen_text(app).splitlines()[0]  # the navigation bar fits 80 columns
