"""A campaign's members as CSV (mail merge) and vCard (phone or mail client)."""

from __future__ import annotations

from collections.abc import Sequence

from minicrm.store.core.records import Contact

# -- export ------------------------------------------------------------------------------------

CSV_FIELDS = ("id", "name", "first_name", "last_name", "email", "phone", "company", "role", "status", "tags", "address")


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def members_csv(people: Sequence[Contact]) -> str:
    """A mail-merge CSV: one row per contact, first e-mail and phone, first/last name split at the last space."""
    import csv
    import io

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_FIELDS)
    for c in people:
        first, last = _split_name(c.name)
        out.writerow(
            [
                c.id,
                c.name,
                first,
                last,
                c.emails[0] if c.emails else "",
                c.phones[0] if c.phones else "",
                c.company or "",
                c.role or "",
                c.status,
                ", ".join(c.tags),
                c.address or "",
            ]
        )
    return buf.getvalue()


def members_vcard(people: Sequence[Contact]) -> str:
    """vCard 3.0 cards (call list for a phone or an address book); vobject is loaded only here."""
    import vobject

    cards = []
    for c in people:
        card = vobject.vCard()
        card.add("fn").value = c.name
        first, last = _split_name(c.name)
        card.add("n").value = vobject.vcard.Name(family=last, given=first)
        for email in c.emails:
            card.add("email").value = email
        for phone in c.phones:
            card.add("tel").value = phone
        if c.company:
            card.add("org").value = [c.company]
        if c.role:
            card.add("title").value = c.role
        if c.tags:
            card.add("categories").value = c.tags
        cards.append(card.serialize())
    return "".join(cards)
