"""Time spent: interaction durations and service-request time summed per kind, user, client, company or month,
with incoming and outgoing counts (incoming-call statistics).

Interactions count by `happened_at`, request time by the day it was spent. An interaction without a duration
counts as an interaction, not as time; one without a direction (logged before `--in/--out`, or without them)
counts as `unknown`. Request time is not an interaction kind: grouped by kind it is the row `(service requests)`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.values.duration import minutes_text

TIME_GROUPS = ("kind", "user", "client", "company", "month")
REQUESTS_ROW = "(service requests)"


def _keys(session: Session, by: str) -> tuple[str, str, str, str]:
    """(interaction group columns, their joins, request-time group columns, their joins): each `id, name`."""
    if by == "kind":
        return "NULL, i.kind", "", "NULL, NULL", ""
    if by == "user":
        return ("i.logged_by, coalesce(u.name, '(nobody)')", " LEFT JOIN app_user u ON u.id = i.logged_by",
                "t.user_id, coalesce(u.name, '(nobody)')", " LEFT JOIN app_user u ON u.id = t.user_id")  # fmt: skip
    if by == "company":
        return ("i.company_id, coalesce(co.name, '(no company)')", " LEFT JOIN company co ON co.id = i.company_id",
                "r.company_id, coalesce(co.name, '(no company)')",
                " LEFT JOIN company co ON co.id = r.company_id")  # fmt: skip
    if by == "client":  # the company, else the contact: ids apart by sign
        return ("coalesce(i.company_id, -i.contact_id), coalesce(co.name, c.name, '(no client)')",
                " LEFT JOIN company co ON co.id = i.company_id LEFT JOIN contact c ON c.id = i.contact_id",
                "coalesce(r.company_id, -r.contact_id), coalesce(co.name, c.name, '(no client)')",
                " LEFT JOIN company co ON co.id = r.company_id LEFT JOIN contact c ON c.id = r.contact_id")  # fmt: skip
    month_i, month_t = session.dialect.month_key("i.happened_at"), session.dialect.month_key("t.spent_on")
    return f"NULL, {month_i}", "", f"NULL, {month_t}", ""


def _timed(minutes: int) -> dict[str, Any]:
    return {"minutes": minutes, "time": minutes_text(minutes)}


def time_spent(
    session: Session, *, by: str = "kind", start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Per group: interactions (incoming, outgoing, unknown), their minutes, request minutes and the sum;
    beside it, incoming and outgoing interactions per kind; and the totals."""
    if by not in TIME_GROUPS:
        raise BadInput(f"unknown grouping '{by}' (one of: {', '.join(TIME_GROUPS)})")
    i_key, i_joins, t_key, t_joins = _keys(session, by)
    i_where, t_where = "", ""
    i_params: list[Any] = []
    t_params: list[Any] = []
    if start:
        i_where, t_where = " AND i.happened_at >= ?", " AND t.spent_on >= ?"
        i_params, t_params = [datetime.combine(start, time())], [start]
    if end:
        i_where += " AND i.happened_at < ?"
        t_where += " AND t.spent_on <= ?"
        i_params.append(datetime.combine(end + timedelta(days=1), time()))
        t_params.append(end)
    counts = (
        "count(*) AS n, sum(CASE WHEN i.direction = 'in' THEN 1 ELSE 0 END) AS incoming,"
        " sum(CASE WHEN i.direction = 'out' THEN 1 ELSE 0 END) AS outgoing, count(i.duration_min) AS timed,"
        " coalesce(sum(i.duration_min), 0) AS minutes"
    )
    groups: dict[tuple[Any, str], dict[str, Any]] = {}

    def group(ident: Any, name: str) -> dict[str, Any]:
        empty = dict.fromkeys(("interactions", "incoming", "outgoing", "unknown", "timed", "minutes"), 0)
        return groups.setdefault((ident, name), {"name": name, **empty, "request_minutes": 0})

    for r in session.all(
        f"SELECT {i_key}, {counts} FROM interaction i{i_joins} WHERE 1 = 1{i_where} GROUP BY 1, 2", i_params
    ):
        g = group(r[0], r[1])
        g.update(interactions=r["n"], incoming=r["incoming"], outgoing=r["outgoing"], timed=r["timed"],
                 minutes=int(r["minutes"]))  # fmt: skip
        g["unknown"] = r["n"] - r["incoming"] - r["outgoing"]
    for r in session.all(
        f"SELECT {t_key}, sum(t.minutes) AS minutes FROM request_time t JOIN service_request r ON r.id = t.request_id"
        f"{t_joins} WHERE 1 = 1{t_where} GROUP BY 1, 2",
        t_params,
    ):
        group(r[0], REQUESTS_ROW if by == "kind" else r[1])["request_minutes"] += int(r["minutes"])
    rows = [_row(by, g) for g in groups.values()]
    if by == "month":
        rows.sort(key=lambda x: x["month"])
    else:
        rows.sort(key=lambda x: (-x["total_minutes"], -x["interactions"], x[by]))
    directions = session.all(
        f"SELECT i.kind, {counts} FROM interaction i WHERE 1 = 1{i_where} GROUP BY i.kind ORDER BY count(*) DESC,"
        " i.kind",
        i_params,
    )
    total = {k: sum(g[k] for g in groups.values()) for k in ("interactions", "incoming", "outgoing", "unknown",
                                                             "timed", "minutes", "request_minutes")}  # fmt: skip
    return {
        "by": by,
        "period": {"start": iso(start), "end": iso(end)} if start or end else None,
        "rows": rows,
        "directions": [
            {
                "kind": r["kind"],
                "interactions": r["n"],
                "incoming": r["incoming"],
                "outgoing": r["outgoing"],
                "unknown": r["n"] - r["incoming"] - r["outgoing"],
            }
            for r in directions
        ],
        "total": _row(None, {"name": None, **total}),
    }


def _row(by: str | None, g: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {by: g["name"]} if by else {}
    out.update(interactions=g["interactions"], incoming=g["incoming"], outgoing=g["outgoing"], unknown=g["unknown"],
               timed=g["timed"], interaction_minutes=g["minutes"], interaction_time=minutes_text(g["minutes"]),
               request_minutes=g["request_minutes"], request_time=minutes_text(g["request_minutes"]),
               total_minutes=g["minutes"] + g["request_minutes"],
               total_time=minutes_text(g["minutes"] + g["request_minutes"]))  # fmt: skip
    return out
