"""The CLI in the user's language (#23), through real processes: LANG picks the catalog; scripts' JSON stays English."""

from __future__ import annotations

import json

from conftest import run_minicrm


def _run(db_target, lang: str, *args: str, today: str = "2026-12-02"):
    return run_minicrm("--db", str(db_target), "--today", today, *args, env={"LANG": lang})


def test_errors_in_ukrainian(db_target):
    uk = "uk_UA.UTF-8"
    assert _run(db_target, uk, "contact", "add", "Марʼяна Коваль").returncode == 0
    res = _run(db_target, uk, "next", "Петро", "завтра")
    assert (res.returncode, res.stderr) == (1, "error: немає контакту, що відповідає «Петро»\n")
    res = _run(db_target, uk, "next", "Марʼяна", "позаминулого тижня")
    assert res.returncode == 2
    assert res.stderr.startswith("error: не вдалося зрозуміти дату 'позаминулого тижня' (наприклад 2026-12-05,")
    res = _run(db_target, uk, "next", "Мар'яна", "у пʼятницю о 15:00")  # the apostrophe typed either way
    assert res.returncode == 0, res.stderr
    card = json.loads(_run(db_target, uk, "contact", "show", "Марʼяна", "-f", "json").stdout)
    assert (card["next_contact_on"], card["next_contact_time"]) == ("2026-12-04", "15:00")


def test_remind_digest_in_russian_and_bulgarian(db_target):
    added = _run(db_target, "C.UTF-8", "contact", "add", "Иван Петров", "--next", "2026-11-30", "--goal", "счёт")
    assert added.returncode == 0
    assert _run(db_target, "C.UTF-8", "contact", "add", "Анна", "--next", "2026-12-02").returncode == 0
    ru = _run(db_target, "ru_RU.UTF-8", "remind").stdout.splitlines()
    assert ru[0] == "minicrm: среда, 2 декабря 2026"
    assert ru[1] == "Просрочено (1):"
    assert ru[2].startswith("  2026-11-30  связаться  Иван Петров — счёт  [просрочено на 2 дня]")
    assert ru[3] == "На очереди сегодня (1):"
    assert ru[4].endswith("Анна — Связаться")
    bg = _run(db_target, "bg_BG.UTF-8", "remind").stdout.splitlines()
    assert bg[0] == "minicrm: сряда, 2 декември 2026 г."
    assert bg[2].endswith("[просрочено с 2 дни]")
    # what scripts read stays English: field names and kinds
    data = json.loads(_run(db_target, "ru_RU.UTF-8", "remind", "-f", "json").stdout)
    assert data["overdue"][0]["kind"] == "follow-up" and data["overdue_count"] == 1


def test_english_plurals(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    assert cli.ok("contact", "tag", "add", "vip", "ada").stderr.strip() == "tagged 1 contact 'vip'"
    cli.ok("contact", "add", "Bob Brown")
    res = cli.ok("contact", "tag", "add", "vip", "ada", "bob")
    assert res.stderr.strip() == "tagged 1 contact 'vip' (1 already had it)"


def test_tables_and_cards_show_dates_and_amounts_the_users_way(db_target, hermetic_home):
    """Russian shows 05.12.2026 and `32 000,00 €`; `date_format dmy` does it in English too; JSON stays ISO."""
    assert _run(db_target, "C.UTF-8", "contact", "add", "Ада", "--company", "Зета").returncode == 0
    deal = (
        "deal",
        "add",
        "Миграция",
        "--contact",
        "Ада",
        "--amount",
        "32000",
        "--currency",
        "EUR",
        "--close",
        "2027-02-16",
    )
    assert _run(db_target, "C.UTF-8", *deal).returncode == 0, _run(db_target, "C.UTF-8", *deal).stderr
    env = {"COLUMNS": "150"}
    ru = run_minicrm("--db", str(db_target), "deal", "list", env={"LANG": "ru_RU.UTF-8", **env}).stdout
    assert "32 000,00" in ru and "16.02.2027" in ru
    assert ru.splitlines()[0].split()[:5] == ["ID", "Название", "Контакт", "Компания", "Этап"]  # headers too
    card = run_minicrm("--db", str(db_target), "contact", "show", "Ада", env={"LANG": "uk_UA.UTF-8", **env}).stdout
    assert "32 000,00 €" in card
    en = run_minicrm("--db", str(db_target), "deal", "list", env={"LANG": "C.UTF-8", **env}).stdout
    assert "32000.00" in en and "2027-02-16" in en  # English without settings: as before
    assert run_minicrm("config", "set", "date_format", "dmy").returncode == 0
    en = run_minicrm("--db", str(db_target), "deal", "list", env={"LANG": "C.UTF-8", **env}).stdout
    assert "16.02.2027" in en
    data = json.loads(
        run_minicrm("--db", str(db_target), "deal", "list", "-f", "json", env={"LANG": "ru_RU.UTF-8"}).stdout
    )
    assert (data[0]["amount"], data[0]["expected_close"]) == ("32000.00", "2027-02-16")


def test_year_less_and_card_dates_and_due_reasons_in_the_users_format(db_target):
    """`01.01` for a year-less birthday, `11.12.2012` in a card's dates and `последний контакт 07.11.2026` in a
    due reason, where English keeps `--01-01` and ISO days."""
    ru = "ru_RU.UTF-8"
    assert (
        _run(db_target, "C.UTF-8", "contact", "add", "Ада", "--birthday", "--01-01", "--every", "10d").returncode == 0
    )
    assert (
        _run(db_target, "C.UTF-8", "contact", "date", "add", "Ада", "Wedding", "2012-12-11", "--yearly").returncode == 0
    )
    assert _run(db_target, "C.UTF-8", "log", "Ада", "call", "hi", "--at", "2026-11-07 10:00").returncode == 0
    card = run_minicrm("--db", str(db_target), "--today", "2026-12-02", "contact", "show", "Ада",
                       env={"LANG": ru, "COLUMNS": "120"}).stdout  # fmt: skip
    lines = [" ".join(line.split()) for line in card.splitlines()]
    assert "День рождения 01.01" in lines and "Даты Wedding 11.12.2012 ежегодно" in lines, card
    english = run_minicrm("--db", str(db_target), "--today", "2026-12-02", "contact", "show", "Ада",
                          env={"LANG": "C.UTF-8", "COLUMNS": "120"}).stdout  # fmt: skip
    lines = [" ".join(line.split()) for line in english.splitlines()]
    assert "Birthday --01-01" in lines and "Dates Wedding 2012-12-11 yearly" in lines, english
    due = json.loads(_run(db_target, ru, "due", "-f", "json").stdout)
    assert "последний контакт 07.11.2026" in due[0]["reason"], due


def test_notes_and_reasons_show_days_the_users_way(db_target):
    """`следующий контакт: 16.12.2026` after `log`, `срок задачи 04.12.2026` in the due reason (ISO in English)."""
    ru = "ru_RU.UTF-8"
    assert _run(db_target, ru, "contact", "add", "Иван").returncode == 0
    logged = _run(db_target, ru, "log", "Иван", "call", "цены", "--next", "через 2 недели")
    assert "следующий контакт: 16.12.2026" in logged.stderr, logged.stderr
    assert _run(db_target, ru, "task", "add", "Позвонить", "--due", "послезавтра", "--contact", "Иван").returncode == 0
    reasons = [item["reason"] for item in json.loads(_run(db_target, ru, "due", "-f", "json").stdout)]
    assert any(r.startswith("срок задачи 04.12.2026") for r in reasons), reasons
    english = [item["reason"] for item in json.loads(_run(db_target, "C.UTF-8", "due", "-f", "json").stdout)]
    assert any(r.startswith("task due 2026-12-04") for r in english), english
