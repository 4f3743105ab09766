"""All rendering: tables (rich), JSON and CSV for data on stdout; errors and notes on stderr.

rich is imported only when a table is drawn (~100 ms), so JSON/CSV output and errors stay cheap.

Tables fit the width they are drawn at (`table_width`: COLUMNS, else the terminal's; no limit in a pipe). Each
column has a priority (1: always shown, 2 by default, 3 and up: dropped sooner); when the columns do not fit, the
lowest-priority ones are left out (the rightmost first), then long text is cut with `…`. Cells that must stay
whole to be read or copied (ids, e-mails, phones, and columns of numbers, amounts, dates and times) are never
wrapped nor cut. CSV mirrors the JSON of the same command: its columns are the JSON fields, with machine values.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TextIO

from minicrm import display, i18n
from minicrm.cells import UNSAFE_CODES, cell, terminal_safe

_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in UNSAFE_CODES if c >= 0x7F}


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    """UTF-8 JSON (names are not \\u-escaped), ISO dates, 2-space indent.

    Characters a terminal would act on (DEL, C1 controls, bidi overrides) are written as \\u escapes, as
    json already writes C0 controls: the same data for a script, nothing raw for a terminal.
    """
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default).translate(_JSON_ESCAPES)


def write(text: str) -> None:
    """Plain text on stdout; on a terminal, with control characters from the data shown visibly."""
    if sys.stdout.isatty():
        text = terminal_safe(text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


#: The width of a console in a pipe: wide enough that no row is cut or wrapped (tables take their natural width).
UNLIMITED = 10_000


def table_width(stream: TextIO | None = None) -> int | None:
    """The columns a table on `stream` (stdout) may use: COLUMNS when set (also in a pipe, as `ps` and
    `systemctl` do), else the terminal's width; None in a pipe, where rows are never cut."""
    stream = stream or sys.stdout
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if stream.isatty():
        try:
            return os.get_terminal_size(stream.fileno()).columns or 80
        except (OSError, ValueError):
            return 80
    return None


def console(stderr: bool = False):
    """A rich console for human output: data in tables and cards is never markup and never a control code."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:
            kwargs["markup"] = False
            return super().render_str(terminal_safe(text), **kwargs)

    stream = sys.stderr if stderr else sys.stdout
    # In a pipe rich would wrap at 80 columns: keep each row on one line for grep and less -S.
    width = table_width(stream) or UNLIMITED
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=False, width=width, markup=False)


#: A column: (key in the row dict, header) or (key, header, priority); priority 1 is always shown, 2 is the
#: default (1 for the first column), higher numbers are dropped first when the terminal is too narrow.
Column = tuple[str, str] | tuple[str, str, int]
#: A rich table costs ~1 ms a row; past this many rows a table is cut (JSON and CSV never are).
MAX_TABLE_ROWS = 1000
#: Text columns are cut (with …) to no less than this (or their header's width, or their longest cell).
TEXT_MIN_WIDTH = 10
#: ... and a less important column is left out rather than cutting a more important one below this.
TEXT_COMFORTABLE_WIDTH = 24
_GAP = 2  # spaces between two columns (rich's padding of one on either side)
#: Keys whose cells stay whole: ids, e-mails and phone numbers (copied with a double-click, dialled), bars.
_WHOLE_KEYS = frozenset({"id", "email", "emails", "phone", "phones", "bar"})
#: A cell of digits and punctuation: a number, percentage, date, time or datetime; or amounts with currencies.
_NUMERIC = re.compile(r"[-+(]?\d[\d .,:/()+%-]*|(-?\d[\d.,' ]* [A-Z]{3})(, -?\d[\d.,' ]* [A-Z]{3})*")


def is_whole(key: str, texts: Sequence[str]) -> bool:
    """True for a column whose cells are never wrapped nor cut: ids (`id`, `*_id`), e-mails, phones, and a
    column whose every cell is a number, percentage, date, time or amount (`81500.00 EUR, 4800.00 USD`)."""
    if key in _WHOLE_KEYS or key.endswith("_id"):
        return True
    filled = [t for t in texts if t]
    return bool(filled) and all(_NUMERIC.fullmatch(t) for t in filled)


def _cell_text(key: str, value: Any) -> Any:
    """A value as one line of a table cell; several e-mails or phones show the first one and how many more.

    A rich Text (a coloured bar) is kept as it is: its plain text is what is measured.
    """
    if hasattr(value, "plain"):
        return value
    if value is True:  # JSON says true, CSV true; a person reads yes
        return i18n.pgettext("table cell", "yes")
    if key in ("emails", "phones") and isinstance(value, (list, tuple)) and len(value) > 1:
        value = f"{value[0]} +{len(value) - 1}"
    text = terminal_safe(display.cell(cell(value)))
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


class _Col:
    __slots__ = ("comfortable", "header", "key", "minimum", "natural", "priority", "texts", "whole")

    def __init__(self, key: str, header: str, priority: int, cells: list[Any]) -> None:
        from rich.cells import cell_len
        from rich.text import Text

        self.key, self.header, self.priority = key, terminal_safe(i18n._(header) if header else header), priority
        self.texts = [c if isinstance(c, Text) else Text(c) for c in cells]
        plain = [t.plain for t in self.texts]
        self.whole = is_whole(key, plain)
        self.natural = max([cell_len(self.header), *(cell_len(t) for t in plain)]) or 1
        self.minimum = self.natural if self.whole else min(self.natural, max(TEXT_MIN_WIDTH, cell_len(self.header)))
        self.comfortable = self.natural if self.whole else min(self.natural, max(self.minimum, TEXT_COMFORTABLE_WIDTH))


def fit_columns(cols: Sequence[Any], width: int | None) -> tuple[list[int], list[int]]:
    """Which columns to show (indexes) and their widths at `width` (None: all, at their natural width).

    Each column has `priority`, `whole`, `natural`, `minimum` and `comfortable`. Columns are taken most
    important first (priority, then left to right); one is shown if it fits at its minimum width while every
    more important column keeps its comfortable width (priority 1 is always shown): so the lowest-priority
    columns are the ones left out, and a narrow one may still fit where a wide one did not. Then text columns
    are narrowed, the lowest priority and the widest first, to their comfortable width, then to their
    minimum, until the row fits.
    Whole columns are narrowed (cut with …) only when the priority-1 columns alone cannot fit.
    """
    shown = list(range(len(cols)))
    if width is None:
        return shown, [cols[i].natural for i in shown]

    def need(widths: dict[int, int], among: Iterable[int]) -> int:
        among = list(among)
        return sum(widths[i] for i in among) + _GAP * (len(among) - 1)

    least = {i: cols[i].minimum for i in shown}
    shown = []
    for i in sorted(least, key=lambda i: (cols[i].priority, i)):
        trial = [*shown, i]
        room = {j: cols[j].comfortable if cols[j].priority < cols[i].priority else cols[j].minimum for j in trial}
        if cols[i].priority <= 1 or need(room, trial) <= width:
            shown = trial
    shown.sort()
    widths = {i: cols[i].natural for i in shown}
    comfortable = {i: cols[i].comfortable for i in shown}
    priorities = sorted({cols[i].priority for i in shown}, reverse=True)
    passes = [([i for i in shown if not cols[i].whole and cols[i].priority == p], floors)
              for floors in (comfortable, least) for p in priorities]  # fmt: skip
    passes.append((shown, dict.fromkeys(shown, 1)))  # the last resort: cut anything
    for among, floors in passes:
        excess = need(widths, shown) - width
        while excess > 0:
            shrinkable = [i for i in among if widths[i] > floors[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: (widths[i], i))
            second = max((widths[i] for i in shrinkable if i != widest), default=0)
            step = max(1, min(excess, widths[widest] - floors[widest], widths[widest] - second))
            widths[widest] -= step
            excess -= step
    return shown, [widths[i] for i in shown]


def _priority(column: Column, index: int) -> int:
    """A column's priority: its third item, else 1 for the first column and 2 for the others."""
    return column[2] if len(column) > 2 else (1 if index == 0 else 2)


class Listing:
    """A table of rows that fits the width it is drawn at (see the module's docstring); a rich renderable.

    `hidden` names the columns left out at the last drawing, for a note.
    """

    def __init__(
        self,
        rows: Sequence[dict[str, Any]],
        columns: Sequence[Column],
        *,
        title: str | None = None,
        styles: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> None:
        self.rows = rows
        self.title = title
        self.styles = styles
        self.cols = [
            _Col(c[0], c[1], _priority(c, n), [_cell_text(c[0], r.get(c[0])) for r in rows])
            for n, c in enumerate(columns)
        ]
        self.hidden: list[str] = []

    def table(self, width: int | None):
        """The rich Table for `width` columns (None: no limit)."""
        from rich.table import Table
        from rich.text import Text

        shown, widths = fit_columns(self.cols, width)
        self.hidden = [c.header or c.key for i, c in enumerate(self.cols) if i not in shown and c.key != "bar"]
        table = Table(title=self.title, title_justify="left", header_style="bold", box=None, pad_edge=False)
        for i, w in zip(shown, widths, strict=True):
            table.add_column(Text(self.cols[i].header), width=w, no_wrap=True, overflow="ellipsis")
        for n, row in enumerate(self.rows):
            style = self.styles(row) if self.styles else None
            table.add_row(*(self.cols[i].texts[n] for i in shown), style=style)
        return table

    def __rich_console__(self, console, options):
        limit = options.max_width if options.max_width < UNLIMITED else None
        yield self.table(limit)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        shown, widths = fit_columns(self.cols, None)
        natural = sum(widths) + _GAP * (len(shown) - 1)
        least = sum(c.minimum for c in self.cols if c.priority == 1) + _GAP * (
            sum(c.priority == 1 for c in self.cols) - 1
        )
        return Measurement(min(least, options.max_width), min(natural, options.max_width))


def emit_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: Format,
    *,
    title: str | None = None,
    empty: str | None = None,
    styles: Callable[[dict[str, Any]], str | None] | None = None,
    per_currency: Sequence[str] = (),
) -> None:
    """A listing: JSON prints every field of every row, CSV the same fields (`emit_csv`), a table `columns`."""
    if fmt is Format.json:
        write(to_json(list(rows)))
        return
    if fmt is Format.csv:
        emit_csv(rows, per_currency=per_currency)
        return
    if not rows:
        note(empty if empty is not None else i18n._("nothing to show"))
        return
    listing = Listing(rows[:MAX_TABLE_ROWS], columns, title=title, styles=styles)
    con = console()
    con.print(listing)
    if listing.hidden:
        hidden = ", ".join(listing.hidden)
        note(
            i18n._("not shown at {width} columns: {columns} (all of them: --format json or csv)").format(
                width=con.width, columns=hidden
            )
        )
    if len(rows) > MAX_TABLE_ROWS:
        more = len(rows) - MAX_TABLE_ROWS
        note(
            i18n.ngettext(
                "... and {n} more row: narrow with --limit or filters, or use --format json|csv",
                "... and {n} more rows: narrow with --limit or filters, or use --format json|csv",
                more,
            ).format(n=more)
        )


def machine(value: Any) -> str:
    """A JSON value as a CSV cell: text as is, numbers and true/false as JSON writes them, null empty, ISO dates,
    a list of plain values joined with `; `, an object or a list of objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (list, tuple)) and not any(isinstance(v, (dict, list, tuple)) for v in value):
        return "; ".join(machine(v) for v in value)
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)
        return text.translate(_JSON_ESCAPES)
    return str(_default(value))


def csv_lines(rows: Iterable[dict[str, Any]], *, per_currency: Sequence[str] = ()) -> Iterable[list[str]]:
    """The header and rows of the CSV of `rows` (JSON objects): one column per JSON field, in JSON's order.

    `per_currency` names fields holding amounts per currency ({"EUR": "81500.00", "USD": "4800.00"}): such a
    row becomes one line per currency, with a `currency` column before the first of those fields, each holding
    that currency's amount (a row without any amount: one line, currency empty).
    """
    rows = list(rows)
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    header = list(keys)
    if per_currency and rows:
        header.insert(min(header.index(f) for f in per_currency), "currency")
    yield header
    for row in rows:
        if not per_currency:
            yield [machine(row.get(k)) for k in header]
            continue
        currencies = list(dict.fromkeys(c for f in per_currency for c in (row.get(f) or {}))) or [""]
        for cur in currencies:
            line = {**row, **{f: (row.get(f) or {}).get(cur) for f in per_currency}, "currency": cur}
            yield [machine(line.get(k)) for k in header]


def emit_csv(rows: Iterable[dict[str, Any]], *, per_currency: Sequence[str] = ()) -> None:
    """CSV on stdout of `rows` (`csv_lines`); an empty listing prints nothing, as its JSON is `[]`."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    shown = terminal_safe if sys.stdout.isatty() else str
    lines = iter(csv_lines(rows, per_currency=per_currency))
    header = next(lines)
    first = next(lines, None)
    if first is None:
        return
    out.writerow(header)
    out.writerow([shown(c) for c in first])
    for line in lines:
        out.writerow([shown(c) for c in line])


def emit_data(data: Any, fmt: Format, *, csv_rows: Sequence[dict[str, Any]] | None = None) -> bool:
    """For a machine format, `data` as JSON or as CSV, and True; False for a table (the caller draws it).

    The CSV is `csv_rows` (a report's main list, e.g. `whois`'s matches), else `data` itself: a list of rows,
    or one object as a one-row CSV.
    """
    if fmt is Format.json:
        write(to_json(data))
        return True
    if fmt is Format.csv:
        emit_csv(csv_rows if csv_rows is not None else data if isinstance(data, list) else [data])
        return True
    return False


def emit_object(obj: dict[str, Any], fmt: Format, *, table: Callable[[dict[str, Any]], Iterable[Any]]) -> None:
    """One record (`show`): a JSON object, a one-row CSV of the same fields, or rich renderables."""
    if emit_data(obj, fmt):
        return
    con = console()
    for part in table(obj):
        con.print(part)


def key_values(pairs: Iterable[tuple[str, Any]], title: str | None = None):
    """A two-column rich table of label: value, skipping empty values (long values wrap between words)."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    if title:
        grid.title = title
    for label, value in pairs:
        text = i18n.pgettext("table cell", "yes") if value is True else display.cell(cell(value))
        if text:
            grid.add_row(label, text)
    return grid


def error(message: str) -> None:
    """The one line a failed command prints: `error: ...` on stderr (data in it shown visibly, on one line)."""
    sys.stderr.write(f"error: {terminal_safe(message).replace(chr(10), ' ')}\n")


def note(message: str) -> None:
    """A remark for the human on stderr, so stdout stays clean for scripts."""
    sys.stderr.write(terminal_safe(message) + "\n")
