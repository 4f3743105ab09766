"""Follow-ups, requests, the calendar feed and their --help in the user's language (#23), through real processes.

What machines read stays as it was: iCal property names, UIDs and categories, JSON fields and values.
"""

from __future__ import annotations

import json
import re

import icalendar
import pytest

from conftest import run_minicrm

RU, UK, BG, EN = "ru_RU.UTF-8", "uk_UA.UTF-8", "bg_BG.UTF-8", "C.UTF-8"


def _run(db_target, lang: str, *args: str):
    return run_minicrm("--db", str(db_target), "--today", "2026-12-02", *args, env={"LANG": lang, "COLUMNS": "200"})


def _seed(db_target) -> None:
    for args in (
        ("contact", "add", "Иван Петров", "--next", "2026-11-30", "--goal", "счёт", "--birthday", "1980-12-10"),
        ("contact", "add", "Анна Смирнова", "--next", "2026-12-04"),
        ("task", "add", "Отправить договор", "--contact", "Анна", "--due", "2026-12-03"),
    ):
        res = _run(db_target, EN, *args)
        assert res.returncode == 0, res.stderr


def _events(ics: str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(ics)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_ical_export_in_russian_reads_back_with_russian_summaries(db_target):
    _seed(db_target)
    ru = _run(db_target, RU, "ical", "export")
    en = _run(db_target, EN, "ical", "export")
    assert ru.returncode == en.returncode == 0, ru.stderr
    ru_events, en_events = _events(ru.stdout), _events(en.stdout)
    assert set(ru_events) == set(en_events)  # the same UIDs: a calendar keeps its items when the language changes
    summaries = sorted(str(e["SUMMARY"]) for e in ru_events.values())
    assert summaries == [
        "День рождения: Иван Петров",
        "Задача: Отправить договор (Анна Смирнова)",
        "ПРОСРОЧЕНО на 2 дн.: Связаться: Иван Петров — счёт",
        "Связаться: Анна Смирнова",
    ]
    overdue = next(e for e in ru_events.values() if str(e["SUMMARY"]).startswith("ПРОСРОЧЕНО"))
    assert str(overdue["DESCRIPTION"]).startswith("Почему: ")
    assert "Последний контакт: не было" in str(overdue["DESCRIPTION"])
    assert [str(c) for c in overdue.get("CATEGORIES").cats] == ["minicrm", "follow-up", "overdue"]  # English
    assert "X-WR-CALNAME:minicrm: контакты" in ru.stdout.replace("\r\n", "\n")
    for uid, event in en_events.items():  # the same days
        assert event["DTSTART"].dt == ru_events[uid]["DTSTART"].dt
    assert "SUMMARY:Call Анна Смирнова" in en.stdout  # English as before


#: words allowed in a translated --help: the values one types (kinds, formats, keywords) and program names
TYPED = {"follow", "up", "task", "deal", "birthday", "date", "table", "json", "csv", "me", "all", "as", "minicrm",
         "due", "cron", "systemd", "text", "remind", "forgotten", "contact", "company", "client", "lead", "id",
         "phone", "email", "portal", "low", "normal", "high", "urgent", "friday", "followups", "tasks", "birthdays",
         "deals", "dates", "ics", "request", "add", "ical", "export", "vtodo", "thunderbird", "caldav", "iana",
         "iso", "pt1h", "ref", "ymd"}  # fmt: skip


def _english_left(help_text: str) -> list[str]:
    left = []
    for line in help_text.splitlines():
        words = re.sub(r"--?[\w-]+|\[[^\]]*\]|\b[A-Z][A-Z_,.]+\b|\d\w*", " ", line)
        found = [w for w in re.findall(r"[A-Za-z]{2,}", words) if w.lower() not in TYPED]
        if found:
            left.append(line.strip())
    return left


def test_due_help_in_russian_has_no_english_line(db_target):
    for command in (("due",), ("forgotten",), ("remind",), ("request", "add"), ("ical", "export")):
        res = run_minicrm(*command, "--help", env={"LANG": RU, "COLUMNS": "200"})
        assert res.returncode == 0
        assert not _english_left(res.stdout), (command, _english_left(res.stdout))
    en = run_minicrm("due", "--help", env={"LANG": EN, "COLUMNS": "200"}).stdout
    assert _english_left(en)  # the check does see English


def test_due_forgotten_and_requests_in_the_users_language(db_target):
    _seed(db_target)
    uk = _run(db_target, UK, "due").stdout
    assert "2 дн." in uk and "звʼязок" in uk and "Overdue" not in uk  # the kind too; JSON keeps follow-up
    assert _run(db_target, UK, "due", "--overdue", "--kind", "task").stderr == "простроченого немає\n"
    res = _run(db_target, BG, "request", "add", "Не работи входът", "--contact", "Анна", "--priority", "high")
    assert res.returncode == 0, res.stderr
    rid = res.stdout.strip()
    card = _run(db_target, BG, "request", "show", rid).stdout
    assert re.search(r"Статус\s+нова \(висок\)", card), card
    res = _run(db_target, BG, "request", "update", rid, "--status", "open")
    assert res.stderr == f"заявка {rid}: в работа\n"
    res = _run(db_target, RU, "request", "time", rid, "-5m")
    assert (res.returncode, res.stderr) == (2, "error: отрицательное время '-5m'\n")
    res = _run(db_target, RU, "request", "show", "999")
    assert (res.returncode, res.stderr) == (1, "error: нет заявки с id 999\n")
    data = json.loads(_run(db_target, RU, "request", "show", rid, "-f", "json").stdout)
    assert (data["status"], data["priority"]) == ("open", "high")  # what scripts read stays English
    res = _run(db_target, UK, "cadence", "set", "default", "14d")
    assert res.stderr.startswith("default: кожні 14 днів; охоплено 2 контакти, ")


@pytest.mark.sqlite_only("a user added on PostgreSQL gets a database login: this checks only the listing's words")
def test_user_list_and_config_show_in_bulgarian(db_target):
    assert _run(db_target, EN, "user", "add", "Ана Иванова").returncode == 0
    table = _run(db_target, BG, "user", "list").stdout.splitlines()
    assert table[0].split()[:5] == ["ID", "Име", "Роля", "Вход", "Имейл"]
    assert table[1].split()[:5] == ["1", "Ана", "Иванова", "мениджър", "да"]  # role and yes in Bulgarian
    data = json.loads(_run(db_target, BG, "user", "list", "-f", "json").stdout)
    assert (data[0]["role"], data[0]["active"]) == ("manager", True)  # scripts read English
    shown = run_minicrm("config", "show", env={"LANG": BG, "COLUMNS": "200"}).stdout
    assert "валута на новите сделки (код по ISO)" in shown and shown.split()[:3] == [
        "Параметър",
        "Стойност",
        "Описание",
    ]
