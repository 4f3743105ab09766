"""Money: amounts as exact decimals with at most two decimals, stored as minor units (cents), and currencies.

Accepted: `1500`, `1500.50`, `1500,50`, `1 500,50`, `1.500,50`, `1,500.50`, `1'500.50`. A single separator
followed by exactly three digits (`1,000`, `1.000`) could be either a thousands separator or a decimal one:
that is an error that shows how to write it, unless the decimal separator is known (`decimal=`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

from minicrm.errors import BadInput
from minicrm.i18n import N_, _

CENT = Decimal("0.01")
#: Amounts from 10^15 on are typos (a trillion in major units).
LIMIT = Decimal(10) ** 15
_GROUPING = str.maketrans("", "", " \u00a0\u202f'_")
#: The decimal separator the user chose (config `number_format`), set once per process by the CLI/TUI context;
#: None: guess from the text, and refuse a single separator before exactly three digits as ambiguous.
DECIMAL: str | None = None
NUMBER_FORMATS = {"1,234.56": ".", "1.234,56": ",", "1 234,56": ","}
#: the names of values callers pass as `what` in English, translated when shown (a caller may pass its own,
#: already translated: `_()` leaves a text that is no message as it is)
WHAT = (N_("amount"), N_("rate"), N_("revenue"), N_("price"), N_("probability"), N_("percentage"), N_("quantity"),
        N_("number"))  # fmt: skip


def invalid(what: str, text: str, why: str) -> BadInput:
    """`invalid amount '1,5,0' (too large)`: `why` is a translated reason."""
    return BadInput(_("invalid {what} '{text}' ({reason})").format(what=what_name(what), text=text, reason=why))


def what_name(what: str) -> str:
    """One of `WHAT` in the user's language; any other name (a custom field's, or one translated by the caller)
    as it is."""
    return _(what) if what in WHAT else what


def _example() -> str:
    return _("e.g. 1500, 1500.50 or 1 500,50")


def set_number_format(number_format: str | None) -> None:
    global DECIMAL
    DECIMAL = NUMBER_FORMATS.get(number_format or "")


def parse_money(text: str | Decimal | int, what: str = "amount", *, decimal: str | None = None) -> Decimal:
    """A non-negative amount with at most two decimals, exact (never a float)."""
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        return _checked(Decimal(text), str(text), what)
    raw = str(text).strip().translate(_GROUPING)
    if raw.startswith("-"):
        raise invalid(what, str(text), _("must be zero or more"))
    number = _plain(raw, str(text), what, decimal or DECIMAL)
    return _checked(Decimal(number), str(text), what)


def _plain(raw: str, text: str, what: str, decimal: str | None) -> str:
    """`raw` with grouping removed and `.` as the decimal point, or BadInput."""
    example = _example()
    if not raw or not re.fullmatch(r"[\d.,]+", raw) or not raw[0].isdigit() or not raw[-1].isdigit():
        raise invalid(what, text, example)
    seps = [c for c in raw if c in ",."]
    if not seps:
        return raw
    last = seps[-1]
    head, _sep, tail = raw.rpartition(last)
    if len(set(seps)) == 2:  # both: the last one is the decimal separator
        if last in head.replace(seps[0], "", head.count(seps[0])) or head.count(last):
            raise invalid(what, text, example)
        return _grouped(head, seps[0], text, what, example) + "." + _decimals(tail, text, what, example)
    if len(seps) > 1:  # one kind, several times: thousands (1,234,567)
        return _grouped(raw, last, text, what, example)
    if decimal is not None:  # the user said which separator is the decimal one
        if last == decimal:
            return head + "." + _decimals(tail, text, what, example)
        return _grouped(raw, last, text, what, example)
    if len(tail) == 3:
        raise BadInput(
            _(
                "ambiguous {what} '{text}' (a thousands or a decimal separator?): write {whole} for the whole"
                " number, or at most two decimals (e.g. {decimals}); or set your number format once:"
                " minicrm config set number_format 1,234.56 (or 1.234,56)"
            ).format(what=what_name(what), text=text, whole=f"{head}{tail}", decimals=f"{head}.{tail[:2]}")
        )
    return head + "." + _decimals(tail, text, what, example)


def _grouped(number: str, sep: str, text: str, what: str, example: str) -> str:
    groups = number.split(sep)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise BadInput(
            _("invalid {what} '{text}' (digit groups of three after the first: {example})").format(
                what=what_name(what), text=text, example=example
            )
        )
    return "".join(groups)


def _decimals(tail: str, text: str, what: str, example: str) -> str:
    if not tail:
        raise invalid(what, text, example)
    return tail  # more than two decimals are refused by value (1,500 with a decimal comma is 1.5)


def _checked(value: Decimal, text: str, what: str) -> Decimal:
    if not value.is_finite() or value < 0:
        raise invalid(what, str(text), _("must be zero or more"))
    if value != value.quantize(CENT, rounding=ROUND_HALF_EVEN):
        raise invalid(what, text, _("at most two decimals"))
    if value >= LIMIT:
        raise invalid(what, text, _("too large"))
    return value.quantize(CENT)


def to_minor(value: Decimal) -> int:
    """Exact minor units (cents) of an amount."""
    return int((value * 100).to_integral_value(ROUND_HALF_EVEN))


def from_minor(minor: int | None) -> Decimal:
    return (Decimal(minor or 0) / 100).quantize(CENT)


def minor_text(minor: int | None) -> str | None:
    """Minor units as the exact decimal text the parser reads back: 123456 -> '1234.56' (None stays None)."""
    return None if minor is None else str(from_minor(minor))


def parse_currency(text: str) -> str:
    """A three-letter ISO 4217 code, upper-case."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise BadInput(_("invalid currency '{text}' (a 3-letter code such as EUR)").format(text=text))
    return code
