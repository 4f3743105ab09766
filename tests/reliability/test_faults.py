"""Disk full, read-only storage, kill -9 in the middle of writes: clear errors and no lost or corrupt data."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import is_postgres, rows, run_minicrm, scalar

# slow (`pytest -m slow`, run by CI): tmpfs mounts, read-only remounts and kill -9 of real processes
pytestmark = pytest.mark.slow


def integrity(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.sqlite_only("a SQLite file on a full file system (tmpfs); the server's disk is not ours to fill")
def test_disk_full_gives_a_clear_error_and_keeps_the_data(small_fs, backend):
    root, _ = small_fs
    db = root / "crm.db"
    assert run_minicrm("--db", str(db), "contact", "add", "Ada Lovelace").returncode == 0
    big = "x" * 20_000
    failures = 0
    for i in range(200):
        res = run_minicrm("--db", str(db), "log", "ada", "note", f"note {i}", "--body", big)
        if res.returncode != 0:
            failures += 1
            assert res.stderr.startswith("error: "), res.stderr
            assert "Traceback" not in res.stderr
            assert len(res.stderr.strip().splitlines()) == 1
            if failures >= 3:
                break
    assert failures, "the small file system never filled up"
    assert "disk is full" in res.stderr or "database" in res.stderr
    assert integrity(db) == "ok"
    res = run_minicrm("--db", str(db), "timeline", "ada", "-f", "json", "--limit", "1000")
    assert res.returncode == 0, res.stderr


@pytest.mark.sqlite_only("a SQLite file on a file system remounted read-only")
def test_read_only_storage_gives_a_clear_error(small_fs, backend):
    root, readonly = small_fs
    db = root / "crm.db"
    assert run_minicrm("--db", str(db), "contact", "add", "Ada Lovelace").returncode == 0
    readonly()
    res = run_minicrm("--db", str(db), "log", "ada", "call", "hello")
    assert res.returncode == 1
    assert res.stderr.startswith("error: ") and "read-only" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    res = run_minicrm("--db", str(root / "new.db"), "contact", "list")
    assert res.returncode == 1 and res.stderr.startswith("error: "), res.stderr


@pytest.mark.sqlite_only("the folders and file mode of a new SQLite database file")
def test_missing_folder_is_created_private(tmp_path, backend):
    """minicrm's own data folder is created private; an explicit path in a missing folder is refused (#16)."""
    home = tmp_path / "a" / "b"
    res = run_minicrm("contact", "add", "Ada", env={"MINICRM_HOME": str(home)})
    assert res.returncode == 0, res.stderr
    db = home / "minicrm.db"
    assert db.stat().st_mode & 0o777 == 0o600
    assert home.stat().st_mode & 0o777 == 0o700
    typo = tmp_path / "c" / "d" / "crm.db"
    res = run_minicrm("--db", str(typo), "contact", "add", "Ada")
    assert res.returncode == 1 and "no folder" in res.stderr and not typo.parent.exists()


def _kill_log_loop(db, kills: int, seed: int) -> tuple[set[int], int]:
    """Start `minicrm log` processes and SIGKILL them at random moments; return ids reported as saved."""
    rng = random.Random(seed)
    saved: set[int] = set()
    killed = 0
    while killed < kills:
        proc = subprocess.Popen(
            [sys.executable, "-m", "minicrm", "--db", str(db), "log", "1", "call", f"attempt {killed}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        out, _ = proc.communicate()
        if proc.returncode == 0 and out.strip().isdigit():
            saved.add(int(out.strip()))
    return saved, killed


def _check_after_kills(db, saved: set[int]) -> None:
    if not is_postgres(db):
        assert integrity(db) == "ok"
    present = {r[0] for r in rows(db, "SELECT id FROM interaction")}
    assert saved <= present, f"lost {sorted(saved - present)}"
    last = scalar(db, "SELECT last_interaction_at FROM contact WHERE id = 1")
    newest = scalar(db, "SELECT max(happened_at) FROM interaction WHERE contact_id = 1")
    assert str(last) == str(newest)  # the interaction and the contact's summary are written together or not at all
    fts = scalar(db, "SELECT count(*) FROM interaction_fts")
    assert fts == len(present)


def test_kill_minus_nine_during_log_loses_nothing_reported(db_target):
    """A writer killed mid-transaction: the SQLite journal, or the PostgreSQL server, rolls it back whole."""
    db = db_target
    assert run_minicrm("--db", str(db), "contact", "add", "Ada").returncode == 0
    saved, killed = _kill_log_loop(db, kills=5, seed=1)
    assert killed == 5
    _check_after_kills(db, saved)
    assert run_minicrm("--db", str(db), "log", "1", "call", "after the kills").returncode == 0


@pytest.mark.slow
def test_kill_minus_nine_twenty_times(db_target):
    db = db_target
    assert run_minicrm("--db", str(db), "contact", "add", "Ada").returncode == 0
    saved, killed = _kill_log_loop(db, kills=25, seed=2)
    print(f"kills tried: {killed}, successful logs: {len(saved)}")
    _check_after_kills(db, saved)
