"""`minicrm company ...`: add, list, show, edit, delete."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, IfRevisionOpt, LimitOpt, app_ctx, fields_of, span_days
from minicrm.i18n import N_, _, ngettext
from minicrm.output import Format

app = typer.Typer(help="Manage companies (counterparties).", no_args_is_help=True)

RefArg = Annotated[str, typer.Argument(help="Company id or a name fragment matching one company.")]
Text = Annotated[str | None, typer.Option()]


def _values(actx, **options: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in options.items():
        if value is None:
            continue
        if key == "every":
            values["cadence_days"] = span_days(value) if value not in ("", "0", "never") else None
        elif key == "owner":
            from minicrm.store.people.users import ensure_user

            values["owner_id"] = ensure_user(actx.session(), value, now=actx.now()) if value else None
        else:
            values[key] = value or None
    return values


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Company name (unique, case-insensitive).")],
    industry: Annotated[str | None, typer.Option("--industry")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    region: Annotated[str | None, typer.Option("--region")] = None,
    country: Annotated[str | None, typer.Option("--country")] = None,
    website: Annotated[str | None, typer.Option("--website")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    tax_id: Annotated[str | None, typer.Option("--tax-id")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", metavar="KEY=VALUE", help="Custom field key=value (repeatable).")
    ] = None,
    every: Annotated[
        str | None, typer.Option("--every", metavar="SPAN", help="Default stay-in-touch cadence for its people.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="USER", help="Owner (user name).")] = None,
) -> None:
    """Add a company and print its id."""
    from minicrm import output
    from minicrm.store.people.companies import create_company

    actx = app_ctx(ctx)
    values = _values(
        actx, industry=industry, city=city, region=region, country=country, website=website, address=address,
        tax_id=tax_id, phone=phone, email=email, notes=note, every=every, owner=owner,
    )  # fmt: skip
    company_id = create_company(
        actx.session(), name=name, now=actx.now(), user_id=actx.user_id(), tags=tag or [], fields=fields_of(field),
        **values,
    )  # fmt: skip
    output.write(str(company_id))


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
COLUMNS = [
    ("id", N_("ID"), 1),
    ("name", N_("Name"), 1),
    ("industry", N_("Industry"), 3),
    ("city", N_("City"), 3),
    ("contacts", N_("People"), 4),
    ("tags", N_("Tags"), 5),
    ("last_interaction_at", N_("Last contact"), 2),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Option("--tag", "-t")] = None,
    industry: Annotated[str | None, typer.Option("--industry")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="USER")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help="Only in this region (repeatable: any).")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="FILTER",
            help="Only where a custom field compares: turnover>=1000000, founded<2000-01-01, sector=retail (any"
            " case), a!=b, note~word, n=10..20 (repeatable: all).",
        ),
    ] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", metavar="TEXT", help="Full-text search.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="name, last or created.")] = "name",
    limit: LimitOpt = None,
    archived: Annotated[bool, typer.Option("--archived", help="List archived companies instead.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """List companies."""
    from minicrm import output
    from minicrm.commands.contacts import _owner_id
    from minicrm.store.people.companies import list_companies
    from minicrm.store.people.field_filters import parse

    actx = app_ctx(ctx)
    session = actx.session()
    filters = [parse(session, f, entity="company", now=actx.now()) for f in field or []]
    companies = list_companies(
        session, tag=tag, industry=industry, city=city, owner_id=_owner_id(actx, owner), search_text=search,
        sort=sort, limit=limit, archived=archived, regions=region or [], field_filters=filters,
    )  # fmt: skip
    output.emit_rows([c.to_json() for c in companies], COLUMNS, fmt, empty=_("no companies"))


@app.command("show")
def show(ctx: typer.Context, ref: RefArg, limit: LimitOpt = 15, fmt: FormatOpt = Format.table) -> None:
    """Show a company: details, its people, open deals and their history."""
    from minicrm import output
    from minicrm.store.people.refs import resolve_company
    from minicrm.store.views.cards import company_card

    actx = app_ctx(ctx)
    session = actx.session()
    card = company_card(session, resolve_company(session, ref), limit=limit or 15)
    output.emit_object(card, fmt, table=_renderables)


def _renderables(card: dict[str, Any]):
    from minicrm.commands.contacts import CARD_DEAL_COLUMNS, _timeline_table, every_text
    from minicrm.output import Listing, key_values

    yield key_values(
        [
            (_("Name"), f"{card['name']}  (#{card['id']})" + ("  " + _("[archived]") if card["archived"] else "")),
            (_("Industry"), card["industry"]),
            (_("City"), ", ".join(x for x in (card["city"], card["region"], card["country"]) if x)),
            (_("Website"), card["website"]),
            (_("Phone"), card["phone"]),
            (_("E-mail"), card["email"]),
            (_("Address"), ", ".join(x for x in (card["address"], card["postcode"]) if x) or None),
            (_("Tax id"), card["tax_id"]),
            (_("Tags"), card["tags"]),
            (_("Owner"), card["owner"]),
            (_("Every"), every_text(card["cadence_days"])),
            (
                _("Last contact"),
                card["last_interaction_at"].replace("T", " ")[:16] if card["last_interaction_at"] else _("never"),
            ),
            *((k, v) for k, v in card["fields"].items()),
            (_("Notes"), card["notes"]),
        ]
    )
    if card["people"]:
        yield ""
        yield Listing(card["people"], PEOPLE_COLUMNS, title=_("People"))
    if card["deals"]:
        yield ""
        yield Listing([{**d, "amount": f"{d['amount']} {d['currency']}"} for d in card["deals"]],
                      CARD_DEAL_COLUMNS[:5], title=_("Open deals"))  # fmt: skip
    if card["interactions"]:
        yield ""
        with_who = [{**i, "with": i["contact"] or _("(the company)")} for i in card["interactions"]]
        yield _timeline_table(with_who, title=_("History"), columns=COMPANY_TIMELINE_COLUMNS)


#: A company's history: who each interaction was with (a person, or the company itself).
COMPANY_TIMELINE_COLUMNS = [
    ("happened_at", N_("When"), 1),
    ("kind", N_("Kind"), 2),
    ("arrow", "", 3),
    ("with", N_("With"), 2),
    ("summary", N_("Summary"), 1),
]
#: The people in a company's card: (key, header, priority), as in listings.
PEOPLE_COLUMNS = [
    ("id", N_("ID"), 1),
    ("name", N_("Name"), 1),
    ("role", N_("Role"), 4),
    ("status", N_("Status"), 3),
    ("emails", N_("E-mail"), 2),
    ("last_interaction_at", N_("Last contact"), 3),
    ("next_contact_on", N_("Next"), 2),
]


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: RefArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    industry: Annotated[str | None, typer.Option("--industry")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    region: Annotated[str | None, typer.Option("--region")] = None,
    country: Annotated[str | None, typer.Option("--country")] = None,
    website: Annotated[str | None, typer.Option("--website")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    tax_id: Annotated[str | None, typer.Option("--tax-id")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t")] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", metavar="TAG")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", metavar="KEY=VALUE", help="Set key=value; key= removes it.")
    ] = None,
    every: Annotated[str | None, typer.Option("--every", metavar="SPAN")] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="USER")] = None,
    archive: Annotated[bool | None, typer.Option("--archive/--unarchive")] = None,
    if_revision: IfRevisionOpt = None,
) -> None:
    """Change a company (only the options given)."""
    from minicrm import output
    from minicrm.store.people.companies import update_company
    from minicrm.store.people.refs import resolve_company

    actx = app_ctx(ctx)
    session = actx.session()
    company_id = resolve_company(session, ref)
    with session.write():  # a new owner is created only if the edit goes through
        values = _values(
            actx, name=name, industry=industry, city=city, region=region, country=country, website=website,
            address=address, tax_id=tax_id, phone=phone, email=email, notes=note, every=every, owner=owner,
        )  # fmt: skip
        if archive is not None:
            values["archived"] = archive
        update_company(
            session, company_id, now=actx.now(), user_id=actx.user_id(), add_tags=tag or [],
            remove_tags=untag or [], fields=fields_of(field), expected_revision=if_revision, **values,
        )  # fmt: skip
    output.note(_("updated company {id}").format(id=company_id))


@app.command("delete")
def delete(
    ctx: typer.Context,
    ref: RefArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Really delete (its people are kept).")] = False,
) -> None:
    """Delete a company; its people stay, without a company (refuses without --yes)."""
    from minicrm import output
    from minicrm.errors import Conflict
    from minicrm.store.people.companies import delete_company
    from minicrm.store.people.refs import resolve_company

    actx = app_ctx(ctx)
    session = actx.session()
    company_id = resolve_company(session, ref)
    if not yes:
        raise Conflict(
            _("add --yes to delete company {id} (its people are kept, without a company)").format(id=company_id)
        )
    name, people = delete_company(session, company_id, now=actx.now(), user_id=actx.user_id())
    detached = ngettext("deleted company {id} ({name}); {n} person detached",
                        "deleted company {id} ({name}); {n} people detached", people)  # fmt: skip
    output.note(detached.format(id=company_id, name=name, n=people))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="company")
