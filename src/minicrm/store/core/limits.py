"""How much text one value may hold: names, one-line fields and notes, on every path (commands, TUI, imports).

Nobody's name is 5,000 characters long; such a value is a paste gone wrong or an attack on the screens and
reports that show it. The limits are generous for real data (legal company names, long meeting notes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from minicrm.errors import BadInput
from minicrm.i18n import _, language, pgettext

NAME_MAX = 300  # a contact's, company's, deal's, task's, campaign's name or title, a request's subject
LINE_MAX = 2_000  # any other one-line value: role, city, goal, summary, e-mail, tag, custom field
TEXT_MAX = 100_000  # notes, interaction bodies, descriptions, resolutions

NAME_KEYS = frozenset({"name", "title", "subject"})
TEXT_KEYS = frozenset({"notes", "note", "body", "description", "resolution"})


def limit_of(key: str) -> int:
    if key in NAME_KEYS:
        return NAME_MAX
    return TEXT_MAX if key in TEXT_KEYS else LINE_MAX


def check_lengths(values: Mapping[str, Any]) -> None:
    """Refuse a value longer than its limit, naming the field (lists and custom fields are checked item by item)."""
    for key, value in values.items():
        if isinstance(value, str):
            _check(key, value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, str):
                        _check(key, part)
        elif isinstance(value, Mapping):
            for field, text in value.items():
                _check(key, str(field))
                if isinstance(text, str):
                    _check(key, text)


def _check(key: str, text: str) -> None:
    limit = limit_of(key)
    if len(text) > limit:
        what = _field_name(key)
        raise BadInput(
            _("{what}: {n} characters, at most {limit} allowed").format(
                what=what, n=_count(len(text)), limit=_count(limit)
            )
        )


def _count(n: int) -> str:
    """`2,000` in English, `2 000` in Russian, Ukrainian and Bulgarian."""
    text = f"{n:,}"
    return text if language() == "en" else text.replace(",", " ")


def _field_name(key: str) -> str:
    """The name of a field in a message: `next_step` -> `next step`, in the user's language when it is a common one
    (a custom field's name is shown as it is)."""
    names = {
        "name": pgettext("field", "name"), "title": pgettext("field", "title"),
        "subject": pgettext("field", "subject"), "notes": pgettext("field", "notes"),
        "note": pgettext("field", "note"), "body": pgettext("field", "body"),
        "description": pgettext("field", "description"), "resolution": pgettext("field", "resolution"),
        "role": pgettext("field", "role"), "city": pgettext("field", "city"), "goal": pgettext("field", "goal"),
        "summary": pgettext("field", "summary"), "email": pgettext("field", "email"),
        "emails": pgettext("field", "emails"), "phone": pgettext("field", "phone"),
        "phones": pgettext("field", "phones"), "tag": pgettext("field", "tag"), "tags": pgettext("field", "tags"),
        "source": pgettext("field", "source"), "channel": pgettext("field", "channel"),
        "next_step": pgettext("field", "next step"), "label": pgettext("field", "label"),
    }  # fmt: skip
    return names.get(key, key.replace("_", " "))


P = ParamSpec("P")
R = TypeVar("R")


def limited(function: Callable[P, R]) -> Callable[P, R]:
    """Check the text of a service function's keyword arguments before it writes anything."""

    @wraps(function)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        check_lengths(kwargs)
        return function(*args, **kwargs)

    return checked
