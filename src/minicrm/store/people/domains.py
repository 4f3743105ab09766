"""Companies' internet domains (`company_domain`): the host of the website and the domain of the e-mail, kept
on every company create and edit, so a message from someone@acme.example finds Acme through an index
(`mail import --by-domain`). Public mail services (gmail.com, mail.ru...) are never a company's domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from minicrm.store.core.db import Session

#: Domains shared by everyone who has a mailbox there: a company's address at one says nothing about the sender.
PUBLIC_MAIL = frozenset(
    {
        "aol.com", "bk.ru", "free.fr", "gmail.com", "gmx.de", "gmx.net", "googlemail.com", "hotmail.com",
        "icloud.com", "inbox.ru", "list.ru", "live.com", "mail.ru", "me.com", "msn.com", "orange.fr",
        "outlook.com", "proton.me", "protonmail.com", "rambler.ru", "t-online.de", "ukr.net", "web.de",
        "ya.ru", "yahoo.com", "yandex.ru",
    }
)  # fmt: skip


def domains_of(email: str | None, website: str | None) -> set[str]:
    """The company domains an e-mail address and a website name (lower case, without www.)."""
    found: set[str] = set()
    if email and "@" in email:
        found.add(email.rpartition("@")[2].strip().lower())
    if website and website.strip():
        text = website.strip()
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
        found.add(host.lower().removeprefix("www."))
    return {d for d in found if "." in d and d not in PUBLIC_MAIL and " " not in d}


def refresh_company_domains(session: Session, company_id: int) -> None:
    """Store the domains of a company's current e-mail and website (call after it was created or edited)."""
    row = session.one("SELECT email, website FROM company WHERE id = ?", (company_id,))
    with session.write():
        session.execute("DELETE FROM company_domain WHERE company_id = ?", (company_id,))
        if row is None:
            return
        for domain in sorted(domains_of(row["email"], row["website"])):
            session.execute("INSERT INTO company_domain (domain, company_id) VALUES (?, ?)", (domain, company_id))


def parents(domain: str) -> list[str]:
    """mail.eu.acme.example -> itself, eu.acme.example, acme.example (never a bare top-level domain)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(max(len(labels) - 1, 1))]


def companies_by_domain(session: Session, domains: Iterable[str]) -> dict[str, tuple[int, str]]:
    """domain -> the (oldest) active company with that domain or a parent of it, through the indexed table."""
    wanted = {d: parents(d) for d in set(domains) if d and d not in PUBLIC_MAIL}
    keys = sorted({p for ps in wanted.values() for p in ps})
    owner: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in session.all(
            "SELECT d.domain, c.id, c.name FROM company_domain d JOIN company c ON c.id = d.company_id"
            f" WHERE d.domain IN ({marks}) AND c.archived = ? ORDER BY c.id",
            [*chunk, False],
        ):
            owner.setdefault(r["domain"], (r["id"], r["name"]))
    found: dict[str, tuple[int, str]] = {}
    for domain, candidates in wanted.items():
        for candidate in candidates:
            if candidate in owner:
                found[domain] = owner[candidate]
                break
    return found


def fill_company_domains(session: Session) -> None:
    """What migration 0015 did, for companies loaded from an export made before it (`import json`)."""
    with session.write():
        for r in session.all("SELECT id FROM company WHERE email IS NOT NULL OR website IS NOT NULL"):
            refresh_company_domains(session, r["id"])
