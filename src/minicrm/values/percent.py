"""Percentages as users type them: `50`, `50%`, `50 %`, `12.5%` → a whole percent from 0 to 100.

A deal's or a stage's probability is a whole percent; a fraction is rounded half up (`12.5%` → 13), as a
person reading "about 12.5" would. `0.5` is not read as 50%: it means half a percent, which rounds to 1.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from minicrm.i18n import _
from minicrm.values.money import invalid

_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%?")


def parse_percent(text: str, what: str = "percentage") -> int:
    value = text.strip()
    m = _PERCENT.fullmatch(value)
    if not m:
        raise invalid(what, text, _("a whole percent from 0 to 100: 50 or 50%"))
    number = Decimal(m[1].replace(",", ".")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if number > 100:
        raise invalid(what, text, _("0 to 100"))
    return int(number)
