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
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.values.duration import minutes_text

TIME_GROUPS = ("kind", "user", "client", "company", "month")
REQUESTS_ROW = "(service requests)"


_NAMES = {  # by -> (the group's name from its key g.k, the joins it needs): applied after grouping, once a group
    "kind": ("g.k", ""),
    "month": ("g.k", ""),
    "user": ("coalesce(u.name, '(nobody)')", " LEFT JOIN app_user u ON u.id = g.k"),
    "company": ("coalesce(co.name, '(no company)')", " LEFT JOIN company co ON co.id = g.k"),
    # the company, else the contact: their ids apart by sign
    "client": (
        "coalesce(co.name, c.name, '(no client)')",
        " LEFT JOIN company co ON co.id = g.k LEFT JOIN contact c ON c.id = -g.k",
    ),
}


def _keys(session: Session, by: str) -> tuple[str, str]:
    """The group key of an interaction `i` and of request time `t` (of the request `r`)."""
    return {
        "kind": ("i.kind", "NULL"),
        "month": (session.dialect.month_key("i.happened_at"), session.dialect.month_key("t.spent_on")),
        "user": ("i.logged_by", "t.user_id"),
        "company": ("i.company_id", "r.company_id"),
        "client": ("coalesce(i.company_id, -i.contact_id)", "coalesce(r.company_id, -r.contact_id)"),
    }[by]


def time_spent(
    session: Session, *, by: str = "kind", start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Per group: interactions (incoming, outgoing, unknown), their minutes, request minutes and the sum;
    beside it, incoming and outgoing interactions per kind; and the totals."""
    if by not in TIME_GROUPS:
        raise BadInput(_("unknown grouping '{by}' (one of: {choices})").format(by=by, choices=", ".join(TIME_GROUPS)))
    i_key, t_key = _keys(session, by)
    name, joins = _NAMES[by]
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
        f"SELECT g.*, {name} AS name FROM (SELECT {i_key} AS k, {counts} FROM interaction i WHERE 1 = 1{i_where}"
        f" GROUP BY 1) g{joins}",
        i_params,
    ):
        g = group(r["k"], r["name"])
        g.update(interactions=r["n"], incoming=r["incoming"], outgoing=r["outgoing"], timed=r["timed"],
                 minutes=int(r["minutes"]))  # fmt: skip
        g["unknown"] = r["n"] - r["incoming"] - r["outgoing"]
    for r in session.all(
        f"SELECT g.*, {name} AS name FROM (SELECT {t_key} AS k, sum(t.minutes) AS minutes FROM request_time t"
        f" JOIN service_request r ON r.id = t.request_id WHERE 1 = 1{t_where} GROUP BY 1) g{joins}",
        t_params,
    ):
        group(r["k"], REQUESTS_ROW if by == "kind" else r["name"])["request_minutes"] += int(r["minutes"])
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
