"""`minicrm request ...`: service requests (tickets), the time spent on them, and the service report."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import (
    FormatOpt,
    IfRevisionOpt,
    LimitOpt,
    app_ctx,
    at_datetime,
    on_date,
    read_text_arg,
)
from minicrm.i18n import N_, _, ngettext, pgettext
from minicrm.output import Format

app = typer.Typer(help="Service requests: what clients asked and the time spent on it.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Request id.", min=1)]
ContactOpt = Annotated[str | None, typer.Option("--contact", "-c", help="Client contact (REF).")]
CompanyOpt = Annotated[str | None, typer.Option("--company", help="Client company (REF; default: the contact's).")]
PriorityOpt = Annotated[str | None, typer.Option("--priority", "-p", help="low, normal, high or urgent.")]
ChannelOpt = Annotated[str | None, typer.Option("--channel", help="How it came in: phone, email, portal...")]
DueOpt = Annotated[str | None, typer.Option("--due", metavar="WHEN", help="Answer by (2026-11-25, friday, +2d...).")]
AssignOpt = Annotated[
    str | None, typer.Option("--assign", metavar="USER", help="Assignee (a user name; created on first use).")
]
DescriptionOpt = Annotated[
    str | None, typer.Option("--description", "-d", metavar="TEXT", help="Details; - reads standard input.")
]


def _client(session, contact: str | None, company: str | None) -> dict[str, Any]:
    from minicrm.store.people.refs import resolve_company, resolve_contact

    values: dict[str, Any] = {}
    if contact is not None:
        values["contact_id"] = resolve_contact(session, contact) if contact else None
    if company is not None:
        values["company_id"] = resolve_company(session, company) if company else None
    return values


def _assignee(actx, name: str | None) -> int | None:
    from minicrm.store.people.users import ensure_user

    return ensure_user(actx.session(), name, now=actx.now()) if name else None


@app.command("add")
def add(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="One line: what the client needs.")],
    contact: ContactOpt = None,
    company: CompanyOpt = None,
    description: DescriptionOpt = None,
    channel: ChannelOpt = None,
    priority: PriorityOpt = None,
    due: DueOpt = None,
    assign: AssignOpt = None,
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN", help="When it came in (default: now).")] = None,
) -> None:
    """Record a client request and print its id."""
    from minicrm import output
    from minicrm.store.service.requests import create_request

    actx = app_ctx(ctx)
    opened_at = at_datetime(actx, at) if at else None
    due_on = on_date(actx, due) if due else None
    text = read_text_arg(description)
    session = actx.session()
    client = _client(session, contact, company)
    request_id = create_request(
        session,
        subject=subject,
        now=actx.now(),
        user_id=actx.user_id(),
        description=text,
        channel=channel,
        priority=priority or "normal",
        due_on=due_on,
        assignee_id=_assignee(actx, assign),
        opened_at=opened_at,
        **client,
    )
    output.write(str(request_id))


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
LIST_COLUMNS = [
    ("id", N_("ID"), 1),
    ("opened_at", N_("Opened"), 4),
    ("priority", N_("Priority"), 2),
    ("status", N_("Status"), 2),
    ("subject", N_("Subject"), 1),
    ("contact", N_("Contact"), 2),
    ("company", N_("Company"), 3),
    ("assignee", N_("Assignee"), 4),
    ("due_on", N_("Due"), 2),
    ("minutes", N_("Min"), 5),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None, typer.Option("--status", "-s", help="Only these statuses (default: open ones; 'all').")
    ] = None,
    contact: ContactOpt = None,
    company: CompanyOpt = None,
    assignee: Annotated[
        str | None, typer.Option("--assignee", metavar="USER", help="Only assigned to this user.")
    ] = None,
    priority: PriorityOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List requests, most urgent first (open ones unless --status says otherwise)."""
    from minicrm import output
    from minicrm.store.people.users import resolve_user
    from minicrm.store.service.requests import OPEN_STATUSES, list_requests

    actx = app_ctx(ctx)
    session = actx.session()
    statuses: tuple[str, ...] | None = OPEN_STATUSES
    if status:
        statuses = None if "all" in status else tuple(status)
    client = _client(session, contact, company)
    rows = list_requests(
        session,
        statuses=statuses,
        contact_id=client.get("contact_id"),
        company_id=client.get("company_id"),
        assignee_id=resolve_user(session, assignee) if assignee else None,
        priority=priority,
        limit=limit,
    )
    out = [r.to_json() for r in rows]
    if fmt is Format.table:
        from minicrm.store.service.requests import priority_label, status_label

        for row in out:
            row["status"], row["priority"] = status_label(row["status"]), priority_label(row["priority"])
    output.emit_rows(out, LIST_COLUMNS, fmt, empty=_("no requests"))


@app.command("show")
def show(ctx: typer.Context, request_id: IdArg, fmt: FormatOpt = Format.table) -> None:
    """Show a request with its time entries."""
    from minicrm import output
    from minicrm.store.service.requests import get_request

    output.emit_object(get_request(app_ctx(ctx).session(), request_id).to_json(), fmt, table=_card)


TIME_COLUMNS = [("spent_on", N_("Day"), 1), ("minutes", N_("Min"), 1), ("user", N_("Who"), 2), ("note", N_("Note"), 3)]


def _card(r: dict[str, Any]):
    from minicrm.output import key_values
    from minicrm.store.service.requests import priority_label, status_label

    yield key_values(
        [
            (_("Request"), f"#{r['id']} {r['subject']}"),
            (_("Status"), f"{status_label(r['status'])} ({priority_label(r['priority'])})"),
            (_("Client"), " / ".join(x for x in (r["contact"], r["company"]) if x)),
            (_("Channel"), r["channel"]),
            (_("Assignee"), r["assignee"]),
            (_("Opened"), r["opened_at"]),
            (_("Due"), r["due_on"]),
            (_("Resolved"), r["resolved_at"]),
            (_("Closed"), r["closed_at"]),
            (_("Description"), r["description"]),
            (_("Resolution"), r["resolution"]),
            (_("Time spent"), _("{minutes} min").format(minutes=r["minutes"])),
        ]
    )
    if r["time"]:
        from minicrm.output import Listing

        yield Listing(r["time"], TIME_COLUMNS, title=_("Time"))


@app.command("update")
def update(
    ctx: typer.Context,
    request_id: IdArg,
    status: Annotated[str | None, typer.Option("--status", "-s", help="new, open, waiting, resolved, closed.")] = None,
    priority: PriorityOpt = None,
    subject: Annotated[str | None, typer.Option("--subject", help="New subject.")] = None,
    description: DescriptionOpt = None,
    channel: ChannelOpt = None,
    due: DueOpt = None,
    assign: AssignOpt = None,
    contact: ContactOpt = None,
    company: CompanyOpt = None,
    resolution: Annotated[str | None, typer.Option("--resolution", help="How it was solved.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="WHEN", help="When it was resolved/closed (default: now).")
    ] = None,
    if_revision: IfRevisionOpt = None,
) -> None:
    """Change a request ('' clears a value)."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.service.requests import update_request

    actx = app_ctx(ctx)
    values: dict[str, Any] = {}
    for key, value in (("status", status), ("priority", priority), ("subject", subject)):
        if value is not None:
            values[key] = value
    for key, value in (("channel", channel), ("resolution", resolution), ("description", read_text_arg(description))):
        if value is not None:
            values[key] = value or None
    if due is not None:
        values["due_on"] = on_date(actx, due) if due else None
    stamp = at_datetime(actx, at) if at else None
    session = actx.session()
    with session.write():  # a new assignee is created only if the change goes through
        if assign is not None:
            values["assignee_id"] = _assignee(actx, assign)
        values.update(_client(session, contact, company))
        if not values:
            raise BadInput(_("nothing to change (see: minicrm request update --help)"))
        r = update_request(
            session, request_id, now=actx.now(), user_id=actx.user_id(), at=stamp, expected_revision=if_revision,
            **values,
        )  # fmt: skip
    from minicrm.store.service.requests import status_label

    output.note(_("request {id}: {status}").format(id=r.id, status=status_label(r.status)))


@app.command("close")
def close(
    ctx: typer.Context,
    request_id: IdArg,
    resolution: Annotated[str | None, typer.Option("--resolution", "-r", help="How it was solved.")] = None,
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN", help="When it was closed (default: now).")] = None,
) -> None:
    """Close a request (stamps the resolved and closed times)."""
    from minicrm import output
    from minicrm.store.service.requests import close_request

    actx = app_ctx(ctx)
    stamp = at_datetime(actx, at) if at else None
    r = close_request(
        actx.session(), request_id, now=actx.now(), user_id=actx.user_id(), resolution=resolution, at=stamp
    )
    output.note(_("request {id} closed ({minutes} min spent)").format(id=r.id, minutes=r.minutes))


@app.command("time", context_settings={"ignore_unknown_options": True})
def time_(
    ctx: typer.Context,
    request_id: IdArg,
    duration: Annotated[str, typer.Argument(help="Time spent: 25m, 1h30m, 90 (minutes).")],
    note: Annotated[str | None, typer.Argument(help="What was done.")] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="Day it was spent (default: today).")] = None,
    by: Annotated[str | None, typer.Option("--by", metavar="USER", help="Who spent it (default: --as user).")] = None,
) -> None:
    """Log time spent on a request; prints the request's total minutes."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.service.requests import add_time, get_request
    from minicrm.values.duration import parse_minutes

    actx = app_ctx(ctx)
    if duration.strip().startswith("-"):
        raise BadInput(_("negative time '{duration}'").format(duration=duration))
    minutes = parse_minutes(duration)
    spent_on = on_date(actx, on) if on else None
    session = actx.session()
    user_id = _assignee(actx, by) if by else actx.user_id()
    add_time(session, request_id, minutes=minutes, note=note, spent_on=spent_on, now=actx.now(), user_id=user_id)
    total = get_request(session, request_id).minutes
    output.note(
        _("request {id}: +{minutes} min, {total} min in all").format(id=request_id, minutes=minutes, total=total)
    )
    output.write(str(total))


def report_service(
    ctx: typer.Context,
    period: Annotated[
        str | None, typer.Option("--period", help="2026-Q4, 2026-11, ytd, last-90d... (default: all time).")
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option("--rate", metavar="AMOUNT", help="Hourly cost of service, e.g. 60: adds the cost per client."),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many subjects (and, in the table, clients).")] = 10,
    fmt: FormatOpt = Format.table,
) -> None:
    """Service report: requests by status, time to resolve, time spent per client, frequent subjects."""
    from minicrm import output
    from minicrm.dates import parse_period
    from minicrm.store.service.request_reports import service_report
    from minicrm.values.money import parse_money, to_minor

    actx = app_ctx(ctx)
    start, end = parse_period(period, today=actx.today()) if period else (None, None)
    rate_minor = to_minor(parse_money(rate, "rate")) if rate is not None else None
    data = service_report(actx.session(), start=start, end=end, rate_minor=rate_minor, top=top)
    if output.emit_data(data, fmt, csv_rows=data["time_per_client"]):
        return
    res = data["resolution"]
    from minicrm.store.service.requests import status_label

    by_status = [{**row, "status": status_label(row["status"])} for row in data["by_status"]]
    output.emit_rows(by_status, [("status", N_("Status")), ("requests", N_("Requests"))], fmt, title=_("By status"))
    output.write(
        "\n"
        + _("Resolved: {resolved}, average {average} h, longest {longest} h").format(
            resolved=res["resolved"], average=res["average_hours"] or "-", longest=res["longest_hours"] or "-"
        )
    )
    output.write("")
    nobody = _("(no client)")  # JSON and CSV keep the English
    clients = [
        {**c, "client": nobody} if c["company_id"] is None and c["contact_id"] is None else c
        for c in data["time_per_client"]
    ]
    output.emit_rows(
        clients[:top],
        [
            ("client", N_("Client")),
            ("requests", N_("Requests")),
            ("minutes", N_("Minutes")),
            ("hours", N_("Hours")),
            ("cost", N_("Cost")),
        ],
        fmt,
        title=_("Time spent per client"),
        empty=_("no time logged"),
    )
    if len(clients) > top:
        more = len(clients) - top
        output.note(
            ngettext(
                "... and {n} more client (all of them: --format csv or json)",
                "... and {n} more clients (all of them: --format csv or json)",
                more,
            ).format(n=more)
        )
    output.write("")
    output.emit_rows(
        data["subjects"],
        [("subject", N_("Subject")), ("requests", N_("Requests")), ("open", pgettext("requests still open", "Open"))],
        fmt,
        title=_("Most frequent subjects"),
        empty=_("no requests"),
    )


def register(root: typer.Typer) -> None:
    app.command("report")(report_service)
    root.add_typer(app, name="request")
