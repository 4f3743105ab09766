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
from minicrm.output import Format

#: Seconds to wait for a PostgreSQL server before saying it does not answer.
CONNECT_TIMEOUT = "5"


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
        "data_folder_mode": _private(paths.data_dir(), "data folder", problems),
        "backups_folder": str(paths.backup_dir()),
        "backups_folder_mode": _private(paths.backup_dir(), "backups folder", problems),
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
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        raise MinicrmError(f"{count}: " + "; ".join(problems))


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
        problems.append(f"{what} {path} is {mode:04o}, open to other users (chmod {wanted} '{path}')")
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
            facts["schema"] = "not created yet (minicrm creates it on first use)"
            if not path.parent.is_dir() and path.parent != _default_folder():
                problems.append(f"no folder {path.parent} for the database {path.name}: create it first")
            return facts
        facts["database_mode"] = _private(path, "database", problems, folder=False)
        for suffix in ("-wal", "-shm", "-journal"):
            _private(Path(f"{path}{suffix}"), "database file", problems, folder=False)
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
        problems.append(f"schema revision {health.revision} is newer than this minicrm knows ({SCHEMA_HEAD}): upgrade")
    elif health.schema == "foreign":
        problems.append(f"{database.label} is not a minicrm database (tables {', '.join(health.foreign_tables)})")
    if health.read_only:
        problems.append(f"{database.label} is read-only ({health.read_only}): every change will fail")
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
        "config_mode": _private(path, "config file", problems, folder=False),
    }
    if path.parent != data_dir():  # with $MINICRM_HOME both are that folder, checked once
        facts["config_folder_mode"] = _private(path.parent, "config folder", problems)
    return facts


def _language(actx: Any, problems: list[str]) -> dict[str, Any]:
    import codecs
    import locale

    language = next((os.environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(v)), "C")
    encoding = locale.getpreferredencoding(False)
    if codecs.lookup(encoding).name != "utf-8":
        problems.append(
            f"the locale's encoding is {encoding}: names outside it cannot be shown (use a UTF-8 locale, e.g. C.UTF-8)"
        )
    return {
        "language": language,
        "encoding": encoding,
        "date_format": actx.setting("date_format") or "iso",
        "number_format": actx.setting("number_format") or "1,234.56 or 1.234,56 (read from the amount)",
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
    name = getattr(zone, "key", None) or "local time without an IANA name (the calendar feed writes UTC)"
    return {"time_zone": name, "utc_offset": f"{offset[:3]}:{offset[3:]}"}


def _calendar_token(problems: list[str]) -> dict[str, Any]:
    from minicrm.ical.serve import MIN_PUBLIC_TOKEN

    token = os.environ.get("MINICRM_ICAL_TOKEN")
    if token is None:
        return {"calendar_token": "not set (ical serve answers on this computer only)"}
    if len(token) < MIN_PUBLIC_TOKEN or len(set(token)) < 4:
        problems.append(
            f"MINICRM_ICAL_TOKEN is too weak to serve the calendar off loopback ({len(token)} characters, at least"
            f' {MIN_PUBLIC_TOKEN} random ones: python -c "import secrets; print(secrets.token_urlsafe())")'
        )
        return {"calendar_token": "too weak"}
    return {"calendar_token": f"set ({len(token)} characters)"}


# -- the table -------------------------------------------------------------------------------------------------
def _size(size: int | None) -> str | None:
    if size is None:
        return None
    if size < 1024:
        return f"{size} bytes"
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

    schema = r["schema"]
    if r["schema_revision"]:
        schema = f"{r['schema_revision']} ({r['schema']}; this minicrm writes {r['schema_head']})"
    records = ", ".join(f"{count} {label}" for label, count in r["records"].items())
    yield key_values(
        [
            ("minicrm", f"{r['version']}  {r['program'] or '(not on the PATH)'}"),
            ("Database", " ".join(filter(None, [r["database"], mode(r["database_mode"])]))),
            ("Size", _size(r["database_size_bytes"])),
            ("Schema", schema),
            ("Records", records),
            ("Data folder", " ".join(filter(None, [r["data_folder"], mode(r["data_folder_mode"])]))),
            ("Backups", " ".join(filter(None, [r["backups_folder"], mode(r["backups_folder_mode"])]))),
            ("Config file", f"{r['config_file']} {mode(r['config_mode']) or '(none yet)'}"),
            ("User", r["user"]),
            ("Language", f"{r['language']} ({r['encoding']}); dates {r['date_format']}, amounts {r['number_format']}"),
            ("Time zone", f"{r['time_zone'] or '?'} (UTC{r['utc_offset']})"),
            ("Calendar token", r["calendar_token"]),
            ("Checks", "all good" if not r["problems"] else f"{len(r['problems'])} failed"),
        ]
    )
    if r["problems"]:
        yield key_values([("Problem", problem) for problem in r["problems"]])


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
