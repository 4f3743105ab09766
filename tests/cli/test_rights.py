"""Access rights (#21): roles enforced by PostgreSQL itself, through minicrm and through plain psql.

Most tests here run on PostgreSQL only, and say so: row-level security, grants, login roles and NOLOGIN are
PostgreSQL's; on a SQLite file the file's permissions are the access control (`--as` is a label there, and
`--read-only` opens the file read-only: the last tests, on both backends).

The suite's own connection (`postgres`, a superuser) owns the schema, so it bypasses the policies; these tests
connect as the login roles `user add --pg-role` creates, named uniquely (roles are cluster-wide and tests run in
parallel) and dropped with the test's database (conftest.drop_pg_database).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
import pytest

from conftest import Cli, as_login, plain, scalar

PG_ONLY = "row-level security, grants and login roles are PostgreSQL's; SQLite has none (its file's permissions are)"


@dataclass
class Crew:
    """The owner's Cli and one Cli per user, each connecting as the user's own login role."""

    url: str
    owner: Cli
    logins: dict[str, str]
    users: dict[str, Cli]

    def psql(self, name: str) -> psycopg.Connection:
        """A plain psycopg connection as `name`'s login, as psql would make (autocommit)."""
        return psycopg.connect(plain(as_login(self.url, self.logins[name])), autocommit=True)

    def __getitem__(self, name: str) -> Cli:
        return self.users[name]


@pytest.fixture
def crew(pg_database) -> Crew:
    """Ann the admin, Hugo the head, Alice and Bob the managers, Vic the viewer; Alice and Bob each own a
    contact with a deal, a task and an interaction, and one contact is nobody's.

    Ids (hand-counted): users Ann 1, Hugo 2, Alice 3, Bob 4, Vic 5; contacts Ada 1 (Alice), Grace 2 (Bob),
    Nobody 3; deals 1 (Alice's, 1000 won), 2 (Bob's, 2000 won); interactions 1 (Ada), 2 (Grace).
    """
    owner = Cli(pg_database)
    crew = Crew(pg_database, owner, {}, {})
    for name, role in (("Ann", "admin"), ("Hugo", "head"), ("Alice", "manager"), ("Bob", "manager"), ("Vic", "viewer")):
        login = f"t{uuid.uuid4().hex[:8]}_{name.lower()}"
        res = owner.ok("user", "add", name, "--role", role, "--pg-role", login)
        assert f"created the database login '{login}' with the password" in res.stderr
        crew.logins[name] = login
        crew.users[name] = Cli(as_login(pg_database, login), owner_db=pg_database)
    for name, contact, amount in (("Alice", "Ada Lovelace", "1000"), ("Bob", "Grace Hopper", "2000")):
        me = crew[name]
        me.ok("contact", "add", contact, "--email", f"{contact.split()[0].lower()}@example.org")
        deal = me.ok("deal", "add", f"{contact} deal", "--contact", contact.split()[0], "--amount", amount)
        me.ok("deal", "won", deal.stdout.strip(), "--on", "2026-11-10")
        me.ok("task", "add", f"Call {contact}", "--contact", contact.split()[0])
        me.ok("log", contact.split()[0], "call", f"Talked to {contact}")
    owner.ok("contact", "add", "Nobody")
    return crew


def names(cli: Cli, *args: str) -> list[str]:
    return sorted(r["name"] for r in cli.ok("contact", "list", *args, "-f", "json").json())


def test_a_manager_sees_and_changes_only_their_own_and_unowned_records_in_minicrm(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    alice = crew["Alice"]
    assert names(alice) == ["Ada Lovelace", "Nobody"]
    assert names(crew["Bob"]) == ["Grace Hopper", "Nobody"]
    assert names(crew["Hugo"]) == names(crew["Vic"]) == names(crew["Ann"]) == ["Ada Lovelace", "Grace Hopper", "Nobody"]
    assert [d["title"] for d in alice.ok("deal", "list", "-f", "json").json()] == ["Ada Lovelace deal"]
    assert [t["title"] for t in alice.ok("task", "list", "-f", "json").json()] == ["Call Ada Lovelace"]
    assert alice.ok("search", "hopper", "-f", "json").json() == []
    assert {
        (e["entity"], e["entity_id"])
        for e in alice.ok("audit", "-n", "1000", "-f", "json").json()
        if e["entity"] != "user"
    } == {("contact", 1), ("contact", 3), ("deal", 1), ("task", 1), ("interaction", 1)}
    # another manager's records do not exist for Alice: reading, changing, deleting, logging all fail
    for args in (
        ("contact", "show", "grace"),
        ("timeline", "grace"),
        ("contact", "edit", "grace", "--role", "x"),
        ("contact", "delete", "grace", "--yes"),
        ("log", "grace", "call", "hi"),
        ("deal", "edit", "2", "--amount", "1"),
        ("deal", "delete", "2", "--yes"),
        ("task", "done", "2"),
    ):
        alice.fails(*args, code=1, match="no ")
    # nor can she give her own contact away (a handover is a head's or an admin's)
    alice.fails(
        "contact",
        "edit",
        "ada",
        "--owner",
        "bob",
        code=1,
        match="permission denied: the contact row would not be yours",
    )
    alice.ok("contact", "edit", "nobody", "--role", "Mystery")  # unowned: hers to edit
    assert crew.owner.ok("contact", "show", "grace", "-f", "json").json()["owner"] == "Bob"


def test_a_manager_cannot_read_change_or_delete_another_managers_rows_through_psql(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    with crew.psql("Alice") as conn:
        assert sorted(r[0] for r in conn.execute("SELECT name FROM contact")) == ["Ada Lovelace", "Nobody"]
        assert [r[0] for r in conn.execute("SELECT title FROM deal")] == ["Ada Lovelace deal"]
        assert [r[0] for r in conn.execute("SELECT title FROM task")] == ["Call Ada Lovelace"]
        assert [r[0] for r in conn.execute("SELECT summary FROM interaction")] == ["Talked to Ada Lovelace"]
        assert [r[0] for r in conn.execute("SELECT email FROM contact_email")] == ["ada@example.org"]
        assert conn.execute("SELECT count(*) FROM contact_fts").fetchone()[0] == 2
        for statement in (
            "UPDATE contact SET name = 'Mine' WHERE id = 2",
            "DELETE FROM contact WHERE id = 2",
            "UPDATE deal SET owner_id = 3 WHERE id = 2",
            "DELETE FROM interaction WHERE id = 2",
            "UPDATE task SET done = TRUE WHERE id = 2",
            "DELETE FROM contact_email WHERE contact_id = 2",
        ):
            assert conn.execute(statement).rowcount == 0, statement
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE contact SET owner_id = 4 WHERE id = 1")  # no giving away
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO interaction (contact_id, kind, happened_at, summary, created_at)"
                " VALUES (2, 'call', now(), 'sneaky', now())"
            )
        # a temporary table named app_user cannot make her Bob: the policies' function reads the real one
        conn.execute("CREATE TEMP TABLE app_user (id bigint, pg_role text, active boolean)")
        conn.execute("INSERT INTO app_user VALUES (4, current_user, TRUE)")
        assert sorted(r[0] for r in conn.execute("SELECT name FROM contact")) == ["Ada Lovelace", "Nobody"]
    assert scalar(crew.url, "SELECT name FROM contact WHERE id = 2") == "Grace Hopper"
    assert scalar(crew.url, "SELECT count(*) FROM interaction WHERE contact_id = 2") == 1


def test_a_viewer_reads_everything_and_writes_nothing(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    vic = crew["Vic"]
    assert len(vic.ok("deal", "list", "-f", "json").json()) == 2
    for args in (
        ("contact", "add", "X"),
        ("log", "ada", "call", "hi"),
        ("contact", "edit", "nobody", "--role", "x"),
        ("deal", "delete", "1", "--yes"),
    ):
        vic.fails(
            *args, code=1, match="permission denied: Vic is a viewer: a viewer reads everything and changes nothing"
        )
    with crew.psql("Vic") as conn:
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 3
        for statement in (
            "INSERT INTO contact (name, name_key, status, created_at, updated_at) VALUES"
            " ('X', 'x', 'lead', now(), now())",
            "UPDATE contact SET name = 'X'",
            "DELETE FROM deal",
            "INSERT INTO audit_log (at, entity, entity_id, action) VALUES (now(), 'contact', 1, 'x')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_the_audit_log_is_insert_only_for_all_but_the_schema_owner(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    before = scalar(crew.url, "SELECT count(*) FROM audit_log")
    for name in ("Ann", "Hugo", "Alice"):
        with crew.psql(name) as conn:
            for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
            # an inserted row is stamped with the inserter's user, whoever it claims
            conn.execute(
                "INSERT INTO audit_log (at, user_id, entity, entity_id, action) VALUES (now(), 4, 'contact', 1, 'note')"
            )
    stamped = [
        r[0]
        for r in psycopg.connect(plain(crew.url)).execute(
            "SELECT user_id FROM audit_log WHERE action = 'note' ORDER BY id"
        )
    ]
    assert stamped == [1, 2, 3]  # Ann, Hugo, Alice: never Bob (4)
    # even a grant given by mistake does not open it: the guard trigger refuses anyone but the owner
    with psycopg.connect(plain(crew.url), autocommit=True) as admin:
        admin.execute(f'GRANT UPDATE, DELETE ON audit_log TO "{crew.logins["Hugo"]}"')
    with crew.psql("Hugo") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        conn.execute("DELETE FROM audit_log")
    # the schema's owner may (here the suite's superuser)
    with psycopg.connect(plain(crew.url), autocommit=True) as owner:
        assert owner.execute("DELETE FROM audit_log WHERE action = 'note'").rowcount == 3
    assert scalar(crew.url, "SELECT count(*) FROM audit_log") == before


def test_as_is_refused_on_postgresql(crew, monkeypatch):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    alice = crew["Alice"]
    alice.fails(
        "--as",
        "bob",
        "contact",
        "list",
        code=1,
        match="permission denied: --as is refused on PostgreSQL: you act as the database login",
    )
    alice.fails("--as", "ann", "user", "add", "Eve", code=1, match="--as is refused")
    crew.owner.fails("--as", "alice", "contact", "add", "X", code=1, match="--as is refused")
    monkeypatch.setenv("MINICRM_USER", "bob")
    alice.fails("contact", "list", code=1, match="--as is refused")
    monkeypatch.setenv("MINICRM_USER", "ALICE")  # naming herself is no impersonation
    assert names(alice) == ["Ada Lovelace", "Nobody"]


def test_a_deactivated_user_cannot_connect_and_only_an_admin_manages_users(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    alice, bob, ann, hugo = crew["Alice"], crew["Bob"], crew["Ann"], crew["Hugo"]
    alice.fails(
        "user", "deactivate", "bob", code=1, match="permission denied: deactivating a user needs the admin role"
    )
    hugo.fails("user", "role", "hugo", "admin", code=1, match="needs the admin role (Hugo is a head)")
    alice.fails("user", "add", "Eve", code=1, match="permission denied: adding a user needs the admin role")
    with crew.psql("Alice") as conn:
        for statement in (
            "UPDATE app_user SET role = 'admin' WHERE id = 3",
            f'ALTER ROLE "{crew.logins["Bob"]}" LOGIN',
            "INSERT INTO app_user (name, name_key, active, created_at) VALUES ('Eve', 'eve', TRUE, now())",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    ann.ok("user", "deactivate", "bob")
    bob.fails("contact", "list", code=1, match=f"permission denied: the login '{crew.logins['Bob']}' may not connect")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        crew.psql("Bob")
    # Bob's records stay, visible to those who see everything
    assert "Grace Hopper" in names(hugo)
    ann.ok("user", "activate", "bob")
    assert names(bob) == ["Grace Hopper", "Nobody"]
    # a role change moves the login to the other group in the same transaction
    ann.ok("user", "role", "alice", "viewer")
    alice.fails("contact", "add", "X", code=1, match="Alice is a viewer")
    assert names(alice) == ["Ada Lovelace", "Grace Hopper", "Nobody"]
    ann.ok("user", "role", "alice", "manager")
    roles = {u["name"]: (u["role"], u["pg_role"]) for u in ann.ok("user", "list", "-f", "json").json()}
    assert roles["Alice"] == ("manager", crew.logins["Alice"]) and roles["Ann"][0] == "admin"
    # an admin adds a colleague (a login named after them unless --pg-role says otherwise) and maps an existing one
    login = f"t{uuid.uuid4().hex[:8]}_eve"
    ann.ok("user", "add", "Eve", "--role", "viewer", "--pg-role", login)
    eve = Cli(as_login(crew.url, login), owner_db=crew.url)
    assert len(names(eve)) == 3
    ann.fails("user", "add", "Eva", "--pg-role", login, code=1, match=f"the login '{login}' is already user 'Eve'")


def test_handover_is_for_heads_and_admins(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    alice, hugo, ann = crew["Alice"], crew["Hugo"], crew["Ann"]
    alice.fails(
        "handover",
        "--from",
        "bob",
        "--to",
        "alice",
        code=1,
        match="permission denied: handover needs the head or the admin role (Alice is a manager)",
    )
    res = hugo.ok("handover", "--from", "bob", "--to", "alice", "-f", "json").json()
    assert (res["contacts"], res["deals"], res["tasks"]) == (1, 0, 1)  # Bob's deal is won: it stays his
    assert names(alice) == ["Ada Lovelace", "Grace Hopper", "Nobody"]
    hugo.fails(
        "handover",
        "--from",
        "alice",
        "--to",
        "bob",
        "--deactivate",
        code=1,
        match="deactivating a user needs the admin role",
    )
    ann.ok("handover", "--from", "alice", "--to", "bob", "--deactivate")
    assert names(crew["Bob"]) == ["Ada Lovelace", "Grace Hopper", "Nobody"]


def test_a_managers_reports_count_only_their_clients(crew):
    """PostgreSQL only: row-level security, grants and login roles are PostgreSQL's (PG_ONLY)."""
    res = crew["Alice"].ok("report", "sales", "--period", "2026", "-f", "json")
    assert (res.json()["won_count"], res.json()["rows"][0]["amount"]) == (1, "1000.00")
    assert res.stderr.strip() == "your clients (Alice is a manager)"
    res = crew["Hugo"].ok("report", "sales", "--period", "2026", "-f", "json")
    assert (res.json()["won_count"], res.json()["rows"][0]["amount"]) == (2, "3000.00")
    assert res.stderr.strip() == "all clients (Hugo is a head)"
    clients = crew["Bob"].ok("report", "clients", "-f", "json").json()
    assert [c["client"] for c in clients] == ["Grace Hopper"]
    assert crew.owner.ok("report", "sales", "--period", "2026").stderr.count("clients (") == 0  # the owner: no note


def test_every_table_is_granted_and_the_client_tables_are_row_secured(crew):
    """A later migration's table must get its grants (and policies, for client data) too. PostgreSQL only (PG_ONLY)."""
    with psycopg.connect(plain(crew.url)) as conn:
        prefix = conn.execute("SELECT value FROM meta WHERE key = 'role_prefix'").fetchone()[0]
        tables = conn.execute(
            "SELECT c.relname, c.relrowsecurity, has_table_privilege(%s, c.oid, 'SELECT'),"
            " EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname IN"
            "  ('owner_id', 'assignee_id', 'contact_id', 'company_id', 'deal_id', 'request_id'))"
            " FROM pg_class c WHERE c.relnamespace = CAST(current_schema() AS regnamespace) AND c.relkind = 'r'",
            (f"{prefix}_viewer",),
        ).fetchall()
    assert len(tables) > 25
    assert [t for t, _, readable, _ in tables if not readable] == []
    assert sorted(t for t, secured, _, client in tables if client and not secured) == []


def test_roles_that_exist_already_are_adopted_by_the_migration(pg_empty_database):
    """The migration creates the group roles only when missing (idempotent). PostgreSQL only (PG_ONLY)."""
    from minicrm.store.core import migrate
    from minicrm.store.core.db import Database
    from minicrm.store.people.rights import role_prefix

    group = f"{role_prefix(pg_empty_database.rsplit('/', 1)[1])}_manager"
    with psycopg.connect(plain(pg_empty_database), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{group}" NOLOGIN')
    migrate.upgrade(Database(pg_empty_database))
    # 21 tables secured by 0012, company_domain by 0015
    assert scalar(pg_empty_database, "SELECT count(*) FROM pg_policies WHERE policyname LIKE 'minicrm_%'") == 2 * 22


# -- both backends -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["option", "env"])
def test_read_only_opens_the_database_so_that_every_write_fails(cli, monkeypatch, how):
    cli.ok("contact", "add", "Ada Lovelace")
    ro = Cli(cli.db, options=("--read-only",) if how == "option" else ())
    if how == "env":
        monkeypatch.setenv("MINICRM_READ_ONLY", "1")
    assert names(ro) == ["Ada Lovelace"]
    ro.ok("export", "json")
    for args in (("contact", "add", "Bob"), ("log", "ada", "call", "hi"), ("user", "add", "Zed")):
        ro.fails(*args, code=1, match="read-only")


@pytest.mark.sqlite_only("--as is an attribution label on a SQLite file; PostgreSQL refuses it (test_as_is_refused)")
def test_as_is_a_label_on_sqlite_and_roles_are_labels(cli):
    cli.ok("user", "add", "Vic", "--role", "viewer")
    cli.ok("--as", "vic", "contact", "add", "Ada")  # the file's permissions decide who may write it, not the role
    assert cli.ok("contact", "show", "ada", "-f", "json").json()["owner"] == "Vic"
    cli.fails("user", "add", "Eve", "--pg-role", "eve", code=2, match="--pg-role needs a PostgreSQL database")
    cli.ok("user", "role", "vic", "head")
    assert cli.ok("user", "list", "-f", "json").json()[0]["role"] == "head"


def test_the_rights_outlive_a_whole_database_import(crew, tmp_path):
    """Regression: a whole-database import of another database's data (`import json --replace` of a SQLite
    file's export, `migrate-to`, bench/load_pg.py) replaces the `meta` table, which held the group roles' prefix;
    the login was then not recognised and `--as` taken as a label again. The prefix is now read from the
    policies themselves. PostgreSQL only (PG_ONLY)."""
    import json

    data = json.loads(crew.owner.ok("export", "json").stdout)
    data["tables"]["meta"] = [row for row in data["tables"]["meta"] if row["key"] != "role_prefix"]
    dump = tmp_path / "from-sqlite.json"
    dump.write_text(json.dumps(data))
    crew.owner.ok("import", "json", str(dump), "--replace")
    assert scalar(crew.url, "SELECT value FROM meta WHERE key = 'role_prefix'") is None
    crew["Alice"].fails("--as", "bob", "contact", "list", code=1, match="--as is refused")
    assert names(crew["Alice"]) == ["Ada Lovelace", "Nobody"]
    crew["Vic"].fails("contact", "add", "X", code=1, match="Vic is a viewer")
