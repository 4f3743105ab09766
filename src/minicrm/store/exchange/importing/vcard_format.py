"""vCard import (2.1/3.0/4.0, through vobject): each card as a candidate contact."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.exchange.importing.records import BadRow, Candidate, Parsed, checked_email
from minicrm.store.exchange.importing.values import birthday_iso, clean_label, tag_list
from minicrm.store.people.fields import check_phone, normalize_status


def read_vcards(files: Sequence[tuple[str, str]], *, now: datetime) -> Parsed:
    """Parse (source name, text) pairs holding one or more vCards each."""
    from minicrm import vcard

    candidates: list[Candidate] = []
    bad: list[BadRow] = []
    for source, text in files:
        for raw in vcard.split_cards(text, source):
            if isinstance(raw, tuple):
                bad.append(BadRow(raw[0], raw[1], raw[2] or None, source or None))
                continue
            try:
                card = vcard.parse_card(raw)
                candidates.append(_card_candidate(card, now=now))
            except BadInput as exc:
                bad.append(BadRow(raw.line, str(exc), raw.text, source or None))
    if not candidates and not bad:
        raise BadInput("no vCard found (BEGIN:VCARD ... END:VCARD)")
    return Parsed(candidates, bad)


def _card_candidate(card: Any, *, now: datetime) -> Candidate:
    cand = Candidate(card.line, card.name)
    for value, label in card.emails:
        cand.emails.append((checked_email(value), clean_label(label)))
    for value, label in card.phones:
        cand.phones.append((check_phone(value), clean_label(label)))
    if not cand.name:
        cand.name = cand.emails[0][0] if cand.emails else (cand.phones[0][0] if cand.phones else "")
    if not cand.name:
        raise BadInput("no FN, N, e-mail or phone")
    cand.company = card.company
    cand.role = card.role
    if card.birthday:
        cand.birthday = birthday_iso(card.birthday, now=now, year_omitted=card.birthday_year_omitted)
    cand.tags = [t for raw in card.tags for t in tag_list(raw)]
    cand.notes = card.notes
    cand.address = card.address
    cand.uid = card.uid
    if card.website:
        cand.fields["website"] = card.website
    cand.fields.update(card.fields)
    if card.status:
        cand.status = normalize_status(card.status)
    return cand
