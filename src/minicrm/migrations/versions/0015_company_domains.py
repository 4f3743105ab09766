"""companies' internet domains, so mail from a company's domain finds the company (`mail import --by-domain`)

From 0015 `company_domain` holds the domains of each company: the host of its website (without www.) and the
domain of its e-mail address, lower case; public mail services (gmail.com, mail.ru...) are left out. Company
create and edit keep it (store.people.domains); this upgrade fills it from the existing companies. On
PostgreSQL with access rights set up (0012) the table gets the grants and row-level security of the other rows
hanging off a company. No other row is changed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As store.people.domains has them at 0015, copied so that a later change cannot change this upgrade.
PUBLIC_MAIL = frozenset(
    {
        "aol.com", "bk.ru", "free.fr", "gmail.com", "gmx.de", "gmx.net", "googlemail.com", "hotmail.com",
        "icloud.com", "inbox.ru", "list.ru", "live.com", "mail.ru", "me.com", "msn.com", "orange.fr",
        "outlook.com", "proton.me", "protonmail.com", "rambler.ru", "t-online.de", "ukr.net", "web.de",
        "ya.ru", "yahoo.com", "yandex.ru",
    }
)  # fmt: skip


def _domains(email, website):
    found = set()
    if email and "@" in email:
        found.add(email.rpartition("@")[2].strip().lower())
    if website and website.strip():
        text = website.strip()
        try:
            host = urlsplit(text if "//" in text else "//" + text).hostname or ""
        except ValueError:
            host = ""
        found.add(host.lower().removeprefix("www."))
    return {d for d in found if "." in d and d not in PUBLIC_MAIL and " " not in d}


def upgrade() -> None:
    op.create_table(
        "company_domain",
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("domain", "company_id"),
    )
    op.create_index("ix_company_domain_company_id", "company_domain", ["company_id"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, email, website FROM company WHERE email IS NOT NULL OR website IS NOT NULL")
    )
    pairs = [{"d": d, "c": cid} for cid, email, website in rows for d in sorted(_domains(email, website))]
    if pairs:
        bind.execute(sa.text("INSERT INTO company_domain (domain, company_id) VALUES (:d, :c)"), pairs)
    if bind.dialect.name == "postgresql":
        # deferrable like every foreign key since 0005
        name = bind.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = CAST('company_domain' AS regclass) AND contype = 'f'"
        )).scalar()  # fmt: skip
        op.execute(f'ALTER TABLE company_domain ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE')
        _rights(bind)


def _rights(bind: sa.engine.Connection) -> None:
    """The grants and policies 0012 gives a table hanging off a company, when 0012 set rights up."""
    prefix = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'role_prefix'")).scalar()
    if not prefix:
        return
    group = {role: f'"{prefix}_{role}"' for role in ("admin", "head", "manager", "viewer")}
    op.execute(f"GRANT SELECT ON company_domain TO {', '.join(group.values())}")
    op.execute(
        f"GRANT INSERT, UPDATE, DELETE ON company_domain TO {group['admin']}, {group['head']}, {group['manager']}"
    )
    op.execute("ALTER TABLE company_domain ENABLE ROW LEVEL SECURITY")
    see_all = ", ".join(group[r] for r in ("admin", "head", "viewer"))
    op.execute(f"CREATE POLICY minicrm_all ON company_domain TO {see_all} USING (TRUE) WITH CHECK (TRUE)")
    rule = "company_id IN (SELECT id FROM company)"
    op.execute(f"CREATE POLICY minicrm_own ON company_domain TO {group['manager']} USING ({rule}) WITH CHECK ({rule})")


def downgrade() -> None:
    op.drop_index("ix_company_domain_company_id", table_name="company_domain")
    op.drop_table("company_domain")
