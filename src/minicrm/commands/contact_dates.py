"""`minicrm contact date add|list|remove`: anniversaries, name days, founding days: dates to greet a contact on."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, LimitOpt, app_ctx
from minicrm.i18n import N_, _
from minicrm.output import Format

app = typer.Typer(help="Dates to greet a contact on besides the birthday (anniversaries, name days...).",
                  no_args_is_help=True)  # fmt: skip

RefArg = Annotated[str, typer.Argument(help="Contact id, exact e-mail, or a name fragment matching one contact.")]

DATE_COLUMNS = [
    ("id", N_("ID"), 3),
    ("contact", N_("Contact"), 1),
    ("label", N_("Label"), 1),
    ("date", N_("Date"), 1),
    ("yearly", N_("Yearly"), 3),
    ("next_on", N_("Next"), 2),
    ("years", N_("Years"), 3),
]


def dates_text(dates: list[dict[str, Any]]) -> str:
    """A card's dates on one line: `Wedding anniversary 2015-01-02 yearly; Name day --12-21`."""
    from minicrm import display

    yearly = _("{label} {date} yearly")
    return "; ".join((yearly if d["yearly"] and d["date"][0] != "-" else "{label} {date}").format(
        label=d["label"], date=display.cell(d["date"])) for d in dates)  # fmt: skip


@app.command("add", context_settings={"ignore_unknown_options": True})  # a year-less --12-05 is the DATE
def add(
    ctx: typer.Context,
    ref: RefArg,
    label: Annotated[str, typer.Argument(help="What the date is: 'Wedding anniversary', 'Name day', 'Founded'.")],
    when: Annotated[
        str,
        typer.Argument(
            metavar="DATE", help="2019-12-05, 05.12.2019; year-less (repeats yearly): --12-05, 12-05, 05.12, 5 dec."
        ),
    ],
    yearly: Annotated[
        bool, typer.Option("--yearly", help="Repeats every year (always so for a year-less date).")
    ] = False,
) -> None:
    """Remember a date of a contact; prints its id. It shows in due, remind, the iCal feed and report greetings."""
    from minicrm import output
    from minicrm.dates import parse_day_of_year
    from minicrm.store.people.contact_dates import add_date
    from minicrm.store.people.refs import resolve_contact

    actx = app_ctx(ctx)
    day = parse_day_of_year(when, now=actx.now())
    session = actx.session()
    contact_id = resolve_contact(session, ref)
    date_id = add_date(session, contact_id, label=label, month=day.month, day=day.day, year=day.year, yearly=yearly,
                       now=actx.now(), user_id=actx.user_id())  # fmt: skip
    once = not (yearly or day.year is None)
    said = (_("contact {id}: {label} on {date} (once)") if once
            else _("contact {id}: {label} on {date} (every year)"))  # fmt: skip
    output.note(said.format(id=contact_id, label=" ".join(label.split()), date=day.iso()))
    if once and day.iso() < actx.today().isoformat():
        output.note(_("note: {date} is past and does not repeat; an anniversary needs --yearly").format(date=day.iso()))
    output.write(str(date_id))


@app.command("list")
def list_(
    ctx: typer.Context,
    ref: Annotated[
        str | None, typer.Argument(help="Only this contact's dates (default: everyone's).", show_default=False)
    ] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """A contact's dates (or everyone's), with the next time each comes round."""
    from minicrm import output
    from minicrm.store.people.contact_dates import list_dates
    from minicrm.store.people.refs import resolve_contact

    actx = app_ctx(ctx)
    session = actx.session()
    contact_id = resolve_contact(session, ref) if ref is not None else None
    rows = [d.to_json() for d in list_dates(session, today=actx.today(), contact_id=contact_id, limit=limit)]
    output.emit_rows(
        rows, DATE_COLUMNS, fmt, empty=_("no dates yet (add one: minicrm contact date add REF LABEL DATE)")
    )


@app.command("remove")
def remove(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="ID|REF", help="The date's id (from `contact date list`), or a contact REF.")
    ],
    label: Annotated[
        str | None, typer.Argument(help="With a contact REF: the label of the date to remove.", show_default=False)
    ] = None,
) -> None:
    """Forget a date: `contact date remove ID`, or `contact date remove REF LABEL`."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.people.contact_dates import find_date, remove_date
    from minicrm.store.people.refs import as_id, resolve_contact

    actx = app_ctx(ctx)
    session = actx.session()
    if label is None:
        date_id = as_id(target)
        if date_id is None:
            raise BadInput(
                _("'{target}' is not a date id; to remove by label: minicrm contact date remove REF LABEL").format(
                    target=target
                )
            )
    else:
        date_id = find_date(session, contact_id=resolve_contact(session, target), label=label)
    gone = remove_date(session, date_id, now=actx.now(), user_id=actx.user_id())
    output.note(
        _("removed '{label}' ({date}) of {contact}").format(label=gone.label, date=gone.value, contact=gone.contact)
    )
