"""Numbers of a typed custom field (turnover, head count...): signed decimals, grouped as money is."""

from __future__ import annotations

from decimal import Decimal

from minicrm.i18n import _
from minicrm.values import money
from minicrm.values.quantity import plain

LIMIT = Decimal(10) ** 15


def parse_number(text: str, what: str = "number") -> Decimal:
    """`1500`, `-3`, `1 000 000`, `1,5`, `2.75`: the grouping and decimal rules of `money` (an ambiguous `1,000`
    is refused unless the config's number_format says), a sign allowed, any number of decimals."""
    raw = str(text).strip().translate(money._GROUPING)
    sign = -1 if raw.startswith("-") else 1
    digits = raw[1:] if raw[:1] in "+-" else raw
    value = Decimal(money._plain(digits, str(text), what, money.DECIMAL)) * sign
    if abs(value) >= LIMIT:
        raise money.invalid(what, str(text), _("too large"))
    return plain(value) + 0  # + 0: -0 is 0


def number_text(value: Decimal) -> str:
    """The stored text of a number: `1000000`, `12.5`, `-3`."""
    return format(plain(value), "f")
