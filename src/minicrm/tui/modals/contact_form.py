"""`e`: edit a contact's name, role, status, company, tags and notes."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from minicrm.store.core.records import Contact
from minicrm.store.people.fields import STATUSES, normalize_status, normalize_tag
from minicrm.tui.modals.form import FormModal, problem


def split_tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]


class EditContactModal(FormModal[dict[str, Any]]):
    """Dismisses with keyword arguments for `update_contact` (only what changed), or None."""

    TITLE = "Edit contact"

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self.contact = contact
        self.heading = f"Edit {contact.name}"

    def fields(self) -> ComposeResult:
        c = self.contact
        yield self.label("Name")
        yield Input(value=c.name, id="name")
        yield self.label("Role")
        yield Input(value=c.role or "", id="role")
        yield self.label("Status")
        yield Select([(s, s) for s in STATUSES], value=c.status, allow_blank=False, id="status")
        yield self.label("Company (name or id; a new name creates it)")
        yield Input(value=c.company or "", id="company")
        yield self.label("Tags (comma-separated)")
        yield Input(value=", ".join(c.tags), id="tags")
        yield self.label("Notes")
        yield Input(value=c.notes or "", id="notes")

    def check(self) -> list[str]:
        problems = []
        if not self.value("name").strip():
            problems.append("a contact needs a name")
        for tag in split_tags(self.value("tags")):
            if err := problem(normalize_tag, tag)[1]:
                problems.append(err)
        if err := problem(normalize_status, self.choice("status") or "")[1]:
            problems.append(err)
        return problems

    def result(self) -> dict[str, Any]:
        c = self.contact
        changes: dict[str, Any] = {"expected_revision": c.revision}
        for key in ("name", "role", "notes"):
            new = self.value(key).strip()
            if new != (getattr(c, key) or ""):
                changes[key] = new or None
        if self.choice("status") != c.status:
            changes["status"] = self.choice("status")
        company = self.value("company").strip()
        if company != (c.company or ""):
            if company:
                changes["company"] = company
            else:
                changes["clear_company"] = True
        new_tags = {normalize_tag(t) for t in split_tags(self.value("tags"))}
        if new_tags - set(c.tags):
            changes["add_tags"] = sorted(new_tags - set(c.tags))
        if set(c.tags) - new_tags:
            changes["remove_tags"] = sorted(set(c.tags) - new_tags)
        return changes
