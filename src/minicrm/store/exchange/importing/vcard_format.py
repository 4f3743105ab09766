"""vCard import (2.1/3.0/4.0, through vobject): each card as a candidate contact, or company for a company's card."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _, ngettext
from minicrm.store.exchange.importing.records import BadRow, Candidate, Parsed, checked_email
from minicrm.store.exchange.importing.values import birthday_iso, clean_label, tag_list
from minicrm.store.people.fields import check_phone, normalize_status

#: Dates RFC 6350 allows that are no birthday we can store: a year alone (1985), a year and month (1985-04).
_REDUCED_DATE = re.compile(r"\d{4}(-\d{2})?|--\d{2}|---\d{2}")


def read_vcards(files: Sequence[tuple[str, str]], *, now: datetime) -> Parsed:
    """Parse (source name, text) pairs holding one or more vCards each."""
    from minicrm import vcard

    candidates: list[Candidate] = []
    bad: list[BadRow] = []
    notes: list[str] = []
    photos = 0
    for source, text in files:
        where = f"{source}: " if source else ""  # before "line N: ..." in a note
        for raw in vcard.split_cards(text, source):
            if isinstance(raw, tuple):
                bad.append(BadRow(raw[0], raw[1], raw[2] or None, source or None))
                continue
            try:
                card = vcard.parse_card(raw)
                if card.kind not in ("individual", "org"):  # group, location: not a person, not a company
                    msg = _("line {line}: {kind} card '{name}' is not a contact; skipped")
                    notes.append(where + msg.format(line=raw.line, kind=card.kind, name=card.name))
                    continue
                candidates.append(_card_candidate(card, now=now, notes=notes, where=where))
                photos += card.photo
            except BadInput as exc:
                bad.append(BadRow(raw.line, str(exc), raw.text, source or None))
    if not candidates and not bad and not notes:
        raise BadInput(_("no vCard found (BEGIN:VCARD ... END:VCARD)"))
    if photos:
        msg = ngettext("{n} photo not imported (minicrm keeps no pictures)",
                       "{n} photos not imported (minicrm keeps no pictures)", photos)  # fmt: skip
        notes.append(msg.format(n=photos))
    return Parsed(candidates, bad, notes)


def _card_candidate(card: Any, *, now: datetime, notes: list[str], where: str) -> Candidate:
    cand = Candidate(card.line, card.name, kind="company" if card.kind == "org" else "contact")
    for value, label in card.emails:
        cand.emails.append((checked_email(value), clean_label(label)))
    for value, label in card.phones:
        cand.phones.append((check_phone(value), clean_label(label)))
    if not cand.name:
        cand.name = cand.emails[0][0] if cand.emails else (cand.phones[0][0] if cand.phones else "")
    if not cand.name:
        raise BadInput(_("no FN, N, e-mail or phone"))
    cand.company = card.company
    cand.role = card.role
    if card.birthday:
        text = card.birthday
        if card.birthday_is_text or _REDUCED_DATE.fullmatch(text):
            cand.fields["birthday"] = text
            msg = _("line {line}: birthday '{text}' is not a date; kept in the field 'birthday'")
            notes.append(where + msg.format(line=card.line, text=text))
        else:
            cand.birthday = birthday_iso(text, now=now, year_omitted=card.birthday_year_omitted)
    cand.tags = [t for raw in card.tags for t in tag_list(raw)]
    cand.notes = card.notes
    parts = card.address_parts
    cand.address, cand.city, cand.region = parts.get("street"), parts.get("city"), parts.get("region")
    cand.postcode, cand.country = parts.get("postcode"), parts.get("country")
    if card.family and card.family in cand.name:
        cand.family_name = card.family
    cand.uid = card.uid
    if card.website:
        cand.fields["website"] = card.website
    if card.department:
        cand.fields["department"] = card.department
    for key, value in card.extra.items():
        cand.fields.setdefault(key, value)
    cand.fields.update(card.fields)
    if card.status:
        cand.status = normalize_status(card.status)
    return cand
