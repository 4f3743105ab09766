"""`minicrm hook ...`: the hooks and webhooks run on events (#22)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, LimitOpt, app_ctx
from minicrm.i18n import N_, _, ngettext, pgettext
from minicrm.output import Format

app = typer.Typer(help="Hooks and webhooks run on events: a deal won, a contact added...", no_args_is_help=True)
EventArg = Annotated[str, typer.Argument(metavar="EVENT", help="An event: deal.won, contact.created... (hook list).")]
LIST_COLUMNS = [
    ("event", N_("Event"), 1),
    ("kind", N_("Kind"), 1),
    ("target", N_("Runs / posts to"), 1),
    ("detail", "", 2),
    ("id", N_("ID"), 3),
]
LOG_COLUMNS = [
    ("at", N_("At"), 1),
    ("event", N_("Event"), 1),
    ("url", N_("URL"), 2),
    ("result", N_("Result"), 1),
    ("error", N_("Error"), 3),
    ("ms", N_("ms"), 4),
    ("delivery", N_("Delivery"), 3),
    ("state", N_("State"), 2),
    ("attempts", N_("Tries"), 3),
    ("next_attempt_at", N_("Next try"), 3),
]
TEST_COLUMNS = [("kind", N_("Kind"), 1), ("target", N_("Target"), 1), ("result", N_("Result"), 1)]


def _words(rows: list[dict[str, Any]], fmt: Format) -> list[dict[str, Any]]:
    """The table's kinds, results and states in the user's language (JSON and CSV keep hook, ok, pending...)."""
    if fmt is not Format.table:
        return rows
    words = {"hook": pgettext("hook kind", "hook"), "webhook": pgettext("hook kind", "webhook"),
             "ok": pgettext("hook result", "ok"), "delivered": pgettext("webhook post", "delivered"),
             "pending": pgettext("webhook post", "pending"), "failed": pgettext("webhook post", "failed")}  # fmt: skip
    shown = ("kind", "result", "state")
    return [{k: words.get(v, v) if k in shown and isinstance(v, str) else v for k, v in row.items()} for row in rows]


def _event(name: str, *, before: bool = False) -> str:
    from minicrm.errors import BadInput
    from minicrm.store.core.events import EVENTS

    bare = name.removeprefix("before-") if before else name
    if bare not in EVENTS:
        raise BadInput(_("unknown event '{name}' (one of: {choices})").format(name=name, choices=", ".join(EVENTS)))
    return name


@app.command("list")
def list_hooks(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """The hooks in the hooks folder and the webhooks, by event."""
    from minicrm import output
    from minicrm.store.core.hooks import local, webhooks

    actx = app_ctx(ctx)
    folder = local.hooks_dir()
    rows: list[dict[str, Any]] = [
        {"event": event, "kind": "hook", "target": str(path), "id": None,
         "detail": "" if local.executable(path) else _("not executable: never run (chmod +x)")}
        for event, path in local.installed(folder)
    ]  # fmt: skip
    for hook in webhooks.list_webhooks(actx.session()):
        detail = ", ".join(part for part in (
            _("signed with ${var}").format(var=hook.secret_env) if hook.secret_env else _("unsigned"),
            _("{n} pending").format(n=hook.pending) if hook.pending else "",
            _("{n} given up").format(n=hook.failed) if hook.failed else "",
        ) if part)  # fmt: skip
        rows.append({"event": hook.event, "kind": "webhook", "target": hook.url, "id": hook.id, "detail": detail,
                     "secret_env": hook.secret_env, "pending": hook.pending, "failed": hook.failed})  # fmt: skip
    rows.sort(key=lambda r: (r["event"], r["kind"]))
    output.emit_rows(
        _words(rows, fmt), LIST_COLUMNS, fmt, empty=_("no hooks in {folder} and no webhooks").format(folder=folder)
    )


@app.command("add")
def add(
    ctx: typer.Context,
    event: EventArg,
    url: Annotated[str, typer.Option("--url", help="The http(s) address to POST each event's JSON to.")],
    secret_env: Annotated[
        str | None,
        typer.Option("--secret-env", metavar="VAR", help="Sign with the secret in this environment variable."),
    ] = None,
) -> None:
    """Post every EVENT to URL (a webhook) and print its id; signed with HMAC-SHA256 when --secret-env is given."""
    import os

    from minicrm import output
    from minicrm.store.core.events import forget_subscriptions
    from minicrm.store.core.hooks.webhooks import add_webhook

    actx = app_ctx(ctx)
    session = actx.session()
    webhook_id = add_webhook(session, _event(event), url, secret_env=secret_env, now=actx.now(),
                             user_id=actx.user_id())  # fmt: skip
    forget_subscriptions(session)
    output.write(str(webhook_id))
    if secret_env and not os.environ.get(secret_env):
        msg = _("${var} is not set here: set it wherever minicrm runs (cron too), or posts will fail")
        output.note(msg.format(var=secret_env))


@app.command("remove")
def remove(
    ctx: typer.Context,
    event: EventArg,
    url: Annotated[str | None, typer.Option("--url", help="Only the webhook posting here.")] = None,
) -> None:
    """Remove the webhooks of EVENT (hooks are files: delete or rename them); undelivered posts are dropped."""
    from minicrm import output
    from minicrm.store.core.events import forget_subscriptions
    from minicrm.store.core.hooks.webhooks import remove_webhooks

    actx = app_ctx(ctx)
    session = actx.session()
    count = remove_webhooks(session, _event(event), url=url, now=actx.now(), user_id=actx.user_id())
    forget_subscriptions(session)
    output.note(
        ngettext("removed {n} webhook of {event}", "removed {n} webhooks of {event}", count).format(
            n=count, event=event
        )
    )


@app.command("test")
def test(ctx: typer.Context, event: EventArg, fmt: FormatOpt = Format.table) -> None:
    """Send EVENT (or before-EVENT) with the newest record of its kind, marked "test": true; exit 1 if one fails."""
    from minicrm import output
    from minicrm.store.core.events import fire_test
    from minicrm.store.views.event_samples import sample_record

    actx = app_ctx(ctx)
    session = actx.session()
    name = _event(event, before=True)
    results = fire_test(session, name, sample_record(session, name))
    if fmt is Format.table:
        for result in results:
            if result["output"].strip():
                output.note(result["output"].rstrip("\n"))
    output.emit_rows(_words(results, fmt), TEST_COLUMNS, fmt, empty=_("nothing listens to {event}").format(event=name))
    if not all(r["ok"] for r in results):
        raise typer.Exit(1)


@app.command("deliver")
def deliver(
    ctx: typer.Context,
    limit: LimitOpt = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="First put the posts that were given up back in the queue.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Post the webhooks due now (for cron): retries with back-off, at least once, never two runs on one post."""
    from minicrm import output
    from minicrm.store.core.events import settings
    from minicrm.store.core.hooks import delivery, webhooks

    actx = app_ctx(ctx)
    session = actx.session()
    if retry_failed:
        webhooks.retry_failed(session, now=actx.now())
    summary = delivery.deliver(session, now=actx.now, timeout=settings(session).webhook_timeout, limit=limit)
    for problem in summary.problems:
        output.note(problem)
    data = summary.to_json()
    if fmt is Format.table:
        if summary.delivered or summary.failed:
            line = _("delivered {delivered}, failed {failed} (retried later)").format(
                delivered=summary.delivered, failed=summary.failed
            )
            if summary.gave_up:
                line += _(", given up {n}").format(n=summary.gave_up)
            output.note(line)
        return
    output.emit_data(data, fmt, csv_rows=[data])


@app.command("log")
def log(
    ctx: typer.Context,
    event: Annotated[str | None, typer.Argument(metavar="[EVENT]", help="Only this event's posts.")] = None,
    limit: LimitOpt = 50,
    fmt: FormatOpt = Format.table,
) -> None:
    """The latest webhook attempts, newest first: HTTP status or error, time taken, the post's state."""
    from minicrm import output
    from minicrm.store.core.hooks.webhooks import attempt_log

    actx = app_ctx(ctx)
    rows = attempt_log(actx.session(), event=_event(event) if event else None, limit=limit)
    output.emit_rows(_words(rows, fmt), LOG_COLUMNS, fmt, empty=_("no webhook attempts yet"))


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="hook")
