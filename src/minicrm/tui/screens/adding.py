"""`a` on every screen: add a contact, company, deal, task or request through a form (#19).

The forms check what is typed with the CLI's parsers and save themselves with the store's service functions
(`create_contact`, `create_company`, `create_deal`, `create_task`, `create_request`), resolving the REFs typed
in the same transaction, as `minicrm contact add`, `deal add --contact REF`... do. A new contact or company
opens on its own screen; after anything else the current screen reloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from minicrm.i18n import _
from minicrm.tui.widgets.render import safe

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

ALL_KINDS = ("contact", "company", "deal", "task", "request")
#: the notification after a form saved, per kind (`added contact #12 'Ada'`): one whole sentence each
ADDED = {
    "contact": lambda: _("added contact #{id} '{name}'"),
    "company": lambda: _("added company #{id} '{name}'"),
    "deal": lambda: _("added deal #{id} '{name}'"),
    "task": lambda: _("added task #{id} '{name}'"),
    "request": lambda: _("added request #{id} '{name}'"),
}
#: a contact or company the new record belongs to: (id, name)
Link = tuple[int, str]


@dataclass(frozen=True)
class Added:
    kind: str
    id: int
    name: str
    stage: str | None = None


def resolve_links(s: Session, values: dict[str, Any], contact: Link | None, company: Link | None) -> dict[str, Any]:
    """contact_id/company_id from the REFs typed in the form (popped from `values`) or the ones given."""
    from minicrm.store.people.refs import resolve_company, resolve_contact

    contact_ref, company_ref = values.pop("contact", None), values.pop("company", None)
    return {
        "contact_id": resolve_contact(s, contact_ref) if contact_ref else (contact[0] if contact else None),
        "company_id": resolve_company(s, company_ref) if company_ref else (company[0] if company else None),
    }


class AddActions:
    """Mixin for a CrmScreen: `add_menu()` asks which kind, `add_record(kind)` opens its form."""

    def add_menu(self: Any, kinds: tuple[str, ...] = ALL_KINDS, *, contact: Link | None = None,
                 company: Link | None = None) -> None:  # fmt: skip
        from minicrm.tui.modals.add_menu import AddMenu

        who = contact or company
        heading = _("Add for {name}").format(name=who[1]) if who else _("Add")

        def picked(kind: str | None) -> None:
            if kind:
                self.add_record(kind, contact=contact, company=company)

        self.app.push_screen(AddMenu(kinds, heading), picked)

    def add_record(self: Any, kind: str, *, contact: Link | None = None, company: Link | None = None,
                   stage: str | None = None) -> None:  # fmt: skip
        from minicrm.tui.modals.contact_form import CompanyFormModal, ContactFormModal
        from minicrm.tui.modals.deal_task import RequestFormModal, TaskFormModal

        app = self.crm
        # the form names who the record is for (no REF to type): the contact, else the company
        named = {"contact": contact[1]} if contact else ({"company": company[1]} if company else {})

        def opened(result: Added | None) -> None:
            if result is not None:
                self.added(result)

        if kind == "contact":
            form: Any = ContactFormModal(now=app.now(), company=company[1] if company else None,
                                         saver=self._contact_saver())  # fmt: skip
        elif kind == "company":
            form = CompanyFormModal(saver=self._company_saver())
        elif kind == "task":
            form = TaskFormModal(now=app.now(), saver=self._task_saver(contact, company), **named)
        elif kind == "request":
            form = RequestFormModal(now=app.now(), saver=self._request_saver(contact, company), **named)
        elif kind == "deal":
            self._open_deal_form(contact, company, stage, named, opened)
            return
        else:
            raise ValueError(kind)
        self.app.push_screen(form, opened)

    def _open_deal_form(self: Any, contact: Link | None, company: Link | None, stage: str | None,
                        named: dict[str, Any], opened: Any) -> None:  # fmt: skip
        from minicrm.store.sales import stages as stage_service
        from minicrm.tui.modals.deal_task import DealFormModal

        app = self.crm

        def loaded(names: list[str]) -> None:
            form = DealFormModal(names, now=app.now(), currency=app.currency, stage=stage,
                                 saver=self._deal_saver(contact, company), **named)  # fmt: skip
            self.app.push_screen(form, opened)

        self.db(lambda s: [st.name for st in stage_service.list_stages(s) if st.outcome == "open"], loaded,
                group="form")  # fmt: skip

    # -- what each form saves with (in the form's worker) -------------------------------------------
    def _contact_saver(self: Any) -> Any:
        from minicrm.store.people.contacts import create_contact

        app = self.crm

        def save(s: Session, values: dict[str, Any]) -> Added:
            if app.user:  # as `contact add`: the user adding a contact owns it
                values = {**values, "owner_id": app.user_id(s)}
            saved = create_contact(s, now=app.now(), user_id=app.user_id(s), **values)
            return Added("contact", saved.id, values["name"])

        return save

    def _company_saver(self: Any) -> Any:
        from minicrm.store.people.companies import create_company

        app = self.crm

        def save(s: Session, values: dict[str, Any]) -> Added:
            return Added("company", create_company(s, now=app.now(), user_id=app.user_id(s), **values), values["name"])

        return save

    def _deal_saver(self: Any, contact: Link | None, company: Link | None) -> Any:
        from minicrm.store.sales.deals import create_deal

        app = self.crm

        def save(s: Session, values: dict[str, Any]) -> Added:
            values = dict(values)
            links = resolve_links(s, values, contact, company)
            user_id = app.user_id(s)
            deal_id = create_deal(s, now=app.now(), user_id=user_id, owner_id=user_id, **links, **values)
            return Added("deal", deal_id, values["title"], values.get("stage"))

        return save

    def _task_saver(self: Any, contact: Link | None, company: Link | None) -> Any:
        from minicrm.store.sales.tasks import create_task

        app = self.crm

        def save(s: Session, values: dict[str, Any]) -> Added:
            values = dict(values)
            links = resolve_links(s, values, contact, company)
            return Added("task", create_task(s, now=app.now(), user_id=app.user_id(s), **links, **values),
                         values["title"])  # fmt: skip

        return save

    def _request_saver(self: Any, contact: Link | None, company: Link | None) -> Any:
        from minicrm.store.service.requests import create_request

        app = self.crm

        def save(s: Session, values: dict[str, Any]) -> Added:
            values = dict(values)
            links = resolve_links(s, values, contact, company)
            return Added("request", create_request(s, now=app.now(), user_id=app.user_id(s), **links, **values),
                         values["subject"])  # fmt: skip

        return save

    # -- afterwards ----------------------------------------------------------------------------------
    def added(self: Any, result: Added) -> None:
        """A new contact or company opens on its screen; anything else reloads this one."""
        self.notify(safe(ADDED[result.kind]().format(id=result.id, name=result.name)), markup=False)
        if result.kind == "contact":
            self.open_contact(result.id)
        elif result.kind == "company":
            self.open_company(result.id)
        else:
            self.reload()
