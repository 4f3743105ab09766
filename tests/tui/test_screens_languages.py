"""The screens in the user's language (#23): titles, headers, keys, empty states, questions and notifications.

The language comes from LANG, as for a user, before the app (and its key bindings) is made; the data (names,
stages, kinds, what was typed) is shown as typed, never as markup. English again after each test.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from tests.tui.conftest import contact_id, make_app, query, region_text, screen_text, settle
from tests.tui.test_snapshots import add_requests, open_grace, type_filter
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from minicrm import display, i18n

LOCALES = {"ru": "ru_RU.UTF-8", "uk": "uk_UA.UTF-8", "bg": "bg_BG.UTF-8"}


@pytest.fixture
def in_language(monkeypatch):
    """`in_language("ru")`: the user's locale names Russian; English again (dates, amounts too) afterwards."""

    def switch(lang: str) -> None:
        monkeypatch.setenv("LANG", LOCALES[lang])
        assert i18n.use() == lang

    yield switch
    from minicrm.tui.widgets.render import set_number_format

    i18n.use("en")
    display.configure()
    set_number_format(None)


def english_left(lines: list[str], words: tuple[str, ...]) -> list[str]:
    text = "\n".join(lines)
    return [word for word in words if word in text]


def parts(app, *selectors: str) -> list[str]:
    """The lines of the screen inside these widgets (and the footer)."""
    lines: list[str] = []
    for selector in selectors:
        lines += region_text(app, app.screen.query_one(selector))
    return lines + region_text(app, app.screen.query_one(Footer))


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def wait_for_notification(pilot, text: str) -> None:
    for _ in range(50):
        if any(text in message for message in notifications(pilot.app)):
            return
        await asyncio.sleep(0.1)
        await pilot.pause()
    raise AssertionError(f"no notification {text!r}: {notifications(pilot.app)}")


#: The contacts screen's own English: filter hint, headers, status line, keys.
CONTACTS_ENGLISH = ("Filter", "words", "phone", "notes", "Name", "Company", "Status", "Last", "Next", "E-mail",
                    "Tags", " of ", "contacts", "sorted", "Add", "Log", "Sort", "Keys", "Quit", "palette")  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "bg"])
async def test_contacts_screen_in_the_users_language(demo_db, in_language, lang):
    in_language(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        shown = parts(app, "#filter", "#contacts", "#contacts-status")
        left = english_left(shown, CONTACTS_ENGLISH)
        assert not left, f"{lang}: English left on the contacts screen: {left}\n" + "\n".join(shown)
        status = str(app.screen.query_one("#contacts-status", Static).render())
        expected = {"ru": "50 из 50 контактов · сортировка: имя", "bg": "50 от 50 контакта · сортиране: име"}
        assert status == expected[lang]
        assert "Grace Hopper" in screen_text(app)  # the data as typed
        # nothing matches: the template is translated, what was typed is shown as typed (never markup)
        await type_filter(pilot, "[b]nobody")
        preview = str(app.screen.query_one("#preview", Static).render())
        assert (
            preview
            == {
                "ru": "Нет контактов по запросу «[b]nobody». Нажмите Esc и очистите фильтр.",
                "bg": "Няма контакти, отговарящи на „[b]nobody“. Натиснете Esc и изчистете филтъра.",
            }[lang]
        )


#: The contact screen's own English around the card: side boxes, the timeline's headers, the keys.
DETAIL_ENGLISH = ("Open deals", "Open tasks", "Open requests", "none", "adds", "When", "Kind", "Dir", "Summary",
                  "Outcome", "Back", "Log", "Next", "Edit", "Deal", "Task", "Add", "Keys", "Quit")  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "bg"])
async def test_contact_detail_in_the_users_language(demo_db, in_language, lang):
    in_language(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await open_grace(pilot)
        shown = parts(app, "#deals", "#tasks", "#timeline")
        left = english_left(shown, DETAIL_ENGLISH)
        assert not left, f"{lang}: English left on the contact screen: {left}\n" + "\n".join(shown)
        text = "\n".join(shown)
        assert {"ru": "Открытые сделки", "bg": "Отворени сделки"}[lang] in text
        assert {"ru": "нет (d — добавить)", "bg": "няма (d — добавяне)"}[lang] in text
        assert "11.09.2026 18:30" in text  # the timeline's days the user's way; the kinds as typed
        assert "email" in text


async def test_notifications_and_questions_in_ukrainian(demo_db, in_language):
    in_language("uk")
    grace = contact_id(demo_db, "Grace Hopper")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "сортування: остання взаємодія" in notifications(app)
        assert "· сортування: остання взаємодія" in str(app.screen.query_one("#contacts-status", Static).render())
        app.clear_notifications()
        await type_filter(pilot, "grace")
        await pilot.press("escape", "enter")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ModalScreen)
        question = screen_text(app)
        assert "Перенести Grace Hopper до архіву? (повернути — знову A)" in question
        assert "До архіву (y)" in question
        await pilot.press("y")
        await settle(pilot)
        await wait_for_notification(pilot, "перенесено до архіву: Grace Hopper")
    assert query(demo_db, "SELECT archived FROM contact WHERE id = ?", (grace,))[0][0] in (1, True)


@pytest.mark.parametrize("lang", ["bg"])
async def test_reports_deals_and_requests_in_the_users_language(demo_db, in_language, lang):
    in_language(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        titles = [str(app.screen.query_one(f"#report-{panel}").border_title) for panel in ("pipeline", "weeks", "plan")]
        assert titles == [
            "Фуния на продажбите (сделки по етапи, сума)",
            "Активност — взаимодействия по седмици за последните 12 седмици",
            "Текущи планове — % изпълнение, темп до края на периода",
        ]
        app.screen.query_one("#reports").scroll_to_widget(app.screen.query_one("#report-plan"), animate=False)
        await settle(pilot)
        plans = [" ".join(line.split()) for line in region_text(app, app.screen.query_one("#plan-chart"))]
        team = [line for line in plans if "2026-Q4" in line]
        assert team and all(line.startswith("екип · ") for line in team), plans  # not `team`
        assert any(re.search(r" \d+,\d%", line) for line in team), plans  # `37,8%`: the decimal comma
        await pilot.press("4")
        await settle(pilot)
        board = "\n".join(region_text(app, app.screen.query_one("#board")))
        assert "→ send quote 28 ное" in board  # the next step as typed, its day in Bulgarian
        footer = "\n".join(region_text(app, app.screen.query_one(Footer)))
        assert "[ Наляво ] Надясно" in footer and "Move" not in footer
        assert "w Спечелена x Загубена" in footer  # the keys' own words: one deal won, one lost
        await pilot.press("6")
        await settle(pilot)
        status = str(app.screen.query_one("#requests-status", Static).render())
        assert status == "0 отворени заявки — още няма: a — добавяне (v: всички/отворени, c: затваряне)"
        add_requests(demo_db)
        await pilot.press("r")
        await settle(pilot)
        status = str(app.screen.query_one("#requests-status", Static).render())
        assert status == "3 отворени заявки (v: всички/отворени, c: затваряне)"
        table = "\n".join(region_text(app, app.screen.query_one("#requests")))
        # priorities and statuses in Bulgarian, the subjects as typed, the due day the Bulgarian way
        assert "спешен" in table and "нова" in table and "Printer on fire" in table and "23.11.2026" in table
        assert "urgent" not in table and "normal" not in table
        footer = "\n".join(region_text(app, app.screen.query_one(Footer)))
        assert "c Затвори" in footer  # closes a request (not the `Close` date of a deal)
