"""`l`: log an interaction (summary, kind, when) and set the next contact (date + goal) in one form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.widgets import Select

from minicrm.dates import When, parse_datetime, parse_when
from minicrm.i18n import N_, _
from minicrm.tui.modals.form import FormModal, day_label, problem, when_label
from minicrm.tui.widgets.render import plain


@dataclass
class LogRequest:
    kind: str
    summary: str
    happened_at: datetime
    next_when: When | None
    goal: str | None


class LogInteractionModal(FormModal[LogRequest]):
    TITLE = N_("Log an interaction")

    def __init__(self, contact: str, kinds: list[str], *, now: datetime, kind: str = "call") -> None:
        super().__init__()
        self.contact = contact
        self.kinds = kinds or ["call"]
        self.kind = kind if kind in self.kinds else self.kinds[0]
        self.now = now
        self.heading = _("Log an interaction with {contact}").format(contact=contact)

    def _happened(self, text: str) -> datetime:
        if " ".join(text.lower().split()) == _("now").lower():  # the field starts with `now` in the user's words
            text = "now"
        return parse_datetime(text or "now", now=self.now)

    def _happened_label(self, text: str) -> str:
        at = self._happened(text)
        return f"{day_label(at.date())} {at:%H:%M}"

    def _next(self, text: str) -> When:
        return parse_when(text, now=self.now)

    def fields(self) -> ComposeResult:
        # what the user types first comes first: the kind is usually the default
        yield self.row(_("Summary"), self.input("summary", placeholder=_("One line: what happened"),
                                                required=_("an interaction needs a summary")))  # fmt: skip
        yield self.row(_("Kind"), Select([(plain(k), k) for k in self.kinds], value=self.kind, allow_blank=False,
                                      id="kind", compact=True))  # fmt: skip
        yield self.row(_("When"), self.input("when", value=_("now"),
                                             placeholder=_("now, yesterday 15:00, 2026-11-20 10:30"),
                                             parse=self._happened), preview=self._happened_label)  # fmt: skip
        yield self.row(_("Next contact"), self.input("next",
                                                     placeholder=_("empty: the cadence decides; +2w, friday 10:00"),
                                                     parse=self._next),
                       preview=lambda t: when_label(self._next(t)))  # fmt: skip
        yield self.row(_("Goal"), self.input("goal", placeholder=_("send the proposal")))

    def check(self) -> list[str]:
        problems = super().check()
        if not self.value("next").strip() and self.value("goal").strip():
            problems.append(_("a goal needs a next contact date"))
        return problems

    def result(self) -> LogRequest:
        happened_at = self._happened(self.value("when").strip())
        text = self.value("next").strip()
        next_when = problem(self._next, text)[0] if text else None
        return LogRequest(
            kind=self.choice("kind"),
            summary=self.value("summary").strip(),
            happened_at=happened_at,
            next_when=next_when,
            goal=self.value("goal").strip() or None,
        )
