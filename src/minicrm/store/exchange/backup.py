"""Online backups and a restore that checks the backup before it changes anything.

SQLite: the file backup API (below). PostgreSQL: a snapshot of every table (one REPEATABLE READ transaction)
written as `export json --nl` into one file, mode 0600; `restore` loads such a file (or a SQLite backup)
into an empty database, checked as `import json` checks.


A backup reads one consistent snapshot (WAL lets the TUI and cron keep writing meanwhile), is checked with
`PRAGMA integrity_check`, written in a private folder beside its destination and moved to its name only if
nothing is there (`minicrm.outfiles`: never through a planted symlink), mode 0600. A restore copies the file
aside, checks integrity and schema revision (migrating an older one), keeps the database it replaces (the
same way as a backup), then copies the pages in through the backup API under the write lock, so open
connections see either the old or the new database, never a mix.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from minicrm.errors import BadInput, Conflict, StoreError
from minicrm.i18n import _
from minicrm.store.core.db import BUSY_TIMEOUT_MS, Database

DEFAULT_KEEP = 10


@dataclass
class BackupResult:
    path: Path
    size: int
    pruned: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "size": self.size, "pruned": [str(p) for p in self.pruned]}


@dataclass
class RestoreResult:
    source: Path
    replaced_kept: Path | None
    revision: str
    migrated_from: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "replaced_kept": str(self.replaced_kept) if self.replaced_kept else None,
            "revision": self.revision,
            "migrated_from": self.migrated_from,
        }


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _sqlite_path(db: Database) -> Path:
    assert db.path is not None
    if db.path.is_dir():
        raise StoreError(_("{path} is a folder, not a database file").format(path=db.path))
    return db.path


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """An OSError while writing `target` as one error line."""
    from minicrm.outfiles import write_error

    try:
        yield
    except OSError as exc:
        raise write_error(target, exc) from None


def _place(finished: Path, target: Path) -> None:
    """Give the finished file in the work folder its name, which nothing (not even a symlink) may hold yet."""
    from minicrm.outfiles import place_new

    try:
        place_new(finished, target)
    except FileExistsError:
        raise Conflict(_("{target} exists; give another name or a folder").format(target=target)) from None


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _snapshot_backup(db: Database, target: Path | None, *, now: datetime, keep: int) -> BackupResult:
    """Every table in one consistent snapshot, as NDJSON (`export json --nl`), finished before it gets its name."""
    from minicrm.outfiles import new_private_file, private_workdir
    from minicrm.store.exchange.exporting import export_json

    stem = (db.url.rsplit("/", 1)[-1].split("?", 1)[0] or "minicrm").replace(".", "_")
    target, folder, stamped = _destination(target, stem, ".json", now)
    with _writing(target), private_workdir(target) as work:
        partial = work / target.name
        new_private_file(partial)
        session = db.connect(create=False)
        try:
            with session.snapshot(), partial.open("w", encoding="utf-8") as out:
                export_json(session, out, lines=True)
        finally:
            session.close()
        _place(partial, target)
    pruned = _prune(folder, stem, keep, suffix=".json") if stamped and keep else []
    return BackupResult(target, target.stat().st_size, pruned)


def _load_into(db: Database, source: Path) -> RestoreResult:
    """Restore `source` (a JSON backup, or a SQLite backup) into the empty database `db`."""
    from minicrm.store.core.migrate import current_revision, ensure_schema

    if _is_sqlite_file(source):
        from minicrm.store.exchange.transfer import copy_database as copy_across

        revision = check_file(source)
        copy_across(Database(source), db)
        return RestoreResult(source, None, revision)
    from minicrm.store.exchange.exporting import restore_json

    with source.open("rb") as fh:
        if fh.read(64).lstrip()[:1] != b"{":
            raise BadInput(_("{source} is not a SQLite database nor a minicrm JSON backup").format(source=source))
    session = db.connect()
    try:
        ensure_schema(db, session)
        with source.open(encoding="utf-8", errors="strict") as stream:
            try:
                restore_json(session, stream, source=str(source))
            except UnicodeDecodeError:
                raise BadInput(
                    _("{source} is neither a minicrm backup nor a SQLite database").format(source=source)
                ) from None
        return RestoreResult(source, None, current_revision(session) or "")
    finally:
        session.close()


def copy_database(source: Path, target: Path, *, live: Database | None = None) -> None:
    """A consistent copy of `source` into a new file `target` (mode 0600), in rollback-journal mode.

    `target` is created here and must not exist: callers give a name in their `private_workdir`. `live`: the
    database `source` is, read through minicrm's own connection (read-only when the file cannot be written).
    """
    from minicrm.outfiles import new_private_file

    new_private_file(target)
    try:
        src = live.connect(create=False).conn if live is not None else _connect(source)
    except sqlite3.DatabaseError as exc:
        raise StoreError(_("cannot read {source}: {exc}").format(source=source, exc=exc)) from None
    try:
        dst = _connect(target)
    except BaseException:
        src.close()
        raise
    try:
        src.backup(dst)  # one step: a single read snapshot, writers in WAL mode are not blocked
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as exc:
        raise StoreError(_("cannot copy {source}: {exc}").format(source=source, exc=exc)) from None
    finally:
        dst.close()
        src.close()


def check_file(path: Path) -> str:
    """Integrity check; returns the schema revision; raises BadInput naming the problem."""
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BadInput(_("{path} is not a SQLite database").format(path=path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        if result != ["ok"]:
            raise BadInput(_("{path} is damaged: {exc}").format(path=path, exc="; ".join(result)[:200]))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"contact", "alembic_version"} <= tables:
            raise BadInput(_("{path} is not a minicrm database").format(path=path))
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise BadInput(_("{path} has rows pointing at missing rows (PRAGMA foreign_key_check)").format(path=path))
    except sqlite3.DatabaseError as exc:
        raise BadInput(_("{path} is damaged: {exc}").format(path=path, exc=exc)) from None
    finally:
        conn.close()
    if revision is None:
        raise BadInput(_("{path} has no schema revision; not a minicrm database").format(path=path))
    version: str = revision[0]
    return version


def _destination(target: Path | None, stem: str, suffix: str, now: datetime) -> tuple[Path, Path, bool]:
    """(the file to write, its folder, whether it is a timestamped default name): a given file must not exist
    (nor a symlink there); no target or a folder gets `STEM-YYYYMMDD-HHMMSS[-N]SUFFIX` (in the backups folder,
    created 0700, when none is given). A given path in a missing folder is an error: no folder is created."""
    from minicrm.outfiles import check_folder, write_error
    from minicrm.paths import backup_dir, private_dir

    if target is not None and not target.is_dir():
        if os.path.lexists(target):
            raise Conflict(_("{target} exists; give another name or a folder").format(target=target))
        return target, check_folder(target), False
    if target is None:
        try:
            folder = private_dir(backup_dir())
        except OSError as exc:
            raise write_error(backup_dir(), exc) from None
    else:
        folder = target
    base = f"{stem}-{now:%Y%m%d-%H%M%S}"
    chosen, n = folder / f"{base}{suffix}", 2
    while os.path.lexists(chosen):
        chosen, n = folder / f"{base}-{n}{suffix}", n + 1
    return chosen, folder, True


def backup(db: Database, target: Path | None = None, *, now: datetime, keep: int = DEFAULT_KEEP) -> BackupResult:
    """Copy the database to `target` (default: the backup folder, timestamped) and prune old default backups."""
    from minicrm.outfiles import private_workdir

    if not db.dialect.is_file:
        return _snapshot_backup(db, target, now=now, keep=keep)
    source = _sqlite_path(db)
    if not db.exists():
        raise StoreError(_("no database at {source}").format(source=source))
    target, folder, stamped = _destination(target, source.stem, ".db", now)
    if target.resolve() == source.resolve():
        raise BadInput(_("the backup cannot be the database itself"))
    with _writing(target), private_workdir(target) as work:
        partial = work / target.name
        copy_database(source, partial, live=db)
        check_file(partial)
        _place(partial, target)
    pruned = _prune(folder, source.stem, keep) if stamped and keep else []
    return BackupResult(target, target.stat().st_size, pruned)


def _prune(folder: Path, stem: str, keep: int, *, suffix: str = ".db") -> list[Path]:
    """Delete all but the newest `keep` timestamped backups of this database in `folder`."""
    pattern = re.compile(re.escape(stem) + r"-(\d{8}-\d{6})(?:-(\d+))?" + re.escape(suffix) + "$")
    stamped = []
    for path in folder.glob(f"{stem}-*{suffix}"):
        m = pattern.fullmatch(path.name)
        if m:
            stamped.append(((m[1], int(m[2] or 1)), path))
    stamped.sort()
    old = [path for _, path in stamped[:-keep]] if len(stamped) > keep else []
    for path in old:
        path.unlink()
    return old


def restore(db: Database, source: Path, *, now: datetime) -> RestoreResult:
    """Replace the database with `source` after checking it; the replaced database is kept beside it."""
    from minicrm.outfiles import private_workdir
    from minicrm.paths import create_private_file
    from minicrm.store.core.migrate import KNOWN_REVISIONS, SCHEMA_HEAD, upgrade

    if not source.is_file():
        raise BadInput(_("no backup file at {source}").format(source=source))
    if not db.dialect.is_file or not _is_sqlite_file(source):
        return _load_into(db, source)
    target = _sqlite_path(db)
    if target.exists() and source.resolve() == target.resolve():
        raise BadInput(_("cannot restore a database onto itself"))
    revision = check_file(source)
    if revision not in KNOWN_REVISIONS:
        raise BadInput(
            _("{source} has schema revision {revision}, newer than this minicrm knows: upgrade minicrm").format(
                source=source, revision=revision
            )
        )
    if target.exists() and (why := db.dialect.read_only_reason(target)):
        raise StoreError(_("{target} is read-only ({why}): nothing was changed").format(target=target, why=why))
    if not target.parent.exists():
        _private_folder(target.parent)
    with _writing(target), private_workdir(target) as work:
        staged = work / "restore.db"
        copy_database(source, staged)
        migrated = None
        if revision != SCHEMA_HEAD:
            upgrade(Database(staged))
            migrated, revision = revision, check_file(staged)
        kept = None
        if db.exists():
            replaced = work / "replaced.db"
            copy_database(target, replaced, live=db)
            kept = _place_numbered(replaced, target.with_name(f"{target.name}.replaced-{now:%Y%m%d-%H%M%S}"), ".db")
        elif not target.exists():
            create_private_file(target)
        src = _connect(staged)
        dst = _connect(target)
        try:
            src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise StoreError(_("cannot write {target}: {exc}").format(target=target, exc=exc)) from None
        finally:
            dst.close()
            src.close()
    return RestoreResult(source, kept, revision, migrated)


def _private_folder(folder: Path) -> None:
    """The folder of a database that does not exist yet, made 0700 (restore into a new place)."""
    from minicrm.outfiles import write_error
    from minicrm.paths import private_dir

    try:
        private_dir(folder)
    except OSError as exc:
        raise write_error(folder, exc) from None


def _place_numbered(finished: Path, base: Path, suffix: str) -> Path:
    """Move `finished` to `BASE SUFFIX`, or `BASE-2 SUFFIX`... : the first name nothing (not even a link) holds."""
    from minicrm.outfiles import place_new

    name, n = base.with_name(base.name + suffix), 2
    while True:
        try:
            place_new(finished, name)
            return name
        except FileExistsError:
            name, n = base.with_name(f"{base.name}-{n}{suffix}"), n + 1
