"""The feed `ical serve` answers with: rendered once, then kept up to date item by item.

Each fetch first reads the database's change marker (`changes.marker`, a few index look-ups): when it and the
day are those of the body already made, that body is the answer. Otherwise only the items of the contacts,
tasks and deals that changed (`changes.changed_since`) are read again; an item is rendered again only when
what it shows differs (its fields, SEQUENCE included, hashed), and the body is put together from the rendered
items. A new day (overdue items move), or a change that touches many items, reads every item again, still
reusing the rendering of every item that did not change.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from minicrm.ical import changes
from minicrm.ical.entries import FeedEntry, Scope, Window, database_id, iter_entries, window
from minicrm.ical.feed import END, FeedOptions, Renderer, Years, head, refresh_value, timezones
from minicrm.store.core.db import Database, Session

KIND_ORDER = {"followup": 0, "task": 1, "deal": 2, "birthday": 3, "date": 4}  # the feed's order


@dataclass(frozen=True)
class Body:
    data: bytes
    etag: str  # strong validator: the digest of `data`
    events: int


@dataclass(slots=True)
class _Item:
    key: int  # hash of everything the item shows
    text: bytes
    years: tuple[int, ...]  # of its TZID'd date-times
    contact_id: int | None
    deal_id: int | None


def _order(uid_key: str) -> tuple[int, int]:
    kind, _sep, ident = uid_key.rpartition("-")
    return KIND_ORDER[kind], int(ident)


def _key(e: FeedEntry) -> int:
    return hash((e.uid_key, e.on, e.due_on, e.time, e.due_time, e.days_overdue, e.summary, e.description,
                 tuple(e.categories), e.sequence, e.changed_at, e.yearly, e.todo))  # fmt: skip


@dataclass
class _State:
    today: date
    marker: changes.Marker
    renderer: Renderer
    items: dict[tuple[int, int], _Item] = field(default_factory=dict)
    order: list[tuple[int, int]] = field(default_factory=list)  # the keys of `items`, sorted
    by_contact: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # items that show a contact
    by_deal: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # tasks that show a deal
    years: Counter[int] = field(default_factory=Counter)
    body: Body | None = None

    def add(self, at: tuple[int, int], item: _Item, *, ordered: bool = True) -> None:
        self.items[at] = item
        if ordered:
            insort(self.order, at)
        if item.contact_id is not None:
            self.by_contact.setdefault(item.contact_id, []).append(at)
        if item.deal_id is not None:
            self.by_deal.setdefault(item.deal_id, []).append(at)
        if item.years:
            self.years.update(item.years)

    def remove(self, at: tuple[int, int]) -> _Item | None:
        item = self.items.pop(at, None)
        if item is None:
            return None
        del self.order[bisect_left(self.order, at)]
        for index, ref in ((self.by_contact, item.contact_id), (self.by_deal, item.deal_id)):
            if ref is not None and at in index.get(ref, ()):
                index[ref].remove(at)
                if not index[ref]:
                    del index[ref]
        if item.years:
            self.years.subtract(item.years)
            self.years += Counter()  # drop the years no item has any more
        return item

    def unchanged(self, session: Session, today: date) -> Body | None:
        """The body made, if the day and the database are still those it was made for."""
        if self.body is None or self.today != today or changes.marker(session) != self.marker:
            return None
        return self.body

    def compose(self) -> Body:
        years: Years = {}
        if self.renderer.tzid and self.years:
            years[self.renderer.tzid] = (min(self.years), max(self.years))
        start = (head(self.renderer.options) + timezones(years)).encode()
        data = b"".join([start, *(self.items[at].text for at in self.order), END.encode()])
        return Body(data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"', len(self.order))


class LiveFeed:
    """The feed of one database with one set of options, kept between requests (thread-safe)."""

    def __init__(self, options: FeedOptions, *, days_back: int = 365, days_ahead: int = 90,
                 include: tuple[str, ...] | None = None):  # fmt: skip
        refresh_value(options.refresh)  # a bad --refresh, --tz or --include fails here, before the first request
        Renderer("", options)
        self.options = options
        self._window = {"days_back": days_back, "days_ahead": days_ahead, "include": include}
        self._win(date.today())
        self._lock = threading.Lock()
        self._state: _State | None = None
        self.rendered = 0  # items rendered so far (what the cache saved shows in tests and benchmarks)

    def _win(self, today: date) -> Window:
        return window(today=today, **self._window)  # type: ignore[arg-type]

    def body(self, session: Session, today: date) -> Body:
        """The feed as of now: the body already made when nothing changed."""
        with self._lock:
            state = self._state
            unchanged = state.unchanged(session, today) if state is not None else None
            if unchanged is not None:
                return unchanged
            self._state = None  # until it is whole again (an error halfway leaves nothing half updated)
            collecting = gc.isenabled()
            gc.disable()  # 100,000 items kept: the collector would walk them again and again while they are made
            try:
                return self._refresh(session, today, state)
            finally:
                if collecting:
                    gc.enable()

    def _refresh(self, session: Session, today: date, state: _State | None) -> Body:
        with session.snapshot():  # the marker and the items read from one state of the database
            marker = changes.marker(session)
            found = None
            if state is not None and state.today == today:
                found = changes.changed_since(session, state.marker, marker)
            if state is None or found is None:
                state = self._rebuild(session, today, marker, state)
            else:
                self._update(session, state, found)
                state.marker = marker
        state.body = state.compose()
        self._state = state
        return state.body

    def _item(self, renderer: Renderer, entry: FeedEntry, old: _Item | None) -> _Item:
        key = _key(entry)
        if old is not None and old.key == key:
            return old
        self.rendered += 1
        years = tuple(renderer.entry_years(entry)) if entry.time or entry.due_time else ()
        return _Item(key, renderer.item(entry).encode(), years, entry.contact_id, entry.deal_id)

    def _rebuild(self, session: Session, today: date, marker: changes.Marker, old: _State | None) -> _State:
        """Every item read again; the rendering of unchanged ones kept (not across databases)."""
        renderer = Renderer(database_id(session), self.options)
        if old is not None and old.renderer.database_id != renderer.database_id:
            old = None
        state = _State(today, marker, renderer)
        for entry in iter_entries(session, self._win(today)):
            at = _order(entry.uid_key)
            state.add(at, self._item(renderer, entry, old.items.get(at) if old else None), ordered=False)
            state.order.append(at)  # read in the feed's order
        return state

    def _update(self, session: Session, state: _State, found: changes.Changed) -> None:
        """Read again the items of the contacts, tasks and deals found; render the ones that differ."""
        tasks, deals = set(found.tasks), set(found.deals)
        for contact in found.contacts:  # what shows these contacts now, and showed them before
            for kind, ident in state.by_contact.get(contact, ()):
                (tasks if kind == 1 else deals if kind == 2 else set()).add(ident)
        for deal in deals:
            tasks |= {ident for _, ident in state.by_deal.get(deal, ())}
        old: dict[tuple[int, int], _Item] = {}
        for contact in found.contacts:
            for at in list(state.by_contact.get(contact, ())):
                if at[0] not in (1, 2):  # its follow-up, birthday, dates
                    old[at] = state.remove(at)  # type: ignore[assignment]
        for kind, ids in ((1, tasks), (2, deals)):
            for ident in ids:
                item = state.remove((kind, ident))
                if item is not None:
                    old[(kind, ident)] = item
        scope = Scope(frozenset(found.contacts), frozenset(tasks), frozenset(deals))
        for entry in iter_entries(session, self._win(state.today), scope):
            at = _order(entry.uid_key)
            state.add(at, self._item(state.renderer, entry, old.get(at)))


class HeldSession:
    """One connection kept for every request (a PostgreSQL connection costs ~10 ms to open, more than the
    answer): opened again after an error, and when the SQLite file was replaced since (a restore)."""

    def __init__(self, database: Database):
        self.database = database
        self._lock = threading.Lock()
        self._session: Session | None = None
        self._file: tuple[int, int] | None = None

    def _identity(self) -> tuple[int, int] | None:
        if self.database.path is None:
            return None
        try:
            st = self.database.path.stat()
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def body(self, feed: LiveFeed, today: date) -> Body:
        with self._lock:
            identity = self._identity()
            if self._session is not None and identity != self._file:
                self._close()
            if self._session is None:
                self._session, self._file = self.database.connect(create=False), identity
            try:
                return feed.body(self._session, today)
            except BaseException:
                self._close()
                raise

    def _close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except Exception:  # a connection that broke is gone anyway
                pass
