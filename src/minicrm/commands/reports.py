"""`minicrm report ...` and `minicrm pipeline`: analytics over deals and interactions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx, on_date, owner_id
from minicrm.i18n import N_
from minicrm.output import Format

app = typer.Typer(help="Reports: pipeline, sales, clients, lost, activity, time, service, plan, team, greetings...",
                  no_args_is_help=True)  # fmt: skip

FromOpt = Annotated[str | None, typer.Option("--from", metavar="DATE", help="First day of the period.")]
ToOpt = Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day of the period.")]
PeriodOpt = Annotated[str | None, typer.Option("--period", help="2026-Q3, 2026-10, 2026, last-90d, ytd...")]
OwnerOpt = Annotated[str | None, typer.Option("--owner", metavar="USER", help="me, NAME or all.")]


def period_of(actx, start: str | None, end: str | None, period: str | None) -> tuple[date | None, date | None]:
    from minicrm.errors import BadInput

    if period and (start or end):
        raise BadInput("give --period or --from/--to, not both")
    if period:
        from minicrm.dates import parse_period  # only then: its month and weekday names take a few ms to build

        return parse_period(period, today=actx.today())
    first = on_date(actx, start) if start else None
    last = on_date(actx, end) if end else None
    if first and last and first > last:
        raise BadInput(f"--from {first} is after --to {last}")
    return first, last


def _money_text(value: dict[str, str]) -> str:
    return ", ".join(f"{amount} {cur}" for cur, amount in value.items())


def pipeline_report(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, period: PeriodOpt = None,
                    owner: OwnerOpt = None, fmt: FormatOpt = Format.table) -> None:  # fmt: skip
    """Per stage: deals, amount, weighted amount, conversion to the next stage, days in stage; a funnel chart."""
    from minicrm import output
    from minicrm.store.sales.reports import pipeline

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = [r.to_json() for r in pipeline(actx.session(), start=first, end=last, owner_id=owner_id(actx, owner))]
    if fmt is not Format.table:
        output.emit_rows(rows, [], fmt, per_currency=("totals", "weighted"))  # CSV: one line per stage and currency
        return
    _funnel(rows)


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
_FUNNEL_COLUMNS = [
    ("stage", N_("Stage"), 1),
    ("count", N_("Deals"), 1),
    ("bar", "", 4),
    ("totals", N_("Amount"), 2),
    ("weighted", N_("Weighted"), 3),
    ("conversion", N_("→ next"), 3),
    ("avg_days", N_("Avg days"), 4),
]


def _funnel(rows: list[dict[str, Any]]) -> None:
    from rich.text import Text

    from minicrm import output

    widest = max((r["count"] for r in rows), default=0) or 1
    columns = output.table_width()
    span = 30 if columns is None else max(10, min(30, columns - 66))  # the bars get what the numbers leave
    shown = []
    for r in rows:
        colour = {"won": "green", "lost": "red"}.get(r["outcome"], "cyan")
        width = round(r["count"] / widest * span)  # a centred bar of full blocks (rich.bar costs ~50 ms to import)
        pad = (span - width) // 2
        shown.append({
            "stage": r["stage"], "count": r["count"], "totals": _money_text(r["totals"]),
            "bar": Text(" " * pad + "█" * width + " " * (span - width - pad), style=colour),
            "weighted": _money_text(r["weighted"]),
            "conversion": f"{r['conversion']:.0%}" if r["conversion"] is not None else "",
            "avg_days": f"{r['avg_days']:.1f}" if r["avg_days"] is not None else "",
        })  # fmt: skip
    output.emit_rows(shown, _FUNNEL_COLUMNS, Format.table, title="Pipeline")


@app.command("forecast")
def forecast_report(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, period: PeriodOpt = None,
                    owner: OwnerOpt = None, fmt: FormatOpt = Format.table) -> None:  # fmt: skip
    """Expected revenue by month of expected close (amount, weighted) against what was won that month."""
    from minicrm import output
    from minicrm.store.sales.reports import forecast

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = [r.to_json() for r in forecast(actx.session(), start=first, end=last, owner_id=owner_id(actx, owner))]
    output.emit_rows(rows, [("month", "Month", 1), ("currency", "", 1), ("open_count", "Open", 2),
                            ("open_amount", "Amount", 2), ("weighted", "Weighted", 3), ("won_count", "Won", 3),
                            ("won_amount", "Won amount", 3)],
                     fmt, empty="no deals with an expected close date")  # fmt: skip


@app.command("sales")
def sales_report(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", metavar="FIELD", help="month, quarter, product, industry, region, source or owner.")
    ] = "month",
    start: FromOpt = None,
    end: ToOpt = None,
    period: PeriodOpt = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Won revenue grouped by month, quarter, product, industry, region, source or owner; win rate, average deal."""
    from minicrm import output
    from minicrm.store.sales.reports import sales

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    report = sales(actx.session(), by=by, start=first, end=last, owner_id=owner_id(actx, owner))
    data = report.to_json()
    if output.emit_data(data, fmt, csv_rows=data["rows"]):
        return
    output.emit_rows(report.rows, [(by, by.capitalize(), 1), ("currency", "", 1), ("deals", "Deals", 2),
                                   ("amount", "Amount", 1)], fmt, empty="no won deals in the period")  # fmt: skip
    if fmt is Format.table:
        rate = f"{report.win_rate:.0%}" if report.win_rate is not None else "n/a"
        average = _money_text({k: str(v) for k, v in report.average.items()}) or "n/a"
        output.note(f"won {report.won_count}, lost {report.lost_count}, win rate {rate}; average won deal {average}")


@app.command("clients")
def clients_report(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    period: PeriodOpt = None,
    owner: OwnerOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many top clients to flag.")] = 10,
    fmt: FormatOpt = Format.table,
) -> None:
    """Client value: lifetime won revenue, deals, first/last purchase, days since contact; regular and top clients."""
    from minicrm import output
    from minicrm.store.sales.reports import clients

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = clients(actx.session(), today=actx.today(), start=first, end=last, owner_id=owner_id(actx, owner), top=top)
    output.emit_rows(rows, [("client", "Client", 1), ("currency", "", 1), ("lifetime_value", "Lifetime", 1),
                            ("won_deals", "Deals", 2), ("first_purchase", "First", 4), ("last_purchase", "Last", 3),
                            ("days_since_interaction", "Silent days", 3), ("regular", "Regular", 4), ("top", "Top", 4),
                            ("products", "Products", 5)], fmt, empty="no won deals yet")  # fmt: skip


@app.command("activity")
def activity_report(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", metavar="[day|week|month]", help="day, week or month.")] = "week",
    per: Annotated[str, typer.Option("--per", metavar="[user|client]", help="user or client.")] = "user",
    start: FromOpt = None,
    end: ToOpt = None,
    period: PeriodOpt = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Interactions per person per day/week by kind (how active each one is), or per client."""
    from minicrm import output
    from minicrm.store.sales.reports import activity

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = activity(actx.session(), start=first, end=last, by=by, per=per, owner_id=owner_id(actx, owner))
    columns = ([("client", "Client"), ("kind", "Kind"), ("count", "Count")] if per == "client" else
               [("period", by.capitalize()), ("user", "User"), ("kind", "Kind"), ("count", "Count")])  # fmt: skip
    output.emit_rows(rows, columns, fmt, empty="no interactions in the period")


@app.command("segments")
def segments_report(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", metavar="FIELD", help="industry, city, status, source, tag or field:NAME.")
    ],
    start: FromOpt = None,
    end: ToOpt = None,
    period: PeriodOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Contacts, won revenue and average value per segment."""
    from minicrm import output
    from minicrm.store.sales.reports import segments

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = segments(actx.session(), by=by, start=first, end=last)
    if fmt is Format.table:
        rows = [{**r, "revenue": _money_text(r["revenue"]),
                 "average_per_contact": _money_text(r["average_per_contact"])} for r in rows]  # fmt: skip
    output.emit_rows(rows, [("segment", by), ("contacts", "Contacts"), ("won_deals", "Won deals"),
                            ("revenue", "Revenue"), ("average_per_contact", "Avg per contact")], fmt,
                     per_currency=("revenue", "average_per_contact"))  # fmt: skip


def register(root: typer.Typer, only: str | None = None) -> None:
    """`deal`, `task`, `pipeline` and `report`; with `only`, just that one, importing only what it needs."""
    if only in (None, "deal"):
        from minicrm.commands.deals import app as deal_app

        root.add_typer(deal_app, name="deal")
    if only in (None, "task"):
        from minicrm.commands.tasks import app as task_app

        root.add_typer(task_app, name="task")
    if only in (None, "pipeline"):
        from minicrm.commands.deals import stages_app

        pipeline_app = typer.Typer(help="The sales funnel; `pipeline stages` configures the stages.",
                                   invoke_without_command=True)  # fmt: skip

        @pipeline_app.callback()
        def pipeline_default(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, period: PeriodOpt = None,
                             owner: OwnerOpt = None, fmt: FormatOpt = Format.table) -> None:  # fmt: skip
            """Per stage: deals, amount, weighted amount, conversion, days in stage (same as report pipeline)."""
            if ctx.invoked_subcommand is None:
                pipeline_report(ctx, start, end, period, owner, fmt)

        pipeline_app.add_typer(stages_app, name="stages")
        root.add_typer(pipeline_app, name="pipeline")
    if only in (None, "report"):
        from minicrm.commands import report_greetings, report_lost, report_time
        from minicrm.commands.campaign_report import report_campaigns
        from minicrm.commands.plans import report_plan
        from minicrm.commands.report_team import report_team
        from minicrm.commands.requests import report_service

        for extra in (report_lost, report_time, report_greetings):
            extra.register(app)

        app.command("pipeline")(pipeline_report)
        app.command("campaigns")(report_campaigns)
        app.command("service")(report_service)
        app.command("plan")(report_plan)
        app.command("team")(report_team)
        root.add_typer(app, name="report")
