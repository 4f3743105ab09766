"""The forms, the `?` window and the TUI's own labels in the user's language (#23), on both backends.

The language comes from LANG, as for a user, before the app (and its key bindings) is made; `back_to_english`
leaves the process English for the next test. What the data holds (names typed) is shown as typed.
"""

from __future__ import annotations

import re

import pytest
from tests.tui.conftest import make_app, now, region_text, screen_text, settle
from tests.tui.test_snapshots import back_to_english, in_language  # noqa: F401 (a fixture)
from textual.widgets import Button, Input, Static

from minicrm.i18n import _, pgettext
from minicrm.tui.modals.contact_form import ContactFormModal
from minicrm.tui.modals.help import HelpModal


def problems(app) -> str:
    return str(app.screen.query_one("#problems", Static).render())


async def test_the_add_contact_form_in_ukrainian(empty_db, monkeypatch, back_to_english):  # noqa: F811
    in_language(monkeypatch, "uk")
    app = make_app(empty_db)
    shown: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (shown.append(message), notify(message, **kw))[-1]  # watched, still shown
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        app.push_screen(ContactFormModal(now=now(), company="Bob [b]Ltd[/b]"))
        await settle(pilot)
        text = screen_text(app)
        assert "Новий контакт у Bob [b]Ltd[/b]" in text  # the heading names the company as typed, never markup
        for label in ("Ім'я", "Компанія", "Наступний контакт", "Мета", "Нотатки", "Зберегти (Ctrl+S)",
                      "Скасувати (Esc)", "через кому"):  # fmt: skip
            assert label in text, label
        assert "• контакт повинен мати ім'я" in problems(app)  # the validation message
        assert app.screen.query_one("#save", Button).disabled
        goal = app.screen.query_one("#goal", Input)
        goal.focus()
        await pilot.press(*"дзвінок")
        await settle(pilot)
        assert "• для мети потрібна дата наступного контакту" in problems(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown == ["спершу виправте форму: контакт повинен мати ім'я"]  # the notification
        text = screen_text(app)
        left = [w for w in ("Name", "Company", "Next contact", "Goal", "Save", "Cancel", "needs", "comma") if w in text]
        assert not left, f"English left in the form: {left}\n{text}"


#: Key names stay as printed on the keyboard; every other Latin word in the `?` window would be English left.
KEY_NAMES = {"Esc", "Enter", "Tab", "Shift", "Ctrl"}


HELP_WORDS = {"ru": ("Клавиши", "Клавиша", "Действие", "Выход", "Предыдущая панель"),
              "bg": ("Клавиши", "Клавиш", "Действие", "Изход", "Предишен панел")}  # fmt: skip


@pytest.mark.parametrize(("lang", "words"), HELP_WORDS.items())
async def test_the_help_window_in_russian_and_bulgarian(empty_db, monkeypatch, back_to_english, lang, words):  # noqa: F811
    in_language(monkeypatch, lang)
    app = make_app(empty_db)
    async with app.run_test(size=(120, 36)) as pilot:
        for screen in ("1", "2", "4"):  # the dashboard, the contacts, the deals board: each with its own keys
            await pilot.press(screen)
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpModal)
            text = "\n".join(region_text(app, app.screen.query_one("#help-box")))
            for word in words:
                assert word in text, f"{word!r} not in\n{text}"
            left = set(re.findall(r"[A-Za-z]{2,}", text)) - KEY_NAMES
            assert not left, f"{lang}: English left in the ? window of screen {screen}: {left}\n{text}"
            assert "Ctrl+P" in text and "Shift+Tab" in text
            # the window's own key (Textual's key lists): close it, not the `Close` date of a deal
            closing = app.screen.active_bindings["escape"].binding.description
            assert closing == {"ru": "Закрыть", "bg": "Затвори"}[lang]
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, HelpModal)


def test_a_contact_card_in_russian_keeps_the_data_as_typed(monkeypatch, back_to_english):  # noqa: F811
    from datetime import date

    from minicrm.tui.widgets.render import company_preview, contact_card_text

    in_language(monkeypatch, "ru")
    card = {"name": "Bob [b]x[/b]", "role": "CTO", "company": "Acme", "status": "lead", "emails": ["b@x.example"],
            "next_contact_on": "2026-11-20", "next_contact_goal": "call", "days_overdue": 2,
            "effective_cadence_days": 3, "last_interaction_at": None, "archived": True}  # fmt: skip
    text = contact_card_text(card, today=date(2026, 11, 22)).plain
    assert text.splitlines() == [
        "Bob [b]x[/b]  (в архиве)",
        "Работает   CTO, Acme",  # the label column is as wide as the longest label
        "Статус     lead",
        "E-mail     b@x.example",
        "Следующий  2026-11-20 — call  (просрочено на 2 дн.)",
        "Ритм       каждые 3 дня",
        "Последний  никогда",
    ], text
    company = {"name": "Acme", "people": [], "interactions": [{"happened_at": "2026-11-21T10:00", "kind": "call",
                                                               "contact": None, "summary": "hi"}]}  # fmt: skip
    lines = company_preview(company).plain.splitlines()
    assert "Люди (0)" in lines and "Последние" in lines
    assert lines[-1] == f"  2026-11-21 call     {_('(the company)')}: hi" != "  2026-11-21 call     (the company): hi"


async def test_the_request_and_deal_forms_in_bulgarian(empty_db, monkeypatch, back_to_english):  # noqa: F811
    from minicrm.tui.modals.deal_task import DealFormModal, RequestFormModal

    in_language(monkeypatch, "bg")
    app = make_app(empty_db)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        app.push_screen(RequestFormModal(now=now()))
        await settle(pilot)
        text = screen_text(app)
        for label in ("Нова заявка", "Тема", "Контакт", "Фирма", "Приоритет", "Срок", "Описание"):
            assert label in text, label
        assert pgettext("priority", "normal") != "normal" and pgettext("priority", "normal") in text  # saved as is
        assert "• заявката трябва да има тема" in problems(app)
        assert "• заявката трябва да има клиент: контакт или фирма" in problems(app)
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(DealFormModal(["lead", "won"], now=now(), contact="Bob [b]x[/b]"))
        await settle(pilot)
        text = screen_text(app)
        assert "Нова сделка: Bob [b]x[/b]" in text  # the contact named as typed
        for label in ("Заглавие", "Сума", "Валута", "Етап", "Очаквано приключване", "Следваща стъпка"):
            assert label in text, label
        assert problems(app) == "• сделката трябва да има заглавие"
        left = [w for w in ("Title", "Amount", "Currency", "Stage", "Expected", "Next step", "Save") if w in text]
        assert not left, f"English left in the deal form: {left}\n{text}"


def test_the_cards_last_contact_is_shown_the_users_way(monkeypatch, back_to_english):  # noqa: F811
    """`Последний 21.11.2026 10:00` as the contacts table shows it, not the stored `2026-11-21T10:00:00`."""
    from datetime import date

    from minicrm import display
    from minicrm.tui.widgets.render import contact_card_text

    in_language(monkeypatch, "ru")
    display.configure(language="ru")
    try:
        card = {"name": "Ада", "last_interaction_at": "2026-11-21T10:00:00", "emails": []}
        lines = contact_card_text(card, today=date(2026, 11, 22)).plain.splitlines()
        assert "Последний  21.11.2026 10:00" in lines, lines
    finally:
        display.configure(language="en")
