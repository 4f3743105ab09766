"""Load a generated dataset (bench/gen.py) into a PostgreSQL database, fast, for `run.py --pg`.

    python bench/gen.py --scale L && python bench/load_pg.py --scale L \
        --url postgresql://postgres@127.0.0.1:54329/minicrm_bench_l

The database is dropped and created again (its name must start with `minicrm_bench_`, so nothing else is ever
dropped), gets minicrm's own schema (its Alembic migrations), then every table of the SQLite file is copied with
COPY (foreign-key triggers off while copying when the role may do that), the id sequences are set past the
largest ids, the search tables are refilled with minicrm's own `search.rebuild`, and VACUUM ANALYZE runs.
`minicrm migrate-to URL` does the same copy through INSERT batches: 12 s at M where this takes 4.5 s (30 s at L).
Run it with the Python of the venv where minicrm (and psycopg) is installed, as run.py.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from minicrm.store.core.db import Database
from minicrm.store.core.migrate import ensure_schema
from minicrm.store.exchange.transfer import _tables  # the tables in foreign-key order
from minicrm.store.people import search

PREFIX = "minicrm_bench_"
SKIP = ("alembic_version",)  # the schema's own revision stays; search tables are rebuilt, not copied


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def recreate(url: str) -> None:
    """Drop and create the database of `url` through the server's `postgres` database."""
    parts = urlsplit(plain_url(url))
    name = parts.path.lstrip("/")
    if not name.startswith(PREFIX):
        raise SystemExit(f"refusing to drop database {name!r}: the benchmark's databases are named {PREFIX}*")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(source: Path, url: str) -> dict[str, int]:
    """Copy every data table of the SQLite file `source` into the (new, migrated) PostgreSQL database."""
    db = Database(url)
    session = db.connect()
    ensure_schema(db, session)  # minicrm's migrations, as `minicrm --db URL` would run them
    session.close()
    lite = sqlite3.connect(source)
    lite_tables = {r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts: dict[str, int] = {}
    with psycopg.connect(plain_url(url)) as conn:  # one transaction
        try:
            conn.execute("SET session_replication_role = replica")  # no FK triggers per row (superuser only)
        except psycopg.Error:
            conn.rollback()
        tables = [t for t in _tables() if t in lite_tables and t not in SKIP and not t.endswith("_fts")]
        for table in reversed(tables):
            conn.execute(f'DELETE FROM "{table}"')  # seeded stages, kinds, meta: the file has its own
        for table in tables:
            pg_cols = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position", (table,))]  # fmt: skip
            lite_cols = {r[1] for r in lite.execute(f'PRAGMA table_info("{table}")')}
            cols = [c for c in pg_cols if c in lite_cols]
            names = ", ".join(f'"{c}"' for c in cols)
            n = 0
            with conn.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in lite.execute(f'SELECT {names} FROM "{table}"'):
                    copy.write_row(row)
                    n += 1
            counts[table] = n
            if "id" in cols:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce((SELECT max(id) FROM \"{table}\"), 0)"
                    " + 1, false) WHERE pg_get_serial_sequence(%s, 'id') IS NOT NULL",
                    (table, table),
                )
    lite.close()
    session = db.connect()
    try:
        search.rebuild(session)  # minicrm's own refill of contact_fts, company_fts, interaction_fts
        session.execute("VACUUM ANALYZE")
    finally:
        session.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "minicrm-bench")
    parser.add_argument("--url", required=True, help=f"postgresql://USER@HOST:PORT/{PREFIX}NAME (dropped first)")
    args = parser.parse_args()
    source = args.data / f"minicrm-{args.scale}.db"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run python bench/gen.py --scale {args.scale}")
    start = time.perf_counter()
    recreate(args.url)
    counts = load(source, args.url)
    rows = sum(counts.values())
    print(f"{source} -> {args.url}: {rows:,} rows in {len(counts)} tables, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
