"""Deals in a configurable pipeline: products, stage history, won/lost, and the pipeline stages themselves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from minicrm.errors import BadInput, Conflict, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit, events
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import check_revision, iso
from minicrm.store.sales.deal_values import refresh_deal_values
from minicrm.store.sales.stages import Stage, check_probability, list_stages, stage_by_name
from minicrm.values.money import CENT, from_minor, parse_currency, parse_money, to_minor
from minicrm.values.quantity import parse_quantity, quantity_text

OUTCOMES = ("open", "won", "lost")


# -- money -----------------------------------------------------------------------------------


Product = tuple[str, Decimal, Decimal]  # name, quantity, unit price


def parse_product(spec: str) -> Product:
    """`name:qty:price` (the name may contain colons; quantity and price are the last two parts)."""
    parts = spec.rsplit(":", 2)
    if len(parts) != 3 or not parts[0].strip():
        raise BadInput(
            _("invalid product '{spec}' (expected name:quantity:price, e.g. 'Support:12:99.50')").format(spec=spec)
        )
    name, qty, price = parts[0].strip(), parts[1].strip(), parts[2]
    try:
        quantity = parse_quantity(qty)
    except BadInput:
        raise BadInput(
            _("invalid product '{spec}': quantity '{qty}' is not a positive number").format(spec=spec, qty=qty)
        ) from None
    return name, quantity, parse_money(price, _("price in product '{spec}'").format(spec=spec))


# -- records ----------------------------------------------------------------------------------


@dataclass
class Deal:
    id: int
    title: str
    contact_id: int | None
    contact: str | None
    company_id: int | None
    company: str | None
    amount: Decimal
    currency: str
    stage: str
    stage_id: int
    probability: int
    expected_close: date | None
    next_step: str | None
    next_step_on: date | None
    owner: str | None
    won_on: date | None
    lost_on: date | None
    lost_reason: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    revision: int
    outcome: str = "open"
    campaign_id: int | None = None
    products: list[dict[str, Any]] = field(default_factory=list)

    @property
    def weighted(self) -> Decimal:
        return (self.amount * self.probability / 100).quantize(CENT)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "company_id": self.company_id,
            "company": self.company,
            "amount": str(self.amount),
            "currency": self.currency,
            "stage": self.stage,
            "state": self.outcome,
            "probability": self.probability,
            "weighted_amount": str(self.weighted),
            "expected_close": iso(self.expected_close),
            "next_step": self.next_step,
            "next_step_on": iso(self.next_step_on),
            "owner": self.owner,
            "won_on": iso(self.won_on),
            "lost_on": iso(self.lost_on),
            "lost_reason": self.lost_reason,
            "notes": self.notes,
            "products": self.products,
            "campaign_id": self.campaign_id,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "revision": self.revision,
        }


# -- deals ------------------------------------------------------------------------------------

_SELECT = (
    "SELECT d.*, s.name AS stage_name, s.outcome, coalesce(d.probability, s.probability) AS eff_probability,"
    " c.name AS contact_name, co.name AS company_name, u.name AS owner_name FROM deal d"
    " JOIN pipeline_stage s ON s.id = d.stage_id LEFT JOIN contact c ON c.id = d.contact_id"
    " LEFT JOIN company co ON co.id = d.company_id LEFT JOIN app_user u ON u.id = d.owner_id"
)


def _record(r: Any) -> Deal:
    return Deal(
        id=r["id"],
        title=r["title"],
        contact_id=r["contact_id"],
        contact=r["contact_name"],
        company_id=r["company_id"],
        company=r["company_name"],
        amount=from_minor(r["amount_minor"]),
        currency=r["currency"],
        stage=r["stage_name"],
        stage_id=r["stage_id"],
        probability=r["eff_probability"],
        expected_close=r["expected_close"],
        next_step=r["next_step"],
        next_step_on=r["next_step_on"],
        owner=r["owner_name"],
        won_on=r["won_on"],
        lost_on=r["lost_on"],
        lost_reason=r["lost_reason"],
        notes=r["notes"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        revision=r["revision"],
        outcome=r["outcome"],
        campaign_id=r["campaign_id"],
    )


def _with_products(session: Session, deals: list[Deal]) -> list[Deal]:
    by_id = {d.id: d for d in deals}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in session.all(
            f"SELECT * FROM deal_product WHERE deal_id IN ({', '.join('?' * len(chunk))}) ORDER BY id", chunk
        ):
            by_id[r["deal_id"]].products.append(
                {
                    "name": r["name"],
                    "quantity": quantity_text(Decimal(r["quantity"])),
                    "price": str(from_minor(r["unit_price_minor"])),
                    "total": str(from_minor(r["total_minor"])),
                }
            )
    return deals


def get_deal(session: Session, deal_id: int) -> Deal:
    row = session.one(_SELECT + " WHERE d.id = ?", (deal_id,))
    if row is None:
        raise NotFound(_("no deal with id {id}").format(id=deal_id))
    return _with_products(session, [_record(row)])[0]


def list_deals(
    session: Session,
    *,
    stage: str | None = None,
    state: str | None = None,
    owner_id: int | None = None,
    closing_by: date | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    limit: int | None = None,
) -> list[Deal]:
    where: list[str] = []
    params: list[Any] = []
    if stage:
        where.append("d.stage_id = ?")
        params.append(stage_by_name(session, stage).id)
    if state:
        if state not in OUTCOMES:
            raise BadInput(_("unknown state '{state}' (open, won or lost)").format(state=state))
        where.append("s.outcome = ?")
        params.append(state)
    for column, value in (("d.owner_id", owner_id), ("d.contact_id", contact_id), ("d.company_id", company_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if closing_by:
        where.append("d.expected_close <= ? AND s.outcome = 'open'")
        params.append(closing_by)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY s.position, d.expected_close IS NULL, d.expected_close, d.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return _with_products(session, [_record(r) for r in session.all(sql, params)])


def _history(
    session: Session, deal_id: int, from_id: int | None, to_id: int, at: datetime, user_id: int | None
) -> None:
    session.execute(
        "INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, changed_at, changed_by)"
        " VALUES (?, ?, ?, ?, ?)",
        (deal_id, from_id, to_id, at, user_id),
    )


def _check_links(session: Session, contact_id: int | None, company_id: int | None) -> int | None:
    if contact_id is None and company_id is None:
        raise BadInput(_("a deal needs --contact or --company"))
    if company_id is None and contact_id is not None:
        company_id = session.scalar("SELECT company_id FROM contact WHERE id = ?", (contact_id,))
    return company_id


def _insert_products(session: Session, deal_id: int, products: Iterable[Product]) -> Decimal:
    total = Decimal(0)
    for name, quantity, price in products:
        line = (quantity * price).quantize(CENT, ROUND_HALF_EVEN)
        total += line
        session.execute(
            "INSERT INTO deal_product (deal_id, name, quantity, unit_price_minor, total_minor) VALUES (?, ?, ?, ?, ?)",
            (deal_id, name, str(quantity), to_minor(price), to_minor(line)),
        )
    return total


@limited
def create_deal(
    session: Session,
    *,
    title: str,
    now: datetime,
    user_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    amount: Decimal | None = None,
    currency: str = "EUR",
    stage: str | None = None,
    expected_close: date | None = None,
    next_step: str | None = None,
    next_step_on: date | None = None,
    products: Iterable[Product] = (),
    probability: int | None = None,
    owner_id: int | None = None,
    notes: str | None = None,
    source: str | None = None,
    campaign_id: int | None = None,
) -> int:
    """A new deal; without `amount`, the products' total is the amount."""
    title = " ".join(title.split())
    if not title:
        raise BadInput(_("a deal needs a title"))
    currency = parse_currency(currency)
    check_probability(probability)
    if amount is not None:
        amount = parse_money(amount)
    events.check(session, "deal.created", change={"title": title, "contact_id": contact_id, "company_id": company_id,
                 "amount": amount, "currency": currency, "stage": stage, "expected_close": expected_close,
                 "next_step": next_step, "next_step_on": next_step_on, "probability": probability})  # fmt: skip
    with session.write():
        company_id = _check_links(session, contact_id, company_id)
        first = stage_by_name(session, stage) if stage else list_stages(session)[0]
        won_on = now.date() if first.outcome == "won" else None
        lost_on = now.date() if first.outcome == "lost" else None
        deal_id = session.insert(
            "INSERT INTO deal (title, contact_id, company_id, amount_minor, currency, stage_id, probability,"
            " expected_close, next_step, next_step_on, owner_id, source, won_on, lost_on, notes, campaign_id,"
            " created_by, created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, 1)",
            (title, contact_id, company_id, 0, currency, first.id, probability, expected_close, next_step,
             next_step_on, owner_id, source, won_on, lost_on, notes, campaign_id, user_id, now, now),
        )  # fmt: skip
        total = _insert_products(session, deal_id, products)
        value = amount if amount is not None else total
        session.execute("UPDATE deal SET amount_minor = ? WHERE id = ?", (to_minor(value), deal_id))
        refresh_deal_values(session, contact_ids=[contact_id], company_ids=[company_id])
        _history(session, deal_id, None, first.id, now, user_id)
        audit.record(
            session, entity="deal", entity_id=deal_id, action="create", now=now, user_id=user_id,
            changes={"title": (None, title), "amount": (None, str(value)), "stage": (None, first.name)},
        )  # fmt: skip
        events.emit(session, "deal.created", lambda: get_deal(session, deal_id).to_json())
    return deal_id


def move_deal(session: Session, deal_id: int, stage: str, *, now: datetime, user_id: int | None = None) -> Deal:
    """Move an open deal to another stage (won/lost stages close it)."""
    _check_stage_event(session, deal_id, stage)
    with session.write():
        deal = get_deal(session, deal_id)
        target = stage_by_name(session, stage)
        if deal.outcome != "open":
            raise Conflict(_already(deal, reopen=True))
        if target.id == deal.stage_id:
            raise Conflict(_("deal {id} is already in stage '{stage}'").format(id=deal_id, stage=target.name))
        if target.outcome == "lost":
            raise BadInput(_("use: minicrm deal lost {id} --reason TEXT").format(id=deal_id))
        sets: dict[str, Any] = {"stage_id": target.id}
        if target.outcome == "won":
            sets["won_on"] = now.date()
        _update(session, deal, sets, now=now, user_id=user_id)
        _history(session, deal_id, deal.stage_id, target.id, now, user_id)
        _emit(session, "deal.won" if target.outcome == "won" else "deal.stage-changed", deal)
    return get_deal(session, deal_id)


def _check_stage_event(session: Session, deal_id: int, stage: str) -> None:
    """The before- hooks of a move (deal.won when the stage is the won one)."""
    target = stage_by_name(session, stage)
    name = "deal.won" if target.outcome == "won" else "deal.stage-changed"
    events.check(session, name, record=lambda: get_deal(session, deal_id).to_json(), change={"stage": target.name})


def _emit(session: Session, name: str, before: Deal) -> None:
    events.emit(session, name, lambda: get_deal(session, before.id).to_json(), before=before.to_json())


def _closed_stage(session: Session, outcome: str) -> Stage:
    for s in list_stages(session):
        if s.outcome == outcome:
            return s
    raise BadInput(_("the pipeline has no won stage") if outcome == "won" else _("the pipeline has no lost stage"))


def _already(deal: Deal, *, reopen: bool = False) -> str:
    """`deal 7 is already won` (with how to reopen it when `reopen`)."""
    if reopen:
        text = (_("deal {id} is already won; reopen it with: minicrm deal reopen {id}") if deal.outcome == "won"
                else _("deal {id} is already lost; reopen it with: minicrm deal reopen {id}"))  # fmt: skip
    else:
        text = _("deal {id} is already won") if deal.outcome == "won" else _("deal {id} is already lost")
    return text.format(id=deal.id)


def win_deal(session: Session, deal_id: int, *, on: date, now: datetime, user_id: int | None = None) -> Deal:
    events.check(session, "deal.won", record=lambda: get_deal(session, deal_id).to_json(), change={"won_on": on})
    with session.write():
        deal = get_deal(session, deal_id)
        if deal.outcome != "open":
            raise Conflict(_already(deal))
        won = _closed_stage(session, "won")
        _update(session, deal, {"stage_id": won.id, "won_on": on, "next_step_on": None}, now=now, user_id=user_id)
        _history(session, deal_id, deal.stage_id, won.id, datetime.combine(on, now.time()), user_id)
        _emit(session, "deal.won", deal)
    return get_deal(session, deal_id)


def lose_deal(
    session: Session, deal_id: int, *, reason: str, now: datetime, on: date | None = None, user_id: int | None = None
) -> Deal:
    reason = reason.strip()
    if not reason:
        raise BadInput(_("a lost deal needs --reason"))
    events.check(session, "deal.lost", record=lambda: get_deal(session, deal_id).to_json(),
                 change={"lost_reason": reason, "lost_on": on or now.date()})  # fmt: skip
    with session.write():
        deal = get_deal(session, deal_id)
        if deal.outcome != "open":
            raise Conflict(_already(deal))
        lost = _closed_stage(session, "lost")
        day = on or now.date()
        sets = {"stage_id": lost.id, "lost_on": day, "lost_reason": reason, "next_step_on": None}
        _update(session, deal, sets, now=now, user_id=user_id)
        _history(session, deal_id, deal.stage_id, lost.id, datetime.combine(day, now.time()), user_id)
        _emit(session, "deal.lost", deal)
    return get_deal(session, deal_id)


def reopen_deal(session: Session, deal_id: int, stage: str, *, now: datetime, user_id: int | None = None) -> Deal:
    events.check(session, "deal.stage-changed", record=lambda: get_deal(session, deal_id).to_json(),
                 change={"stage": stage})  # fmt: skip
    with session.write():
        deal = get_deal(session, deal_id)
        if deal.outcome == "open":
            raise Conflict(_("deal {id} is open").format(id=deal_id))
        target = stage_by_name(session, stage)
        if target.outcome != "open":
            raise BadInput(_("reopen into an open stage, not '{stage}'").format(stage=target.name))
        sets = {"stage_id": target.id, "won_on": None, "lost_on": None, "lost_reason": None}
        _update(session, deal, sets, now=now, user_id=user_id)
        _history(session, deal_id, deal.stage_id, target.id, now, user_id)
        _emit(session, "deal.stage-changed", deal)
    return get_deal(session, deal_id)


EDITABLE = ("title", "amount", "currency", "probability", "expected_close", "next_step", "next_step_on", "owner_id",
            "notes", "contact_id", "company_id", "source", "campaign_id")  # fmt: skip


@limited
def update_deal(
    session: Session,
    deal_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    products: Iterable[Product] | None = None,
    expected_revision: int | None = None,
    **values: Any,
) -> Deal:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown deal fields: {fields}").format(fields=", ".join(sorted(unknown))))
    if "title" in values:
        values["title"] = " ".join(str(values["title"]).split())
        if not values["title"]:
            raise BadInput(_("a deal needs a title"))
    if "currency" in values:
        values["currency"] = parse_currency(values["currency"])
    if "probability" in values:
        check_probability(values["probability"])
    sets: dict[str, Any] = {}
    if "amount" in values:
        sets["amount_minor"] = to_minor(parse_money(values.pop("amount")))
    sets.update(values)
    events.check(session, "deal.updated", record=lambda: get_deal(session, deal_id).to_json(), change=sets)
    with session.write():
        deal = get_deal(session, deal_id)
        check_revision("deal", deal_id, deal.revision, expected_revision)
        if products is not None:
            session.execute("DELETE FROM deal_product WHERE deal_id = ?", (deal_id,))
            total = _insert_products(session, deal_id, products)
            sets.setdefault("amount_minor", to_minor(total))
        _update(session, deal, sets, now=now, user_id=user_id)
        _emit(session, "deal.updated", deal)
    return get_deal(session, deal_id)


#: Columns a deal's contact and company values (store.sales.deal_values) depend on.
_VALUED = frozenset({"amount_minor", "stage_id", "contact_id", "company_id"})


def _update(session: Session, deal: Deal, sets: dict[str, Any], *, now: datetime, user_id: int | None) -> None:
    row = session.one("SELECT * FROM deal WHERE id = ?", (deal.id,))
    assert row is not None  # the caller has just read the deal in the same write transaction
    old = dict(row)
    changes = audit.diff(old, sets)
    all_sets = {**sets, "updated_at": now, "revision": deal.revision + 1}
    session.execute(
        f"UPDATE deal SET {', '.join(f'{k} = ?' for k in all_sets)} WHERE id = ?", [*all_sets.values(), deal.id]
    )
    if _VALUED.intersection(sets):  # the stored deal values of the contacts and companies before and after
        refresh_deal_values(session, contact_ids=[old["contact_id"], sets.get("contact_id", old["contact_id"])],
                            company_ids=[old["company_id"], sets.get("company_id", old["company_id"])])  # fmt: skip
    audit.record(session, entity="deal", entity_id=deal.id, action="update", now=now, user_id=user_id, changes=changes)


def delete_deal(session: Session, deal_id: int, *, now: datetime, user_id: int | None = None) -> None:
    with session.write():
        deal = get_deal(session, deal_id)
        session.execute("DELETE FROM deal WHERE id = ?", (deal_id,))
        refresh_deal_values(session, contact_ids=[deal.contact_id], company_ids=[deal.company_id])
        audit.record(session, entity="deal", entity_id=deal_id, action="delete", now=now, user_id=user_id,
                     changes={"title": (deal.title, None)})  # fmt: skip


def stage_history(session: Session, deal_id: int) -> list[dict[str, Any]]:
    rows = session.all(
        "SELECT h.changed_at, f.name AS from_stage, t.name AS to_stage, u.name AS who FROM deal_stage_history h"
        " LEFT JOIN pipeline_stage f ON f.id = h.from_stage_id JOIN pipeline_stage t ON t.id = h.to_stage_id"
        " LEFT JOIN app_user u ON u.id = h.changed_by WHERE h.deal_id = ? ORDER BY h.changed_at, h.id",
        (deal_id,),
    )
    return [{"at": iso(r["changed_at"]), "from": r["from_stage"], "to": r["to_stage"], "by": r["who"]} for r in rows]
