"""Deals board: one column per open stage (kanban) with totals; move deals with [ ] (or Shift+arrows).

`w` marks the highlighted deal won, `x` lost (asks the reason). Data from `store.sales.deals` and `.reports`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ListItem, ListView, Static

from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.render import money, plain, safe, totals_text

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

PER_COLUMN = 50


def fetch_board(session: Session) -> dict[str, Any]:
    from minicrm.store.sales import deals, reports, stages

    open_stages = [s for s in stages.list_stages(session) if s.outcome == "open"]
    totals = {r.stage: r for r in reports.pipeline(session)}
    columns = [(s, deals.list_deals(session, stage=s.name, state="open", limit=PER_COLUMN)) for s in open_stages]
    return {"columns": columns, "totals": totals}


class DealCard(ListItem):
    def __init__(self, deal: Any) -> None:
        self.deal = deal
        text = plain(deal.title, style="bold")
        text.append(safe(f"\n{money(deal.amount, deal.currency)}"))
        who = deal.contact or deal.company
        if who:
            text.append(safe(f"\n{who}"), style="dim")
        if deal.next_step:
            on = f" {deal.next_step_on:%d %b}" if deal.next_step_on else ""
            text.append(safe(f"\n→ {deal.next_step}{on}"), style="cyan")
        super().__init__(Label(text))


class DealsScreen(CrmScreen):
    NAV = "deals"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "column(-1)", "Column", show=False),
        Binding("right", "column(1)", "Column", show=False),
        Binding("left_square_bracket,shift+left", "move(-1)", "Move left", key_display="[", id="deal-left"),
        Binding("right_square_bracket,shift+right", "move(1)", "Move right", key_display="]", id="deal-right"),
        Binding("w", "won", "Won", id="deal-won"),
        Binding("x", "lost", "Lost", id="deal-lost"),
        Binding("enter", "open", "Open contact", show=False),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage_names: list[str] = []
        self.focus_stage = 0
        self.focus_deal: int | None = None

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
        self.stage_names = [stage.name for stage, _ in data["columns"]]
        for index, (stage, deals) in enumerate(data["columns"]):
            row = data["totals"].get(stage.name)
            count = row.count if row else len(deals)
            amount = totals_text(row.totals) if row else ""
            title = Static(Text.assemble((safe(stage.name), "bold"), f" · {count}\n", (safe(amount), "dim")),
                           classes="col-title")  # fmt: skip
            items = [DealCard(d) for d in deals]
            view = ListView(*items, id=f"col-{index}", classes="deal-list")
            await board.mount(Vertical(title, view, classes="deal-col"))
        self._restore_focus()

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
        self.query_one(f"#col-{self.focus_stage}", ListView).focus()

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
                           message=f"'{deal.title}' won")  # fmt: skip

        app.push_screen(ConfirmModal(f"Mark '{deal.title}' as won today?", yes="Won"), answer)

    def action_lost(self) -> None:
        from minicrm.store.sales import deals as deal_service
        from minicrm.tui.modals.reason import ReasonModal

        deal, app = self._current(), self.crm
        if deal is None:
            return

        def answer(reason: str | None) -> None:
            if reason:
                self.write(lambda s: deal_service.lose_deal(s, deal.id, reason=reason, now=app.now()),
                           message=f"'{deal.title}' lost: {reason}")  # fmt: skip

        app.push_screen(ReasonModal(f"Why was '{deal.title}' lost?"), answer)

    def action_open(self) -> None:
        deal = self._current()
        contact_id = getattr(deal, "contact_id", None) if deal else None
        if contact_id:
            self.open_contact(contact_id)
