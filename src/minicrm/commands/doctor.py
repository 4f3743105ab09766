"""`minicrm doctor`: what this minicrm uses (database, config, language, time zone) and whether it is safe.

It changes nothing: the database is opened without being created or upgraded. The checks: the data,
backups and config folders are the user's alone (0700), the database and config files too (0600: they hold
the client base, and maybe a database URL with its password), the database opens and its schema is one this
minicrm knows and can write, the terminal's encoding is UTF-8, the time zone is known, and a calendar token
(MINICRM_ICAL_TOKEN) is long enough to serve the feed off loopback. A failed check exits 1, after the report,
with one `error:` line listing the problems.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.i18n import N_, _, counted, ngettext
from minicrm.output import Format

#: Seconds to wait for a PostgreSQL server before saying it does not answer.
CONNECT_TIMEOUT = "5"
#: Values of the report that are English in its JSON and translated in its table.
NOT_CREATED = N_("not created yet (minicrm creates it on first use)")
DEFAULT_NUMBERS = N_("1,234.56 or 1.234,56 (read from the amount)")
NO_ZONE_NAME = N_("local time without an IANA name (the calendar feed writes UTC)")
TOKEN_NOT_SET = N_("not set (ical serve answers on this computer only)")
TOKEN_WEAK = N_("too weak")
SCHEMA_STATES = {"current": N_("current"), "older": N_("older"), "newer": N_("newer"), "foreign": N_("foreign"),
                 "empty": N_("empty")}  # fmt: skip


def doctor(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Show the database, config, language and time zone in use; check file permissions and the calendar token."""
    import shutil

    from minicrm import __version__, output, paths
    from minicrm.errors import MinicrmError

    actx = app_ctx(ctx)
    problems: list[str] = []
    report: dict[str, Any] = {"version": __version__, "program": shutil.which("minicrm")}
    report |= _database(actx, problems)
    report |= {
        "data_folder": str(paths.data_dir()),
        "data_folder_mode": _private(paths.data_dir(), N_("data folder"), problems),
        "backups_folder": str(paths.backup_dir()),
        "backups_folder_mode": _private(paths.backup_dir(), N_("backups folder"), problems),
    }
    report |= _config(actx, problems)
    report |= _language(actx, problems)
    report |= _time_zone(problems)
    report |= _calendar_token(problems)
    try:
        report["user"] = actx.user
    except MinicrmError:  # the database cannot say (already one of the problems)
        report["user"] = actx.user_label
    report["problems"] = problems
    shown = {**report, "problems": "; ".join(problems)} if fmt is Format.csv else report
    output.emit_object(shown, fmt, table=_table)
    if problems:
        n = len(problems)
        msg = ngettext("{n} problem: {problems}", "{n} problems: {problems}", n)
        raise MinicrmError(msg.format(n=n, problems="; ".join(problems)))


# -- the checks ------------------------------------------------------------------------------------------------
def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def _private(path: Path, what: str, problems: list[str], *, folder: bool = True) -> str | None:
    """The mode of `path` as 0700 (None when it does not exist); a problem when others may use it."""
    mode = _mode(path)
    if mode is None:
        return None
    if mode & 0o077:
        wanted = "700" if folder else "600"
        msg = _("{what} {path} is {mode}, open to other users (chmod {wanted} '{path}')")
        problems.append(msg.format(what=_(what), path=path, mode=f"{mode:04o}", wanted=wanted))
    return f"{mode:04o}"


def _database(actx: Any, problems: list[str]) -> dict[str, Any]:
    from minicrm.errors import MinicrmError
    from minicrm.store.core.migrate import SCHEMA_HEAD

    facts: dict[str, Any] = {
        "database": actx.db_target,
        "database_exists": False,
        "database_mode": None,
        "database_size_bytes": None,
        "schema_revision": None,
        "schema_head": SCHEMA_HEAD,
        "schema": None,
        "read_only": None,
        "records": {},
    }
    try:
        database = actx.database
    except MinicrmError as exc:  # an unsupported URL in --db, MINICRM_DB or the config
        problems.append(str(exc))
        return facts
    facts["database"] = database.label
    if database.path is not None:
        path = database.path
        if not database.exists():
            facts["schema"] = NOT_CREATED
            if not path.parent.is_dir() and path.parent != _default_folder():
                msg = _("no folder {folder} for the database {name}: create it first")
                problems.append(msg.format(folder=path.parent, name=path.name))
            return facts
        facts["database_mode"] = _private(path, N_("database"), problems, folder=False)
        for suffix in ("-wal", "-shm", "-journal"):
            _private(Path(f"{path}{suffix}"), N_("database file"), problems, folder=False)
    os.environ.setdefault("PGCONNECT_TIMEOUT", CONNECT_TIMEOUT)
    try:
        from minicrm.store.views.health import database_health

        session = database.connect(create=False)
        try:
            health = database_health(database, session)
        finally:
            session.close()
    except MinicrmError as exc:
        problems.append(str(exc))
        return facts
    facts |= {
        "database_exists": True,
        "database_size_bytes": health.size_bytes,
        "schema_revision": health.revision,
        "schema": health.schema,
        "read_only": health.read_only,
        "records": health.records,
    }
    if health.schema == "newer":
        msg = _("schema revision {revision} is newer than this minicrm knows ({head}): upgrade")
        problems.append(msg.format(revision=health.revision, head=SCHEMA_HEAD))
    elif health.schema == "foreign":
        msg = _("{database} is not a minicrm database (tables {tables})")
        problems.append(msg.format(database=database.label, tables=", ".join(health.foreign_tables)))
    if health.read_only:
        msg = _("{database} is read-only ({reason}): every change will fail")
        problems.append(msg.format(database=database.label, reason=health.read_only))
    return facts


def _default_folder() -> Path:
    from minicrm.paths import default_db_path

    return default_db_path().parent


def _config(actx: Any, problems: list[str]) -> dict[str, Any]:
    from minicrm.config import config_path
    from minicrm.paths import data_dir

    path = config_path()
    if actx.config_error is not None:
        problems.append(str(actx.config_error))
    facts = {
        "config_file": str(path),
        "config_exists": path.exists(),
        "config_mode": _private(path, N_("config file"), problems, folder=False),
    }
    if path.parent != data_dir():  # with $MINICRM_HOME both are that folder, checked once
        facts["config_folder_mode"] = _private(path.parent, N_("config folder"), problems)
    return facts


def _language(actx: Any, problems: list[str]) -> dict[str, Any]:
    import codecs
    import locale

    language = next((os.environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(v)), "C")
    encoding = locale.getpreferredencoding(False)
    if codecs.lookup(encoding).name != "utf-8":
        msg = _(
            "the locale's encoding is {encoding}: names outside it cannot be shown (use a UTF-8 locale, e.g. C.UTF-8)"
        )
        problems.append(msg.format(encoding=encoding))
    return {
        "language": language,
        "encoding": encoding,
        "date_format": actx.setting("date_format") or "iso",
        "number_format": actx.setting("number_format") or DEFAULT_NUMBERS,
    }


def _time_zone(problems: list[str]) -> dict[str, Any]:
    from datetime import datetime

    from minicrm.errors import BadInput
    from minicrm.ical.zones import local_zone

    offset = datetime.now().astimezone().strftime("%z")
    try:
        zone = local_zone()
    except BadInput as exc:
        problems.append(str(exc))
        return {"time_zone": None, "utc_offset": f"{offset[:3]}:{offset[3:]}"}
    name = getattr(zone, "key", None) or NO_ZONE_NAME
    return {"time_zone": name, "utc_offset": f"{offset[:3]}:{offset[3:]}"}


def _calendar_token(problems: list[str]) -> dict[str, Any]:
    from minicrm.ical.serve import MIN_PUBLIC_TOKEN

    token = os.environ.get("MINICRM_ICAL_TOKEN")
    if token is None:
        return {"calendar_token": TOKEN_NOT_SET}
    if len(token) < MIN_PUBLIC_TOKEN or len(set(token)) < 4:
        msg = _(
            "MINICRM_ICAL_TOKEN is too weak to serve the calendar off loopback ({n} characters, at least"
            ' {least} random ones: python -c "import secrets; print(secrets.token_urlsafe())")'
        )
        problems.append(msg.format(n=len(token), least=MIN_PUBLIC_TOKEN))
        return {"calendar_token": TOKEN_WEAK}
    return {"calendar_token": f"set ({len(token)} characters)"}  # translated in the table


# -- the table -------------------------------------------------------------------------------------------------
def _size(size: int | None) -> str | None:
    if size is None:
        return None
    if size < 1024:
        return ngettext("{n} byte", "{n} bytes", size).format(n=size)
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"


def _table(r: dict[str, Any]):
    from minicrm.output import key_values

    def mode(value: str | None) -> str | None:
        return f"({value})" if value else None

    def shown(value: str | None) -> str | None:
        """A value of the report in the user's language (the JSON keeps it English)."""
        return _(SCHEMA_STATES.get(value, value)) if value else value

    schema = shown(r["schema"])
    if r["schema_revision"]:
        schema = _("{revision} ({state}; this minicrm writes {head})").format(
            revision=r["schema_revision"], state=shown(r["schema"]), head=r["schema_head"]
        )
    records = ", ".join(
        counted(count, label) if label in ("contacts", "companies", "interactions", "deals", "tasks")
        else f"{count} {label}" for label, count in r["records"].items()
    )  # fmt: skip
    token = r["calendar_token"]
    if token not in (TOKEN_NOT_SET, TOKEN_WEAK):
        n = len(os.environ.get("MINICRM_ICAL_TOKEN", ""))
        token = ngettext("set ({n} character)", "set ({n} characters)", n).format(n=n)
    checks = len(r["problems"])
    yield key_values(
        [
            ("minicrm", f"{r['version']}  {r['program'] or _('(not on the PATH)')}"),
            (_("Database"), " ".join(filter(None, [r["database"], mode(r["database_mode"])]))),
            (_("Size"), _size(r["database_size_bytes"])),
            (_("Schema"), schema),
            (_("Records"), records),
            (_("Data folder"), " ".join(filter(None, [r["data_folder"], mode(r["data_folder_mode"])]))),
            (_("Backups"), " ".join(filter(None, [r["backups_folder"], mode(r["backups_folder_mode"])]))),
            (_("Config file"), f"{r['config_file']} {mode(r['config_mode']) or _('(none yet)')}"),
            (_("User"), r["user"]),
            (_("Language"), _("{language} ({encoding}); dates {date_format}, amounts {number_format}").format(
                language=r["language"], encoding=r["encoding"], date_format=r["date_format"],
                number_format=shown(r["number_format"]))),
            (_("Time zone"), f"{shown(r['time_zone']) or '?'} (UTC{r['utc_offset']})"),
            (_("Calendar token"), shown(token)),
            (_("Checks"), ngettext("{n} failed", "{n} failed", checks).format(n=checks) if checks else _("all good")),
        ]
    )  # fmt: skip
    if r["problems"]:
        yield key_values([(_("Problem"), problem) for problem in r["problems"]])


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
