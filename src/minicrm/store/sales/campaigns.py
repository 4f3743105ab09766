"""Marketing campaigns: the plan (channel, dates, budget, target segment), who they reached, what they brought.

Members are fixed when added (the mail-merge or call list as sent), so a campaign's reach does not drift
when contacts are tagged later. Responses are interactions logged with `campaign_id`; deals name the
campaign that brought them. All report figures are computed in SQL with GROUP BY over indexed columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from minicrm.errors import BadInput, Conflict, NotFound
from minicrm.i18n import _, ngettext
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import check_revision, iso
from minicrm.store.core.text import fold, like_pattern
from minicrm.store.people import segments
from minicrm.store.people.refs import as_id
from minicrm.store.sales.campaign_members import sync_members
from minicrm.values.money import minor_text, parse_currency

CHANNELS = (
    "email",
    "call",
    "event",
    "ad",
    "mailing",
    "social",
    "webinar",
    "web",
    "print",
    "referral",
    "partner",
    "other",
)


def normalize_channel(channel: str) -> str:
    key = channel.strip().lower()
    if key not in CHANNELS:
        raise BadInput(
            _("unknown channel '{channel}' (one of: {choices})").format(channel=channel, choices=", ".join(CHANNELS))
        )
    return key


def ratio(num: Decimal | int, den: Decimal | int, places: str = "0.1") -> str | None:
    if not den:
        return None
    return str((Decimal(num) / Decimal(den)).quantize(Decimal(places), rounding=ROUND_HALF_EVEN))


# -- records -----------------------------------------------------------------------------------


@dataclass
class Campaign:
    id: int
    name: str
    channel: str
    starts_on: date | None
    ends_on: date | None
    currency: str
    budget_minor: int | None
    cost_minor: int | None
    segment_id: int | None
    segment: str | None
    target: dict[str, Any] | None
    notes: str | None
    created_at: datetime | None
    updated_at: datetime | None
    revision: int
    members: int = 0
    status: str = "planned"
    stats: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "name": self.name,
            "channel": self.channel,
            "status": self.status,
            "starts_on": iso(self.starts_on),
            "ends_on": iso(self.ends_on),
            "currency": self.currency,
            "budget": minor_text(self.budget_minor),
            "cost": minor_text(self.cost_minor),
            "segment": self.segment,
            "segment_id": self.segment_id,
            "target": segments.describe(self.target) if self.target else None,
            "members": self.members,
            "notes": self.notes,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "revision": self.revision,
        }
        if self.stats is not None:
            data.update(self.stats)
        return data


def campaign_status(starts_on: date | None, ends_on: date | None, today: date) -> str:
    if starts_on and starts_on > today:
        return "planned"
    if ends_on and ends_on < today:
        return "ended"
    return "running" if starts_on else "planned"


CAMPAIGN_SELECT = (
    "SELECT c.*, s.name AS segment_name, s.definition AS segment_definition,"
    " (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = c.id) AS members"
    " FROM campaign c LEFT JOIN saved_segment s ON s.id = c.segment_id"
)


def campaign_record(row: Any, today: date) -> Campaign:
    target = row["segment_definition"] or row["target"]
    return Campaign(
        id=row["id"],
        name=row["name"],
        channel=row["channel"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        currency=row["currency"],
        budget_minor=row["budget_minor"],
        cost_minor=row["cost_minor"],
        segment_id=row["segment_id"],
        segment=row["segment_name"],
        target=json.loads(target) if target else None,
        notes=row["notes"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        revision=row["revision"],
        members=row["members"],
        status=campaign_status(row["starts_on"], row["ends_on"], today),
    )


# -- writing -----------------------------------------------------------------------------------


def _check_name(session: Session, name: str, campaign_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise BadInput(_("a campaign needs a name"))
    if as_id(name) is not None:
        raise BadInput(_("invalid campaign name '{name}' (a number would be read as an id)").format(name=name))
    other = session.one("SELECT id, name FROM campaign WHERE name_key = ?", (fold(name),))
    if other is not None and other["id"] != campaign_id:
        raise Conflict(
            _("a campaign named '{name}' already exists (id {id})").format(name=other["name"], id=other["id"])
        )
    return name


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise BadInput(_("the campaign ends ({end}) before it starts ({start})").format(end=ends_on, start=starts_on))


@limited
def create_campaign(
    session: Session,
    *,
    name: str,
    channel: str,
    now: datetime,
    user_id: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    currency: str = "EUR",
    budget_minor: int | None = None,
    cost_minor: int | None = None,
    segment: str | None = None,
    target: dict[str, Any] | None = None,
    notes: str | None = None,
) -> tuple[int, int]:
    """Insert a campaign and add the contacts its target matches as members; returns (id, members added)."""
    channel = normalize_channel(channel)
    currency = parse_currency(currency)
    _check_dates(starts_on, ends_on)
    if segment and target:
        raise BadInput(_("give either --segment or filters (--tag, --status...), not both"))
    with session.write():
        name = _check_name(session, name)
        segment_id = segments.resolve_segment(session, segment) if segment else None
        columns = {
            "name": name,
            "name_key": fold(name),
            "channel": channel,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "currency": currency,
            "budget_minor": budget_minor,
            "cost_minor": cost_minor,
            "segment_id": segment_id,
            "target": json.dumps(target, ensure_ascii=False, sort_keys=True) if target else None,
            "notes": notes,
            "created_by": user_id,
            "created_at": now,
            "updated_at": now,
            "revision": 1,
        }
        campaign_id = session.insert(
            f"INSERT INTO campaign ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()),
        )
        audit.record(
            session,
            entity="campaign",
            entity_id=campaign_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={k: (None, v) for k, v in columns.items() if v is not None and k not in ("name_key", "created_at")},
        )
        added = sync_members(session, campaign_id, now=now, user_id=user_id)
    return campaign_id, added


EDITABLE = ("name", "channel", "starts_on", "ends_on", "currency", "budget_minor", "cost_minor", "notes")


@limited
def update_campaign(
    session: Session,
    campaign_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    segment: str | None = None,
    clear_segment: bool = False,
    target: dict[str, Any] | None = None,
    expected_revision: int | None = None,
    **values: Any,
) -> None:
    """Change a campaign; `values` are columns of EDITABLE. Members stay as they are (see sync_members)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown campaign fields: {fields}").format(fields=", ".join(sorted(unknown))))
    if "channel" in values:
        values["channel"] = normalize_channel(values["channel"])
    if "currency" in values:
        values["currency"] = parse_currency(values["currency"])
    if segment and target:
        raise BadInput(_("give either --segment or filters (--tag, --status...), not both"))
    with session.write():
        old = session.one("SELECT * FROM campaign WHERE id = ?", (campaign_id,))
        if old is None:
            raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
        old = dict(old)
        check_revision("campaign", campaign_id, old["revision"], expected_revision)
        if "name" in values:
            values["name"] = _check_name(session, values["name"], campaign_id)
            values["name_key"] = fold(values["name"])
        _check_dates(values.get("starts_on", old["starts_on"]), values.get("ends_on", old["ends_on"]))
        if segment:
            values["segment_id"] = segments.resolve_segment(session, segment)
            values["target"] = None
        elif target:
            values["segment_id"] = None
            values["target"] = json.dumps(target, ensure_ascii=False, sort_keys=True)
        elif clear_segment:
            values["segment_id"] = None
            values["target"] = None
        changes = audit.diff(old, values)
        changes.pop("name_key", None)
        if not changes:
            return
        sets = {**values, "updated_at": now, "revision": old["revision"] + 1}
        session.execute(
            f"UPDATE campaign SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", [*sets.values(), campaign_id]
        )
        audit.record(
            session, entity="campaign", entity_id=campaign_id, action="update", now=now, user_id=user_id,
            changes=changes,
        )  # fmt: skip


def delete_campaign(session: Session, campaign_id: int, *, now: datetime, user_id: int | None = None) -> str:
    """Delete a campaign and its member list; interactions and deals stay, without the credit."""
    with session.write():
        row = session.one("SELECT name FROM campaign WHERE id = ?", (campaign_id,))
        if row is None:
            raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
        session.execute("DELETE FROM campaign WHERE id = ?", (campaign_id,))
        audit.record(
            session, entity="campaign", entity_id=campaign_id, action="delete", now=now, user_id=user_id,
            changes={"name": (row["name"], None)},
        )  # fmt: skip
    name: str = row["name"]
    return name


# -- reading -----------------------------------------------------------------------------------


def resolve_campaign(session: Session, ref: str) -> int:
    """Campaign id for REF: its id, or a name fragment matching exactly one campaign."""
    ref = ref.strip()
    if (ident := as_id(ref)) is not None:
        if session.scalar("SELECT id FROM campaign WHERE id = ?", (ident,)) is None:
            raise NotFound(_("no campaign with id {id}").format(id=ref))
        return ident
    key = fold(ref)
    rows = session.all("SELECT id, name FROM campaign WHERE name_key = ?", (key,)) if key else []
    if not rows and key:
        rows = session.all(
            "SELECT id, name FROM campaign WHERE name_key LIKE ? ESCAPE '\\' ORDER BY name_key, id LIMIT 20",
            (like_pattern(key),),
        )
    if len(rows) == 1:
        found: int = rows[0]["id"]
        return found
    if not rows:
        raise NotFound(_("no campaign matches '{ref}'").format(ref=ref))
    from minicrm.errors import Ambiguous

    listed = ", ".join(f"{r['id']} {r['name']}" for r in rows[:8])
    n = len(rows)
    text = ngettext("'{ref}' matches {n} campaign: {listed}; use the id",
                    "'{ref}' matches {n} campaigns: {listed}; use the id", n)  # fmt: skip
    raise Ambiguous(text.format(ref=ref, n=n, listed=listed))


def list_campaigns(
    session: Session,
    *,
    today: date,
    channel: str | None = None,
    status: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Campaign]:
    where, params = campaign_filters(channel=channel, start=start, end=end)
    sql = CAMPAIGN_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY c.starts_on IS NULL, c.starts_on DESC, c.id DESC"
    campaigns = [campaign_record(r, today) for r in session.all(sql, params)]
    if status:
        if status not in ("planned", "running", "ended"):
            raise BadInput(_("unknown campaign status '{status}' (planned, running or ended)").format(status=status))
        campaigns = [c for c in campaigns if c.status == status]
    return campaigns


def campaign_filters(
    *, channel: str | None = None, start: date | None = None, end: date | None = None, campaign_id: int | None = None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if campaign_id is not None:
        where.append("c.id = ?")
        params.append(campaign_id)
    if channel:
        where.append("c.channel = ?")
        params.append(normalize_channel(channel))
    if start and end:
        # campaigns that ran at some point of the period (undated ones are left out)
        where.append("c.starts_on IS NOT NULL AND c.starts_on <= ? AND coalesce(c.ends_on, c.starts_on) >= ?")
        params += [end, start]
    return where, params
