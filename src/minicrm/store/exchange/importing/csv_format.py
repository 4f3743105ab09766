"""CSV import: header mapping for Google, Outlook, Apple, Thunderbird, Nextcloud and Russian spreadsheets."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.text import fold
from minicrm.store.exchange.importing import date_order as date_order_module
from minicrm.store.exchange.importing.decoding import decode
from minicrm.store.exchange.importing.records import (
    BadRow,
    Candidate,
    Parsed,
    bulk_mode,
    checked_email,
    checked_phone,
    tags_of,
)
from minicrm.store.exchange.importing.values import birthday_iso, clean_label
from minicrm.store.people.fields import normalize_status

#: Targets a column can map to (`--map "Header=target"`); `field:KEY` keeps any other column as a custom field.
TARGETS = (
    "name", "first_name", "middle_name", "last_name", "email", "phone", "company", "role", "status", "source",
    "tags", "notes", "birthday", "address", "street", "city", "region", "postcode", "country", "uid", "website",
    "next_contact_on", "next_contact_time", "next_contact_goal", "ignore",
)  # fmt: skip

_ALIASES = {
    "name": "name", "full name": "name", "display name": "name", "contact": "name", "contact name": "name",
    "фио": "name", "полное имя": "name", "контакт": "name", "nombre": "name", "nom": "name",
    "first name": "first_name", "given name": "first_name", "firstname": "first_name", "имя": "first_name",
    "middle name": "middle_name", "additional name": "middle_name", "отчество": "middle_name",
    "last name": "last_name", "family name": "last_name", "surname": "last_name", "lastname": "last_name",
    "фамилия": "last_name",
    "email": "email", "e-mail": "email", "mail": "email", "email address": "email", "e-mail address": "email",
    "emails": "email", "почта": "email", "эл. почта": "email", "электронная почта": "email", "e-mail адрес": "email",
    "phone": "phone", "phones": "phone", "telephone": "phone", "tel": "phone", "mobile": "phone", "cell": "phone",
    "телефон": "phone", "мобильный": "phone", "тел": "phone", "тел.": "phone",
    "company": "company", "organization": "company", "organisation": "company", "organization name": "company",
    "account name": "company", "компания": "company", "организация": "company",
    "role": "role", "job title": "role", "position": "role", "title": "role", "organization title": "role",
    "должность": "role",
    "status": "status", "статус": "status",
    "source": "source", "lead source": "source", "источник": "source",
    "tags": "tags", "tag": "tags", "labels": "tags", "categories": "tags", "group membership": "tags",
    "groups": "tags", "теги": "tags", "метки": "tags", "группы": "tags",
    "notes": "notes", "note": "notes", "comments": "notes", "comment": "notes", "description": "notes",
    "заметки": "notes", "комментарий": "notes", "примечание": "notes",
    "birthday": "birthday", "birth date": "birthday", "date of birth": "birthday", "bday": "birthday",
    "день рождения": "birthday", "дата рождения": "birthday",
    "address": "address", "адрес": "address", "website": "website", "web page": "website", "url": "website",
    "сайт": "website", "uid": "uid", "id": "ignore", "город": "city", "city": "city", "country": "country",
    "страна": "country", "street": "street", "улица": "street", "region": "region", "state": "region",
    "регион": "region", "область": "region", "postcode": "postcode", "postal code": "postcode", "zip": "postcode",
    "zip code": "postcode", "индекс": "postcode", "почтовый индекс": "postcode",
    # our own export (`export csv`)
    "next contact on": "next_contact_on", "next contact": "next_contact_on", "next contact time": "next_contact_time",
    "next contact goal": "next_contact_goal",
    "department": "field:department", "organization department": "field:department", "отдел": "field:department",
    "nickname": "field:nickname", "spouse": "field:spouse",
}  # fmt: skip

_ALIASES = {" ".join(fold(k).split()): v for k, v in _ALIASES.items()}  # keys as _norm_header makes them

_NUMBERED = [
    (re.compile(r"e-?mail \d+ - value"), "email"),
    (re.compile(r"e-?mail( \d+)? address"), "email"),
    (re.compile(r"phone \d+ - value"), "phone"),
    (re.compile(r"(home|business|mobile|other|primary|car|company main|assistant's|radio) phone( \d+)?"), "phone"),
    (re.compile(r"(home|business|other) fax|pager"), "phone"),
    (re.compile(r"organization \d+ - name"), "company"),
    (re.compile(r"organization \d+ - title"), "role"),
    (re.compile(r"organization \d+ - department"), "field:department"),
    (re.compile(r"address \d+ - formatted"), "address"),
    (re.compile(r"address \d+ - (street|po box|extended address)"), "street"),
    (re.compile(r"address \d+ - city"), "city"),
    (re.compile(r"address \d+ - region"), "region"),
    (re.compile(r"address \d+ - postal code"), "postcode"),
    (re.compile(r"address \d+ - country"), "country"),
    (re.compile(r"(business|home|other) street( \d+)?"), "street"),
    (re.compile(r"(business|home|other) city"), "city"),
    (re.compile(r"(business|home|other) state"), "region"),
    (re.compile(r"(business|home|other) postal code"), "postcode"),
    (re.compile(r"(business|home|other) country(/region)?"), "country"),
    (re.compile(r"website \d+ - value"), "website"),
]
_LABEL_OF = re.compile(r"(e-?mail|phone) (\d+) - (type|label)")
_ADDRESS_PARTS = ("street", "city", "region", "postcode", "country")


def _norm_header(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").split())


@dataclass
class _Column:
    index: int
    header: str
    target: str
    label: str | None = None  # e-mail/phone label implied by the header ("Mobile Phone" → mobile)
    group: str = ""  # address group (home/business) or numbered e-mail/phone slot


def plan_columns(header: Sequence[str], mapping: dict[str, str], *, source: str) -> tuple[list[_Column], list[str]]:
    """Which column feeds which field; returns (columns, ignored headers)."""
    by_norm = {_norm_header(h): i for i, h in enumerate(header)}
    explicit: dict[int, str] = {}
    for head, mapped in mapping.items():
        index = header.index(head) if head in header else by_norm.get(_norm_header(head))
        if index is None:
            msg = _("--map: no column '{head}' in {source} (columns: {columns})")
            raise BadInput(msg.format(head=head, source=source, columns=", ".join(header)))
        if mapped not in TARGETS and not (mapped.startswith("field:") and mapped[6:].strip()):
            msg = _("--map: unknown target '{target}' (one of: {choices}, field:KEY)")
            raise BadInput(msg.format(target=mapped, choices=", ".join(TARGETS)))
        explicit[index] = mapped
    has_job_title = any(_norm_header(h) == "job title" for h in header)
    columns: list[_Column] = []
    ignored: list[str] = []
    for index, head in enumerate(header):
        norm = _norm_header(head)
        target = explicit.get(index)
        label = group = None
        if target is None and head.lower().startswith("field:") and head[6:].strip():
            target = "field:" + head[6:].strip()  # our own export's custom fields
        if target is None:
            target = _ALIASES.get(norm)
            if norm == "title" and has_job_title:
                target = "ignore"  # Outlook: "Title" is Mr/Ms, "Job Title" is the role
            if target is None:
                for pattern, tgt in _NUMBERED:
                    if pattern.fullmatch(norm):
                        target = tgt
                        break
            m = _LABEL_OF.fullmatch(norm)
            if m:
                target, group = f"{'email' if 'mail' in m[1] else 'phone'}_label", m[2]
        if target in ("email", "phone"):
            m = re.match(r"(e-?mail|phone) (\d+)", norm)
            group = m[2] if m else None
            word = norm.split(" phone")[0] if norm.endswith(("phone", "phone 2")) and " phone" in norm else None
            label = word if word in ("home", "business", "mobile", "other", "car") else None
            if label == "business":
                label = "work"
            if norm.endswith(" fax") or norm == "pager":  # Outlook: Business Fax → "work fax"
                label = norm.replace("business", "work").replace("other ", "")
        if target in _ADDRESS_PARTS or target == "address":
            m = re.match(r"(home|business|other)\b|address (\d+) -", norm)
            group = (m[1] or m[2]) if m else ""
        elif group is None and (m := re.search(r"\b(\d+) - ", norm)):
            group = m[1]  # Google's numbered slots: "Organization 2 - Name" is a second one, not a clash
        if target is None:
            ignored.append(head)
            continue
        if target != "ignore":
            columns.append(_Column(index, head, target, label, group or ""))
    _refuse_doubles(columns, source)
    return columns, ignored


#: The name columns: every cell of them makes the name, so two columns for one of them would be joined into a
#: name nobody wrote ("Ada Ada Lovelace"): refused. (For other fields the first non-empty cell wins.)
_SINGLE = frozenset(("name", "first_name", "middle_name", "last_name"))


def _refuse_doubles(columns: list[_Column], source: str) -> None:
    seen: dict[tuple[str, str], _Column] = {}
    for col in columns:
        if col.target not in _SINGLE:
            continue
        first = seen.setdefault((col.target, col.group), col)
        if first is not col:
            msg = (_("{source}: columns '{first}' and '{second}' both give the name; keep one with"
                     " --map '{second}=ignore'") if col.target == "name" else
                   _("{source}: columns '{first}' and '{second}' both give '{target}'; keep one with"
                     " --map '{second}=ignore'"))  # fmt: skip
            raise BadInput(msg.format(source=source, first=first.header, second=col.header, target=col.target))


def sniff_delimiter(text: str) -> str:
    end = text.find("\n")
    first = text if end < 0 else text[:end]  # (not split: that would copy the rest of the file)
    counts = dict.fromkeys((",", ";", "\t", "|"), 0)
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_SPLIT_EMAILS = re.compile(r"\s*(?::::|[;,])\s*")
_SPLIT_PHONES = re.compile(r"\s*(?::::|;)\s*")


def read_csv(
    data: bytes,
    *,
    source: str,
    now: datetime,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    date_order: str | None = None,
    configured_order: str | None = None,
) -> Parsed:
    """Every row of a CSV file read at once into `candidates` (and `bad`); `open_csv` reads them as they are used."""
    parsed = open_csv(data, source=source, now=now, mapping=mapping, encoding=encoding, delimiter=delimiter,
                      date_order=date_order, configured_order=configured_order)  # fmt: skip
    assert parsed.rows is not None  # open_csv reads the rows lazily
    with bulk_mode():
        parsed.candidates = list(parsed.rows)
    parsed.rows = None
    return parsed


def open_csv(
    data: bytes,
    *,
    source: str,
    now: datetime,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    date_order: str | None = None,
    configured_order: str | None = None,
    reopen: Callable[[], BinaryIO] | None = None,
) -> Parsed:
    """Decode a CSV file and check its header now; its rows are read one by one while `parsed.rows` is iterated.

    A row that is not valid becomes a BadRow in `parsed.bad` as it is met; a malformed file (unbalanced quotes)
    raises BadInput then. `date_order` (dmy, mdy, ymd) is how dates with `/` or `-` are read; without it the
    file's own dates decide, then `configured_order` (the config's `date_format`), then the file's origin (see
    `date_order.detect`). `reopen` opens the file again (a file on disk, not stdin): its rows are then read
    from there and `data` is not kept. Nothing is written.
    """
    given = date_order_module.check(date_order)
    text, used = decode(data, source=source, encoding=encoding)  # the whole file, checked once
    delimiter = delimiter or sniff_delimiter(text)
    notes = [] if used == "utf-8" else [_("read {source} as {encoding}").format(source=source, encoding=used)]
    # The rows are decoded again as they are read: the file's bytes take less memory than its text.
    codec = "utf-8-sig" if used == "utf-8" and not encoding and data.startswith(b"\xef\xbb\xbf") else used
    try:
        raw = reopen() if reopen else io.BytesIO(data)
    except OSError as exc:
        raise BadInput(_("cannot read {path}: {reason}").format(path=source, reason=exc.strerror)) from None
    stream = io.TextIOWrapper(raw, codec, newline="")
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    at = [1]  # the line the next row starts on

    def malformed(exc: csv.Error) -> BadInput:
        start, end = at[0], reader.line_num
        msg = (_("{source}: line {start}: malformed CSV ({error}; unbalanced quotes?; the quoted cell runs from"
                 " line {start} to {end})") if end > start
               else _("{source}: line {start}: malformed CSV ({error}; unbalanced quotes?)"))  # fmt: skip
        return BadInput(msg.format(source=source, start=start, end=end, error=exc))

    header: list[str] | None = None
    header_line = 0
    try:
        for cells in reader:
            header_line, at[0] = at[0], reader.line_num + 1
            if any(c.strip() for c in cells):
                header = cells
                break
    except csv.Error as exc:
        raise malformed(exc) from None
    if header is None:
        raise BadInput(_("{source}: the file is empty").format(source=source))
    header = [h.strip().lstrip("\ufeff") for h in header]
    try:
        columns, ignored = plan_columns(header, mapping or {}, source=source)
        targets = {c.target for c in columns}
        if not targets & {"name", "first_name", "last_name", "email", "phone"}:
            msg = _("{source}: line {line}: no name, e-mail or phone column among {columns}"
                    " (give --map 'Header=name,...')")  # fmt: skip
            raise BadInput(msg.format(source=source, line=header_line, columns=", ".join(header)))
    except BadInput:
        try:  # a malformed file is reported first, whatever its header
            for _row in reader:
                at[0] = reader.line_num + 1
        except csv.Error as exc:
            raise malformed(exc) from None
        raise
    if ignored:
        notes.append(_("ignored columns: {columns}").format(columns=", ".join(ignored)))
    order = date_order_module.detect(
        text, delimiter=delimiter, columns=[c.index for c in columns if c.target in _DATES], headers=header,
        source=source, given=given, configured=configured_order, notes=notes,
    )  # fmt: skip
    parsed = Parsed([], [], notes, header, delimiter, size=max(text.count("\n") - header_line, 0))
    del text
    if reopen:
        del data
    candidate, width, bad = _RowPlan(columns, order, header).candidate, len(header), parsed.bad

    def rows() -> Iterator[Candidate]:
        """The candidates of the rows after the header, in file order; bad rows go to `bad` as they are met."""
        try:
            for cells in reader:
                line, at[0] = at[0], reader.line_num + 1
                if (not cells or not cells[0].strip()) and not "".join(cells).strip():
                    continue  # a blank row
                if len(cells) != width:
                    end = line + sum(c.count("\n") for c in cells)
                    msg = (_("{n} cells where the header has {width} (the row runs to line {end}: unbalanced quotes?)")
                           if end > line else _("{n} cells where the header has {width}"))  # fmt: skip
                    bad.append(BadRow(line, msg.format(n=len(cells), width=width, end=end), cells))
                    continue
                try:
                    cand = candidate(line, cells, now)
                except BadInput as exc:
                    bad.append(BadRow(line, str(exc), cells))
                    continue
                yield cand
        except csv.Error as exc:
            raise malformed(exc) from None
        except UnicodeDecodeError as exc:  # the file changed since it was checked
            msg = _("{source}: line {line}: cannot decode it as {encoding} ({reason})")
            raise BadInput(msg.format(source=source, line=at[0], encoding=codec, reason=exc.reason)) from None
        finally:
            stream.close()

    parsed.rows = rows()
    return parsed


#: A spreadsheet export (ours too) puts a `'` before a cell starting with one of these, against formula injection.
_NEUTRALISED = "=+-@\t\r"
_FIRST_WINS = frozenset((
    "company", "role", "status", "source", "birthday", "uid", "next_contact_on", "next_contact_time",
    "next_contact_goal",
))  # fmt: skip
_JOINED = ("first_name", "middle_name", "last_name")
#: Headers saying the name is written family name first: Фамилия (a column), ФИО (Фамилия Имя Отчество).
_SURNAME_FIRST = {"фамилия", "фио"}
_DATES = ("birthday", "next_contact_on")


class _RowPlan:
    """The columns of one CSV file, prepared once; `candidate` turns one row into a Candidate.

    The hot loop of a 100,000-row import: one pass over the mapped cells, no per-cell function calls for
    the common columns, separators looked for before a regex split, and the phone key computed once.
    """

    def __init__(self, columns: list[_Column], order: str = "dmy", header: Sequence[str] = ()):
        self.order = order
        # Фамилия, Имя, Отчество: a Russian spreadsheet's name is surname first, as its people write it
        self.joined = _JOINED
        if any(c.target == "last_name" and _norm_header(c.header) in _SURNAME_FIRST for c in columns):
            self.joined = ("last_name", "first_name", "middle_name")
        self.surname_first = any(c.target == "name" and _norm_header(c.header) in _SURNAME_FIRST for c in columns)
        self.columns: list[tuple[int, str, str, str | None]] = []
        for col in columns:
            kind, extra = col.target, col.label
            if kind.startswith("field:"):
                kind, extra = "field", kind[6:].strip()
            elif kind == "website":
                kind, extra = "field", "website"
            elif kind in _ADDRESS_PARTS or kind == "address":
                kind, extra = "address_part", "formatted" if kind == "address" else kind
            self.columns.append((col.index, kind, col.group, extra))

    def candidate(self, line: int, cells: list[str], now: datetime) -> Candidate:
        names: list[str] = []
        emails: list[tuple[str, str]] = []  # (value, slot)
        phones: list[tuple[str, str, str | None]] = []  # (value, slot, label from the header)
        tag_cells: list[str] = []
        one: dict[str, str] = {}  # targets where the first non-empty cell wins
        fields: dict[str, str] = {}
        # Rare columns: made when met.
        many: dict[str, list[str]] | None = None  # first/middle/last name and notes: every cell
        email_labels: dict[str, str] | None = None
        phone_labels: dict[str, str] | None = None
        address_groups: dict[str, dict[str, str]] | None = None
        for index, kind, group, extra in self.columns:
            value = cells[index]
            if not value:  # most cells of a Google/Outlook export are empty
                continue
            if value[0] == "'" and len(value) > 1 and value[1] in _NEUTRALISED:
                value = value[1:]  # undo the `'`
            else:
                value = value.strip()
                if not value:
                    continue
            if kind == "name":
                names.append(value)
            elif kind == "email":
                if "," in value or ";" in value or ":::" in value:
                    emails += [(v, group) for v in _SPLIT_EMAILS.split(value) if v]
                else:
                    emails.append((value, group))
            elif kind == "phone":
                if ";" in value or ":::" in value:
                    phones += [(v, group, extra) for v in _SPLIT_PHONES.split(value) if v]
                else:
                    phones.append((value, group, extra))
            elif kind == "tags":
                tag_cells.append(value)
            elif kind in _FIRST_WINS:
                if kind not in one:
                    one[kind] = value
            elif kind == "field":
                assert extra is not None  # __init__ gives every field column its key
                fields[extra] = value
            elif kind == "email_label":
                if email_labels is None:
                    email_labels = {}
                email_labels[group] = value
            elif kind == "phone_label":
                if phone_labels is None:
                    phone_labels = {}
                phone_labels[group] = value
            elif kind == "address_part":
                if address_groups is None:
                    address_groups = {}
                assert extra is not None  # __init__ gives every address_part column its part name
                parts = address_groups.setdefault(group, {})
                parts[extra] = f"{parts[extra]}, {value}" if extra in parts else value  # Street, Street 2...
            else:  # first_name, middle_name, last_name, notes
                if many is None:
                    many = {}
                many.setdefault(kind, []).append(value)
        name = " ".join(" ".join(names).split()) if names else ""
        if not name and many:
            name = " ".join(" ".join(v for k in self.joined for v in many.get(k, ())).split())
        cand_emails = [
            (checked_email(v), clean_label(email_labels.get(slot)) if email_labels else None) for v, slot in emails
        ]
        cand_phones = [
            (checked_phone(v), (clean_label(phone_labels.get(slot)) or label) if phone_labels else label)
            for v, slot, label in phones
        ]
        if not name:
            name = cand_emails[0][0] if cand_emails else (cand_phones[0][0] if cand_phones else "")
            if not name:
                raise BadInput(_("no name, e-mail or phone"))
        status = one.get("status")
        if status is not None:
            status = normalize_status(status)
        birthday = one.get("birthday")
        if birthday is not None:
            birthday = birthday_iso(birthday, now=now, order=self.order)
        found: dict[str, str] = {}
        if address_groups:
            found = next(g for g in address_groups.values() if g)
            formatted = found.pop("formatted", None)
            if formatted and "street" not in found:  # an "Address" column next to "City": it is the street
                found["street"] = formatted.replace("\r\n", "\n")  # (Google's formatted one next to its parts
                # is left out)
        tags: list[str] = []
        for value in tag_cells:
            tags += tags_of(value)
        notes = "\n".join(many["notes"]).replace("\r\n", "\n") if many and "notes" in many else None
        # Positional, in field order: line name emails phones company role status source birthday address notes
        # uid tags fields.
        cand = Candidate(
            line, name, cand_emails, cand_phones, one.get("company"), one.get("role"), status, one.get("source"),
            birthday, found.get("street"), notes, one.get("uid"), tags, fields,
        )  # fmt: skip
        if found:
            cand.city, cand.region = found.get("city"), found.get("region")
            cand.postcode, cand.country = found.get("postcode"), found.get("country")
        if many and "last_name" in many:
            cand.family_name = " ".join(" ".join(many["last_name"]).split())
        elif self.surname_first and " " in name:
            cand.family_name = name.split(" ", 1)[0]  # ФИО: Иванов Иван Иванович
        if "next_contact_on" in one or "next_contact_time" in one or "next_contact_goal" in one:
            self._next(cand, one, now)
        return cand

    def _next(self, cand: Candidate, one: dict[str, str], now: datetime) -> None:
        """The next-contact columns of our own export (and of any file that has them)."""
        from minicrm.dates import parse_when

        when = one.get("next_contact_on")
        if when is not None:
            w = parse_when(when, now=now, order=self.order)
            cand.next_contact_on = w.date
            cand.next_contact_time = w.time.strftime("%H:%M") if w.time else None
        at = one.get("next_contact_time")
        if at is not None:
            m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", at)
            if not m or int(m[1]) > 23 or int(m[2]) > 59:
                raise BadInput(_("invalid next contact time '{value}' (HH:MM)").format(value=at))
            cand.next_contact_time = f"{int(m[1]):02d}:{m[2]}"
        cand.next_contact_goal = one.get("next_contact_goal")
