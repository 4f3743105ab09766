"""Contacts, companies, interactions and whois in Russian, Ukrainian and Bulgarian (#23), through real processes."""

from __future__ import annotations

import json
import re

from conftest import run_minicrm

RU, UK, BG = "ru_RU.UTF-8", "uk_UA.UTF-8", "bg_BG.UTF-8"


def _run(db_target, lang: str, *args: str, today: str = "2026-12-02"):
    return run_minicrm("--db", str(db_target), "--today", today, *args, env={"LANG": lang, "COLUMNS": "200"})


def _ok(db_target, lang: str, *args: str):
    res = _run(db_target, lang, *args)
    assert res.returncode == 0, res.stderr
    return res


def test_contact_card_in_russian(db_target):
    _ok(db_target, "C.UTF-8", "contact", "add", "Иван Петров", "--company", "Зета", "--email", "ivan@zeta.example",
        "--every", "14d", "--next", "2026-11-30", "--goal", "счёт", "--note", "любит чай")  # fmt: skip
    card = _ok(db_target, RU, "contact", "show", "Иван").stdout
    lines = [line.strip() for line in card.splitlines()]
    assert any(line.startswith("Имя") and "Иван Петров  (#1)" in line for line in lines), card
    assert any(line.startswith("Компания") and line.endswith("Зета") for line in lines), card
    assert any(line.startswith("Периодичность") and line.endswith("14 дней") for line in lines), card
    assert any(line.startswith("Следующий контакт") and "— счёт (просрочено на 2 дня)" in line for line in lines)
    assert any(line.startswith("Заметки") and line.endswith("любит чай") for line in lines), card
    for english in ("Name", "Company", "Every", "Next contact", "Notes", "days overdue"):
        assert english not in card
    # what scripts read stays English
    data = json.loads(_ok(db_target, RU, "contact", "show", "Иван", "-f", "json").stdout)
    assert data["status"] == "lead" and data["effective_cadence_days"] == 14


def test_english_plurals_on_the_card(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--every", "1d", "--next", "2026-12-01")
    card = cli.ok("contact", "show", "ada", today="2026-12-02").stdout
    assert "2026-12-01 (1 day overdue)" in card and re.search(r"Every +1 day *\n", card), card


def test_unknown_contact_in_ukrainian(db_target):
    res = _run(db_target, UK, "contact", "show", "Петро")
    assert (res.returncode, res.stderr) == (1, "error: немає контакту, що відповідає «Петро»\n")
    _ok(db_target, "C.UTF-8", "company", "add", "Ромашка")
    res = _run(db_target, UK, "log", "Ромашка", "call", "дзвінок")
    assert res.returncode == 1
    assert res.stderr == (
        "error: немає контакту, що відповідає «Ромашка», але є така компанія: запишіть взаємодію з самою компанією:"
        " minicrm log --company 'Ромашка' KIND SUMMARY\n"
    )
    res = _run(db_target, UK, "whois", "nobody@nowhere.example")
    assert (res.returncode, res.stderr) == (1, "error: ні в кого немає e-mail «nobody@nowhere.example»\n")


def test_ambiguous_ref_in_bulgarian(db_target):
    _ok(db_target, "C.UTF-8", "contact", "add", "Иван Петров")
    _ok(db_target, "C.UTF-8", "contact", "add", "Иван Иванов")
    res = _run(db_target, BG, "contact", "show", "Иван")
    assert res.returncode == 1
    assert res.stderr == (
        "error: „Иван“ отговаря на 2 контакта: 2 Иван Иванов, 1 Иван Петров; посочете id или повече от името\n"
    )
    res = _run(db_target, BG, "contact", "delete", "Иван Петров")
    assert res.returncode != 0
    assert res.stderr.startswith("error: изтриването на контакт 1 изтрива и неговите 0 взаимодействия;")


def test_company_card_and_notes_in_bulgarian(db_target):
    _ok(db_target, "C.UTF-8", "company", "add", "Зета", "--city", "София", "--every", "1m")
    _ok(db_target, "C.UTF-8", "contact", "add", "Мария", "--company", "Зета")
    card = _ok(db_target, BG, "company", "show", "Зета").stdout
    assert "Хора" in card and "Мария" in card and "никога" in card and "30 дни" in card
    res = _ok(db_target, BG, "company", "delete", "Зета", "--yes")
    assert res.stderr == "фирма 1 (Зета) е изтрита; откачен е 1 човек\n"


def _help_texts(command) -> list[str]:
    """The English help of a click command and of everything under it."""
    texts = [command.help or "", *(getattr(p, "help", None) or "" for p in command.params)]
    for sub in getattr(command, "commands", {}).values():
        texts += _help_texts(sub)
    return [t for t in texts if t]


def test_contact_help_in_russian_has_no_english_left():
    import typer.main

    from minicrm import i18n
    from minicrm.commands import contacts

    i18n.use("en")
    group = typer.main.get_command(contacts.app)
    english = {" ".join(t.split()) for t in _help_texts(group)}
    assert "Manage contacts (people)." in english and len(english) > 40
    seen = ""
    for args in (
        (), ("add",), ("list",), ("show",), ("edit",), ("archive",), ("delete",), ("tag",), ("tag", "add"),
        ("tag", "remove"), ("date",), ("date", "add"), ("date", "list"), ("date", "remove"),
    ):  # fmt: skip
        res = run_minicrm("contact", *args, "--help", env={"LANG": RU, "COLUMNS": "250"})
        assert res.returncode == 0, res.stderr
        seen += " ".join(re.sub(r"[│╭╮╰╯─]", " ", res.stdout).split()) + "\n"
    typed = "lead, client, former-client, partner, supplier, competitor."  # the values one types stay English
    assert typed[:-1] + " (лид, клиент" in seen
    left = sorted(t for t in english if t[:40] in seen and t != typed)
    assert not left, left
    assert "Показать карточку контакта" in seen and "Show this message and exit." not in seen


def test_store_errors_in_russian_and_ukrainian(db_target):
    res = _run(db_target, RU, "contact", "add", "Анна", "--status", "vip")
    assert res.returncode == 2
    assert res.stderr.startswith("error: неизвестный статус «vip» (варианты: lead, client,")
    _ok(db_target, "C.UTF-8", "field", "define", "size", "--type", "choice", "--choices", "S,M,L")
    res = _run(db_target, UK, "contact", "list", "--field", "size~M")
    assert res.returncode == 2
    assert res.stderr == "error: поле вибору «size» порівнюється лише через = або != у фільтрі «size~M»\n"
    res = _run(db_target, UK, "contact", "add", "Анна", "--field", "size=XL")
    assert res.returncode == 2
    assert res.stderr == "error: неприпустиме значення size «XL» (варіанти: S, M, L)\n"
    res = _run(db_target, RU, "log", "1", "call", "звонок")
    assert (res.returncode, res.stderr) == (1, "error: нет контакта с id 1\n")
