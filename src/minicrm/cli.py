"""The `minicrm` command: global options, one sub-app per noun, and the error edge.

Only typer is imported here; every command imports what it needs inside its body, so `--help`
and light commands do not pay for Textual, icalendar or SQLAlchemy.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from minicrm import __version__
from minicrm.errors import ExitCode, MinicrmError

try:  # newer typer vendors click as typer._click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException
Abort = typer.Abort


class MinicrmGroup(TyperGroup):
    """Turns every error into one `error:` line on stderr and an exit code; never a traceback."""

    def main(
        self,
        args: Any = None,
        prog_name: Any = None,
        complete_var: Any = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from minicrm import output

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except MinicrmError as exc:
            output.error(str(exc))
            code = exc.exit_code
        except ClickException as exc:
            output.error(exc.format_message())
            code = exc.exit_code
        except (Abort, KeyboardInterrupt):
            output.error("interrupted; nothing was written")
            code = 130
        except BrokenPipeError:
            code = 0
        except Exception as exc:
            if os.environ.get("MINICRM_DEBUG"):
                raise
            output.error(f"internal error: {type(exc).__name__}: {exc} (MINICRM_DEBUG=1 shows the traceback)")
            code = ExitCode.FAILURE
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=MinicrmGroup,
    name="minicrm",
    help="A CRM that lives in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"minicrm {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="Database file or URL (env MINICRM_DB).", show_default=False)
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Pretend today is YYYY-MM-DD (env MINICRM_TODAY).", show_default=False)
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Act as this user (env MINICRM_USER).", show_default=False)
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    from minicrm.context import AppContext

    ctx.obj = AppContext.from_options(db, today, as_user)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from minicrm.commands import (
        campaigns,
        companies,
        contacts,
        followups,
        ical,
        interactions,
        io,
        misc,
        reports,
        requests,
        team,
        whois,
    )
    from minicrm.commands import tui as tui_cmd

    app.add_typer(contacts.app, name="contact")
    app.add_typer(companies.app, name="company")
    interactions.register(app)
    misc.register(app)
    followups.register(app)
    ical.register(app)
    io.register(app)
    campaigns.register(app)
    requests.register(app)
    whois.register(app)
    team.register(app)
    reports.register(app)
    tui_cmd.register(app)


_register()


def main() -> None:
    app()
