"""Option types and helpers shared by the command modules."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from minicrm.i18n import _
from minicrm.output import Format

if TYPE_CHECKING:
    from minicrm.context import AppContext
    from minicrm.dates import When

#: The most days an option takes (a century): more would overflow the dates it is added to.
MAX_DAYS = 36_500

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Show at most N rows.", show_default=False)]
IfRevisionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-revision",
        metavar="N",
        min=1,
        help="Only if the record is still at revision N (the `revision` of its JSON); else exit 1, nothing changed.",
        show_default=False,
    ),
]


def app_ctx(ctx: typer.Context) -> AppContext:
    return ctx.find_root().obj


def owner_id(actx: AppContext, owner: str | None) -> int | None:
    """The user id an `--owner` option names ('me' is --as; 'all' or nothing: everyone, None)."""
    if not owner or owner == "all":
        return None
    from minicrm.errors import BadInput
    from minicrm.store.people.users import resolve_user

    if owner == "me":
        if not actx.user:
            raise BadInput(_("--owner me needs --as USER or MINICRM_USER"))
        owner = actx.user
    return resolve_user(actx.session(), owner)


def when(actx: AppContext, text: str) -> When:
    from minicrm.dates import parse_when

    return parse_when(text, now=actx.now())


def on_date(actx: AppContext, text: str) -> date:
    return when(actx, text).date


def at_datetime(actx: AppContext, text: str) -> datetime:
    from minicrm.dates import parse_datetime

    return parse_datetime(text, now=actx.now())


def span_days(text: str) -> int:
    from minicrm.dates import parse_span

    return parse_span(text)


def fields_of(specs: list[str] | None) -> dict[str, str]:
    from minicrm.store.people.fields import parse_field

    return dict(parse_field(s) for s in specs or [])


def stdin_text() -> str:
    """All of standard input as text: UTF-8 (a BOM is dropped), else one clear error, whatever the locale says."""
    import sys

    from minicrm.errors import BadInput

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = f"0x{data[exc.start]:02x}"
        raise BadInput(
            _("standard input is not UTF-8 text (byte {byte} at offset {offset})").format(byte=byte, offset=exc.start)
        ) from None


def read_text_arg(value: str | None) -> str | None:
    """`-` reads the value from standard input."""
    if value == "-":
        return stdin_text().strip()
    return value
