"""JSON that users hand us (files to import, `-f json` output piped back in), read without surprises.

`json.loads` accepts `NaN`, `Infinity` and `1e999` (not JSON: they become floats no column can store) and
overflows the interpreter's stack on a few kilobytes of `[[[[`; both are refused here as bad input that names
the source, as is malformed JSON (with its line).
"""

from __future__ import annotations

import json
import math
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _


def parse_json(text: str, source: str) -> Any:
    """The document in `text`; `source` names where it came from in the error (a file, `line 3`, stdin)."""

    def constant(name: str) -> Any:
        raise BadInput(_("{source}: {name} is not a JSON number").format(source=source, name=name))

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise BadInput(_("{source}: {literal} is too large a number").format(source=source, literal=literal))
        return value

    try:
        return json.loads(text, parse_constant=constant, parse_float=number)
    except json.JSONDecodeError as exc:
        raise BadInput(
            _("{source}: line {line}: invalid JSON ({reason})").format(source=source, line=exc.lineno, reason=exc.msg)
        ) from None
    except RecursionError:
        raise BadInput(_("{source}: the JSON is nested too deeply").format(source=source)) from None
