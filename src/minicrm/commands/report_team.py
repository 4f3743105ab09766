"""`minicrm report team`: the head of sales' view, one row per user side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import MAX_DAYS, FormatOpt, app_ctx
from minicrm.i18n import N_, _, pgettext
from minicrm.output import Format


def report_team(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="2026-11, 2026-Q4, 2026, last-30d... (default: this month).",
            show_default=False,
        ),
    ] = None,
    forgotten_days: Annotated[
        int | None,
        typer.Option(
            "--forgotten-days",
            min=1,
            max=MAX_DAYS,
            metavar="N",
            help="Forgotten: silent for N days (default 90, env MINICRM_FORGOTTEN_DAYS).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Each user side by side: interactions by kind, new clients, deals won/lost, revenue, plan %, what is late."""
    from minicrm import display, output
    from minicrm.commands.followups import _default_forgotten_days
    from minicrm.dates import parse_period
    from minicrm.errors import BadInput
    from minicrm.store.sales.plans import plan_period
    from minicrm.store.views.team_report import team_report

    actx = app_ctx(ctx)
    today = actx.today()
    start, end = parse_period(period or "this-month", today=today)
    try:
        planned = plan_period(period or "this-month", today=today)
    except BadInput:  # not a month, quarter or year: no plan to compare with
        planned = None
    rows = team_report(actx.session(), today=today, start=start, end=end, plan=planned,
                       forgotten_days=forgotten_days or _default_forgotten_days())  # fmt: skip
    if fmt is not Format.table:
        output.emit_rows(rows, [], fmt, per_currency=("revenue",))
        return
    kinds = list(dict.fromkeys(k for r in rows for k in r["interactions"]))
    columns: list[tuple[str, str, int]] = [("user", N_("User"), 1)]
    columns += [(f"kind:{k}", k.capitalize(), 3) for k in kinds]
    columns += [("interactions_total", N_("Interactions"), 2), ("new_clients", N_("New clients"), 1),
                ("deals_won", N_("Won"), 1), ("deals_lost", N_("Lost"), 2), ("revenue", N_("Revenue"), 1),
                ("overdue_followups", N_("Overdue"), 1), ("forgotten", N_("Forgotten"), 2),
                ("open_requests", N_("Requests"), 2)]  # fmt: skip
    columns.append(("plan", N_("Plan % done"), 2))
    label = rows[0]["period"]
    if ".." in label:
        title = _("Team {period}; late and open: on {today}").format(period=label, today=display.day(today))
    else:
        title = _("Team {period} ({start}..{end}); late and open: on {today}").format(
            period=label, start=display.day(start), end=display.day(end), today=display.day(today)
        )
    output.emit_rows([_shown(r) for r in rows], columns, fmt, title=title)


#: The targets' short names in the table's plan column (JSON and CSV keep the full ones).
def _short(metric: str) -> str:
    if metric.startswith("revenue "):
        return metric.removeprefix("revenue ")
    short = {"deals": pgettext("plan target", "deals"), "new_clients": pgettext("plan target", "new"),
             "calls": pgettext("plan target", "calls"), "meetings": pgettext("plan target", "meet"),
             "interactions": pgettext("plan target", "int")}  # fmt: skip
    return short.get(metric, metric)


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the table shows it: one column per kind, revenue per currency, % done per target
    (whole percents; `revenue EUR` shown as `EUR`)."""
    from decimal import Decimal

    user = row["user"]
    if row["user_id"] is None:  # the rows of no user: what nobody owns, and the team's sum
        user = {"(nobody)": _("(nobody)"), "team": _("team")}.get(user, user)
    return {
        **row,
        "user": user,
        **{f"kind:{k}": n for k, n in row["interactions"].items()},
        "revenue": ", ".join(f"{a} {c}" for c, a in row["revenue"].items()),
        "plan": " ".join(f"{_short(m)} {Decimal(p):.0f}" for m, p in row["plan_percent"].items() if p is not None),
    }
