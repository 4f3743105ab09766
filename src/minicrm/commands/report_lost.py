"""`minicrm report lost` (clients who stopped buying) and `report lost-deals` (why deals are lost)."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, app_ctx, owner_id
from minicrm.commands.reports import FromOpt, OwnerOpt, PeriodOpt, ToOpt, period_of, unnamed
from minicrm.i18n import N_, _, ngettext
from minicrm.output import Format

_BY_HEADERS = {"reason": N_("Reason"), "stage": N_("Stage"), "owner": N_("Owner"), "month": N_("Month")}
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
    from minicrm import display

    return ", ".join(display.money(amount, cur) for cur, amount in value.items())


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
    from minicrm import display, output
    from minicrm.store.sales.lost import lost_clients, months_before

    actx = app_ctx(ctx)
    rows = lost_clients(actx.session(), today=actx.today(), months=months, owner_id=owner_id(actx, owner), sort=sort)
    cutoff = display.day(months_before(actx.today(), months))
    if fmt is not Format.table:
        output.emit_rows(rows, [], fmt, per_currency=("lifetime_value",))
        return
    shown = [{**r, "lifetime": _money_text(r["lifetime_value"]) or "-",
              "last_contact": (r["last_contact"] or _("never"))[:10]} for r in rows]  # fmt: skip
    output.emit_rows(shown, LOST_COLUMNS, fmt, title=_("Lost clients: bought nothing since {day}").format(day=cutoff),
                     empty=_("no lost clients: everyone who bought did so after {day}").format(day=cutoff))  # fmt: skip


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
    shown = [{**r, "share": f"{r['share']:.0%}", "value": _money_text(r["value"])} for r in unnamed(rows, by)]
    output.emit_rows(shown, [(by, _BY_HEADERS.get(by, by.capitalize()), 1), ("deals", N_("Lost deals"), 1),
                             ("share", N_("Share"), 2), ("value", N_("Value"), 1)], fmt,
                     empty=_("no lost deals in the period"))  # fmt: skip
    if rows:
        n = sum(r["deals"] for r in rows)
        output.note(ngettext("{n} lost deal", "{n} lost deals", n).format(n=n))


def register(app: typer.Typer) -> None:
    app.command("lost")(report_lost)
    app.command("lost-deals")(report_lost_deals)
