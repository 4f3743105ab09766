"""`minicrm ical export|serve|push`: follow-ups, tasks, deal steps and birthdays in the user's calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from minicrm.commands._common import MAX_DAYS, app_ctx
from minicrm.i18n import _, ngettext

if TYPE_CHECKING:
    from minicrm.context import AppContext
    from minicrm.ical.feed import FeedOptions

app = typer.Typer(help="Calendar feed: export an .ics file, serve it, or push it to CalDAV.", no_args_is_help=True)

DaysBackOpt = Annotated[
    int,
    typer.Option("--days-back", min=0, max=MAX_DAYS, help="Keep overdue items planned up to N days ago (shown today)."),
]
DaysAheadOpt = Annotated[
    int, typer.Option("--days-ahead", min=0, max=MAX_DAYS, help="Items planned up to N days ahead.")
]
IncludeOpt = Annotated[
    str | None,
    typer.Option("--include", metavar="KIND,...", show_default=False,
                 help="Comma-separated: followups,tasks,birthdays,deals,dates (default: all)."),
]  # fmt: skip
TodoOpt = Annotated[
    bool, typer.Option("--todo", help="Also add VTODOs for follow-ups and tasks (Thunderbird, CalDAV).")
]
AlarmOpt = Annotated[bool, typer.Option("--alarm", help="Add a reminder (09:00 on the day; 15 min before timed ones).")]
NameOpt = Annotated[str, typer.Option("--name", help="Calendar name shown by the app.")]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", metavar="ZONE", help="IANA time zone of timed items (default: local).", show_default=False),
]
RefreshOpt = Annotated[
    str, typer.Option("--refresh", metavar="DURATION", help="Suggested refresh interval (ISO 8601 duration).")
]


DEFAULT_NAME = "minicrm follow-ups"


def _include(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


def _options(name: str, tz: str | None, refresh: str, alarm: bool, todo: bool) -> FeedOptions:
    from minicrm.ical.feed import FeedOptions

    if name == DEFAULT_NAME:  # the default calendar name in the user's language; one the user chose as given
        name = _("minicrm follow-ups")
    description = _("Follow-ups, tasks, deal steps and birthdays from minicrm")
    return FeedOptions(name=name, description=description, tz=tz, refresh=refresh, alarm=alarm, todo=todo)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (default: standard output).")
    ] = None,
    days_back: DaysBackOpt = 365,
    days_ahead: DaysAheadOpt = 90,
    include: IncludeOpt = None,
    todo: TodoOpt = False,
    alarm: AlarmOpt = False,
    name: NameOpt = "minicrm follow-ups",
    tz: TzOpt = None,
    refresh: RefreshOpt = "PT1H",
) -> None:
    """Write the calendar (.ics); the same data always gives the same bytes."""
    from minicrm import output
    from minicrm.ical.feed import build_feed
    from minicrm.outfiles import output_file

    actx = app_ctx(ctx)
    options = _options(name, tz, refresh, alarm, todo)
    session = actx.session()
    with output_file(out, binary=True) as fh:  # written as the items are read; a file is replaced at the end
        count = build_feed(session, fh, today=actx.today(), options=options, days_back=days_back,
                           days_ahead=days_ahead, include=_include(include))  # fmt: skip
    if out is not None and out != "-":
        output.note(
            ngettext("wrote {n} event to {path}", "wrote {n} events to {path}", count).format(n=count, path=out)
        )


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="Port (0: any free port).")
    ] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="Required as ?token= (env MINICRM_ICAL_TOKEN); mandatory off loopback.", show_default=False
        ),
    ] = None,
    days_back: DaysBackOpt = 365,
    days_ahead: DaysAheadOpt = 90,
    include: IncludeOpt = None,
    todo: TodoOpt = False,
    alarm: AlarmOpt = False,
    name: NameOpt = "minicrm follow-ups",
    tz: TzOpt = None,
    refresh: RefreshOpt = "PT1H",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log requests.")] = False,
) -> None:
    """Serve the feed over HTTP for calendar subscriptions (webcal://HOST:PORT/minicrm.ics); Ctrl-C stops."""
    import os

    from minicrm import output
    from minicrm.ical.live import HeldSession, LiveFeed
    from minicrm.ical.serve import FEED_PATH, make_server

    actx = app_ctx(ctx)
    token = token or os.environ.get("MINICRM_ICAL_TOKEN") or None
    feed = LiveFeed(_options(name, tz, refresh, alarm, todo), days_back=days_back, days_ahead=days_ahead,
                    include=_include(include))  # fmt: skip
    actx.session()  # create or migrate the database once, before the first request

    held = HeldSession(actx.database)

    def render() -> tuple[bytes, str]:
        # rendered once; a request when nothing changed costs a few index look-ups (see minicrm.ical.live)
        body = held.body(feed, _today(actx))
        return body.data, body.etag

    server = make_server(render, host=host, port=port, token=token, log=None if quiet else output.note)
    bound = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    query = "?token=YOUR-TOKEN" if token else ""
    output.note(
        _("serving {url} (http:// works too); Ctrl-C stops").format(url=f"webcal://{shown}:{bound}{FEED_PATH}{query}")
    )
    import sys

    sys.stderr.flush()
    import contextlib
    import threading

    def warm() -> None:  # render the feed now, so that the first client does not wait for it
        with contextlib.suppress(Exception):  # a request reports the error, if it persists
            render()

    threading.Thread(target=warm, name="render", daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        output.note(_("stopped"))
    finally:
        server.server_close()


def _today(actx: AppContext):
    """--today when given, else the real date at each request (a server runs for days)."""
    return actx.today()


@app.command("push")
def push(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="CalDAV calendar URL (created if missing).")],
    user: Annotated[str | None, typer.Option("--user", "-u", metavar="USER", help="CalDAV user name.")] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            metavar="VAR",
            help="Name of the environment variable holding the password.",
            show_default=False,
        ),
    ] = None,
    days_back: DaysBackOpt = 365,
    days_ahead: DaysAheadOpt = 90,
    include: IncludeOpt = None,
    todo: TodoOpt = False,
    alarm: AlarmOpt = False,
    name: NameOpt = "minicrm follow-ups",
    tz: TzOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="[text|json]", help="text or json.")] = "text",
) -> None:
    """Make a CalDAV calendar hold the feed: create new items, update changed ones, delete those no longer due."""
    import os

    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.ical.entries import database_id
    from minicrm.ical.push import build_resources
    from minicrm.ical.push import push as push_to

    if fmt not in ("text", "json"):
        raise BadInput(_("unknown --format '{format}' (text or json)").format(format=fmt))
    if not url.startswith(("http://", "https://")):
        raise BadInput(_("invalid CalDAV URL '{url}' (http:// or https://)").format(url=url))
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise BadInput(
                _("environment variable {name} is not set (it should hold the CalDAV password)").format(
                    name=password_env
                )
            )
    if user and password is None:
        password = ""  # a user without a password still authenticates (Basic auth sends the name)
    actx = app_ctx(ctx)
    session = actx.session()
    wanted = build_resources(session, today=actx.today(), options=_options(name, tz, "PT1H", alarm, todo),
                             days_back=days_back, days_ahead=days_ahead, include=_include(include))  # fmt: skip
    suffix = f".{database_id(session)}@minicrm"
    result = push_to(url, wanted, uid_suffix=suffix, username=user, password=password, display_name=name)
    if fmt == "json":
        output.write(output.to_json(result.to_json()))
    else:
        output.note(
            _("{url}: {created} created, {updated} updated, {deleted} deleted, {unchanged} unchanged").format(
                url=result.url, created=len(result.created), updated=len(result.updated),
                deleted=len(result.deleted), unchanged=result.unchanged,
            )
        )  # fmt: skip


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ical")
