"""The framework floor: the smallest Typer + Rich program doing the case's SQL and printing a rich table
(`ical export`: writing the same iCalendar feed as minicrm, bench/floor_ical.py).

DB is a SQLite file, or a postgresql:// URL: then psycopg runs the case's PostgreSQL statements (cases.PG_SQL).
It offers as many commands as minicrm (BENCH_COMMANDS, set by run.py), as a plain Typer program would.
"""

import os
import sqlite3

import typer
from cases import EXPORT, FORGOTTEN, ICAL, TODAY, export_json, export_json_pg, forgotten_rows, pg_statements, statements

app = typer.Typer(add_completion=False)


@app.command()
def run(name: str, db: str, busy: int) -> None:
    """Run one benchmark case."""
    from rich.console import Console
    from rich.table import Table

    if "://" in db:
        import psycopg

        conn = psycopg.connect(db, autocommit=True)
        sqls = pg_statements(name, busy)
        write = "INSERT" in " ".join(sqls)
        if write:
            conn.execute("BEGIN")
    else:
        conn = sqlite3.connect(db, isolation_level=None, timeout=15)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        sqls = statements(name, busy)
        write = "INSERT" in " ".join(sqls)
        if write:
            conn.execute("BEGIN IMMEDIATE")
    table = Table(box=None)
    first = True
    for sql in sqls:
        if sql == EXPORT:  # JSON goes out as text, as minicrm writes it
            import sys

            (export_json_pg if "://" in db else export_json)(conn, sys.stdout)
            return
        if sql == ICAL:  # the feed goes out as bytes, as minicrm writes it
            import sys

            from floor_ical import write_feed

            write_feed(conn, sys.stdout.buffer, TODAY, postgres="://" in db)
            return
        if sql == FORGOTTEN:
            rows = forgotten_rows(lambda q: conn.execute(q).fetchall(), postgres="://" in db)
            for col in ("kind", "id", "name", "company", "status", "last_at", "value_minor", "silent"):
                table.add_column(col)
            first = False
        else:
            cur = conn.execute(sql)
            rows = cur.fetchall() if cur.description else []
        if first and cur.description:
            for col in cur.description:
                table.add_column(col[0])
            first = False
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
    if write:
        conn.execute("COMMIT")
    Console(width=240).print(table)


def other() -> None:
    """One of minicrm's other commands: registered, never run here."""


# As many commands as minicrm's top level has (run.py passes the number): Typer builds every command it is given,
# where minicrm builds only the one asked for.
for number in range(int(os.environ.get("BENCH_COMMANDS", "35")) - 1):
    app.command(f"other-{number}")(other)


if __name__ == "__main__":
    app()
