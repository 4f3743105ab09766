"""Service requests: open ones by urgency (`v` shows every status), `a` adds one, `c` closes one, Enter opens
the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from minicrm.tui import columns
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import plain

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

PRIORITY_STYLE = {"urgent": "bold red", "high": "red", "normal": "", "low": "dim"}


class RequestsScreen(CrmScreen):
    NAV = "requests"
    ADD_HELP = "Add a request"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_all", "All/open", id="requests-all"),
        Binding("c", "close_request", "Close", id="request-close"),
        Binding("enter", "open", "Open client", show=False),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield self.nav()
        with Vertical(id="requests-body"):
            yield FitTable(columns.REQUESTS, id="requests", cursor_type="row", zebra_stripes=True)
            yield Static("", id="requests-status", classes="status-line")
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#requests", DataTable).focus()

    def reload(self) -> None:
        from minicrm.store.service.requests import list_requests

        show_all = self.show_all

        def fetch(s: Session) -> list[Any]:
            return list_requests(s, statuses=None if show_all else ("new", "open", "waiting"), limit=500)

        self.db(fetch, self._show)

    def _show(self, requests: list[Any]) -> None:
        self.rows = {}
        cells = []
        for r in requests:
            self.rows[str(r.id)] = r
            client = r.contact or r.company or ""
            if r.contact and r.company:
                client = f"{r.contact} ({r.company})"
            cells.append((str(r.id), (
                str(r.id), plain(r.priority, style=PRIORITY_STYLE.get(r.priority, "")), plain(r.status),
                plain(r.subject), plain(client), r.due_on.isoformat() if r.due_on else "",
                f"{r.minutes} min" if r.minutes else "", plain(r.assignee),
            )))  # fmt: skip
        self.query_one("#requests", FitTable).set_rows(cells)
        which = "requests" if self.show_all else "open requests"
        empty = " — none yet: a adds one" if not requests else ""
        self.query_one("#requests-status", Static).update(f"{len(requests)} {which}{empty} (v: all/open, c: close)")

    def _selected(self) -> Any | None:
        return self.rows.get(self.query_one("#requests", FitTable).key_at() or "")

    def action_add(self) -> None:
        self.add_record("request")

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_close_request(self) -> None:
        from minicrm.store.service.requests import close_request
        from minicrm.tui.modals.confirm import ConfirmModal

        request, app = self._selected(), self.crm
        if request is None or request.status == "closed":
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda s: close_request(s, request.id, now=app.now()), message=f"request #{request.id} closed"
                )

        app.push_screen(ConfirmModal(f"Close request #{request.id} '{request.subject}'?", yes="Close"), answer)

    def action_open(self) -> None:
        request = self._selected()
        if request is None:
            return
        if request.contact_id:
            self.open_contact(request.contact_id)
        elif request.company_id:
            self.open_company(request.company_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
