"""The order of the dates in a CSV file: 3/4/1970 is 3 April in Europe and March 4 in the US.

Looked for in this order: `--date-order`; the file's own dates (10/13/1925 can only be month first, 13/10/1925
only day first; a file with both is refused); the config's `date_format`; the file's origin (Outlook's English
headers: month first); else day first. Dotted (04.05.1980) and ISO (1980-05-04) dates are never ambiguous.
Whenever an ambiguous date was read by a guess, the import says which order it used and how to change it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from minicrm.dates import DATE_ORDERS
from minicrm.errors import BadInput

_SLASHED = re.compile(r"\s*(\d{1,2})[/-](\d{1,2})(?:[/-]\d{2}(?:\d{2})?)?\s*")
_NAMES = {"dmy": "day first", "mdy": "month first", "ymd": "year first"}
#: Headers only Outlook's CSV export has (its English version writes dates the US way).
_OUTLOOK = {"e-mail display name", "business street", "home street", "business country/region", "e-mail type"}


@dataclass
class _Seen:
    value: str
    line: int


def check(order: str | None) -> str | None:
    if order is None:
        return None
    key = order.strip().lower()
    if key not in DATE_ORDERS:
        raise BadInput(f"invalid --date-order '{order}' (one of: {', '.join(DATE_ORDERS)})")
    return key


def detect(
    text: str,
    *,
    delimiter: str,
    columns: Sequence[int],
    headers: Sequence[str],
    source: str,
    given: str | None,
    configured: str | None,
    notes: list[str],
) -> str:
    """The order to read the date columns (`columns`: their indexes) of this file in; remarks go to `notes`."""
    if given:
        return given
    if not columns:
        return configured if configured in DATE_ORDERS else "dmy"
    first: _Seen | None = None
    day_first: _Seen | None = None
    month_first: _Seen | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, past_header = 1, False
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not past_header:
                past_header = any(c.strip() for c in cells)
                continue
            for index in columns:
                value = cells[index] if index < len(cells) else ""
                m = _SLASHED.fullmatch(value)
                if m is None:
                    continue
                a, b = int(m[1]), int(m[2])
                if a > 12 >= b and day_first is None:
                    day_first = _Seen(value.strip(), line)
                elif b > 12 >= a and month_first is None:
                    month_first = _Seen(value.strip(), line)
                elif a <= 12 and b <= 12 and a != b and first is None:
                    first = _Seen(value.strip(), line)
            if day_first and month_first:
                break
    except csv.Error:
        pass  # the import proper reports the malformed row
    if day_first and month_first:
        raise BadInput(
            f"{source}: dates in both orders: {day_first.value} (line {day_first.line}) is day first,"
            f" {month_first.value} (line {month_first.line}) month first; give --date-order dmy or mdy"
        )
    proof = day_first or month_first
    if proof:
        order = "dmy" if day_first else "mdy"
        reason = f"{proof.value} on line {proof.line}"
    elif configured in DATE_ORDERS:
        order, reason = str(configured), "date_format in the config"
    elif _OUTLOOK & {" ".join(h.lower().split()) for h in headers}:
        order, reason = "mdy", "an Outlook file"
    else:
        order, reason = "dmy", ""
    if first is not None:
        other = "mdy" if order == "dmy" else "dmy"
        hint = "" if proof else f"; give --date-order {other} if they are {_NAMES[other]}"
        said = f" ({reason})" if reason else ""
        notes.append(f"{source}: dates such as {first.value} (line {first.line}) read {_NAMES[order]}{said}{hint}")
    return order
