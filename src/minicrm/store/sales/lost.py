"""Lost clients (they bought, then stopped) and lost deals (why deals are lost).

A client is a company, or a contact without one, as in the client-value report (`store.sales.reports.clients`).
A purchase is a won deal (on its `won_on` day, with its amount) or an interaction of the kind `order` (its day; an
order carries no amount). Money is summed per currency in the database and never added across currencies.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.core.text import fold
from minicrm.store.people.companies import newest_of
from minicrm.values.money import from_minor

ORDER_KIND = "order"
LOST_SORTS = ("recent", "purchases", "silence")
#: SQL: the newest contact with the people of the lost company `l` (through ix_contact_company_last)
PEOPLE_LAST = "(SELECT max(p.last_interaction_at) FROM contact p WHERE p.company_id = l.company_id)"


def _day(value: Any) -> date | None:
    """A day from a DATE column or a day expression (text on SQLite)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def months_before(today: date, months: int) -> date:
    """The same day `months` calendar months earlier (31 August - 6 months = 28 or 29 February)."""
    from dateutil.relativedelta import relativedelta

    earlier: date = today - relativedelta(months=months)
    return earlier


def _purchases(session: Session) -> str:
    """SQL (one parameter: the order kind): every purchase as (company_id, contact_id without a company, day,
    currency, amount, deal?, order?)."""
    return (
        "SELECT d.company_id AS company_id, CASE WHEN d.company_id IS NULL THEN d.contact_id END AS contact_id,"
        " d.won_on AS day, d.currency AS currency, d.amount_minor AS amount_minor, 1 AS deal, 0 AS ord"
        " FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won' AND d.won_on IS NOT NULL"
        f" UNION ALL SELECT i.company_id, CASE WHEN i.company_id IS NULL THEN i.contact_id END,"
        f" {session.dialect.day_of('i.happened_at')}, NULL, NULL, 0, 1 FROM interaction i WHERE i.kind = ?"
    )


def lost_clients(
    session: Session, *, today: date, months: int = 6, owner_id: int | None = None, sort: str = "recent"
) -> list[dict[str, Any]]:
    """Clients who bought before and nothing in the last `months` months (their last purchase on or before the
    same day `months` months ago), archived ones left out. Sorted `recent` (the most recently lapsed, the easiest
    to win back, first), `purchases` (the most purchases first) or `silence` (the longest without contact first).

    Each with its lifetime value per currency, won deals and orders, first and last purchase, last contact (the
    newest interaction that is not internal: `contact.last_interaction_at`; for a company the newer of its
    people's and its own, `log --company`), owner and open deals (someone is on it already).
    """
    if months < 1:
        raise BadInput(_("--months must be 1 or more"))
    if sort not in LOST_SORTS:
        raise BadInput(_("unknown sort '{sort}' (one of: {choices})").format(sort=sort, choices=", ".join(LOST_SORTS)))
    cutoff = months_before(today, months)
    lost_cte = (
        f"WITH p AS ({_purchases(session)}), lost AS (SELECT company_id, contact_id, max(day) AS last_purchase,"
        " min(day) AS first_purchase, sum(deal) AS deals, sum(ord) AS orders FROM p"
        " WHERE company_id IS NOT NULL OR contact_id IS NOT NULL GROUP BY company_id, contact_id"
        " HAVING max(day) <= ?)"
    )
    owner = " AND coalesce(co.owner_id, c.owner_id) = ?" if owner_id is not None else ""
    rows = session.all(
        f"{lost_cte} SELECT l.*, coalesce(co.name, c.name) AS name, u.name AS owner,"
        f" CASE WHEN l.company_id IS NOT NULL THEN {newest_of(PEOPLE_LAST)} ELSE c.last_interaction_at END"
        " AS last_contact,"
        " CASE WHEN l.company_id IS NOT NULL THEN (SELECT count(*) FROM deal od JOIN pipeline_stage os"
        " ON os.id = od.stage_id WHERE od.company_id = l.company_id AND os.outcome = 'open')"
        " ELSE (SELECT count(*) FROM deal od JOIN pipeline_stage os ON os.id = od.stage_id"
        " WHERE od.contact_id = l.contact_id AND os.outcome = 'open') END AS open_deals"
        " FROM lost l LEFT JOIN company co ON co.id = l.company_id LEFT JOIN contact c ON c.id = l.contact_id"
        " LEFT JOIN app_user u ON u.id = coalesce(co.owner_id, c.owner_id)"
        f" WHERE coalesce(co.archived, c.archived) = ?{owner}",
        [ORDER_KIND, cutoff, False, *([owner_id] if owner_id is not None else [])],
    )
    values: dict[tuple[Any, Any], dict[str, Decimal]] = {}
    won = "JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won' AND d.won_on IS NOT NULL"
    for v in session.all(  # each lost client's won deals, found through deal(company_id) and deal(contact_id)
        f"{lost_cte} SELECT l.company_id, NULL AS contact_id, d.currency, sum(d.amount_minor) AS total FROM lost l"
        f" JOIN deal d ON d.company_id = l.company_id {won} GROUP BY l.company_id, d.currency"
        " UNION ALL SELECT NULL, l.contact_id, d.currency, sum(d.amount_minor) FROM lost l"
        f" JOIN deal d ON d.contact_id = l.contact_id AND d.company_id IS NULL {won} AND l.company_id IS NULL"
        " GROUP BY l.contact_id, d.currency",
        [ORDER_KIND, cutoff],
    ):
        values.setdefault((v["company_id"], v["contact_id"]), {})[v["currency"]] = from_minor(v["total"])
    out = []
    for r in rows:
        last_purchase, last_contact = _day(r["last_purchase"]), _moment(r["last_contact"])
        assert last_purchase is not None  # the HAVING compared it
        value = values.get((r["company_id"], r["contact_id"]), {})
        out.append({
            "client": r["name"],
            "kind": "company" if r["company_id"] is not None else "contact",
            "id": r["company_id"] if r["company_id"] is not None else r["contact_id"],
            "lifetime_value": {k: str(v) for k, v in sorted(value.items())},
            "won_deals": r["deals"],
            "orders": r["orders"],
            "first_purchase": iso(_day(r["first_purchase"])),
            "last_purchase": last_purchase.isoformat(),
            "days_since_purchase": (today - last_purchase).days,
            "last_contact": iso(last_contact),
            "days_since_contact": (today - last_contact.date()).days if last_contact else None,
            "owner": r["owner"],
            "open_deals": r["open_deals"],
        })  # fmt: skip
    out.sort(key=lambda x: (x["client"] or "", x["kind"], x["id"]))
    if sort == "purchases":  # the most loyal first
        out.sort(key=lambda x: (-(x["won_deals"] + x["orders"]), _desc(x["last_purchase"])))
    elif sort == "silence":  # the longest without contact first, never contacted before all
        out.sort(key=lambda x: (x["last_contact"] is not None, x["last_contact"] or ""))
    else:
        out.sort(key=lambda x: _desc(x["last_purchase"]))
    return out


def _desc(day: str) -> tuple[int, ...]:
    """A sort key that puts later ISO days first."""
    return tuple(-ord(ch) for ch in day)


LOST_GROUPS = ("reason", "stage", "owner", "month")


def lost_deals(
    session: Session,
    *,
    by: str = "reason",
    start: date | None = None,
    end: date | None = None,
    owner_id: int | None = None,
) -> list[dict[str, Any]]:
    """Deals lost (in the period, by `lost_on`) grouped by reason, the stage they were lost from, owner or month:
    how many, their share of all lost deals, their value per currency. Most lost first (months in order).

    Reasons written differently only in case or accents are one group, shown as most often written.
    """
    if by not in LOST_GROUPS:
        raise BadInput(_("unknown grouping '{by}' (one of: {choices})").format(by=by, choices=", ".join(LOST_GROUPS)))
    where: list[str] = ["s.outcome = 'lost'"]
    params: list[Any] = []
    if start:
        where.append("d.lost_on >= ?")
        params.append(start)
    if end:
        where.append("d.lost_on <= ?")
        params.append(end)
    if owner_id is not None:
        where.append("d.owner_id = ?")
        params.append(owner_id)
    key = {
        "reason": "d.lost_reason",
        # the stage a deal left for the lost one (its last move into it); none when created lost
        "stage": "(SELECT f.name FROM deal_stage_history h JOIN pipeline_stage f ON f.id = h.from_stage_id"
        " WHERE h.deal_id = d.id AND h.to_stage_id = d.stage_id ORDER BY h.changed_at DESC, h.id DESC LIMIT 1)",
        "owner": "u.name",
        "month": session.dialect.month_key("d.lost_on"),
    }[by]
    rows = session.all(
        f"SELECT {key} AS grp, d.currency, count(*) AS n, sum(d.amount_minor) AS total FROM deal d"
        " JOIN pipeline_stage s ON s.id = d.stage_id LEFT JOIN app_user u ON u.id = d.owner_id"
        f" WHERE {' AND '.join(where)} GROUP BY 1, 2",
        params,
    )
    groups: dict[str, dict[str, Any]] = {}
    spellings: dict[str, dict[str, int]] = {}
    for r in rows:
        name = r["grp"] if r["grp"] is not None else "(none)"
        group_key = fold(name) if by == "reason" else name
        g = groups.setdefault(group_key, {"deals": 0, "value": {}})
        g["deals"] += r["n"]
        g["value"][r["currency"]] = g["value"].get(r["currency"], 0) + r["total"]
        spelled = spellings.setdefault(group_key, {})
        spelled[name] = spelled.get(name, 0) + r["n"]
    total = sum(g["deals"] for g in groups.values())
    out = []
    for group_key, g in groups.items():
        name = min(spellings[group_key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        out.append({
            by: name,
            "deals": g["deals"],
            "share": round(g["deals"] / total, 4),
            "value": {cur: str(from_minor(minor)) for cur, minor in sorted(g["value"].items())},
        })  # fmt: skip
    if by == "month":
        out.sort(key=lambda x: x[by])
    else:
        out.sort(key=lambda x: (-x["deals"], x[by] == "(none)", x[by]))
    return out
