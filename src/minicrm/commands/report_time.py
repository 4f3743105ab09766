"""`minicrm report time`: time spent on interactions and service requests; incoming vs outgoing per kind."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.commands.reports import FromOpt, PeriodOpt, ToOpt, period_of, unnamed
from minicrm.i18n import N_, _
from minicrm.output import Format

#: the first header of each grouping (`--by` stays English)
_BY_HEADERS = {"kind": N_("Kind"), "user": N_("User"), "client": N_("Client"), "company": N_("Company"),
               "month": N_("Month")}  # fmt: skip


def report_time(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option("--by", metavar="[kind|user|client|company|month]", help="kind, user, client, company or month."),
    ] = "kind",
    start: FromOpt = None,
    end: ToOpt = None,
    period: PeriodOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Time spent: interaction durations and request time summed per group; incoming vs outgoing per kind."""
    from minicrm import output
    from minicrm.store.views.time_spent import time_spent

    actx = app_ctx(ctx)
    first, last = period_of(actx, start, end, period)
    data = time_spent(actx.session(), by=by, start=first, end=last)
    if output.emit_data(data, fmt, csv_rows=data["rows"]):
        return
    columns: list[Any] = [(by, _BY_HEADERS.get(by, by.capitalize()), 1), ("interactions", N_("Interactions"), 1),
                          ("incoming", N_("In"), 2), ("outgoing", N_("Out"), 2), ("unknown", N_("Unknown"), 4),
                          ("interaction_time", N_("Time"), 1), ("request_time", N_("Requests"), 2),
                          ("total_time", N_("Total"), 1)]  # fmt: skip
    output.emit_rows(
        unnamed(data["rows"], by), columns, fmt, title=_("Time spent"), empty=_("no interactions or request time")
    )
    if not data["rows"]:
        return
    t = data["total"]
    output.note(
        _("total {total}: interactions {interaction_time} ({timed} of {interactions} with a duration), requests"
          " {request_time}; {incoming} incoming, {outgoing} outgoing, {unknown} unknown").format(
            total=t["total_time"], interaction_time=t["interaction_time"], timed=t["timed"],
            interactions=t["interactions"], request_time=t["request_time"], incoming=t["incoming"],
            outgoing=t["outgoing"], unknown=t["unknown"])
    )  # fmt: skip
    if by != "kind" and data["directions"]:
        output.write("")
        output.emit_rows(data["directions"], [("kind", N_("Kind"), 1), ("interactions", N_("Interactions"), 1),
                                              ("incoming", N_("In"), 1), ("outgoing", N_("Out"), 1),
                                              ("unknown", N_("Unknown"), 2)], fmt,
                         title=_("Incoming and outgoing by kind"))  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("time")(report_time)
