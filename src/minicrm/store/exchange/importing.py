"""Import contacts from CSV and vCard: a plan of create/update/skip first, then one all-or-nothing transaction.

Duplicates are matched by vCard UID, then e-mail, then phone, then exact name + company (case and accents
ignored), against the database and against earlier rows of the same file, so re-running an import creates
nothing new. Rows are written with `executemany` (ids allocated up front inside the write lock) and the
search index is refilled in bulk at the end, keeping every invariant `contacts.create_contact` keeps:
name_key, email_key, phone_key, birthday_md, unique company names, timestamps, revision, audit, FTS.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold
from minicrm.store.people import search
from minicrm.store.people.cadence import fill_cadence_dates, fill_cadence_dates_of
from minicrm.store.people.fields import check_email, check_phone, normalize_status, normalize_tag

ON_DUPLICATE = ("skip", "update", "create")
CHUNK = 500
Progress = Callable[[int], None] | None


@dataclass(slots=True)
class Candidate:
    """One contact as read from a file, validated and normalised."""

    line: int
    name: str
    emails: list[tuple[str, str | None]] = field(default_factory=list)
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    status: str | None = None
    source: str | None = None
    birthday: str | None = None
    address: str | None = None
    notes: str | None = None
    uid: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class BadRow:
    line: int
    reason: str
    raw: Any = None  # CSV cells or vCard text, for the reject file
    where: str | None = None  # the file, when an import reads several


@dataclass
class Parsed:
    """What a reader produced: good rows, bad rows, and remarks for the user."""

    candidates: list[Candidate]
    bad: list[BadRow]
    notes: list[str] = field(default_factory=list)
    header: list[str] | None = None
    delimiter: str = ","


@dataclass(slots=True)
class PlanItem:
    line: int
    action: str  # create | update | unchanged | skip | merge (into an earlier row of the file that creates)
    name: str
    contact_id: int | None = None
    match: str | None = None  # uid | email | phone | name+company | file (an earlier row of the same file)
    changes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "name": self.name,
            "contact_id": self.contact_id,
            "match": self.match,
            "changes": self.changes,
        }


@dataclass
class ImportResult:
    dry_run: bool
    items: list[PlanItem]
    bad: list[BadRow]
    companies_created: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for i in self.items if i.action == action)

    def to_json(self, *, with_items: bool = True) -> dict[str, Any]:
        data = {
            "dry_run": self.dry_run,
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "skipped": self.count("skip"),
            "merged": self.count("merge"),
            "rejected": len(self.bad),
            "companies_created": self.companies_created,
            "rejects": [{"line": b.line, "reason": b.reason} for b in self.bad],
        }
        if with_items:
            data["items"] = [i.to_json() for i in self.items]
        return data


@contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic GC while 100,000s of small objects are built: its full passes made imports ~1.6x slower.

    On the way out the objects alive are frozen (`gc.freeze`): otherwise the first collection after
    `gc.enable()` walks every object made meanwhile (~0.45 s after reading 100,000 rows, again after
    planning them). They are still freed as usual, by reference counting, when dropped; the import's
    objects hold no reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


class _DropCombining(dict):
    """A str.translate table deleting combining marks, filled lazily (one look-up per distinct character)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_COMBINING = _DropCombining()


@lru_cache(maxsize=262144)
def _fold(text: str) -> str:
    """Exactly `text.fold` (a test checks), ~5x faster: ASCII needs no NFKD, the rest uses str.translate."""
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKD", text.casefold()).translate(_DROP_COMBINING).split())


_NOT_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=262144)
def _phone_key(phone: str) -> str:
    """Exactly `text.phone_key` (a test checks), computed once per phone: matching, the file and the row need it."""
    digits = _NOT_DIGIT.sub("", phone)
    return digits[2:] if phone.strip().startswith("00") else digits


def _phone(value: str) -> str:
    """`contacts.check_phone` (same rules), with the key computed once and kept for matching and the row."""
    clean = " ".join(value.split())
    if len(_phone_key(clean)) >= 3:
        return clean
    return check_phone(value)


@lru_cache(maxsize=4096)
def _tags_of(value: str) -> tuple[str, ...]:
    """`_tags` of one cell, remembered: a file repeats a handful of tag cells 100,000 times."""
    return tuple(_tags(value))


def _email(value: str) -> str:
    """`contacts.check_email` (same rules), without its per-character loop for the common valid address."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if at and local and "." in domain and domain[0] != "." and len(value.split()) == 1:
        return value
    return check_email(value)


# -- decoding --------------------------------------------------------------------------------

_HIGH_WORD = re.compile(rb"[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")


def decode(data: bytes, *, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Bytes → (text, encoding used): UTF-8 with or without BOM, UTF-16 with BOM, else cp1251/cp1252."""
    if encoding:
        return _strict(data, encoding, source), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig", source), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source), "utf-16"
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise BadInput(f"{source}: line {line}: binary data (NUL byte); is it UTF-16 without a BOM? try --encoding")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        loose = data.decode("utf-8", errors="replace")
        invalid = loose.count("\ufffd")
        valid = sum(1 for ch in loose if ord(ch) > 127) - invalid
        if valid >= invalid:  # mostly UTF-8 with a few foreign bytes: a damaged or mixed file
            line = data[: exc.start].count(b"\n") + 1
            raise BadInput(
                f"{source}: line {line}: invalid UTF-8 (byte 0x{data[exc.start]:02x}) in a file that is otherwise"
                " UTF-8; fix the file or give --encoding"
            ) from None
    # No valid UTF-8 at all: an 8-bit Windows code page. Cyrillic words are made of high bytes only,
    # Western words mix ASCII letters with a few accented ones (Müller).
    words = _HIGH_WORD.findall(data)
    cyrillic = sum(1 for w in words if all(b >= 0x80 for b in w))
    guess = "cp1251" if cyrillic * 2 >= len(words) else "cp1252"
    return _strict(data, guess, source), guess


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise BadInput(f"unknown encoding '{encoding}'") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(f"{source}: line {line}: cannot decode byte 0x{data[exc.start]:02x} as {encoding}") from None


# -- CSV -------------------------------------------------------------------------------------

#: Targets a column can map to (`--map "Header=target"`); `field:KEY` keeps any other column as a custom field.
TARGETS = (
    "name", "first_name", "middle_name", "last_name", "email", "phone", "company", "role", "status", "source",
    "tags", "notes", "birthday", "address", "street", "city", "region", "postcode", "country", "uid", "website",
    "ignore",
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
    "account": "company", "account name": "company", "компания": "company", "организация": "company",
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
    "страна": "country",
}  # fmt: skip

_ALIASES = {" ".join(fold(k).split()): v for k, v in _ALIASES.items()}  # keys as _norm_header makes them

_NUMBERED = [
    (re.compile(r"e-?mail \d+ - value"), "email"),
    (re.compile(r"e-?mail( \d+)? address"), "email"),
    (re.compile(r"phone \d+ - value"), "phone"),
    (re.compile(r"(home|business|mobile|other|primary|car|company main|assistant's|radio) phone( \d+)?"), "phone"),
    (re.compile(r"organization \d+ - name"), "company"),
    (re.compile(r"organization \d+ - title"), "role"),
    (re.compile(r"address \d+ - formatted"), "address"),
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
    for head, target in mapping.items():
        index = header.index(head) if head in header else by_norm.get(_norm_header(head))
        if index is None:
            raise BadInput(f"--map: no column '{head}' in {source} (columns: {', '.join(header)})")
        if target not in TARGETS and not (target.startswith("field:") and target[6:].strip()):
            raise BadInput(f"--map: unknown target '{target}' (one of: {', '.join(TARGETS)}, field:KEY)")
        explicit[index] = target
    has_job_title = any(_norm_header(h) == "job title" for h in header)
    columns: list[_Column] = []
    ignored: list[str] = []
    for index, head in enumerate(header):
        norm = _norm_header(head)
        target = explicit.get(index)
        label = group = None
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
        if target in _ADDRESS_PARTS:
            group = norm.split(" ")[0] if norm.split(" ")[0] in ("home", "business", "other") else ""
        if target is None:
            ignored.append(head)
            continue
        if target != "ignore":
            columns.append(_Column(index, head, target, label, group or ""))
    return columns, ignored


def sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
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
_SPLIT_TAGS = re.compile(r"\s*(?::::|[;,])\s*")
_EMPTY_DATES = {"0/0/00", "0.0.00", "00.00.0000", "0000-00-00"}


def read_csv(
    data: bytes,
    *,
    source: str,
    now: datetime,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Parsed:
    """Decode, split and validate a CSV file into candidates and bad rows (nothing is written)."""
    with _bulk():
        return _read_csv(data, source=source, now=now, mapping=mapping, encoding=encoding, delimiter=delimiter)


def _read_csv(data: bytes, *, source: str, now: datetime, mapping, encoding, delimiter) -> Parsed:
    text, used = decode(data, source=source, encoding=encoding)
    delimiter = delimiter or sniff_delimiter(text)
    notes = [] if used == "utf-8" else [f"read {source} as {used}"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1  # the line the next row starts on

    def malformed(exc: csv.Error) -> BadInput:
        end = reader.line_num
        span = f"; the quoted cell runs from line {start} to {end}" if end > start else ""
        return BadInput(f"{source}: line {start}: malformed CSV ({exc}; unbalanced quotes?{span})")

    # Rows are turned into candidates as they are read (no list of 100,000 rows of cells to build and free).
    header: list[str] | None = None
    header_line = 0
    try:
        for cells in reader:
            header_line, start = start, reader.line_num + 1
            if any(c.strip() for c in cells):
                header = cells
                break
    except csv.Error as exc:
        raise malformed(exc) from None
    if header is None:
        raise BadInput(f"{source}: the file is empty")
    header = [h.strip().lstrip("\ufeff") for h in header]
    try:
        columns, ignored = plan_columns(header, mapping or {}, source=source)
        targets = {c.target for c in columns}
        if not targets & {"name", "first_name", "last_name", "email", "phone"}:
            raise BadInput(
                f"{source}: line {header_line}: no name, e-mail or phone column among {', '.join(header)}"
                " (give --map 'Header=name,...')"
            )
    except BadInput:
        try:  # a malformed file is reported first, whatever its header
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error as exc:
            raise malformed(exc) from None
        raise
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    candidates: list[Candidate] = []
    bad: list[BadRow] = []
    width = len(header)
    candidate = _RowPlan(columns).candidate
    add = candidates.append
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if (not cells or not cells[0].strip()) and not "".join(cells).strip():
                continue  # a blank row
            if len(cells) != width:
                end = line + sum(c.count("\n") for c in cells)
                span = f" (the row runs to line {end}: unbalanced quotes?)" if end > line else ""
                bad.append(BadRow(line, f"{len(cells)} cells where the header has {width}{span}", cells))
                continue
            try:
                add(candidate(line, cells, now))
            except BadInput as exc:
                bad.append(BadRow(line, str(exc), cells))
    except csv.Error as exc:
        raise malformed(exc) from None
    return Parsed(candidates, bad, notes, header, delimiter)


#: A spreadsheet export (ours too) puts a `'` before a cell starting with one of these, against formula injection.
_NEUTRALISED = "=+-@\t\r"
_FIRST_WINS = frozenset(("company", "role", "status", "source", "birthday", "address", "uid"))
_JOINED = ("first_name", "middle_name", "last_name")


class _RowPlan:
    """The columns of one CSV file, prepared once; `candidate` turns one row into a Candidate.

    The hot loop of a 100,000-row import: one pass over the mapped cells, no per-cell function calls for
    the common columns, separators looked for before a regex split, and the phone key computed once.
    """

    def __init__(self, columns: list[_Column]):
        self.columns: list[tuple[int, str, str, str | None]] = []
        for col in columns:
            kind, extra = col.target, col.label
            if kind.startswith("field:"):
                kind, extra = "field", kind[6:].strip()
            elif kind == "website":
                kind, extra = "field", "website"
            elif kind in _ADDRESS_PARTS:
                kind, extra = "address_part", kind
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
                address_groups.setdefault(group, {})[extra] = value
            else:  # first_name, middle_name, last_name, notes
                if many is None:
                    many = {}
                many.setdefault(kind, []).append(value)
        name = " ".join(" ".join(names).split()) if names else ""
        if not name and many:
            name = " ".join(" ".join(v for k in _JOINED for v in many.get(k, ())).split())
        cand_emails = [
            (_email(v), _clean_label(email_labels.get(slot)) if email_labels else None) for v, slot in emails
        ]
        cand_phones = [
            (_phone(v), (_clean_label(phone_labels.get(slot)) or label) if phone_labels else label)
            for v, slot, label in phones
        ]
        if not name:
            name = cand_emails[0][0] if cand_emails else (cand_phones[0][0] if cand_phones else "")
            if not name:
                raise BadInput("no name, e-mail or phone")
        status = one.get("status")
        if status is not None:
            status = normalize_status(status)
        birthday = one.get("birthday")
        if birthday is not None:
            birthday = birthday_iso(birthday, now=now)
        address = one.get("address")
        if not address and address_groups:
            group = next(g for g in address_groups.values() if g)
            address = ", ".join(group[p] for p in _ADDRESS_PARTS if p in group) or None
        tags: list[str] = []
        for value in tag_cells:
            tags += _tags_of(value)
        notes = "\n".join(many["notes"]) if many and "notes" in many else None
        # Positional, in field order: line name emails phones company role status source birthday address notes
        # uid tags fields.
        return Candidate(
            line, name, cand_emails, cand_phones, one.get("company"), one.get("role"), status, one.get("source"),
            birthday, address, notes, one.get("uid"), tags, fields,
        )  # fmt: skip


def _clean_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lstrip("*").strip().lower()
    return label or None


def _tags(value: str) -> list[str]:
    tags = []
    for raw in _SPLIT_TAGS.split(value):
        raw = raw.strip().lstrip("*").strip()
        if raw and raw.lower() not in ("mycontacts", "my contacts"):
            tags.append(normalize_tag(raw))
    return tags


_ISO_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(T.*)?")
_ISO_LONG = re.compile(r"(\d{4})-(\d{2})-(\d{2})([T ].*)?")


def birthday_iso(text: str, *, now: datetime, year_omitted: bool = False) -> str | None:
    """A birthday as written by Google, Apple, Outlook or a person → `1990-12-10` or `--12-10`."""
    from minicrm.dates import parse_birthday

    value = text.strip()
    if not value or value in _EMPTY_DATES:
        return None
    m = _ISO_COMPACT.fullmatch(value) or _ISO_LONG.fullmatch(value)
    if m:
        # Apple writes a year-less birthday as 1604-MM-DD with X-APPLE-OMIT-YEAR; some tools use 0000.
        omitted = year_omitted or m[1] in ("1604", "0000")
        value = f"--{m[2]}-{m[3]}" if omitted else f"{m[1]}-{m[2]}-{m[3]}"
    return parse_birthday(value, now=now).iso()


# -- vCard -----------------------------------------------------------------------------------


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
        cand.emails.append((_email(value), _clean_label(label)))
    for value, label in card.phones:
        cand.phones.append((check_phone(value), _clean_label(label)))
    if not cand.name:
        cand.name = cand.emails[0][0] if cand.emails else (cand.phones[0][0] if cand.phones else "")
    if not cand.name:
        raise BadInput("no FN, N, e-mail or phone")
    cand.company = card.company
    cand.role = card.role
    if card.birthday:
        cand.birthday = birthday_iso(card.birthday, now=now, year_omitted=card.birthday_year_omitted)
    cand.tags = [t for raw in card.tags for t in _tags(raw)]
    cand.notes = card.notes
    cand.address = card.address
    cand.uid = card.uid
    if card.website:
        cand.fields["website"] = card.website
    cand.fields.update(card.fields)
    if card.status:
        cand.status = normalize_status(card.status)
    return cand


# -- planning ----------------------------------------------------------------------------------


@dataclass
class _Existing:
    id: int
    row: dict[str, Any]
    company_key: str
    emails: set[str]
    phones: set[str]
    tags: set[str]
    fields: dict[str, str]


_NO_CHANGES: dict[str, Any] = MappingProxyType({})  # type: ignore[assignment]  # shared, read-only


class _Op:
    """The plan of one candidate: its PlanItem, and for an update what changes (set by `_diff_updates`)."""

    __slots__ = (
        "add_emails", "add_phones", "add_tags", "cand", "company", "item", "merged", "old", "set_fields", "sets",
    )  # fmt: skip

    def __init__(self, item: PlanItem, cand: Candidate):
        self.item = item
        self.cand = cand
        self.merged: list[Candidate] | None = None  # later rows of the file folded into a new contact
        # What an update changes, filled by _diff_updates (a create needs none of it: shared empties).
        self.sets: dict[str, Any] = _NO_CHANGES
        self.old: dict[str, Any] = _NO_CHANGES
        self.company: str | None = None
        self.add_emails: Sequence[tuple[str, str | None]] = ()
        self.add_phones: Sequence[tuple[str, str | None]] = ()
        self.add_tags: Sequence[str] = ()
        self.set_fields: dict[str, str] = _NO_CHANGES


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _lookup(session: Session, sql: str, keys: Iterable[str], table: str) -> dict[str, int]:
    """key → lowest id, for `sql` selecting (key, id) from `table` with `{marks}` for the IN list.

    Many keys against a small table: one scan of the table beats hundreds of IN queries.
    """
    wanted = list(set(keys))
    found: dict[str, int] = {}
    if not wanted:
        return found
    size = session.scalar(f"SELECT max(id) FROM {table}")
    if not size:
        return found
    if len(wanted) > size // 4:
        chunks: Iterable[Sequence[str]] = [()]
        sql = sql.replace(" IN ({marks})", " IS NOT NULL")
        keep = set(wanted)
    else:
        chunks, keep = _chunks(wanted), None
    for chunk in chunks:
        for row in session.all(sql.format(marks=", ".join("?" * len(chunk))), list(chunk)):
            key, cid = row[0], row[1]
            # name lookups return "name_key<US>company_key" for a name_key
            if (keep is None or key.split("\x1f", 1)[0] in keep) and (key not in found or cid < found[key]):
                found[key] = cid
    return found


def plan(
    session: Session,
    candidates: Sequence[Candidate],
    *,
    on_duplicate: str = "update",
    tags: Sequence[str] = (),
    progress: Progress = None,
) -> list[_Op]:
    """Decide create/update/unchanged/skip for every candidate; reads only."""
    if on_duplicate not in ON_DUPLICATE:
        raise BadInput(f"unknown --on-duplicate '{on_duplicate}' (one of: {', '.join(ON_DUPLICATE)})")
    extra_tags = [normalize_tag(t) for t in tags]
    create = on_duplicate == "create"
    # The match keys of every candidate (see _keys), computed once.
    keys_of: list[list[str]] = [] if create else [_keys(c) for c in candidates]
    # One dict of key → existing contact id, so each row costs a few dict probes.
    known: dict[str, int] = {}
    if keys_of and session.scalar("SELECT max(id) FROM contact") is not None:
        wanted: dict[str, set[str]] = {"uid": set(), "email": set(), "phone": set(), "name+company": set()}
        for keys in keys_of:
            for key in keys:
                wanted[_kind(key)].add(key)
        uids = {key[4:] for key in wanted["uid"]}
        names = {key.split("\x1f", 1)[0] for key in wanted["name+company"]}
        for kind, sql, table, values in (
            ("uid", "SELECT vcard_uid, id FROM contact WHERE vcard_uid IN ({marks})", "contact", uids),
            ("email", "SELECT email_key, contact_id FROM contact_email WHERE email_key IN ({marks})",
             "contact_email", wanted["email"]),
            ("phone", "SELECT phone_key, contact_id FROM contact_phone WHERE phone_key IN ({marks})",
             "contact_phone", wanted["phone"]),
            ("name+company", "SELECT c.name_key || '\x1f' || coalesce(co.name_key, ''), c.id FROM contact c"
             " LEFT JOIN company co ON co.id = c.company_id WHERE c.name_key IN ({marks})", "contact", names),
        ):  # fmt: skip
            prefix, keys = ("uid\t" if kind == "uid" else ""), wanted[kind]
            for key, cid in _lookup(session, sql, values, table).items():
                if prefix + key in keys:  # only a key of the same kind (whatever the database holds)
                    known[prefix + key] = cid
    pending: dict[str, _Op] = {}  # keys of contacts this file creates → their op
    ops: list[_Op] = []
    add = ops.append
    matched: dict[int, list[_Op]] = {}
    skip = on_duplicate == "skip"
    for n, cand in enumerate(candidates):
        if progress and n % 1000 == 999:
            progress(1000)
        if extra_tags or len(cand.tags) > 1:
            cand.tags = sorted({*cand.tags, *extra_tags})
        op = _Op(PlanItem(cand.line, "create", cand.name), cand)
        add(op)
        if create:
            continue
        keys = keys_of[n]
        if known:
            found = None
            for key in keys:
                if key in known:
                    found = key
                    break
            if found is not None:
                item = op.item
                item.match, item.contact_id = _kind(found), known[found]
                if skip:
                    item.action = "skip"
                else:
                    item.action = "update"
                    matched.setdefault(item.contact_id, []).append(op)
                continue
        earlier = None
        for key in keys:
            other = pending.get(key)
            if other is not None and _same_card(other.cand, cand):
                earlier = other
                break
        if earlier is None:
            for key in keys:
                if key not in pending:
                    pending[key] = op
            continue
        item = op.item
        item.match = "file"
        item.action = "skip"
        if on_duplicate == "update":
            item.action = "merge"
            if earlier.merged is None:
                earlier.merged = []
            earlier.merged.append(cand)
            item.changes = [f"merged into line {earlier.item.line}"]
        for key in keys:
            if key not in pending:
                pending[key] = earlier
    if progress:
        progress(len(candidates) % 1000)
    _diff_updates(session, matched)
    for op in ops:
        if op.merged and op.item.action == "create":
            for other in op.merged:
                _merge(op.cand, other)
    return ops


def _same_card(a: Candidate, b: Candidate) -> bool:
    """Two cards of one file that carry different UIDs are two people, even with one name or e-mail."""
    return not (a.uid and b.uid and a.uid != b.uid)


def _keys(cand: Candidate) -> list[str]:
    """Match keys in priority order: uid, e-mails, phones, name + company.

    One namespace without kind prefixes (fewer strings to make for 100,000 rows): a uid key starts with
    "uid<TAB>" (no other key has a tab), a name key is "name<US>company" (no e-mail or phone key has a US),
    an e-mail key has an @ and no whitespace (check_email), a phone key only digits (phone_key).
    """
    keys = ["uid\t" + cand.uid] if cand.uid else []
    for email, _ in cand.emails:
        keys.append(email.lower())
    for phone, _ in cand.phones:
        key = _phone_key(phone)
        if key:
            keys.append(key)
    keys.append(f"{_fold(cand.name)}\x1f{_fold(cand.company) if cand.company else ''}")
    return keys


def _kind(key: str) -> str:
    """What a _keys key matches by: uid | email | phone | name+company."""
    if key.startswith("uid\t"):
        return "uid"
    if "\x1f" in key:
        return "name+company"
    return "email" if "@" in key else "phone"


def _merge(into: Candidate, other: Candidate) -> None:
    have = {e.lower() for e, _ in into.emails}
    into.emails += [(e, lbl) for e, lbl in other.emails if e.lower() not in have]
    have_p = {_phone_key(p) for p, _ in into.phones}
    into.phones += [(p, lbl) for p, lbl in other.phones if _phone_key(p) not in have_p]
    into.tags = sorted({*into.tags, *other.tags})
    for attr in ("company", "role", "status", "source", "birthday", "address", "notes", "uid"):
        if getattr(into, attr) is None and getattr(other, attr) is not None:
            setattr(into, attr, getattr(other, attr))
    into.fields = {**other.fields, **into.fields}


_SCALARS = ("name", "role", "status", "source", "birthday", "address", "notes")


def _diff_updates(session: Session, matched: dict[int, list[_Op]]) -> None:
    existing = _load_existing(session, list(matched))
    for cid, ops in matched.items():
        ex = existing[cid]
        emails, phones, tags, fields = set(ex.emails), set(ex.phones), set(ex.tags), dict(ex.fields)
        row = dict(ex.row)
        company_key = ex.company_key
        for op in ops:
            c, item = op.cand, op.item
            op.sets, op.old = {}, {}
            for attr in _SCALARS:
                value = getattr(c, attr)
                if value is not None and value != row[attr]:
                    op.sets[attr] = value
                    op.old[attr] = row[attr]
                    row[attr] = value
            if c.uid and not row["vcard_uid"]:
                op.sets["vcard_uid"] = row["vcard_uid"] = c.uid
            if c.company and _fold(c.company) != company_key:
                op.company, company_key = c.company, _fold(c.company)
            op.add_emails = [(e, lbl) for e, lbl in c.emails if e.lower() not in emails]
            emails |= {e.lower() for e, _ in op.add_emails}
            op.add_phones = [(p, lbl) for p, lbl in c.phones if _phone_key(p) not in phones]
            phones |= {_phone_key(p) for p, _ in op.add_phones}
            op.add_tags = [t for t in c.tags if t not in tags]
            tags |= set(op.add_tags)
            op.set_fields = {k: v for k, v in c.fields.items() if fields.get(k) != v}
            fields.update(op.set_fields)
            item.changes = [*op.sets] + (["company"] if op.company else [])
            item.changes += [
                f"+{what}"
                for what, got in (("emails", op.add_emails), ("phones", op.add_phones), ("tags", op.add_tags))
                if got
            ]
            item.changes += [f"field:{k}" for k in op.set_fields]  # fmt: skip
            if op.sets.get("vcard_uid") and len(item.changes) == 1:
                item.changes = ["uid"]
            if not item.changes:
                item.action = "unchanged"


def _load_existing(session: Session, ids: list[int]) -> dict[int, _Existing]:
    out: dict[int, _Existing] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for r in session.all(
            f"SELECT c.*, coalesce(co.name_key, '') AS company_key FROM contact c"
            f" LEFT JOIN company co ON co.id = c.company_id WHERE c.id IN ({marks})",
            chunk,
        ):
            out[r["id"]] = _Existing(r["id"], dict(r), r["company_key"], set(), set(), set(), {})
        for r in session.all(f"SELECT contact_id, email_key FROM contact_email WHERE contact_id IN ({marks})", chunk):
            out[r[0]].emails.add(r[1])
        for r in session.all(f"SELECT contact_id, phone_key FROM contact_phone WHERE contact_id IN ({marks})", chunk):
            out[r[0]].phones.add(r[1])
        for r in session.all(f"SELECT contact_id, tag FROM contact_tag WHERE contact_id IN ({marks})", chunk):
            out[r[0]].tags.add(r[1])
        for r in session.all(f"SELECT contact_id, key, value FROM contact_field WHERE contact_id IN ({marks})", chunk):
            out[r[0]].fields[r[1]] = r[2]
    return out


# -- applying ----------------------------------------------------------------------------------


def _next_id(session: Session, table: str) -> int:
    return session.dialect.next_id(session, table)


def _companies(session: Session, names: Iterable[str], *, now: datetime, user_id: int | None) -> tuple[dict, list]:
    """name_key → company id for every name, creating the missing ones in bulk."""
    wanted: dict[str, str] = {}
    for name in dict.fromkeys(names):  # each spelling once, in order
        clean = " ".join(name.split())
        if clean:
            wanted.setdefault(_fold(clean), clean)
    ids = _lookup(session, "SELECT name_key, id FROM company WHERE name_key IN ({marks})", wanted, "company")
    missing = [(key, name) for key, name in wanted.items() if key not in ids]
    created = []
    if missing:
        first = _next_id(session, "company")
        rows = []
        for offset, (key, name) in enumerate(missing):
            ids[key] = first + offset
            created.append(name)
            rows.append((first + offset, name, key, False, user_id, now, now, 1))
        session.executemany(
            "INSERT INTO company (id, name, name_key, archived, created_by, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        session.dialect.ids_given(session, "company")
        search.index_companies_bulk(session, [r[0] for r in rows])
    return ids, created


def apply(
    session: Session,
    ops: Sequence[_Op],
    *,
    now: datetime,
    user_id: int | None,
    source: str,
) -> list[str]:
    """Write the plan in the caller's transaction; returns the names of companies created."""
    creates = [op for op in ops if op.item.action == "create"]
    updates = [op for op in ops if op.item.action == "update"]
    company_ids, created_companies = _companies(
        session,
        [op.cand.company for op in creates if op.cand.company] + [op.company for op in updates if op.company],
        now=now,
        user_id=user_id,
    )
    first = _next_id(session, "contact") if creates else 0
    stamp = now.isoformat(" ", "seconds")  # what the sqlite3 adapter would make, once instead of 200,000 times
    contacts: list[tuple] = []
    emails: list[tuple] = []
    phones: list[tuple] = []
    tags: list[tuple] = []
    fields: list[tuple] = []
    cid = first
    false = session.dialect.false
    for op in creates:
        c = op.cand
        op.item.contact_id = cid
        contacts.append((
            cid, c.name, _fold(c.name), company_ids.get(_fold(c.company)) if c.company else None, c.role,
            c.status or "lead", c.source, c.birthday, c.birthday[-5:] if c.birthday else None, c.address, c.notes,
            user_id, false, false, c.uid, user_id, stamp, stamp, 1,
        ))  # fmt: skip
        # The common card (one e-mail, one phone, no custom fields) without _collect's de-duplication.
        if len(c.emails) == 1 and len(c.phones) < 2 and not c.fields:
            email, label = c.emails[0]
            emails.append((cid, email, email.lower(), label, 0))
            if c.phones:
                phone, label = c.phones[0]
                phones.append((cid, phone, _phone_key(phone), label, 0))
            if c.tags:
                tags += [(cid, t) for t in c.tags]
        else:
            _collect(cid, c, c.emails, c.phones, c.tags, c.fields, (0, 0), emails, phones, tags, fields)
        cid += 1
    _insert(session, "contact", _CONTACT_COLUMNS, contacts, nullable=_CONTACT_NULLABLE)
    if contacts:
        session.dialect.ids_given(session, "contact")
    del contacts
    positions = _positions(session, [op.item.contact_id for op in updates])
    for op in updates:
        cid = op.item.contact_id
        sets = dict(op.sets)
        if "name" in sets:
            sets["name_key"] = _fold(sets["name"])
        if "birthday" in sets:
            sets["birthday_md"] = sets["birthday"][-5:]
        if op.company:
            sets["company_id"] = company_ids[_fold(op.company)]
        session.execute(
            "UPDATE contact SET " + ", ".join(f"{k} = ?" for k in sets) + (", " if sets else "")
            + "updated_at = ?, revision = revision + 1 WHERE id = ?",
            [*sets.values(), now, cid],
        )  # fmt: skip
        _collect(
            cid, op.cand, op.add_emails, op.add_phones, op.add_tags, {}, positions[cid], emails, phones, tags, fields
        )
        for key, value in op.set_fields.items():
            session.execute("DELETE FROM contact_field WHERE contact_id = ? AND key = ?", (cid, key))
            fields.append((cid, key, value))
        changes = {k: (op.old.get(k), v) for k, v in op.sets.items()}
        if op.company:
            changes["company"] = (None, op.company)
        for label, items in (("emails", op.add_emails), ("phones", op.add_phones), ("tags", op.add_tags)):
            if items:
                changes[f"+{label}"] = (None, [i[0] if isinstance(i, tuple) else i for i in items])
        audit.record(session, entity="contact", entity_id=cid, action="update", now=now, user_id=user_id,
                     changes={**changes, "import": (None, source)})  # fmt: skip
    _insert(session, "contact_email", ("contact_id", "email", "email_key", "label", "position"), emails,
            nullable=("label",))  # fmt: skip
    _insert(session, "contact_phone", ("contact_id", "phone", "phone_key", "label", "position"), phones,
            nullable=("label",))  # fmt: skip
    _insert(session, "contact_tag", ("contact_id", "tag"), tags, tail=" ON CONFLICT DO NOTHING")
    _insert(session, "contact_field", ("contact_id", "key", "value"), fields)
    touched = [op.item.contact_id for op in creates] + [op.item.contact_id for op in updates]
    if creates:
        fill_cadence_dates(session, where="c.id >= ?", params=[first])
    fill_cadence_dates_of(session, [op.item.contact_id for op in updates])
    if touched:
        search.index_contacts_bulk(session, touched)
    if creates or updates:
        audit.record(
            session,
            entity="import",
            entity_id=first or 0,
            action="create",
            now=now,
            user_id=user_id,
            changes={
                "source": (None, source),
                "created": (None, len(creates)),
                "created_ids": (None, f"{first}-{first + len(creates) - 1}" if creates else None),
                "updated": (None, len(updates)),
                "companies_created": (None, len(created_companies)),
            },
        )
    return created_companies


_CONTACT_COLUMNS = (
    "id", "name", "name_key", "company_id", "role", "status", "source", "birthday", "birthday_md", "address", "notes",
    "owner_id", "next_contact_auto", "archived", "vcard_uid", "created_by", "created_at", "updated_at", "revision",
)  # fmt: skip
_CONTACT_NULLABLE = frozenset((
    "company_id", "role", "source", "birthday", "birthday_md", "address", "notes", "owner_id", "vcard_uid",
    "created_by",
))  # fmt: skip


def _insert(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    nullable: Iterable[str] = (),
    tail: str = "",
) -> None:
    """executemany one INSERT of `rows`, leaving out each nullable column that is None in every row.

    sqlite3 binds a None slowly (~0.7 µs: it looks for an adapter, raising and clearing an AttributeError on the
    way), ten times per row of a plain CSV; a column left out is NULL all the same (no column has a DEFAULT).
    """
    if not rows:
        return
    if nullable:
        values = list(zip(*rows, strict=True))  # the rows' columns, transposed in C
        keep = [i for i, col in enumerate(columns) if col not in nullable or values[i].count(None) != len(rows)]
        if len(keep) < len(columns):
            columns = [columns[i] for i in keep]
            rows = list(zip(*(values[i] for i in keep), strict=True))
    marks = ", ".join("?" * len(columns))
    session.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}", rows)


def _positions(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """The next free position of e-mails and phones of existing contacts."""
    out = {i: [0, 0] for i in ids}
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for index, table in ((0, "contact_email"), (1, "contact_phone")):
            for r in session.all(
                f"SELECT contact_id, max(position) + 1 FROM {table} WHERE contact_id IN ({marks}) GROUP BY contact_id",
                chunk,
            ):
                out[r[0]][index] = r[1]
    return {i: (e, p) for i, (e, p) in out.items()}


def _collect(cid, cand, cand_emails, cand_phones, cand_tags, cand_fields, start, emails, phones, tags, fields) -> None:
    """Append the child rows of one contact to the executemany batches."""
    seen: set[str] = set()
    for pos, (email, label) in enumerate(cand_emails, start[0]):
        key = email.lower()
        if key not in seen:
            seen.add(key)
            emails.append((cid, email, key, label, pos))
    seen = set()
    for pos, (phone, label) in enumerate(cand_phones, start[1]):
        key = _phone_key(phone)
        if key not in seen:
            seen.add(key)
            phones.append((cid, phone, key, label, pos))
    tags += [(cid, t) for t in cand_tags]
    fields += [(cid, k, v) for k, v in cand_fields.items()]


def run(
    session: Session,
    parsed: Parsed,
    *,
    now: datetime,
    user_id: int | None = None,
    source: str,
    on_duplicate: str = "update",
    tags: Sequence[str] = (),
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress = None,
) -> ImportResult:
    """Plan and (unless dry_run) apply an import in one transaction; bad rows fail it unless skip_bad."""
    if parsed.bad and not skip_bad:
        first = parsed.bad[0]
        more = f" (and {len(parsed.bad) - 1} more bad rows)" if len(parsed.bad) > 1 else ""
        raise BadInput(
            f"{first.where or source}: line {first.line}: {first.reason}{more}; nothing was imported"
            " (--skip-bad imports the rest)"
        )
    with _bulk():
        if dry_run:
            ops = plan(session, parsed.candidates, on_duplicate=on_duplicate, tags=tags, progress=progress)
            return ImportResult(True, [op.item for op in ops], parsed.bad)
        with session.write():
            ops = plan(session, parsed.candidates, on_duplicate=on_duplicate, tags=tags, progress=progress)
            created = apply(session, ops, now=now, user_id=user_id, source=source)
        return ImportResult(False, [op.item for op in ops], parsed.bad, created)


def write_rejects(parsed: Parsed, path: Path, *, kind: str) -> None:
    """The bad rows, re-importable once fixed: CSV with the original header + `minicrm_error`, or raw vCards."""
    from minicrm.paths import create_private_file

    create_private_file(path)
    if kind == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, delimiter=parsed.delimiter)
            out.writerow([*(parsed.header or []), "minicrm_error"])
            for bad in parsed.bad:
                out.writerow([*(bad.raw or []), f"line {bad.line}: {bad.reason}"])
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            for bad in parsed.bad:
                if bad.raw:
                    fh.write(bad.raw)
