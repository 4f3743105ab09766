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
