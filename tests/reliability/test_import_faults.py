"""Imports are all-or-nothing: kill -9 in the middle, or feed them garbage, and nothing half-written remains."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, is_postgres, run_minicrm, scalar, target_digest

# slow (`pytest -m slow`, run by CI): kill -9 during 20,000-row imports; 60 Hypothesis payloads, two imports each
pytestmark = pytest.mark.slow


def _csv(path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Name", "E-mail", "Phone", "Company"])
        for i in range(rows):
            out.writerow([f"Person {i}", f"p{i}@example.org", f"+33 1 {10000000 + i}", f"Company {i % 300}"])


def _count(db) -> int:
    if not is_postgres(db):
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    return scalar(db, "SELECT count(*) FROM contact")


def test_kill_minus_nine_during_import_is_all_or_nothing(tmp_path, db_target):
    db, data = db_target, tmp_path / "big.csv"
    _csv(data, 20_000)
    assert run_minicrm("--db", str(db), "contact", "add", "Ada").returncode == 0
    rng = random.Random(3)
    outcomes = []
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "minicrm", "--db", str(db), "import", "csv", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(rng.uniform(0.4, 2.5))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        count = _count(db)
        assert count in (1, 20_001), f"half an import is in the database: {count} contacts"
        outcomes.append(count)
        if count == 20_001:
            break
    assert run_minicrm("--db", str(db), "import", "csv", str(data)).returncode == 0
    assert _count(db) == 20_001  # a later import completes, and a re-import adds nothing twice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_import_cleanly_or_not_at_all(tmp_path_factory, new_target, payload):
    base = tmp_path_factory.mktemp("fuzz")
    cli = Cli(new_target())
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    for kind, name in (("csv", "in.csv"), ("vcard", "in.vcf")):
        source = base / name
        source.write_bytes(payload)
        before = target_digest(cli.db)
        res = cli("import", kind, str(source))
        assert "Traceback" not in res.stderr
        if res.exit_code != 0:
            assert res.stderr.startswith("error: "), res.stderr
            assert target_digest(cli.db) == before


@pytest.mark.slow
@pytest.mark.sqlite_only("restarts from a copy of the SQLite file (and its -wal/-shm) after each completed run")
def test_kill_minus_nine_during_100k_import_twenty_times(tmp_path, backend):
    """`pytest -m slow tests/reliability`: 20+ kills at random moments of a 100,000-row import."""
    db, data = tmp_path / "crm.db", tmp_path / "big.csv"
    _csv(data, 100_000)
    assert run_minicrm("--db", str(db), "contact", "add", "Ada").returncode == 0
    base = tmp_path / "base.db"
    shutil.copy(db, base)  # the last process closed it: everything is in the main file
    start = time.monotonic()
    assert run_minicrm("--db", str(tmp_path / "timing.db"), "import", "csv", str(data)).returncode == 0
    full = time.monotonic() - start  # how long a whole import takes here: kills are spread over it
    rng = random.Random(100)
    kills, completed = 0, 0
    while kills < 20:
        proc = subprocess.Popen([sys.executable, "-m", "minicrm", "--db", str(db), "import", "csv", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(rng.uniform(0.2, full * 0.95))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        count = _count(db)
        assert count in (1, 100_001), f"half an import is in the database: {count} contacts"
        if count == 100_001:  # it finished before the kill: start again from the one-contact database
            completed += 1
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            shutil.copy(base, db)
    print(f"100k import: {kills} kills, {completed} completed runs, whole import {full:.1f} s; nothing half-written")
    assert run_minicrm("--db", str(db), "import", "csv", str(data)).returncode == 0
    assert _count(db) == 100_001
