"""Bring a database to the current schema with Alembic, after a backup of an existing SQLite file.

The revision check is one cheap SELECT; Alembic (and SQLAlchemy/SQLModel, ~0.8 s of imports) is
loaded only when a database is new or older than this code.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from minicrm.errors import StoreError
from minicrm.i18n import _
from minicrm.store.core.db import Database, Session, mask_url

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: The newest revision in minicrm/migrations/versions (a test keeps the two in step).
SCHEMA_HEAD = "0019"
#: Revisions this code knows, oldest first.
KNOWN_REVISIONS = tuple(f"{n:04d}" for n in range(1, 20))  # "0001" ... "0019"


def current_revision(session: Session) -> str | None:
    try:
        revision: str | None = session.scalar("SELECT version_num FROM alembic_version")
        return revision
    except Exception:
        return None


def ensure_schema(db: Database, session: Session) -> bool:
    """Create or upgrade the schema of `db` if needed; True when the database was created just now."""
    revision = current_revision(session)
    if revision == SCHEMA_HEAD:
        return False
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            _("{db} has schema revision {revision}, newer than this minicrm knows: upgrade minicrm").format(
                db=db.label, revision=revision
            )
        )
    if revision is None and (theirs := session.dialect.data_tables(session)):
        listed = ", ".join(theirs[:5]) + (", ..." if len(theirs) > 5 else "")
        raise StoreError(
            _(
                "{db} is not a minicrm database (it holds other tables: {tables}); nothing was changed."
                " Give minicrm its own file, or an empty database"
            ).format(db=db.label, tables=listed)
        )
    if revision is not None and db.path is not None:
        backup_before_migration(db.path, revision)
    upgrade(db)
    return revision is None


def backup_before_migration(path: Path, revision: str) -> Path:
    """Copy the database with SQLite's online backup API, next to it, mode 0600.

    The copy is made in a private folder and then given its name, which nothing may hold yet: a symlink planted
    at the name is never followed (the name gets -2, -3... instead).
    """
    from minicrm.outfiles import new_private_file, place_new, private_workdir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{path.name}.before-{revision}-{stamp}"
    try:
        with private_workdir(path) as work:
            copy = work / "copy.bak"
            new_private_file(copy)
            src = sqlite3.connect(path)
            dst = sqlite3.connect(copy)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            target, n = path.with_name(f"{base}.bak"), 2
            while True:
                try:
                    place_new(copy, target)
                    return target
                except FileExistsError:
                    target, n = path.with_name(f"{base}-{n}.bak"), n + 1
    except OSError as exc:
        raise StoreError(
            _("cannot back up {path} before upgrading it: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            _("cannot back up {path} before upgrading it: {reason}").format(path=path, reason=exc)
        ) from None


def upgrade(db: Database, revision: str = "head") -> None:
    """Run the Alembic migrations in one transaction; a failure rolls back completely."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "minicrm:migrations")
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    engine = db.dialect.migration_engine(db.url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            db.dialect.check_migrated(conn)
            _ensure_database_id(conn)
    except StoreError:
        raise
    except Exception as exc:
        reason = mask_url(str(exc).strip().splitlines()[0])
        raise StoreError(_("cannot migrate {db}: {reason}").format(db=db.label, reason=reason)) from None
    finally:
        engine.dispose()


def _ensure_database_id(conn: Connection) -> None:
    """A random id per database, so iCal UIDs of two databases never collide."""
    import uuid

    from sqlalchemy import text

    if conn.execute(text("SELECT value FROM meta WHERE key = 'database_id'")).first() is None:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('database_id', :v)"), {"v": uuid.uuid4().hex[:16]})
