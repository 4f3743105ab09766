"""vCard parsing and writing: the only module that imports vobject (~60 ms), loaded by import/export only.

Cards are split by their BEGIN/END lines first, so each card is parsed alone: a broken card is reported
with its line number (and can be skipped) instead of failing the whole file somewhere later.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import vobject

from minicrm.errors import BadInput
from minicrm.i18n import _


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
    department: str | None = None  # ORG's second part
    role: str | None = None
    birthday: str | None = None  # as written: 1990-12-10, --1210, 1604-12-10 (Apple's year-less marker)...
    birthday_year_omitted: bool = False
    birthday_is_text: bool = False  # BDAY;VALUE=text (RFC 6350 §6.2.5): "circa 1800"
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    address: str | None = None
    address_parts: dict[str, str] = field(default_factory=dict)  # street, city, region, postcode, country
    family: str | None = None  # N's family name, when the card has one
    address_pref: bool = False
    photo: bool = False  # PHOTO or LOGO: minicrm keeps no pictures
    kind: str = "individual"  # KIND (4.0), X-ABShowAs:COMPANY (Apple), X-ADDRESSBOOKSERVER-KIND (groups)
    uid: str | None = None
    website: str | None = None
    status: str | None = None  # minicrm's own X-MINICRM-STATUS
    fields: dict[str, str] = field(default_factory=dict)  # minicrm's own X-MINICRM-FIELD;X-KEY=...
    extra: dict[str, str] = field(default_factory=dict)  # other text worth keeping: nickname, related names


def split_cards(text: str, source: str = "") -> Iterator[RawCard | tuple[int, str, str]]:
    """Yield each card's text, or (line, reason, text) for a card that never ends or for stray lines."""
    lines = text.splitlines()
    start: int | None = None
    for number, line in enumerate(lines, 1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if start is not None:
                yield start, _("card has no END:VCARD before the next BEGIN:VCARD"), _lines(lines, start, number - 1)
            start = number
        elif upper == "END:VCARD":
            if start is None:
                yield number, _("END:VCARD without BEGIN:VCARD"), ""
                continue
            yield RawCard(start, "\r\n".join(lines[start - 1 : number]) + "\r\n", source)
            start = None
        elif start is None and upper and not line[:1].isspace():
            yield number, _("text outside a vCard: {text!r}").format(text=line.strip()[:40]), ""
    if start is not None:
        yield start, _("card has no END:VCARD (the file ends inside it)"), _lines(lines, start, len(lines))


def _lines(lines: list[str], first: int, last: int) -> str:
    return "\r\n".join(lines[first - 1 : last]) + "\r\n"


def parse_card(raw: RawCard) -> Card:
    """Parse one card; raises BadInput saying what is wrong (the caller knows the line)."""
    text = _prepare(raw.text)
    try:
        comp = vobject.readOne(text, ignoreUnreadable=True, allowQP=True)
    except Exception as exc:  # vobject raises ParseError and assorted ValueErrors
        raise BadInput(_("unreadable vCard ({reason})").format(reason=_short(exc))) from None
    card = Card(raw.line)
    labels = _group_labels(comp)
    for prop in comp.getChildren():
        name = prop.name.upper()
        try:
            _take(card, name, prop, labels)
        except Exception as exc:
            raise BadInput(_("bad {name} ({reason})").format(name=name, reason=_short(exc))) from None
    n = getattr(comp, "n", None)
    if n is not None and not isinstance(n.value, str):
        card.family = _joined(n.value.family) or None
    if not card.name:
        card.name = _name_from_n(comp)
    if card.kind == "org" and card.company:
        card.name = card.company
    return card


_TEXT_PROPS = re.compile(r"^((?:[\w-]+\.)?(?:NOTE|FN|TITLE|NICKNAME|ROLE))([;:])", re.IGNORECASE)
#: Structured values (parts between `;`): in vCard 2.1 a comma in them is just a comma ("ул. Тверская, д. 1").
_STRUCTURED = ("N", "ADR", "ORG")


def _prepare(text: str) -> str:
    """The card's text as vobject reads it right: folding undone, quoted-printable decoded, loose commas escaped.

    Quoted-printable (vCard 2.1: Outlook, Android) is decoded here rather than by vobject, which read only the
    first physical line of a value wrapped with soft breaks (`=` at the end of a line) and then cut it at the
    first comma. Many writers leave commas in NOTE/FN/TITLE unescaped; vobject would keep only the text before
    the first.
    """
    lines = text.splitlines()
    version_21 = any(line.strip().upper() == "VERSION:2.1" for line in lines)
    logical: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        head, colon, _value = _split_value(line)
        if colon and _is_qp(head):
            while line.endswith("=") and i < len(lines):  # a soft line break
                line = line[:-1] + lines[i]
                i += 1
            logical.append(_decode_qp(line))
        elif line[:1] in (" ", "\t") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    out = []
    for line in logical:
        head, colon, value = _split_value(line)
        name = head.split(";", 1)[0].rpartition(".")[2].upper()
        if _TEXT_PROPS.match(line) or (version_21 and name in _STRUCTURED):
            line = head + colon + re.sub(r"(?<!\\),", r"\\,", value)
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def _params(head: str) -> list[str]:
    return [p.strip() for p in head.split(";")[1:]]


def _is_qp(head: str) -> bool:
    return any(p.upper() in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE") for p in _params(head))


def _decode_qp(line: str) -> str:
    """One quoted-printable property line → the same property, decoded and escaped as vCard 3.0 text."""
    head, _colon, value = _split_value(line)
    name = head.split(";", 1)[0]
    charset = None
    kept = []
    for param in _params(head):
        key, _eq, val = param.partition("=")
        if key.upper() == "CHARSET":
            charset = val.strip('"')
        elif param.upper() not in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE"):
            kept.append(param)
    data = quopri.decodestring(value.encode("utf-8"))
    try:
        decoded = data.decode(charset or "utf-8")
    except LookupError:
        raise BadInput(_("unknown CHARSET '{charset}' in {name}").format(charset=charset, name=name)) from None
    except UnicodeDecodeError:
        if charset:
            raise BadInput(_("{name} is not valid {charset}").format(name=name, charset=charset)) from None
        decoded = data.decode("cp1252")  # quoted-printable without a CHARSET: the Windows default
    decoded = decoded.replace("\\", "\\\\").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    if name.rpartition(".")[2].upper() not in _STRUCTURED:
        decoded = decoded.replace(";", "\\;")
    return ";".join([name, *kept]) + ":" + decoded


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
    """Apple/Google put a custom label in `itemN.X-ABLabel` next to `itemN.EMAIL`; Apple's own are `_$!<HomeFax>!$_`."""
    labels: dict[str, str] = {}
    for prop in comp.getChildren():
        if prop.name.upper() == "X-ABLABEL" and prop.group:
            value = str(prop.value).strip()
            if value.startswith("_$!<") and value.endswith(">!$_"):
                value = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value[4:-4])  # HomeFax → Home Fax
            labels[prop.group.lower()] = value
    return labels


def _types(prop: Any) -> list[str]:
    types = [t for v in prop.params.get("TYPE", []) for t in str(v).split(",")]
    types += list(getattr(prop, "singletonparams", []))  # vCard 2.1: TEL;CELL;VOICE:
    return [t.strip().lower() for t in types if t.strip()]


#: vCard types → the words of our labels (vCard's CELL is everybody else's "mobile", Apple's IPHONE too).
_WORD_OF_TYPE = {"cell": "mobile", "iphone": "mobile"}


def _label(prop: Any, labels: dict[str, str], ignore: tuple[str, ...]) -> str | None:
    if prop.group and prop.group.lower() in labels:
        return labels[prop.group.lower()].lower()
    kinds = [_WORD_OF_TYPE.get(t, t) for t in _types(prop) if t not in ignore]
    kinds.sort(key=lambda t: t not in ("home", "work"))  # "work fax", as people say it
    return " ".join(dict.fromkeys(kinds)) or None


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
        parts = [_joined(p) for p in (value if isinstance(value, list) else [value])]
        card.company = parts[0] or None
        if len(parts) > 1 and parts[1]:
            card.department = parts[1]
    elif name == "TITLE":
        card.role = _text(value) or None
    elif name == "BDAY":
        card.birthday = _text(value) or None
        card.birthday_year_omitted = "X-APPLE-OMIT-YEAR" in prop.params
        card.birthday_is_text = [v.lower() for v in prop.params.get("VALUE", [])] == ["text"]
    elif name == "CATEGORIES":
        items = value if isinstance(value, list) else str(value).split(",")
        card.tags += [str(t).strip() for t in items if str(t).strip()]
    elif name == "NOTE":
        note = str(value).replace("\r\n", "\n").strip()
        card.notes = f"{card.notes}\n{note}" if card.notes and note else (note or card.notes)
    elif name == "ADR" and (not card.address_parts or ("pref" in _types(prop) and not card.address_pref)):
        card.address_parts = _address_parts(value)
        card.address = ", ".join(card.address_parts.values()) or None
        card.address_pref = "pref" in _types(prop)
    elif name == "UID":
        card.uid = _text(value) or None
    elif name == "KIND" or (name == "X-ADDRESSBOOKSERVER-KIND"):
        kind = _text(value).lower()
        card.kind = "org" if kind == "organization" else kind or card.kind
    elif name in ("PHOTO", "LOGO"):
        card.photo = True
    elif name == "X-ABSHOWAS" and _text(value).upper() == "COMPANY":
        card.kind = "org"
    elif name == "NICKNAME" and _text(value):
        card.extra.setdefault("nickname", _text(value))
    elif name in ("X-ABRELATEDNAMES", "RELATED") and _text(value):
        label = _label(prop, labels, ("pref",)) or "related"  # Apple: item1.X-ABLabel:_$!<Spouse>!$_
        card.extra.setdefault(label, _text(value).removeprefix("text:"))
    elif name == "X-MINICRM-FIELD" and prop.params.get("X-KEY"):
        card.fields[str(prop.params["X-KEY"][0])] = str(value)
    elif name == "X-MINICRM-STATUS":
        card.status = _text(value) or None
    elif name == "URL" and card.website is None:
        card.website = _text(value).replace("\\:", ":") or None


def _joined(part: Any) -> str:
    """One part of a structured value on one line; several values in it (a list) or lines are joined with ", "."""
    text = ", ".join(str(p) for p in part) if isinstance(part, list) else str(part)
    lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
    return ", ".join(line for line in lines if line)


_ADR_PARTS = (("street", ("street", "extended", "box")), ("city", ("city",)), ("region", ("region",)),
              ("postcode", ("code",)), ("country", ("country",)))  # fmt: skip


def _address_parts(value: Any) -> dict[str, str]:
    """ADR's seven parts as our five: the extended address and the post-office box go with the street."""
    if isinstance(value, str):
        return {"street": " ".join(value.split())} if value.strip() else {}
    parts = {}
    for ours, theirs in _ADR_PARTS:
        text = ", ".join(t for t in (_joined(getattr(value, attr, "")) for attr in theirs) if t)
        if text:
            parts[ours] = text
    return parts


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

#: The TYPE values each version registers (RFC 2426 §3.2-3.3, RFC 6350 §6.4); other labels are Apple's
#: `itemN.X-ABLabel`, which Apple, Google, Nextcloud and khard show as the label.
_TYPES = {
    ("email", "3.0"): {"home", "work"},
    ("email", "4.0"): {"home", "work"},
    ("tel", "3.0"): {"home", "work", "cell", "fax", "pager", "voice", "video", "msg", "car", "isdn", "bbs", "modem",
                     "pcs"},
    ("tel", "4.0"): {"home", "work", "cell", "fax", "pager", "voice", "video", "text", "textphone"},
}  # fmt: skip
#: Words of our labels → the vCard type (Google/Outlook say "mobile", vCard says CELL).
_TYPE_OF_WORD = {"mobile": "cell", "business": "work"}
#: Apple's own labels, which Apple shows in the user's language.
_APPLE_LABELS = {"other": "_$!<Other>!$_", "main": "_$!<Main>!$_"}


def _types_of(label: str | None, kind: str, version: str) -> list[str] | None:
    """The vCard TYPE values saying `label`, or None when only a custom label can say it."""
    if not label:
        return []
    words = [_TYPE_OF_WORD.get(w, w) for w in label.lower().split()]
    allowed = _TYPES[(kind, version)]
    return words if all(w in allowed for w in words) else None


class _Writer:
    """Adds the properties of one card, giving custom labels their own `itemN` group."""

    def __init__(self, card: Any, version: str):
        self.card, self.version, self.groups = card, version, 0

    def labelled(self, kind: str, value: str, label: str | None, *, pref: bool) -> None:
        types = _types_of(label, kind, self.version)
        group = None
        if types is None:
            self.groups += 1
            group = f"item{self.groups}"
            types = []
        if self.version == "3.0":
            types = (["internet"] if kind == "email" else []) + types + (["pref"] if pref else [])
            types = [t.upper() for t in types]
        prop = self.card.add(kind, group=group)
        prop.value = value
        if types:
            prop.params["TYPE"] = types
        if pref and self.version == "4.0":
            prop.params["PREF"] = ["1"]
        if group:
            assert label is not None  # only a label that is no type gets a group
            self.card.add("x-ablabel", group=group).value = _APPLE_LABELS.get(label.lower(), label)


def fold(text: str) -> str:
    """Fold every line of `text` to at most 75 octets (RFC 6350 §3.2), never inside a character.

    vobject folds by characters when a line has fewer than 75 of them, so `N:` and `ADR:` lines of Cyrillic
    names stayed up to twice as long.
    """
    out = []
    for line in text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n"):
        size, start = 0, 0
        limit = 75
        for i, ch in enumerate(line):
            width = len(ch.encode("utf-8"))
            if size + width > limit:
                out.append(("" if start == 0 else " ") + line[start:i])
                start, size, limit = i, 0, 74
            size += width
        out.append(("" if start == 0 else " ") + line[start:])
    return "\r\n".join(out)


#: vobject's ADR parts → our columns.
_ADR_OF = {"street": "address", "city": "city", "region": "region", "code": "postcode", "country": "country"}
#: A Russian patronymic (Иванович, Сергеевна, Ильич, Фоминична...): the name is written family name first.
_PATRONYMIC = re.compile(r"\w+(?:ович|евич|ич|овна|евна|ична|инична)", re.IGNORECASE)


def name_parts(name: str, family: str | None = None) -> dict[str, Any]:
    """N's parts (family, given, additional) of a full name.

    `family` is the family name a file gave (vCard N, a ФИО column), used while the name still holds it:
    "Иванов Иван Иванович" with family "Иванов" is N:Иванов;Иван;Иванович. Without it: a Russian name with a
    patronymic is family name first too; any other name has it last ("Grace Brewster Hopper").
    """
    words = name.split()
    if family and family in name:
        if name.startswith(family + " "):
            rest = name[len(family) :].split()
            return {"family": family, "given": rest[0], "additional": rest[1:]}
        if name.endswith(" " + family):
            return {"family": family, "given": " ".join(name[: -len(family)].split())}
        if name == family:
            return {"family": family}
    if len(words) == 3 and _PATRONYMIC.fullmatch(words[2]) and all(not w.isascii() for w in words):
        return {"family": words[0], "given": words[1], "additional": [words[2]]}
    if len(words) < 2:
        return {"family": "", "given": name.strip()}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def write_card(contact: dict[str, Any], *, version: str = "4.0", uid: str) -> str:
    """One contact (a `Contact.to_json()` dict plus `email_labels`/`phone_labels`) as a vCard."""
    card = vobject.vCard()
    card.add("version").value = version
    card.add("uid").value = uid
    card.add("fn").value = contact["name"]
    card.add("n").value = vobject.vcard.Name(**name_parts(contact["name"], contact.get("family_name")))
    if version == "4.0":
        card.add("kind").value = "individual"
    writer = _Writer(card, version)
    for i, email in enumerate(contact["emails"]):
        writer.labelled("email", email, (contact.get("email_labels") or {}).get(email), pref=i == 0)
    for phone in contact["phones"]:
        # free text, as typed (RFC 6350 allows it; a tel: URI would lose the spacing)
        writer.labelled("tel", phone, (contact.get("phone_labels") or {}).get(phone), pref=False)
    fields = dict(contact.get("fields") or {})
    department = fields.pop("department", None)
    nickname = fields.pop("nickname", None)
    if nickname:
        card.add("nickname").value = nickname
    if contact.get("company"):
        card.add("org").value = [contact["company"], department] if department else [contact["company"]]
    elif department:
        fields["department"] = department
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
    parts = {ours: contact.get(key) or "" for ours, key in _ADR_OF.items()}
    if any(parts.values()):
        card.add("adr").value = vobject.vcard.Address(**parts)
    if contact.get("notes"):
        card.add("note").value = contact["notes"]
    if fields.get("website"):
        card.add("url").value = fields["website"]
    for key, value in sorted(fields.items()):
        if key != "website":
            prop = card.add("x-minicrm-field")
            prop.value = value
            prop.params["X-KEY"] = [key]
    if contact.get("status"):
        card.add("x-minicrm-status").value = contact["status"]
    if contact.get("updated_at"):
        card.add("rev").value = contact["updated_at"].replace("-", "").replace(":", "")
    return fold(card.serialize())
