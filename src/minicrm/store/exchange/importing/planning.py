"""Planning an import: match candidates to existing contacts and earlier rows (UID, e-mail, phone, name+company)."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.exchange.importing.records import (
    CHUNK,
    ON_DUPLICATE,
    Candidate,
    PlanItem,
    fast_phone_key,
    fold_key,
)
from minicrm.store.people.fields import normalize_tag


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


class Op:
    """The plan of one candidate: its PlanItem, and for an update what changes (set by `diff_updates`)."""

    __slots__ = (
        "add_emails", "add_phones", "add_tags", "cand", "cid", "company", "item", "merged", "old", "set_fields",
        "sets",
    )  # fmt: skip

    def __init__(self, item: PlanItem, cand: Candidate):
        self.item = item
        self.cand = cand
        self.cid = 0  # a create: the id its contact gets (given in file order from Planner.first on)
        self.merged: list[Candidate] | None = None  # later rows of the file folded into a new contact
        # What an update changes, filled by diff_updates (a create needs none of it: shared empties).
        self.sets: dict[str, Any] = _NO_CHANGES
        self.old: dict[str, Any] = _NO_CHANGES
        self.company: str | None = None
        self.add_emails: Sequence[tuple[str, str | None]] = ()
        self.add_phones: Sequence[tuple[str, str | None]] = ()
        self.add_tags: Sequence[str] = ()
        self.set_fields: dict[str, str] = _NO_CHANGES


def chunked(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def lookup_ids(
    session: Session,
    sql: str,
    keys: Iterable[str],
    table: str,
    *,
    size: int | None = None,
    after: Sequence[Any] = (),
) -> dict[str, int]:
    """key → lowest id, for `sql` selecting (key, id) from `table` with `{marks}` for the IN list.

    Many keys against a small table: one scan of the table beats hundreds of IN queries. `size` is the table's
    largest id if known; `after` are parameters of the SQL after the IN list.
    """
    wanted = list(set(keys))
    found: dict[str, int] = {}
    if not wanted:
        return found
    if size is None:
        size = session.scalar(f"SELECT max(id) FROM {table}")
    if not size:
        return found
    if len(wanted) > size // 4:
        chunks: Iterable[Sequence[str]] = [()]
        sql = sql.replace(" IN ({marks})", " IS NOT NULL")
        keep = set(wanted)
    else:
        chunks, keep = chunked(wanted), None
    for chunk in chunks:
        for row in session.all(sql.format(marks=", ".join("?" * len(chunk))), [*chunk, *after]):
            key, cid = row[0], row[1]
            # name lookups return "name_key<US>company_key" for a name_key, phone ones "phone_key<RS>name_key"
            wanted_key = key.split("\x1f", 1)[0].split("\x1e", 1)[0]
            if (keep is None or wanted_key in keep) and (key not in found or cid < found[key]):
                found[key] = cid
    return found


#: How many rows an import plans and writes at a time: its memory is this many rows, not the file.
BATCH = 2000


class Planner:
    """Decides create/update/unchanged/skip/merge for an import's rows, one batch at a time; reads only.

    A row is matched against the contacts that existed before the import (the database below the import's own
    ids, so the batches already written do not count) and against the file's earlier rows (`pending`: each match
    key of the contacts this file creates → the id it gets). Ids are given to the creates in file order from
    `first` on. A row merged into an earlier row of the file goes into that row's `merged` when the earlier row is
    in the same batch, else into `late` (its contact is written already: `merging` updates it).
    """

    def __init__(self, session: Session, *, first: int, on_duplicate: str = "update", tags: Sequence[str] = ()) -> None:
        if on_duplicate not in ON_DUPLICATE:
            msg = _("unknown --on-duplicate '{value}' (one of: {choices})")
            raise BadInput(msg.format(value=on_duplicate, choices=", ".join(ON_DUPLICATE)))
        self.session = session
        self.extra_tags = [normalize_tag(t) for t in tags]
        self.on_duplicate = on_duplicate
        self.first = self.next = first
        # What existed before the import: contacts below `first`, e-mails and phones up to these ids.
        self.before = {
            table: int(session.scalar(f"SELECT coalesce(max(id), 0) FROM {table}") or 0)
            for table in ("contact", "contact_email", "contact_phone")
        }
        self.pending: dict[str, int] = {}
        self.lines = array("l")  # the file line of each create, by id - first
        self.uids: dict[int, str] = {}  # the UID of the creates that have one
        self.batch: dict[int, Op] = {}  # the creates of the batch being planned, by id
        self.late: list[tuple[int, Candidate]] = []  # (id of a create of an earlier batch, the row merged into it)
        self.matched: dict[int, list[Op]] = {}  # updates of this batch, by the contact they update

    @property
    def created(self) -> int:
        return self.next - self.first

    def plan(self, candidates: Sequence[Candidate]) -> list[Op]:
        """The ops of one batch of rows (in file order); `batch`, `late` and `matched` describe it afterwards."""
        create = self.on_duplicate == "create"
        skip = self.on_duplicate == "skip"
        keys_of: list[list[str]] = [] if create else [_keys(c) for c in candidates]
        known = self._known(keys_of) if keys_of and self.before["contact"] else {}
        pending, extra_tags = self.pending, self.extra_tags
        self.batch, self.late, self.matched = {}, [], {}
        ops: list[Op] = []
        add = ops.append
        for n, cand in enumerate(candidates):
            if extra_tags or len(cand.tags) > 1:
                cand.tags = sorted({*cand.tags, *extra_tags})
            op = Op(PlanItem(cand.line, "create", cand.name), cand)
            add(op)
            if create:
                self._create(op, ())
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
                        self.matched.setdefault(item.contact_id, []).append(op)
                    continue
            earlier = None
            for key in keys:
                other = pending.get(key)
                if other is not None and self._same_card(other, cand):
                    earlier = other
                    break
            if earlier is None:
                self._create(op, keys)
                continue
            item = op.item
            item.match = "file"
            item.action = "skip"
            if self.on_duplicate == "update":
                item.action = "merge"
                into = self.batch.get(earlier)
                if into is None:
                    self.late.append((earlier, cand))
                else:
                    if into.merged is None:
                        into.merged = []
                    into.merged.append(cand)
                item.changes = [_("merged into line {line}").format(line=self.lines[earlier - self.first])]
            for key in keys:
                if key not in pending:
                    pending[key] = earlier
        return ops

    def _create(self, op: Op, keys: Sequence[str]) -> None:
        cid = op.cid = self.next
        self.next += 1
        self.lines.append(op.cand.line)
        if op.cand.uid:
            self.uids[cid] = op.cand.uid
        self.batch[cid] = op
        pending = self.pending
        for key in keys:
            if key not in pending:
                pending[key] = cid

    def _same_card(self, earlier: int, cand: Candidate) -> bool:
        """Two cards of one file that carry different UIDs are two people, even with one name or e-mail."""
        uid = self.uids.get(earlier)
        return not (cand.uid and uid and uid != cand.uid)

    def _known(self, keys_of: list[list[str]]) -> dict[str, int]:
        """Match key → id of a contact that existed before the import, for the keys of one batch."""
        wanted: dict[str, set[str]] = {"uid": set(), "email": set(), "phone": set(), "name+company": set()}
        for keys in keys_of:
            for key in keys:
                wanted[_kind(key)].add(key)
        uids = {key[4:] for key in wanted["uid"]}
        contacts, emails, phones = self.before["contact"], self.before["contact_email"], self.before["contact_phone"]
        known: dict[str, int] = {}
        for kind, sql, table, values, size, bound in (
            ("uid", "SELECT vcard_uid, id FROM contact WHERE vcard_uid IN ({marks}) AND id < ?", "contact", uids,
             contacts, self.first),
            ("email", "SELECT email_key, contact_id FROM contact_email WHERE email_key IN ({marks}) AND id <= ?",
             "contact_email", wanted["email"], emails, emails),
            ("phone", "SELECT p.phone_key || '\x1e' || c.name_key, p.contact_id FROM contact_phone p"
             " JOIN contact c ON c.id = p.contact_id WHERE p.phone_key IN ({marks}) AND p.id <= ?", "contact_phone",
             {key.split("\x1e", 1)[0] for key in wanted["phone"]}, phones, phones),
        ):  # fmt: skip
            if not size:
                continue
            prefix, kind_keys = ("uid\t" if kind == "uid" else ""), wanted[kind]
            for key, cid in lookup_ids(self.session, sql, values, table, size=size, after=[bound]).items():
                if prefix + key in kind_keys:  # only a key of the same kind (whatever the database holds)
                    known[prefix + key] = cid
        if contacts:
            known.update(self._known_names(wanted["name+company"]))
        return known

    def _known_names(self, keys: set[str]) -> dict[str, int]:
        """Name + company key → lowest id of a contact of that name at that company (or at none) before the import.

        Through the company first: a name alone can be shared by hundreds of contacts (every Anna Smith), and
        batch after batch would read them all again.
        """
        found: dict[str, int] = {}
        at_company = sorted(key for key in keys if not key.endswith("\x1f"))
        for chunk in chunked(at_company):
            names = list({key.split("\x1f", 1)[0] for key in chunk})
            companies = list({key.split("\x1f", 1)[1] for key in chunk})
            sql = (
                "SELECT c.name_key || '\x1f' || co.name_key, c.id FROM company co JOIN contact c ON c.company_id ="
                f" co.id WHERE co.name_key IN ({', '.join('?' * len(companies))})"
                f" AND c.name_key IN ({', '.join('?' * len(names))}) AND c.id < ?"
            )
            for key, cid in self.session.all(sql, [*companies, *names, self.first]):
                if key in keys and (key not in found or cid < found[key]):
                    found[key] = cid
        alone = sorted(key[:-1] for key in keys if key.endswith("\x1f"))
        for chunk in chunked(alone):
            sql = (
                f"SELECT c.name_key, min(c.id) FROM contact c WHERE c.name_key IN ({', '.join('?' * len(chunk))})"
                " AND c.company_id IS NULL AND c.id < ? GROUP BY c.name_key"
            )
            for name, cid in self.session.all(sql, [*chunk, self.first]):
                found[name + "\x1f"] = cid
        return found


def _keys(cand: Candidate) -> list[str]:
    """Match keys in priority order: uid, e-mails, phone + name, name + company.

    Who someone is: their UID, else their e-mail. A phone number alone is no identity (a switchboard, a
    family's landline): it only confirms a person of the same name, so it never merges two people and never
    renames anyone.

    One namespace without kind prefixes (fewer strings to make for 100,000 rows): a uid key starts with
    "uid<TAB>" (no other key has a tab), a phone key is "digits<RS>name", a name key is "name<US>company"
    (folded names and companies hold no RS or US: they count as whitespace), an e-mail key has an @ and no
    whitespace (check_email).
    """
    keys = ["uid\t" + cand.uid] if cand.uid else []
    for email, _label in cand.emails:
        keys.append(email.lower())
    name = fold_key(cand.name)
    for phone, _label in cand.phones:
        key = fast_phone_key(phone)
        if key:
            keys.append(f"{key}\x1e{name}")
    keys.append(f"{name}\x1f{fold_key(cand.company) if cand.company else ''}")
    return keys


def _kind(key: str) -> str:
    """What a _keys key matches by: uid | email | phone | name+company."""
    if key.startswith("uid\t"):
        return "uid"
    if "\x1e" in key:
        return "phone"
    return "name+company" if "\x1f" in key else "email"


MERGED = (
    "company", "role", "status", "source", "birthday", "notes", "uid", "next_contact_on", "next_contact_time",
    "next_contact_goal", "family_name",
)  # fmt: skip
#: The postal address is one thing: a row that gives any part of it gives all of it.
ADDRESS = ("address", "city", "region", "postcode", "country")


def merge_into(into: Candidate, other: Candidate) -> None:
    """A later row of the file for the same person, folded into the row that creates them (`merging`: once written)."""
    have = {e.lower() for e, _ in into.emails}
    into.emails += [(e, lbl) for e, lbl in other.emails if e.lower() not in have]
    have_p = {fast_phone_key(p) for p, _ in into.phones}
    into.phones += [(p, lbl) for p, lbl in other.phones if fast_phone_key(p) not in have_p]
    into.tags = sorted({*into.tags, *other.tags})
    for attr in MERGED:
        if getattr(into, attr) is None and getattr(other, attr) is not None:
            setattr(into, attr, getattr(other, attr))
    if not any(getattr(into, attr) for attr in ADDRESS):
        for attr in ADDRESS:
            setattr(into, attr, getattr(other, attr))
    into.fields = {**other.fields, **into.fields}


_SCALARS = (
    "name", "role", "status", "source", "birthday", "notes", "next_contact_on", "next_contact_time",
    "next_contact_goal", "family_name",
)  # fmt: skip


def diff_updates(session: Session, matched: dict[int, list[Op]], states: dict[int, _Existing]) -> None:
    """What each update changes, the updates of one contact one after the other (an unchanged one is marked).

    `states` keeps the contacts as the updates leave them, for a dry run whose later batches meet them again
    (nothing is written); a real import passes a new dict each batch and reads them as the batch before wrote them.
    """
    states.update(_load_existing(session, [cid for cid in matched if cid not in states]))
    for cid, ops in matched.items():
        ex = states[cid]
        emails, phones, tags, fields = ex.emails, ex.phones, ex.tags, ex.fields
        row = ex.row
        for op in ops:
            c, item = op.cand, op.item
            op.sets, op.old = {}, {}
            given = any(getattr(c, attr) is not None for attr in ADDRESS)
            for attr in _SCALARS + ADDRESS:
                value = getattr(c, attr)
                if (value is not None or (given and attr in ADDRESS)) and value != row[attr]:
                    op.sets[attr] = value
                    op.old[attr] = row[attr]
                    row[attr] = value
            if c.uid and not row["vcard_uid"]:
                op.sets["vcard_uid"] = row["vcard_uid"] = c.uid
            if c.company and fold_key(c.company) != ex.company_key:
                op.company, ex.company_key = c.company, fold_key(c.company)
            op.add_emails = [(e, lbl) for e, lbl in c.emails if e.lower() not in emails]
            emails |= {e.lower() for e, _ in op.add_emails}
            op.add_phones = [(p, lbl) for p, lbl in c.phones if fast_phone_key(p) not in phones]
            phones |= {fast_phone_key(p) for p, _ in op.add_phones}
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
            if "next_contact_on" in op.sets:
                op.sets["next_contact_auto"] = row["next_contact_auto"] = False  # a date of the file, not a cadence's


def _load_existing(session: Session, ids: list[int]) -> dict[int, _Existing]:
    out: dict[int, _Existing] = {}
    for chunk in chunked(ids):
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
