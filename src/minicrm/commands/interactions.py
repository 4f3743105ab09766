"""`minicrm log`, `next`, `timeline`, `search` and `kind`: recording and finding contact history."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, LimitOpt, app_ctx, at_datetime, read_text_arg, when
from minicrm.i18n import N_, _, ngettext
from minicrm.output import Format

RefArg = Annotated[str, typer.Argument(help="Contact id, exact e-mail, or a name fragment matching one contact.")]
kind_app = typer.Typer(help="Interaction kinds (call, email, meeting...).", no_args_is_help=True)


def log(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="Contact id, exact e-mail, or a name fragment matching one contact; with --company, the company's."
        ),
    ],
    kind: Annotated[str, typer.Argument(help="call, email, meeting, message, letter, note, visit, order, ...")],
    summary: Annotated[str, typer.Argument(help="One line: what happened.")],
    company: Annotated[
        bool,
        typer.Option("--company", help="REF is a company: the interaction is with the company itself (no person)."),
    ] = False,
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN", help="When it happened (default: now).")] = None,
    direction: Annotated[
        bool | None, typer.Option("--in/--out", help="Incoming (they contacted us) or outgoing.", show_default=False)
    ] = None,
    body: Annotated[
        str | None, typer.Option("--body", metavar="TEXT", help="Longer text; - reads standard input.")
    ] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="Result of the contact.")] = None,
    duration: Annotated[str | None, typer.Option("--duration", help="How long: 25m, 1h30m, 90 (minutes).")] = None,
    deal: Annotated[int | None, typer.Option("--deal", metavar="ID", help="Attach to this deal id.")] = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Credit to this campaign (id or name): a response.")
    ] = None,
    nxt: Annotated[
        str | None, typer.Option("--next", metavar="WHEN", help="Next contact date (otherwise the cadence decides).")
    ] = None,
    goal: Annotated[str | None, typer.Option("--goal", help="Goal of the next contact.")] = None,
) -> None:
    """Record an interaction with a contact (or with --company, a company) and print its id."""
    from minicrm import output
    from minicrm.store.people.interactions import log_interaction
    from minicrm.store.people.refs import resolve_company

    actx = app_ctx(ctx)
    happened_at = at_datetime(actx, at) if at else actx.now()
    next_when = when(actx, nxt) if nxt else None
    from minicrm.values.duration import parse_minutes

    minutes = parse_minutes(duration) if duration else None
    text = read_text_arg(body)
    session = actx.session()
    company_id = resolve_company(session, ref) if company else None
    contact_id = None if company else _contact_or_hint(session, ref)
    campaign_id = None
    if campaign is not None:
        from minicrm.store.sales.campaigns import resolve_campaign

        campaign_id = resolve_campaign(session, campaign)
    logged = log_interaction(
        session,
        contact_id=contact_id,
        kind=kind,
        summary=summary,
        happened_at=happened_at,
        now=actx.now(),
        user_id=actx.user_id(),
        direction=None if direction is None else ("in" if direction else "out"),
        body=text,
        outcome=outcome,
        duration_min=minutes,
        deal_id=deal,
        campaign_id=campaign_id,
        next_on=next_when.date if next_when else None,
        next_time=next_when.time if next_when else None,
        goal=goal,
        company_id=company_id,
    )
    if logged.next_changed:
        if logged.next_contact_on:
            goal_text = f" — {logged.next_contact_goal}" if logged.next_contact_goal else ""
            from minicrm import display

            output.note(_("next contact: {date}").format(date=display.day(logged.next_contact_on)) + goal_text)
        else:
            output.note(_("next contact: none scheduled"))
    output.write(str(logged.id))


def _contact_or_hint(session, ref: str) -> int:
    """The contact REF names; when none does but a company does, say to use --company."""
    from minicrm.errors import Ambiguous, NotFound
    from minicrm.store.people.refs import as_id, resolve_company, resolve_contact

    try:
        return resolve_contact(session, ref)
    except NotFound as missing:
        if as_id(ref) is not None:
            raise
        try:
            resolve_company(session, ref)
        except NotFound:
            raise missing from None
        except Ambiguous:
            pass  # several companies match: still a company, not a person
        raise NotFound(
            _(
                "no contact matches '{ref}', but a company does: log with the company itself with"
                " minicrm log --company '{ref}' KIND SUMMARY"
            ).format(ref=ref)
        ) from None


def next_(
    ctx: typer.Context,
    ref: RefArg,
    on: Annotated[
        str | None, typer.Argument(metavar="WHEN", help="When: 2026-12-05, friday 15:00, +2w...", show_default=False)
    ] = None,
    goal: Annotated[str | None, typer.Option("--goal", help="What the contact is for.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the next-contact date.")] = False,
) -> None:
    """Set or clear the next-contact date of a contact."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.people.interactions import set_next
    from minicrm.store.people.refs import resolve_contact

    actx = app_ctx(ctx)
    if clear == bool(on):
        raise BadInput(_("give either WHEN or --clear"))
    w = when(actx, on) if on else None
    session = actx.session()
    contact_id = resolve_contact(session, ref)
    set_next(session, contact_id, on=w.date if w else None, at=w.time if w else None, goal=goal, now=actx.now(),
             user_id=actx.user_id())  # fmt: skip
    if w:
        at = w.date.isoformat() + (f" {w.time:%H:%M}" if w.time else "")
        output.note(_("next contact with {id}: {date}").format(id=contact_id, date=at))
    else:
        output.note(_("next contact with {id}: cleared").format(id=contact_id))


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
TIMELINE_COLUMNS = [
    ("id", N_("ID"), 3),
    ("happened_at", N_("When"), 1),
    ("kind", N_("Kind"), 2),
    ("direction", N_("Dir"), 4),
    ("contact", N_("Contact"), 3),
    ("summary", N_("Summary"), 1),
    ("outcome", N_("Outcome"), 4),
]


def timeline_cmd(
    ctx: typer.Context,
    ref: RefArg,
    limit: LimitOpt = 20,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """A contact's interactions, newest first."""
    from minicrm import output
    from minicrm.store.people.interactions import timeline
    from minicrm.store.people.refs import resolve_contact

    actx = app_ctx(ctx)
    session = actx.session()
    items = timeline(session, contact_id=resolve_contact(session, ref), kind=kind, limit=limit)
    output.emit_rows([i.to_json() for i in items], TIMELINE_COLUMNS, fmt, empty=_("no interactions yet"))


SEARCH_COLUMNS = [
    ("kind", N_("Kind"), 1),
    ("id", N_("ID"), 1),
    ("title", N_("Name / summary"), 1),
    ("detail", N_("Detail"), 2),
]


def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find (prefixes; case and accents ignored).")],
    limit: LimitOpt = 50,
    fmt: FormatOpt = Format.table,
) -> None:
    """Search contacts, companies and interactions."""
    from minicrm import output
    from minicrm.store.people.search import search

    actx = app_ctx(ctx)
    hits = search(actx.session(), query, limit=limit or 50)
    output.emit_rows(
        [h.to_json() for h in hits],
        SEARCH_COLUMNS,
        fmt,
        empty=_("nothing matches '{query}'").format(query=query),
    )


KIND_COLUMNS = [("name", N_("Kind")), ("internal", N_("Internal"))]


@kind_app.command("list")
def kind_list(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List the interaction kinds; internal ones (note) are not contact with the client."""
    from minicrm import output
    from minicrm.store.people.interactions import list_kinds

    output.emit_rows([k.to_json() for k in list_kinds(app_ctx(ctx).session())], KIND_COLUMNS, fmt)


InternalOpt = Annotated[
    bool | None,
    typer.Option(
        "--internal/--external",
        help="Internal: logging it is not contact with the client (like note): it stays in the timeline but moves"
        " neither the last contact, the cadence nor the forgotten list. External (the default): it does.",
        show_default=False,
    ),
]


def _said(internal: bool) -> str:
    return _("internal: not contact with the client") if internal else _("counts as contact with the client")


@kind_app.command("add")
def kind_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="New kind, e.g. webinar.")],
    internal: InternalOpt = None,
) -> None:
    """Add an interaction kind (an existing one changes only with --internal/--external)."""
    from minicrm import output
    from minicrm.store.people.interactions import add_kind, list_kinds

    actx = app_ctx(ctx)
    session = actx.session()
    key = add_kind(session, name, internal, now=actx.now(), user_id=actx.user_id())
    flag = next(k.internal for k in list_kinds(session) if k.name == key)
    output.note(_("kind '{kind}' is available ({said})").format(kind=key, said=_said(flag)))


@kind_app.command("edit")
def kind_edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The kind, e.g. note.")],
    internal: InternalOpt = None,
) -> None:
    """Make a kind internal or external; the last contact of its contacts is recomputed."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.people.interactions import set_kind_internal

    if internal is None:
        raise BadInput(_("give --internal or --external"))
    actx = app_ctx(ctx)
    kind = set_kind_internal(actx.session(), name, internal, now=actx.now(), user_id=actx.user_id())
    n = kind.recomputed
    said = (
        ngettext("kind '{kind}': {said}; last contact recomputed for {n} contact",
                 "kind '{kind}': {said}; last contact recomputed for {n} contacts", n)
        if n else _("kind '{kind}': {said}")
    )  # fmt: skip
    output.note(said.format(kind=kind.name, said=_said(kind.internal), n=n))


def register(app: typer.Typer) -> None:
    app.command("log")(log)
    app.command("next")(next_)
    app.command("timeline")(timeline_cmd)
    app.command("search")(search_cmd)
    app.add_typer(kind_app, name="kind")
