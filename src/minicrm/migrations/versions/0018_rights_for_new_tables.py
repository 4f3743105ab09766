"""access rights for the tables added after 0012, and child policies that stay fast on big tables (#21)

On PostgreSQL with the rights of 0012 set up (the managers' policy on `contact` exists), nothing on SQLite:

- grants for the tables of 0015-0017: `company_domain` (client data: managers write it, and see a company's
  domains only when they see the company), `field_definition` (a setting: admins write it), `webhook` (admins),
  `webhook_delivery` (every writer enqueues deliveries in its own transaction; admins deliver) and
  `webhook_attempt` (admins). Everyone reads them.
- the managers' policies on the detail tables become `EXISTS (SELECT 1 FROM parent WHERE parent.id = key)`.
  0012's `key IN (SELECT id FROM parent)` was planned as a hashed subquery over every visible parent, and once
  that set no longer fits in work_mem as a subquery re-run per row: a manager's search over a million
  interactions ran for half an hour. EXISTS lets the planner probe the parent's primary key per row (or hash
  when that is cheaper). No row is changed.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, key, parent): as 0012's CHILDREN, plus 0015's company domains.
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
    ("company_domain", "company_id", "company"),
)
ROLES = ("admin", "head", "manager", "viewer")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    roles = bind.execute(
        sa.text(
            "SELECT array_to_string(roles, ',') FROM pg_policies WHERE schemaname = current_schema()"
            " AND tablename = 'contact' AND policyname = 'minicrm_own'"
        )
    ).scalar()
    if not roles or not roles.endswith("_manager"):
        return  # no rights set up (0012 skipped them)
    prefix = roles.removesuffix("_manager")
    group = {role: f'"{prefix}_{role}"' for role in ROLES}
    everyone = ", ".join(group.values())
    writers = ", ".join(group[r] for r in ("admin", "head", "manager"))
    for table in ("company_domain", "field_definition", "webhook", "webhook_delivery", "webhook_attempt"):
        op.execute(f'GRANT SELECT ON "{table}" TO {everyone}')
    op.execute(f'GRANT INSERT, UPDATE, DELETE ON "company_domain" TO {writers}')
    op.execute(f'GRANT INSERT ON "webhook_delivery" TO {writers}')
    for table in ("field_definition", "webhook", "webhook_delivery", "webhook_attempt"):
        op.execute(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO {group["admin"]}')
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {writers}')
    see_all = ", ".join(group[r] for r in ("admin", "head", "viewer"))
    for table, key, parent in CHILDREN:
        rule = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {table}.{key})"
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for name in ("minicrm_all", "minicrm_own"):
            op.execute(f'DROP POLICY IF EXISTS {name} ON "{table}"')
        op.execute(f'CREATE POLICY minicrm_all ON "{table}" TO {see_all} USING (TRUE) WITH CHECK (TRUE)')
        op.execute(f'CREATE POLICY minicrm_own ON "{table}" TO {group["manager"]} USING ({rule}) WITH CHECK ({rule})')


def downgrade() -> None:
    pass  # the grants and the EXISTS policies are as right for 0017's tables as for these
