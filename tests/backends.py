"""Fixtures that run a test on SQLite and on a real PostgreSQL server.

`MINICRM_PG_URL` names a server database the tests may use to create others
(e.g. `postgresql+psycopg://postgres@127.0.0.1:54329/minicrm_test`). Without it the PostgreSQL
variants are skipped with the reason; with `MINICRM_REQUIRE_PG=1` (set by `.ci/run`) a missing or
unreachable server fails them instead, so CI never skips PostgreSQL silently.

Import the fixtures into a test module with `from backends import *`.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest

from conftest import Cli, db_digest

__all__ = [
    "BackendCli",
    "any_db",
    "any_digest",
    "bcli",
    "pg_database",
    "pg_empty_database",
    "pg_template",
    "pg_url",
    "plain",
    "target_digest",
]


def plain(url: str) -> str:
    """The libpq form of a SQLAlchemy-style URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _with_db(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] if base.count("/") >= 3 else base
    return f"{base}/{name}" + (f"?{query}" if query else "")


def _unavailable(reason: str):
    if os.environ.get("MINICRM_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required (MINICRM_REQUIRE_PG=1) but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The server from MINICRM_PG_URL, checked once; skips (or fails when required) if unusable."""
    url = os.environ.get("MINICRM_PG_URL")
    if not url:
        _unavailable("MINICRM_PG_URL is not set")
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed")
    from minicrm.store.db import mask_url

    try:
        with psycopg.connect(plain(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"cannot connect to {mask_url(url)}: {mask_url(str(exc).strip().splitlines()[0])}")
    return url


@pytest.fixture(scope="session")
def pg_template(pg_url) -> str:
    """A database migrated once to the current schema; each test copies it (CREATE DATABASE ... TEMPLATE)."""
    import psycopg

    from minicrm.store.db import Database
    from minicrm.store.migrate import ensure_schema

    name = f"minicrm_tpl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = Database(_with_db(pg_url, name))
    session = db.connect()
    try:
        ensure_schema(db, session)
    finally:
        session.close()
    yield name
    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _create_database(pg_url: str, template: str | None = None) -> str:
    import psycopg

    name = f"minicrm_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _drop_database(pg_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_database(pg_url, pg_template):
    """URL of a fresh, migrated PostgreSQL database for this test only (dropped afterwards)."""
    name = _create_database(pg_url, pg_template)
    yield _with_db(pg_url, name)
    _drop_database(pg_url, name)


@pytest.fixture
def pg_empty_database(pg_url):
    """URL of a fresh, EMPTY PostgreSQL database (no schema) for this test only."""
    name = _create_database(pg_url)
    yield _with_db(pg_url, name)
    _drop_database(pg_url, name)


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request, tmp_path) -> str:
    """A database target on each backend: a SQLite file path, then a fresh PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "crm.db")
    return request.getfixturevalue("pg_database")


def target_digest(target: str) -> str:
    """A digest of every row of every table, for a SQLite path or a PostgreSQL URL."""
    if "://" not in target:
        return db_digest(Path(target))
    import psycopg

    h = hashlib.sha256()
    with psycopg.connect(plain(target)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        for table in tables:
            h.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                h.update(repr(row).encode())
    return h.hexdigest()


any_digest = target_digest


class BackendCli(Cli):
    """`Cli` over a SQLite path or a PostgreSQL URL; `fails()` checks the data is unchanged on both."""

    def __init__(self, target: str, today: str | None = None):
        super().__init__(target, **({"today": today} if today else {}))  # type: ignore[arg-type]
        self.target = target

    def fails(self, *args: str, code: int, match: str, **kw):
        before = target_digest(self.target)
        res = self(*args, **kw)
        assert res.exit_code == code, f"{args}: exit {res.exit_code}, expected {code}\n{res.stderr}"
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        assert match in lines[0], lines[0]
        assert target_digest(self.target) == before, "a failed command changed the database"
        return res


@pytest.fixture
def bcli(any_db) -> BackendCli:
    return BackendCli(any_db)
