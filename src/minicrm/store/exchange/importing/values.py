"""Field values shared by the CSV and vCard readers: phone/e-mail labels, tag lists, birthdays."""

from __future__ import annotations

import re
from datetime import datetime

from minicrm.store.people.fields import normalize_tag

_SPLIT_TAGS = re.compile(r"\s*(?::::|[;,])\s*")


_EMPTY_DATES = {"0/0/00", "0.0.00", "00.00.0000", "0000-00-00"}


def clean_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lstrip("*").strip().lower()
    return label or None


def tag_list(value: str) -> list[str]:
    tags = []
    for raw in _SPLIT_TAGS.split(value):
        raw = raw.strip().lstrip("*").strip()
        if raw and raw.lower() not in ("mycontacts", "my contacts"):
            tags.append(normalize_tag(raw))
    return tags


_ISO_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(T.*)?")
_ISO_LONG = re.compile(r"(\d{4})-(\d{2})-(\d{2})([T ].*)?")


def birthday_iso(text: str, *, now: datetime, year_omitted: bool = False, order: str = "dmy") -> str | None:
    """A birthday as written by Google, Apple, Outlook or a person → `1990-12-10` or `--12-10`.

    `order` is how a date with `/` or `-` is read (dmy, mdy: US files).
    """
    from minicrm.dates import parse_birthday

    value = text.strip()
    if not value or value in _EMPTY_DATES:
        return None
    m = _ISO_COMPACT.fullmatch(value) or _ISO_LONG.fullmatch(value)
    if m:
        # Apple writes a year-less birthday as 1604-MM-DD with X-APPLE-OMIT-YEAR; some tools use 0000.
        omitted = year_omitted or m[1] in ("1604", "0000")
        value = f"--{m[2]}-{m[3]}" if omitted else f"{m[1]}-{m[2]}-{m[3]}"
    return parse_birthday(value, now=now, order=order).iso()
