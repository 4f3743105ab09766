"""MiniCrmApp: the Textual application behind `minicrm tui`.

The app takes the database target, an optional fixed "today" (or a fixed moment) and the settings of the
config file in its constructor, so tests hand it a temporary database, a clock and a number format. Screens
never hold a session: each worker opens one (`open_session()`), runs store service functions and closes it,
so a cron job or a shell can write to the same file meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from minicrm.i18n import N_
from minicrm.store.core.db import Database, Session
from minicrm.tui.screens.base import translate_bindings
from minicrm.tui.screens.companies import CompaniesScreen
from minicrm.tui.screens.contacts import ContactsScreen
from minicrm.tui.screens.dashboard import DashboardScreen
from minicrm.tui.screens.deals import DealsScreen
from minicrm.tui.screens.reports import ReportsScreen
from minicrm.tui.screens.requests import RequestsScreen

THEMES = {"dark": "textual-dark", "light": "textual-light"}

#: Screen name, title (translated where shown) and key, in the order of the navigation bar.
SCREENS = (
    ("dashboard", N_("Dashboard"), "1"),
    ("contacts", N_("Contacts"), "2"),
    ("companies", N_("Companies"), "3"),
    ("deals", N_("Deals"), "4"),
    ("reports", N_("Reports"), "5"),
    ("requests", N_("Requests"), "6"),
)
#: Textual's own key descriptions (the command palette's key in the footer; Tab and Shift+Tab in `?`), translated
#: with ours.
TEXTUAL_LABELS = (N_("palette"), N_("Focus Next"), N_("Focus Previous"))


def load_settings() -> dict[str, Any]:
    """The config file's settings; a broken file is the command line's to report (`minicrm config`)."""
    from minicrm import config
    from minicrm.errors import MinicrmError

    try:
        return config.load()
    except MinicrmError:
        return {}


class MiniCrmApp(App[None]):
    """Dashboard, contacts, companies, deals, reports and requests over one minicrm database."""

    CSS_PATH = "minicrm.tcss"
    TITLE = "minicrm"
    MODES: ClassVar[dict[str, Any]] = {
        "dashboard": DashboardScreen,
        "contacts": ContactsScreen,
        "companies": CompaniesScreen,
        "deals": DealsScreen,
        "reports": ReportsScreen,
        "requests": RequestsScreen,
    }
    DEFAULT_MODE = "dashboard"
    #: Below 100 columns the preview panes hide, so tables keep readable widths at 80x24.
    #: (textual annotates it `ClassVar[...] | None`, which mypy reads as an instance variable)
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]  # type: ignore[misc]
    #: Below 30 lines the dashboard's week chart folds to one line of bars.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]  # type: ignore[misc]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"go('{name}')", title, show=False, id=f"go-{name}") for name, title, key in SCREENS),
        Binding("question_mark", "help", N_("Keys"), key_display="?", id="help"),
        Binding("f2", "toggle_theme", N_("Theme"), show=False, id="theme"),
        Binding("q", "quit", N_("Quit"), id="quit"),
    ]

    def __init__(
        self,
        db: str | Path,
        *,
        today: date | None = None,
        user: str | None = None,
        theme: str = "dark",
        now: datetime | None = None,
        settings: Mapping[str, Any] | None = None,
        read_only: bool = False,
    ) -> None:
        """`now` fixes the clock (tests, screenshots); `settings` are the config file's (read when None);
        `read_only`: `--read-only`, every write fails."""
        super().__init__()
        translate_bindings(self)  # the footer's keys in the user's language (the palette's included)
        self.database = Database(db, read_only=read_only)
        self.today_override = today
        self.fixed_now = now
        self.user = user
        self._user_id: int | None = None
        self.theme = THEMES.get(theme, theme)
        self.settings = dict(load_settings() if settings is None else settings)
        from minicrm.tui.widgets.render import set_number_format as show_amounts
        from minicrm.values.money import set_number_format as read_amounts

        number_format = self.settings.get("number_format")
        number_format = number_format if isinstance(number_format, str) else None
        read_amounts(number_format)  # forms read what is typed as the command line does
        show_amounts(number_format)  # and every screen shows amounts the same way
        from minicrm import display

        display.configure(date_format=self.settings.get("date_format"), number_format=number_format)

    @property
    def currency(self) -> str:
        """The currency of new deals: the config's `currency`, else EUR (as `deal add`)."""
        value = self.settings.get("currency")
        return value if isinstance(value, str) and value else "EUR"

    # -- data access (called from worker threads) -------------------------------------------------
    def open_session(self) -> Session:
        """A new session for one worker operation; use it as a context manager.

        Its changes fire the hooks and webhooks of #22 as the commands' do; their remarks become notifications."""
        from minicrm.store.core import events

        session = self.database.connect()
        env = {"MINICRM_DB": str(self.database.path or self.database.url)}
        if self.today_override is not None:
            env["MINICRM_TODAY"] = self.today_override.isoformat()
        timeouts = {
            "timeout": float(self.settings.get("hook_timeout", events.HOOK_TIMEOUT)),
            "webhook_timeout": float(self.settings.get("webhook_timeout", events.WEBHOOK_TIMEOUT)),
        }
        events.configure(session, user=self.user, now=self.now, report=self._hook_remark, env=env, **timeouts)
        return session

    def _hook_remark(self, message: str) -> None:
        """A hook's output or problem, from a worker thread: a notification, never text over the screen."""
        from minicrm.cells import terminal_safe

        text = terminal_safe(message)[:500]
        try:
            self.call_from_thread(self.notify, text, severity="warning", markup=False, timeout=10)
        except RuntimeError:  # on the app's own thread
            self.notify(text, severity="warning", markup=False, timeout=10)

    def now(self) -> datetime:
        if self.fixed_now is not None:
            return self.fixed_now
        real = datetime.now().replace(microsecond=0)
        if self.today_override is None:
            return real
        return datetime.combine(self.today_override, real.time())

    def today(self) -> date:
        return self.now().date()

    def user_id(self, session: Session) -> int | None:
        if not self.user:
            return None
        if self._user_id is None:
            from minicrm.store.people.users import ensure_user

            self._user_id = ensure_user(session, self.user, now=self.now())
        return self._user_id

    # -- life cycle -------------------------------------------------------------------------------
    def on_load(self) -> None:
        """Create or migrate the schema once, before the first screen queries it."""
        from minicrm.store.core.migrate import ensure_schema

        with self.open_session() as session:
            ensure_schema(self.database, session)

    # -- actions ----------------------------------------------------------------------------------
    async def action_go(self, mode: str) -> None:
        if self.current_mode != mode:
            await self.switch_mode(mode)

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def action_help(self) -> None:
        from minicrm.tui.modals.help import HelpModal

        if isinstance(self.screen, HelpModal):
            return
        self.push_screen(HelpModal(self.screen))
