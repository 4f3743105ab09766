"""New deals and tasks: from the deals board or the dashboard (`a`, the contact or company typed as a REF),
or for one contact (`d`, `t` on its screen)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select

from minicrm.dates import When, parse_when
from minicrm.i18n import N_, _
from minicrm.tui.modals.form import FormModal, company_named, contact_named, day_label, problem, when_label
from minicrm.tui.widgets.render import money, plain
from minicrm.values.money import parse_currency, parse_money


class LinkedForm(FormModal[Any]):
    """A form for a record linked to a contact and/or a company: named up front (`contact=`/`company=`, the
    heading says who), or typed as REFs in the form, looked up as they are typed."""

    TITLE = N_("New record")
    #: the heading when the contact or company is named up front (`{name}`), marked `N_`
    FOR_HEADING = N_("New record for {name}")
    #: the message when neither a contact nor a company is given (marked `N_`); None: both are optional
    NEEDS_LINK: str | None = None

    def __init__(self, *, now: datetime, contact: str | None = None, company: str | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.now = now
        self.fixed = contact or company
        if self.fixed:
            self.heading = _(self.FOR_HEADING).format(name=self.fixed)

    def _when(self, text: str) -> When:
        return parse_when(text, now=self.now)

    def _day(self, text: str) -> date:
        return self._when(text).date

    def link_rows(self) -> ComposeResult:
        if self.fixed:
            return
        yield self.row(_("Contact"), self.ref_input("contact", placeholder=_("name, e-mail or id")),
                       lookup=contact_named)  # fmt: skip
        yield self.row(_("Company"), self.ref_input("company", placeholder=_("name or id")), lookup=company_named)

    def check(self) -> list[str]:
        problems = super().check()
        if self.NEEDS_LINK and not self.fixed and not (self.value("contact").strip() or self.value("company").strip()):
            problems.append(_(self.NEEDS_LINK))
        return problems

    def links(self) -> dict[str, str | None]:
        """The REFs typed (resolved again by the saver, in the same transaction as the write)."""
        if self.fixed:
            return {}
        return {"contact": self.value("contact").strip() or None, "company": self.value("company").strip() or None}


class DealFormModal(LinkedForm):
    """The result holds keyword arguments for `deals.create_deal` (plus the REFs typed)."""

    TITLE = N_("New deal")
    FOR_HEADING = N_("New deal with {name}")
    NEEDS_LINK = N_("a deal needs a contact or a company")

    def __init__(self, stages: list[str], *, currency: str = "EUR", stage: str | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.stages = stages
        self.stage = stage if stage in stages else (stages[0] if stages else None)
        self.currency = currency

    def _amount_label(self, text: str) -> str:
        code = problem(parse_currency, self.value("currency"))[0]
        return money(parse_money(text), code)

    def fields(self) -> ComposeResult:
        yield self.row(_("Title"), self.input("title", placeholder=_("Website redesign"),
                                              required=_("a deal needs a title")))  # fmt: skip
        yield from self.link_rows()
        yield self.row(_("Amount"), self.input("amount", placeholder=_("12 500, 1200.50"), parse=parse_money),
                       preview=self._amount_label)  # fmt: skip
        yield self.row(_("Currency"), self.input("currency", value=self.currency, parse=parse_currency,
                                                 required=_("a deal needs a currency (e.g. EUR)")))  # fmt: skip
        yield self.row(_("Stage"), Select([(plain(s), s) for s in self.stages], value=self.stage or Select.BLANK,
                                       allow_blank=not self.stages, id="stage", compact=True))  # fmt: skip
        yield self.row(_("Expected close"), self.input("close", placeholder=_("2026-12-31, +1m"), parse=self._day),
                       preview=lambda t: day_label(self._day(t)))  # fmt: skip
        yield self.row(_("Next step"), self.input("next_step", placeholder=_("send the quote")))
        yield self.row(_("Next step on"), self.input("next_on", placeholder=_("friday, +3d"), parse=self._day),
                       preview=lambda t: day_label(self._day(t)))  # fmt: skip

    def result(self) -> dict[str, Any]:
        def day(field: str) -> date | None:
            text = self.value(field).strip()
            return self._day(text) if text else None

        amount = self.value("amount").strip()
        return {
            **self.links(),
            "title": self.value("title").strip(),
            "amount": parse_money(amount) if amount else None,
            "currency": parse_currency(self.value("currency")),
            "stage": self.choice("stage"),
            "expected_close": day("close"),
            "next_step": self.value("next_step").strip() or None,
            "next_step_on": day("next_on"),
        }


class TaskFormModal(LinkedForm):
    """The result holds keyword arguments for `tasks.create_task` (plus the REFs typed)."""

    TITLE = N_("New task")
    FOR_HEADING = N_("New task for {name}")

    def fields(self) -> ComposeResult:
        yield self.row(_("Title"), self.input("title", placeholder=_("call back about the invoice"),
                                              required=_("a task needs a title")))  # fmt: skip
        yield self.row(_("Due"), self.input("due", placeholder=_("tomorrow, friday 15:00, +1w, 2026-12-05"),
                                            parse=self._when), preview=lambda t: when_label(self._when(t)))  # fmt: skip
        yield from self.link_rows()
        yield self.row(_("Notes"), self.input("notes"))

    def result(self) -> dict[str, Any]:
        text = self.value("due").strip()
        due = self._when(text) if text else None
        return {
            **self.links(),
            "title": self.value("title").strip(),
            "due_on": due.date if due else None,
            "due_time": due.time.strftime("%H:%M") if due and due.time else None,
            "notes": self.value("notes").strip() or None,
        }


class RequestFormModal(LinkedForm):
    """The result holds keyword arguments for `requests.create_request` (plus the REFs typed)."""

    TITLE = N_("New request")
    FOR_HEADING = N_("New request for {name}")
    NEEDS_LINK = N_("a request needs a client: a contact or a company")

    def fields(self) -> ComposeResult:
        from minicrm.store.service.requests import PRIORITIES, priority_label

        yield self.row(_("Subject"), self.input("subject", placeholder=_("one line: what the client needs"),
                                                required=_("a request needs a subject")))  # fmt: skip
        yield from self.link_rows()
        priorities = [(priority_label(p), p) for p in PRIORITIES]  # shown in the user's language, saved as is
        yield self.row(_("Priority"), Select(priorities, value="normal", allow_blank=False, id="priority",
                                             compact=True))  # fmt: skip
        yield self.row(_("Due"), self.input("due", placeholder=_("friday, +3d, 2026-12-05"), parse=self._day),
                       preview=lambda t: day_label(self._day(t)))  # fmt: skip
        yield self.row(_("Description"), self.input("description"))

    def result(self) -> dict[str, Any]:
        text = self.value("due").strip()
        return {
            **self.links(),
            "subject": self.value("subject").strip(),
            "priority": self.choice("priority") or "normal",
            "due_on": self._day(text) if text else None,
            "description": self.value("description").strip() or None,
        }
