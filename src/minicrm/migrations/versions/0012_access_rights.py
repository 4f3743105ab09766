"""access rights: each user has a role; on PostgreSQL the server enforces it (#21)

`app_user.role` (admin, head, manager or viewer; existing users become managers) and `app_user.pg_role`, the
PostgreSQL login role a user connects as (NULL: none). On SQLite that is all: the file's permissions are the
access control there and the role a label.

On PostgreSQL, when the migrating role may create roles, this upgrade also sets up the rights (idempotently:
running it again changes nothing):

- four group roles per database, `<prefix>_admin`, `_head`, `_manager`, `_viewer` (the prefix is the database's
  name, kept in `meta.role_prefix`): login roles are always cluster-wide, so two databases on one server never
  share them;
- grants: every group reads every table; managers write the client tables (contacts, companies, deals, tasks,
  requests, their details, interactions, the search tables, campaign members), heads also campaigns and
  segments, admins everything (users and settings too); the audit log is INSERT only for all of them;
- row-level security on the client tables: a manager's statements see (and may write) only the rows they own
  or that nobody owns, and the rows hanging off those (a contact's e-mails, a deal's products, an interaction
  of a visible contact...); heads, admins and viewers see every row. The schema's owner bypasses it;
- `minicrm_user_id()`, the app_user id of `current_user` (active users only), used by the policies; and a
  trigger that stamps every audit row a non-owner inserts with that id and refuses UPDATE, DELETE and TRUNCATE
  to everyone but the owner.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("admin", "head", "manager", "viewer")
#: Tables whose rows have an owner: (table, owner column).
OWNED = (
    ("contact", "owner_id"),
    ("company", "owner_id"),
    ("deal", "owner_id"),
    ("task", "assignee_id"),
    ("service_request", "assignee_id"),
)
#: Tables whose rows belong to a row of an owned table: (table, key, parent table). Visible when the parent is.
CHILDREN = (
    ("contact_email", "contact_id", "contact"),
    ("contact_phone", "contact_id", "contact"),
    ("contact_tag", "contact_id", "contact"),
    ("contact_field", "contact_id", "contact"),
    ("contact_date", "contact_id", "contact"),
    ("campaign_member", "contact_id", "contact"),
    ("interaction", "contact_id", "contact"),
    ("company_tag", "company_id", "company"),
    ("company_field", "company_id", "company"),
    ("deal_product", "deal_id", "deal"),
    ("deal_stage_history", "deal_id", "deal"),
    ("request_time", "request_id", "service_request"),
    ("contact_fts", "rowid", "contact"),
    ("company_fts", "rowid", "company"),
    ("interaction_fts", "rowid", "interaction"),
)
#: Written by managers too, without row-level security: the e-mails logged and the IMAP folders synced.
SHARED_TABLES = ("mail_message", "mail_folder")
#: Written by heads and admins (besides the client tables), and by admins only.
HEAD_TABLES = ("campaign", "saved_segment", "sales_plan")
ADMIN_TABLES = ("app_user", "interaction_kind", "pipeline_stage", "cadence_rule", "meta")
READ_ONLY_TABLES = ("alembic_version",)
#: An audit row a manager may read: made by them, or about a record they can see.
AUDIT_VISIBLE = (
    "user_id = (SELECT minicrm_user_id()) OR CASE entity"
    " WHEN 'contact' THEN entity_id IN (SELECT id FROM contact)"
    " WHEN 'company' THEN entity_id IN (SELECT id FROM company)"
    " WHEN 'deal' THEN entity_id IN (SELECT id FROM deal)"
    " WHEN 'task' THEN entity_id IN (SELECT id FROM task)"
    " WHEN 'request' THEN entity_id IN (SELECT id FROM service_request)"
    " WHEN 'interaction' THEN entity_id IN (SELECT id FROM interaction)"
    " ELSE TRUE END"
)


def role_prefix(database: str) -> str:
    """The group roles' prefix for a database name: lower case letters, digits and _, at most 50 characters."""
    return (re.sub(r"[^a-z0-9_]", "_", database.lower()) or "minicrm")[:50]


def upgrade() -> None:
    op.add_column("app_user", sa.Column("role", sa.String(), nullable=False, server_default="manager"))
    op.add_column("app_user", sa.Column("pg_role", sa.String(), nullable=True))
    op.create_index("ix_app_user_pg_role", "app_user", ["pg_role"], unique=True)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rights(bind)


def rights(bind: sa.engine.Connection) -> None:
    """Group roles, grants, policies, the identity function and the audit guard (skipped without CREATEROLE)."""
    may = bind.execute(sa.text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"))
    if not may.scalar():
        return  # no rights set up: the database works as before 0012 (README, "Team setup")
    found = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'role_prefix'")).scalar()
    prefix = found or role_prefix(bind.execute(sa.text("SELECT current_database()")).scalar() or "")
    if not found:
        bind.execute(sa.text("INSERT INTO meta (key, value) VALUES ('role_prefix', :p)"), {"p": prefix})
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    group = {role: f'"{prefix}_{role}"' for role in ROLES}
    for role in ROLES:
        name = f"{prefix}_{role}"
        op.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN"
            f' CREATE ROLE "{name}" NOLOGIN; END IF; END $$'
        )
    everyone = ", ".join(group.values())
    writers = ", ".join(group[r] for r in ("admin", "head", "manager"))
    heads = ", ".join(group[r] for r in ("admin", "head"))
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {everyone}')
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {writers}')
    client_tables = [t for t, _ in OWNED] + [t for t, _, _ in CHILDREN]
    for table in [*client_tables, *SHARED_TABLES, *HEAD_TABLES, *ADMIN_TABLES, *READ_ONLY_TABLES, "audit_log"]:
        op.execute(f'GRANT SELECT ON "{table}" TO {everyone}')
    for table in [*client_tables, *SHARED_TABLES]:
        op.execute(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO {writers}')
    for table in HEAD_TABLES:
        op.execute(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO {heads}')
    for table in ADMIN_TABLES:
        op.execute(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO {group["admin"]}')
    op.execute(f"GRANT INSERT ON audit_log TO {writers}")

    path = f'SET search_path = "{schema}", pg_temp'  # a temporary table named app_user cannot stand in
    op.execute(
        "CREATE OR REPLACE FUNCTION minicrm_user_id() RETURNS bigint LANGUAGE sql STABLE"
        f" {path} AS $$ SELECT id FROM app_user WHERE pg_role = current_user AND active $$"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION minicrm_audit_guard() RETURNS trigger LANGUAGE plpgsql"
        f" {path} AS $$ BEGIN"
        " IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN"
        "  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;"
        " END IF;"
        " IF TG_OP = 'INSERT' THEN NEW.user_id := minicrm_user_id(); RETURN NEW; END IF;"
        " RAISE EXCEPTION 'the audit log is insert-only: only its owner may change it' USING ERRCODE = '42501';"
        " END $$"
    )
    op.execute("DROP TRIGGER IF EXISTS minicrm_audit_guard ON audit_log")
    op.execute(
        "CREATE TRIGGER minicrm_audit_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION minicrm_audit_guard()"
    )
    op.execute("DROP TRIGGER IF EXISTS minicrm_audit_no_truncate ON audit_log")
    op.execute(
        "CREATE TRIGGER minicrm_audit_no_truncate BEFORE TRUNCATE ON audit_log"
        " FOR EACH STATEMENT EXECUTE FUNCTION minicrm_audit_guard()"
    )

    see_all = ", ".join(group[r] for r in ("admin", "head", "viewer"))
    me = "(SELECT minicrm_user_id())"  # an InitPlan: evaluated once per statement, not per row
    rules = [(t, f"{c} IS NULL OR {c} = {me}") for t, c in OWNED]
    rules += [(t, f"{k} IN (SELECT id FROM {p})") for t, k, p in CHILDREN]
    rules.append(("audit_log", AUDIT_VISIBLE))
    for table, rule in rules:
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for name in ("minicrm_all", "minicrm_own"):
            op.execute(f'DROP POLICY IF EXISTS {name} ON "{table}"')
        op.execute(f'CREATE POLICY minicrm_all ON "{table}" TO {see_all} USING (TRUE) WITH CHECK (TRUE)')
        check = "TRUE" if table == "audit_log" else rule  # the guard trigger stamps who wrote an audit row
        op.execute(f'CREATE POLICY minicrm_own ON "{table}" TO {group["manager"]} USING ({rule}) WITH CHECK ({check})')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in [t for t, _ in OWNED] + [t for t, _, _ in CHILDREN] + ["audit_log"]:
            op.execute(f'DROP POLICY IF EXISTS minicrm_all ON "{table}"')
            op.execute(f'DROP POLICY IF EXISTS minicrm_own ON "{table}"')
            op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
        op.execute("DROP TRIGGER IF EXISTS minicrm_audit_guard ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS minicrm_audit_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS minicrm_audit_guard()")
        op.execute("DROP FUNCTION IF EXISTS minicrm_user_id()")
        op.execute("DELETE FROM meta WHERE key = 'role_prefix'")  # the group roles stay: other objects may use them
    op.drop_index("ix_app_user_pg_role", table_name="app_user")
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("pg_role")
        batch_op.drop_column("role")
