"""FitTable: a DataTable whose columns are sized to the width it has, never wider (#19).

Every column has a priority: when the columns do not fit, the one with the highest number drops first
(priority 0 never drops). Text columns (`cut=True`: names, subjects, companies) shrink down to their `min`
width and show what does not fit cut with `…`; the others (dates, amounts, e-mails, ids, counts) are
shown whole or not at all. The space left goes to the text columns, then to the `fill` column; nothing
hides off the right edge (no horizontal scrolling). The layout is computed
again when the table is resized or its data changes.

Cells are `Text` (or our own constant strings, never markup) and may hold several lines (one amount per
currency): the row is as tall as its tallest cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable

Cell = Text | str | None
#: The `fill` column takes spare width up to this many cells: wider, the eye loses the row.
FILL_MAX = 60
Row = tuple[str | None, Sequence[Cell]]


@dataclass(frozen=True)
class Col:
    """One column: its key, header, priority (0 never drops; higher drops first) and whether it may be cut."""

    key: str
    label: str
    priority: int = 0
    cut: bool = False
    min: int = 8
    fill: bool = False
    right: bool = False


def fit_widths(
    cols: Sequence[Col], natural: Sequence[int], width: int, pad: int, empty: Sequence[bool] = ()
) -> dict[int, int]:
    """Column index -> width for the columns shown in `width` cells (each column also takes `pad`).

    A column that may drop and has nothing to show (`empty`) is left out. Columns drop by priority until
    the rest fit at their narrowest (a text column's `min`, anything else its widest value); the spare
    width grows the text columns toward their widest value, the least-served first, and what is left goes
    to the `fill` column (up to FILL_MAX).
    """

    def narrowest(i: int) -> int:
        return min(natural[i], cols[i].min) if cols[i].cut else natural[i]

    shown = [i for i in range(len(cols)) if not (cols[i].priority and i < len(empty) and empty[i])]
    while sum(narrowest(i) + pad for i in shown) > width:
        droppable = [i for i in shown if cols[i].priority > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (cols[i].priority, i)))
    widths = {i: narrowest(i) for i in shown}
    spare = width - sum(w + pad for w in widths.values())
    if spare < 0:  # only columns that never drop are left: text columns give up their minimum
        for i in sorted((i for i in shown if cols[i].cut), key=lambda i: (-cols[i].priority, -i)):
            give = min(-spare, widths[i] - 1)
            widths[i] -= give
            spare += give
            if spare >= 0:
                break
    growing = [i for i in shown if cols[i].cut and widths[i] < natural[i]]
    while spare > 0 and growing:
        i = min(growing, key=lambda i: (widths[i] / natural[i], cols[i].priority, i))
        widths[i] += 1
        spare -= 1
        if widths[i] >= natural[i]:
            growing.remove(i)
    fill = next((i for i in shown if cols[i].fill), None)
    if spare > 0 and fill is not None:
        widths[fill] += max(0, min(spare, FILL_MAX - widths[fill]))
    return widths


def as_text(cell: Cell, col: Col) -> Text:
    """A cell as one-line-per-line Text cut with `…` where it is too wide (a `str` is never markup)."""
    text = cell.copy() if isinstance(cell, Text) else Text("" if cell is None else cell)
    text.no_wrap = True
    text.overflow = "ellipsis"
    text.end = ""
    if col.right:
        text.justify = "right"
    return text


def widest_line(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


class FitTable(DataTable[Any]):
    """A DataTable laid out by `Col` specs; fill it with `set_rows` / `append_rows`, not `add_row`."""

    DEFAULT_CSS = """
    FitTable { overflow-x: hidden; scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    """

    def __init__(self, cols: Sequence[Col], **kw: Any) -> None:
        super().__init__(**kw)
        self.cols = tuple(cols)
        self._source: list[tuple[str | None, tuple[Text, ...]]] = []
        self._natural = [cell_len(c.label) for c in self.cols]
        self._empty = [True] * len(self.cols)
        self._widths: dict[int, int] | None = None

    # -- data ---------------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row; the cursor goes back to the first."""
        self._source = []
        self._natural = [cell_len(c.label) for c in self.cols]
        self._empty = [True] * len(self.cols)
        self._widths = None
        self._take(rows)
        self._rebuild(keep_cursor=False)

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add rows at the end (the next page); the layout changes only if the new rows need it."""
        start = len(self._source)
        self._take(rows)
        if self._layout() != self._widths:
            self._rebuild(keep_cursor=True)
        else:
            self._add(self._source[start:])

    def _take(self, rows: Iterable[Row]) -> None:
        for key, cells in rows:
            texts = tuple(as_text(cell, col) for cell, col in zip(cells, self.cols, strict=True))
            self._source.append((key, texts))
            for i, text in enumerate(texts):
                self._natural[i] = max(self._natural[i], widest_line(text))
                self._empty[i] = self._empty[i] and not text.plain.strip()

    # -- layout -------------------------------------------------------------------------------------
    def _available(self) -> int:
        return max(0, self.size.width - self.styles.scrollbar_size_vertical)

    def _layout(self) -> dict[int, int]:
        width = self._available()
        if not width:  # not laid out yet: everything at its widest until the first resize
            return dict(enumerate(self._natural))
        empty = self._empty if self._source else []
        return fit_widths(self.cols, self._natural, width, 2 * self.cell_padding, empty)

    def on_resize(self, event: events.Resize) -> None:
        if self._layout() != self._widths:
            self._rebuild(keep_cursor=True)

    def _rebuild(self, *, keep_cursor: bool) -> None:
        row, scroll_y = self.cursor_row, self.scroll_y
        self._widths = self._layout()
        self.clear(columns=True)
        for i, width in sorted(self._widths.items()):
            col = self.cols[i]
            label = as_text(col.label, col)
            self.add_column(label, width=width, key=col.key)
        self._add(self._source)
        if keep_cursor and self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)

    def _add(self, rows: Sequence[tuple[str | None, tuple[Text, ...]]]) -> None:
        shown = sorted(self._widths or {})
        for key, texts in rows:
            cells = [texts[i] for i in shown]
            height = max((len(t.plain.split("\n")) for t in cells), default=1)
            self.add_row(*cells, key=key, height=height)

    # -- reading ------------------------------------------------------------------------------------
    def key_at(self, row: int | None = None) -> str | None:
        """The key of row `row` (default: the cursor's), or None when the table is empty."""
        if not self.row_count:
            return None
        index = self.cursor_row if row is None else row
        return self.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value

    @property
    def shown(self) -> list[str]:
        """The keys of the columns shown at this width, in order."""
        return [self.cols[i].key for i in sorted(self._widths or {})]
