"""Dates and amounts as people read them: the config's `date_format` and `number_format`, else the language's.

Only tables, cards and the TUI go through here; JSON and CSV keep ISO dates and plain `1500.50` amounts.
English without settings keeps the unambiguous forms minicrm always showed (`2026-12-05`, `1500.50 EUR` in
tables), so nothing changes for scripts that read tables; Russian, Ukrainian and Bulgarian show `05.12.2026`
and `1 500,50 ₽`; `date_format dmy` or `number_format 1,234.56` turn the same on in any language
(`€1,500.50` in English).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

#: Date formats (config `date_format`): how a day is shown.
DATE_FORMATS = {"iso": "%Y-%m-%d", "dmy": "%d.%m.%Y", "mdy": "%m/%d/%Y"}
#: Number formats (config `number_format`) -> (thousands separator, decimal mark).
NUMBER_FORMATS = {"1,234.56": (",", "."), "1.234,56": (".", ","), "1 234,56": (" ", ","), "1 234.56": (" ", ".")}
#: Currency signs per language; a currency not listed is shown by its code. English puts €, $ and £ first.
_SIGNS = {
    "en": {"EUR": "€", "USD": "$", "GBP": "£"},
    "ru": {"RUB": "₽", "EUR": "€", "USD": "$", "UAH": "грн", "BGN": "лв."},
    "uk": {"UAH": "грн", "EUR": "€", "USD": "$", "RUB": "₽", "BGN": "лв."},
    "bg": {"BGN": "лв.", "EUR": "€", "USD": "$", "RUB": "₽", "UAH": "грн"},
}
_PREFIXED = {"en": frozenset({"EUR", "USD", "GBP"})}


class _Style:
    date: str = "iso"
    separators: tuple[str, str] | None = None  # None: plain `1500.50` (English without number_format)
    language: str = "en"

    @property
    def plain(self) -> bool:
        return self.date == "iso" and self.separators is None


_style = _Style()


def configure(*, date_format: Any = None, number_format: Any = None, language: str | None = None) -> None:
    """Set how this process shows dates and amounts (from the config file; None/unknown: the language's)."""
    from minicrm import i18n

    _style.language = language or i18n.language()
    local = _style.language != "en"
    _style.date = date_format if date_format in DATE_FORMATS else ("dmy" if local else "iso")
    chosen = NUMBER_FORMATS.get(number_format) if isinstance(number_format, str) else None
    _style.separators = chosen or ((" ", ",") if local else None)


def day(value: date) -> str:
    """`2026-12-05`, `05.12.2026` or `12/05/2026`."""
    return value.strftime(DATE_FORMATS[_style.date])


def yearless(month: int, day_of_month: int) -> str:
    """A day of the year without its year: `--12-05`, `05.12` or `12/05`."""
    if _style.date == "dmy":
        return f"{day_of_month:02d}.{month:02d}"
    if _style.date == "mdy":
        return f"{month:02d}/{day_of_month:02d}"
    return f"--{month:02d}-{day_of_month:02d}"


def moment(value: datetime) -> str:
    """A day and its time of day: `05.12.2026 15:00`."""
    return f"{day(value)} {value:%H:%M}"


def decimal(text: str) -> str:
    """A plain decimal (`37.8`) with the user's decimal mark (`37,8`), without grouping: percentages, ratios."""
    mark = (_style.separators or ("", "."))[1]
    return text.replace(".", mark)


def number(value: Decimal | int | str, *, grouping: tuple[str, str] | None = None) -> str:
    """`1500.5` -> `1 500,50` / `1,500.50`; plain `1500.50` where no grouping is configured."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    group, mark = grouping or _style.separators or ("", ".")
    whole, _, cents = f"{abs(amount):,.2f}".partition(".")
    return ("-" if amount < 0 else "") + whole.replace(",", group) + mark + cents


def money(value: Decimal | int | str, currency: str | None) -> str:
    """`1 500,50 ₽`, `1 500,50 грн`, `€1,500.50`, `1500.50 EUR` (English without number_format)."""
    text = number(value)
    if not currency:
        return text
    if _style.separators is None:
        return f"{text} {currency}"
    sign = _SIGNS.get(_style.language, {}).get(currency, currency)
    if currency in _PREFIXED.get(_style.language, ()):
        return ("-" + sign + text[1:]) if text.startswith("-") else sign + text
    return f"{text} {sign}"


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::\d{2})?")
_YEARLESS = re.compile(r"--(\d{2})-(\d{2})")  # a birthday or date without its year (vCard's --MM-DD)
_AMOUNT = re.compile(r"-?\d+\.\d{2}")
_MONEY = re.compile(r"(-?\d+\.\d{2}) ([A-Z]{3})")


def cell(text: str) -> str:
    """A table or card cell as shown: an ISO day or moment, an amount, or amounts with currencies (`81500.00 EUR,
    4800.00 USD`) in the user's format; any other text as it is."""
    if _style.plain or not text or not (text[0].isdigit() or text[0] == "-"):
        return text
    try:
        if _DAY.fullmatch(text):
            return day(date.fromisoformat(text))
        if _MOMENT.fullmatch(text):
            return moment(datetime.fromisoformat(text))
        if m := _YEARLESS.fullmatch(text):
            return yearless(int(m[1]), int(m[2]))
        if _AMOUNT.fullmatch(text):
            return number(text)
        parts = text.split(", ")
        if all(_MONEY.fullmatch(p) for p in parts):
            return ", ".join(money(*p.split(" ")) for p in parts)
    except (ValueError, InvalidOperation):
        return text
    return text
