"""EXPLAIN ANALYZE statements on PostgreSQL and find the ones that read all of `interaction` (psycopg only).

A plan is flagged O(all interactions) when a node over `interaction` or `interaction_fts` is a Seq Scan, or
reads (rows returned + rows removed by filter/recheck, times loops) at least a tenth of the table.
"""

from __future__ import annotations

import re
from typing import Any

INTERACTION_TABLES = ("interaction", "interaction_fts")
SHARE = 0.10  # reading this share of the table counts as reading all of it
EXPLAINABLE = re.compile(r"^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b", re.I)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
SKIP = re.compile(r"pg_advisory|alembic_version|pg_catalog|information_schema", re.I)


def _nodes(plan: dict) -> list[dict]:
    out = [plan]
    for child in plan.get("Plans", []):
        out.extend(_nodes(child))
    return out


def _rows_read(node: dict) -> float:
    rows = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    rows += node.get("Rows Removed by Index Recheck", 0)
    return rows * node.get("Actual Loops", 1)


def table_sizes(conn: Any) -> dict[str, float]:
    rows = conn.execute(
        "SELECT relname, greatest(reltuples, 0) FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s)",
        (list(INTERACTION_TABLES),),
    ).fetchall()
    return {name: float(n) for name, n in rows}


def explain(conn: Any, sql: str, params: Any, sizes: dict[str, float]) -> dict:
    """Plan summary of one statement: execution ms, its top node, scans over interaction, O(all) flags."""
    conn.execute("BEGIN")
    try:
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params).fetchone()[0][0]
    except Exception as exc:  # a temp table of the traced session, a statement that needs its state ...
        return {"error": str(exc).strip().splitlines()[0]}
    finally:
        conn.execute("ROLLBACK")
    scans, flags = [], []
    for node in _nodes(plan["Plan"]):
        table = node.get("Relation Name")
        if table not in INTERACTION_TABLES:
            continue
        read = _rows_read(node)
        what = f"{node['Node Type']} on {table}" + (f" using {node['Index Name']}" if node.get("Index Name") else "")
        scans.append({"node": what, "rows_read": int(read)})
        total = sizes.get(table, 0)
        if node["Node Type"] == "Seq Scan" or (total >= 1000 and read >= SHARE * total):
            flags.append(f"{what}: {int(read):,} of {int(total):,} rows")
    return {
        "ms": round(plan.get("Execution Time", 0.0), 2),
        "top": plan["Plan"]["Node Type"],
        "interaction_scans": scans,
        "o_all": flags,
    }


def explain_all(url: str, sent: list[tuple[str, Any, float, bool]]) -> dict:
    """Group what a session sent by text and EXPLAIN each explainable statement once (first parameters)."""
    import psycopg

    grouped: dict[str, dict] = {}
    for sql, params, seconds, many in sent:
        entry = grouped.setdefault(sql, {"sql": sql, "params": params, "count": 0, "client_ms": 0.0, "many": many})
        entry["count"] += 1
        entry["client_ms"] += seconds * 1000
    statements = []
    with psycopg.connect(url, autocommit=True) as conn:
        sizes = table_sizes(conn)
        for entry in grouped.values():
            row = {k: entry[k] for k in ("sql", "count", "many")}
            row["client_ms"] = round(entry["client_ms"], 2)
            if EXPLAINABLE.match(entry["sql"]) and not SKIP.search(entry["sql"]):
                row["write"] = bool(WRITE.match(entry["sql"]))
                row["plan"] = explain(conn, entry["sql"], entry["params"], sizes)
            statements.append(row)
    return {
        "statements": statements,
        "round_trips": len(sent),
        "o_all": [f for s in statements for f in s.get("plan", {}).get("o_all", [])],
    }
