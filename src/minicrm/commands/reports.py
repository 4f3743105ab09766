"""`minicrm report ...` and `minicrm pipeline`: analytics over deals and interactions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx, on_date, owner_id
from minicrm.i18n import N_, _
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
        raise BadInput(_("give --period or --from/--to, not both"))
    if period:
        from minicrm.dates import parse_period  # only then: its month and weekday names take a few ms to build

        return parse_period(period, today=actx.today())
    first = on_date(actx, start) if start else None
    last = on_date(actx, end) if end else None
    if first and last and first > last:
        raise BadInput(_("--from {first} is after --to {last}").format(first=first, last=last))
    return first, last


#: the headers of the groups a report is `--by` (what is typed stays English)
_BY_HEADERS = {"month": N_("Month"), "quarter": N_("Quarter"), "product": N_("Product"), "industry": N_("Industry"),
               "region": N_("Region"), "source": N_("Source"), "owner": N_("Owner"), "day": N_("Day"),
               "week": N_("Week")}  # fmt: skip
#: the segments report's first header: the field as typed (lower case)
_SEGMENT_HEADERS = {"industry": N_("industry"), "city": N_("city"), "status": N_("status"), "source": N_("source"),
                    "tag": N_("tag")}  # fmt: skip


#: the groups of no name the reports put in their data (English in JSON and CSV), as tables show them
_UNNAMED = {"(none)": N_("(none)"), "(nobody)": N_("(nobody)"), "(no company)": N_("(no company)"),
            "(no client)": N_("(no client)"), "(service requests)": N_("(service requests)")}  # fmt: skip


def unnamed(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """`rows` for a table: `(none)` and the like in `key` in the user's language."""
    return [{**r, key: _(_UNNAMED[r[key]])} if r.get(key) in _UNNAMED else r for r in rows]


def _money_text(value: dict[str, str]) -> str:
    from minicrm import display

    return ", ".join(display.money(amount, cur) for cur, amount in value.items())


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

    from minicrm import display, output

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
            "avg_days": display.decimal(f"{r['avg_days']:.1f}") if r["avg_days"] is not None else "",
        })  # fmt: skip
    output.emit_rows(shown, _FUNNEL_COLUMNS, Format.table, title=_("Pipeline"))


@app.command("forecast")
def forecast_report(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, period: PeriodOpt = None,
                    owner: OwnerOpt = None, fmt: FormatOpt = Format.table) -> None:  # fmt: skip
    """Expected revenue by month of expected close (amount, weighted) against what was won that month."""
    from minicrm import output
    from minicrm.store.sales.reports import forecast

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    rows = [r.to_json() for r in forecast(actx.session(), start=first, end=last, owner_id=owner_id(actx, owner))]
    output.emit_rows(rows, [("month", N_("Month"), 1), ("currency", "", 1), ("open_count", N_("Open"), 2),
                            ("open_amount", N_("Amount"), 2), ("weighted", N_("Weighted"), 3),
                            ("won_count", N_("Won"), 3), ("won_amount", N_("Won amount"), 3)],
                     fmt, empty=_("no deals with an expected close date"))  # fmt: skip


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
    output.emit_rows(unnamed(report.rows, by), [(by, _BY_HEADERS.get(by, by.capitalize()), 1), ("currency", "", 1),
                                   ("deals", N_("Deals"), 2), ("amount", N_("Amount"), 1)], fmt,
                     empty=_("no won deals in the period"))  # fmt: skip
    if fmt is Format.table:
        rate = f"{report.win_rate:.0%}" if report.win_rate is not None else _("n/a")
        average = _money_text({k: str(v) for k, v in report.average.items()}) or _("n/a")
        output.note(
            _("won {won}, lost {lost}, win rate {rate}; average won deal {average}").format(
                won=report.won_count, lost=report.lost_count, rate=rate, average=average
            )
        )


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
    output.emit_rows(rows, [("client", N_("Client"), 1), ("currency", "", 1), ("lifetime_value", N_("Lifetime"), 1),
                            ("won_deals", N_("Deals"), 2), ("first_purchase", N_("First"), 4),
                            ("last_purchase", N_("Last"), 3), ("days_since_interaction", N_("Silent days"), 3),
                            ("regular", N_("Regular"), 4), ("top", N_("Top"), 4), ("products", N_("Products"), 5)],
                     fmt, empty=_("no won deals yet"))  # fmt: skip


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
    columns = ([("client", N_("Client")), ("kind", N_("Kind")), ("count", N_("Count"))] if per == "client" else
               [("period", _BY_HEADERS.get(by, by.capitalize())), ("user", N_("User")), ("kind", N_("Kind")),
                ("count", N_("Count"))])  # fmt: skip
    if fmt is Format.table:
        rows = unnamed(rows, "user")
    output.emit_rows(rows, columns, fmt, empty=_("no interactions in the period"))


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
                 "average_per_contact": _money_text(r["average_per_contact"])}
                for r in unnamed(rows, "segment")]  # fmt: skip
    output.emit_rows(rows, [("segment", _SEGMENT_HEADERS.get(by, by)), ("contacts", N_("Contacts")),
                            ("won_deals", N_("Won deals")), ("revenue", N_("Revenue")),
                            ("average_per_contact", N_("Avg per contact"))], fmt,
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
