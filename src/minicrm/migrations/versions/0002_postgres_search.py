"""PostgreSQL full-text search with the same tables as SQLite's FTS5 ones (a no-op on SQLite)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

On PostgreSQL, `contact_fts`, `company_fts` and `interaction_fts` are plain tables with the same
names and columns as the FTS5 virtual tables (plus `rowid BIGINT PRIMARY KEY`), so the INSERT and
DELETE statements of `store/search.py` run unchanged. Each has a generated `tsv` column
(`to_tsvector('simple', minicrm_fold(...))`) with a GIN index:

- `minicrm_fold(text)`: IMMUTABLE wrapper around `unaccent` + NFKD (combining marks dropped, like
  FTS5 `remove_diacritics 2`) + lower-case (ICU when available, so the database locale does not
  matter) + every non-alphanumeric run turned into a space (FTS5 `unicode61` token rules: an e-mail
  is three words, not one token).
- `minicrm_tsquery(text)`: the user's words, folded the same way, as `'w1':* & 'w2':*`
  (every word a prefix, all required).
- `group_concat(text, text)` / `group_concat(text)`: SQLite's aggregate, so the indexing SQL is portable.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "contact_fts": ("name", "emails", "phones", "company", "notes", "tags"),
    "company_fts": ("name", "industry", "city", "website", "notes", "tags"),
    "interaction_fts": ("summary", "body"),
}


def _run(sql: str) -> None:
    # exec_driver_sql: the SQL goes to the server as written (text() would read ':alnum:' as a parameter).
    op.get_bind().exec_driver_sql(sql)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _run("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
    ).scalar()
    icu = bind.exec_driver_sql("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").scalar()
    collate = ' COLLATE "und-x-icu"' if icu else ""
    ext = f'"{schema}"'
    _run(
        "CREATE FUNCTION minicrm_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
        " SELECT btrim(regexp_replace(regexp_replace("
        f"normalize(lower({ext}.unaccent('{ext}.unaccent'::regdictionary, coalesce(t, '')){collate}), NFKD),"
        " '[\\u0300-\\u036f]', '', 'g'), '[^[:alnum:]]+', ' ', 'g'))"
        " $$"
    )
    _run(
        "CREATE FUNCTION minicrm_tsquery(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
        " SELECT to_tsquery('simple', coalesce(string_agg('''' || w || ''':*', ' & '), ''))"
        " FROM regexp_split_to_table(minicrm_fold(q), ' ') AS w WHERE w <> ''"
        " $$"
    )
    _run(
        "CREATE FUNCTION minicrm_concat(acc text, val text, sep text) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
        " SELECT CASE WHEN val IS NULL THEN acc WHEN acc IS NULL THEN val ELSE acc || sep || val END $$"
    )
    _run(
        "CREATE FUNCTION minicrm_concat(acc text, val text) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
        " SELECT CASE WHEN val IS NULL THEN acc WHEN acc IS NULL THEN val ELSE acc || ',' || val END $$"
    )
    _run("CREATE AGGREGATE group_concat(text, text) (SFUNC = minicrm_concat, STYPE = text)")
    _run("CREATE AGGREGATE group_concat(text) (SFUNC = minicrm_concat, STYPE = text)")
    for table, columns in TABLES.items():
        document = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
        _run(
            f"CREATE TABLE {table} (rowid BIGINT PRIMARY KEY, {', '.join(f'{c} TEXT' for c in columns)},"
            f" tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, minicrm_fold({document}))) STORED)"
        )
        _run(f"CREATE INDEX ix_{table}_tsv ON {table} USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        _run(f"DROP TABLE IF EXISTS {table}")
    _run("DROP AGGREGATE IF EXISTS group_concat(text, text)")
    _run("DROP AGGREGATE IF EXISTS group_concat(text)")
    _run("DROP FUNCTION IF EXISTS minicrm_concat(text, text, text)")
    _run("DROP FUNCTION IF EXISTS minicrm_concat(text, text)")
    _run("DROP FUNCTION IF EXISTS minicrm_tsquery(text)")
    _run("DROP FUNCTION IF EXISTS minicrm_fold(text)")
