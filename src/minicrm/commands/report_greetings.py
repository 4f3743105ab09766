"""`minicrm report greetings`: whom to greet soon (birthdays, anniversaries, name days) and how to reach them."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, app_ctx, owner_id, span_days
from minicrm.commands.reports import OwnerOpt
from minicrm.i18n import N_, ngettext
from minicrm.output import Format

GREETING_COLUMNS = [
    ("on", N_("Date"), 1),
    ("in_days", N_("In days"), 3),
    ("contact", N_("Contact"), 1),
    ("label", N_("Occasion"), 1),
    ("years", N_("Years"), 2),
    ("phones", N_("Phone"), 1),
    ("emails", N_("E-mail"), 2),
    ("company", N_("Company"), 3),
]


def report_greetings(
    ctx: typer.Context,
    within: Annotated[str, typer.Option("--within", metavar="SPAN", help="How far ahead: 14d, 3w, 1m.")] = "14d",
    owner: OwnerOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Whom to greet soon: birthdays and contact dates, with the age or years, phones and e-mails."""
    from minicrm import output
    from minicrm.store.followups.greetings import greetings

    actx = app_ctx(ctx)
    days = min(span_days(within), 366)
    rows = greetings(actx.session(), today=actx.today(), days=days, owner_id=owner_id(actx, owner))
    title = ngettext("To greet in the next {days} day", "To greet in the next {days} days", days).format(days=days)
    empty = ngettext("nobody to greet in the next {days} day", "nobody to greet in the next {days} days", days)
    output.emit_rows(rows, GREETING_COLUMNS, fmt, title=title, empty=empty.format(days=days))


def register(app: typer.Typer) -> None:
    app.command("greetings")(report_greetings)
