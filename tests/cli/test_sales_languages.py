"""Deals, tasks, plans, campaigns and the sales reports in the user's language (#23): errors, notes, cards,
report tables and `--help`; what scripts read (JSON fields, stages, statuses) stays English."""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_minicrm

RU, UK, BG = "ru_RU.UTF-8", "uk_UA.UTF-8", "bg_BG.UTF-8"


def _run(db_target, lang: str, *args: str, today: str = "2026-12-02"):
    return run_minicrm("--db", str(db_target), "--today", today, *args, env={"LANG": lang, "COLUMNS": "150"})


def _ok(db_target, lang: str, *args: str, today: str = "2026-12-02"):
    res = _run(db_target, lang, *args, today=today)
    assert res.returncode == 0, res.stderr
    return res


def _deal(db_target) -> str:
    _ok(db_target, "C.UTF-8", "contact", "add", "Ада Лавлейс", "--company", "Зета")
    return _ok(db_target, "C.UTF-8", "deal", "add", "Миграция", "--contact", "Ада", "--amount", "32000", "--stage",
               "proposal", "--close", "2027-02-16").stdout.strip()  # fmt: skip


def test_deal_errors_and_notes_in_ukrainian(db_target):
    deal = _deal(db_target)
    res = _run(db_target, UK, "deal", "show", "999")
    assert (res.returncode, res.stderr) == (1, "error: немає угоди з id 999\n")
    res = _run(db_target, UK, "deal", "move", deal, "proposal")
    assert res.stderr == f"error: угода {deal} уже на етапі «proposal»\n"
    res = _run(db_target, UK, "deal", "move", deal, "nowhere")
    assert res.returncode == 2 and res.stderr.startswith("error: невідомий етап 'nowhere' (один із: lead,")
    assert _ok(db_target, UK, "deal", "won", deal).stderr == f"угоду {deal} виграно 02.12.2026: 32 000,00 €\n"
    res = _run(db_target, UK, "deal", "lost", deal, "--reason", "ціна")
    assert res.stderr == f"error: угода {deal} уже виграна\n"
    res = _run(db_target, UK, "deal", "move", deal, "lead")
    assert res.stderr == f"error: угода {deal} уже виграна; знову відкрити: minicrm deal reopen {deal}\n"
    assert _ok(db_target, UK, "deal", "list", "--lost").stderr == "угод немає\n"
    # what scripts read stays English
    data = json.loads(_ok(db_target, UK, "deal", "show", deal, "-f", "json").stdout)
    assert (data["stage"], data["state"]) == ("won", "won")


def test_deal_card_in_russian(db_target):
    deal = _deal(db_target)
    _ok(db_target, "C.UTF-8", "task", "add", "Позвонить", "--deal", deal, "--due", "2026-12-04")
    card = _ok(db_target, RU, "deal", "show", deal).stdout
    labels = [line.split("  ")[0] for line in card.splitlines() if line.strip()]
    assert labels[:5] == ["Сделка", "Контакт", "Компания", "Этап", "Сумма"]
    assert "32 000,00 € (взвешенно 16 000,00)" in card and "История этапов" in card and "Задачи" in card
    assert "Deal" not in card and "weighted" not in card and "Stage history" not in card
    en = _ok(db_target, "C.UTF-8", "deal", "show", deal).stdout
    assert "32000.00 EUR (weighted 16000.00)" in en and "Stage history" in en  # English as before


#: Latin words a translated help may keep: program, command and option names, metavars, values to type.
KEPT = {
    "minicrm",
    "deal",
    "id",
    "me",
    "all",
    "d",
    "x",
    "table",
    "json",
    "csv",
    "won",
    "lost",
    "open",
    "EUR",
    "revision",
}


def english_left(help_text: str, commands: set[str]) -> list[str]:
    """Latin words of `--help` that are not option names, metavars, command names or values to type."""
    text = re.sub(r"--?[\w-]+|\b[A-Z][A-Z_:]+\b|\[[a-z|]+\]", " ", help_text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT | commands]


DEAL_COMMANDS = {"add", "list", "show", "move", "won", "lost", "reopen", "edit", "delete"}


@pytest.mark.parametrize("args", [("deal",), *(("deal", c) for c in sorted(DEAL_COMMANDS))], ids=" ".join)
def test_deal_help_in_bulgarian_has_no_english_left(args):
    res = run_minicrm(*args, "--help", env={"LANG": BG, "COLUMNS": "200"})
    assert res.returncode == 0, res.stderr
    assert "Употреба: minicrm deal" in res.stdout
    assert english_left(res.stdout, DEAL_COMMANDS) == [], res.stdout
    if args == ("deal",):
        assert "Добавя сделка и извежда нейното id." in res.stdout


def test_english_help_has_english_left():
    """The check above would see an untranslated line."""
    res = run_minicrm("deal", "add", "--help", env={"LANG": "C.UTF-8", "COLUMNS": "200"})
    assert "What" in english_left(res.stdout, DEAL_COMMANDS)


def test_plan_report_and_pipeline_in_russian(db_target):
    _deal(db_target)
    won = _ok(db_target, "C.UTF-8", "deal", "add", "Лицензии", "--contact", "Ада", "--amount", "1000").stdout.strip()
    _ok(db_target, "C.UTF-8", "deal", "won", won)
    _ok(db_target, "C.UTF-8", "plan", "set", "--period", "2026-12", "--team", "--deals", "5", "--revenue", "50000",
        "EUR")  # fmt: skip
    lines = _ok(db_target, RU, "report", "plan").stdout.splitlines()
    assert lines[0].strip() == "План 2026-12 (01.12.2026..31.12.2026): 2 из 23 рабочих дней"
    assert lines[1].split() == ["Пользователь", "Показатель", "План", "Факт", "Выполнено", "%", "Прогноз", "Прогноз",
                                "%"]  # fmt: skip
    assert lines[2].split()[:4] == ["команда", "выручка", "50", "000,00"]
    assert lines[3].split() == ["команда", "сделки", "5", "1", "20,0%", "11,5", "230,0%"]  # decimal commas
    # scripts read the same keys and values in every language
    data = json.loads(_ok(db_target, RU, "report", "plan", "-f", "json").stdout)
    assert [(r["user"], r["metric"]) for r in data] == [("team", "revenue"), ("team", "deals")]
    funnel = _ok(db_target, RU, "pipeline").stdout.splitlines()
    assert funnel[0].strip() == "Воронка продаж"
    assert funnel[1].split()[:4] == ["Этап", "Сделки", "Сумма", "Взвешенно"]
    assert funnel[4].split()[0] == "proposal" and "32 000,00 €" in funnel[4]  # stage names are the data's
    note = _ok(db_target, UK, "report", "sales").stderr
    assert note == "виграно 1, програно 0, частка перемог 100%; середня виграна угода 1 000,00 €\n"


def test_tasks_campaigns_and_team_in_bulgarian(db_target):
    _deal(db_target)
    task = _ok(db_target, "C.UTF-8", "task", "add", "Обаждане", "--contact", "Ада").stdout.strip()
    assert _ok(db_target, BG, "task", "done", task).stderr == f"задача {task} е изпълнена\n"
    assert _run(db_target, BG, "task", "done", "99").stderr == "error: няма задача с id 99\n"
    res = _run(db_target, BG, "campaign", "show", "Пролет")
    assert (res.returncode, res.stderr) == (1, "error: няма кампания, отговаряща на „Пролет“\n")
    assert _ok(db_target, BG, "campaign", "list").stderr == "няма кампании\n"
    _ok(db_target, "C.UTF-8", "campaign", "add", "Пролет", "--channel", "email", "--budget", "1000")
    card = _ok(db_target, BG, "campaign", "show", "Пролет").stdout
    assert "Бюджет" in card and "1 000,00 €" in card and "0 (спечелени: 0)" in card
    assert not english_left(card, {"email", "planned"}), card  # the channel and status stay as stored
    team = _ok(db_target, BG, "report", "team").stdout.splitlines()
    assert team[0].startswith("Екип 2026-12 (01.12.2026..31.12.2026); просрочено и отворено: към 02.12.2026")
    assert team[-1].split()[0] == "екип"  # the team's row; JSON keeps "team"
    assert json.loads(_ok(db_target, BG, "report", "team", "-f", "json").stdout)[-1]["user"] == "team"


def test_english_counts_are_singular_for_one(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    deal = cli.ok("deal", "add", "Port", "--contact", "Ada", "--amount", "100").stdout.strip()
    cli.ok("deal", "lost", deal, "--reason", "price")
    assert cli.ok("report", "lost-deals").stderr == "1 lost deal\n"
    assert cli.ok("report", "greetings", "--within", "1d").stderr == "nobody to greet in the next 1 day\n"
