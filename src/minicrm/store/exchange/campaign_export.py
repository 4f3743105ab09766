"""A campaign's members as CSV (mail merge) and vCard (phone or mail client)."""

from __future__ import annotations

from collections.abc import Sequence

from minicrm.store.core.records import Contact

# -- export ------------------------------------------------------------------------------------

CSV_FIELDS = (
    "id", "name", "first_name", "last_name", "email", "phone", "company", "role", "status", "tags", "address", "city",
    "region", "postcode", "country",
)  # fmt: skip
ADDRESS = ("address", "city", "region", "postcode", "country")


def _split_name(name: str) -> tuple[str, str]:
    """(first, last): the family name at the end, or first in a Russian name with a patronymic (vcard.name_parts)."""
    words = name.split()
    if len(words) == 3 and not any(w.isascii() for w in words) and words[2].lower().endswith(_PATRONYMIC_ENDS):
        return words[1], words[0]
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


_PATRONYMIC_ENDS = ("ович", "евич", "ич", "овна", "евна", "ична", "инична")


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
                *(getattr(c, key) or "" for key in ADDRESS),
            ]
        )
    return buf.getvalue()


def members_vcard(people: Sequence[Contact]) -> str:
    """vCard 3.0 cards (call list for a phone or an address book); vobject is loaded only here."""
    import vobject

    from minicrm.vcard import fold, name_parts

    cards = []
    for c in people:
        card = vobject.vCard()
        card.add("fn").value = c.name
        card.add("n").value = vobject.vcard.Name(**name_parts(c.name))
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
        if any(getattr(c, key) for key in ADDRESS):
            card.add("adr").value = vobject.vcard.Address(
                street=c.address or "", city=c.city or "", region=c.region or "", code=c.postcode or "",
                country=c.country or "",
            )  # fmt: skip
        cards.append(fold(card.serialize()))  # lines of at most 75 octets (vobject counts characters)
    return "".join(cards)
