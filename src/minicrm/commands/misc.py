"""Commands that belong to no noun: `demo`."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import app_ctx
from minicrm.i18n import _, counted


def demo(
    ctx: typer.Context,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing (and succeed) when data exists.")] = False,
) -> None:
    """Fill the selected (empty) database with a realistic sample client base."""
    from minicrm import output
    from minicrm.store.exchange.demo import fill, is_empty

    actx = app_ctx(ctx)
    if if_empty and not is_empty(actx.session()):
        output.note(_("{database} already holds data; demo left it as it is").format(database=actx.database.label))
        return
    counts = fill(actx.session(), today=actx.today())
    what = ", ".join(counted(counts[k], k) for k in ("companies", "contacts", "interactions", "deals"))
    output.note(_("demo data in {database}: {counts}").format(database=actx.database.label, counts=what))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
