"""The database path (#16): folders are created only for the default location, another program's database is
refused and never written.

Regressions: `--db other.db contact list` on another program's SQLite file added minicrm's 46 tables to it;
`--db /typo/dir/x.db contact list` created the folders and an empty database and printed "no contacts".
"""

from __future__ import annotations

import sqlite3

import pytest

from conftest import Cli, execute, rows, target_digest


def test_another_programs_database_is_refused_and_untouched(backend, new_target):
    target = new_target("foreign", empty=True)
    if backend == "sqlite":
        with sqlite3.connect(target) as conn:
            conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
            conn.execute("INSERT INTO recipes (title) VALUES ('pancakes')")
        conn.close()
    else:
        execute(target, "CREATE TABLE recipes (id SERIAL PRIMARY KEY, title TEXT)")
        execute(target, "INSERT INTO recipes (title) VALUES ('pancakes')")
    before = target_digest(target)
    cli = Cli(target)
    res = cli("contact", "list")
    assert res.exit_code == 1 and res.stderr.startswith("error: ") and "not a minicrm database" in res.stderr
    assert "recipes" in res.stderr
    assert target_digest(target) == before
    assert [r[0] for r in rows(target, "SELECT title FROM recipes")] == ["pancakes"]


@pytest.mark.sqlite_only("a path in a missing folder: PostgreSQL databases have no folder")
def test_an_explicit_path_in_a_missing_folder_is_an_error(tmp_path):
    target = tmp_path / "typo" / "dir" / "crm.db"
    res = Cli(target)("contact", "list")
    assert res.exit_code == 1 and "no folder" in res.stderr and str(target.parent) in res.stderr
    assert not (tmp_path / "typo").exists()


@pytest.mark.sqlite_only("the default location is a folder on this machine")
def test_the_default_location_is_still_created(tmp_path, monkeypatch):
    from conftest import run_minicrm

    home = tmp_path / "fresh-home" / "minicrm"
    res = run_minicrm("--today", "2026-11-22", "contact", "list", env={"MINICRM_HOME": str(home)})
    assert res.returncode == 0, res.stderr
    assert (home / "minicrm.db").exists()
