"""Deals board: one column per open stage (kanban) with totals; move deals with [ ] (or Shift+arrows).

`w` marks the highlighted deal won, `x` lost (asks the reason), `a` adds a deal to the focused stage. Data
from `store.sales.deals` and `.reports`. Cards and titles fit their column: a title or a name is cut with
`…`, an amount or a date never; with more stages than fit, the board scrolls sideways.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ListItem, ListView, Static

from minicrm.i18n import N_, _, pgettext
from minicrm.tui.screens.adding import Added
from minicrm.tui.screens.base import CrmScreen, day_month
from minicrm.tui.widgets.render import FitLines, Part, money

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

PER_COLUMN = 50
#: A stage column is never narrower: an amount and `→ step 28 Nov` fit; more stages scroll sideways.
MIN_COLUMN = 22


def fetch_board(session: Session) -> dict[str, Any]:
    from minicrm.store.sales import deals, reports, stages

    open_stages = [s for s in stages.list_stages(session) if s.outcome == "open"]
    totals = {r.stage: r for r in reports.pipeline(session)}
    columns = [(s, deals.list_deals(session, stage=s.name, state="open", limit=PER_COLUMN)) for s in open_stages]
    return {"columns": columns, "totals": totals}


class DealCard(ListItem):
    def __init__(self, deal: Any, *, today: Any = None) -> None:
        self.deal = deal
        lines = [[Part(deal.title, "bold", cut=True)]]
        if deal.amount is not None:
            lines.append([Part(money(deal.amount, deal.currency))])
        who = deal.contact or deal.company
        if who:
            lines.append([Part(who, "dim", cut=True)])
        if deal.next_step:
            step = [Part("→ ", "cyan"), Part(deal.next_step, "cyan", cut=True)]
            if deal.next_step_on:
                late = today is not None and deal.next_step_on < today
                step.append(Part(f" {day_month(deal.next_step_on)}", "bold red" if late else "cyan"))
            lines.append(step)
        super().__init__(Label(FitLines(*lines)))


def column_title(stage: str, count: int, totals: dict[str, Any]) -> FitLines:
    """`qualified · 5` and the column's amount per currency, one per line."""
    lines = [[Part(stage, "bold", cut=True), Part(f" · {count}")]]
    lines += [[Part(money(amount, currency), "dim")] for currency, amount in sorted(totals.items())]
    return FitLines(*lines)


class DealsScreen(CrmScreen):
    NAV = "deals"
    ADD_HELP = N_("Add a deal (in the focused stage)")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "column(-1)", N_("Column"), show=False),
        Binding("right", "column(1)", N_("Column"), show=False),
        Binding("left_square_bracket,shift+left", "move(-1)", N_("Move left"), key_display="[", id="deal-left"),
        Binding("right_square_bracket,shift+right", "move(1)", N_("Move right"), key_display="]", id="deal-right"),
        Binding("w", "won", N_("Won"), id="deal-won"),
        Binding("x", "lost", N_("Lost"), id="deal-lost"),
        Binding("enter", "open", N_("Open contact"), show=False),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage_names: list[str] = []
        self.focus_stage = 0
        self.focus_deal: int | None = None

    def key_words(self) -> dict[str, str]:
        # the keys mark one deal (`Won` alone heads the won amounts)
        return {"Won": pgettext("key", "Won"), "Lost": pgettext("key", "Lost")}

    def compose(self) -> ComposeResult:
        yield self.nav()
        yield Static("", id="board-note", classes="welcome")
        yield Horizontal(id="board")
        yield self.footer()

    def reload(self) -> None:
        self.db(fetch_board, self._show)

    async def _show(self, data: dict[str, Any]) -> None:
        note = self.query_one("#board-note", Static)
        board = self.query_one("#board", Horizontal)
        note.display = False
        board.display = True
        await board.remove_children()
        self.stage_names = [stage.name for stage, _deals in data["columns"]]
        today = self.crm.today()
        for index, (stage, deals) in enumerate(data["columns"]):
            row = data["totals"].get(stage.name)
            count = row.count if row else len(deals)
            title = Static(column_title(stage.name, count, row.totals if row else {}), classes="col-title")
            items = [DealCard(d, today=today) for d in deals]
            view = ListView(*items, id=f"col-{index}", classes="deal-list")
            await board.mount(Vertical(title, view, classes="deal-col"))
        self._size_columns()
        self._restore_focus()

    def on_resize(self) -> None:
        self._size_columns()

    def _size_columns(self) -> None:
        """Share the board's width between as many stages as fit whole (each at least MIN_COLUMN wide)."""
        board = self.query_one("#board", Horizontal)
        columns = list(board.query_children(".deal-col"))
        if columns and board.size.width:
            shown = min(len(columns), max(1, board.size.width // MIN_COLUMN))
            width, spare = divmod(board.size.width, shown)
            for index, column in enumerate(columns):  # the ones shown fill the width exactly
                column.styles.width = width + (1 if index % shown < spare else 0)

    def _restore_focus(self) -> None:
        if not self.stage_names:
            return
        self.focus_stage = min(self.focus_stage, len(self.stage_names) - 1)
        view = self.query_one(f"#col-{self.focus_stage}", ListView)
        view.focus()
        if self.focus_deal is not None:
            for i, item in enumerate(view.children):
                if isinstance(item, DealCard) and item.deal.id == self.focus_deal:
                    view.index = i
        self._show_column(view)

    def _show_column(self, view: ListView) -> None:
        """Scroll the board (when it is wider than the screen) to the focused column."""
        if isinstance(view.parent, Vertical):
            self.query_one("#board", Horizontal).scroll_to_widget(view.parent, animate=False)

    def _current(self) -> Any | None:
        focused = self.focused
        if isinstance(focused, ListView) and isinstance(focused.highlighted_child, DealCard):
            return focused.highlighted_child.deal
        return None

    def action_column(self, step: int) -> None:
        if not self.stage_names:
            return
        self.focus_stage = (self.focus_stage + step) % len(self.stage_names)
        self.focus_deal = None
        view = self.query_one(f"#col-{self.focus_stage}", ListView)
        view.focus()
        self._show_column(view)

    def action_add(self) -> None:
        """A new deal, in the focused column's stage."""
        stage = self.stage_names[self.focus_stage] if self.stage_names else None
        self.add_record("deal", stage=stage)

    def added(self, result: Added) -> None:
        if result.kind == "deal" and result.stage in self.stage_names:
            self.focus_stage, self.focus_deal = self.stage_names.index(result.stage), result.id
        super().added(result)

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        if event.list_view.id and event.list_view.id.startswith("col-") and event.list_view.has_focus:
            self.focus_stage = int(event.list_view.id[4:])

    def action_move(self, step: int) -> None:
        from minicrm.store.sales import deals as deal_service

        deal = self._current()
        if deal is None or deal.stage not in self.stage_names:
            return
        # from the deal's own stage: every column's list reports a highlight when it is drawn
        target = self.stage_names.index(deal.stage) + step
        if not 0 <= target < len(self.stage_names):
            return
        stage, app = self.stage_names[target], self.crm
        self.focus_stage, self.focus_deal = target, deal.id
        self.write(lambda s: deal_service.move_deal(s, deal.id, stage, now=app.now(), user_id=app.user_id(s)),
                   message=f"'{deal.title}' → {stage}")  # fmt: skip

    def action_won(self) -> None:
        from minicrm.store.sales import deals as deal_service
        from minicrm.tui.modals.confirm import ConfirmModal

        deal, app = self._current(), self.crm
        if deal is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(lambda s: deal_service.win_deal(s, deal.id, on=app.today(), now=app.now()),
                           message=_("'{title}' won").format(title=deal.title))  # fmt: skip

        question = _("Mark '{title}' as won today?").format(title=deal.title)
        app.push_screen(ConfirmModal(question, yes=_("Won")), answer)

    def action_lost(self) -> None:
        from minicrm.store.sales import deals as deal_service
        from minicrm.tui.modals.reason import ReasonModal

        deal, app = self._current(), self.crm
        if deal is None:
            return

        def answer(reason: str | None) -> None:
            if reason:
                self.write(lambda s: deal_service.lose_deal(s, deal.id, reason=reason, now=app.now()),
                           message=_("'{title}' lost: {reason}").format(title=deal.title, reason=reason))  # fmt: skip

        app.push_screen(ReasonModal(_("Why was '{title}' lost?").format(title=deal.title)), answer)

    def action_open(self) -> None:
        deal = self._current()
        contact_id = getattr(deal, "contact_id", None) if deal else None
        if contact_id:
            self.open_contact(contact_id)
