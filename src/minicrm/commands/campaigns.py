"""`minicrm campaign ...` and `minicrm segment ...`: marketing campaigns, their members, saved segments."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, IfRevisionOpt, app_ctx, fields_of, on_date
from minicrm.i18n import N_, _, counted, ngettext
from minicrm.output import Format

app = typer.Typer(help="Marketing campaigns: plan, members, responses, results.", no_args_is_help=True)
segment_app = typer.Typer(help="Saved segments: named contact filters.", no_args_is_help=True)

CampaignArg = Annotated[str, typer.Argument(help="Campaign id or a name fragment matching one campaign.")]
ChannelOpt = Annotated[
    str | None, typer.Option("--channel", help="email, call, event, ad, mailing, social, webinar, web, print...")
]
StartOpt = Annotated[str | None, typer.Option("--start", metavar="DATE", help="First day (2026-12-01, +1w...).")]
EndOpt = Annotated[str | None, typer.Option("--end", metavar="DATE", help="Last day.")]
BudgetOpt = Annotated[
    str | None, typer.Option("--budget", metavar="AMOUNT", help="Planned spend, e.g. 1500 or 1500.50.")
]
CostOpt = Annotated[str | None, typer.Option("--cost", metavar="AMOUNT", help="Actual cost so far.")]
CurrencyOpt = Annotated[str | None, typer.Option("--currency", help="Currency of budget, cost and revenue (EUR).")]
SegmentOpt = Annotated[str | None, typer.Option("--segment", help="Target a saved segment (by name).")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Target: has this tag (repeatable: all).")]
StatusOpt = Annotated[list[str] | None, typer.Option("--status", help="Target: this status (repeatable: any).")]
FieldOpt = Annotated[
    list[str] | None, typer.Option("--field", metavar="KEY=VALUE", help="Target: custom field key=value (repeatable).")
]
IndustryOpt = Annotated[list[str] | None, typer.Option("--industry", help="Target: company industry (any).")]
CityOpt = Annotated[list[str] | None, typer.Option("--city", help="Target: company city (any).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Notes.")]


class ExportFormat(StrEnum):
    csv = "csv"
    vcard = "vcard"


def _definition(tag, status, field, industry, city) -> dict[str, Any]:
    from minicrm.store.people.segments import definition

    return definition(
        tags=tag or [], statuses=status or [], fields=fields_of(field), industries=industry or [], cities=city or []
    )


def _money(text: str | None, what: str) -> int | None:
    from minicrm.values.money import parse_money, to_minor

    return None if text is None or text == "" else to_minor(parse_money(text, what))


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name (unique).")],
    channel: Annotated[
        str, typer.Option("--channel", help="email, call, event, ad, mailing, social, webinar, web, print...")
    ],
    start: StartOpt = None,
    end: EndOpt = None,
    budget: BudgetOpt = None,
    cost: CostOpt = None,
    currency: CurrencyOpt = None,
    segment: SegmentOpt = None,
    tag: TagOpt = None,
    status: StatusOpt = None,
    field: FieldOpt = None,
    industry: IndustryOpt = None,
    city: CityOpt = None,
    note: NoteOpt = None,
) -> None:
    """Plan a campaign; contacts matching its target become members. Prints its id."""
    from minicrm import output
    from minicrm.store.sales.campaigns import create_campaign

    actx = app_ctx(ctx)
    target = _definition(tag, status, field, industry, city)
    starts_on = on_date(actx, start) if start else None
    ends_on = on_date(actx, end) if end else None
    budget_minor, cost_minor = _money(budget, N_("budget")), _money(cost, N_("cost"))
    session = actx.session()
    campaign_id, added = create_campaign(
        session,
        name=name,
        channel=channel,
        now=actx.now(),
        user_id=actx.user_id(),
        starts_on=starts_on,
        ends_on=ends_on,
        currency=currency or "EUR",
        budget_minor=budget_minor,
        cost_minor=cost_minor,
        segment=segment,
        target=target or None,
        notes=note,
    )
    if segment or target:
        output.note(
            ngettext("{n} member added from the target", "{n} members added from the target", added).format(n=added)
        )
    output.write(str(campaign_id))


#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
LIST_COLUMNS = [
    ("id", N_("ID"), 1),
    ("name", N_("Campaign"), 1),
    ("channel", N_("Channel"), 2),
    ("status", N_("Status"), 2),
    ("starts_on", N_("Start"), 3),
    ("ends_on", N_("End"), 4),
    ("budget", N_("Budget"), 3),
    ("cost", N_("Cost"), 4),
    ("currency", N_("Cur"), 3),
    ("members", N_("Members"), 2),
    ("target", N_("Target"), 5),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="planned, running or ended.")] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Only campaigns running in: 2026-Q4, 2026-11, last-90d...")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List campaigns, newest first."""
    from minicrm import output
    from minicrm.dates import parse_period
    from minicrm.store.sales.campaigns import list_campaigns

    actx = app_ctx(ctx)
    start, end = parse_period(period, today=actx.today()) if period else (None, None)
    rows = list_campaigns(actx.session(), today=actx.today(), channel=channel, status=status, start=start, end=end)
    output.emit_rows([c.to_json() for c in rows], LIST_COLUMNS, fmt, empty=_("no campaigns"))


@app.command("show")
def show(ctx: typer.Context, ref: CampaignArg, fmt: FormatOpt = Format.table) -> None:
    """Show a campaign: plan, target, members and results so far."""
    from minicrm import output
    from minicrm.store.sales.campaign_report import get_campaign
    from minicrm.store.sales.campaigns import resolve_campaign

    actx = app_ctx(ctx)
    session = actx.session()
    campaign = get_campaign(session, resolve_campaign(session, ref), today=actx.today())
    output.emit_object(campaign.to_json(), fmt, table=_card)


def _card(c: dict[str, Any]):
    from minicrm.output import key_values

    cur = c["currency"]
    responses = _("{contacts}, {interactions}").format(
        contacts=counted(c.get("responses", 0), "contacts"),
        interactions=counted(c.get("interactions", 0), "interactions"),
    )
    yield key_values(
        [
            (_("Campaign"), f"{c['name']}  (#{c['id']}, {c['channel']}, {c['status']})"),
            (_("Dates"), " .. ".join(x for x in (c["starts_on"], c["ends_on"]) if x)),
            (_("Segment"), c["segment"]),
            (_("Target"), c["target"]),
            (_("Budget"), f"{c['budget']} {cur}" if c["budget"] else None),
            (_("Cost"), f"{c['cost']} {cur}" if c["cost"] else None),
            (_("Members (reach)"), str(c["members"])),
            (_("Responses"), responses),
            (_("Response rate"), f"{c['response_rate']}%" if c.get("response_rate") else None),
            (_("Deals"), _("{deals} ({won} won)").format(deals=c.get("deals", 0), won=c.get("won_deals", 0))),
            (_("Won revenue"), f"{c.get('won_revenue')} {cur}"),
            (_("Cost per response"), f"{c['cost_per_response']} {cur}" if c.get("cost_per_response") else None),
            (_("ROI"), f"{c['roi']}%" if c.get("roi") else None),
            (_("Notes"), c["notes"]),
        ]
    )


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: CampaignArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    channel: ChannelOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    budget: BudgetOpt = None,
    cost: CostOpt = None,
    currency: CurrencyOpt = None,
    segment: SegmentOpt = None,
    tag: TagOpt = None,
    status: StatusOpt = None,
    field: FieldOpt = None,
    industry: IndustryOpt = None,
    city: CityOpt = None,
    clear_target: Annotated[bool, typer.Option("--clear-target", help="Remove the target segment/filter.")] = False,
    note: NoteOpt = None,
    if_revision: IfRevisionOpt = None,
) -> None:
    """Change a campaign ('' clears a value). Members stay; `campaign members ID --sync` adds new matches."""
    from minicrm import output
    from minicrm.store.sales.campaigns import resolve_campaign, update_campaign

    actx = app_ctx(ctx)
    values: dict[str, Any] = {}
    for key, value in (("name", name), ("channel", channel), ("currency", currency)):
        if value is not None:
            values[key] = value
    for key, value in (("starts_on", start), ("ends_on", end)):
        if value is not None:
            values[key] = on_date(actx, value) if value else None
    if budget is not None:
        values["budget_minor"] = _money(budget, N_("budget"))
    if cost is not None:
        values["cost_minor"] = _money(cost, N_("cost"))
    if note is not None:
        values["notes"] = note or None
    target = _definition(tag, status, field, industry, city)
    session = actx.session()
    campaign_id = resolve_campaign(session, ref)
    update_campaign(
        session,
        campaign_id,
        now=actx.now(),
        user_id=actx.user_id(),
        segment=segment,
        target=target or None,
        clear_segment=clear_target,
        expected_revision=if_revision,
        **values,
    )
    output.note(_("campaign {id} updated").format(id=campaign_id))


MEMBER_COLUMNS = [
    ("id", N_("ID"), 1),
    ("name", N_("Name"), 1),
    ("company", N_("Company"), 3),
    ("status", N_("Status"), 4),
    ("emails", N_("E-mail"), 2),
    ("phones", N_("Phone"), 3),
    ("tags", N_("Tags"), 5),
]


@app.command("members")
def members_cmd(
    ctx: typer.Context,
    ref: CampaignArg,
    add_filter: Annotated[
        list[str] | None,
        typer.Option(
            "--add-filter",
            metavar="KEY=VALUE",
            help="Add the contacts matching tag=T, status=S, industry=I, city=C, field:K=V or segment=NAME"
            " (repeat: all must hold).",
        ),
    ] = None,
    add: Annotated[
        list[str] | None, typer.Option("--add", metavar="REF", help="Add this contact (REF, repeatable).")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", metavar="REF", help="Remove this contact (REF, repeatable).")
    ] = None,
    sync: Annotated[bool, typer.Option("--sync", help="Add the contacts the target matches today.")] = False,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where", metavar="KEY=VALUE", help="Only show/export members matching this filter (repeatable)."
        ),
    ] = None,
    export: Annotated[
        ExportFormat | None, typer.Option("--export", help="Write the list as csv (mail merge) or vcard.")
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", "-o", metavar="FILE", help="Export to this file instead of stdout.")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List, add or remove a campaign's members; export them for a mail merge or a call list."""
    from minicrm import output
    from minicrm.store.people import segments
    from minicrm.store.people.refs import resolve_contact
    from minicrm.store.sales import campaign_members, campaigns

    actx = app_ctx(ctx)
    session = actx.session()
    campaign_id = campaigns.resolve_campaign(session, ref)
    matching = segments.parse_filters(session, add_filter, now=actx.now()) if add_filter else None
    narrow = segments.parse_filters(session, where, now=actx.now()) if where else None
    add_ids = [resolve_contact(session, r) for r in add or []]
    remove_ids = [resolve_contact(session, r) for r in remove or []]
    now, user_id = actx.now(), actx.user_id()
    if matching is not None or add_ids or remove_ids or sync:
        added, removed = campaign_members.change_members(
            session, campaign_id, now=now, user_id=user_id, matching=matching, add_ids=add_ids,
            remove_ids=remove_ids, sync=sync,
        )  # fmt: skip
        output.note(_("{added} added, {removed} removed").format(added=added, removed=removed))
    people = campaign_members.members(session, campaign_id, narrow=narrow)
    if export is None:
        output.emit_rows([c.to_json() for c in people], MEMBER_COLUMNS, fmt, empty=_("no members"))
        return
    from minicrm.store.exchange.campaign_export import members_csv, members_vcard

    text = members_csv(people) if export is ExportFormat.csv else members_vcard(people)
    from minicrm.outfiles import output_file

    with output_file(out, newline="") as fh:
        fh.write(text)
    if out and out != "-":
        n = len(people)
        output.note(ngettext("{n} member written to {file}", "{n} members written to {file}", n).format(n=n, file=out))


@app.command("attribute")
def attribute_cmd(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Campaign id or name; 'none' removes the credit.")],
    interaction: Annotated[
        list[int] | None, typer.Option("--interaction", metavar="ID", help="Credit this interaction (a response).")
    ] = None,
    deal: Annotated[
        list[int] | None, typer.Option("--deal", metavar="ID", help="Credit this deal (the campaign brought it).")
    ] = None,
) -> None:
    """Credit already logged interactions or existing deals to a campaign."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.sales.campaign_members import attribute
    from minicrm.store.sales.campaigns import resolve_campaign

    actx = app_ctx(ctx)
    if not interaction and not deal:
        raise BadInput(_("give --interaction ID or --deal ID"))
    session = actx.session()
    campaign_id = None if ref.strip().lower() == "none" else resolve_campaign(session, ref)
    attribute(
        session, campaign_id, now=actx.now(), user_id=actx.user_id(), interaction_ids=interaction or [],
        deal_ids=deal or [],
    )  # fmt: skip
    n = len(interaction or []) + len(deal or [])
    done = (ngettext("{n} credited to {campaign}", "{n} credited to {campaign}", n) if campaign_id
            else ngettext("{n} credited to no campaign", "{n} credited to no campaign", n))  # fmt: skip
    output.note(done.format(n=n, campaign=campaign_id))


@app.command("delete")
def delete(
    ctx: typer.Context,
    ref: CampaignArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a campaign and its member list (interactions and deals stay)."""
    from minicrm import output
    from minicrm.store.sales.campaigns import delete_campaign, resolve_campaign

    actx = app_ctx(ctx)
    session = actx.session()
    campaign_id = resolve_campaign(session, ref)
    if not yes:
        from minicrm.errors import Conflict

        raise Conflict(_("add --yes to delete campaign {id} (its interactions and deals stay)").format(id=campaign_id))
    name = delete_campaign(session, campaign_id, now=actx.now(), user_id=actx.user_id())
    output.note(_("deleted campaign '{name}'").format(name=name))


# -- segments ------------------------------------------------------------------------------------


@segment_app.command("save")
def segment_save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Segment name (saving again replaces it).")],
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Has this tag (repeatable: all).")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="Has this status (repeatable: any).")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="FILTER",
            help="A custom field compares, as in contact list: region=north, turnover>=1000000, since<2020-01-01,"
            " n=10..20; company:NAME for the company's field (repeatable: all).",
        ),
    ] = None,
    industry: Annotated[list[str] | None, typer.Option("--industry", help="Company industry (any).")] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="Company city (any).")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Contact source (any).")] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="Region, the contact's or its company's (any).")
    ] = None,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", metavar="USER", help="Owned by this user (any).")
    ] = None,
    company: Annotated[
        list[str] | None, typer.Option("--company", metavar="REF", help="At this company (any).")
    ] = None,
) -> None:
    """Save a named contact filter; prints its id."""
    from minicrm import output
    from minicrm.commands.contacts import _owner_id
    from minicrm.store.people import field_filters
    from minicrm.store.people.refs import resolve_company
    from minicrm.store.people.segments import count_matching, definition, save_segment

    actx = app_ctx(ctx)
    session = actx.session()
    d = definition(
        tags=tag or [], statuses=status or [], industries=industry or [], cities=city or [], sources=source or [],
        regions=region or [], owners=[i for i in (_owner_id(actx, o) for o in owner or []) if i is not None],
        companies=[resolve_company(session, c) for c in company or []],
        field_filters=[field_filters.parse(session, f, entity="contact", now=actx.now()) for f in field or []],
    )  # fmt: skip
    seg_id, created = save_segment(session, name, d, now=actx.now(), user_id=actx.user_id())
    done = _("segment '{name}' saved: {contacts}") if created else _("segment '{name}' replaced: {contacts}")
    output.note(done.format(name=name, contacts=counted(count_matching(session, d), "contacts")))
    output.write(str(seg_id))


@segment_app.command("list")
def segment_list(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List saved segments with how many contacts each matches now."""
    from minicrm import output
    from minicrm.store.people.segments import list_segments

    rows = [s.to_json() for s in list_segments(app_ctx(ctx).session())]
    output.emit_rows(
        rows,
        [
            ("id", N_("ID"), 1),
            ("name", N_("Segment"), 1),
            ("filter", N_("Filter"), 2),
            ("contacts", N_("Contacts"), 2),
            ("campaigns", N_("Campaigns"), 3),
        ],
        fmt,
        empty=_("no segments (save one with: minicrm segment save NAME --tag ...)"),
    )


@segment_app.command("show")
def segment_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Segment name or id.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """The contacts a segment matches now (JSON: the segment with its contacts)."""
    from minicrm import output
    from minicrm.store.people.segments import get_segment
    from minicrm.store.people.selections import matching_contacts

    session = app_ctx(ctx).session()
    seg = get_segment(session, name)
    people = matching_contacts(session, seg.definition)
    if fmt is not Format.table:
        data = seg.to_json()
        data["contacts"] = len(people)
        data["members"] = [c.to_json() for c in people]
        output.emit_data(data, fmt, csv_rows=data["members"])
        return
    if fmt is Format.table:
        output.note(
            _("segment '{name}': {filter} — {contacts}").format(
                name=seg.name, filter=seg.to_json()["filter"], contacts=counted(len(people), "contacts")
            )
        )
    output.emit_rows([c.to_json() for c in people], MEMBER_COLUMNS, fmt, empty=_("no contacts match"))


@segment_app.command("delete")
def segment_delete(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Segment name or id.")]) -> None:
    """Delete a saved segment (campaigns that target it keep a copy of its filter)."""
    from minicrm import output
    from minicrm.store.people.segments import delete_segment

    actx = app_ctx(ctx)
    deleted = delete_segment(actx.session(), name, now=actx.now(), user_id=actx.user_id())
    output.note(_("deleted segment '{name}'").format(name=deleted))


def register(root: typer.Typer) -> None:
    from minicrm.commands.campaign_report import report_campaigns

    app.command("report")(report_campaigns)
    root.add_typer(app, name="campaign")
    root.add_typer(segment_app, name="segment")
