"""Fixtures for the full-screen app: a demo database, an empty one, and a helper that waits for workers."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import create_pg_database, drop_pg_database, rows, with_db
from minicrm.store.core.db import Database
from minicrm.store.core.migrate import ensure_schema

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """A blinking cursor makes screenshots depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def make_db(target: str | Path, *, demo: bool) -> str | Path:
    """Create and migrate `target` (a SQLite path or a PostgreSQL URL), with the demo data if asked."""
    db = Database(target)
    with db.connect() as session:
        ensure_schema(db, session)
        if demo:
            from minicrm.store.exchange.demo import fill

            fill(session, today=TODAY)
    return target


@pytest.fixture(scope="session")
def demo_template(backend, tmp_path_factory, request):
    """The demo database, made once per worker: a SQLite file, or a PostgreSQL database used as a template."""
    if backend == "sqlite":
        yield make_db(tmp_path_factory.mktemp("demo") / "demo.db", demo=True)
        return
    pg_url = request.getfixturevalue("pg_url")
    name = create_pg_database(pg_url, prefix="minicrm_demo")
    try:
        make_db(with_db(pg_url, name), demo=True)
        yield name
    finally:
        drop_pg_database(pg_url, name)


@pytest.fixture
def demo_db(backend, demo_template, tmp_path, request) -> str | Path:
    """A private copy of the demo database: SQLite backup API (so WAL content is included), or
    CREATE DATABASE ... TEMPLATE on PostgreSQL."""
    if backend == "sqlite":
        target = tmp_path / "demo.db"
        src, dst = sqlite3.connect(demo_template), sqlite3.connect(target)
        src.backup(dst)
        src.close()
        dst.close()
        return target
    pg_url = request.getfixturevalue("pg_url")
    name = create_pg_database(pg_url, demo_template)
    request.addfinalizer(lambda: drop_pg_database(pg_url, name))
    return with_db(pg_url, name)


@pytest.fixture
def empty_db(new_target) -> str:
    """A database that does not exist yet (SQLite) or has no schema yet (PostgreSQL)."""
    return new_target("empty", empty=True)


def make_app(db: str | Path, **kw):
    """The app on `db` with a fixed clock (TODAY at 09:00, so forms and screenshots show the same times)."""
    from minicrm.tui.app import MiniCrmApp

    kw.setdefault("now", now())
    return MiniCrmApp(db, today=TODAY, **kw)


async def settle(pilot, rounds: int = 3) -> None:
    """Wait until every worker has finished and its result is on screen (debounced filters included)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app) -> str:
    """The current screen as the terminal shows it (modals and toasts included), one string per line."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        lines.append("".join(segment.text for segment in strip if not segment.control))
    return "\n".join(lines)


def region_text(app, widget) -> list[str]:
    """The lines of the screen inside `widget`'s region (its border and scrollbar included)."""
    region = widget.region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return [line[region.x : region.right] for line in lines]


def query(db: str | Path, sql: str, params: tuple = ()) -> list[tuple]:
    return rows(db, sql, params)


def contact_id(db: str | Path, name: str) -> int:
    return query(db, "SELECT id FROM contact WHERE name = ?", (name,))[0][0]


def now() -> datetime:
    return datetime.combine(TODAY, datetime.min.time()).replace(hour=9)
