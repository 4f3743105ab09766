"""What every minicrm screen shares: the navigation bar, the footer, `r` to refresh and DB workers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, get_current_worker

from minicrm import display, i18n
from minicrm.errors import MinicrmError
from minicrm.i18n import N_, _
from minicrm.tui.screens.adding import AddActions
from minicrm.tui.widgets.nav import NavBar
from minicrm.tui.widgets.render import safe

if TYPE_CHECKING:
    from datetime import date

    from textual.dom import DOMNode

    from minicrm.store.core.db import Session
    from minicrm.tui.app import MiniCrmApp

T = TypeVar("T")


def day_month(day: date) -> str:
    """`28 Nov`, `28 ноя`: a day near today in the user's language (a card's next step, a report's week)."""
    return _("{day:02d} {month}").format(day=day.day, month=i18n._month(day, True))  # the abbreviations of `short_date`


def when(happened_at: str) -> str:
    """An interaction's ISO time as the user writes a day: `2026-11-20 14:30`, `20.11.2026 14:30`."""
    return display.moment(datetime.fromisoformat(happened_at))


def translate_bindings(node: DOMNode, words: dict[str, str] | None = None) -> None:
    """Show `node`'s key descriptions (footer, `?`) in the user's language.

    `BINDINGS` are class attributes, evaluated at import, before the language may be known; their descriptions
    are marked with `N_` and translated here, per instance, when the screen or the app is created. `words` gives
    a key its own translation where the English word means something else elsewhere (`Close` a request, the
    `Close` date of a deal)."""
    words = words or {}
    node._bindings.key_to_bindings = {
        key: [replace(b, description=words.get(b.description) or _(b.description)) if b.description else b
              for b in bindings]
        for key, bindings in node._bindings.key_to_bindings.items()
    }  # fmt: skip


def run_db(
    node: Any,
    fn: Callable[[Session], T],
    done: Callable[[T], object] | None = None,  # may be async: `call_from_thread` awaits what it returns
    *,
    group: str = "load",
    delay: float = 0.0,
    exclusive: bool = True,
    on_error: Callable[[str], object] | None = None,
) -> Worker[None]:
    """Run `fn(session)` in a thread worker with its own session; hand the result to `done` on the UI thread.

    `exclusive` cancels the previous worker of the same group, so a newer filter wins; `delay`
    debounces typing. Domain errors become one error notification, like `error:` on the CLI, or go to
    `on_error` (a form shows them itself).
    """
    app: MiniCrmApp = node.app

    def job() -> None:
        worker = get_current_worker()
        if delay:
            time.sleep(delay)
        if worker.is_cancelled:
            return
        try:
            with app.open_session() as session:
                result = fn(session)
        except MinicrmError as exc:
            if worker.is_cancelled:
                return
            if on_error is not None:
                app.call_from_thread(on_error, str(exc))
                return
            # messages quote the data and what was typed: never markup
            app.call_from_thread(app.notify, safe(exc), title=_("error"), severity="error", markup=False)
            return
        except Exception as exc:  # keep the user's screen alive; the message names the failure
            app.call_from_thread(
                app.notify, safe(_("internal error: {name}: {error}").format(name=type(exc).__name__, error=exc)),
                title=_("error"), severity="error", markup=False,
            )  # fmt: skip
            return
        if done is not None and not worker.is_cancelled:
            app.call_from_thread(done, result)

    return node.run_worker(job, thread=True, exclusive=exclusive, group=group, exit_on_error=False)


class CrmScreen(AddActions, Screen):
    """A top-level or detail screen: reloads its data when shown and on `r`; `a` adds a record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), id="add"),
        Binding("r", "refresh", N_("Refresh"), show=False, id="refresh"),  # ? lists it; screens reload when shown
    ]
    #: Name in the navigation bar (None for detail screens, which keep their parent's).
    NAV: ClassVar[str | None] = None
    #: What `a` adds here, as the key list (`?`) says it (marked `N_`: each screen shows it in the user's language).
    ADD_HELP: str = N_("Add a contact, company, deal, task or request")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self, self.key_words())
        self.ADD_HELP = _(type(self).ADD_HELP)

    def key_words(self) -> dict[str, str]:
        """English key description -> this screen's own translation of it (see `translate_bindings`)."""
        return {}

    @property
    def crm(self) -> MiniCrmApp:
        return self.app  # type: ignore[return-value]

    def nav(self) -> NavBar:
        return NavBar(self.NAV)

    def footer(self) -> Footer:
        return Footer(compact=True)

    def on_screen_resume(self) -> None:
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_add(self) -> None:
        """What `a` adds here: by default, ask which kind."""
        self.add_menu()

    def reload(self) -> None:
        """Fetch this screen's data (in a worker) and show it."""

    def db(self, fn: Callable[[Session], T], done: Callable[[T], object] | None = None, **kw: Any) -> Worker[None]:
        return run_db(self, fn, done, **kw)

    def write(self, fn: Callable[[Session], T], done: Callable[[T], None] | None = None, *, message: str = "") -> None:
        """Run a write in a worker, notify `message` (plain text: it names records), then reload this screen."""

        def finished(result: T) -> None:
            if message:
                self.notify(safe(message), markup=False)
            if done is not None:
                done(result)
            self.reload()

        run_db(self, fn, finished, group="write", exclusive=False)

    def open_contact(self, contact_id: int) -> None:
        from minicrm.tui.screens.contact_detail import ContactDetailScreen

        self.app.push_screen(ContactDetailScreen(contact_id))

    def open_company(self, company_id: int) -> None:
        from minicrm.tui.screens.company_detail import CompanyDetailScreen

        self.app.push_screen(CompanyDetailScreen(company_id))
