"""vCard parsing and writing: the only module that imports vobject (~60 ms), loaded by import/export only.

Cards are split by their BEGIN/END lines first, so each card is parsed alone: a broken card is reported
with its line number (and can be skipped) instead of failing the whole file somewhere later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import vobject

from minicrm.errors import BadInput


@dataclass
class RawCard:
    """One BEGIN:VCARD..END:VCARD block as it stands in the file."""

    line: int  # 1-based line of BEGIN:VCARD
    text: str
    source: str = ""


@dataclass
class Card:
    """What minicrm keeps from a vCard."""

    line: int
    name: str = ""
    emails: list[tuple[str, str | None]] = field(default_factory=list)  # (address, label)
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    birthday: str | None = None  # as written: 1990-12-10, --1210, 1604-12-10 (Apple's year-less marker)...
    birthday_year_omitted: bool = False
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    address: str | None = None
    uid: str | None = None
    website: str | None = None
    status: str | None = None  # minicrm's own X-MINICRM-STATUS
    fields: dict[str, str] = field(default_factory=dict)  # minicrm's own X-MINICRM-FIELD;X-KEY=...


def split_cards(text: str, source: str = "") -> Iterator[RawCard | tuple[int, str, str]]:
    """Yield each card's text, or (line, reason, text) for a card that never ends or for stray lines."""
    lines = text.splitlines()
    start: int | None = None
    for number, line in enumerate(lines, 1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if start is not None:
                yield start, "card has no END:VCARD before the next BEGIN:VCARD", _lines(lines, start, number - 1)
            start = number
        elif upper == "END:VCARD":
            if start is None:
                yield number, "END:VCARD without BEGIN:VCARD", ""
                continue
            yield RawCard(start, "\r\n".join(lines[start - 1 : number]) + "\r\n", source)
            start = None
        elif start is None and upper and not line[:1].isspace():
            yield number, f"text outside a vCard: {line.strip()[:40]!r}", ""
    if start is not None:
        yield start, "card has no END:VCARD (the file ends inside it)", _lines(lines, start, len(lines))


def _lines(lines: list[str], first: int, last: int) -> str:
    return "\r\n".join(lines[first - 1 : last]) + "\r\n"


def parse_card(raw: RawCard) -> Card:
    """Parse one card; raises BadInput saying what is wrong (the caller knows the line)."""
    try:
        comp = vobject.readOne(_escape_text_commas(raw.text), ignoreUnreadable=True, allowQP=True)
    except Exception as exc:  # vobject raises ParseError and assorted ValueErrors
        raise BadInput(f"unreadable vCard ({_short(exc)})") from None
    card = Card(raw.line)
    labels = _group_labels(comp)
    for prop in comp.getChildren():
        name = prop.name.upper()
        try:
            _take(card, name, prop, labels)
        except Exception as exc:
            raise BadInput(f"bad {name} ({_short(exc)})") from None
    if not card.name:
        card.name = _name_from_n(comp)
    return card


_TEXT_PROPS = re.compile(r"^((?:[\w-]+\.)?(?:NOTE|FN|TITLE|NICKNAME|ROLE))([;:])", re.IGNORECASE)


def _escape_text_commas(text: str) -> str:
    """Many writers leave commas in NOTE/FN/TITLE unescaped; vobject would keep only the text before the first."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    out = []
    for line in unfolded.splitlines():
        if _TEXT_PROPS.match(line):
            head, colon, value = _split_value(line)
            line = head + colon + re.sub(r"(?<!\\),", r"\\,", value)
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def _split_value(line: str) -> tuple[str, str, str]:
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i], ":", line[i + 1 :]
    return line, "", ""


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__


def _group_labels(comp: Any) -> dict[str, str]:
    """Apple/Google put a custom label in `itemN.X-ABLabel` next to `itemN.EMAIL`."""
    labels: dict[str, str] = {}
    for prop in comp.getChildren():
        if prop.name.upper() == "X-ABLABEL" and prop.group:
            value = str(prop.value).strip()
            labels[prop.group.lower()] = value.removeprefix("_$!<").removesuffix(">!$_")
    return labels


def _types(prop: Any) -> list[str]:
    types = [t for v in prop.params.get("TYPE", []) for t in str(v).split(",")]
    types += list(getattr(prop, "singletonparams", []))  # vCard 2.1: TEL;CELL;VOICE:
    return [t.strip().lower() for t in types if t.strip()]


def _label(prop: Any, labels: dict[str, str], ignore: tuple[str, ...]) -> str | None:
    if prop.group and prop.group.lower() in labels:
        return labels[prop.group.lower()].lower()
    kinds = [t for t in _types(prop) if t not in ignore]
    return kinds[0] if kinds else None


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return " ".join(str(value).replace("\r\n", "\n").split(" ")).strip()


def _take(card: Card, name: str, prop: Any, labels: dict[str, str]) -> None:
    value = prop.value
    if name == "FN":
        card.name = " ".join(_text(value).split())
    elif name == "EMAIL":
        text = _text(value).removeprefix("mailto:")
        if text:
            card.emails.append((text, _label(prop, labels, ("internet", "pref", "x400"))))
    elif name == "TEL":
        text = _text(value).removeprefix("tel:")
        if text:
            card.phones.append((text, _label(prop, labels, ("voice", "pref"))))
    elif name == "ORG":
        parts = [p for p in (value if isinstance(value, list) else [value]) if str(p).strip()]
        card.company = str(parts[0]).strip() if parts else None
    elif name == "TITLE":
        card.role = _text(value) or None
    elif name == "BDAY":
        card.birthday = _text(value) or None
        card.birthday_year_omitted = "X-APPLE-OMIT-YEAR" in prop.params
    elif name == "CATEGORIES":
        items = value if isinstance(value, list) else str(value).split(",")
        card.tags += [str(t).strip() for t in items if str(t).strip()]
    elif name == "NOTE":
        note = str(value).replace("\r\n", "\n").strip()
        card.notes = f"{card.notes}\n{note}" if card.notes and note else (note or card.notes)
    elif name == "ADR" and card.address is None:
        card.address = _address(value)
    elif name == "UID":
        card.uid = _text(value) or None
    elif name == "X-MINICRM-FIELD" and prop.params.get("X-KEY"):
        card.fields[str(prop.params["X-KEY"][0])] = str(value)
    elif name == "X-MINICRM-STATUS":
        card.status = _text(value) or None
    elif name == "URL" and card.website is None:
        card.website = _text(value).replace("\\:", ":") or None


def _address(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    parts = []
    for attr in ("box", "extended", "street", "city", "region", "code", "country"):
        part = getattr(value, attr, "")
        part = " ".join(part) if isinstance(part, list) else str(part)
        if part.strip():
            parts.append(" ".join(part.split()))
    return ", ".join(parts) or None


def _name_from_n(comp: Any) -> str:
    n = getattr(comp, "n", None)
    if n is None:
        return ""
    v = n.value
    if isinstance(v, str):
        return " ".join(v.replace(";", " ").split())
    parts = [v.prefix, v.given, v.additional, v.family, v.suffix]
    return " ".join(" ".join(p) if isinstance(p, list) else str(p) for p in parts if p).strip()


# -- writing ---------------------------------------------------------------------------------

_YEARLESS = re.compile(r"--(\d{2})-(\d{2})")


def write_card(contact: dict[str, Any], *, version: str = "4.0", uid: str) -> str:
    """One contact (a `Contact.to_json()` dict plus `email_labels`/`phone_labels`) as a vCard."""
    card = vobject.vCard()
    card.add("version").value = version
    card.add("uid").value = uid
    card.add("fn").value = contact["name"]
    given, _, family = contact["name"].rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if version == "4.0":
        card.add("kind").value = "individual"
    for i, email in enumerate(contact["emails"]):
        prop = card.add("email")
        prop.value = email
        label = (contact.get("email_labels") or {}).get(email)
        types = ([label] if label else []) + (["pref"] if i == 0 and version == "3.0" else [])
        if types:
            prop.params["TYPE"] = types
        if i == 0 and version == "4.0":
            prop.params["PREF"] = ["1"]
    for phone in contact["phones"]:
        prop = card.add("tel")
        prop.value = phone  # free text, as typed (RFC 6350 allows it; a tel: URI would lose the spacing)
        label = (contact.get("phone_labels") or {}).get(phone)
        if label:
            prop.params["TYPE"] = [label]
    if contact.get("company"):
        card.add("org").value = [contact["company"]]
    if contact.get("role"):
        card.add("title").value = contact["role"]
    if contact.get("birthday"):
        bday = card.add("bday")
        m = _YEARLESS.fullmatch(contact["birthday"])
        if m and version == "3.0":
            bday.value = f"1604-{m[1]}-{m[2]}"  # Apple's convention; Google and khard read it too
            bday.params["X-APPLE-OMIT-YEAR"] = ["1604"]
        elif m:
            bday.value = f"--{m[1]}{m[2]}"
        else:
            bday.value = contact["birthday"].replace("-", "") if version == "4.0" else contact["birthday"]
    if contact.get("tags"):
        card.add("categories").value = list(contact["tags"])
    if contact.get("address"):
        card.add("adr").value = vobject.vcard.Address(street=contact["address"])
    if contact.get("notes"):
        card.add("note").value = contact["notes"]
    if (contact.get("fields") or {}).get("website"):
        card.add("url").value = contact["fields"]["website"]
    for key, value in sorted((contact.get("fields") or {}).items()):
        if key != "website":
            prop = card.add("x-minicrm-field")
            prop.value = value
            prop.params["X-KEY"] = [key]
    if contact.get("status"):
        card.add("x-minicrm-status").value = contact["status"]
    if contact.get("updated_at"):
        card.add("rev").value = contact["updated_at"].replace("-", "").replace(":", "")
    return card.serialize()
