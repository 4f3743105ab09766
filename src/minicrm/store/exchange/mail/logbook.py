"""Log e-mails as `email` interactions: match their From/To/Cc to contacts, once per message, thread-linked.

Messages are taken in batches of `BATCH`: per batch one query finds the keys already logged and one the
contacts of every address (`contact_email.email_key`, indexed), so a run costs a few statements per batch
plus the writes of what it logs. Each logged message goes through `people.interactions.log_interaction`, the
service `minicrm log` uses, so the last contact, the cadence and the next-contact date move as they do there.

Writes: the caller's transaction (the CLI holds one per command), so a run that fails changes nothing and a
run is all or nothing; a re-run after a failure logs the same messages, as nothing was logged twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.exchange.mail.read import Envelope, content, envelope, sender_name

BATCH = 500
MAX_NOTES = 20
#: Sender names that are machines, not people: never made contacts.
_MACHINE_NAMES = ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster", "bounce")


@dataclass(frozen=True)
class Me:
    """The user's own addresses (config `me`): `you@example.com`, or `@example.com` for a whole domain."""

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: Any) -> Me:
        items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
        addresses = {str(a).strip().lower() for a in items if str(a).strip()}
        return cls(
            frozenset(a for a in addresses if not a.startswith("@")),
            frozenset(a[1:] for a in addresses if a.startswith("@")),
        )

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str):
            return False
        return address in self.addresses or address.rpartition("@")[2] in self.domains


@dataclass
class Unknown:
    """A sender no contact has: listed after a run, made a lead by --create-contacts."""

    email: str
    name: str
    messages: int = 0
    last_at: datetime | None = None
    automated: bool = False
    contact_id: int | None = None  # the lead made for it (--create-contacts)
    company: str | None = None  # the company its domain belongs to (--by-domain)

    def to_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "messages": self.messages,
            "last_at": self.last_at.isoformat(sep=" ") if self.last_at else None,
            "automated": self.automated,
            "contact_id": self.contact_id,
            "company": self.company,
        }


@dataclass
class MailLogged:
    """One interaction logged from a message (or that would be, in a dry run: `id` None)."""

    id: int | None
    contact_id: int | None
    contact: str
    direction: str
    happened_at: datetime
    subject: str
    attachments: list[str]
    message_key: str
    thread_key: str
    company_id: int | None = None  # logged on the company itself (--by-domain): contact_id and contact None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "contact_id": self.contact_id,
            "contact": self.contact if self.company_id is None else None,
            "company_id": self.company_id,
            "company": self.contact if self.company_id is not None else None,
            "direction": self.direction,
            "happened_at": self.happened_at.isoformat(sep=" "),
            "subject": self.subject,
            "attachments": self.attachments,
            "message_id": self.message_key,
            "thread": self.thread_key,
        }


@dataclass
class MailRun:
    """What a run read and did (a dry run: what it would do)."""

    dry_run: bool = False
    read: int = 0
    logged: int = 0  # messages logged
    interactions: int = 0  # interactions logged (a message to two contacts: two)
    already_logged: int = 0
    no_contact: int = 0
    on_company: int = 0  # messages logged on a company by their domain (--by-domain)
    before_since: int = 0
    unknown: dict[str, Unknown] = field(default_factory=dict)
    items: list[MailLogged] = field(default_factory=list)  # kept only when asked (`mail log`: one message)
    notes: list[str] = field(default_factory=list)
    more_notes: int = 0
    keep_items: bool = False
    _seen: set[int] = field(default_factory=set, repr=False)  # hashes of the keys met in this run

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)
        else:
            self.more_notes += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "read": self.read,
            "logged": self.logged,
            "interactions": self.interactions,
            "already_logged": self.already_logged,
            "no_contact": self.no_contact,
            "on_company": self.on_company,
            "before_since": self.before_since,
            "unknown_senders": [u.to_json() for u in self.unknown_list()],
            "notes": self.notes,
        }

    def unknown_list(self) -> list[Unknown]:
        return sorted(self.unknown.values(), key=lambda u: (-u.messages, u.email))


def _batches(items: Iterable[bytes]) -> Iterator[list[bytes]]:
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        yield batch


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def log_mail(
    session: Session,
    messages: Iterable[bytes],
    *,
    me: Me,
    now: datetime,
    user_id: int | None = None,
    since: date | None = None,
    dry_run: bool = False,
    create_contacts: bool = False,
    by_domain: bool = False,
    contact_id: int | None = None,
    run: MailRun | None = None,
) -> MailRun:
    """Log every message that concerns a contact (or, with `contact_id`, that contact: `mail log --contact`).

    `by_domain`: a message with no known person is logged on the company whose domain (store.people.domains)
    one of its addresses has. `run` carries the counts over several calls (one per folder); a dry run writes
    nothing.
    """
    run = run or MailRun(dry_run=dry_run)
    forced = None
    if contact_id is not None:
        forced = session.one("SELECT id, name FROM contact WHERE id = ?", (contact_id,))
    for batch in _batches(messages):
        envelopes: list[Envelope] = []
        for raw in batch:
            run.read += 1
            env = envelope(raw)
            for text in env.notes:
                run.note(f"{env.key}: {text}")
            if since is not None and env.date is not None and env.date.date() < since:
                run.before_since += 1
                continue
            envelopes.append(env)
        fresh = _fresh(session, run, envelopes)
        owners = _owners(session, {a for env in fresh for a in env.addresses if a not in me})
        firms: dict[str, tuple[int, str]] = {}
        if by_domain and forced is None:
            from minicrm.store.people.domains import companies_by_domain

            strangers = {a for env in fresh for a in env.addresses if a not in me and a not in owners}
            firms = companies_by_domain(session, {a.rpartition("@")[2] for a in strangers})
        with nullcontext() if dry_run else session.write():  # one savepoint per batch, not per message
            _log_batch(session, run, fresh, owners, forced, firms, me=me, now=now, user_id=user_id,
                       create_contacts=create_contacts)  # fmt: skip
    return run


def _log_batch(
    session: Session,
    run: MailRun,
    fresh: list[Envelope],
    owners: dict[str, list[tuple[int, str]]],
    forced: Any,
    firms: dict[str, tuple[int, str]],
    *,
    me: Me,
    now: datetime,
    user_id: int | None,
    create_contacts: bool,
) -> None:
    for env in fresh:
        targets = [(forced["id"], forced["name"])] if forced is not None else _targets(env, owners, me)
        firm = next((firms[d] for a in env.addresses if (d := a.rpartition("@")[2]) in firms and a not in me), None)
        sender = env.sender
        if forced is None and sender and sender not in me and sender not in owners:
            made = _unknown_sender(session, run, env, create_contacts=create_contacts, now=now, user_id=user_id,
                                   firm=firms.get(sender.rpartition("@")[2]))  # fmt: skip
            if made is not None:
                owners[sender] = [made]
                targets = _targets(env, owners, me)
        if not targets and firm is not None:
            run.on_company += 1
            theirs = bool(sender and sender.rpartition("@")[2] in firms)  # without `me`: sent from their domain
            _log_one(session, run, env, [firm], me=me, owners=owners, now=now, user_id=user_id, on_company=True,
                     direction=None if me else ("in" if theirs else "out"))  # fmt: skip
            continue
        if not targets:
            run.no_contact += 1
            continue
        _log_one(session, run, env, targets, me=me, owners=owners, now=now, user_id=user_id)


def _fresh(session: Session, run: MailRun, envelopes: list[Envelope]) -> list[Envelope]:
    """The messages not logged before (in the database, or earlier in this run: a copy in another folder)."""
    keys = list({env.key for env in envelopes})
    known = {
        r["message_key"]
        for r in session.all(f"SELECT message_key FROM mail_message WHERE message_key IN ({_marks(len(keys))})", keys)
    } if keys else set()  # fmt: skip
    fresh = []
    for env in envelopes:
        digest = hash(env.key)
        if env.key in known or digest in run._seen:
            run.already_logged += 1
            continue
        run._seen.add(digest)
        fresh.append(env)
    return fresh


def _owners(session: Session, addresses: set[str]) -> dict[str, list[tuple[int, str]]]:
    """address -> the contacts (id, name) who have it, through the indexed `contact_email.email_key`."""
    found: dict[str, list[tuple[int, str]]] = {}
    keys = sorted(addresses)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        for r in session.all(
            "SELECT e.email_key, c.id, c.name FROM contact_email e JOIN contact c ON c.id = e.contact_id"
            f" WHERE e.email_key IN ({_marks(len(chunk))}) ORDER BY c.id",
            chunk,
        ):
            owners = found.setdefault(r["email_key"], [])
            if (r["id"], r["name"]) not in owners:
                owners.append((r["id"], r["name"]))
    return found


def _targets(env: Envelope, owners: dict[str, list[tuple[int, str]]], me: Me) -> list[tuple[int, str]]:
    """The contacts a message concerns: whoever of From, To and Cc is one (each once)."""
    targets: dict[int, str] = {}
    for address in env.addresses:
        if address not in me:
            for cid, name in owners.get(address, ()):
                targets.setdefault(cid, name)
    return list(targets.items())


def _direction(env: Envelope, owners: dict[str, list[tuple[int, str]]], me: Me) -> str:
    """out when the user sent it (config `me`); without `me`: in when a contact sent it, else out."""
    if me:
        return "out" if env.sender in me else "in"
    return "in" if env.sender in owners else "out"


def _unknown_sender(
    session: Session,
    run: MailRun,
    env: Envelope,
    *,
    create_contacts: bool,
    now: datetime,
    user_id: int | None,
    firm: tuple[int, str] | None = None,
) -> tuple[int, str] | None:
    """Count the sender among the unknown; with --create-contacts make a lead of a person (not of a machine),
    at the company its domain belongs to (`firm`, with --by-domain)."""
    assert env.sender is not None
    unknown = run.unknown.get(env.sender)
    if unknown is None:
        local = env.sender.partition("@")[0]
        machine = env.automated or any(m in local for m in _MACHINE_NAMES)
        name = sender_name(env, [])
        unknown = run.unknown[env.sender] = Unknown(env.sender, name or local, automated=machine)
        unknown.company = firm[1] if firm else None
    unknown.messages += 1
    if env.date and (unknown.last_at is None or env.date > unknown.last_at):
        unknown.last_at = env.date
    if not create_contacts or unknown.automated:
        return None
    if unknown.contact_id is None and not run.dry_run:
        from minicrm.store.people.contacts import create_contact

        name = unknown.name[:300]
        unknown.contact_id = create_contact(
            session,
            name=name,
            emails=[env.sender],
            status="lead",
            source="e-mail",
            company=str(firm[0]) if firm else None,
            now=now,
            user_id=user_id,
        ).id
    return (unknown.contact_id or 0, unknown.name)


def _log_one(
    session: Session,
    run: MailRun,
    env: Envelope,
    targets: list[tuple[int, str]],
    *,
    me: Me,
    owners: dict[str, list[tuple[int, str]]],
    now: datetime,
    user_id: int | None,
    on_company: bool = False,
    direction: str | None = None,
) -> None:
    """Log one message on its contacts (or, `on_company`, on the one company in `targets`)."""
    from minicrm.store.people.interactions import log_interaction

    body = content(env.raw)
    for text in body.notes:
        run.note(f"{env.key}: {text}")
    happened_at = env.date or now
    if env.date is None:
        run.note(_("{key}: no readable Date, logged at {at}").format(key=env.key, at=f"{now:%Y-%m-%d %H:%M}"))
    direction = direction or _direction(env, owners, me)
    thread_key = env.thread_key
    run.logged += 1
    run.interactions += len(targets)
    if run.dry_run:
        ids: list[int | None] = [None] * len(targets)
    else:
        with session.write():
            if env.parent_key:
                parent = session.scalar("SELECT thread_key FROM mail_message WHERE message_key = ?", (env.parent_key,))
                thread_key = parent or thread_key
            mail_id = session.insert(
                "INSERT INTO mail_message (message_key, thread_key, parent_key, happened_at, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (env.key, thread_key, env.parent_key, happened_at, now),
            )
            ids = [
                log_interaction(
                    session,
                    contact_id=None if on_company else cid,
                    company_id=cid if on_company else None,
                    kind="email",
                    summary=body.subject,
                    happened_at=happened_at,
                    now=now,
                    user_id=user_id,
                    direction=direction,
                    body=body.body(),
                    mail_message_id=mail_id,
                ).id
                for cid, _ in targets
            ]
    if run.keep_items:
        run.items += [
            MailLogged(
                i,
                None if on_company else cid or None,
                name,
                direction,
                happened_at,
                body.subject,
                body.attachments,
                env.key,
                thread_key,
                company_id=cid if on_company else None,
            )
            for i, (cid, name) in zip(ids, targets, strict=True)
        ]
