"""In-process timings: minicrm's service functions vs the same SQL run bare, without any start-up cost.

For each case, in this one process: (a) the `minicrm.store` function(s) the CLI command calls, with the
command's arguments, through `Database(path).connect()`; (b) the SQL the whole-process floors run
(bench/cases.py) through a plain `sqlite3.connect(path)`. timeit-style: one warm-up call of each, then
--repeat rounds alternating the two (garbage collector off while timing); prints the median ms of each,
their ratio (goal: <= 1.5x), the ratio of the best times (steadier on a busy machine) and how many rows
each returned (flagged when they differ by more than 2x).

    python bench/gen.py --scale M   # once; writes /tmp/minicrm-bench/minicrm-M.db
    python bench/inproc.py --scale M [--repeat 7] [--json out.json] [--cases due forgotten]

Reads only (no `log`), never migrates the database; `export json` is skipped at scale L unless named in --cases.
`ical export` renders the whole feed on both sides (minicrm.ical.feed vs bench/floor_ical.py, into a counter).
"""

from __future__ import annotations

import argparse
import functools
import gc
import inspect
import json
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import FORGOTTEN, TODAY, forgotten_rows, statements  # noqa: E402
from run import busiest_contact  # noqa: E402

TODAY_DATE = date.fromisoformat(TODAY)
LIMIT = 50
REMIND_LIMIT = 20  # the default --limit of `minicrm remind` (items listed per section)
RATIO_GOAL = 1.5


class Sink:
    """A text (or bytes) stream that only counts what is written (export json and the feed write here)."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str | bytes) -> int:
        self.chars += len(text)
        return len(text)


@functools.cache
def _accepts_limit(func: Callable[..., Any]) -> bool:
    return "limit" in inspect.signature(func).parameters


def _call_with_limit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Pass limit=50 if `func` accepts it (the store is being optimised), else let the caller slice."""
    if _accepts_limit(func):
        return func(*args, **kwargs, limit=LIMIT)
    return func(*args, **kwargs)


# -- (a) what each command calls in minicrm.store (see src/minicrm/commands/*.py) ----------------------------


def m_contact_list(session, busy: int) -> list:
    from minicrm.store.people.contacts import list_contacts

    return list_contacts(session, limit=LIMIT, archived=False)


def m_search(session, busy: int) -> list:
    from minicrm.store.people.search import search

    return search(session, "anna", limit=LIMIT)


def m_contact_show(session, busy: int) -> dict:
    from minicrm.store.people.refs import resolve_contact
    from minicrm.store.views.cards import contact_card

    return contact_card(session, resolve_contact(session, str(busy)), today=TODAY_DATE, limit=10)


def m_timeline(session, busy: int) -> list:
    from minicrm.store.people.interactions import timeline
    from minicrm.store.people.refs import resolve_contact

    return timeline(session, contact_id=resolve_contact(session, str(busy)), kind=None, limit=20)


def m_due(session, busy: int) -> list:
    from minicrm.store.followups.due import due_items

    until = TODAY_DATE + timedelta(days=6)  # `--within 7d`, the default: today and the next 6 days
    return _call_with_limit(due_items, session, today=TODAY_DATE, until=until)[:LIMIT]


def m_forgotten(session, busy: int) -> list:
    from minicrm.store.followups.forgotten import forgotten

    return forgotten(session, today=TODAY_DATE, days=90, limit=LIMIT, kinds=("contact", "company"))


def m_remind(session, busy: int):
    from minicrm.store.followups.digest import remind_digest

    # `--within 1d` (the default): today only; `--limit 20` (the default) where remind_digest takes a limit.
    kwargs = {"limit": REMIND_LIMIT} if _accepts_limit(remind_digest) else {}
    return remind_digest(session, today=TODAY_DATE, until=TODAY_DATE, forgotten_days=90, **kwargs)


def m_pipeline(session, busy: int) -> list:
    from minicrm.store.sales.reports import pipeline

    return pipeline(session, start=None, end=None, owner_id=None)


def m_report_sales(session, busy: int):
    from minicrm.dates import parse_period
    from minicrm.store.sales.reports import sales

    first, last = parse_period("2026", today=TODAY_DATE)
    return sales(session, by="month", start=first, end=last, owner_id=None)


def m_ical_export(session, busy: int) -> int:
    from minicrm.ical.feed import FeedOptions, build_feed

    return build_feed(session, Sink(), today=TODAY_DATE, options=FeedOptions())  # type: ignore[arg-type]


def m_export_json(session, busy: int) -> dict:
    from minicrm.store.exchange.exporting import export_json

    return export_json(session, Sink())


def m_rows(result: Any) -> int:
    """How many rows a service function returned, counted like the bare SQL's rows."""
    if isinstance(result, int):  # the feed: its events
        return result
    if isinstance(result, list):
        return len(result)
    if isinstance(result, dict) and "interactions" in result:  # contact card: the contact + its lists
        return 1 + sum(len(result.get(k) or []) for k in ("emails", "phones", "deals", "interactions"))
    if isinstance(result, dict):  # export json: rows per table
        return sum(result.values())
    if hasattr(result, "forgotten"):  # remind digest: the items it lists
        return len(result.overdue) + len(result.due) + len(result.dates)
    if hasattr(result, "rows"):  # sales report
        return len(result.rows)
    return 1


# -- (b) the same SQL, bare --------------------------------------------------------------------------------


def bare_sql(conn: sqlite3.Connection, sqls: list[str]) -> int:
    """Run the statements; rows = rows of the listing statements, or the sum of the counts if only counts."""
    listed = counted = 0
    counts = ("SELECT count(*)", "SELECT (SELECT count(*)")
    only_counts = all(s.startswith(counts) for s in sqls)
    for sql in sqls:
        if sql == FORGOTTEN:  # minicrm's statements in its order (cases.forgotten_rows)
            listed += len(forgotten_rows(lambda q: conn.execute(q).fetchall()))
            continue
        rows = conn.execute(sql).fetchall()
        if sql.startswith(counts):
            counted += rows[0][0]
        else:
            listed += len(rows)
    return counted if only_counts else listed


def bare_ical(conn: sqlite3.Connection) -> int:
    """The feed written by bench/floor_ical.py (the same bytes), into a counter."""
    from floor_ical import write_feed

    return write_feed(conn, Sink(), TODAY)  # type: ignore[arg-type]


def bare_export_json(conn: sqlite3.Connection) -> int:
    """Every data table (not FTS, not alembic_version): SELECT * and one json.dumps per row."""
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    fts = {name for name, sql in tables if "VIRTUAL TABLE" in (sql or "").upper()}
    out, n = Sink(), 0
    for name, _ in tables:
        if name in fts or name == "alembic_version" or any(name.startswith(f + "_") for f in fts):
            continue
        cur = conn.execute(f'SELECT * FROM "{name}"')
        columns = [d[0] for d in cur.description]
        while batch := cur.fetchmany(1000):
            for row in batch:
                out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, separators=(",", ":")))
                n += 1
    return n


# name -> (minicrm side, name in bench/cases.py or None, note on how the two differ)
CASES: dict[str, tuple[Callable[[Any, int], Any], str | None, str]] = {
    "contact list": (m_contact_list, "contact list", ""),
    "search": (m_search, "search", "bare: up to 50 per table, minicrm: 50 in all"),
    "contact show": (m_contact_show, "contact show", ""),
    "timeline": (m_timeline, "timeline", ""),
    "due": (m_due, "due", "minicrm also has tasks, deals, requests, birthdays, dates"),
    "forgotten": (m_forgotten, "forgotten", "minicrm also lists companies"),
    "remind": (m_remind, "remind", "minicrm lists at most 20 per section if remind_digest takes a limit"),
    "pipeline": (m_pipeline, "pipeline", "minicrm: one row per stage"),
    "report sales": (m_report_sales, "report sales", ""),
    "ical export": (m_ical_export, None, "bare: bench/floor_ical.py, the same feed"),
    "export json": (m_export_json, None, "bare: SELECT * + json.dumps per row"),
}


def timed(func: Callable[[], int]) -> tuple[float, int]:
    """(seconds, rows) of one call, the garbage collector off as in timeit."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        rows = func()
        return time.perf_counter() - start, rows
    finally:
        if gc_was_on:
            gc.enable()


def measure(name: str, session, conn: sqlite3.Connection, busy: int, repeat: int) -> dict[str, Any]:
    func, sql_case, note = CASES[name]

    def minicrm() -> int:
        return m_rows(func(session, busy))

    if name == "ical export":

        def bare() -> int:
            return bare_ical(conn)
    elif sql_case is None:

        def bare() -> int:
            return bare_export_json(conn)
    else:
        sqls = statements(sql_case, busy)

        def bare() -> int:
            return bare_sql(conn, sqls)

    try:
        _, m_n = timed(minicrm)  # warm-up
    except Exception as exc:  # the store is being edited: report, go on with the other cases
        return {"case": name, "error": f"{type(exc).__name__}: {exc}"}
    _, b_n = timed(bare)
    m_times, b_times = [], []
    for _ in range(repeat):
        m_times.append(timed(minicrm)[0])
        b_times.append(timed(bare)[0])
    m_ms, b_ms = statistics.median(m_times) * 1000, statistics.median(b_times) * 1000
    ratio = m_ms / b_ms if b_ms else float("inf")
    best_ratio = min(m_times) / min(b_times) if min(b_times) else float("inf")  # steadier on a busy machine
    rows_differ = m_n != b_n and (min(m_n, b_n) == 0 or max(m_n, b_n) / min(m_n, b_n) > 2)
    return {
        "case": name,
        "minicrm_ms": round(m_ms, 3),
        "bare_ms": round(b_ms, 3),
        "ratio": round(ratio, 2),
        "minicrm_best_ms": round(min(m_times) * 1000, 3),
        "bare_best_ms": round(min(b_times) * 1000, 3),
        "best_ratio": round(best_ratio, 2),
        "over_goal": ratio > RATIO_GOAL,
        "minicrm_rows": m_n,
        "bare_rows": b_n,
        "rows_differ": rows_differ,
        "note": note,
    }


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(rows: list[dict[str, Any]]) -> str:
    header = ["case", "minicrm ms", "bare ms", "ratio", "best ratio", "rows minicrm", "rows bare", "flags"]
    lines = []
    for r in rows:
        if "error" in r:
            lines.append([r["case"], "-", "-", "-", "-", "-", "-", f"ERROR {r['error']}"])
            continue
        flags = [f"over {RATIO_GOAL}x"] if r["over_goal"] else []
        if r["rows_differ"]:
            flags.append("rows differ" + (f" ({r['note']})" if r["note"] else ""))
        times = [_ms(r["minicrm_ms"]), _ms(r["bare_ms"]), f"{r['ratio']:.2f}x", f"{r['best_ratio']:.2f}x"]
        lines.append([r["case"], *times, str(r["minicrm_rows"]), str(r["bare_rows"]), "; ".join(flags)])
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        left = {0, len(cells) - 1}  # the case and the flags; numbers go right
        padded = (c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "  ".join(padded)

    return "\n".join(fmt(x).rstrip() for x in [header, ["-" * w for w in widths], *lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("S", "M", "L"), default="M")
    parser.add_argument("--data", type=Path, default=Path("/tmp/minicrm-bench"), help="where bench/gen.py writes")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds after the warm-up (default 7)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--cases", nargs="+", choices=list(CASES), help="only these cases")
    args = parser.parse_args()

    db = args.data / f"minicrm-{args.scale}.db"
    if not db.exists():
        raise SystemExit(f"no {db}: run `python bench/gen.py --scale {args.scale}` first")
    names = args.cases or [n for n in CASES if not (n == "export json" and args.scale == "L")]

    from minicrm.store.core.db import Database
    from minicrm.store.core.migrate import SCHEMA_HEAD, current_revision

    session = Database(db).connect()
    conn = sqlite3.connect(db)
    busy = busiest_contact(db)
    revision = current_revision(session)
    print(f"{db}  scale {args.scale}  busiest contact {busy}  today {TODAY}  repeat {args.repeat}"
          f"  SQLite {sqlite3.sqlite_version}  Python {platform.python_version()}")  # fmt: skip
    if revision != SCHEMA_HEAD:
        print(f"warning: schema revision {revision}, this code's head is {SCHEMA_HEAD} (not migrated here)")
    rows = []
    try:
        for name in names:
            rows.append(measure(name, session, conn, busy, args.repeat))
    finally:
        session.close()
        conn.close()
    print(table(rows))
    if "icalendar" in sys.modules:
        print("warning: icalendar got imported: minicrm renders the feed without it")
    if args.json:
        meta = {
            "scale": args.scale,
            "db": str(db),
            "busiest_contact": busy,
            "today": TODAY,
            "repeat": args.repeat,
            "schema_revision": revision,
            "schema_head": SCHEMA_HEAD,
            "machine": f"{platform.machine()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
