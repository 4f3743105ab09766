"""Import, export, restore, mail, hooks and doctor in Russian, Ukrainian and Bulgarian (#23), through real processes.

What scripts read stays English: file formats (CSV headers, the reject file's header), JSON fields and values.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_minicrm

RU, UK, BG = "ru_RU.UTF-8", "uk_UA.UTF-8", "bg_BG.UTF-8"


def _run(db_target, lang: str, *args: str, env: dict | None = None, input: str | None = None):
    return run_minicrm(
        "--db", str(db_target), "--today", "2026-12-02", *args,
        env={"LANG": lang, "COLUMNS": "200", **(env or {})}, input=input,
    )  # fmt: skip


def _ok(db_target, lang: str, *args: str, **kw):
    res = _run(db_target, lang, *args, **kw)
    assert res.returncode == 0, res.stderr
    return res


def test_a_malformed_csv_row_in_ukrainian_names_its_line(db_target, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAda Lovelace,ada@example.org\nBob Brown,bob@example.org,extra\n", encoding="utf-8")
    res = _run(db_target, UK, "import", "csv", str(path))
    assert res.returncode == 2
    assert res.stderr == (
        f"error: {path}: рядок 3: клітинок: 3, а в заголовку 2; нічого не імпортовано (--skip-bad імпортує решту)\n"
    )
    res = _ok(db_target, UK, "import", "csv", str(path), "--skip-bad")
    assert f"помилка: {path}: рядок 3: клітинок: 3, а в заголовку 2\n" in res.stderr
    assert f"1 помилковий рядок записано в {path}.rejects.csv" in res.stderr
    assert "створено 1, оновлено 0, без змін 0, пропущено 0, відхилено 1" in res.stderr
    rejects = (tmp_path / "people.csv.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "Name,Email,minicrm_error"  # the file's format stays as it is
    assert rejects[1] == 'Bob Brown,bob@example.org,extra,"рядок 3: клітинок: 3, а в заголовку 2"'
    # unbalanced quotes: the line the quoted cell starts on
    broken = tmp_path / "broken.csv"
    broken.write_text('Name,Email\nAda,ada@example.org\n"Bob,bob@example.org\nCy,cy@example.org\n', encoding="utf-8")
    res = _run(db_target, UK, "import", "csv", str(broken))
    assert res.returncode == 2
    assert res.stderr.startswith(f"error: {broken}: рядок 3: некоректний CSV (")
    assert "непарні лапки?" in res.stderr


def test_dry_run_summary_and_plan_in_russian(db_target, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAda Lovelace,ada@example.org\nAda Lovelace,ada@example.org\n", encoding="utf-8")
    res = _ok(db_target, RU, "import", "csv", str(path), "--dry-run")
    assert (
        "пробный запуск, ничего не записано: будет создано 1, обновлено 0, без изменений 0, пропущено 0" in res.stderr
    )
    assert "объединено 1 (один и тот же человек дважды в файле)" in res.stderr
    assert res.stdout.split()[:3] == ["Строка", "Действие", "Имя"]
    lines = [line.split() for line in res.stdout.splitlines()]
    assert lines[1][:2] == ["2", "создать"] and lines[2][:2] == ["3", "объединить"]  # the plan's actions translated
    assert "объединено со строкой 2" in res.stdout
    data = json.loads(_ok(db_target, RU, "import", "csv", str(path), "--dry-run", "-f", "json").stdout)
    assert [i["action"] for i in data["items"]] == ["create", "merge"]  # the actions scripts read stay English


def test_doctor_in_russian(db_target):
    _ok(db_target, "C.UTF-8", "contact", "add", "Ада Лавлейс")
    out = _ok(db_target, RU, "doctor").stdout
    for label in ("База данных", "Схема", "Записи", "Папка данных", "Файл настроек", "Язык", "Часовой пояс",
                  "Токен календаря", "Проверки"):  # fmt: skip
        assert re.search(rf"^\s*{label}\b", out, re.MULTILINE), (label, out)
    assert "1 контакт, 0 компаний" in out and "(актуальная; этот minicrm пишет" in out
    assert "не задан (ical serve отвечает только на этом компьютере)" in out and "всё в порядке" in out
    assert not re.search(r"\b(Database|Schema|Records|Checks|all good)\b", out)
    facts = json.loads(_ok(db_target, RU, "doctor", "-f", "json").stdout)
    assert facts["schema"] == "current" and facts["records"]["contacts"] == 1  # JSON stays English
    assert facts["calendar_token"] == "not set (ical serve answers on this computer only)"
    res = _run(db_target, RU, "doctor", env={"MINICRM_ICAL_TOKEN": "abc"})
    assert res.returncode == 1
    assert res.stderr.startswith("error: 1 проблема: MINICRM_ICAL_TOKEN слишком слабый")
    assert re.search(r"Проверки\s+1 проверка не пройдена", res.stdout) and "Проблема" in res.stdout


def test_restore_into_a_database_with_data_in_bulgarian(db_target, tmp_path):
    _ok(db_target, "C.UTF-8", "contact", "add", "Ада Лавлейс", "--company", "Зета")
    dump = tmp_path / "all.json"
    res = _ok(db_target, BG, "export", "json", "-o", str(dump))
    assert res.stderr.startswith("експортирани ")
    res = _run(db_target, BG, "import", "json", str(dump))
    assert res.returncode == 1
    assert res.stderr.startswith("error: базата данни вече съдържа данни (")
    assert "задайте --replace, за да презапишете всичко" in res.stderr
    res = _ok(db_target, BG, "import", "json", str(dump), "--replace")
    assert "1 контакт, 1 фирма" in res.stderr, res.stderr
    assert json.loads(dump.read_text(encoding="utf-8"))["format"]  # the file's fields stay as they are


def test_mail_and_hooks_in_ukrainian(db_target):
    _ok(db_target, "C.UTF-8", "contact", "add", "Ада Лавлейс", "--email", "ada@example.org")
    message = (
        "From: Ada <ada@example.org>\nTo: me@example.com\nSubject: Hello\nMessage-ID: <m1@example.org>\n"
        "Date: Tue, 01 Dec 2026 10:00:00 +0000\n\nHi!\n"
    )
    res = _ok(db_target, UK, "mail", "log", input=message)
    assert res.stdout.split()[:2] == ["ID", "Контакт"]
    res = _ok(db_target, UK, "mail", "log", input=message)
    assert "уже записано листів: 1" in res.stderr
    res = _run(db_target, UK, "mail", "log", input="not a message")
    assert res.returncode == 2 and res.stderr.startswith("error: у стандартному вводі не лист")
    _ok(db_target, UK, "hook", "add", "deal.won", "--url", "http://127.0.0.1:9/hook")
    listed = _ok(db_target, UK, "hook", "list").stdout
    assert re.search(r"deal\.won\s+вебхук\s+http://127\.0\.0\.1:9/hook\s+без підпису", listed), listed
    assert json.loads(_ok(db_target, UK, "hook", "list", "-f", "json").stdout)[0]["kind"] == "webhook"
    res = _ok(db_target, UK, "hook", "remove", "deal.won")
    assert res.stderr.strip() == "видалено 1 вебхук deal.won"
    res = _run(db_target, UK, "hook", "add", "deal.wn", "--url", "http://127.0.0.1:9/hook")
    assert res.returncode == 2 and res.stderr.startswith("error: невідома подія 'deal.wn' (одна з: ")


#: Latin words a translated help may keep: names of programs, formats and products, values to type.
KEPT = {
    "minicrm", "csv", "vcard", "json", "import", "export", "backup", "restore", "mail", "log", "sync", "hook", "list",
    "add", "remove", "test", "deliver", "stdin", "skip", "update", "create", "field", "name", "email", "phone",
    "company", "Google", "Outlook", "Excel", "Apple", "khard", "CardDAV", "vCard", "vcf", "vdir", "rejects",
    "date_format", "SQLite", "PostgreSQL", "REPEATABLE", "READ", "NDJSON", "nl", "UTF", "BOM", "tab", "deal", "won",
    "contact", "created", "finished", "before", "true", "cron", "http", "https", "POST", "HMAC", "SHA", "mbox",
    "Maildir", "IMAP", "imaps", "demo", "table", "CA", "no", "reply", "id", "HTTP", "JSON", "FILE", "pipe",
}  # fmt: skip


def english_left(help_text: str) -> list[str]:
    """Latin words of `--help` that are not option names, metavars, or words kept above."""
    text = re.sub(r"--?[\w-]+|\b[A-Z][A-Z_:]+\b|\[[a-z|]+\]|'[^']*'|`[^`]*`|\S+\.\S+|\b\w+_\w+\b", " ", help_text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT]


@pytest.mark.parametrize(
    "args",
    [("import",), ("import", "csv"), ("import", "vcard"), ("import", "json"), ("export",), ("export", "csv"),
     ("export", "vcard"), ("export", "json"), ("backup",), ("restore",), ("mail", "import"), ("mail", "log"),
     ("mail", "sync"), ("hook", "list"), ("hook", "add"), ("hook", "deliver"), ("hook", "log"), ("demo",)],
    ids=" ".join,
)  # fmt: skip
def test_help_in_bulgarian_has_no_english_left(args):
    res = run_minicrm(*args, "--help", env={"LANG": BG, "COLUMNS": "250"})
    assert res.returncode == 0, res.stderr
    assert "Употреба: minicrm" in res.stdout
    assert english_left(res.stdout) == [], res.stdout
    if args == ("import",):
        assert "Импорт на контакти от файл CSV" in res.stdout


def test_the_help_check_sees_english():
    res = run_minicrm("import", "csv", "--help", env={"LANG": "C.UTF-8", "COLUMNS": "250"})
    assert "Import" in english_left(res.stdout)


def test_a_bad_typed_field_value_in_russian_names_its_contact(db_target, tmp_path):
    """The whole error in the user's language, the contact it belongs to included (it was ` of contact 1`)."""
    _ok(db_target, RU, "field", "define", "turnover", "--type", "number")
    path = tmp_path / "people.csv"
    path.write_text("Name,field:turnover\nAda Lovelace,many\n", encoding="utf-8")
    res = _run(db_target, RU, "import", "csv", str(path))
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("error: ") and "turnover" in res.stderr and "many" in res.stderr
    assert not re.findall(r"\b(?!turnover|many|csv)[A-Za-z]{3,}", res.stderr.removeprefix("error: ")), res.stderr
    assert _ok(db_target, RU, "contact", "list", "-f", "json").stdout.strip() == "[]"
