"""The bare floor: stdlib Python opens the database, runs the case's SQL and prints the rows (`ical export`:
writes the same iCalendar feed as minicrm, bench/floor_ical.py; `forgotten`: runs minicrm's statements in its
order, cases.forgotten_rows).

DB is a SQLite file, or a postgresql:// URL: then psycopg runs the case's PostgreSQL statements (cases.PG_SQL).
"""

import sys

from cases import EXPORT, FORGOTTEN, ICAL, TODAY, export_json, export_json_pg, forgotten_rows, pg_statements, statements


def sqlite(name: str, db: str, busy: int) -> None:
    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None, timeout=15)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    write = "INSERT" in " ".join(statements(name, busy))
    if write:
        conn.execute("BEGIN IMMEDIATE")
    for sql in statements(name, busy):
        if sql == EXPORT:
            export_json(conn, sys.stdout)
            continue
        if sql == ICAL:
            from floor_ical import write_feed

            write_feed(conn, sys.stdout.buffer, TODAY)
            continue
        if sql == FORGOTTEN:
            for row in forgotten_rows(lambda q: conn.execute(q).fetchall()):
                print("\t".join("" if v is None else str(v) for v in row))
            continue
        for row in conn.execute(sql):
            print("\t".join("" if v is None else str(v) for v in row))
    if write:
        conn.execute("COMMIT")


def postgres(name: str, url: str, busy: int) -> None:
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    sqls = pg_statements(name, busy)
    write = "INSERT" in " ".join(sqls)
    if write:
        conn.execute("BEGIN")
    for sql in sqls:
        if sql == EXPORT:
            export_json_pg(conn, sys.stdout)
            continue
        if sql == ICAL:
            from floor_ical import write_feed

            write_feed(conn, sys.stdout.buffer, TODAY, postgres=True)
            continue
        if sql == FORGOTTEN:
            for row in forgotten_rows(lambda q: conn.execute(q).fetchall(), postgres=True):
                print("\t".join("" if v is None else str(v) for v in row))
            continue
        cur = conn.execute(sql)
        if cur.description:
            for row in cur:
                print("\t".join("" if v is None else str(v) for v in row))
    if write:
        conn.execute("COMMIT")


name, db, busy = sys.argv[1], sys.argv[2], int(sys.argv[3])
if name == "help":
    print("usage: floor_bare.py CASE DB BUSY")
    sys.exit(0)
(postgres if "://" in db else sqlite)(name, db, busy)
