"""`minicrm backup` and `restore`: consistent online copies, checks before replacing, the replaced file kept."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import db_digest, run_minicrm

WRITER = """
import sys, time
from datetime import datetime
from minicrm.store.core.db import Database
from minicrm.store.people.contacts import create_contact

session = Database(sys.argv[1]).connect()
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < deadline:
    create_contact(session, name=f"Writer {n}", emails=[f"w{n}@example.org"], tags=["bulk"], company=f"Co {n % 7}",
                   now=datetime(2026, 11, 22, 12, 0))
    n += 1
    if n == 20:
        print("writing", flush=True)
print(n, flush=True)
"""


def check_consistent(path: Path) -> int:
    """Integrity, and every contact complete: its e-mail, tag, search row and audit entry (same transaction)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        contacts = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
        for sql in (
            "SELECT count(*) FROM contact_email",
            "SELECT count(*) FROM contact_tag",
            "SELECT count(*) FROM contact_fts",
            "SELECT count(*) FROM audit_log WHERE entity = 'contact' AND action = 'create'",
        ):
            assert conn.execute(sql).fetchone()[0] == contacts, sql
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        return contacts
    finally:
        conn.close()


@pytest.mark.sqlite_only("online copy of a live SQLite file in WAL mode (backup API) while another process writes")
def test_backup_while_another_process_writes(cli, db_path, tmp_path):
    cli.ok("contact", "add", "Seed", "--email", "seed@example.org", "--tag", "bulk")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        backups = []
        for i in range(3):
            target = tmp_path / f"b{i}.db"
            res = run_minicrm("--db", str(db_path), "backup", str(target))
            assert res.returncode == 0, res.stderr
            assert res.stdout.strip() == str(target)
            backups.append(target)
            time.sleep(0.3)
        written = int(writer.communicate(timeout=60)[0].strip())
    finally:
        writer.kill()
    assert writer.returncode == 0, writer.stderr
    final = check_consistent_live(db_path)
    assert final == written + 1
    counts = [check_consistent(b) for b in backups]
    assert counts == sorted(counts) and 20 < counts[0] < final  # taken mid-write, each a consistent snapshot
    assert oct(backups[0].stat().st_mode & 0o777) == "0o600"
    # a backup taken under load restores cleanly and the live database it replaces is kept
    res = cli.ok("restore", str(backups[1]))
    kept = Path(res.stderr.split("kept as ")[1].split("\n")[0])
    assert cli.ok("contact", "list", "--tag", "bulk", "-f", "json").json().__len__() == counts[1]
    assert check_consistent(kept) == final
    assert db_digest(db_path) == db_digest(backups[1])
    cli.ok("contact", "add", "After restore")  # the restored database is writable, in WAL mode again
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def check_consistent_live(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        conn.close()


def _naming(backend: str, db_target: str) -> tuple[str, str]:
    """(stem, suffix) of a timestamped backup: the file's name and .db on SQLite, the database's and .json on PG."""
    return ("crm-", ".db") if backend == "sqlite" else (db_target.rsplit("/", 1)[-1] + "-", ".json")


def test_default_backup_folder_keeps_last_n(cli, hermetic_home, backend, db_target):
    stem, suffix = _naming(backend, db_target)
    cli.ok("contact", "add", "Ada")
    made = [Path(cli.ok("backup", "--keep", "2").stdout.strip()) for _ in range(3)]
    assert all(p.parent == hermetic_home / "backups" for p in made)
    assert made[0].name.startswith(stem) and made[0].suffix == suffix
    assert sorted(p.name for p in (hermetic_home / "backups").iterdir()) == sorted(p.name for p in made[1:])
    assert not made[0].exists()
    res = cli.ok("backup", "--keep", "0", "-f", "json").json()
    assert Path(res["path"]).exists() and res["pruned"] == []
    (hermetic_home / "backups" / "notes.txt").write_text("mine")  # not a backup: never pruned
    cli.ok("backup", "--keep", "1")
    assert sorted(p.suffix for p in (hermetic_home / "backups").iterdir()) == sorted([suffix, ".txt"])


@pytest.mark.fresh_sqlite  # `backup` of a SQLite file that does not exist yet
def test_backup_errors(cli, backend, db_target, tmp_path):
    if backend == "sqlite":  # a PostgreSQL database always exists
        cli.fails("backup", code=1, match=f"no database at {db_target}")
    cli.ok("contact", "add", "Ada")
    target = tmp_path / "one.db"
    cli.ok("backup", str(target))
    cli.fails("backup", str(target), code=1, match="exists")
    folder = tmp_path / "folder"
    folder.mkdir()
    made = Path(cli.ok("backup", str(folder)).stdout.strip())
    assert made.parent == folder and made.name.startswith(_naming(backend, db_target)[0])


@pytest.mark.sqlite_only("checks of the SQLite file format of a backup: not SQLite, damaged pages, restore onto itself")
def test_restore_checks_the_file_first(cli, db_path, tmp_path):
    cli.ok("contact", "add", "Ada")
    good = tmp_path / "good.db"
    cli.ok("backup", str(good))
    cli.ok("contact", "add", "Bob")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    cli.fails("restore", str(text), code=2, match="is not a SQLite database")
    cli.fails("restore", str(tmp_path / "missing.db"), code=2, match="no backup file")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    cli.fails("restore", str(other), code=2, match="not a minicrm database")
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    cli.fails("restore", str(newer), code=2, match="schema revision 9999, newer than this minicrm knows")
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 12 * page), 97):
        data[offset] = 0xFF
    damaged.write_bytes(bytes(data))
    cli.fails("restore", str(damaged), code=2, match="damaged")
    cli.fails("restore", str(db_path), code=2, match="onto itself")
    assert {c["name"] for c in cli.ok("contact", "list", "-f", "json").json()} == {"Ada", "Bob"}
    res = cli.ok("restore", str(good))
    assert [c["name"] for c in cli.ok("contact", "list", "-f", "json").json()] == ["Ada"]
    kept = [p for p in tmp_path.iterdir() if ".replaced-" in p.name]
    assert len(kept) == 1 and "kept as" in res.stderr
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]  # the staging copy is gone


def test_restore_into_missing_database(cli, backend, new_target, tmp_path):
    """Into a file that does not exist yet (SQLite), or a database with no schema yet (PostgreSQL)."""
    cli.ok("contact", "add", "Ada")
    good = tmp_path / "good.db"
    cli.ok("backup", str(good))
    fresh = tmp_path / "fresh" / "new.db" if backend == "sqlite" else new_target(empty=True)
    res = run_minicrm("--db", str(fresh), "restore", str(good), env={"MINICRM_HOME": str(tmp_path / "h")})
    assert res.returncode == 0, res.stderr
    assert "kept as" not in res.stderr
    res = run_minicrm("--db", str(fresh), "contact", "list", "-f", "json", env={"MINICRM_HOME": str(tmp_path / "h")})
    assert '"Ada"' in res.stdout
    if backend == "sqlite":
        assert os.stat(fresh).st_mode & 0o077 == 0
