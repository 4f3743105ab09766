"""`minicrm deal ...` and `minicrm pipeline [stages ...]`: the sales pipeline."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, IfRevisionOpt, LimitOpt, app_ctx, on_date, span_days
from minicrm.i18n import N_, _
from minicrm.output import Format

app = typer.Typer(help="Deals in the sales pipeline.", no_args_is_help=True)
stages_app = typer.Typer(help="The pipeline's stages (configurable per database).", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Deal id.")]
ProductOpt = Annotated[
    list[str] | None, typer.Option("--product", metavar="NAME:QTY:PRICE", help="name:quantity:price (repeatable).")
]

#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
DEAL_COLUMNS = [
    ("id", N_("ID"), 1),
    ("title", N_("Title"), 1),
    ("contact", N_("Contact"), 2),
    ("company", N_("Company"), 3),
    ("stage", N_("Stage"), 2),
    ("amount", N_("Amount"), 2),
    ("currency", "", 2),
    ("probability", N_("%"), 4),
    ("expected_close", N_("Close"), 3),
    ("next_step", N_("Next step"), 4),
    ("next_step_on", N_("On"), 3),
]


def _refs(actx, contact: str | None, company: str | None) -> tuple[int | None, int | None]:
    from minicrm.store.people.refs import resolve_company, resolve_contact

    session = actx.session()
    return (
        resolve_contact(session, contact) if contact else None,
        resolve_company(session, company) if company else None,
    )


def _products(specs: list[str] | None):
    from minicrm.store.sales.deals import parse_product

    return [parse_product(s) for s in specs or []]


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is being sold.")],
    contact: Annotated[str | None, typer.Option("--contact", help="Contact REF.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Company REF.")] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", metavar="AMOUNT", help="Amount (default: the products' total).")
    ] = None,
    currency: Annotated[str, typer.Option("--currency", help="3-letter currency code.")] = "EUR",
    stage: Annotated[str | None, typer.Option("--stage", help="Stage (default: the first).")] = None,
    close: Annotated[str | None, typer.Option("--close", metavar="DATE", help="Expected close date.")] = None,
    next_step: Annotated[str | None, typer.Option("--next-step", help="The next step.")] = None,
    next_step_on: Annotated[
        str | None, typer.Option("--next-step-on", metavar="WHEN", help="When the next step is due.")
    ] = None,
    product: ProductOpt = None,
    probability: Annotated[
        str | None, typer.Option("--probability", metavar="PERCENT", help="Override the stage's %: 40 or 40%.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="USER", help="Owner (user name).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Where the deal came from.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="The campaign that brought it (id or name).")
    ] = None,
) -> None:
    """Add a deal and print its id."""
    from minicrm import output
    from minicrm.store.people.users import ensure_user
    from minicrm.store.sales.deals import create_deal
    from minicrm.values.money import parse_money

    actx = app_ctx(ctx)
    value = parse_money(amount) if amount is not None else None
    products = _products(product)
    close_on = on_date(actx, close) if close else None
    step_on = on_date(actx, next_step_on) if next_step_on else None
    contact_id, company_id = _refs(actx, contact, company)
    session = actx.session()
    owner_id = ensure_user(session, owner, now=actx.now()) if owner else actx.user_id()
    campaign_id = None
    if campaign:
        from minicrm.store.sales.campaigns import resolve_campaign

        campaign_id = resolve_campaign(session, campaign)
    deal_id = create_deal(
        session, title=title, now=actx.now(), user_id=actx.user_id(), contact_id=contact_id, company_id=company_id,
        amount=value, currency=currency, stage=stage, expected_close=close_on, next_step=next_step,
        next_step_on=step_on, products=products, probability=_percent(probability), owner_id=owner_id, notes=note,
        source=source, campaign_id=campaign_id,
    )  # fmt: skip
    output.write(str(deal_id))


@app.command("list")
def list_(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option("--stage", help="Only in this stage.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only open deals.")] = False,
    won: Annotated[bool, typer.Option("--won", help="Only won deals.")] = False,
    lost: Annotated[bool, typer.Option("--lost", help="Only lost deals.")] = False,
    owner: Annotated[str | None, typer.Option("--owner", metavar="USER", help="me, NAME or all.")] = None,
    closing_within: Annotated[
        str | None, typer.Option("--closing-within", metavar="SPAN", help="Open, closing within 30d.")
    ] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Only this contact's deals.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Only this company's deals.")] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List deals, by stage then expected close."""
    from datetime import timedelta

    from minicrm import output
    from minicrm.commands.contacts import _owner_id
    from minicrm.errors import BadInput
    from minicrm.store.sales.deals import list_deals

    actx = app_ctx(ctx)
    states = [name for name, flag in (("open", open_), ("won", won), ("lost", lost)) if flag]
    if len(states) > 1:
        raise BadInput(_("choose one of --open, --won, --lost"))
    closing_by = actx.today() + timedelta(days=span_days(closing_within)) if closing_within else None
    contact_id, company_id = _refs(actx, contact, company)
    deals = list_deals(
        actx.session(), stage=stage, state=states[0] if states else None, owner_id=_owner_id(actx, owner),
        closing_by=closing_by, contact_id=contact_id, company_id=company_id, limit=limit,
    )  # fmt: skip
    output.emit_rows([d.to_json() for d in deals], DEAL_COLUMNS, fmt, empty=_("no deals"))


@app.command("show")
def show(ctx: typer.Context, deal_id: IdArg, fmt: FormatOpt = Format.table) -> None:
    """A deal with its products, stage history, tasks and timeline."""
    from minicrm import output
    from minicrm.store.people.interactions import timeline
    from minicrm.store.sales.deals import get_deal, stage_history
    from minicrm.store.sales.tasks import list_tasks

    session = app_ctx(ctx).session()
    card = get_deal(session, deal_id).to_json()
    card["history"] = stage_history(session, deal_id)
    card["tasks"] = [t.to_json() for t in list_tasks(session, deal_id=deal_id)]
    card["interactions"] = [i.to_json() for i in timeline(session, deal_id=deal_id, limit=20)]
    output.emit_object(card, fmt, table=_renderables)


def _renderables(card: dict[str, Any]):
    from minicrm import display
    from minicrm.commands.contacts import _timeline_table
    from minicrm.output import Listing, key_values

    amount = _("{amount} (weighted {weighted})").format(
        amount=display.money(card["amount"], card["currency"]), weighted=display.number(card["weighted_amount"])
    )
    yield key_values(
        [
            (_("Deal"), f"{card['title']}  (#{card['id']})"),
            (_("Contact"), card["contact"]),
            (_("Company"), card["company"]),
            (_("Stage"), f"{card['stage']} ({card['probability']}%)"),
            (_("Amount"), amount),
            (_("Close"), card["expected_close"]),
            (_("Next step"), " ".join(x for x in (card["next_step_on"], card["next_step"]) if x)),
            (_("Owner"), card["owner"]),
            (_("Won"), card["won_on"]),
            (_("Lost"), " ".join(x for x in (card["lost_on"], card["lost_reason"]) if x)),
            (_("Notes"), card["notes"]),
        ]
    )
    if card["products"]:
        yield ""
        yield Listing(card["products"], [("name", N_("Product"), 1), ("quantity", N_("Qty"), 1),
                                         ("price", N_("Price"), 2), ("total", N_("Total"), 1)],
                      title=_("Products"))  # fmt: skip
    if card["history"]:
        yield ""
        yield Listing(card["history"], [("at", N_("When"), 1), ("from", N_("From"), 2), ("to", N_("To"), 1),
                                        ("by", N_("By"), 3)], title=_("Stage history"))  # fmt: skip
    if card["tasks"]:
        yield ""
        yield Listing(card["tasks"], [("id", N_("ID"), 1), ("due_on", N_("Due"), 1), ("title", N_("Task"), 1),
                                      ("done", N_("Done"), 2)], title=_("Tasks"))  # fmt: skip
    if card["interactions"]:
        yield ""
        yield _timeline_table(card["interactions"], title=_("Timeline"))


@app.command("move")
def move(
    ctx: typer.Context, deal_id: IdArg, stage: Annotated[str, typer.Argument(metavar="STAGE", help="Target stage.")]
) -> None:
    """Move an open deal to another stage."""
    from minicrm import output
    from minicrm.store.sales.deals import move_deal

    actx = app_ctx(ctx)
    deal = move_deal(actx.session(), deal_id, stage, now=actx.now(), user_id=actx.user_id())
    output.note(_("deal {id} is now in stage '{stage}'").format(id=deal_id, stage=deal.stage))


@app.command("won")
def won_(
    ctx: typer.Context,
    deal_id: IdArg,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="Won on.")] = None,
) -> None:
    """Mark a deal as won."""
    from minicrm import display, output
    from minicrm.store.sales.deals import win_deal

    actx = app_ctx(ctx)
    day = on_date(actx, on) if on else actx.today()
    deal = win_deal(actx.session(), deal_id, on=day, now=actx.now(), user_id=actx.user_id())
    output.note(
        _("deal {id} won on {day}: {amount}").format(
            id=deal_id,
            day=display.day(deal.won_on) if deal.won_on else "",
            amount=display.money(deal.amount, deal.currency),
        )
    )


@app.command("lost")
def lost_(
    ctx: typer.Context,
    deal_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it was lost.")],
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="Lost on.")] = None,
) -> None:
    """Mark a deal as lost, with the reason."""
    from minicrm import output
    from minicrm.store.sales.deals import lose_deal

    actx = app_ctx(ctx)
    day = on_date(actx, on) if on else None
    lose_deal(actx.session(), deal_id, reason=reason, on=day, now=actx.now(), user_id=actx.user_id())
    output.note(_("deal {id} lost: {reason}").format(id=deal_id, reason=reason))


@app.command("reopen")
def reopen(
    ctx: typer.Context, deal_id: IdArg, stage: Annotated[str, typer.Argument(metavar="STAGE", help="Open stage.")]
) -> None:
    """Reopen a won or lost deal into an open stage."""
    from minicrm import output
    from minicrm.store.sales.deals import reopen_deal

    actx = app_ctx(ctx)
    reopen_deal(actx.session(), deal_id, stage, now=actx.now(), user_id=actx.user_id())
    output.note(_("deal {id} reopened in '{stage}'").format(id=deal_id, stage=stage))


@app.command("edit")
def edit(
    ctx: typer.Context,
    deal_id: IdArg,
    title: Annotated[str | None, typer.Option("--title")] = None,
    amount: Annotated[str | None, typer.Option("--amount", metavar="AMOUNT")] = None,
    currency: Annotated[str | None, typer.Option("--currency")] = None,
    close: Annotated[str | None, typer.Option("--close", metavar="DATE")] = None,
    next_step: Annotated[str | None, typer.Option("--next-step")] = None,
    next_step_on: Annotated[str | None, typer.Option("--next-step-on", metavar="WHEN")] = None,
    product: ProductOpt = None,
    probability: Annotated[str | None, typer.Option("--probability", metavar="PERCENT")] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="USER")] = None,
    contact: Annotated[str | None, typer.Option("--contact")] = None,
    company: Annotated[str | None, typer.Option("--company")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    if_revision: IfRevisionOpt = None,
) -> None:
    """Change a deal (only the options given; --product replaces the product lines)."""
    from minicrm import output
    from minicrm.store.people.users import ensure_user
    from minicrm.store.sales.deals import update_deal

    actx = app_ctx(ctx)
    values: dict[str, Any] = {}
    for key, value in (("title", title), ("amount", amount), ("currency", currency), ("next_step", next_step),
                       ("probability", _percent(probability)), ("notes", note)):  # fmt: skip
        if value is not None:
            values[key] = value
    if close is not None:
        values["expected_close"] = on_date(actx, close) if close else None
    if next_step_on is not None:
        values["next_step_on"] = on_date(actx, next_step_on) if next_step_on else None
    contact_id, company_id = _refs(actx, contact, company)
    if contact_id:
        values["contact_id"] = contact_id
    if company_id:
        values["company_id"] = company_id
    products = _products(product) if product else None
    session = actx.session()
    with session.write():  # a new owner is created only if the edit goes through
        if owner:
            values["owner_id"] = ensure_user(session, owner, now=actx.now())
        update_deal(
            session, deal_id, now=actx.now(), user_id=actx.user_id(), products=products,
            expected_revision=if_revision, **values,
        )  # fmt: skip
    output.note(_("updated deal {id}").format(id=deal_id))


@app.command("delete")
def delete(ctx: typer.Context, deal_id: IdArg, yes: Annotated[bool, typer.Option("--yes", "-y")] = False) -> None:
    """Delete a deal (refuses without --yes)."""
    from minicrm import output
    from minicrm.errors import Conflict
    from minicrm.store.sales.deals import delete_deal

    actx = app_ctx(ctx)
    if not yes:
        raise Conflict(_("add --yes to delete deal {id}").format(id=deal_id))
    delete_deal(actx.session(), deal_id, now=actx.now(), user_id=actx.user_id())
    output.note(_("deleted deal {id}").format(id=deal_id))


@stages_app.command("list")
def stages_list(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List the stages in order."""
    from minicrm import output
    from minicrm.store.sales.stages import list_stages

    rows = [s.to_json() for s in list_stages(app_ctx(ctx).session())]
    output.emit_rows(
        rows, [("position", "#"), ("name", N_("Stage")), ("probability", N_("%")), ("outcome", N_("Outcome"))], fmt
    )


@stages_app.command("add")
def stages_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="New stage.")],
    probability: Annotated[str, typer.Option("--probability", metavar="PERCENT", help="Default probability %.")] = "50",
    before: Annotated[str | None, typer.Option("--before", metavar="STAGE", help="Place it before this stage.")] = None,
) -> None:
    """Add an open stage (before won/lost unless --before says otherwise)."""
    from minicrm import output
    from minicrm.store.sales.stages import add_stage

    stage = add_stage(app_ctx(ctx).session(), name, probability=_whole_percent(probability), before=before)
    output.note(_("stage '{stage}' added at position {position}").format(stage=stage.name, position=stage.position))


@stages_app.command("rename")
def stages_rename(ctx: typer.Context, old: str, new: str) -> None:
    """Rename a stage."""
    from minicrm.store.sales.stages import rename_stage

    rename_stage(app_ctx(ctx).session(), old, new)


@stages_app.command("probability")
def stages_probability(
    ctx: typer.Context, name: str, probability: Annotated[str, typer.Argument(metavar="PERCENT")]
) -> None:
    """Set a stage's default probability (percent)."""
    from minicrm.store.sales.stages import set_stage_probability

    set_stage_probability(app_ctx(ctx).session(), name, _whole_percent(probability))


@stages_app.command("reorder")
def stages_reorder(
    ctx: typer.Context, names: Annotated[list[str], typer.Argument(metavar="STAGE", help="Every open stage.")]
) -> None:
    """Put the open stages in a new order."""
    from minicrm.store.sales.stages import reorder_stages

    reorder_stages(app_ctx(ctx).session(), names)


def _percent(text: str | None) -> int | None:
    return None if text is None else _whole_percent(text)


def _whole_percent(text: str) -> int:
    from minicrm.values.percent import parse_percent

    return parse_percent(text, _("probability"))
