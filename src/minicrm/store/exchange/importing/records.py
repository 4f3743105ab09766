"""What an import reads and plans: candidates, bad rows, plan items, results, and the value keys matching uses."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.core.limits import LINE_MAX, NAME_MAX, TEXT_MAX, check_lengths
from minicrm.store.exchange.importing.values import tag_list
from minicrm.store.people.fields import check_email, check_phone

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
    address: str | None = None  # the street part of the postal address
    notes: str | None = None
    uid: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    kind: str = "contact"  # or "company": a company's own card (vCard KIND:org, Apple's X-ABShowAs:COMPANY)
    city: str | None = None  # the postal address: `address` is its street part
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    family_name: str | None = None  # which part of the name is the family name, when the file says (N, ФИО)
    next_contact_on: date | None = None  # our own CSV export's next-contact columns
    next_contact_time: str | None = None
    next_contact_goal: str | None = None


@dataclass
class BadRow:
    line: int
    reason: str
    raw: Any = None  # CSV cells or vCard text, for the reject file
    where: str | None = None  # the file, when an import reads several


@dataclass
class Parsed:
    """What a reader produced: good rows, bad rows, and remarks for the user.

    A streamed reader (`csv_format.open_csv`) leaves `candidates` empty and gives `rows` instead: the good rows
    are read while it is iterated (once), and the bad ones are added to `bad` as they are met.
    """

    candidates: list[Candidate]
    bad: list[BadRow]
    notes: list[str] = field(default_factory=list)
    header: list[str] | None = None
    delimiter: str = ","
    size: int | None = None  # about how many rows `rows` will give (for a progress bar)
    rows: Iterator[Candidate] | None = None

    def total(self) -> int:
        """About how many rows there are (for a progress bar)."""
        return len(self.candidates) if self.size is None else self.size


@dataclass(slots=True)
class PlanItem:
    line: int
    action: str  # create | update | unchanged | skip | merge (into an earlier row of the file that creates)
    name: str
    contact_id: int | None = None
    match: str | None = None  # uid | email | phone | name+company | file (an earlier row of the same file)
    changes: list[str] = field(default_factory=list)
    kind: str = "contact"  # or "company"

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "kind": self.kind,
            "action": self.action,
            "name": self.name,
            "contact_id": self.contact_id,
            "match": self.match,
            "changes": self.changes,
        }


@dataclass
class ImportResult:
    """What an import did (or would do): the plan item of every row when kept, and the number of each action."""

    dry_run: bool
    items: list[PlanItem]
    bad: list[BadRow]
    companies_created: list[str] = field(default_factory=list)
    tally: dict[tuple[str, str], int] = field(default_factory=dict)  # (action, kind) → rows

    def add(self, item: PlanItem, *, keep: bool) -> None:
        key = (item.action, item.kind)
        self.tally[key] = self.tally.get(key, 0) + 1
        if keep:
            self.items.append(item)

    def count(self, action: str, kind: str = "contact") -> int:
        return self.tally.get((action, kind), 0)

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
            "companies_updated": self.count("update", "company"),
            "rejects": [{"line": b.line, "reason": b.reason} for b in self.bad],
        }
        if with_items:
            data["items"] = [i.to_json() for i in self.items]
        return data


@contextmanager
def bulk_mode() -> Iterator[None]:
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


class _DropCombining(dict[int, int | None]):
    """A str.translate table deleting combining marks, filled lazily (one look-up per distinct character)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_COMBINING = _DropCombining()


@lru_cache(maxsize=8192)  # a batch (planning.BATCH) meets each key twice; 100,000 cached would cost 20 MiB
def fold_key(text: str) -> str:
    """Exactly `text.fold` (a test checks), ~5x faster: ASCII needs no NFKD, the rest uses str.translate."""
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKD", text.casefold()).translate(_DROP_COMBINING).split())


_NOT_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=8192)
def fast_phone_key(phone: str) -> str:
    """Exactly `text.phone_key` (a test checks), computed once per phone: matching, the file and the row need it."""
    digits = _NOT_DIGIT.sub("", phone)
    return digits[2:] if phone.strip().startswith("00") else digits


def checked_phone(value: str) -> str:
    """`contacts.check_phone` (same rules), with the key computed once and kept for matching and the row."""
    clean = " ".join(value.split())
    if len(fast_phone_key(clean)) >= 3 and clean.isprintable():
        return clean
    return check_phone(value)


@lru_cache(maxsize=4096)
def tags_of(value: str) -> tuple[str, ...]:
    """`tag_list` of one cell, remembered: a file repeats a handful of tag cells 100,000 times."""
    return tuple(tag_list(value))


def checked_email(value: str) -> str:
    """`contacts.check_email` (same rules), without its per-character loop for the common valid address."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if at and local and "." in domain and domain[0] != "." and len(value.split()) == 1 and value.isprintable():
        return value
    return check_email(value)


_LINE_FIELDS = ("company", "role", "status", "source", "birthday", "address", "uid", "next_contact_goal")


def too_long(cand: Candidate) -> str | None:
    """Why a row holds more text than a typed value may (store.core.limits), or None: such a row is a bad row."""
    if (
        len(cand.name) > NAME_MAX
        or len(cand.notes or "") > TEXT_MAX
        or any(len(getattr(cand, f) or "") > LINE_MAX for f in _LINE_FIELDS)
        or cand.fields
        or any(len(t) > LINE_MAX for t in cand.tags)
    ):
        try:
            check_lengths(
                {"name": cand.name, "notes": cand.notes, "fields": cand.fields, "tags": cand.tags}
                | {f: getattr(cand, f) for f in _LINE_FIELDS}
            )
        except BadInput as exc:
            return str(exc)
    return None
