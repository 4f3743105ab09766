"""Team commands: `user`, `handover`, `history`, `audit`, `config`, `migrate-to`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, LimitOpt, app_ctx
from minicrm.i18n import N_, _, counted, ngettext, pgettext
from minicrm.output import Format

users_app = typer.Typer(help="Users of a shared database: who owns and who logged what.", no_args_is_help=True)
config_app = typer.Typer(help="Your settings file (default database, user, ...).", no_args_is_help=True)

#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
USER_COLUMNS = [
    ("id", N_("ID"), 1),
    ("name", N_("Name"), 1),
    ("role", N_("Role"), 1),
    ("pg_role", N_("Login"), 3),
    ("email", N_("E-mail"), 2),
    ("active", N_("Active"), 3),
    ("contacts", N_("Contacts"), 3),
    ("companies", N_("Companies"), 4),
    ("open_deals", N_("Open deals"), 3),
    ("open_tasks", N_("Open tasks"), 3),
]
AUDIT_COLUMNS = [
    ("id", N_("ID"), 3),
    ("at", N_("When"), 1),
    ("user", N_("User"), 2),
    ("entity", N_("Entity"), 1),
    ("entity_id", N_("Record"), 1),
    ("action", N_("Action"), 2),
    ("summary", N_("Changes"), 4),
]
UserArg = Annotated[str, typer.Argument(metavar="NAME", help="User name (case and accents ignored).")]
RoleArg = Annotated[str, typer.Argument(metavar="ROLE", help="admin, head, manager or viewer.")]


# -- users ----------------------------------------------------------------------------------------
@users_app.command("add")
def user_add(
    ctx: typer.Context,
    name: UserArg,
    email: Annotated[str | None, typer.Option("--email", help="The user's e-mail address.")] = None,
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="admin, head, manager or viewer.")] = "manager",
    pg_role: Annotated[
        str | None,
        typer.Option(
            "--pg-role",
            metavar="LOGIN",
            help="PostgreSQL: the login role to map (created if missing); default: one named after the user.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Add a user and print its id; on PostgreSQL also their database login (a new one's password is shown once)."""
    from minicrm import output
    from minicrm.store.people.users import add_user

    actx = app_ctx(ctx)
    session = actx.session()
    acting = _acting_user(actx)
    new = add_user(
        session, name, email=email, now=actx.now(), user_id=acting, role=role, pg_role=pg_role, actor=actx.identity
    )
    output.write(str(new.id))
    _login_note(new)


@users_app.command("login")
def user_login(
    ctx: typer.Context,
    name: UserArg,
    pg_role: Annotated[
        str | None,
        typer.Option(
            "--pg-role",
            metavar="LOGIN",
            help="The login role to map (created if missing); default: one named after the user.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """PostgreSQL: give an existing user a database login (a new one's password is shown once)."""
    from minicrm.store.people.users import give_login

    actx = app_ctx(ctx)
    new = give_login(actx.session(), name, now=actx.now(), pg_role=pg_role, user_id=_acting_user(actx),
                     actor=actx.identity)  # fmt: skip
    _login_note(new)


def _login_note(new) -> None:
    from minicrm import output

    if new.password is not None:
        output.note(
            _("created the database login '{login}' with the password {password} (shown only now)").format(
                login=new.login, password=new.password
            )
        )
    elif new.login is not None:
        output.note(_("mapped to the existing database login '{login}'").format(login=new.login))


@users_app.command("role")
def user_role(ctx: typer.Context, name: UserArg, role: RoleArg) -> None:
    """Give a user another role (admin, head, manager, viewer); on PostgreSQL their login follows."""
    from minicrm import output
    from minicrm.store.people.users import set_role

    actx = app_ctx(ctx)
    old = set_role(actx.session(), name, role, now=actx.now(), user_id=_acting_user(actx), actor=actx.identity)
    output.note(_("user '{name}': {old} -> {new}").format(name=name, old=old, new=role.strip().lower()))


@users_app.command("list")
def user_list(
    ctx: typer.Context,
    active: Annotated[bool, typer.Option("--active", help="Only active users.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Users with how many contacts, companies, open deals and open tasks each owns."""
    from minicrm import output
    from minicrm.store.people.users import list_users

    users = list_users(app_ctx(ctx).session(), include_inactive=not active)
    rows = [u.to_json() for u in users]
    if fmt is Format.table:
        roles = {"admin": pgettext("role", "admin"), "head": pgettext("role", "head"),
                 "manager": pgettext("role", "manager"), "viewer": pgettext("role", "viewer")}  # fmt: skip
        for row in rows:
            row["role"] = roles.get(row["role"], row["role"])
    output.emit_rows(rows, USER_COLUMNS, fmt, empty=_("no users"))


@users_app.command("deactivate")
def user_deactivate(ctx: typer.Context, name: UserArg) -> None:
    """Deactivate a user: their records stay; they can no longer act or be given records."""
    _set_active(ctx, name, False)


@users_app.command("activate")
def user_activate(ctx: typer.Context, name: UserArg) -> None:
    """Reactivate a deactivated user."""
    _set_active(ctx, name, True)


def _set_active(ctx: typer.Context, name: str, active: bool) -> None:
    from minicrm import output
    from minicrm.store.people.users import set_active

    actx = app_ctx(ctx)
    acting = _acting_user(actx)
    set_active(actx.session(), name, active, now=actx.now(), user_id=acting, actor=actx.identity)
    output.note((_("user '{name}' activated") if active else _("user '{name}' deactivated")).format(name=name))


def _acting_user(actx) -> int | None:
    """The acting user's id if one is set and exists (user admin commands never create the actor)."""
    if actx.identity.enforced:
        return actx.identity.user_id
    if not actx.user:
        return None
    from minicrm.store.people.users import find_user

    return find_user(actx.session(), actx.user)


# -- handover -------------------------------------------------------------------------------------
def handover(
    ctx: typer.Context,
    from_user: Annotated[
        str, typer.Option("--from", metavar="USER", help="The user who hands over.", show_default=False)
    ],
    to_user: Annotated[str, typer.Option("--to", metavar="USER", help="The user who takes over.", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would move.")] = False,
    deactivate: Annotated[bool, typer.Option("--deactivate", help="Also deactivate the --from user.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Move every contact, company, open deal and open task of one user to another, in one transaction."""
    from minicrm import output
    from minicrm.store.people.team import handover as run_handover
    from minicrm.store.people.users import check_active, resolve_user

    actx = app_ctx(ctx)
    session = actx.session()
    from_id = resolve_user(session, from_user)
    to_id = check_active(session, resolve_user(session, to_user), to_user)
    result = run_handover(
        session,
        from_id=from_id,
        to_id=to_id,
        now=actx.now(),
        user_id=actx.user_id(),
        dry_run=dry_run,
        deactivate=deactivate,
        actor=actx.identity,
    )
    if output.emit_data(result.to_json(), fmt):
        return
    counts = ", ".join(
        counted(n, what)
        for n, what in (
            (result.contacts, "contacts"),
            (result.companies, "companies"),
            (result.deals, "open deals"),
            (result.tasks, "open tasks"),
        )
    )
    moved = _("would move {what} from {old} to {new}") if dry_run else _("moved {what} from {old} to {new}")
    output.write(moved.format(what=counts, old=result.from_user, new=result.to_user))


# -- history and audit ------------------------------------------------------------------------------
def history(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Record: contact REF, or ENTITY:REF (company:Acme, deal:12, user:bob).")],
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every recorded change of one record, oldest first: who, when, which fields, old → new."""
    from minicrm.store.people.team import audit_entries

    actx = app_ctx(ctx)
    session = actx.session()
    entity, entity_id = _resolve_record(session, ref)
    entries = audit_entries(session, entity=entity, entity_id=entity_id, limit=limit, oldest_first=True)
    from minicrm.store.core.records import entity_name

    _emit_audit(
        entries,
        fmt,
        empty=_("no recorded changes for {entity} {id}").format(entity=entity_name(entity), id=entity_id),
    )


def _resolve_record(session, ref: str) -> tuple[str, int]:
    from minicrm.errors import NotFound
    from minicrm.store.core.records import entity_name
    from minicrm.store.people import refs
    from minicrm.store.people.team import check_entity, record_exists
    from minicrm.store.people.users import resolve_user

    entity, sep, key = ref.partition(":")
    if not sep or not entity.strip().isalpha():
        entity, key = "contact", ref
    entity = check_entity(entity)
    key = key.strip()
    if key.isdigit():
        # an id: also for a deleted record, whose history stays in the log
        record_id = int(key)
        if record_exists(session, entity, record_id) or session.scalar(
            "SELECT 1 FROM audit_log WHERE entity = ? AND entity_id = ? LIMIT 1", (entity, record_id)
        ):
            return entity, record_id
        raise NotFound(_("no {entity} with id {id}").format(entity=entity_name(entity), id=record_id))
    resolvers = {"contact": refs.resolve_contact, "company": refs.resolve_company, "user": resolve_user}
    if entity not in resolvers:
        raise NotFound(
            _("no {entity} with id '{key}' (use the {entity}'s id)").format(entity=entity_name(entity), key=key)
        )
    return entity, resolvers[entity](session, key)


def audit(
    ctx: typer.Context,
    user: Annotated[
        str | None, typer.Option("--user", "-u", metavar="USER", help="Only changes by this user ('me' = --as).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="WHEN", help="Only since WHEN: 2026-11-01, yesterday, 7d...", show_default=False
        ),
    ] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", "-e", help="contact, company, deal, task, interaction or user.")
    ] = None,
    action: Annotated[str | None, typer.Option("--action", help="create, update or delete.")] = None,
    limit: LimitOpt = 100,
    fmt: FormatOpt = Format.table,
) -> None:
    """Recent changes in the whole database, newest first."""
    from minicrm import output  # noqa: F401
    from minicrm.store.people.team import audit_entries
    from minicrm.store.people.users import resolve_user

    actx = app_ctx(ctx)
    session = actx.session()
    user_id = None
    if user:
        if user == "me":
            from minicrm.errors import BadInput

            if not actx.user:
                raise BadInput(_("--user me needs --as USER, MINICRM_USER or `minicrm config set user NAME`"))
            user = actx.user
        user_id = resolve_user(session, user)
    entries = audit_entries(
        session,
        entity=entity,
        user_id=user_id,
        since=_since(actx, since) if since else None,
        action=action,
        limit=limit,
    )
    _emit_audit(entries, fmt, empty=_("no changes recorded"))


def _since(actx, text: str) -> datetime:
    """`7d` / `2w` = that long ago; otherwise any date `parse_when` reads (start of day unless a time is given)."""
    from datetime import time, timedelta

    from minicrm.dates import parse_span, parse_when
    from minicrm.errors import BadInput

    try:
        return datetime.combine(actx.today() - timedelta(days=parse_span(text)), time())
    except BadInput:
        pass
    found = parse_when(text, now=actx.now())
    return datetime.combine(found.date, found.time or time())


def _emit_audit(entries, fmt: Format, *, empty: str) -> None:
    from minicrm import output
    from minicrm.store.core.records import entity_name

    actions = {"create": pgettext("audit action", "create"), "update": pgettext("audit action", "update"),
               "delete": pgettext("audit action", "delete")}  # fmt: skip
    rows = []
    for entry in entries:
        row = entry.to_json()
        if fmt is Format.table:
            row["summary"] = entry.summary()
            row["entity"] = entity_name(row["entity"])
            row["action"] = actions.get(row["action"], row["action"])
        rows.append(row)
    output.emit_rows(rows, AUDIT_COLUMNS, fmt, empty=empty)


# -- config -----------------------------------------------------------------------------------------
@config_app.command("path")
def config_path() -> None:
    """Print where the config file is (it may not exist yet)."""
    from minicrm import output
    from minicrm.config import config_path as path

    output.write(str(path()))


@config_app.command("show")
def config_show(fmt: FormatOpt = Format.table) -> None:
    """Every setting, its value and what it does."""
    from minicrm import output
    from minicrm.config import KEYS, load
    from minicrm.store.core.db import mask_url

    data = load()
    if output.emit_data({k: data.get(k) for k in KEYS}, fmt):  # CSV: one row, as the JSON object
        return
    rows = [
        {"key": k, "value": mask_url(str(data[k])) if k in data else "", "about": _(about)}
        for k, (_parse, about) in KEYS.items()
    ]
    columns = [("key", pgettext("setting", "Key"), 1), ("value", pgettext("setting", "Value"), 1),
               ("about", N_("About"), 3)]  # fmt: skip
    output.emit_rows(rows, columns, fmt)


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="db, user, forgotten_days, default_cadence, currency or date_format.")],
    value: Annotated[str, typer.Argument(help="The value; '' removes the setting.")],
) -> None:
    """Set (or with '' remove) one setting; the file is created readable by you only."""
    from minicrm import output
    from minicrm.config import config_path as path
    from minicrm.config import set_value
    from minicrm.store.core.db import mask_url

    stored = set_value(key, value)
    if stored is None:
        output.note(_("{key} removed (in {path})").format(key=key, path=path()))
    else:
        output.note(_("{key} = {value} (in {path})").format(key=key, value=mask_url(str(stored)), path=path()))


def migrate_to(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Target: a postgresql+psycopg:// URL or a SQLite file (must be empty).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Copy this database into an empty one on another backend (SQLite <-> PostgreSQL), checking row counts."""
    from minicrm import output
    from minicrm.commands.io import working
    from minicrm.store.core.db import Database
    from minicrm.store.exchange.transfer import copy_database

    actx = app_ctx(ctx)
    target = Database(url)
    with working(_("copying to {target}").format(target=target.label)):
        report = copy_database(actx.database, target)
    rows = [{"table": c.table, "source": c.source, "target": c.target} for c in report]
    output.emit_rows(rows, [("table", N_("Table")), ("source", N_("Source rows")), ("target", N_("Copied"))], fmt)
    total = sum(c.source for c in report)
    output.note(
        ngettext("copied {n} row from {source} to {target}", "copied {n} rows from {source} to {target}", total).format(
            n=total, source=actx.database.label, target=target.label
        )
    )


def register(app: typer.Typer) -> None:
    app.command("migrate-to")(migrate_to)
    app.add_typer(users_app, name="user")
    app.add_typer(config_app, name="config")
    app.command("handover")(handover)
    app.command("history")(history)
    app.command("audit")(audit)
