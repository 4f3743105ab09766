"""Schema changes go through Alembic; old databases upgrade without losing a row."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from conftest import FIXTURES, execute
from minicrm.store.core import migrate
from minicrm.store.core.db import Database


def test_schema_head_matches_the_migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", "minicrm:migrations")
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == migrate.SCHEMA_HEAD
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == list(migrate.KNOWN_REVISIONS)


def test_models_and_migrations_agree(new_target, backend):
    """The SQLModel tables and the migrated schema are the same (no forgotten migration).

    On PostgreSQL, migration 0005 makes every foreign key DEFERRABLE INITIALLY IMMEDIATE (so `import json` and
    `restore` check them once at the end, as SQLite's `PRAGMA defer_foreign_keys` does); the comparison expects it.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import minicrm.store.core.schema  # noqa: F401

    db = Database(new_target("m", empty=True))
    migrate.upgrade(db)
    engine = create_engine(db.url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_object": lambda obj, name, type_, *a: not (type_ == "table" and "_fts" in (name or "")),
                "compare_type": True,
            },
        )
        keys = [k for t in SQLModel.metadata.tables.values() for k in t.foreign_key_constraints]
        saved = [(k.deferrable, k.initially) for k in keys]
        if backend == "postgres":
            for key in keys:
                key.deferrable, key.initially = True, "IMMEDIATE"
        try:
            assert compare_metadata(ctx, SQLModel.metadata) == []
        finally:
            for key, (deferrable, initially) in zip(keys, saved, strict=True):
                key.deferrable, key.initially = deferrable, initially
    engine.dispose()


@pytest.mark.sqlite_only("the databases of older schema revisions (tests/fixtures/db-*.sqlite) are SQLite files")
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("db-*.sqlite")), ids=lambda p: p.name)
def test_old_database_upgrades_with_every_row(fixture, tmp_path, cli):
    path = tmp_path / "old.db"
    shutil.copy(fixture, path)
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%fts%'")]
    before = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    old_revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    active = conn.execute("SELECT count(*) FROM contact WHERE archived = 0").fetchone()[0]
    conn.close()
    cli.db = path
    assert len(cli.ok("contact", "list", "-f", "json").json()) == active
    conn = sqlite3.connect(path)
    after = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "alembic_version"}
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.SCHEMA_HEAD
    for table, count in after.items():
        assert count >= before[table], table
    # from 0006 the last contact is the newest interaction of a kind that is not internal (a note is not contact)
    assert not conn.execute(
        "SELECT c.id FROM contact c WHERE c.last_interaction_at IS NOT (SELECT max(i.happened_at) FROM interaction i"
        " JOIN interaction_kind k ON k.name = i.kind WHERE i.contact_id = c.id AND NOT k.internal)"
    ).fetchall()
    if old_revision != migrate.SCHEMA_HEAD:
        assert list(tmp_path.glob("old.db.before-*.bak")), "no backup was taken before migrating"


def test_newer_database_is_refused(cli, db_target):
    cli.ok("contact", "add", "Ada")
    execute(db_target, "UPDATE alembic_version SET version_num = '9999'")
    cli.fails("contact", "list", code=1, match="newer than this minicrm knows")


@pytest.mark.sqlite_only("file permissions (0600) of a new SQLite database file")
def test_new_database_file_is_private(cli, db_path):
    cli.ok("contact", "add", "Ada")
    assert db_path.stat().st_mode & 0o777 == 0o600


def test_default_database_lives_in_a_private_data_dir(hermetic_home):
    from conftest import run_minicrm

    res = run_minicrm("contact", "add", "Ada", env={"MINICRM_HOME": str(hermetic_home)})
    assert res.returncode == 0, res.stderr
    assert (hermetic_home / "minicrm.db").stat().st_mode & 0o777 == 0o600
    assert hermetic_home.stat().st_mode & 0o777 == 0o700


@pytest.mark.sqlite_only("SQLite's journal mode (WAL)")
def test_sqlite_runs_in_wal_mode(cli, db_path):
    cli.ok("contact", "add", "Ada")
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.sqlite_only("starts from the revision-0003 fixture database, a SQLite file")
def test_upgrade_stores_the_dates_cadences_implied(tmp_path, cli):
    """Before 0004 a contact under a cadence could have no stored next day; the upgrade stores it."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db-0003.sqlite", path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO cadence_rule (scope, days) VALUES ('default', 30)")
    conn.execute("UPDATE contact SET next_contact_on = NULL, next_contact_auto = 0, last_interaction_at = NULL,"
                 " created_at = '2026-11-01 09:00:00' WHERE id = 2")  # fmt: skip
    hand_set = conn.execute("SELECT id, next_contact_on FROM contact WHERE next_contact_on IS NOT NULL").fetchall()
    conn.commit()
    conn.close()
    cli.db = path
    card = cli.ok("contact", "show", "2", "-f", "json").json()
    assert card["next_contact_on"] == "2026-12-01"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT next_contact_auto FROM contact WHERE id = 2").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM contact WHERE next_contact_on IS NULL").fetchone()[0] == 0
    for contact_id, day in hand_set:  # dates already stored are never moved
        assert conn.execute("SELECT next_contact_on FROM contact WHERE id = ?", (contact_id,)).fetchone()[0] == day
    conn.close()


@pytest.mark.sqlite_only("starts from the revision-0012 fixture database, a SQLite file")
def test_upgrade_0013_folds_apostrophes_in_name_keys(tmp_path, cli):
    """`Марʼяна` and `Мар’яна` keyed before 0013 are found as `мар'яна` after it; two companies whose keys would
    become one keep apart (the newer keeps its old key)."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db-0012.sqlite", path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE contact SET name = 'Марʼяна Коваль', name_key = 'марʼяна коваль' WHERE id = 1")
        conn.execute("UPDATE company SET name = 'Об’єднання', name_key = 'об’єднання' WHERE id = 1")
        conn.execute("UPDATE company SET name = 'Обʼєднання', name_key = 'обʼєднання' WHERE id = 2")
    conn.close()
    cli.db = path
    assert cli.ok("contact", "show", "мар'яна", "-f", "json").json()["id"] == 1
    assert cli.ok("company", "show", "1", "-f", "json").json()["name"] == "Об’єднання"
    conn = sqlite3.connect(path)
    keys = conn.execute("SELECT id, name_key FROM company WHERE id IN (1, 2) ORDER BY id").fetchall()
    assert keys == [(1, "об'єднання"), (2, "обʼєднання")]


@pytest.mark.sqlite_only("starts from the revision-0010 fixture database, a SQLite file")
def test_upgrade_0011_makes_the_ukrainian_apostrophe_searchable(tmp_path, cli):
    """A name indexed before 0011 keeps its ʼ as a letter; the upgrade re-indexes it, so `мар'яна` finds it."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db-0010.sqlite", path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE contact SET name = 'Марʼяна Коваль' WHERE id = 1")
        conn.execute("UPDATE contact_fts SET name = 'Марʼяна Коваль' WHERE rowid = 1")
        assert conn.execute("SELECT rowid FROM contact_fts WHERE contact_fts MATCH '\"мар яна\"'").fetchall() == []
    conn.close()
    cli.db = path
    hits = cli.ok("search", "мар'яна", "-f", "json").json()
    assert [h["title"] for h in hits if h["kind"] == "contact"] == ["Марʼяна Коваль"]


@pytest.mark.sqlite_only("starts from the revision-0004 fixture database, a SQLite file")
def test_upgrade_0005_makes_yo_searchable_as_ye(tmp_path, cli):
    """Names indexed before 0005 keep their ё in the search table; the upgrade re-indexes them, so `елка` finds Ёлка."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db-0004.sqlite", path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE contact SET name = 'Ёлка Пётрова' WHERE id = 1")
        conn.execute("UPDATE contact_fts SET name = 'Ёлка Пётрова' WHERE rowid = 1")
        assert conn.execute("SELECT rowid FROM contact_fts WHERE contact_fts MATCH '\"елка\"*'").fetchall() == []
    conn.close()
    cli.db = path
    hits = cli.ok("search", "елка петр", "-f", "json").json()
    assert [h["title"] for h in hits if h["kind"] == "contact"] == ["Ёлка Пётрова"]
