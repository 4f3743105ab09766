"""The README's quick start with `LANG=ru_RU.UTF-8` (#23): the demo database, then the shell's first commands.

SQLite only: the quick start is a database file by design (PostgreSQL needs a server the README sets up later).
"""

from __future__ import annotations

import json

from conftest import run_minicrm


def test_quick_start_in_russian(tmp_path):
    db = str(tmp_path / "demo.db")
    env = {"LANG": "ru_RU.UTF-8", "COLUMNS": "120"}
    made = run_minicrm("--db", db, "demo", "--if-empty", env=env)
    assert made.returncode == 0, made.stderr
    assert made.stderr.startswith(f"демо-данные в {db}: 12 компаний, 50 контактов,")
    again = run_minicrm("--db", db, "demo", "--if-empty", env=env)
    assert again.returncode == 0, again.stderr
    due = run_minicrm("--db", db, "--today", "2026-12-02", "due", env=env)
    assert due.returncode == 0, due.stderr
    assert due.stdout.split()[:3] == ["Когда", "Время", "Вид"]
    listed = run_minicrm("--db", db, "contact", "list", "--format", "json", env=env)
    assert {"id", "name", "status"} <= set(json.loads(listed.stdout)[0])  # scripts still read English fields
