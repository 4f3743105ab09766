"""Fixtures for the full-screen app: a demo database, an empty one, and a helper that waits for workers."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from minicrm.store.db import Database
from minicrm.store.migrate import ensure_schema

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """A blinking cursor makes screenshots depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def make_db(path: Path, *, demo: bool) -> Path:
    db = Database(path)
    with db.connect() as session:
        ensure_schema(db, session)
        if demo:
            from minicrm.store.demo import fill

            fill(session, today=TODAY)
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("demo") / "demo.db", demo=True)


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """A private copy of the demo database (SQLite backup API, so WAL content is included)."""
    target = tmp_path / "demo.db"
    src, dst = sqlite3.connect(demo_template), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture
def empty_db(tmp_path) -> Path:
    return tmp_path / "empty.db"


def make_app(db: Path, **kw):
    from minicrm.tui.app import MiniCrmApp

    return MiniCrmApp(db, today=TODAY, **kw)


async def settle(pilot, rounds: int = 3) -> None:
    """Wait until every worker has finished and its result is on screen (debounced filters included)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def contact_id(db: Path, name: str) -> int:
    return query(db, "SELECT id FROM contact WHERE name = ?", (name,))[0][0]


def now() -> datetime:
    return datetime.combine(TODAY, datetime.min.time()).replace(hour=9)
