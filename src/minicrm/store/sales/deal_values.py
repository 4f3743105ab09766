"""What each contact and company is worth in deals: the won + open amount `forgotten` ranks by, kept by the writes.

`contact.deal_value_minor` and `company.deal_value_minor` (migration 0008) hold `sum(deal.amount_minor)` over the
deals of that contact (company) in a won or open stage, NULL when it has none: the value `forgotten` multiplies by
the days of silence. Stored and indexed, the ranking walks the most valuable first and stops, instead of adding
up every deal of every contact for each run.

Every write of a deal's amount, stage, contact or company calls `refresh_deal_values` for the contacts and
companies it touched (store.sales.deals); a load of a whole database (`import json`) calls
`refresh_all_deal_values`. Deleting a contact or company leaves nothing to keep: the row is gone.
"""

from __future__ import annotations

from collections.abc import Iterable

from minicrm.store.core.db import Session

#: The won + open deal amount of `{owner}` (a contact or company row) through `deal.{column}`.
VALUE_SQL = (
    "(SELECT sum(d.amount_minor) FROM deal d WHERE d.{column} = {owner}.id"
    " AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome IN ('won', 'open')))"
)
_OWNERS = (("contact", "contact_id"), ("company", "company_id"))
_BATCH = 500


def deal_value_sql(column: str, owner: str) -> str:
    """SQL: the won + open deal amount (minor units) of row `owner`, summed from its deals (NULL without any)."""
    return VALUE_SQL.format(column=column, owner=owner)


def refresh_deal_values(
    session: Session, *, contact_ids: Iterable[int | None] = (), company_ids: Iterable[int | None] = ()
) -> None:
    """Recompute the stored deal value of these contacts and companies (None and unknown ids are skipped)."""
    for (table, column), ids in zip(_OWNERS, (contact_ids, company_ids), strict=True):
        wanted = sorted({i for i in ids if i is not None})
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            session.execute(
                f"UPDATE {table} AS o SET deal_value_minor = {deal_value_sql(column, 'o')}"
                f" WHERE o.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )


def refresh_all_deal_values(session: Session) -> None:
    """Recompute every stored deal value (after rows were copied in bypassing the deal functions)."""
    for table, column in _OWNERS:
        session.execute(f"UPDATE {table} SET deal_value_minor = NULL WHERE deal_value_minor IS NOT NULL")
        session.execute(
            f"UPDATE {table} AS o SET deal_value_minor = {deal_value_sql(column, 'o')}"
            f" WHERE o.id IN (SELECT d.{column} FROM deal d)"
        )
