"""`minicrm plan set|list|delete` and `minicrm report plan`: sales targets and how far each one is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.i18n import N_, _, ngettext
from minicrm.output import Format

if TYPE_CHECKING:
    from minicrm.context import AppContext
    from minicrm.store.sales.plans import PlanPeriod

app = typer.Typer(help="Sales plans: targets per user or for the team, per month, quarter or year.",
                  no_args_is_help=True)  # fmt: skip

PeriodArg = Annotated[
    str,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="A month, quarter or year: 2026-12, 2026-Q4, 2026, this-month...",
        show_default=False,
    ),
]
UserOpt = Annotated[str | None, typer.Option("--user", metavar="USER", help="Whose plan (default: --as).",
                                             show_default=False)]  # fmt: skip
TeamOpt = Annotated[bool, typer.Option("--team", help="The team's plan (not one user's).")]

#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
PLAN_COLUMNS = [
    ("id", N_("ID"), 2),
    ("period", N_("Period"), 1),
    ("whose", N_("Whose"), 1),
    ("revenue", N_("Revenue"), 2),
    ("deals", N_("Deals"), 2),
    ("new_clients", N_("New clients"), 3),
    ("calls", N_("Calls"), 3),
    ("meetings", N_("Meetings"), 3),
    ("interactions", N_("Interactions"), 3),
]
REPORT_COLUMNS = [
    ("user", N_("User"), 1),
    ("metric", N_("Metric"), 1),
    ("plan", N_("Plan"), 1),
    ("fact", N_("Fact"), 1),
    ("done_percent", N_("Done %"), 1),
    ("projection", N_("Projection"), 2),
    ("projected_percent", N_("Projected %"), 2),
]


def _whose(actx: AppContext, user: str | None, team: bool) -> int | None:
    """The user id a plan belongs to (None: the team's): --user, --team, else the acting user (--as)."""
    from minicrm.errors import BadInput
    from minicrm.store.people.users import check_active, resolve_user

    if user and team:
        raise BadInput(_("--user and --team: a plan is one user's or the team's, not both"))
    if team:
        return None
    name = user or actx.user
    if not name:
        raise BadInput(_("whose plan? give --user NAME or --team (or act as a user with --as)"))
    return check_active(actx.session(), resolve_user(actx.session(), name), name)


def _period(actx: AppContext, text: str) -> PlanPeriod:
    from minicrm.store.sales.plans import plan_period

    return plan_period(text, today=actx.today())


@app.command("set")
def plan_set(
    ctx: typer.Context,
    period: PeriodArg,
    user: UserOpt = None,
    team: TeamOpt = False,
    revenue: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--revenue",
            metavar="AMOUNT CUR",
            help="Revenue target and its currency: --revenue 50000 EUR.",
            show_default=False,
        ),
    ] = None,
    deals: Annotated[int | None, typer.Option("--deals", min=0, metavar="N", help="Deals won.")] = None,
    new_clients: Annotated[
        int | None, typer.Option("--new-clients", min=0, metavar="N", help="New clients (first deal won).")
    ] = None,
    calls: Annotated[int | None, typer.Option("--calls", min=0, metavar="N", help="Calls logged.")] = None,
    meetings: Annotated[int | None, typer.Option("--meetings", min=0, metavar="N", help="Meetings logged.")] = None,
    interactions: Annotated[
        int | None, typer.Option("--interactions", min=0, metavar="N", help="Interactions logged (notes aside).")
    ] = None,
) -> None:
    """Set a sales plan's targets and print its id (targets not given stay as they were)."""
    from minicrm import display, output
    from minicrm.store.sales.plans import set_plan
    from minicrm.values.money import parse_money

    actx = app_ctx(ctx)
    plan_for = _period(actx, period)
    owner = _whose(actx, user, team)
    amount = parse_money(revenue[0], _("revenue")) if revenue else None
    plan, created = set_plan(
        actx.session(), user_id=owner, period=plan_for, now=actx.now(), revenue=amount,
        currency=revenue[1] if revenue else None, acting_id=actx.user_id(),
        targets={"deals": deals, "new_clients": new_clients, "calls": calls, "meetings": meetings,
                 "interactions": interactions},
    )  # fmt: skip
    output.write(str(plan.id))
    span = {"period": plan.period.label, "start": display.cell(str(plan.period.start)),
            "end": display.cell(str(plan.period.end))}  # fmt: skip
    if plan.user is None:
        text = (_("new plan: the team, {period} ({start}..{end})") if created
                else _("plan updated: the team, {period} ({start}..{end})"))  # fmt: skip
    else:
        text = (_("new plan: {user}, {period} ({start}..{end})") if created
                else _("plan updated: {user}, {period} ({start}..{end})"))  # fmt: skip
    output.note(text.format(user=plan.user, **span))


@app.command("list")
def plan_list(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option("--period", metavar="PERIOD", help="Only this month, quarter or year.", show_default=False),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", metavar="USER", help="Only this user's plans.", show_default=False)
    ] = None,
    team: Annotated[bool, typer.Option("--team", help="Only the team's plans.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Sales plans, oldest period first; each period's team plan first, then the users by name."""
    from minicrm import output
    from minicrm.store.people.users import resolve_user
    from minicrm.store.sales.plans import list_plans

    actx = app_ctx(ctx)
    session = actx.session()
    plans = list_plans(session, period=_period(actx, period) if period else None,
                       user_id=resolve_user(session, user) if user else None, team_only=team)  # fmt: skip
    rows = [p.to_json() for p in plans]
    if fmt is Format.table:
        rows = [{**r, "whose": r["user"] or _("team"),
                 "revenue": f"{r['revenue']} {r['currency']}" if r["revenue"] else None} for r in rows]  # fmt: skip
    empty = _("no plans (set one: minicrm plan set --period 2026-12 --user NAME --deals 5)")
    output.emit_rows(rows, PLAN_COLUMNS, fmt, empty=empty)


@app.command("delete")
def plan_delete(
    ctx: typer.Context,
    plan_id: Annotated[
        int | None, typer.Argument(metavar="[ID]", help="The plan's id (plan list).", show_default=False)
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", metavar="PERIOD", help="The plan's period (without ID).", show_default=False),
    ] = None,
    user: UserOpt = None,
    team: TeamOpt = False,
) -> None:
    """Delete a plan: by ID, or by --period and --user/--team."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.sales.plans import delete_plan

    actx = app_ctx(ctx)
    if plan_id is None and period is None:
        raise BadInput(_("which plan? give its ID, or --period with --user NAME or --team"))
    if plan_id is not None and (period or user or team):
        raise BadInput(_("give the plan's ID, or --period with --user/--team, not both"))
    if plan_id is not None:
        plan = delete_plan(actx.session(), plan_id=plan_id, now=actx.now(), acting_id=actx.user_id())
    else:
        assert period is not None
        plan = delete_plan(actx.session(), user_id=_whose(actx, user, team), period=_period(actx, period),
                           now=actx.now(), acting_id=actx.user_id())  # fmt: skip
    if plan.user is None:
        output.note(_("deleted plan {id}: the team, {period}").format(id=plan.id, period=plan.period.label))
    else:
        output.note(
            _("deleted plan {id}: {user}, {period}").format(id=plan.id, user=plan.user, period=plan.period.label)
        )


def report_plan(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="A planned month, quarter or year (default: every planned period running today).",
            show_default=False,
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", metavar="USER", help="Only this user's plan.", show_default=False)
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Plan against fact per user and for the team: % done and the run-rate projection on working days."""
    from minicrm import display, output
    from minicrm.store.people.users import resolve_user
    from minicrm.store.sales.plan_report import plan_report

    actx = app_ctx(ctx)
    session = actx.session()
    chosen = _period(actx, period) if period else None
    rows = plan_report(session, today=actx.today(), period=chosen,
                       user_id=resolve_user(session, user) if user else None)  # fmt: skip
    if fmt is not Format.table:
        output.emit_rows(rows, REPORT_COLUMNS, fmt)
        return
    if not rows:
        if chosen:
            text = _("no plan for {period} (set one: minicrm plan set --period 2026-12 --user NAME --deals 5)")
        else:
            text = _("no plan for a period running on {today} (set one: minicrm plan set --period 2026-12 --user NAME"
                     " --deals 5)")  # fmt: skip
        output.note(text.format(period=chosen.label if chosen else None, today=actx.today()))
        return
    labels = list(dict.fromkeys(r["period"] for r in rows))
    for n, label in enumerate(labels):
        mine = [_shown(r) for r in rows if r["period"] == label]
        first = rows[[r["period"] for r in rows].index(label)]
        title = ngettext("Plan {period} ({start}..{end}): {elapsed} of {n} working day",
                         "Plan {period} ({start}..{end}): {elapsed} of {n} working days", first["working_days"]).format(
            period=label, start=display.cell(first["starts_on"]), end=display.cell(first["ends_on"]),
            elapsed=first["working_days_elapsed"],
            n=first["working_days"])  # fmt: skip
        if n:
            output.write("")
        output.emit_rows(mine, REPORT_COLUMNS, fmt, title=title)


#: the metrics as the report's table names them (JSON and CSV keep the keys)
def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A report row as the table shows it: amounts with their currency, percentages with %, the team marked."""
    from minicrm import display

    cur = f" {row['currency']}" if row["currency"] else ""

    def amount(value: Any) -> str:
        if value is None:
            return ""
        return f"{value}{cur}" if cur else display.decimal(str(value))  # money: formatted as a cell

    def pct(value: str | None) -> str:
        return "" if value is None else display.decimal(value) + "%"  # `11,5%` in Russian

    user = _("team") if row["scope"] == "team" else row["user"]
    if row["plan_source"] != "plan":
        user = _("{user} (sum of plans)").format(user=user)
    from minicrm.store.sales.plans import metric_label

    metric = metric_label(row["metric"])
    return {**row, "user": user, "metric": metric, "plan": amount(row["plan"]),
            "fact": amount(row["fact"]), "projection": amount(row["projection"]),
            "done_percent": pct(row["done_percent"]), "projected_percent": pct(row["projected_percent"])}  # fmt: skip


def register(root: typer.Typer, only: str | None = None) -> None:
    """`plan` (`report plan` is attached by commands.reports)."""
    root.add_typer(app, name="plan")
