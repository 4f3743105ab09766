"""`l`: log an interaction (kind, summary, when) and set the next contact (date + goal) in one form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.widgets import Input, Select

from minicrm.dates import When, parse_datetime, parse_when
from minicrm.tui.modals.form import FormModal, problem
from minicrm.tui.widgets.render import plain


@dataclass
class LogRequest:
    kind: str
    summary: str
    happened_at: datetime
    next_when: When | None
    goal: str | None


class LogInteractionModal(FormModal[LogRequest]):
    TITLE = "Log an interaction"

    def __init__(self, contact: str, kinds: list[str], *, now: datetime, kind: str = "call") -> None:
        super().__init__()
        self.contact = contact
        self.kinds = kinds or ["call"]
        self.kind = kind if kind in self.kinds else self.kinds[0]
        self.now = now
        self.heading = f"Log an interaction with {contact}"

    def fields(self) -> ComposeResult:
        yield self.label("Kind")
        yield Select([(plain(k), k) for k in self.kinds], value=self.kind, allow_blank=False, id="kind")
        yield self.label("Summary")
        yield Input(placeholder="One line: what happened", id="summary")
        yield self.label("When")
        yield Input(value="now", placeholder="now, yesterday 15:00, 2026-11-20 10:30", id="when")
        yield self.label("Next contact")
        yield Input(placeholder="empty: the cadence decides; +2w, friday 10:00, 2026-12-05", id="next")
        yield self.label("Goal of the next contact")
        yield Input(placeholder="send the proposal", id="goal")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#summary", Input).focus()

    def _parsed(self) -> tuple[list[str], datetime | None, When | None]:
        problems: list[str] = []
        if not self.value("summary").strip():
            problems.append("an interaction needs a summary")
        happened_at, err = problem(parse_datetime, self.value("when") or "now", now=self.now)
        if err:
            problems.append(err)
        next_when = None
        if self.value("next").strip():
            next_when, err = problem(parse_when, self.value("next"), now=self.now)
            if err:
                problems.append(err)
        elif self.value("goal").strip():
            problems.append("a goal needs a next contact date")
        return problems, happened_at, next_when

    def check(self) -> list[str]:
        return self._parsed()[0]

    def result(self) -> LogRequest:
        _, happened_at, next_when = self._parsed()
        assert happened_at is not None
        return LogRequest(
            kind=self.choice("kind"),
            summary=self.value("summary").strip(),
            happened_at=happened_at,
            next_when=next_when,
            goal=self.value("goal").strip() or None,
        )
