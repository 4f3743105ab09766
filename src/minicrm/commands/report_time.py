"""`minicrm report time`: time spent on interactions and service requests; incoming vs outgoing per kind."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.commands.reports import FromOpt, PeriodOpt, ToOpt, period_of
from minicrm.output import Format


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
    columns: list[Any] = [(by, by.capitalize(), 1), ("interactions", "Interactions", 1), ("incoming", "In", 2),
                          ("outgoing", "Out", 2), ("unknown", "Unknown", 4), ("interaction_time", "Time", 1),
                          ("request_time", "Requests", 2), ("total_time", "Total", 1)]  # fmt: skip
    output.emit_rows(data["rows"], columns, fmt, title="Time spent", empty="no interactions or request time")
    if not data["rows"]:
        return
    t = data["total"]
    output.note(f"total {t['total_time']}: interactions {t['interaction_time']} ({t['timed']} of"
                f" {t['interactions']} with a duration), requests {t['request_time']};"
                f" {t['incoming']} incoming, {t['outgoing']} outgoing, {t['unknown']} unknown")  # fmt: skip
    if by != "kind" and data["directions"]:
        output.write("")
        output.emit_rows(data["directions"], [("kind", "Kind", 1), ("interactions", "Interactions", 1),
                                              ("incoming", "In", 1), ("outgoing", "Out", 1),
                                              ("unknown", "Unknown", 2)], fmt,
                         title="Incoming and outgoing by kind")  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("time")(report_time)
