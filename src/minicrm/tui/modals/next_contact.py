"""`n`: set (or, with an empty date, clear) the next-contact date and its goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual.app import ComposeResult

from minicrm.dates import When, parse_when
from minicrm.i18n import N_, _
from minicrm.tui.modals.form import FormModal, when_label
from minicrm.tui.widgets.render import safe


@dataclass
class NextRequest:
    when: When | None  # None clears
    goal: str | None


class NextContactModal(FormModal[NextRequest]):
    TITLE = N_("Next contact")

    def __init__(self, contact: str, *, now: datetime, current: date | None = None, goal: str | None = None) -> None:
        super().__init__()
        self.heading = _("Next contact with {contact}").format(contact=contact)
        self.now = now
        self.current = current
        self.goal = goal

    def _when(self, text: str) -> When:
        return parse_when(text, now=self.now)

    def fields(self) -> ComposeResult:
        yield self.row(_("When"), self.input("when", value=self.current.isoformat() if self.current else "",
                                             placeholder=_("+2w, friday 10:00, 2026-12-05 (empty clears)"),
                                             parse=self._when),
                       preview=lambda t: when_label(self._when(t)))  # fmt: skip
        # an Input draws its value raw: the stored goal shows with its control characters made visible
        yield self.row(_("Goal"), self.input("goal", value=safe(self.goal), placeholder=_("what the contact is for")))

    def check(self) -> list[str]:
        problems = super().check()
        if not self.value("when").strip() and self.value("goal").strip():
            problems.append(_("a goal needs a next contact date"))
        return problems

    def result(self) -> NextRequest:
        text = self.value("when").strip()
        when = self._when(text) if text else None
        goal = self.value("goal").strip()
        if self.goal is not None and goal == safe(self.goal).strip():
            goal = self.goal.strip()  # left as shown: keep the stored text, not its visible stand-ins
        return NextRequest(when, goal or None)
