"""`minicrm report campaigns`: one function the `report` group attaches (also `minicrm campaign report`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.i18n import N_, _
from minicrm.output import Format


class By(StrEnum):
    campaign = "campaign"
    channel = "channel"


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
CAMPAIGN_COLUMNS = [
    ("id", N_("ID"), 1),
    ("campaign", N_("Campaign"), 1),
    ("channel", N_("Channel"), 3),
    ("reach", N_("Reach"), 2),
    ("responses", N_("Responses"), 2),
    ("response_rate", N_("Rate %"), 2),
    ("deals", N_("Deals"), 3),
    ("won_deals", N_("Won"), 3),
    ("won_revenue", N_("Won revenue"), 2),
    ("cost", N_("Cost"), 3),
    ("cost_per_response", N_("Cost/resp."), 4),
    ("roi", N_("ROI %"), 3),
    ("currency", N_("Cur"), 2),
]
CHANNEL_COLUMNS = [("channel", N_("Channel"), 1), ("campaigns", N_("Campaigns"), 2), *CAMPAIGN_COLUMNS[3:]]


def report_campaigns(
    ctx: typer.Context,
    by: Annotated[By, typer.Option("--by", help="One row per campaign or per channel.")] = By.campaign,
    period: Annotated[
        str | None, typer.Option("--period", help="Campaigns running in: 2026-Q4, 2026-11, ytd, last-90d...")
    ] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Campaign results: reach, responses, response rate, deals, won revenue, cost per response, ROI."""
    from minicrm import output
    from minicrm.dates import parse_period
    from minicrm.store.sales.campaign_report import campaign_stats, channel_stats

    actx = app_ctx(ctx)
    start, end = parse_period(period, today=actx.today()) if period else (None, None)
    rows = campaign_stats(actx.session(), today=actx.today(), channel=channel, start=start, end=end)
    if by is By.channel:
        output.emit_rows(channel_stats(rows), CHANNEL_COLUMNS, fmt, empty=_("no campaigns"))
    else:
        output.emit_rows(rows, CAMPAIGN_COLUMNS, fmt, empty=_("no campaigns"))
