"""`minicrm contact ...`: add, list, show, edit, archive, delete."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, IfRevisionOpt, LimitOpt, app_ctx, fields_of, span_days, when
from minicrm.commands.contact_dates import app as date_app
from minicrm.commands.contact_dates import dates_text
from minicrm.i18n import N_, _, counted, ngettext
from minicrm.output import Format

app = typer.Typer(help="Manage contacts (people).", no_args_is_help=True)
app.add_typer(date_app, name="date")

RefArg = Annotated[str, typer.Argument(help="Contact id, exact e-mail, or a name fragment matching one contact.")]
EmailOpt = Annotated[list[str] | None, typer.Option("--email", "-e", help="E-mail (repeatable).")]
PhoneOpt = Annotated[list[str] | None, typer.Option("--phone", "-p", help="Phone (repeatable).")]
CompanyOpt = Annotated[str | None, typer.Option("--company", "-c", help="Company name or id (created if missing).")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="Role or title.")]
StatusOpt = Annotated[
    str | None, typer.Option("--status", help="lead, client, former-client, partner, supplier, competitor.")
]
SourceOpt = Annotated[str | None, typer.Option("--source", help="How they found us.")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")]
FieldOpt = Annotated[
    list[str] | None, typer.Option("--field", metavar="KEY=VALUE", help="Custom field key=value (repeatable).")
]
BirthdayOpt = Annotated[
    str | None, typer.Option("--birthday", metavar="DATE", help="1990-12-10, 10.12.1990, or year-less --12-10 / 10.12.")
]
NextOpt = Annotated[
    str | None, typer.Option("--next", metavar="WHEN", help="Next contact: 2026-12-05, friday 15:00, +2w...")
]
GoalOpt = Annotated[str | None, typer.Option("--goal", help="What the next contact is for.")]
EveryOpt = Annotated[
    str | None, typer.Option("--every", metavar="SPAN", help="Stay in touch every N days/weeks/months: 14d, 2w, 1m.")
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Notes.")]
OwnerOpt = Annotated[
    str | None, typer.Option("--owner", metavar="USER", help="Owner (a user name; created on first use).")
]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Postal address.")]


def _common_values(actx, *, role, source, birthday, nxt, goal, every, note, owner, address) -> dict[str, Any]:
    """Columns set by the options add and edit share (only those given)."""
    values: dict[str, Any] = {}
    for key, value in (("role", role), ("source", source), ("notes", note), ("address", address)):
        if value is not None:
            values[key] = value or None
    if birthday is not None:
        from minicrm.dates import parse_birthday

        values["birthday"] = parse_birthday(birthday, now=actx.now()).iso() if birthday else None
    if nxt is not None:
        w = when(actx, nxt)
        values["next_contact_on"] = w.date
        values["next_contact_time"] = w.time.strftime("%H:%M") if w.time else None
        values["next_contact_goal"] = goal
    elif goal is not None:
        values["next_contact_goal"] = goal or None
    if every is not None:
        values["cadence_days"] = span_days(every) if every not in ("", "0", "never") else None
    if owner is not None:
        from minicrm.store.people.users import ensure_user

        values["owner_id"] = ensure_user(actx.session(), owner, now=actx.now()) if owner else None
    return values


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    company: CompanyOpt = None,
    role: RoleOpt = None,
    status: StatusOpt = None,
    source: SourceOpt = None,
    tag: TagOpt = None,
    field: FieldOpt = None,
    birthday: BirthdayOpt = None,
    nxt: NextOpt = None,
    goal: GoalOpt = None,
    every: EveryOpt = None,
    note: NoteOpt = None,
    owner: OwnerOpt = None,
    address: AddressOpt = None,
) -> None:
    """Add a contact and print its id."""
    from minicrm import output
    from minicrm.store.people.contacts import create_contact

    actx = app_ctx(ctx)
    fields = fields_of(field)
    values = _common_values(
        actx, role=role, source=source, birthday=birthday, nxt=nxt, goal=goal, every=every, note=note,
        owner=owner, address=address,
    )  # fmt: skip
    if owner is None and actx.user:
        values["owner_id"] = actx.user_id()
    session = actx.session()
    saved = create_contact(
        session,
        name=name,
        now=actx.now(),
        user_id=actx.user_id(),
        emails=email or [],
        phones=phone or [],
        company=company,
        status=status or "lead",
        tags=tag or [],
        fields=fields,
        **values,
    )
    if saved.created_company:
        output.note(_("created company '{name}'").format(name=saved.created_company))
    output.write(str(saved.id))


def _row(c) -> dict[str, Any]:
    return c.to_json()


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
CONTACT_COLUMNS = [("id", N_("ID"), 1), ("name", N_("Name"), 1), ("company", N_("Company"), 3),
                   ("status", N_("Status"), 4), ("emails", N_("E-mail"), 2), ("phones", N_("Phone"), 3),
                   ("tags", N_("Tags"), 5), ("last_interaction_at", N_("Last contact"), 4),
                   ("next_contact_on", N_("Next"), 2), ("next_contact_goal", N_("Goal"), 5)]  # fmt: skip


@app.command("list")
def list_(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only with this tag.")] = None,
    company: Annotated[str | None, typer.Option("--company", "-c", help="Only at this company (REF).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only with this status.")] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="USER", help="Only owned by this user ('me' = --as).")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="FILTER",
            help="Only where a custom field compares: region=north (any case), turnover>=1000000, since<2020-01-01,"
            " a!=b, note~word, n=10..20; company:NAME for the company's field (repeatable: all).",
        ),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only from this source (repeatable: any).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="Only in this region, the contact's or its company's (any).")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="Full-text search (names, e-mails, notes).")
    ] = None,
    sort: Annotated[str | None, typer.Option("--sort", help="name, last, next or created.")] = None,
    limit: LimitOpt = None,
    archived: Annotated[bool, typer.Option("--archived", help="List archived contacts instead.")] = False,
    segment: Annotated[str | None, typer.Option("--segment", help="Only those in this saved segment.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List contacts."""
    from minicrm import output
    from minicrm.store.people import field_filters
    from minicrm.store.people.contacts import list_contacts
    from minicrm.store.people.refs import resolve_company
    from minicrm.store.people.segments import definition as criteria_of

    actx = app_ctx(ctx)
    session = actx.session()
    criteria = criteria_of(
        sources=source or [], regions=region or [],
        field_filters=[field_filters.parse(session, f, entity="contact", now=actx.now()) for f in field or []],
    )  # fmt: skip
    owner_id = _owner_id(actx, owner)
    company_id = resolve_company(session, company) if company else None
    definition = None
    if segment:
        from minicrm.store.people.segments import get_segment

        definition = get_segment(session, segment).definition
    contacts = list_contacts(
        session,
        tag=tag,
        company_id=company_id,
        status=status,
        owner_id=owner_id,
        criteria=criteria,
        search_text=search,
        sort=sort,
        limit=limit,
        archived=archived,
        segment=definition,
    )
    output.emit_rows([c.to_json() for c in contacts], CONTACT_COLUMNS, fmt, empty=_("no contacts"))


def _owner_id(actx, owner: str | None) -> int | None:
    if not owner or owner == "all":
        return None
    from minicrm.errors import BadInput
    from minicrm.store.people.users import resolve_user

    if owner == "me":
        if not actx.user:
            raise BadInput(_("--owner me needs --as USER or MINICRM_USER"))
        owner = actx.user
    return resolve_user(actx.session(), owner)


@app.command("show")
def show(ctx: typer.Context, ref: RefArg, limit: LimitOpt = 10, fmt: FormatOpt = Format.table) -> None:
    """Show a contact's card: details, next contact, open deals, latest interactions."""
    from minicrm import output
    from minicrm.store.people.refs import resolve_contact
    from minicrm.store.views.cards import contact_card

    actx = app_ctx(ctx)
    session = actx.session()
    card = contact_card(session, resolve_contact(session, ref), today=actx.today(), limit=limit or 10)
    output.emit_object(card, fmt, table=_card_renderables)


def _address_line(card: dict[str, Any]) -> str | None:
    """The postal address on one line: street, postcode and city, region, country."""
    town = " ".join(x for x in (card.get("postcode"), card.get("city")) if x)
    parts = (card["address"], town, card.get("region"), card.get("country"))
    return ", ".join(p for p in parts if p) or None


def _card_renderables(card: dict[str, Any]):
    from minicrm.output import Listing, key_values

    next_text = None
    if card["next_contact_on"]:
        next_text = card["next_contact_on"] + (f" {card['next_contact_time']}" if card["next_contact_time"] else "")
        if card["next_contact_goal"]:
            next_text += f" — {card['next_contact_goal']}"
        if card.get("days_overdue"):
            n = card["days_overdue"]
            next_text += " " + ngettext("({n} day overdue)", "({n} days overdue)", n).format(n=n)
    yield key_values(
        [
            (_("Name"), f"{card['name']}  (#{card['id']})" + ("  " + _("[archived]") if card["archived"] else "")),
            (_("Company"), card["company"]),
            (_("Role"), card["role"]),
            (_("Status"), card["status"]),
            (_("E-mail"), card["emails"]),
            (_("Phone"), card["phones"]),
            (_("Tags"), card["tags"]),
            (_("Birthday"), card["birthday"]),
            (_("Dates"), dates_text(card.get("dates", []))),
            (_("Source"), card["source"]),
            (_("Owner"), card["owner"]),
            (_("Address"), _address_line(card)),
            (_("Last contact"), card["last_interaction_at"]),
            (_("Next contact"), next_text),
            (_("Every"), every_text(card["effective_cadence_days"])),
            *((k, v) for k, v in card["fields"].items()),
            (_("Notes"), card["notes"]),
        ]
    )
    if card["deals"]:
        yield ""
        yield Listing([{**d, "amount": f"{d['amount']} {d['currency']}"} for d in card["deals"]], CARD_DEAL_COLUMNS,
                      title=_("Open deals"))  # fmt: skip
    if card.get("requests"):
        yield ""
        yield Listing(card["requests"], CARD_REQUEST_COLUMNS, title=_("Open requests"))
    if card["interactions"]:
        yield ""
        yield _timeline_table(card["interactions"], title=_("Latest interactions"))


#: The tables inside cards: (key, header, priority), as in listings.
CARD_DEAL_COLUMNS = [("id", N_("ID"), 1), ("title", N_("Title"), 1), ("stage", N_("Stage"), 2),
                     ("amount", N_("Amount"), 2), ("expected_close", N_("Close"), 3),
                     ("next_step", N_("Next step"), 4)]  # fmt: skip
CARD_REQUEST_COLUMNS = [("id", N_("ID"), 1), ("priority", N_("Priority"), 3), ("status", N_("Status"), 2),
                        ("due_on", N_("Due"), 2), ("subject", N_("Subject"), 1)]  # fmt: skip
CARD_TIMELINE_COLUMNS = [("happened_at", N_("When"), 1), ("kind", N_("Kind"), 2), ("arrow", "", 3),
                         ("summary", N_("Summary"), 1)]  # fmt: skip


def every_text(days: int | None) -> str | None:
    """A cadence on a card: `14 days`."""
    return ngettext("{n} day", "{n} days", days).format(n=days) if days else None


def _timeline_table(items: list[dict[str, Any]], title: str | None = None, columns: list[Any] | None = None):
    from minicrm.output import Listing

    rows = [{**i, "arrow": {"in": "←", "out": "→"}.get(i["direction"] or "", "")} for i in items]
    return Listing(rows, columns or CARD_TIMELINE_COLUMNS, title=title)


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: RefArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    email: EmailOpt = None,
    remove_email: Annotated[
        list[str] | None, typer.Option("--remove-email", metavar="EMAIL", help="Remove an e-mail.")
    ] = None,
    phone: PhoneOpt = None,
    remove_phone: Annotated[
        list[str] | None, typer.Option("--remove-phone", metavar="PHONE", help="Remove a phone.")
    ] = None,
    company: CompanyOpt = None,
    no_company: Annotated[bool, typer.Option("--no-company", help="Detach from the company.")] = False,
    role: RoleOpt = None,
    status: StatusOpt = None,
    source: SourceOpt = None,
    tag: TagOpt = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", metavar="TAG", help="Remove a tag (repeatable).")
    ] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", metavar="KEY=VALUE", help="Set key=value; key= removes it.")
    ] = None,
    birthday: BirthdayOpt = None,
    nxt: NextOpt = None,
    goal: GoalOpt = None,
    clear_next: Annotated[bool, typer.Option("--clear-next", help="Remove the next-contact date.")] = False,
    every: EveryOpt = None,
    note: NoteOpt = None,
    owner: OwnerOpt = None,
    address: AddressOpt = None,
    if_revision: IfRevisionOpt = None,
) -> None:
    """Change a contact (only the options given)."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.people.contacts import update_contact

    actx = app_ctx(ctx)
    if clear_next and nxt:
        raise BadInput(_("--next and --clear-next contradict each other"))
    session = actx.session()
    contact_ids = refs_or_stdin(session, [ref])
    fields = fields_of(field)
    values = _common_values(
        actx, role=role, source=source, birthday=birthday, nxt=nxt, goal=goal, every=every, note=note,
        owner=owner, address=address,
    )  # fmt: skip
    if name is not None:
        values["name"] = name
    if clear_next:
        values.update(next_contact_on=None, next_contact_time=None, next_contact_goal=None)
    if name is not None and len(contact_ids) > 1:
        raise BadInput(_("--name cannot rename {n} contacts at once").format(n=len(contact_ids)))
    if if_revision is not None and len(contact_ids) > 1:
        raise BadInput(_("--if-revision guards one contact, not {n}").format(n=len(contact_ids)))
    with session.write():  # several ids from stdin: all or nothing
        for contact_id in contact_ids:
            saved = update_contact(
                session,
                contact_id,
                now=actx.now(),
                user_id=actx.user_id(),
                company=company,
                clear_company=no_company,
                status=status,
                add_emails=email or [],
                remove_emails=remove_email or [],
                add_phones=phone or [],
                remove_phones=remove_phone or [],
                add_tags=tag or [],
                remove_tags=untag or [],
                fields=fields,
                expected_revision=if_revision,
                **values,
            )
            if saved.created_company:
                output.note(_("created company '{name}'").format(name=saved.created_company))
    if len(contact_ids) == 1:
        output.note(_("updated contact {id}").format(id=contact_ids[0]))
    else:
        output.note(_("updated {contacts}").format(contacts=counted(len(contact_ids), "contacts")))


@app.command("archive")
def archive(
    ctx: typer.Context,
    ref: RefArg,
    undo: Annotated[bool, typer.Option("--undo", help="Bring the contact back from the archive.")] = False,
) -> None:
    """Archive a contact (hidden from lists and reports, history kept)."""
    from minicrm import output
    from minicrm.store.people.contacts import update_contact
    from minicrm.store.people.refs import resolve_contact

    actx = app_ctx(ctx)
    session = actx.session()
    contact_id = resolve_contact(session, ref)
    update_contact(session, contact_id, now=actx.now(), user_id=actx.user_id(), archived=not undo)
    output.note((_("restored contact {id}") if undo else _("archived contact {id}")).format(id=contact_id))


@app.command("delete")
def delete(
    ctx: typer.Context,
    ref: RefArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Really delete, with all its interactions.")] = False,
) -> None:
    """Delete a contact and its interactions for good (refuses without --yes)."""
    from minicrm import output
    from minicrm.errors import Conflict
    from minicrm.store.people.contacts import delete_contact
    from minicrm.store.people.interactions import count_interactions
    from minicrm.store.people.refs import resolve_contact

    actx = app_ctx(ctx)
    session = actx.session()
    contact_id = resolve_contact(session, ref)
    if not yes:
        count = count_interactions(session, contact_id=contact_id)
        raise Conflict(
            ngettext("deleting contact {id} also deletes its {n} interaction; add --yes to confirm"
                     " (or use 'contact archive')", "deleting contact {id} also deletes its {n} interactions;"
                     " add --yes to confirm (or use 'contact archive')", count).format(id=contact_id, n=count)
        )  # fmt: skip
    name = delete_contact(session, contact_id, now=actx.now(), user_id=actx.user_id())
    output.note(_("deleted contact {id} ({name})").format(id=contact_id, name=name))


# -- bulk actions for scripts: `contact tag add|remove TAG REF...|-`, `contact edit -` (ids on stdin) --------------

tag_app = typer.Typer(help="Add or remove a tag on many contacts (REFs, or - for ids on stdin).", no_args_is_help=True)
app.add_typer(tag_app, name="tag")

TagNameArg = Annotated[str, typer.Argument(help="The tag.")]
RefsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="REF", help="Contact REFs, or - to read ids (or 'contact list -f json|csv' output) from stdin."
    ),
]


def refs_or_stdin(session, refs: list[str]) -> list[int]:
    """Contact ids for REFs; a lone `-` reads ids, or `contact list --format json|csv` output, from stdin."""
    from minicrm.store.exchange.bulk import check_contacts, ids_from_text
    from minicrm.store.people.refs import resolve_contact

    if "-" in refs:
        if refs != ["-"]:
            from minicrm.errors import BadInput

            raise BadInput(_("'-' (ids on stdin) cannot be mixed with other REFs"))
        from minicrm.commands._common import stdin_text

        ids = ids_from_text(stdin_text())
        check_contacts(session, ids)
        return ids
    return list(dict.fromkeys(resolve_contact(session, ref) for ref in refs))


def _tag(ctx: typer.Context, tag: str, refs: list[str], *, remove: bool) -> None:
    from minicrm import output
    from minicrm.store.exchange.bulk import tag_contacts

    actx = app_ctx(ctx)
    session = actx.session()
    ids = refs_or_stdin(session, refs)
    changed = tag_contacts(session, ids, tag, remove=remove, now=actx.now(), user_id=actx.user_id())
    rest = len(ids) - len(changed)
    output.note(
        (_("untagged {contacts} '{tag}'") if remove else _("tagged {contacts} '{tag}'")).format(
            contacts=counted(len(changed), "contacts"), tag=tag
        )
        + ((_(" ({n} did not have it)") if remove else _(" ({n} already had it)")).format(n=rest) if rest else "")
    )


@tag_app.command("add")
def tag_add(ctx: typer.Context, tag: TagNameArg, refs: RefsArg) -> None:
    """Tag contacts: `minicrm contact list -f json --status client | minicrm contact tag add warm -`."""
    _tag(ctx, tag, refs, remove=False)


@tag_app.command("remove")
def tag_remove(ctx: typer.Context, tag: TagNameArg, refs: RefsArg) -> None:
    """Remove a tag from contacts (REFs, or - for ids on stdin)."""
    _tag(ctx, tag, refs, remove=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="contact")
