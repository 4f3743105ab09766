"""All rendering: tables (rich), JSON and CSV for data on stdout; errors and notes on stderr.

rich is imported only when a table is drawn (~100 ms), so JSON/CSV output and errors stay cheap.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

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


def console(stderr: bool = False):
    """A rich console for human output: data in tables and cards is never markup and never a control code."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:
            kwargs["markup"] = False
            return super().render_str(terminal_safe(text), **kwargs)

    stream = sys.stderr if stderr else sys.stdout
    # In a pipe, rich would wrap at 80 columns; keep each row on one line for grep and less -S.
    width = None if stream.isatty() else 240
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=False, width=width, markup=False)


Column = tuple[str, str]  # (key in the row dict, header)
#: A rich table costs ~1 ms a row; past this many rows a table is cut (JSON and CSV never are).
MAX_TABLE_ROWS = 1000


def emit_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: Format,
    *,
    title: str | None = None,
    empty: str = "nothing to show",
    styles: Callable[[dict[str, Any]], str | None] | None = None,
) -> None:
    """A listing: JSON prints every field of every row; table and CSV print `columns`."""
    if fmt is Format.json:
        write(to_json(list(rows)))
        return
    if fmt is Format.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        shown = terminal_safe if sys.stdout.isatty() else str
        out.writerow([key for key, _ in columns])
        for row in rows:
            out.writerow([shown(cell(row.get(key))) for key, _ in columns])
        return
    if not rows:
        note(empty)
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False)
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows[:MAX_TABLE_ROWS]:
        table.add_row(*(cell(row.get(key)) for key, _ in columns), style=styles(row) if styles else None)
    console().print(table)
    if len(rows) > MAX_TABLE_ROWS:
        note(
            f"... and {len(rows) - MAX_TABLE_ROWS} more rows: narrow with --limit or filters, or use --format json|csv"
        )


def emit_object(obj: dict[str, Any], fmt: Format, *, table: Callable[[dict[str, Any]], Iterable[Any]]) -> None:
    """One record (`show`): JSON object, a one-row CSV of its scalar fields, or rich renderables."""
    if fmt is Format.json:
        write(to_json(obj))
        return
    if fmt is Format.csv:
        keys = [k for k, v in obj.items() if not isinstance(v, (list, dict)) or k in ("emails", "phones", "tags")]
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(keys)
        out.writerow([cell(obj[k]) for k in keys])
        return
    con = console()
    for part in table(obj):
        con.print(part)


def key_values(pairs: Iterable[tuple[str, Any]], title: str | None = None):
    """A two-column rich table of label: value, skipping empty values."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    if title:
        grid.title = title
    for label, value in pairs:
        text = cell(value)
        if text:
            grid.add_row(label, text)
    return grid


def error(message: str) -> None:
    """The one line a failed command prints: `error: ...` on stderr (data in it shown visibly, on one line)."""
    sys.stderr.write(f"error: {terminal_safe(message).replace(chr(10), ' ')}\n")


def note(message: str) -> None:
    """A remark for the human on stderr, so stdout stays clean for scripts."""
    sys.stderr.write(terminal_safe(message) + "\n")
