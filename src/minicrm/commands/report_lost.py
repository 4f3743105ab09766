"""`minicrm report lost` (clients who stopped buying) and `report lost-deals` (why deals are lost)."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, app_ctx, owner_id
from minicrm.commands.reports import FromOpt, OwnerOpt, PeriodOpt, ToOpt, period_of
from minicrm.i18n import N_
from minicrm.output import Format

LOST_COLUMNS = [
    ("client", N_("Client"), 1),
    ("lifetime", N_("Lifetime value"), 1),
    ("last_purchase", N_("Last purchase"), 1),
    ("last_contact", N_("Last contact"), 2),
    ("owner", N_("Owner"), 2),
    ("won_deals", N_("Deals"), 3),
    ("orders", N_("Orders"), 4),
    ("open_deals", N_("Open deals"), 3),
]


def _money_text(value: dict[str, str]) -> str:
    return ", ".join(f"{amount} {cur}" for cur, amount in value.items())


def report_lost(
    ctx: typer.Context,
    months: Annotated[
        int, typer.Option("--months", min=1, max=1200, help="Lost: nothing bought for this many months.")
    ] = 6,
    owner: OwnerOpt = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="[recent|purchases|silence]",
            help="recent: the latest to stop first; purchases: the most loyal first; silence: the longest"
            " without contact first.",
        ),
    ] = "recent",
    fmt: FormatOpt = Format.table,
) -> None:
    """Lost clients: they bought (won deals, orders) and nothing for N months; lifetime value, last contact, owner."""
    from minicrm import output
    from minicrm.store.sales.lost import lost_clients, months_before

    actx = app_ctx(ctx)
    rows = lost_clients(actx.session(), today=actx.today(), months=months, owner_id=owner_id(actx, owner), sort=sort)
    cutoff = months_before(actx.today(), months).isoformat()
    if fmt is not Format.table:
        output.emit_rows(rows, [], fmt, per_currency=("lifetime_value",))
        return
    shown = [{**r, "lifetime": _money_text(r["lifetime_value"]) or "-",
              "last_contact": (r["last_contact"] or "never")[:10]} for r in rows]  # fmt: skip
    output.emit_rows(shown, LOST_COLUMNS, fmt, title=f"Lost clients: bought nothing since {cutoff}",
                     empty=f"no lost clients: everyone who bought did so after {cutoff}")  # fmt: skip


def report_lost_deals(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="[reason|stage|owner|month]",
            help="reason, stage (the one it was lost from), owner or month.",
        ),
    ] = "reason",
    start: FromOpt = None,
    end: ToOpt = None,
    period: PeriodOpt = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Why deals are lost: lost deals per reason, stage, owner or month; count, share and value per currency."""
    from minicrm import output
    from minicrm.store.sales.lost import lost_deals

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = lost_deals(actx.session(), by=by, start=first, end=last, owner_id=owner_id(actx, owner))
    if fmt is not Format.table:
        output.emit_rows(rows, [], fmt, per_currency=("value",))
        return
    shown = [{**r, "share": f"{r['share']:.0%}", "value": _money_text(r["value"])} for r in rows]
    output.emit_rows(shown, [(by, by.capitalize(), 1), ("deals", "Lost deals", 1), ("share", "Share", 2),
                             ("value", "Value", 1)], fmt, empty="no lost deals in the period")  # fmt: skip
    if rows:
        output.note(f"{sum(r['deals'] for r in rows)} lost deals")


def register(app: typer.Typer) -> None:
    app.command("lost")(report_lost)
    app.command("lost-deals")(report_lost_deals)
