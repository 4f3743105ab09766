"""Shared fixtures: every test gets its own MINICRM_HOME and database, and a CLI runner.

Every test that touches a database runs twice, through the one `backend` fixture: `test_x[sqlite]` on a
SQLite file and `test_x[postgres]` on a PostgreSQL database, each a fresh copy of a template migrated once per
worker. A SQLite test that needs the file not to exist yet (what the first command does with a new file, a
missing database) is marked `@pytest.mark.fresh_sqlite`; `sqlite_only` tests always start without the file.

`MINICRM_PG_URL` names a server database the tests may use to create others
(e.g. `postgresql+psycopg://postgres@127.0.0.1:54329/minicrm_test`). Without it the PostgreSQL
variants are skipped with the reason; with `MINICRM_REQUIRE_PG=1` (set by `.ci/run`) a missing or
unreachable server fails them instead, so CI never skips PostgreSQL silently.

A test that can only mean something on SQLite says so with `@pytest.mark.sqlite_only("reason")`; its
PostgreSQL variant is then reported as skipped with that reason.

Layout, mirroring src/minicrm: `cli/` the commands through the Typer runner (real `python -m minicrm` processes
only where the process is the point: exit codes, imports, signals), `store/<domain>/` the service layer, `tui/`,
`ical/` (no __init__.py: a package named `ical` would hide the `ical` library its tests parse feeds with, so its
module names must stay unique), `reliability/` (kills, full disks, soak, fuzz; the long ones marked `slow`:
`pytest -m slow`, run by CI); package-wide checks (`dates`, layers, --help) at the top.

Fixtures: `backend`, `db_target` (a SQLite path or a PostgreSQL URL, as a string), `new_target`
(another database of the same backend), `cli`, `session`; SQLite-only tests may use `db_path`.
Helpers for tests that look at the data directly: `rows`, `row`, `scalar`, `execute`, `insert`,
`target_digest`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from minicrm import i18n
from minicrm.cli import app

TODAY = "2026-11-22"
ROOT = Path(__file__).resolve().parents[1]  # the repository: src/, tests/
FIXTURES = ROOT / "tests" / "fixtures"  # old-revision databases and files to import (see its README)
BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc):
    """Parametrise `backend` for every test that (indirectly) uses a database."""
    if "backend" not in metafunc.fixturenames:
        return
    params: list[Any] = list(BACKENDS)
    marker = metafunc.definition.get_closest_marker("sqlite_only")
    if marker is not None:
        reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
        assert reason, f"{metafunc.definition.nodeid}: sqlite_only needs a reason"
        params = ["sqlite"]  # no [postgres] variant at all: CI must show no skipped PostgreSQL test
    metafunc.parametrize("backend", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request) -> str:
    """'sqlite' or 'postgres' (parametrised by pytest_generate_tests above)."""
    if request.param == "postgres":
        request.getfixturevalue("pg_url")  # skip, or fail when required, before anything else runs
    return request.param


@pytest.fixture(autouse=True)
def hermetic_home(tmp_path, monkeypatch):
    """Keep the developer's own data, config and env out of the tests."""
    home = tmp_path / "home"
    monkeypatch.setenv("MINICRM_HOME", str(home))
    # COLUMNS: tables take the width it names, even in a pipe (#19); a test that wants a width sets it
    for var in ("MINICRM_DB", "MINICRM_TODAY", "MINICRM_USER", "MINICRM_DEBUG", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    # messages in English whatever the developer's locale (#23); a test of another language sets LANG itself
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.use("en")
    return home


# -- PostgreSQL: one server, a migrated template per worker, a fresh copy per test -----------------------
def plain(url: str) -> str:
    """The libpq form of a SQLAlchemy-style URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_db(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server."""
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
    from minicrm.store.core.db import mask_url

    try:
        with psycopg.connect(plain(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"cannot connect to {mask_url(url)}: {mask_url(str(exc).strip().splitlines()[0])}")
    return url


def pg_admin(pg_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def create_pg_database(pg_url: str, template: str | None = None, prefix: str = "minicrm_t") -> str:
    """A new database with a name no other test or xdist worker can use; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    pg_admin(pg_url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def drop_pg_database(pg_url: str, name: str) -> None:
    """Drop the database, and the group roles its migration made (#21: roles are cluster-wide) once no other
    database uses them (the copies of a template use the template's: they go with the template)."""
    import psycopg

    from minicrm.store.people.rights import ROLES, role_prefix

    logins: list[str] = []
    try:  # the login roles its users were given (`user add` on PostgreSQL creates them)
        with psycopg.connect(plain(with_db(pg_url, name)), autocommit=True) as conn:
            logins = [r[0] for r in conn.execute("SELECT pg_role FROM app_user WHERE pg_role IS NOT NULL")]
    except psycopg.Error:
        pass  # no such database, or no schema (yet)
    pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        for role in [*logins, *(f"{role_prefix(name)}_{group}" for group in ROLES)]:
            try:
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')
            except psycopg.Error:
                pass  # still granted rights in another database (dropped with it), or the server's own role


@pytest.fixture(scope="session")
def pg_template(pg_url) -> str:
    """A database migrated once to the current schema; each test copies it (CREATE DATABASE ... TEMPLATE)."""
    from minicrm.store.core.db import Database
    from minicrm.store.core.migrate import ensure_schema

    name = create_pg_database(pg_url, prefix="minicrm_tpl")
    db = Database(with_db(pg_url, name))
    session = db.connect()
    try:
        ensure_schema(db, session)
    finally:
        session.close()
    yield name
    drop_pg_database(pg_url, name)


def copy_pg_template(pg_url: str, template: str) -> str:
    """URL of a new copy of `template`, with its own database_id like any new database."""
    url = with_db(pg_url, create_pg_database(pg_url, template))
    import psycopg

    with psycopg.connect(plain(url), autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = %s WHERE key = 'database_id'", (uuid.uuid4().hex[:16],))
    return url


@pytest.fixture
def pg_databases(pg_url, pg_template):
    """Makes fresh, migrated PostgreSQL databases for this test (all dropped afterwards)."""
    made: list[str] = []

    def make(*, empty: bool = False) -> str:
        url = with_db(pg_url, create_pg_database(pg_url)) if empty else copy_pg_template(pg_url, pg_template)
        made.append(url.partition("?")[0].rsplit("/", 1)[1])
        return url

    yield make
    for name in made:
        drop_pg_database(pg_url, name)


@pytest.fixture
def pg_database(pg_databases) -> str:
    """URL of a fresh, migrated PostgreSQL database for this test only (dropped afterwards)."""
    return pg_databases()


@pytest.fixture
def pg_empty_database(pg_databases) -> str:
    """URL of a fresh, EMPTY PostgreSQL database (no schema) for this test only."""
    return pg_databases(empty=True)


# -- SQLite: a migrated template per worker, a fresh copy per test --------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated once per worker; tests get copies of it, as PostgreSQL tests get copies of
    `pg_template` (running the Alembic migrations for every test was the largest cost of the suite)."""
    from minicrm.store.core.db import Database
    from minicrm.store.core.migrate import ensure_schema

    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(path)
    session = db.connect()
    try:
        ensure_schema(db, session)
    finally:
        session.close()
    conn = sqlite3.connect(path)  # the last connection closes the WAL into the file: one file to copy
    try:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists() or Path(f"{path}{suffix}").stat().st_size == 0
    return path


def copy_sqlite_template(template: Path, target: Path) -> str:
    """A copy of `template` at `target` (same mode, 0600), with its own database_id like any new database."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, target)
    conn = sqlite3.connect(target)
    try:
        with conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'database_id'", (uuid.uuid4().hex[:16],))
    finally:
        conn.close()
    return str(target)


def starts_without_database(request) -> bool:
    """A `sqlite_only` or `fresh_sqlite` test: its SQLite database file does not exist until a command makes it."""
    node = request.node
    return node.get_closest_marker("sqlite_only") is not None or node.get_closest_marker("fresh_sqlite") is not None


# -- the database of a test, on its backend -----------------------------------------------------------
@pytest.fixture
def new_target(backend, tmp_path, request):
    """Makes another database on this test's backend: `new_target("other")` → the path of a new migrated SQLite
    file or the URL of a new migrated PostgreSQL database (both copied from a template); `empty=True`: a SQLite
    path not yet created, or a PostgreSQL database without a schema. Without a name, a new one each call
    (e.g. one database per Hypothesis example). In `sqlite_only` and `fresh_sqlite` tests the SQLite path is
    never created in advance: they check what minicrm does with a new file."""

    def make(name: str | None = None, *, empty: bool = False) -> str:
        if backend == "sqlite":
            path = tmp_path / f"{name or 'db-' + uuid.uuid4().hex[:8]}.db"
            if empty or starts_without_database(request):
                return str(path)
            return copy_sqlite_template(request.getfixturevalue("sqlite_template"), path)
        return request.getfixturevalue("pg_databases")(empty=empty)

    return make


@pytest.fixture(scope="session")
def lasting_target(backend, tmp_path_factory, request):
    """Like `new_target`, for module- or session-scoped fixtures: the databases live until the session ends."""
    made: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            target = tmp_path_factory.mktemp("db") / "crm.db"
            return copy_sqlite_template(request.getfixturevalue("sqlite_template"), target)
        pg_url = request.getfixturevalue("pg_url")
        url = copy_pg_template(pg_url, request.getfixturevalue("pg_template"))
        made.append(url.partition("?")[0].rsplit("/", 1)[1])
        return url

    yield make
    for name in made:
        drop_pg_database(request.getfixturevalue("pg_url"), name)


@pytest.fixture
def db_target(new_target) -> str:
    """This test's database, migrated: a SQLite file path or a PostgreSQL URL (`fresh_sqlite`, `sqlite_only`: a
    SQLite path that the first command creates)."""
    return new_target("crm")


@pytest.fixture
def db_path(backend, db_target) -> Path:
    """The SQLite file of a `sqlite_only` test."""
    if backend != "sqlite":
        pytest.fail("db_path is a SQLite file: use db_target, or mark the test sqlite_only", pytrace=False)
    return Path(db_target)


def is_postgres(target: str | Path) -> bool:
    return "://" in str(target)


@pytest.fixture
def session(db_target):
    """A service-layer Session on a new, migrated database (for tests below the CLI)."""
    from minicrm.store.core import migrate
    from minicrm.store.core.db import Database

    db = Database(db_target)
    s = db.connect()
    migrate.ensure_schema(db, s)
    yield s
    s.close()


# -- looking at the data directly, through minicrm's own Session (`?` placeholders on both) ---------------
def values(row: Any) -> tuple:
    """A row as a plain tuple, whatever the row type of the backend."""
    return tuple(row)  # by position: two columns may share a name


def _session(target: str | Path):
    from minicrm.store.core.db import Database

    return Database(target).connect(create=False)


def rows(target: str | Path, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Every row of a query, as tuples (typed values: dates, datetimes and booleans on both backends)."""
    with _session(target) as s:
        return [values(r) for r in s.all(sql, params)]


def row(target: str | Path, sql: str, params: Sequence[Any] = ()) -> tuple | None:
    found = rows(target, sql, params)
    return found[0] if found else None


def records(target: str | Path, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """Every row of a query, as {column: value} dicts."""
    with _session(target) as s:
        return [{k: r[k] for k in r.keys()} for r in s.all(sql, params)]  # noqa: SIM118


def scalar(target: str | Path, sql: str, params: Sequence[Any] = ()) -> Any:
    found = row(target, sql, params)
    return None if found is None else found[0]


def execute(target: str | Path, sql: str, params: Sequence[Any] = ()) -> None:
    """One statement in its own write transaction."""
    with _session(target) as s, s.write():
        s.execute(sql, params)


def insert(target: str | Path, sql: str, params: Sequence[Any] = ()) -> int:
    """One INSERT in its own write transaction; returns the new row's id."""
    with _session(target) as s, s.write():
        return s.insert(sql, params)


def db_digest(path: Path) -> str:
    """A digest of every row of every table of a SQLite file (files can change without data changing, e.g. WAL)."""
    assert not is_postgres(path), f"db_digest reads SQLite files: use target_digest for {path}"
    path = Path(path)
    if not path.exists():
        return "absent"
    conn = sqlite3.connect(path)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            h.update(table.encode())
            for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                h.update(repr(r).encode())
        return h.hexdigest()
    finally:
        conn.close()


def target_digest(target: str | Path) -> str:
    """A digest of every row of every table, for a SQLite path or a PostgreSQL URL."""
    if not is_postgres(target):
        return db_digest(Path(target))
    import psycopg

    h = hashlib.sha256()
    with psycopg.connect(plain(str(target))) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        for table in tables:
            h.update(table.encode())
            for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                h.update(repr(r).encode())
    return h.hexdigest()


# -- the CLI ------------------------------------------------------------------------------------------------
@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


class Cli:
    """Runs `minicrm --db TARGET --today TODAY ...` in-process through Typer's runner."""

    def __init__(
        self, db: str | Path, today: str | None = None, *, options: Sequence[str] = (), owner_db: str | None = None
    ):
        """`options`: global options before every command (`--as NAME`); `owner_db`: where `fails` takes its
        digest, when `db` connects as a login that row-level security limits (#21)."""
        self.db = db
        self.today = today or TODAY
        self.runner = CliRunner()
        self.options = tuple(options)
        self.owner_db = owner_db

    @property
    def target(self) -> str:
        return str(self.db)

    def __call__(self, *args: str, input: str | None = None, today: str | None = None) -> Result:
        argv = ["--db", str(self.db), "--today", today or self.today, *self.options, *args]
        res = self.runner.invoke(app, argv, input=input)
        if res.exception and not isinstance(res.exception, SystemExit):
            raise res.exception
        return Result(res.exit_code, res.stdout, res.stderr)

    def ok(self, *args: str, **kw) -> Result:
        res = self(*args, **kw)
        assert res.exit_code == 0, f"{args}: exit {res.exit_code}\n{res.stderr}"
        return res

    def fails(self, *args: str, code: int, match: str, **kw) -> Result:
        """Assert a clean failure: exit code, one `error:` line naming the problem, data unchanged (both backends)."""
        before = target_digest(self.owner_db or self.db)
        res = self(*args, **kw)
        assert res.exit_code == code, f"{args}: exit {res.exit_code}, expected {code}\n{res.stderr}"
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        assert match in lines[0], lines[0]
        assert "Traceback" not in res.stderr
        assert target_digest(self.owner_db or self.db) == before, "a failed command changed the database"
        return res


@pytest.fixture
def cli(db_target) -> Cli:
    return Cli(db_target)


def as_login(url: str, login: str) -> str:
    """`url` connecting as the login role `login` (the test server trusts 127.0.0.1: no password)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{login}@{rest.split('@', 1)[-1]}"


@pytest.fixture
def acting(cli, backend):
    """`acting("Alice", "manager")`: a Cli acting as that user, made on first use with that role (#21).

    On SQLite: `--as Alice`, an attribution label (the user is added with the role). On PostgreSQL, where `--as`
    is refused: the user's own login role (`user add --pg-role`, or `user login` for a user that exists already),
    with a name unique on the server (login roles are cluster-wide and tests run in parallel); dropped afterwards.
    """
    made: list[str] = []

    def make(name: str, role: str = "manager") -> Cli:
        from minicrm.store.people.rights import default_login

        users = {u["name"].lower(): u for u in cli.ok("user", "list", "-f", "json").json()}
        known = users.get(name.lower())
        if backend == "sqlite":
            if known is None:
                cli.ok("user", "add", name, "--role", role)
            return Cli(cli.db, cli.today, options=("--as", name))
        if known is not None and known["pg_role"]:
            return Cli(as_login(cli.target, known["pg_role"]), cli.today, owner_db=cli.target)
        login = f"t{uuid.uuid4().hex[:8]}_{default_login(name)}"[:63]
        made.append(login)
        if known is None:
            cli.ok("user", "add", name, "--role", role, "--pg-role", login)
        else:
            cli.ok("user", "login", name, "--pg-role", login)
        return Cli(as_login(cli.target, login), cli.today, owner_db=cli.target)

    yield make
    if made:
        import psycopg

        with psycopg.connect(plain(os.environ["MINICRM_PG_URL"]), autocommit=True) as admin:
            for login in made:
                admin.execute(f'DROP ROLE IF EXISTS "{login}"')


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


PROBE = """
import json, sys
sys.argv = ["minicrm", *json.loads(sys.argv[1])]
from minicrm.cli import app
try:
    app()
except SystemExit:
    pass
heavy = ["textual", "icalendar", "vobject", "sqlalchemy", "sqlmodel", "alembic"]
print("\\nMODULES=" + json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


def loaded(*args: str) -> list[str]:
    """The heavy modules a real `minicrm ARGS...` process imports (the import-hygiene tests)."""
    res = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=60)
    line = [x for x in res.stderr.splitlines() if x.startswith("MODULES=")]
    assert line, res.stderr
    return json.loads(line[-1].removeprefix("MODULES="))


# -- older names, kept for tests/backends.py ---------------------------------------------------------------
BackendCli = Cli
any_digest = target_digest


@pytest.fixture
def any_db(db_target) -> str:
    """The same as `db_target`."""
    return db_target


@pytest.fixture
def bcli(cli) -> Cli:
    """The same as `cli` (which runs on both backends)."""
    return cli
