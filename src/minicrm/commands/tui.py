"""`minicrm tui`: the full-screen dashboard. Textual (~0.3 s of imports) loads only here."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import app_ctx
from minicrm.i18n import _


def tui(
    ctx: typer.Context,
    theme: Annotated[
        str, typer.Option("--theme", metavar="[dark|light]", help="dark or light (F2 switches).")
    ] = "dark",
) -> None:
    """Open the full-screen dashboard (keyboard first; ? lists the keys)."""
    from minicrm.errors import BadInput

    if theme not in ("dark", "light"):
        raise BadInput(_("unknown theme '{theme}' (dark or light)").format(theme=theme))
    actx = app_ctx(ctx)
    actx.session()  # create or migrate the database (and report problems) before the screen takes over
    actx.close()
    from minicrm.tui.app import MiniCrmApp

    target = actx.database.path or actx.database.url
    MiniCrmApp(target, today=actx.today_override, user=actx.user, theme=theme, read_only=actx.read_only).run()


def register(app: typer.Typer) -> None:
    app.command("tui")(tui)
