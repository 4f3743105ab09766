"""Errors of the values, the database and its schema in the user's language (#23), through real processes.

The `error:` prefix and the exit codes stay as scripts know them; only the sentence after it is translated.
"""

from __future__ import annotations

import sqlite3

import pytest

from conftest import run_minicrm

RU, UK, BG = "ru_RU.UTF-8", "uk_UA.UTF-8", "bg_BG.UTF-8"


def _run(db_target, lang: str, *args: str):
    return run_minicrm("--db", str(db_target), "--today", "2026-12-02", *args, env={"LANG": lang})


def test_money_errors_in_ukrainian(db_target):
    assert _run(db_target, UK, "contact", "add", "Олена Бондар").returncode == 0
    res = _run(db_target, UK, "deal", "add", "Ремонт", "--contact", "Олена", "--amount", "1,500")
    assert res.returncode == 2
    assert res.stderr.startswith("error: сума: неоднозначне значення '1,500' (роздільник тисяч чи десятковий?)")
    assert "minicrm config set number_format 1,234.56" in res.stderr  # the command stays as typed
    res = _run(db_target, UK, "deal", "add", "Ремонт", "--contact", "Олена", "--amount", "12,345,67")
    assert (res.returncode, res.stderr) == (
        2,
        "error: сума: неприпустиме значення '12,345,67' (після першої групи цифр — групи по три: "
        "наприклад 1500, 1500.50 або 1 500,50)\n",
    )
    res = _run(db_target, UK, "deal", "add", "Ремонт", "--contact", "Олена", "--amount", "10.5055")
    assert res.stderr == "error: сума: неприпустиме значення '10.5055' (не більше двох знаків після коми)\n"
    # English as before
    res = _run(db_target, "C.UTF-8", "deal", "add", "Ремонт", "--contact", "Олена", "--amount", "10.5055")
    assert res.stderr == "error: invalid amount '10.5055' (at most two decimals)\n"


def test_a_read_only_database_in_bulgarian(db_target, backend):
    assert _run(db_target, BG, "contact", "add", "Иван Иванов").returncode == 0
    res = _run(db_target, BG, "--read-only", "contact", "add", "Петър Петров")
    assert res.returncode == 1
    if backend == "sqlite":
        expected = f"error: {db_target} е само за четене (отворена с --read-only): нищо не е променено\n"
    else:
        expected = "error: базата данни е само за четене (сървър или транзакция само за четене)\n"
    assert res.stderr == expected
    assert _run(db_target, BG, "--read-only", "contact", "show", "Иван").returncode == 0  # reading still works


@pytest.mark.sqlite_only("a damaged file and a schema revision in a file are SQLite's")
def test_a_damaged_or_newer_database_in_russian(tmp_path, db_target):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is no database, just text " * 200)
    res = _run(damaged, RU, "contact", "list")
    assert (res.returncode, res.stderr) == (
        1,
        f"error: не удалось открыть базу данных {damaged}: файл не является базой данных\n",
    )
    assert _run(db_target, RU, "contact", "add", "Анна").returncode == 0
    with sqlite3.connect(db_target) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    res = _run(db_target, RU, "contact", "list")
    assert res.returncode == 1
    assert res.stderr == (
        f"error: у {db_target} ревизия схемы 9999, новее, чем известно этой версии minicrm: обновите minicrm\n"
    )
