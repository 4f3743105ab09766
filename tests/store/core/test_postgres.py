"""The same minicrm on PostgreSQL: main CLI flows on both backends, and what only PostgreSQL has.

Every other suite runs on PostgreSQL too (the `backend` fixture in conftest.py). Needs `MINICRM_PG_URL`
(see tests/conftest.py); each PostgreSQL test gets its own fresh database.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from backends import *  # noqa: F403
from backends import BackendCli, plain, target_digest


# -- main flows, parametrised over SQLite and PostgreSQL ------------------------------------------
def names(bcli, *args):
    return [r["name"] for r in bcli.ok(*args, "-f", "json").json()]


def test_contact_crud(bcli):
    assert bcli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--tag", "vip",
                   "--company", "Analytical Engines", "--birthday", "1815-12-10", "--field", "city=London",
                   "--next", "2026-11-30", "--goal", "send notes").stdout.strip() == "1"  # fmt: skip
    card = bcli.ok("contact", "show", "ada@example.org", "-f", "json").json()
    assert (card["name"], card["company"], card["tags"], card["fields"]) == (
        "Ada Lovelace",
        "Analytical Engines",
        ["vip"],
        {"city": "London"},
    )
    assert (card["next_contact_on"], card["birthday"], card["archived"]) == ("2026-11-30", "1815-12-10", False)
    bcli.ok("contact", "add", "Charles Babbage", "--company", "analytical engines", "--status", "client")
    assert names(bcli, "contact", "list") == ["Ada Lovelace", "Charles Babbage"]
    assert names(bcli, "contact", "list", "--status", "client") == ["Charles Babbage"]
    assert names(bcli, "contact", "list", "--tag", "vip") == ["Ada Lovelace"]
    assert names(bcli, "contact", "list", "--field", "city=London") == ["Ada Lovelace"]
    bcli.ok("contact", "edit", "ada", "--role", "Countess", "--untag", "vip", "--tag", "math")
    card = bcli.ok("contact", "show", "1", "-f", "json").json()
    assert (card["role"], card["tags"], card["revision"]) == ("Countess", ["math"], 2)
    bcli.ok("contact", "archive", "ada")
    assert names(bcli, "contact", "list") == ["Charles Babbage"]
    assert names(bcli, "contact", "list", "--archived") == ["Ada Lovelace"]
    bcli.ok("log", "babbage", "call", "About the engine")
    bcli.ok("contact", "delete", "babbage", "--yes")
    assert names(bcli, "contact", "list") == []
    hits = bcli.ok("search", "engine", "-f", "json").json()  # the interaction went with Babbage
    assert [(h["kind"], h["title"]) for h in hits] == [("contact", "Ada Lovelace"), ("company", "Analytical Engines")]


def test_company_flow(bcli):
    bcli.ok("company", "add", "Müller & Söhne GmbH", "--industry", "retail", "--city", "München", "--tag", "eu")
    bcli.ok("contact", "add", "Zoë Müller", "--company", "Müller & Söhne GmbH")
    rows = bcli.ok("company", "list", "-f", "json").json()
    assert (rows[0]["name"], rows[0]["contacts"], rows[0]["tags"]) == ("Müller & Söhne GmbH", 1, ["eu"])
    assert names(bcli, "company", "list", "--search", "sohne") == ["Müller & Söhne GmbH"]
    assert names(bcli, "company", "list", "--city", "münchen") == ["Müller & Söhne GmbH"]
    bcli.ok("company", "edit", "muller", "--name", "Müller AG")
    assert bcli.ok("contact", "show", "zoe", "-f", "json").json()["company"] == "Müller AG"
    assert names(bcli, "contact", "list", "-s", "muller ag") == ["Zoë Müller"]
    bcli.ok("company", "delete", "1", "--yes")
    assert bcli.ok("contact", "show", "zoe", "-f", "json").json()["company"] is None


def test_log_next_timeline(bcli):
    bcli.ok("contact", "add", "Ada Lovelace", "--every", "2w")
    bcli.ok("log", "ada", "call", "First call", "--at", "2026-11-01 10:00", "--out", "--duration", "25m")
    res = bcli.ok("log", "ada", "email", "Proposal", "--at", "2026-11-20 09:30", "--in", "--body", "Dear Ada")
    assert "next contact: 2026-12-04" in res.stderr
    items = bcli.ok("timeline", "ada", "-f", "json").json()
    assert [(i["summary"], i["direction"]) for i in items] == [("Proposal", "in"), ("First call", "out")]
    assert items[1]["duration_min"] == 25 and items[0]["happened_at"] == "2026-11-20T09:30:00"
    bcli.ok("next", "ada", "friday 15:00", "--goal", "demo")
    card = bcli.ok("contact", "show", "ada", "-f", "json").json()
    assert (card["next_contact_on"], card["next_contact_time"], card["next_contact_goal"]) == (
        "2026-11-27",
        "15:00",
        "demo",
    )
    assert card["last_interaction_at"] == "2026-11-20T09:30:00"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("иван", ["Иван Петров"]),
        ("ИВАН пет", ["Иван Петров"]),
        ("jose", ["José Álvarez"]),
        ("ALVAR", ["José Álvarez"]),
        ("zoe mull", ["Zoë Müller"]),
        ("example", ["Zoë Müller"]),  # a word inside an e-mail address
        ("petrova", []),
    ],
)
def test_search_ignores_case_and_accents(bcli, query, expected):
    bcli.ok("contact", "add", "Иван Петров", "--note", "Москва")
    bcli.ok("contact", "add", "José Álvarez")
    bcli.ok("contact", "add", "Zoë Müller", "--email", "zoe@example.org")
    assert names(bcli, "contact", "list", "-s", query) == expected
    hits = bcli.ok("search", query, "-f", "json").json()
    assert [h["title"] for h in hits if h["kind"] == "contact"] == expected


def test_search_finds_interactions_and_companies(bcli):
    bcli.ok("contact", "add", "Иван Петров", "--company", "Ромашка")
    bcli.ok("log", "иван", "meeting", "Обсудили цены на сыр", "--body", "Crème brûlée")
    kinds = lambda q: [h["kind"] for h in bcli.ok("search", q, "-f", "json").json()]  # noqa: E731
    assert kinds("обсуд") == ["interaction"]
    assert kinds("creme brul") == ["interaction"]
    assert kinds("ромаш") == ["contact", "company"]
    assert bcli.ok("search", "!!!", "-f", "json").json() == []


@pytest.mark.parametrize(
    ("args", "code", "match"),
    [
        (("contact", "add", "X", "--email", "nope"), 2, "invalid email 'nope'"),
        (("contact", "add", "X", "--status", "friend"), 2, "unknown status 'friend'"),
        (("contact", "show", "999"), 1, "no contact with id 999"),
        (("contact", "show", "an"), 1, "'an' matches 2 contacts"),
        (("contact", "delete", "Ann Lee"), 1, "--yes"),
        (("log", "ann lee", "dance", "x"), 2, "unknown interaction kind 'dance'"),
        (("company", "add", "ACME"), 1, "already exists"),
    ],
)
def test_errors_leave_the_database_unchanged(bcli, args, code, match):
    bcli.ok("contact", "add", "Ann Lee", "--email", "ann@example.org")
    bcli.ok("contact", "add", "Joanna Smith", "--company", "Acme")
    bcli.fails(*args, code=code, match=match)


# -- PostgreSQL specifics ---------------------------------------------------------------------------
def test_types_come_back_as_python_types(pg_database):
    from minicrm.store.core.db import Database
    from minicrm.store.people.contacts import create_contact

    session = Database(pg_database).connect()
    try:
        create_contact(session, name="Ada", now=datetime(2026, 11, 22, 9, 30), next_contact_on=date(2026, 12, 1))
        row = session.one("SELECT archived, next_contact_on, created_at, next_contact_auto FROM contact")
        assert row["archived"] is False and row["next_contact_auto"] is False
        assert row["next_contact_on"] == date(2026, 12, 1)
        assert row["created_at"] == datetime(2026, 11, 22, 9, 30)
        assert session.scalar("SELECT count(*) FROM contact WHERE archived = ?", (False,)) == 1
    finally:
        session.close()


def test_cli_creates_the_schema_on_an_empty_database(pg_empty_database):
    import psycopg

    from minicrm.store.core.migrate import SCHEMA_HEAD

    bcli = BackendCli(pg_empty_database)
    bcli.ok("contact", "add", "José Álvarez")
    assert names(bcli, "contact", "list", "-s", "jose") == ["José Álvarez"]
    with psycopg.connect(plain(pg_empty_database)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()[0]


def test_search_uses_the_gin_index(pg_database):
    import psycopg

    from minicrm.store.core.db import Database
    from minicrm.store.people.search import matching

    session = Database(pg_database).connect()
    sql, params = matching(session, "contact_fts", "иван")
    session.close()
    with psycopg.connect(plain(pg_database)) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql.replace("?", "%s"), params))
    assert "ix_contact_fts_tsv" in plan, plan


def test_the_url_and_password_are_never_printed(tmp_path):
    url = "postgresql+psycopg://bob:s3cr3t-pw@127.0.0.1:1/nothing"
    res = BackendCli(url)("contact", "list")
    assert res.exit_code == 1
    assert "s3cr3t" not in res.stderr and "s3cr3t" not in res.stdout
    assert res.stderr.startswith("error: cannot connect to postgresql+psycopg://bob:***@127.0.0.1:1/nothing")


def test_plain_postgresql_urls_are_accepted(pg_database):
    url = pg_database.replace("postgresql+psycopg://", "postgresql://", 1)
    bcli = BackendCli(url)
    bcli.ok("contact", "add", "Ada")
    assert names(bcli, "contact", "list") == ["Ada"]


def test_unknown_url_scheme_is_refused(tmp_path):
    res = BackendCli("mysql://root:pw@localhost/crm")("contact", "list")
    assert res.exit_code == 1 and "unsupported database URL 'mysql://root:***@localhost/crm'" in res.stderr


PW_ROLE = "minicrm_pw_test"  # .ci/run makes the server ask this role for a password (scram-sha-256)


@pytest.fixture
def password_role(pg_url, pg_database):
    """A login role with a password, allowed into the test database; None if the server trusts everyone."""
    import psycopg

    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {PW_ROLE}")
        admin.execute(f"CREATE ROLE {PW_ROLE} LOGIN PASSWORD 'pw-from-env'")
    with psycopg.connect(plain(pg_database), autocommit=True) as conn:
        conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PW_ROLE}")
        conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PW_ROLE}")
    url = pg_database.replace("://postgres@", f"://{PW_ROLE}@", 1)
    # on PostgreSQL the login is the minicrm user (#21): the schema's owner maps this login to one
    BackendCli(pg_database).ok("user", "add", "Password Tester", "--role", "admin", "--pg-role", PW_ROLE)
    yield url
    with psycopg.connect(plain(pg_database), autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {PW_ROLE}")
    with psycopg.connect(plain(pg_url), autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {PW_ROLE}")


def test_password_from_pgpassword_and_pgpass(password_role, tmp_path, monkeypatch):
    """libpq reads PGPASSWORD and ~/.pgpass (PGPASSFILE): the URL needs no password, and none is printed."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    bcli = BackendCli(password_role)
    res = bcli("contact", "list")
    if res.exit_code == 0:
        pytest.skip("the server does not ask this role for a password (see .ci/run for the pg_hba.conf line)")
    assert "password" in res.stderr and res.stderr.startswith("error: cannot connect to"), res.stderr
    monkeypatch.setenv("PGPASSWORD", "pw-from-env")
    bcli.ok("contact", "add", "Ada")
    assert names(bcli, "contact", "list") == ["Ada"]
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{PW_ROLE}:pw-from-env\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert names(bcli, "contact", "list") == ["Ada"]
    assert "pw-from-env" not in bcli("contact", "list").stderr


def test_digest_sees_changes(pg_database):
    """The helper behind `fails()`: it must notice a change, or the 'unchanged' checks prove nothing."""
    bcli = BackendCli(pg_database)
    before = target_digest(pg_database)
    bcli.ok("contact", "add", "Ada")
    assert target_digest(pg_database) != before
