"""A campaign's members: added by hand or by segment, kept in sync, narrowed; interactions credited to it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from minicrm.errors import NotFound
from minicrm.i18n import _
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.records import Contact
from minicrm.store.people import segments

# -- members ----------------------------------------------------------------------------------


def _target(session: Session, campaign_id: int) -> dict[str, Any] | None:
    row = session.one(
        "SELECT c.target, s.definition FROM campaign c LEFT JOIN saved_segment s ON s.id = c.segment_id WHERE c.id = ?",
        (campaign_id,),
    )
    if row is None:
        raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
    text = row["definition"] or row["target"]
    return json.loads(text) if text else None


def add_members(
    session: Session,
    campaign_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    matching: dict[str, Any] | None = None,
    contact_ids: Sequence[int] = (),
) -> int:
    """Add the contacts matching a definition and/or the given contacts; returns how many were new."""
    with session.write():
        if session.scalar("SELECT 1 FROM campaign WHERE id = ?", (campaign_id,)) is None:
            raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
        before = _member_count(session, campaign_id)
        if matching is not None:
            where, params = segments.where_sql(matching)
            session.execute(
                "INSERT INTO campaign_member (campaign_id, contact_id, added_at) SELECT ?, c.id, ? FROM contact c"
                f" WHERE {' AND '.join(where)} AND NOT EXISTS (SELECT 1 FROM campaign_member m"
                " WHERE m.campaign_id = ? AND m.contact_id = c.id)",
                [campaign_id, now, *params, campaign_id],
            )
        for contact_id in dict.fromkeys(contact_ids):
            if (
                session.scalar(
                    "SELECT 1 FROM campaign_member WHERE campaign_id = ? AND contact_id = ?", (campaign_id, contact_id)
                )
                is None
            ):
                session.execute(
                    "INSERT INTO campaign_member (campaign_id, contact_id, added_at) VALUES (?, ?, ?)",
                    (campaign_id, contact_id, now),
                )
        added = _member_count(session, campaign_id) - before
        if added:
            audit.record(
                session, entity="campaign", entity_id=campaign_id, action="update", now=now, user_id=user_id,
                changes={"+members": (None, added)},
            )  # fmt: skip
    return added


def sync_members(session: Session, campaign_id: int, *, now: datetime, user_id: int | None = None) -> int:
    """Add the contacts the campaign's target matches today (nobody is removed)."""
    target = _target(session, campaign_id)
    if not target:
        return 0
    return add_members(session, campaign_id, now=now, user_id=user_id, matching=target)


def remove_members(
    session: Session, campaign_id: int, contact_ids: Sequence[int], *, now: datetime, user_id: int | None = None
) -> int:
    with session.write():
        before = _member_count(session, campaign_id)
        for contact_id in contact_ids:
            session.execute(
                "DELETE FROM campaign_member WHERE campaign_id = ? AND contact_id = ?", (campaign_id, contact_id)
            )
        removed = before - _member_count(session, campaign_id)
        if removed:
            audit.record(
                session, entity="campaign", entity_id=campaign_id, action="update", now=now, user_id=user_id,
                changes={"-members": (removed, None)},
            )  # fmt: skip
    return removed


def change_members(
    session: Session,
    campaign_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    matching: dict[str, Any] | None = None,
    add_ids: Sequence[int] = (),
    remove_ids: Sequence[int] = (),
    sync: bool = False,
) -> tuple[int, int]:
    """One transaction of member changes: add by filter and by id, re-apply the target, remove; (added, removed)."""
    with session.write():
        added = add_members(session, campaign_id, now=now, user_id=user_id, matching=matching, contact_ids=add_ids)
        if sync:
            added += sync_members(session, campaign_id, now=now, user_id=user_id)
        removed = remove_members(session, campaign_id, remove_ids, now=now, user_id=user_id)
    return added, removed


def _member_count(session: Session, campaign_id: int) -> int:
    count: int = session.scalar("SELECT count(*) FROM campaign_member WHERE campaign_id = ?", (campaign_id,))
    return count


def attribute(
    session: Session,
    campaign_id: int | None,
    *,
    now: datetime,
    user_id: int | None = None,
    interaction_ids: Sequence[int] = (),
    deal_ids: Sequence[int] = (),
) -> None:
    """Credit interactions (responses) and deals to a campaign; `campaign_id=None` removes the credit."""
    with session.write():
        if campaign_id is not None and session.scalar("SELECT 1 FROM campaign WHERE id = ?", (campaign_id,)) is None:
            raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
        for table, ids in (("interaction", interaction_ids), ("deal", deal_ids)):
            for ident in ids:
                old = session.one(f"SELECT campaign_id FROM {table} WHERE id = ?", (ident,))
                if old is None:
                    missing = _("no interaction with id {id}") if table == "interaction" else _("no deal with id {id}")
                    raise NotFound(missing.format(id=ident))
                session.execute(f"UPDATE {table} SET campaign_id = ? WHERE id = ?", (campaign_id, ident))
                audit.record(
                    session, entity=table, entity_id=ident, action="update", now=now, user_id=user_id,
                    changes={"campaign_id": (old["campaign_id"], campaign_id)},
                )  # fmt: skip


def members(session: Session, campaign_id: int, *, narrow: dict[str, Any] | None = None) -> list[Contact]:
    """The member contacts, by name; `narrow` keeps only those matching a further definition."""
    from minicrm.store.people.contacts import CONTACT_SELECT, hydrate

    if session.scalar("SELECT 1 FROM campaign WHERE id = ?", (campaign_id,)) is None:
        raise NotFound(_("no campaign with id {id}").format(id=campaign_id))
    sql = CONTACT_SELECT + " JOIN campaign_member m ON m.contact_id = c.id AND m.campaign_id = ?"
    params: list[Any] = [campaign_id]
    if narrow:
        where, more = segments.where_sql(narrow)
        # archived members stay members (they were reached); only the narrowing filter's other parts apply
        where = [w for w in where if w != "c.archived = ?"]
        more = more[1:]
        if where:
            sql += " WHERE " + " AND ".join(where)
            params += more
    sql += " ORDER BY c.name_key, c.id"
    return hydrate(session, session.all(sql, params))
