"""PostgreSQL: psycopg connections with rows like sqlite3.Row, the advisory write lock, SQL fragments, catalog."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from minicrm.errors import MinicrmError, StoreError
from minicrm.i18n import _
from minicrm.store.core.dialect.base import SEARCH_TABLES, WRITE_LOCK_KEY, Dialect, Row, mask_url


def _pg_row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    names = tuple(col.name for col in cursor.description or ())
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    return lambda values: Row(values, index, names)


class PostgresDialect(Dialect):
    name = "postgresql"
    is_file = False

    def connect(self, url: str, *, read_only: bool = False) -> Any:
        try:
            import psycopg
        except ImportError:
            raise StoreError(_("PostgreSQL needs psycopg: pip install 'minicrm[postgres]'")) from None
        libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            conn = psycopg.connect(libpq, autocommit=True, row_factory=_pg_row_factory)
            if read_only:  # --read-only: every transaction of this connection (as on a read-only replica)
                conn.execute("SET default_transaction_read_only = on")
            return conn
        except psycopg.Error as exc:
            message = mask_url(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            if "is not permitted to log in" in message:
                from minicrm.errors import PermissionDenied

                login = re.search(r'role "([^"]*)"', message)
                if login:
                    text = _(
                        "the login '{login}' may not connect to {url}: its minicrm user is deactivated"
                        " (an admin reactivates it with: minicrm user activate NAME)"
                    )
                else:
                    text = _(
                        "this login may not connect to {url}: its minicrm user is deactivated"
                        " (an admin reactivates it with: minicrm user activate NAME)"
                    )
                raise PermissionDenied(text.format(login=login.group(1) if login else "", url=mask_url(url))) from None
            raise StoreError(_("cannot connect to {url}: {reason}").format(url=mask_url(url), reason=message)) from None

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s")

    def begin_write(self, conn: Any) -> None:
        # SQLite's BEGIN IMMEDIATE: one writer at a time (readers never wait), so the services'
        # read-then-write steps see the latest data on PostgreSQL too.
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def skip_locked(self, alias: str) -> str:
        return f" FOR UPDATE OF {alias} SKIP LOCKED"

    def begin_snapshot(self, conn: Any) -> None:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def in_transaction(self, conn: Any) -> bool:
        from psycopg.pq import TransactionStatus

        status: TransactionStatus = conn.info.transaction_status
        return status != TransactionStatus.IDLE

    def store_error(self, exc: Exception) -> MinicrmError | None:
        import psycopg

        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return _permission_denied(str(exc))
        if isinstance(exc, psycopg.DataError) and "NUL (0x00)" in str(exc):
            from minicrm.errors import BadInput

            return BadInput(_("the text holds a NUL character (\\x00), which the database cannot store"))
        if not isinstance(
            exc, psycopg.OperationalError | psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.DiskFull
        ):
            return None
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            return StoreError(_("the database is read-only (a read-only server or transaction)"))
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreError(_("database error: {reason}").format(reason=mask_url(first)))

    def day_of(self, expr: str) -> str:
        return f"CAST({expr} AS date)"

    def day_key(self, expr: str) -> str:
        return f"to_char({expr}, 'YYYY-MM-DD')"

    def week_key(self, expr: str) -> str:
        return f"to_char(date_trunc('week', {expr}), 'YYYY-MM-DD')"

    def month_key(self, expr: str) -> str:
        return f"to_char({expr}, 'YYYY-MM')"

    def quarter_key(self, expr: str) -> str:
        return f"to_char({expr}, 'YYYY-\"Q\"Q')"

    def add_days(self, day_expr: str, days_expr: str) -> str:
        return f"(CAST({day_expr} AS date) + ({days_expr}))"

    def days_between(self, later_expr: str, earlier_expr: str) -> str:
        return f"(CAST({later_expr} AS date) - CAST({earlier_expr} AS date))"

    def hours_between(self, later_expr: str, earlier_expr: str) -> str:
        return f"(extract(epoch from ({later_expr} - {earlier_expr})) / 3600.0)"

    def fts_match(self, table: str, query: str, fts_query: str) -> tuple[str, list[str]]:
        # minicrm_tsquery folds the words as the tsv column folds the text (migration 0002); only words count,
        # as in fts_query, so a control character (NUL, which PostgreSQL text cannot hold) is a separator
        words = " ".join(re.findall(r"\w+", query))
        return (
            f"SELECT rowid AS fid, -ts_rank(tsv, minicrm_tsquery(?)) AS rank FROM {table}"
            " WHERE tsv @@ minicrm_tsquery(?)",
            [words, words],
        )

    def fts_text(self, expr: str) -> str:
        return expr  # the generated tsv column folds it (unaccent maps ё to е)

    def database_size(self, session: Any) -> int:
        return int(session.scalar("SELECT pg_database_size(current_database())"))

    def data_tables(self, session: Any) -> list[str]:
        rows = session.all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [r[0] for r in rows if r[0] not in SEARCH_TABLES and r[0] != "alembic_version"]

    def columns(self, session: Any, table: str) -> tuple[list[str], list[str]]:
        columns = [
            r[0]
            for r in session.all(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = ? ORDER BY ordinal_position",
                (table,),
            )
        ]
        pk = [
            r[0]
            for r in session.all(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary"
                " ORDER BY array_position(i.indkey, a.attnum)",
                (f'"{table}"',),
            )
        ]
        return columns, pk or columns

    def _id_tables(self, session: Any) -> list[tuple[str, str]]:
        rows = session.all(
            "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') AS seq"
            " FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id'"
            " ORDER BY table_name"
        )
        return [(r[0], r[1]) for r in rows if r[1] and r[0] not in SEARCH_TABLES]

    def sequences(self, session: Any) -> dict[str, int]:
        out = {}
        for table, seq in self._id_tables(session):
            row = session.one(f"SELECT last_value, is_called FROM {seq}")
            if row[1]:
                out[table] = row[0]
        return out

    def restore_sequences(self, session: Any, sequences: dict[str, int]) -> None:
        for table, seq in self._id_tables(session):
            top = session.scalar(f'SELECT max(id) FROM "{table}"') or 0
            last = max(int(sequences.get(table) or 0), top)
            session.execute("SELECT setval(?, ?, ?)", (seq, max(last, 1), last > 0))

    def next_id(self, session: Any, table: str) -> int:
        seq = session.scalar("SELECT pg_get_serial_sequence(?, 'id')", (table,))
        row = session.one(f"SELECT last_value, is_called FROM {seq}")
        top: int = session.scalar(f'SELECT max(id) FROM "{table}"') or 0
        last: int = row[0] if row[1] else row[0] - 1
        return max(last, top) + 1

    def ids_given(self, session: Any, table: str) -> None:
        top = f'(SELECT max(id) FROM "{table}")'
        session.execute(f"SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce({top}, 0) + 1, false)", (table,))

    def defer_foreign_keys(self, session: Any) -> None:
        session.execute("SET CONSTRAINTS ALL DEFERRED")  # every foreign key is DEFERRABLE (migration 0005)

    def foreign_key_problem(self, session: Any) -> str | None:
        import psycopg

        try:
            session.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except psycopg.errors.ForeignKeyViolation as exc:
            detail = (exc.diag.message_detail or "").strip()
            return _("rows point at missing rows (first in table {table}: {detail})").format(
                table=exc.diag.table_name, detail=detail
            )
        return None

    def plain_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, datetime):
            return value.isoformat(" ", "seconds")  # as SQLite stores it
        if isinstance(value, date):
            return value.isoformat()
        return value

    def typed_params(self, session: Any, table: str, columns: Sequence[str]) -> Callable[[Any], Any] | None:
        types = {
            r[0]: r[1]
            for r in session.all(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?",
                (table,),
            )
        }
        booleans = [i for i, c in enumerate(columns) if types.get(c) == "boolean"]
        if not booleans:
            return None

        def convert(values: Any) -> tuple[Any, ...]:
            out = list(values)
            for i in booleans:
                if out[i] is not None:
                    out[i] = bool(out[i])
            return tuple(out)

        return convert

    # -- database logins (#21) ---------------------------------------------------------------------------
    def current_login(self, session: Any) -> tuple[str, bool] | None:
        row = session.one(
            "SELECT current_user, pg_has_role(current_user, (SELECT relowner FROM pg_class"
            " WHERE oid = CAST('app_user' AS regclass)), 'MEMBER')"
        )
        return str(row[0]), bool(row[1])

    def rights_prefix(self, session: Any) -> str | None:
        # read from the managers' policy itself: `meta` can be replaced by a whole-database import or restore
        roles = session.scalar(
            "SELECT array_to_string(roles, ',') FROM pg_policies WHERE schemaname = current_schema()"
            " AND tablename = 'contact' AND policyname = 'minicrm_own'"
        )
        if not roles or not roles.endswith("_manager") or "," in roles:
            return None
        prefix: str = roles.removesuffix("_manager")
        return prefix

    def login_exists(self, session: Any, login: str) -> bool:
        return session.scalar("SELECT 1 FROM pg_roles WHERE rolname = ?", (login,)) is not None

    def create_login(self, session: Any, login: str, password: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", password):  # CREATE ROLE takes no parameters: a literal
            raise ValueError("unexpected characters in a generated password")
        session.execute(f"CREATE ROLE {_ident(login)} LOGIN PASSWORD '{password}'")

    def set_member(self, session: Any, login: str, group: str, member: bool, *, admin: bool = False) -> None:
        if member:
            session.execute(f"GRANT {_ident(group)} TO {_ident(login)}" + (" WITH ADMIN OPTION" if admin else ""))
        else:
            session.execute(f"REVOKE {_ident(group)} FROM {_ident(login)}")

    def set_login_rights(
        self, session: Any, login: str, *, can_login: bool | None = None, create_role: bool | None = None
    ) -> None:
        options = []
        if can_login is not None:
            options.append("LOGIN" if can_login else "NOLOGIN")
        if create_role is not None:
            options.append("CREATEROLE" if create_role else "NOCREATEROLE")
        if options:
            session.execute(f"ALTER ROLE {_ident(login)} {' '.join(options)}")


def _permission_denied(message: str) -> MinicrmError:
    """The server's refusal (SQLSTATE 42501: a missing grant, a row-level security check, the audit guard)."""
    from minicrm.errors import PermissionDenied

    first = message.strip().splitlines()[0] if message.strip() else "refused"
    if table := re.search(r'row-level security policy for table "([^"]+)"', first):
        return PermissionDenied(
            _(
                "the {table} row would not be yours: a manager's records belong to them or to nobody"
                " (a head or an admin hands records over)"
            ).format(table=table.group(1))
        )
    if table := re.search(r"permission denied for (?:table|relation|sequence) (\S+)", first):
        return PermissionDenied(
            _("your database login has no right to this on {table} (its role forbids it)").format(table=table.group(1))
        )
    return PermissionDenied(first.removeprefix("permission denied: ").removeprefix("permission denied "))


def _ident(name: str) -> str:
    """A role name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
