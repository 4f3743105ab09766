"""Snapshots of every screen and of the forms, at 80x24 and 120x36, on the demo database (#19).

Deterministic: a fixed today and clock (`make_app`), no cursor blink (conftest), and what a screen shows only
once the workers are done (`settle`). Update after an intended visual change with:

    pytest tests/tui/test_snapshots.py --snapshot-update

and look at the new SVGs in tests/tui/__snapshots__/test_snapshots/ before committing them.

The dashboard is also shot in Russian and Bulgarian (#23): the language comes from LANG as for a user; the
next test is English again (the autouse `hermetic_home` fixture and `back_to_english` here).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from tests.tui.conftest import make_app, screen_text, settle
from textual.widgets import Input

from minicrm import display, i18n
from minicrm.store.core.db import Database

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await asyncio.sleep(0.3)  # the filter is debounced
    await settle(pilot)


async def fill(pilot, **values: str) -> None:
    """Type into the form's fields (REFs are looked up after a pause)."""
    for field, text in values.items():
        widget = pilot.app.screen.query_one(f"#{field}", Input)
        widget.focus()
        widget.value = text
    await asyncio.sleep(0.3)
    await settle(pilot)
    pilot.app.screen.query_one(f"#{next(iter(values))}", Input).focus()
    await settle(pilot)


async def open_grace(pilot) -> None:
    await pilot.press("2")
    await settle(pilot)
    await type_filter(pilot, "grace")
    await pilot.press("escape", "enter")
    await settle(pilot)


#: screen -> the keys (and typing) that lead there from the dashboard
async def goto(pilot, screen: str) -> None:
    await settle(pilot)
    if screen in ("contacts", "companies", "deals", "reports", "requests"):
        await pilot.press(str(("contacts", "companies", "deals", "reports", "requests").index(screen) + 2))
    elif screen == "contact":
        await open_grace(pilot)
    elif screen == "company":
        await pilot.press("3", "enter")
    elif screen == "add-menu":
        await pilot.press("a")
    elif screen == "contact-form":
        await pilot.press("2", "a")
        await settle(pilot)
        await fill(pilot, name="Zygmunt Nowak", email="zygmunt@example.pl", company="acme, inc.", next="friday 10:00")
    elif screen == "deal-form":
        await pilot.press("4", "a")
        await settle(pilot)
        await fill(pilot, title="Fleet tracking", contact="grace", amount="12 500,5", close="+1m", next_on="blursday")
    elif screen == "log-form":
        await open_grace(pilot)
        await pilot.press("l")
        await settle(pilot)
        await fill(pilot, summary="Called about the renewal", next="+2w", goal="send the contract")
    await settle(pilot)


def add_requests(db) -> None:
    from minicrm.store.people.refs import resolve_company, resolve_contact
    from minicrm.store.service.requests import create_request

    with Database(db).connect() as s:
        at = datetime(2026, 11, 20, 9, 0)
        create_request(s, subject="Printer on fire", contact_id=resolve_contact(s, "grace"), priority="urgent",
                       now=at, due_on=datetime(2026, 11, 23).date())  # fmt: skip
        create_request(s, subject="Copy of the October invoice, with the new VAT number of the subsidiary",
                       company_id=resolve_company(s, "zeta"), now=at)  # fmt: skip
        create_request(s, subject="Training for two new hires", contact_id=resolve_contact(s, "ada"),
                       priority="low", now=at)  # fmt: skip


LOCALES = {"ru": "ru_RU.UTF-8", "uk": "uk_UA.UTF-8", "bg": "bg_BG.UTF-8"}


@pytest.fixture
def back_to_english():
    """Amounts and dates are configured per process by the app: leave them as an English app sets them."""
    yield
    from minicrm.tui.widgets.render import set_number_format

    i18n.use("en")
    display.configure()
    set_number_format(None)


def in_language(monkeypatch, lang: str) -> None:
    """The user's locale names `lang`, before the app (and its key bindings) is made."""
    monkeypatch.setenv("LANG", LOCALES[lang])
    assert i18n.use() == lang


@pytest.mark.parametrize("lang", ["ru", "bg"])
def test_dashboard_snapshot_in_the_users_language(demo_db, snap_compare, monkeypatch, back_to_english, lang):
    in_language(monkeypatch, lang)
    assert snap_compare(make_app(demo_db), terminal_size=SIZES["120x36"], run_before=settle)


#: Words of the English dashboard's own (not the demo data's): none of them may be left in another language.
ENGLISH = ("Dashboard", "Contacts", "Companies", "Deals", "Reports", "Requests", "keys", "Due", "next",
           "days", "Forgotten", "clients", "Pipeline", "This week", "Birthdays", "When", "Contact", "What",
           "Late", "Name", "Company", "Silent", "Stage", "Amount", "Day", "overdue", "never", "interaction",
           "Mon", "Tue", "Add", "Log", "Keys", "Quit", "palette", "follow up", "No birthdays")  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "uk", "bg"])
async def test_no_english_is_left_on_the_dashboard(demo_db, monkeypatch, back_to_english, lang):
    in_language(monkeypatch, lang)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    left = [word for word in ENGLISH if word in text]
    assert not left, f"{lang}: English left on the dashboard: {left}\n{text}"
    assert "Stay in touch" not in text  # the queue's default goal is ours too
    assert "Иван Петров" in text and "qualified" in text  # the data (names, stages) stays as typed


SCREENS = ["dashboard", "contacts", "companies", "deals", "reports", "requests", "contact", "company",
           "add-menu", "contact-form", "deal-form", "log-form"]  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_snapshot(demo_db, snap_compare, screen, size):
    if screen == "requests":
        add_requests(demo_db)

    async def run_before(pilot):
        await goto(pilot, screen)

    assert snap_compare(make_app(demo_db), terminal_size=SIZES[size], run_before=run_before)
