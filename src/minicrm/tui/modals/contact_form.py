"""Contacts and companies: `a` adds one (ContactFormModal, CompanyFormModal), `e` edits a contact."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Select

from minicrm.dates import When, parse_when
from minicrm.i18n import N_, _
from minicrm.store.core.records import Contact
from minicrm.store.people.fields import STATUSES, check_email, check_phone, normalize_status, normalize_tag
from minicrm.tui.modals.form import FormModal, problem, when_label
from minicrm.tui.widgets.render import safe

if TYPE_CHECKING:
    from minicrm.store.core.db import Session


def split_tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]


def check_tags(text: str) -> list[str]:
    return [normalize_tag(t) for t in split_tags(text)]


def joining_company(session: Session, text: str) -> str:
    """What the company field of a contact names, as `contact add --company` reads it: an id or an existing
    name (case and accents ignored), else a company created with that name."""
    from minicrm.store.people.companies import get_company
    from minicrm.store.people.refs import as_id, find_company_by_name, resolve_company

    if as_id(text) is not None:
        return get_company(session, resolve_company(session, text)).name
    found = find_company_by_name(session, text)
    if found is not None:
        return get_company(session, found).name
    return _("new company '{name}'").format(name=" ".join(text.split()))


class EditContactModal(FormModal[dict[str, Any]]):
    """Dismisses with keyword arguments for `update_contact` (only what changed), or None.

    An Input draws its value raw, so the fields show the stored text as `safe()` makes it visible (␛ for ESC);
    a field left as shown is unchanged, so a save never rewrites text the user did not touch.
    """

    TITLE = N_("Edit contact")

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self.contact = contact
        self.heading = _("Edit {name}").format(name=contact.name)

    def fields(self) -> ComposeResult:
        c = self.contact
        yield self.row(_("Name"), self.input("name", value=safe(c.name), required=_("a contact needs a name")))
        yield self.row(_("Role"), self.input("role", value=safe(c.role)))
        yield self.row(_("Status"), Select([(s, s) for s in STATUSES], value=c.status, allow_blank=False, id="status",
                                        compact=True))  # fmt: skip
        yield self.row(_("Company"), self.input("company", value=safe(c.company),
                                                placeholder=_("name or id (a new name creates it)")),
                       lookup=joining_company)  # fmt: skip
        yield self.row(_("Tags"), self.input("tags", value=safe(", ".join(c.tags)), placeholder=_("comma-separated"),
                                             parse=check_tags))  # fmt: skip
        yield self.row(_("Notes"), self.input("notes", value=safe(c.notes)))

    def check(self) -> list[str]:
        problems = super().check()
        if err := problem(normalize_status, self.choice("status") or "")[1]:
            problems.append(err)
        return problems

    def result(self) -> dict[str, Any]:
        c = self.contact
        changes: dict[str, Any] = {"expected_revision": c.revision}
        for key in ("name", "role", "notes"):
            new = self.value(key).strip()
            if new != safe(getattr(c, key)).strip():
                changes[key] = new or None
        if self.choice("status") != c.status:
            changes["status"] = self.choice("status")
        company = self.value("company").strip()
        if company != safe(c.company).strip():
            if company:
                changes["company"] = company
            else:
                changes["clear_company"] = True
        shown = {" ".join(safe(t).lower().split()): t for t in c.tags}  # a tag left as shown is the stored tag
        new_tags = {shown.get(tag, tag) for tag in (normalize_tag(t) for t in split_tags(self.value("tags")))}
        if new_tags - set(c.tags):
            changes["add_tags"] = sorted(new_tags - set(c.tags))
        if set(c.tags) - new_tags:
            changes["remove_tags"] = sorted(set(c.tags) - new_tags)
        return changes


class ContactFormModal(FormModal[Any]):
    """A new contact: the result holds keyword arguments for `create_contact` (the saver adds now/user)."""

    TITLE = N_("New contact")

    def __init__(self, *, now: datetime, company: str | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.now = now
        self.company = company
        if company:
            self.heading = _("New contact at {company}").format(company=company)

    def _next(self, text: str) -> When:
        return parse_when(text, now=self.now)

    def _next_label(self, text: str) -> str:
        return when_label(self._next(text))

    def fields(self) -> ComposeResult:
        yield self.row(_("Name"), self.input("name", placeholder=_("Ada Lovelace"),
                                             required=_("a contact needs a name")))  # fmt: skip
        yield self.row(_("E-mail"), self.input("email", placeholder=_("ada@example.com"), parse=check_email))
        yield self.row(_("Phone"), self.input("phone", placeholder=_("+44 20 7946 0000"), parse=check_phone))
        yield self.row(_("Company"), self.input("company", value=safe(self.company),
                                                placeholder=_("name or id (a new name creates it)")),
                       lookup=joining_company)  # fmt: skip
        yield self.row(_("Role"), self.input("role", placeholder=_("CTO")))
        yield self.row(_("Status"), Select([(s, s) for s in STATUSES], value="lead", allow_blank=False, id="status",
                                        compact=True))  # fmt: skip
        yield self.row(_("Tags"), self.input("tags", placeholder=_("comma-separated"), parse=check_tags))
        yield self.row(_("Next contact"), self.input("next", placeholder=_("+2w, friday 10:00, 2026-12-05"),
                                                     parse=self._next), preview=self._next_label)  # fmt: skip
        yield self.row(_("Goal"), self.input("goal", placeholder=_("what the next contact is for")))
        yield self.row(_("Notes"), self.input("notes"))

    def check(self) -> list[str]:
        problems = super().check()
        if not self.value("next").strip() and self.value("goal").strip():
            problems.append(_("a goal needs a next contact date"))
        return problems

    def result(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.value("name").strip(),
            "emails": [e] if (e := self.value("email").strip()) else [],
            "phones": [p] if (p := self.value("phone").strip()) else [],
            "company": self.value("company").strip() or None,
            "status": self.choice("status") or "lead",
            "tags": check_tags(self.value("tags")),
        }
        for key in ("role", "notes"):
            if text := self.value(key).strip():
                values[key] = text
        if text := self.value("next").strip():
            when = self._next(text)
            values["next_contact_on"] = when.date
            values["next_contact_time"] = when.time.strftime("%H:%M") if when.time else None
            values["next_contact_goal"] = self.value("goal").strip() or None
        return values


class CompanyFormModal(FormModal[Any]):
    """A new company: the result holds keyword arguments for `create_company`."""

    TITLE = N_("New company")

    def fields(self) -> ComposeResult:
        yield self.row(_("Name"), self.input("name", placeholder=_("Acme, Inc."),
                                             required=_("a company needs a name")))  # fmt: skip
        yield self.row(_("Industry"), self.input("industry", placeholder=_("retail")))
        yield self.row(_("City"), self.input("city", placeholder=_("Lyon")))
        yield self.row(_("Country"), self.input("country", placeholder=_("FR")))
        yield self.row(_("Website"), self.input("website", placeholder=_("https://acme.example")))
        yield self.row(_("E-mail"), self.input("email", placeholder=_("info@acme.example"), parse=check_email))
        yield self.row(_("Phone"), self.input("phone", placeholder=_("+33 4 00 00 00 00"), parse=check_phone))
        yield self.row(_("Tags"), self.input("tags", placeholder=_("comma-separated"), parse=check_tags))
        yield self.row(_("Notes"), self.input("notes"))

    def result(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.value("name").strip(), "tags": check_tags(self.value("tags"))}
        for key in ("industry", "city", "country", "website", "notes"):
            if text := self.value(key).strip():
                values[key] = text
        if text := self.value("email").strip():
            values["email"] = check_email(text)
        if text := self.value("phone").strip():
            values["phone"] = check_phone(text)
        return values
