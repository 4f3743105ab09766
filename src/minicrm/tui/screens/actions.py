"""Contact actions shared by the contact list, the contact detail and the dashboard: log, next contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minicrm import display
from minicrm.i18n import _
from minicrm.tui.widgets.render import safe

if TYPE_CHECKING:
    from minicrm.store.core.db import Session
    from minicrm.tui.modals.interaction import LogRequest
    from minicrm.tui.modals.next_contact import NextRequest


def describe_next(on: Any, goal: str | None) -> str:
    """`next contact: 2026-12-04 — send the offer` (the day in the user's date format)."""
    if on is None:
        return _("next contact: none scheduled")
    if goal:
        return _("next contact: {date} — {goal}").format(date=display.day(on), goal=goal)
    return _("next contact: {date}").format(date=display.day(on))


class ContactActions:
    """Mixin for a CrmScreen: `log_for(contact_id)` and `next_for(contact_id)` open the forms and save."""

    def log_for(self: Any, contact_id: int) -> None:
        from minicrm.store.people.contacts import get_contact
        from minicrm.store.people.interactions import kinds
        from minicrm.tui.modals.interaction import LogInteractionModal

        def loaded(data: tuple[str, list[str]]) -> None:
            name, kind_list = data
            self.app.push_screen(
                LogInteractionModal(name, kind_list, now=self.crm.now()), lambda req: self._save_log(contact_id, req)
            )

        self.db(lambda s: (get_contact(s, contact_id).name, kinds(s)), loaded, group="form")

    def _save_log(self: Any, contact_id: int, req: LogRequest | None) -> None:
        if req is None:
            return
        from minicrm.store.people.interactions import log_interaction

        app = self.crm

        def save(s: Session) -> Any:
            return log_interaction(
                s,
                contact_id=contact_id,
                kind=req.kind,
                summary=req.summary,
                happened_at=req.happened_at,
                now=app.now(),
                user_id=app.user_id(s),
                next_on=req.next_when.date if req.next_when else None,
                next_time=req.next_when.time if req.next_when else None,
                goal=req.goal,
            )

        def done(logged: Any) -> None:
            message = _("logged {kind} #{id}").format(kind=req.kind, id=logged.id)
            if logged.next_changed:  # `logged call #12; next contact: 2026-12-04`
                message = _("{logged}; {next}").format(
                    logged=message, next=describe_next(logged.next_contact_on, logged.next_contact_goal)
                )
            self.notify(safe(message), markup=False)

        self.write(save, done)

    def next_for(self: Any, contact_id: int) -> None:
        from minicrm.store.people.contacts import get_contact
        from minicrm.tui.modals.next_contact import NextContactModal

        def loaded(contact: Any) -> None:
            self.app.push_screen(
                NextContactModal(
                    contact.name, now=self.crm.now(), current=contact.next_contact_on, goal=contact.next_contact_goal
                ),
                lambda req: self._save_next(contact_id, req),
            )

        self.db(lambda s: get_contact(s, contact_id), loaded, group="form")

    def _save_next(self: Any, contact_id: int, req: NextRequest | None) -> None:
        if req is None:
            return
        from minicrm.store.people.interactions import set_next

        app = self.crm
        when = req.when
        self.write(
            lambda s: set_next(
                s,
                contact_id,
                on=when.date if when else None,
                at=when.time if when else None,
                goal=req.goal,
                now=app.now(),
                user_id=app.user_id(s),
            ),
            message=describe_next(when.date if when else None, req.goal if when else None),
        )
