"""A migration that fails half-way rolls back completely and leaves the original file and its backup."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from conftest import FIXTURES

FIXTURE = FIXTURES / "db-0001.sqlite"


@pytest.mark.sqlite_only("starts from the revision-0001 fixture database, a SQLite file, and its file backup")
def test_failed_upgrade_rolls_back_and_keeps_a_backup(tmp_path, backend):
    from conftest import Cli, db_digest

    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE campaign (x INTEGER)")  # revision 0003 creates `campaign`: it will fail there
    conn.commit()
    conn.close()
    before = db_digest(path)
    res = Cli(path)("contact", "list")
    assert res.exit_code == 1
    assert res.stderr.startswith("error: cannot migrate") and len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr
    assert db_digest(path) == before  # 0002 and the part of 0003 that ran were rolled back
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'saved_segment'").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    backups = list(tmp_path.glob("old.db.before-0001-*.bak"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("SELECT count(*) FROM contact").fetchone()[0] == 50
    backup.close()
