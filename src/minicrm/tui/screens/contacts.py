"""Contacts: a paged table with a live filter (full-text words plus tag:/status:/owner:/sort:) and a preview.

Only one page (PAGE rows) is fetched at a time with LIMIT/OFFSET; the next page loads when the cursor
nears the end, so the screen opens at once on 100,000 contacts. Every query runs in a thread worker;
the newest filter cancels older ones, and typing is debounced by FILTER_DELAY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from minicrm.errors import MinicrmError
from minicrm.i18n import N_, _, ngettext
from minicrm.tui import columns
from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.screens.dashboard import count
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import contact_preview, day_text, plain

if TYPE_CHECKING:
    from minicrm.store.core.db import Session
    from minicrm.store.core.records import Contact

PAGE = 100
FILTER_DELAY = 0.15
SORT_ORDER = ("name", "last", "next", "created")
#: shown in the status line and the notification (marked `N_`, translated when shown)
SORT_LABELS = {"name": N_("name"), "last": N_("last interaction"), "next": N_("next contact"), "created": N_("newest"),
               "relevance": N_("relevance")}  # fmt: skip


@dataclass
class Page:
    rows: list[Contact] = field(default_factory=list)
    offset: int = 0
    total: int | None = None
    error: str | None = None


def parse_filter(session: Session, text: str) -> dict[str, Any]:
    """`acme tag:vip status:client owner:ann sort:last region:north field:turnover>=1000000` -> keyword arguments
    for list_contacts (field: takes any `--field` comparison of `contact list`)."""
    from minicrm.store.people.contacts import SORTS
    from minicrm.store.people.fields import normalize_status, normalize_tag

    kw: dict[str, Any] = {}
    words = []
    criteria: dict[str, list[Any]] = {}
    for token in text.split():
        key, sep, value = token.partition(":")
        key = key.lower()
        if sep and value and key in ("field", "source", "region"):  # field:turnover>=1000000, region:north
            if key == "field":
                from datetime import datetime

                from minicrm.store.people.field_filters import parse

                found = parse(session, value, entity="contact", now=datetime.now())
                criteria.setdefault("field_filters", []).append(found)
            else:
                criteria.setdefault(f"{key}s", []).append(value)
            continue
        if sep and value and key in ("tag", "status", "owner", "sort"):
            if key == "tag":
                kw["tag"] = normalize_tag(value)
            elif key == "status":
                kw["status"] = normalize_status(value)
            elif key == "owner":
                from minicrm.store.people.users import resolve_user

                kw["owner_id"] = resolve_user(session, value)
            elif value not in SORTS:
                from minicrm.errors import BadInput

                raise BadInput(
                    _("unknown sort '{value}' (one of: {choices})").format(value=value, choices=", ".join(SORTS))
                )
            else:
                kw["sort"] = value
        else:
            words.append(token)
    if words:
        kw["search_text"] = " ".join(words)
    if criteria:
        from minicrm.store.people.segments import definition

        kw["criteria"] = definition(sources=criteria.get("sources", []), regions=criteria.get("regions", []),
                                    field_filters=criteria.get("field_filters", []))  # fmt: skip
    return kw


class ContactsScreen(ContactActions, CrmScreen):
    NAV = "contacts"
    ADD_HELP = N_("Add a contact")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", N_("Filter"), key_display="/", id="filter"),
        Binding("escape", "leave_filter", N_("Table"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("l", "log", N_("Log"), id="log"),
        Binding("n", "next", N_("Next contact"), id="next"),
        Binding("s", "sort", N_("Sort"), id="sort"),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort: str | None = None  # None: name, or rank while searching
        self.loaded = 0
        self.more = False
        self.loading_more = False
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        yield self.nav()
        hint = _("Filter: words (name, e-mail, phone, company, notes) tag:vip status:client owner:ann")
        yield Input(placeholder=hint, id="filter")
        with Horizontal(id="contacts-body"):
            with Vertical(id="contacts-left"):
                yield FitTable(
                    columns.translated(columns.CONTACTS), id="contacts", cursor_type="row", zebra_stripes=True
                )
                yield Static("", id="contacts-status", classes="status-line")
            yield Static("", id="preview", classes="preview")
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#contacts", DataTable).focus()

    # -- loading ------------------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", Input).value

    def reload(self, delay: float = 0.0) -> None:
        self._load(reset=True, delay=delay)

    def _load(self, *, reset: bool, delay: float = 0.0) -> None:
        from minicrm.store.people.contacts import count_contacts, list_contacts

        text, offset, sort = self.filter_text, 0 if reset else self.loaded, self.sort

        def fetch(s: Session) -> Page:
            try:
                kw = parse_filter(s, text)
            except MinicrmError as exc:
                return Page(error=str(exc))
            if sort and "sort" not in kw:
                kw["sort"] = sort
            rows = list_contacts(s, **kw, limit=PAGE, offset=offset)
            total = None
            if reset and "search_text" not in kw:
                total = count_contacts(s, **{k: v for k, v in kw.items() if k != "sort"})
            return Page(rows, offset, total)

        if not reset:
            self.loading_more = True
        self.db(fetch, self._show, group="page", delay=delay, exclusive=True)

    def _show(self, page: Page) -> None:
        self.loading_more = False
        table = self.query_one("#contacts", FitTable)
        status = self.query_one("#contacts-status", Static)
        if page.error:
            status.update(plain(page.error, style="red"))
            return
        today = self.crm.today()
        rows = [
            (
                str(c.id),
                (
                    plain(c.name),
                    plain(c.company),
                    plain(c.status),
                    day_text(c.last_interaction_at),
                    day_text(c.next_contact_on, today=today, overdue=True),
                    plain(c.emails[0] if c.emails else ""),
                    plain(", ".join(c.tags)),
                ),
            )
            for c in page.rows
        ]
        if page.offset == 0:
            table.set_rows(rows)
            self.loaded = 0
            self.total = page.total
        else:
            table.append_rows(rows)
        self.loaded += len(page.rows)
        self.more = len(page.rows) == PAGE
        self._status()
        if page.offset == 0:
            if self.loaded:
                self._preview(int(table.key_at(0) or 0))
            else:
                self.query_one("#preview", Static).update(self._empty_text())

    def _empty_text(self) -> Text:
        if self.filter_text.strip():
            # what was typed is data: the template is translated, the text filled in (plain, never markup)
            return plain(
                _("No contact matches '{text}'. Esc, then clear the filter.").format(text=self.filter_text.strip())
            )
        return Text(
            _("No contacts yet.")
            + "\n\n"
            + _("Press a to add one, or in a shell:")
            + "\n  minicrm contact add 'Ada Lovelace'\n"
            + _("or load sample data:")
            + "\n  minicrm demo"
        )

    def _status(self) -> None:
        sort = self.sort or ("relevance" if self.filter_text.strip() else "name")
        if self.total is not None:
            shown = ngettext("{shown} of {n} contact", "{shown} of {n} contacts", self.total).format(
                shown=count(self.loaded), n=count(self.total)
            )
        elif self.more:
            shown = _("{n}+ matching").format(n=count(self.loaded))
        else:
            shown = _("{n} matching").format(n=count(self.loaded))
        order = _(SORT_LABELS[sort]) if sort in SORT_LABELS else sort
        self.query_one("#contacts-status", Static).update(
            _("{shown} · sorted by {order}").format(shown=shown, order=order)
        )

    # -- events -------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.reload(delay=FILTER_DELAY)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#contacts", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "contacts" or event.row_key.value is None:
            return
        self._preview(int(event.row_key.value))
        if self.more and not self.loading_more and event.cursor_row >= event.data_table.row_count - 20:
            self._load(reset=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "contacts" and event.row_key.value is not None:
            self.open_contact(int(event.row_key.value))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = {"name": "name", "last": "last", "next": "next"}.get(str(event.column_key.value))
        if key:
            self.sort = key
            self.reload()

    def _preview(self, contact_id: int) -> None:
        from minicrm.store.views.cards import contact_card

        today = self.crm.today()
        self.db(
            lambda s: contact_card(s, contact_id, today=today, limit=5),
            lambda card: self.query_one("#preview", Static).update(contact_preview(card, today=today)),
            group="preview",
            delay=0.05,
        )

    # -- actions ------------------------------------------------------------------------------
    def current_id(self) -> int | None:
        key = self.query_one("#contacts", FitTable).key_at()
        return int(key) if key is not None else None

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_leave_filter(self) -> None:
        self.query_one("#contacts", DataTable).focus()

    def action_open(self) -> None:
        if (contact_id := self.current_id()) is not None:
            self.open_contact(contact_id)

    def action_log(self) -> None:
        if (contact_id := self.current_id()) is not None:
            self.log_for(contact_id)

    def action_next(self) -> None:
        if (contact_id := self.current_id()) is not None:
            self.next_for(contact_id)

    def action_add(self) -> None:
        self.add_record("contact")

    def action_sort(self) -> None:
        current = self.sort or "name"
        self.sort = SORT_ORDER[(SORT_ORDER.index(current) + 1) % len(SORT_ORDER)]
        self.notify(_("sorted by {order}").format(order=_(SORT_LABELS[self.sort])), timeout=1.5)
        self.reload()
