"""Requests in the due queue and the service report: by status, time to resolve, time spent per client, subjects."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.service.requests import OPEN_STATUSES, PRIORITY_ORDER, STATUSES

# -- reports ---------------------------------------------------------------------------------


def open_requests_due(session: Session, *, today: date, until: date) -> list[dict[str, Any]]:
    """Open requests to handle by `until`, for `minicrm due` and the dashboard.

    A request without a due date is due on the day it was opened, so every open request shows until it
    is handled. Rows: kind='request', id, due_on, days_overdue, subject, priority, status, contact(_id),
    company(_id), assignee — most urgent first.
    """
    marks = ", ".join("?" * len(OPEN_STATUSES))
    opened = session.dialect.day_of("r.opened_at")
    rows = session.all(
        "SELECT r.id, r.subject, r.priority, r.status, r.contact_id, r.company_id, r.due_on,"
        f" {opened} AS opened_on, c.name AS contact, co.name AS company, u.name AS assignee"
        " FROM service_request r LEFT JOIN contact c ON c.id = r.contact_id"
        " LEFT JOIN company co ON co.id = r.company_id LEFT JOIN app_user u ON u.id = r.assignee_id"
        f" WHERE r.status IN ({marks}) AND coalesce(r.due_on, {opened}) <= ?"
        f" ORDER BY coalesce(r.due_on, {opened}), {PRIORITY_ORDER}, r.id",
        [*OPEN_STATUSES, until.isoformat()],
    )
    out = []
    for r in rows:
        due = r["due_on"] or date.fromisoformat(str(r["opened_on"]))
        out.append(
            {
                "kind": "request",
                "id": r["id"],
                "due_on": due.isoformat(),
                "days_overdue": max((today - due).days, 0),
                "subject": r["subject"],
                "priority": r["priority"],
                "status": r["status"],
                "contact_id": r["contact_id"],
                "contact": r["contact"],
                "company_id": r["company_id"],
                "company": r["company"],
                "assignee": r["assignee"],
            }
        )
    return out


def service_report(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    rate_minor: int | None = None,
    top: int = 10,
) -> dict[str, Any]:
    """Requests by status, time to resolve, time spent per client and the most frequent subjects.

    With a period: requests opened in it (status, subjects), resolved in it (time to resolve) and time
    spent in it (per client). `rate_minor` (per hour, in cents) turns minutes into the cost of serving.
    """
    opened_where, opened_params = "", []
    resolved_where, resolved_params = "", []
    spent_where, spent_params = "", []
    if start and end:
        lo, hi = f"{start.isoformat()} 00:00:00", f"{end.isoformat()} 23:59:59"
        opened_where, opened_params = " WHERE r.opened_at BETWEEN ? AND ?", [lo, hi]
        resolved_where, resolved_params = " AND r.resolved_at BETWEEN ? AND ?", [lo, hi]
        spent_where, spent_params = " WHERE t.spent_on BETWEEN ? AND ?", [start, end]
    by_status = dict.fromkeys(STATUSES, 0)
    for r in session.all(
        f"SELECT r.status, count(*) AS n FROM service_request r{opened_where} GROUP BY r.status", opened_params
    ):
        by_status[r["status"]] = r["n"]
    span = session.dialect.hours_between("r.resolved_at", "r.opened_at")
    res = session.one(
        f"SELECT count(*) AS n, avg({span}) AS hours, max({span}) AS longest"
        f" FROM service_request r WHERE r.resolved_at IS NOT NULL{resolved_where}",
        resolved_params,
    )
    assert res is not None  # an aggregate without GROUP BY always returns one row
    clients = session.all(
        "SELECT r.company_id, co.name AS company,"
        " CASE WHEN r.company_id IS NULL THEN r.contact_id END AS contact_id,"
        " CASE WHEN r.company_id IS NULL THEN c.name END AS contact,"
        " count(DISTINCT r.id) AS requests, sum(t.minutes) AS minutes"
        " FROM request_time t JOIN service_request r ON r.id = t.request_id"
        " LEFT JOIN company co ON co.id = r.company_id LEFT JOIN contact c ON c.id = r.contact_id"
        f"{spent_where}"
        " GROUP BY r.company_id, co.name, CASE WHEN r.company_id IS NULL THEN r.contact_id END,"
        " CASE WHEN r.company_id IS NULL THEN c.name END ORDER BY minutes DESC, company, contact",
        spent_params,
    )
    subjects = session.all(
        "SELECT min(r.subject) AS subject, count(*) AS requests,"
        " sum(CASE WHEN r.status IN ('new', 'open', 'waiting') THEN 1 ELSE 0 END) AS still_open"
        f" FROM service_request r{opened_where} GROUP BY r.subject_key ORDER BY requests DESC, subject LIMIT ?",
        [*opened_params, top],
    )

    def hours(value: float | None) -> str | None:
        return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_EVEN))

    def cost(minutes: int) -> str | None:
        if rate_minor is None:
            return None
        return str((Decimal(minutes) * rate_minor / 60 / 100).quantize(Decimal("0.01"), ROUND_HALF_EVEN))

    return {
        "period": {"start": iso(start), "end": iso(end)} if start else None,
        "by_status": [{"status": s, "requests": n} for s, n in by_status.items()],
        "open": sum(by_status[s] for s in OPEN_STATUSES),
        "resolution": {
            "resolved": res["n"],
            "average_hours": hours(res["hours"]),
            "longest_hours": hours(res["longest"]),
        },
        "time_per_client": [
            {
                "client": r["company"] or r["contact"] or "(no client)",
                "company_id": r["company_id"],
                "contact_id": r["contact_id"],
                "requests": r["requests"],
                "minutes": r["minutes"],
                "hours": str((Decimal(r["minutes"]) / 60).quantize(Decimal("0.01"), ROUND_HALF_EVEN)),
                "cost": cost(r["minutes"]),
            }
            for r in clients
        ],
        "subjects": [{"subject": r["subject"], "requests": r["requests"], "open": r["still_open"]} for r in subjects],
    }
