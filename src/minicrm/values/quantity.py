"""Quantities of a product: positive decimals (point or comma), printed as typed (`100`, not `1E+2`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from minicrm.i18n import _
from minicrm.values.money import invalid

LIMIT = Decimal(10) ** 9


def parse_quantity(text: str | Decimal | int, what: str = "quantity") -> Decimal:
    raw = str(text).strip().replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise invalid(what, str(text), _("a positive number such as 3 or 1.5")) from None
    if not value.is_finite() or value <= 0 or value >= LIMIT or "e" in raw.lower():
        raise invalid(what, str(text), _("a positive number such as 3 or 1.5"))
    return plain(value)


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros or an exponent: 100.0 -> 100, 1.50 -> 1.5."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def quantity_text(value: Decimal | None) -> str | None:
    return None if value is None else format(plain(value), "f")
