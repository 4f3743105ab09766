"""`minicrm mail import|log|sync`: e-mail in the timeline, from Maildir/mbox, a mail client's pipe, or IMAP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from minicrm.commands._common import FormatOpt, app_ctx, on_date
from minicrm.i18n import N_, _
from minicrm.output import Format

if TYPE_CHECKING:
    from minicrm.context import AppContext
    from minicrm.store.exchange.mail.logbook import MailRun, Me

app = typer.Typer(help="E-mail in the timeline: import Maildir/mbox, log one piped message, sync IMAP.",
                  no_args_is_help=True)  # fmt: skip

SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="Only messages sent on or after DATE.", show_default=False)
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be logged; write nothing.")]
CreateOpt = Annotated[
    bool,
    typer.Option("--create-contacts", help="Add unknown senders as leads (not mailing lists or no-reply machines)."),
]

ByDomainOpt = Annotated[
    bool,
    typer.Option(
        "--by-domain",
        help="Log a message with no known person on the company of its domain (the company's website or e-mail).",
    ),
]

UNKNOWN_COLUMNS = [
    ("email", N_("Unknown sender"), 1),
    ("name", N_("Name"), 2),
    ("messages", N_("Messages"), 1),
    ("last_at", N_("Last"), 3),
    ("contact_id", N_("Lead"), 2),
    ("company", N_("Company"), 3),
]
LOGGED_COLUMNS = [
    ("id", N_("ID"), 2),
    ("contact", N_("Contact"), 1),
    ("direction", N_("Dir"), 3),
    ("happened_at", N_("When"), 2),
    ("subject", N_("Subject"), 1),
    ("attachments", N_("Attachments"), 4),
]


def _me(actx: AppContext) -> Me:
    from minicrm.store.exchange.mail.logbook import Me

    return Me.parse(actx.setting("me"))


def _since(actx: AppContext, since: str | None):
    return on_date(actx, since) if since else None


def _report(run: MailRun, me: Me, fmt: Format) -> None:
    """The counts on stderr, the unknown senders (after everything else) on stdout."""
    from minicrm import output

    for text in run.notes:
        output.note(_("note: {text}").format(text=text))
    if run.more_notes:
        output.note(_("note: ... and {n} more").format(n=run.more_notes))
    if output.emit_data(run.to_json(), fmt, csv_rows=[u.to_json() for u in run.unknown_list()]):
        return
    summary = (
        _("{read} message(s) read: {logged} would be logged ({interactions} interaction(s)), {already} already logged,"
          " {no_contact} without a known contact") if run.dry_run else
        _("{read} message(s) read: {logged} logged ({interactions} interaction(s)), {already} already logged,"
          " {no_contact} without a known contact")
    ).format(read=run.read, logged=run.logged, interactions=run.interactions, already=run.already_logged,
             no_contact=run.no_contact)  # fmt: skip
    if run.on_company:
        summary += _(", {n} on a company by its domain").format(n=run.on_company)
    if run.before_since:
        summary += _(", {n} before --since").format(n=run.before_since)
    output.note(summary)
    if not me:
        output.note(_("config `me` is not set: direction guessed (minicrm config set me you@example.com)"))
    unknown = [u.to_json() for u in run.unknown_list()]
    if unknown:
        output.emit_rows(unknown, UNKNOWN_COLUMNS, fmt)
        if not any(u["contact_id"] for u in unknown):
            output.note(_("add them as leads with --create-contacts, or as contacts with: minicrm contact add"))


def import_cmd(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Maildir folders and mbox files.")],
    since: SinceOpt = None,
    dry_run: DryRunOpt = False,
    by_domain: ByDomainOpt = False,
    create_contacts: CreateOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Log the e-mails of Maildir folders and mbox files exchanged with your contacts (each message once)."""
    from minicrm.store.exchange.mail.logbook import MailRun, log_mail
    from minicrm.store.exchange.mail.mailboxes import folders, messages

    actx = app_ctx(ctx)
    me = _me(actx)
    day = _since(actx, since)
    boxes = folders(paths)  # every PATH checked before anything is read
    session = actx.session()
    run = MailRun(dry_run=dry_run)
    now, user_id = actx.now(), actx.user_id()
    for box in boxes:
        log_mail(session, messages(box), me=me, now=now, user_id=user_id, since=day, dry_run=dry_run,
                 create_contacts=create_contacts, by_domain=by_domain, run=run)  # fmt: skip
    _report(run, me, fmt)


def log_cmd(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact", "-c", metavar="REF", help="Log it on this contact (else: whoever the addresses are)."
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    by_domain: ByDomainOpt = False,
    create_contacts: CreateOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Log the e-mail on standard input (a mail client's pipe command; several as mbox) and print what was logged."""
    import sys

    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.exchange.mail.logbook import MailRun, log_mail
    from minicrm.store.exchange.mail.mailboxes import piped

    actx = app_ctx(ctx)
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    raws = piped(data)
    if not raws or any(b":" not in raw.split(b"\n", 1)[0] for raw in raws):
        raise BadInput(_("standard input is not an e-mail message (pipe one message, headers first, or an mbox)"))
    me = _me(actx)
    session = actx.session()
    contact_id = None
    if contact is not None:
        from minicrm.store.people.refs import resolve_contact

        contact_id = resolve_contact(session, contact)
    run = MailRun(dry_run=dry_run, keep_items=True)
    log_mail(session, raws, me=me, now=actx.now(), user_id=actx.user_id(), dry_run=dry_run,
             create_contacts=create_contacts, by_domain=by_domain, contact_id=contact_id, run=run)  # fmt: skip
    for text in run.notes:
        output.note(_("note: {text}").format(text=text))
    if run.already_logged:
        output.note(_("already logged: {n} message(s)").format(n=run.already_logged))
        if not run.items:
            return
    if not run.items:
        sender = next(iter(run.unknown), None)
        msg = (_("no contact has the message's addresses (from {sender}): give --contact REF, --by-domain or"
                 " --create-contacts") if sender else
               _("no contact has the message's addresses: give --contact REF, --by-domain or"
                 " --create-contacts"))  # fmt: skip
        raise BadInput(msg.format(sender=sender))
    output.emit_rows([i.to_json() for i in run.items], LOGGED_COLUMNS, fmt, empty=_("nothing logged"))


def sync_cmd(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(metavar="imaps://USER@HOST[:PORT]/FOLDER", help="The account and folder.")],
    password_env: Annotated[
        str,
        typer.Option("--password-env", metavar="VAR", help="The environment variable holding the password."),
    ] = "MINICRM_IMAP_PASSWORD",
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file",
            metavar="FILE",
            envvar="MINICRM_IMAP_CA_FILE",
            help="Trust this CA too (a private server's self-signed certificate).",
            show_default=False,
        ),
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option("--insecure", help="Do not check the server's certificate (test servers only)."),
    ] = False,
    since: SinceOpt = None,
    dry_run: DryRunOpt = False,
    by_domain: ByDomainOpt = False,
    create_contacts: CreateOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Log the new e-mails of an IMAP folder (read-only: nothing is marked read); for cron."""
    from minicrm.errors import BadInput
    from minicrm.store.exchange.mail.imap import parse_url, sync_folder

    actx = app_ctx(ctx)
    account = parse_url(url)
    password = os.environ.get(password_env)
    if password is None:
        msg = _("no password: set the environment variable {var} (or name another: --password-env)")
        raise BadInput(msg.format(var=password_env))
    me = _me(actx)
    day = _since(actx, since)
    run = sync_folder(actx.session(), account, password, me=me, now=actx.now(), user_id=actx.user_id(), since=day,
                      dry_run=dry_run, create_contacts=create_contacts, by_domain=by_domain, ca_file=ca_file,
                      insecure=insecure)  # fmt: skip
    _report(run, me, fmt)


def register(root: typer.Typer) -> None:
    app.command("import")(import_cmd)
    app.command("log")(log_cmd)
    app.command("sync")(sync_cmd)
    root.add_typer(app, name="mail")
