"""The plain text of a value in a table or CSV cell: shared by the output layer and the CSV export.

Kept apart from `output` so the store (which writes CSV) never imports the rendering code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def cell(value: Any) -> str:
    """A value as text for a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    text = str(value)
    if len(text) == 19 and text[10] == "T" and text[4] == "-":  # an ISO datetime from to_json()
        return text[:10] + " " + text[11:16]
    return text


#: Characters that must never reach a terminal from the data: C0 controls but tab and newline (ESC starts
#: escape sequences: window titles, colours, hyperlinks), DEL, C1 controls (0x9b is a one-byte CSI), and the
#: bidirectional overrides and isolates that reorder what is shown ("Trojan source").
_UNSAFE = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}  # shown as ␛, ␀, ␍ ...
_UNSAFE[0x7F] = "\u2421"  # ␡
_UNSAFE.update(dict.fromkeys(range(128, 160), "�"))
_UNSAFE.update(dict.fromkeys((1564, 8206, 8207, *range(8234, 8239), *range(8294, 8298)), "�"))


UNSAFE_CODES = frozenset(_UNSAFE)


def terminal_safe(text: str) -> str:
    """`text` with every control character, escape sequence starter and bidi override replaced visibly."""
    return text.translate(_UNSAFE)


def has_control(text: str) -> bool:
    """True when `text` holds a character `terminal_safe` would replace (or a tab or newline)."""
    return text != text.translate(_UNSAFE) or "\t" in text or "\n" in text
