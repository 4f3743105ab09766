"""Caller look-up: a phone number or an e-mail address -> the contact (or company) and its short card.

Phone numbers are normalised with phonenumbers (the `phonenumberslite` distribution: same parser, no
geocoder data, ~70 ms to import). Stored keys are `text.phone_key(phone)`, i.e. digits as typed, so one
number may be stored as E.164 digits ("49301234567") or in national form with its trunk prefix
("0301234567"); the look-up tries every such form against the indexed `contact_phone.phone_key`.
"""

from __future__ import annotations

import os
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.core.text import phone_key

REGION_ENV = "MINICRM_REGION"


def default_region(region: str | None) -> str | None:
    """`--region`, else $MINICRM_REGION (later: the config file), checked against the known regions."""
    value = (region or os.environ.get(REGION_ENV) or "").strip().upper()
    if not value:
        return None
    import phonenumbers

    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise BadInput(
            _("unknown region '{region}' (a country code such as DE, GB, US)").format(
                region=region or os.environ.get(REGION_ENV)
            )
        )
    return value


def phone_keys(text: str, region: str | None) -> tuple[list[str], str | None]:
    """Every stored-key form of the number `text` may be, and its E.164 form when it parses."""
    import phonenumbers

    raw = text.strip()
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    digits = phone_key(raw)
    if len(digits) < 3 or any(ch.isalpha() for ch in raw.replace("ext", "").replace("x", "")):
        raise BadInput(_("cannot read '{text}' as a phone number or an e-mail address").format(text=text))
    keys = [digits]
    e164 = None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.national_number:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        national = phone_key(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        nsn = phonenumbers.national_significant_number(number)
        for key in (e164[1:], national, nsn):
            if key and key not in keys:
                keys.append(key)
    return keys, e164


def lookup(session: Session, query: str, *, region: str | None = None) -> dict[str, Any]:
    """The contacts and companies a number or e-mail belongs to, each with its short card."""
    query = query.strip()
    if not query:
        raise BadInput(_("give a phone number or an e-mail address"))
    if "@" in query:
        key = query.lower().removeprefix("mailto:")
        contact_ids = [
            r["contact_id"]
            for r in session.all(
                "SELECT DISTINCT contact_id FROM contact_email WHERE email_key = ? ORDER BY contact_id", (key,)
            )
        ]
        company_rows = session.all("SELECT id FROM company WHERE lower(email) = ? ORDER BY id", (key,))
        normalized = key
    else:
        keys, e164 = phone_keys(query, default_region(region))
        marks = ", ".join("?" * len(keys))
        contact_ids = [
            r["contact_id"]
            for r in session.all(
                f"SELECT DISTINCT contact_id FROM contact_phone WHERE phone_key IN ({marks}) ORDER BY contact_id",
                keys,
            )
        ]
        # company.phone is free text without a key column: strip the usual separators in SQL
        stripped = "company.phone"
        for ch in (" ", "-", "(", ")", "/", ".", "+"):
            stripped = f"replace({stripped}, '{ch}', '')"
        company_rows = session.all(
            f"SELECT id FROM company WHERE phone IS NOT NULL AND {stripped} IN ({marks}) ORDER BY id", keys
        )
        normalized = e164 or keys[0]
    matches = [contact_short_card(session, cid) for cid in contact_ids]
    matches += [company_short_card(session, r["id"]) for r in company_rows]
    if not matches:
        said = _("nobody has the e-mail '{query}'") if "@" in query else _("nobody has the number '{query}'")
        raise NotFound(said.format(query=query))
    return {"query": query, "normalized": normalized, "matches": matches}


def _last_interaction(session: Session, column: str, value: int) -> dict[str, Any] | None:
    row = session.one(
        f"SELECT id, kind, direction, happened_at, summary FROM interaction WHERE {column} = ?"
        " ORDER BY happened_at DESC, id DESC LIMIT 1",
        (value,),
    )
    if row is None:
        return None
    return {
        "id": row["id"],
        "kind": row["kind"],
        "direction": row["direction"],
        "happened_at": iso(row["happened_at"]),
        "summary": row["summary"],
    }


def _open_requests(session: Session, column: str, value: int) -> list[dict[str, Any]]:
    from minicrm.store.service.requests import OPEN_STATUSES

    marks = ", ".join("?" * len(OPEN_STATUSES))
    return [
        {"id": r["id"], "subject": r["subject"], "status": r["status"], "priority": r["priority"]}
        for r in session.all(
            f"SELECT id, subject, status, priority FROM service_request WHERE {column} = ? AND status IN ({marks})"
            " ORDER BY opened_at, id",
            [value, *OPEN_STATUSES],
        )
    ]


def contact_short_card(session: Session, contact_id: int) -> dict[str, Any]:
    from minicrm.store.views.cards import open_deals

    c = session.one(
        "SELECT c.id, c.name, c.company_id, co.name AS company, c.role, c.status, c.next_contact_on,"
        " c.next_contact_time, c.next_contact_goal, c.archived FROM contact c"
        " LEFT JOIN company co ON co.id = c.company_id WHERE c.id = ?",
        (contact_id,),
    )
    assert c is not None  # the id comes from the lookup just made in the same session
    return {
        "kind": "contact",
        "id": c["id"],
        "name": c["name"],
        "company_id": c["company_id"],
        "company": c["company"],
        "role": c["role"],
        "status": c["status"],
        "archived": bool(c["archived"]),
        "phones": [r["phone"] for r in session.all(
            "SELECT phone FROM contact_phone WHERE contact_id = ? ORDER BY position, id", (contact_id,))],
        "emails": [r["email"] for r in session.all(
            "SELECT email FROM contact_email WHERE contact_id = ? ORDER BY position, id", (contact_id,))],
        "next_contact_on": iso(c["next_contact_on"]),
        "next_contact_time": c["next_contact_time"],
        "next_contact_goal": c["next_contact_goal"],
        "last_interaction": _last_interaction(session, "contact_id", contact_id),
        "open_deals": open_deals(session, contact_id=contact_id),
        "open_requests": _open_requests(session, "contact_id", contact_id),
    }  # fmt: skip


def company_short_card(session: Session, company_id: int) -> dict[str, Any]:
    from minicrm.store.views.cards import open_deals

    c = session.one("SELECT id, name, phone, email, city, archived FROM company WHERE id = ?", (company_id,))
    assert c is not None  # the id comes from the lookup just made in the same session
    return {
        "kind": "company",
        "id": c["id"],
        "name": c["name"],
        "company_id": c["id"],
        "company": c["name"],
        "city": c["city"],
        "archived": bool(c["archived"]),
        "phones": [c["phone"]] if c["phone"] else [],
        "emails": [c["email"]] if c["email"] else [],
        "last_interaction": _last_interaction(session, "company_id", company_id),
        "open_deals": open_deals(session, company_id=company_id),
        "open_requests": _open_requests(session, "company_id", company_id),
    }
