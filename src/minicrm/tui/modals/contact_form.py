"""`e`: edit a contact's name, role, status, company, tags and notes."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from minicrm.store.core.records import Contact
from minicrm.store.people.fields import STATUSES, normalize_status, normalize_tag
from minicrm.tui.modals.form import FormModal, problem
from minicrm.tui.widgets.render import safe


def split_tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]


class EditContactModal(FormModal[dict[str, Any]]):
    """Dismisses with keyword arguments for `update_contact` (only what changed), or None.

    An Input draws its value raw, so the fields show the stored text as `safe()` makes it visible (␛ for ESC);
    a field left as shown is unchanged, so a save never rewrites text the user did not touch.
    """

    TITLE = "Edit contact"

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self.contact = contact
        self.heading = f"Edit {contact.name}"

    def fields(self) -> ComposeResult:
        c = self.contact
        yield self.label("Name")
        yield Input(value=safe(c.name), id="name")
        yield self.label("Role")
        yield Input(value=safe(c.role), id="role")
        yield self.label("Status")
        yield Select([(s, s) for s in STATUSES], value=c.status, allow_blank=False, id="status")
        yield self.label("Company (name or id; a new name creates it)")
        yield Input(value=safe(c.company), id="company")
        yield self.label("Tags (comma-separated)")
        yield Input(value=safe(", ".join(c.tags)), id="tags")
        yield self.label("Notes")
        yield Input(value=safe(c.notes), id="notes")

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
