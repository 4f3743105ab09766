"""The values a completion offers, from the database the command line names (or the default one).

Never creates, migrates or writes a database, and never fails: on a Tab, an error message would land in
the middle of the command line, so any problem (no database yet, an old schema, a server that is down)
means no values, and the shell falls back to its own completion.
"""

from __future__ import annotations

import os


def database_target(db_option: str | None) -> str:
    """--db, else $MINICRM_DB, else the config file's `db`, else the default file (as `AppContext` decides)."""
    if db_option:
        return db_option
    if from_env := os.environ.get("MINICRM_DB"):
        return from_env
    from minicrm import config

    try:
        configured = config.load().get("db")
    except Exception:
        configured = None
    if configured not in (None, ""):
        return str(configured)
    from minicrm.paths import default_db_path

    return str(default_db_path())


def lookup(source: str, prefix: str, db_option: str | None = None) -> list[str]:
    """The stored values of `source` that start with `prefix`; [] when the database cannot say."""
    os.environ.setdefault("PGCONNECT_TIMEOUT", "2")  # a server that does not answer must not hang the Tab
    try:
        from minicrm.store.core.db import Database
        from minicrm.store.views.completion import candidates

        session = Database(database_target(db_option)).connect(create=False)
        try:
            return candidates(session, source, prefix)
        finally:
            session.close()
    except Exception:
        return []
