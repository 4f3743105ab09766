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
from minicrm.i18n import N_, _

_SLASHED = re.compile(r"\s*(\d{1,2})[/-](\d{1,2})(?:[/-]\d{2}(?:\d{2})?)?\s*")
_NAMES = {"dmy": N_("day first"), "mdy": N_("month first"), "ymd": N_("year first")}
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
        msg = _("invalid --date-order '{value}' (one of: {choices})")
        raise BadInput(msg.format(value=order, choices=", ".join(DATE_ORDERS)))
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
        msg = _("{source}: dates in both orders: {dmy} (line {dmy_line}) is day first, {mdy} (line {mdy_line})"
                " month first; give --date-order dmy or mdy")  # fmt: skip
        raise BadInput(msg.format(source=source, dmy=day_first.value, dmy_line=day_first.line,
                                  mdy=month_first.value, mdy_line=month_first.line))  # fmt: skip
    proof = day_first or month_first
    if proof:
        order = "dmy" if day_first else "mdy"
        note = _("{source}: dates such as {value} (line {line}) read {order} ({proof} on line {proof_line})")
    elif configured in DATE_ORDERS:
        order = str(configured)
        note = _("{source}: dates such as {value} (line {line}) read {order} (date_format in the config);"
                 " give --date-order {other} if they are {other_order}")  # fmt: skip
    elif _OUTLOOK & {" ".join(h.lower().split()) for h in headers}:
        order = "mdy"
        note = _("{source}: dates such as {value} (line {line}) read {order} (an Outlook file);"
                 " give --date-order {other} if they are {other_order}")  # fmt: skip
    else:
        order = "dmy"
        note = _("{source}: dates such as {value} (line {line}) read {order};"
                 " give --date-order {other} if they are {other_order}")  # fmt: skip
    if first is not None:
        other = "mdy" if order == "dmy" else "dmy"
        notes.append(note.format(source=source, value=first.value, line=first.line, order=_(_NAMES[order]),
                                 proof=proof.value if proof else "", proof_line=proof.line if proof else 0,
                                 other=other, other_order=_(_NAMES[other])))  # fmt: skip
    return order
