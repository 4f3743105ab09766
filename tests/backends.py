"""Older names for the two-backend fixtures, which now live in tests/conftest.py.

Every database fixture (`cli`, `session`, `db_target`, ...) is parametrised over SQLite and PostgreSQL by
the one `backend` fixture in conftest.py. This module only keeps the names some tests import with
`from backends import *`: `bcli` and `any_db` (the same as `cli` and `db_target`), `BackendCli` (= `Cli`),
`target_digest`/`any_digest` and `plain`.
"""

from __future__ import annotations

from conftest import (  # noqa: F401  (the pg_* fixtures are conftest's; importable here for older tests)
    BackendCli,
    Cli,
    any_db,
    any_digest,
    bcli,
    pg_database,
    pg_empty_database,
    pg_template,
    pg_url,
    plain,
    target_digest,
)

__all__ = ["BackendCli", "any_db", "any_digest", "bcli", "plain", "target_digest"]
