"""The first screen: today's queue, forgotten clients, the pipeline funnel, this week, birthdays.

The queue and the forgotten list come from `store.followups`, the funnel from `store.sales.reports`, the
week from `store.views.dashboard`. Enter on a row opens its contact (or, for a deal, the deals board).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import DataTable, Static

from minicrm import display, i18n
from minicrm.i18n import N_, _, ngettext
from minicrm.tui import columns
from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.fit_table import Col, FitTable, Row
from minicrm.tui.widgets.render import BAR, bar, plain, safe, totals_lines

SPARK = " ▁▂▃▄▅▆▇█"
PIPELINE_BAR = 8

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

DUE_DAYS = 7
BIRTHDAY_DAYS = 14
#: Rows drawn per panel; the border tells how many more there are (a big database has thousands overdue).
MAX_ROWS = 60  # per panel: a screenful or two; the border says how many more
FORGOTTEN_DAYS = 90


def weekday(day: Any) -> str:
    """`Mon`, `пн`: the short name of `day`'s weekday in the user's language."""
    return i18n.weekday_name(day, short=True)


def short_day(day: Any, today: Any) -> str:
    """A day in the user's date format, without the year when it is this year's: `12-05`, `05.12`, `12/05`."""
    text = display.day(day)
    return text.replace(str(day.year), "").strip("-./") if day.year == today.year else text


def count(n: int) -> str:
    """`1,234` in English, `1 234` in Russian, Ukrainian and Bulgarian."""
    return f"{n:,}" if i18n.language() == "en" else f"{n:,}".replace(",", " ")


def days(n: int) -> str:
    """`326 d`, `326 дн.`: days overdue or silent, in a narrow column."""
    return _("{n} d").format(n=n)


def fetch_due(session: Session, *, today: Any) -> dict[str, Any]:
    """The queue (and whether the database is empty): the first thing drawn, before the other panels."""
    from minicrm.store.exchange.demo import is_empty

    data: dict[str, Any] = {"empty": is_empty(session)}
    if data["empty"]:
        return data
    until = today + timedelta(days=DUE_DAYS)
    from minicrm.store.followups.due import KINDS, due_counts, due_items

    kinds = tuple(k for k in KINDS if k != "birthday")  # birthdays have their own panel
    data["due"] = due_items(session, today=today, until=until, kinds=kinds, limit=MAX_ROWS)
    dates = len(due_items(session, today=today, until=until, kinds=("date",)))
    total, data["overdue"] = due_counts(session, today=today, until=until)
    data["due_total"] = total + dates
    return data


def fetch_panels(session: Session, *, today: Any) -> dict[str, Any]:
    """The pipeline funnel, this week and the birthdays: drawn when they come, after the queue."""
    from minicrm.store.people.selections import upcoming_birthdays
    from minicrm.store.sales import reports
    from minicrm.store.views import dashboard

    return {
        "pipeline": reports.pipeline(session),
        "week": dashboard.week_activity(session, today=today),
        "birthdays": upcoming_birthdays(session, today=today, days=BIRTHDAY_DAYS, limit=MAX_ROWS),
    }


def fetch_forgotten(session: Session, *, today: Any) -> list[Any]:
    """Contacts only: ranking companies too costs ~0.4 s more on 100,000 contacts."""
    from minicrm.store.followups.forgotten import forgotten

    return forgotten(session, today=today, days=FORGOTTEN_DAYS, limit=10, kinds=("contact",))


class DashboardScreen(ContactActions, CrmScreen):
    NAV = "dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Open"), show=False),
        Binding("l", "log", N_("Log"), id="log"),
        Binding("tab", "app.focus_next", N_("Next panel"), show=False),
        *CrmScreen.BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        yield self.nav()
        yield Static("", id="welcome", classes="welcome")
        with Horizontal(id="dash"):
            with Vertical(id="dash-left"):
                with Container(id="due-box", classes="panel"):
                    yield self._table("due", columns.DUE)
                with Container(id="forgotten-box", classes="panel"):
                    yield self._table("forgotten", columns.FORGOTTEN)
            with Vertical(id="dash-right"):
                with Container(id="pipeline-box", classes="panel"):
                    yield self._table("pipeline", columns.PIPELINE)
                with Container(id="week-box", classes="panel"):
                    yield Static("", id="week")
                    yield Static("", id="week-spark")
                with Container(id="birthdays-box", classes="panel"):
                    yield self._table("birthdays", columns.BIRTHDAYS)
        yield self.footer()

    @staticmethod
    def _table(table_id: str, cols: tuple[Col, ...]) -> FitTable:
        """Columns sized to the panel's width by priority (the days overdue and the amounts never drop)."""
        return FitTable(columns.translated(cols), id=table_id, cursor_type="row", show_cursor=True)

    def on_mount(self) -> None:
        titles = {
            "due-box": ngettext("Due — next {n} day", "Due — next {n} days", DUE_DAYS).format(n=DUE_DAYS),
            "forgotten-box": _("Forgotten clients"),
            "pipeline-box": _("Pipeline"),
            "week-box": _("This week"),
            "birthdays-box": ngettext("Birthdays — next {n} day", "Birthdays — next {n} days", BIRTHDAY_DAYS).format(
                n=BIRTHDAY_DAYS
            ),
        }
        for box, title in titles.items():
            self.query_one(f"#{box}").border_title = title
        self.query_one("#due", DataTable).focus()

    def reload(self) -> None:
        today = self.crm.today()
        # Three workers, the queue first: on 100,000 contacts it is drawn without waiting for the birthdays
        # or the funnel (~0.1-0.3 s each); SQLite releases the GIL while a query runs.
        self.db(lambda s: fetch_due(s, today=today), self._show)
        self.db(lambda s: fetch_forgotten(s, today=today), self._show_forgotten, group="forgotten")
        self.db(lambda s: fetch_panels(s, today=today), self._show_panels, group="panels")

    def _show(self, data: dict[str, Any]) -> None:
        welcome = self.query_one("#welcome", Static)
        dash = self.query_one("#dash")
        if data["empty"]:
            dash.display = False
            welcome.display = True
            from minicrm.tui.app import SCREENS

            welcome.update(  # our markup; the translations keep it
                _("[b]Welcome to minicrm.[/b]")
                + "\n\n"
                + _("This database is empty. Press [b]a[/b] to add a contact or a company here, or in a shell:")
                + "\n\n  minicrm contact add 'Ada Lovelace' --email ada@example.com\n"
                + "  minicrm demo            "
                + _("(a sample client base to explore)")
                + "\n\n"
                + _("then press r here.")
                + "\n\n"
                + _("Keys: 1-{n} switch screens, a adds, ? lists every key, q quits.").format(n=len(SCREENS))
            )
            return
        welcome.display = False
        dash.display = True
        self._show_due(data["due"], data.get("due_total"), data.get("overdue"))

    def _show_panels(self, data: dict[str, Any]) -> None:
        self._show_pipeline(data["pipeline"])
        self._show_week(data["week"])
        self._show_birthdays(data["birthdays"])

    def _show_due(self, items: list[Any], total: int | None = None, overdue: int | None = None) -> None:
        from minicrm.store.followups.digest import kind_label

        today = self.crm.today()
        rows: list[Row] = []
        for item in items[:MAX_ROWS]:
            style = "red" if item.days_overdue else ""
            when = short_day(item.on, today) + (f" {item.time}" if item.time else "")
            what = item.title if item.kind == "follow-up" else f"{kind_label(item.kind)}: {item.title}"
            target = f"deal:{item.ref_id}" if item.kind == "deal" else f"contact:{item.contact_id}"
            if item.contact_id is None and item.kind != "deal":
                target = "none:0"
            cells = (
                plain(when, style=style),
                plain(item.contact, style=style),
                plain(what or _("follow up"), style=style),
                Text(days(item.days_overdue) if item.days_overdue else "", style="bold red"),
            )
            rows.append((f"{target}:{len(rows)}", cells))
        if not items:
            rows.append(("none:0:0", ("", Text(_("Nothing due. Well done."), style="dim"), "", "")))
        self.query_one("#due", FitTable).set_rows(rows)
        total = len(items) if total is None else total
        overdue = sum(1 for i in items if i.days_overdue) if overdue is None else overdue
        more = _("{n} more").format(n=count(total - MAX_ROWS)) + " · " if total > MAX_ROWS else ""
        self.query_one("#due-box").border_subtitle = more + _("{n} overdue").format(n=count(overdue))

    def _show_forgotten(self, rows: list[Any]) -> None:
        cells: list[Row] = []
        for r in rows:
            silent = _("never") if r.never_contacted else days(r.days_silent)
            key = f"contact:{r.id}" if r.kind == "contact" else f"company:{r.id}"
            cells.append((f"{key}:{len(cells)}", (plain(r.name), plain(r.company), silent)))
        if not rows:
            cells.append(("none:0:0", (Text(_("Nobody forgotten."), style="dim"), "", "")))
        self.query_one("#forgotten", FitTable).set_rows(cells)

    def _show_pipeline(self, rows: list[Any]) -> None:
        top = max((r.count for r in rows if r.outcome == "open"), default=0)
        cells: list[Row] = []
        for r in rows:
            style = {"won": "green", "lost": "dim"}.get(r.outcome, "")
            cells.append((f"deals:{r.stage}:{len(cells)}", (
                plain(r.stage, style=style),
                str(r.count),
                plain(totals_lines(r.totals), style=style),  # one line per currency: never cut
                Text(bar(r.count, top, PIPELINE_BAR) if r.outcome == "open" else "", style="cyan"),
            )))  # fmt: skip
        self.query_one("#pipeline", FitTable).set_rows(cells)

    def _show_week(self, week: Any) -> None:
        top = max((n for _day, n in week.per_day), default=0)
        today = self.crm.today()
        text = Text()
        for day, n in week.per_day:
            style = "bold" if day == today else ""
            text.append(f"{weekday(day)} ", style=style)
            text.append(f"{bar(n, top, 14):<14}", style="green")
            text.append(f" {n}\n", style=style)
        kinds = ", ".join(f"{k} {n}" for k, n in week.per_kind[:4])
        # the kinds are the data's own words (`call`, `visit`), as typed
        total = Text(safe(i18n.counted(week.total, "interactions") + (f": {kinds}" if kinds else "")), style="dim")
        text.append_text(total)
        self.query_one("#week", Static).update(text)
        # on a short terminal: the week as one line of bars under the days' initials
        spark = Text()
        for day, _n in week.per_day:
            spark.append(f"{weekday(day)[:2]:<2} ", style="bold" if day == today else "dim")
        spark.append("\n")
        for _day, n in week.per_day:
            level = 0 if not top or not n else max(1, round(8 * n / top))
            spark.append((SPARK[level] if level < 8 else BAR) * 2 + " ", style="green")
        spark.append("\n")
        spark.append_text(total)
        self.query_one("#week-spark", Static).update(spark)

    def _show_birthdays(self, rows: list[Any]) -> None:
        today = self.crm.today()
        cells: list[Row] = []
        for contact, day in rows[:MAX_ROWS]:
            label = _("today") if day == today else i18n.short_date(day)
            cells.append((f"contact:{contact.id}:{len(cells)}", (
                Text(label, style="bold" if day == today else ""), plain(contact.name), plain(contact.company),
            )))  # fmt: skip
        if not rows:
            cells.append(("none:0:0", ("", Text(_("No birthdays soon."), style="dim"), "")))
        self.query_one("#birthdays", FitTable).set_rows(cells)

    # -- actions ------------------------------------------------------------------------------
    def _target(self) -> tuple[str, str] | None:
        table = self.focused if isinstance(self.focused, FitTable) else None
        if table is None or not table.row_count:
            return None
        key = table.key_at() or ""
        kind, _sep, rest = key.partition(":")
        return kind, rest.rsplit(":", 1)[0]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        target = self._target()
        if target is None:
            return
        kind, ref = target
        if kind == "contact":
            self.open_contact(int(ref))
        elif kind == "company":
            self.open_company(int(ref))
        elif kind in ("deal", "deals"):
            self.app.switch_mode("deals")

    def action_log(self) -> None:
        target = self._target()
        if target and target[0] == "contact":
            self.log_for(int(target[1]))
        else:
            self.notify(_("pick a contact row first (Tab moves between panels)"), severity="warning")
