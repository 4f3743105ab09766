"""Campaign results: reach, responses, deals won, cost per response and per won deal, per campaign and channel."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from minicrm.errors import NotFound
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.sales.campaigns import (
    CAMPAIGN_SELECT,
    Campaign,
    campaign_filters,
    campaign_record,
    campaign_status,
    ratio,
)
from minicrm.values.money import minor_text

# -- report ------------------------------------------------------------------------------------

_STATS_SQL = """
SELECT c.id, c.name, c.channel, c.currency, c.starts_on, c.ends_on, c.budget_minor, c.cost_minor,
  coalesce(m.reach, 0) AS reach,
  coalesce(r.responders, 0) AS responders, coalesce(r.interactions, 0) AS interactions,
  coalesce(d.deals, 0) AS deals, coalesce(d.won, 0) AS won, coalesce(d.won_minor, 0) AS won_minor,
  coalesce(d.won_other, 0) AS won_other
FROM campaign c
LEFT JOIN (SELECT campaign_id, count(*) AS reach FROM campaign_member GROUP BY campaign_id) m
  ON m.campaign_id = c.id
LEFT JOIN (SELECT campaign_id, count(DISTINCT contact_id) AS responders, count(*) AS interactions
           FROM interaction WHERE campaign_id IS NOT NULL GROUP BY campaign_id) r
  ON r.campaign_id = c.id
LEFT JOIN (SELECT d.campaign_id, count(*) AS deals,
             sum(CASE WHEN s.outcome = 'won' THEN 1 ELSE 0 END) AS won,
             sum(CASE WHEN s.outcome = 'won' AND d.currency = k.currency THEN d.amount_minor ELSE 0 END) AS won_minor,
             sum(CASE WHEN s.outcome = 'won' AND d.currency <> k.currency THEN 1 ELSE 0 END) AS won_other
           FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id JOIN campaign k ON k.id = d.campaign_id
           WHERE d.campaign_id IS NOT NULL GROUP BY d.campaign_id) d
  ON d.campaign_id = c.id
"""


def _figures(reach: int, responders: int, won_minor: int, cost_minor: int | None) -> dict[str, Any]:
    return {
        "response_rate": ratio(Decimal(responders) * 100, reach),
        "cost_per_response": minor_text(int((Decimal(cost_minor) / responders).quantize(Decimal(1), ROUND_HALF_EVEN)))
        if cost_minor is not None and responders
        else None,
        "roi": ratio(Decimal(won_minor - cost_minor) * 100, cost_minor) if cost_minor else None,
    }


def campaign_stats(
    session: Session,
    *,
    today: date,
    channel: str | None = None,
    start: date | None = None,
    end: date | None = None,
    campaign_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per campaign: reach, responses, response rate, deals, won revenue, cost per response, ROI.

    `responses` counts the contacts who answered (an interaction logged with the campaign), so the rate
    never passes 100% when one person answers twice; `interactions` counts every logged answer. Revenue is
    the won deals in the campaign's currency (`won_other_currency` counts the others). ROI = (won - cost) /
    cost, in percent; empty without an actual cost.
    """
    where, params = campaign_filters(channel=channel, start=start, end=end, campaign_id=campaign_id)
    sql = _STATS_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY c.starts_on IS NULL, c.starts_on, c.id"
    out = []
    for r in session.all(sql, params):
        out.append(
            {
                "id": r["id"],
                "campaign": r["name"],
                "channel": r["channel"],
                "status": campaign_status(r["starts_on"], r["ends_on"], today),
                "starts_on": iso(r["starts_on"]),
                "ends_on": iso(r["ends_on"]),
                "currency": r["currency"],
                "reach": r["reach"],
                "responses": r["responders"],
                "interactions": r["interactions"],
                "deals": r["deals"],
                "won_deals": r["won"],
                "won_revenue": minor_text(r["won_minor"]),
                "won_other_currency": r["won_other"],
                "budget": minor_text(r["budget_minor"]),
                "cost": minor_text(r["cost_minor"]),
                **_figures(r["reach"], r["responders"], r["won_minor"], r["cost_minor"]),
            }
        )
    return out


def channel_stats(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`campaign_stats` rows summed per channel and currency (a handful of campaigns, not data rows)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        g = groups.setdefault(
            (row["channel"], row["currency"]),
            {
                "channel": row["channel"],
                "currency": row["currency"],
                "campaigns": 0,
                "reach": 0,
                "responses": 0,
                "interactions": 0,
                "deals": 0,
                "won_deals": 0,
                "won_minor": 0,
                "budget_minor": None,
                "cost_minor": None,
            },
        )
        g["campaigns"] += 1
        for key in ("reach", "responses", "interactions", "deals", "won_deals"):
            g[key] += row[key]
        g["won_minor"] += minor_of(row["won_revenue"]) or 0
        for key, field in (("budget_minor", "budget"), ("cost_minor", "cost")):
            if (minor := minor_of(row[field])) is not None:
                g[key] = (g[key] or 0) + minor
    out = []
    for g in sorted(groups.values(), key=lambda g: (g["channel"], g["currency"])):
        won_minor, budget_minor, cost_minor = g.pop("won_minor"), g.pop("budget_minor"), g.pop("cost_minor")
        out.append(
            {
                **g,
                "won_revenue": minor_text(won_minor),
                "budget": minor_text(budget_minor),
                "cost": minor_text(cost_minor),
                **_figures(g["reach"], g["responses"], won_minor, cost_minor),
            }
        )
    return out


def minor_of(text: str | None) -> int | None:
    return None if text is None else int(Decimal(text).scaleb(2))


def get_campaign(session: Session, campaign_id: int, *, today: date) -> Campaign:
    row = session.one(CAMPAIGN_SELECT + " WHERE c.id = ?", (campaign_id,))
    if row is None:
        raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
    campaign = campaign_record(row, today)
    stats = campaign_stats(session, today=today, campaign_id=campaign_id)
    campaign.stats = {k: v for k, v in stats[0].items() if k not in campaign.to_json()} if stats else {}
    return campaign
