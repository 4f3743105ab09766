"""Durations typed for calls and time spent: `25m`, `1h`, `1h30m`, `90` (minutes), and printed back (`minutes_text`)."""

from __future__ import annotations

import re

from minicrm.errors import BadInput
from minicrm.i18n import _

_DURATION = re.compile(r"(?:(\d{1,4})h)?(?:(\d{1,6})(?:m|min)?)?")


def parse_minutes(text: str) -> int:
    """`25m`, `1h`, `1h30m`, `90` → minutes."""
    value = text.strip().lower().replace(" ", "")
    match = _DURATION.fullmatch(value)
    if not value or not match or not any(match.groups()):
        raise BadInput(_("invalid duration '{text}' (try 25m, 1h30m or 90)").format(text=text))
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def minutes_text(minutes: int) -> str:
    """Minutes as `parse_minutes` reads them back: `0m`, `25m`, `2h`, `1h30m`, `1234h05m` (up to 9999h)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h" if not rest else f"{hours}h{rest:02d}m"
