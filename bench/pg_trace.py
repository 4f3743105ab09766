"""Run one minicrm command in-process against PostgreSQL, record every statement it sends, EXPLAIN ANALYZE them.

    python bench/pg_trace.py OUT.json -- --db postgresql://... --today 2026-11-22 due --limit 50

psycopg's Cursor.execute/executemany are wrapped: each statement minicrm sends (as sent, `%s` placeholders, with
its parameters) is kept with its wall time. After the command, a second connection runs `EXPLAIN (ANALYZE,
BUFFERS, FORMAT JSON)` for each one (writes inside a transaction that is rolled back) and OUT.json gets the
statements, their plans' execution times, and every scan node over the `interaction` tables with the rows it read.
Statements are matched by text, so a command that sends one query 1,000 times shows as one entry x 1,000.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pg_explain import explain_all  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1 :]
    url = argv[argv.index("--db") + 1]
    import psycopg

    sent: list[tuple[str, object, float, bool]] = []  # sql, params, seconds, executemany
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def traced_execute(self, query, params=None, **kw):
        start = time.perf_counter()
        try:
            return execute(self, query, params, **kw)
        finally:
            sent.append((str(query), params, time.perf_counter() - start, False))

    def traced_executemany(self, query, params_seq, **kw):
        rows = list(params_seq)
        start = time.perf_counter()
        try:
            return executemany(self, query, rows, **kw)
        finally:
            sent.append((str(query), rows[0] if rows else None, time.perf_counter() - start, True))

    psycopg.Cursor.execute = traced_execute  # type: ignore[method-assign]
    psycopg.Cursor.executemany = traced_executemany  # type: ignore[method-assign]
    from minicrm.cli import app

    code = 0
    stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    start = time.perf_counter()
    try:
        app(argv, prog_name="minicrm")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout.close()
        sys.stdout = stdout
    wall = time.perf_counter() - start
    psycopg.Cursor.execute, psycopg.Cursor.executemany = execute, executemany  # type: ignore[method-assign]
    report = {"argv": argv, "exit": code, "wall_ms": round(wall * 1000, 1)}
    report.update(explain_all(url.replace("postgresql+psycopg://", "postgresql://", 1), sent))
    out.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
