"""Shared fixtures: every test gets its own MINICRM_HOME and database, and a CLI runner."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minicrm.cli import app

TODAY = "2026-11-22"


@pytest.fixture(autouse=True)
def hermetic_home(tmp_path, monkeypatch):
    """Keep the developer's own data, config and env out of the tests."""
    home = tmp_path / "home"
    monkeypatch.setenv("MINICRM_HOME", str(home))
    for var in ("MINICRM_DB", "MINICRM_TODAY", "MINICRM_USER", "MINICRM_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    return home


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


class Cli:
    """Runs `minicrm --db DB --today TODAY ...` in-process through Typer's runner."""

    def __init__(self, db: Path, today: str = TODAY):
        self.db = db
        self.today = today
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, today: str | None = None) -> Result:
        argv = ["--db", str(self.db), "--today", today or self.today, *args]
        res = self.runner.invoke(app, argv, input=input)
        if res.exception and not isinstance(res.exception, SystemExit):
            raise res.exception
        return Result(res.exit_code, res.stdout, res.stderr)

    def ok(self, *args: str, **kw) -> Result:
        res = self(*args, **kw)
        assert res.exit_code == 0, f"{args}: exit {res.exit_code}\n{res.stderr}"
        return res

    def fails(self, *args: str, code: int, match: str, **kw) -> Result:
        """Assert a clean failure: exit code, one `error:` line naming the problem, DB unchanged."""
        before = db_digest(self.db)
        res = self(*args, **kw)
        assert res.exit_code == code, f"{args}: exit {res.exit_code}, expected {code}\n{res.stderr}"
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        assert match in lines[0], lines[0]
        assert "Traceback" not in res.stderr
        assert db_digest(self.db) == before, "a failed command changed the database"
        return res


def db_digest(path: Path) -> str:
    """A digest of every row of every table (files can change without data changing, e.g. WAL)."""
    if not path.exists():
        return "absent"
    conn = sqlite3.connect(path)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            h.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "crm.db"


@pytest.fixture
def session(db_path):
    """A service-layer Session on a new, migrated database (for tests below the CLI)."""
    from minicrm.store import migrate
    from minicrm.store.db import Database

    db = Database(db_path)
    migrate.upgrade(db)
    s = db.connect()
    yield s
    s.close()


@pytest.fixture
def cli(db_path) -> Cli:
    return Cli(db_path)


def run_minicrm(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 60):
    """Run the real `python -m minicrm` in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "minicrm", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
    )
