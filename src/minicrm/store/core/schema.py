"""The schema, declared as SQLModel tables.

This module is the source of truth for Alembic (`minicrm/migrations`) and is imported only when a
database is created or migrated: importing SQLModel costs ~0.5-0.75 s, more than a whole read
command is allowed to take, so the service functions run plain SQL over DB-API connections
(`store.db`) and return the dataclasses of `store.records`.
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import BigInteger, DateTime, Index, String, Text, false
from sqlmodel import Field, SQLModel

from minicrm.store.core.schema_hooks import Webhook, WebhookAttempt, WebhookDelivery  # noqa: F401  (#22)

#: Timestamps are naive local time (what the user typed), stored as such: newer SQLModel maps `datetime` to an
#: aware UTC type by default, which is not what the migrations created.
NAIVE = DateTime(timezone=False)


class Meta(SQLModel, table=True):
    """Key/value facts about this database (its random id for iCal UIDs, ...)."""

    key: str = Field(primary_key=True)
    value: str


class AppUser(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (Index("ix_app_user_pg_role", "pg_role", unique=True),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    email: Optional[str] = None
    active: bool = True
    created_at: datetime = Field(sa_type=NAIVE)
    #: admin | head | manager | viewer (store.people.rights); enforced by PostgreSQL, a label on SQLite
    role: str = Field(default="manager", sa_column_kwargs={"server_default": "manager"})
    #: the PostgreSQL login role this user connects as (migration 0012); NULL on SQLite and when unmapped
    pg_role: Optional[str] = None


class Company(SQLModel, table=True):
    __table_args__ = (Index("ix_company_deal_value", "deal_value_minor"), {"sqlite_autoincrement": True})
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)  # casefolded, accents removed: uniqueness and REF look-up
    industry: Optional[str] = Field(default=None, index=True)
    city: Optional[str] = Field(default=None, index=True)
    region: Optional[str] = None
    country: Optional[str] = None
    website: Optional[str] = None
    address: Optional[str] = None  # the street part (city, region, country above)
    postcode: Optional[str] = None
    tax_id: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    notes: Optional[str] = Field(default=None, sa_type=Text)
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    cadence_days: Optional[int] = None
    archived: bool = False
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
    revision: int = 1
    #: won + open deal amount (store.sales.deal_values), kept by every deal write; NULL without such deals
    deal_value_minor: Optional[int] = Field(default=None, sa_type=BigInteger)
    #: the newest interaction with the company itself (`log --company`, no person); its contacts' are on them
    last_interaction_at: Optional[datetime] = Field(default=None, sa_type=NAIVE)


class CompanyTag(SQLModel, table=True):
    __tablename__ = "company_tag"
    company_id: int = Field(foreign_key="company.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(primary_key=True, index=True)


class CompanyDomain(SQLModel, table=True):
    """A company's internet domain (website host, e-mail domain): mail from it finds the company (people.domains)."""

    __tablename__ = "company_domain"
    domain: str = Field(primary_key=True)
    company_id: int = Field(foreign_key="company.id", ondelete="CASCADE", primary_key=True, index=True)


class CompanyField(SQLModel, table=True):
    __tablename__ = "company_field"
    __table_args__ = (
        Index("ix_company_field_key_value", "key", "value"),
        Index("ix_company_field_key_value_key", "key", "value_key"),
        Index("ix_company_field_key_number", "key", "number"),
    )
    company_id: int = Field(foreign_key="company.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(primary_key=True)
    value: str
    value_key: Optional[str] = None  # folded (case- and accent-blind) for text comparisons
    number: Optional[float] = None  # a number field's value, compared and binned in SQL


class FieldDefinition(SQLModel, table=True):
    """A typed custom field: what `--field NAME=...` accepts on contacts or companies (store.people.field_types)."""

    __tablename__ = "field_definition"
    __table_args__ = (Index("ix_field_definition_entity_name", "entity", "name", unique=True),)
    id: Optional[int] = Field(default=None, primary_key=True)
    entity: str  # contact | company
    name: str
    type: str  # text | number | date | choice
    choices: Optional[str] = Field(default=None, sa_type=Text)  # JSON list for choice fields
    created_at: datetime = Field(sa_type=NAIVE)


class Contact(SQLModel, table=True):
    __table_args__ = (
        # archived too: `due` counts its backlog from the index alone
        Index("ix_contact_next", "next_contact_on", "archived"),
        Index("ix_contact_last", "last_interaction_at"),
        Index("ix_contact_birthday_md", "birthday_md"),
        # forgotten: the most valuable first; a company's last contact and its contacts' plans, and the count of
        # the silent (remind), from the index alone; the longest anyone can have been silent
        Index("ix_contact_deal_value", "deal_value_minor"),
        Index(
            "ix_contact_company_last", "company_id", "last_interaction_at", "archived", "next_contact_on", "created_at"
        ),
        Index("ix_contact_created_at", "created_at"),
        {"sqlite_autoincrement": True},
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(index=True)
    company_id: Optional[int] = Field(default=None, foreign_key="company.id", ondelete="SET NULL", index=True)
    role: Optional[str] = None
    status: str = Field(default="lead", index=True)
    source: Optional[str] = Field(default=None, index=True)
    birthday: Optional[str] = None  # "1990-12-10" or year-less "--12-10"
    birthday_md: Optional[str] = None  # "12-10": indexed for the upcoming-birthdays range query
    address: Optional[str] = None  # the street part of the postal address (PO box, extended address with it)
    city: Optional[str] = None
    region: Optional[str] = None  # state, province, oblast
    postcode: Optional[str] = None
    country: Optional[str] = None
    family_name: Optional[str] = None  # the part of `name` that is the family name, when a file said (N, ФИО)
    notes: Optional[str] = Field(default=None, sa_type=Text)
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    next_contact_on: Optional[date] = None
    next_contact_time: Optional[str] = Field(default=None, sa_type=String(5))  # "HH:MM"
    next_contact_goal: Optional[str] = None
    next_contact_auto: bool = False  # True when the date was derived from a cadence, not set by hand
    cadence_days: Optional[int] = None
    last_interaction_at: Optional[datetime] = Field(default=None, sa_type=NAIVE)
    archived: bool = Field(default=False, index=True)
    vcard_uid: Optional[str] = Field(default=None, index=True)
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
    revision: int = 1
    #: won + open deal amount (store.sales.deal_values), kept by every deal write; NULL without such deals
    deal_value_minor: Optional[int] = Field(default=None, sa_type=BigInteger)


class ContactEmail(SQLModel, table=True):
    __tablename__ = "contact_email"
    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", index=True)
    email: str
    email_key: str = Field(index=True)  # lower-cased
    label: Optional[str] = None
    position: int = 0


class ContactPhone(SQLModel, table=True):
    __tablename__ = "contact_phone"
    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", index=True)
    phone: str
    phone_key: str = Field(index=True)  # digits only (E.164 without '+' when known)
    label: Optional[str] = None
    position: int = 0


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tag"
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(primary_key=True, index=True)


class ContactField(SQLModel, table=True):
    __tablename__ = "contact_field"
    __table_args__ = (
        Index("ix_contact_field_key_value", "key", "value"),
        Index("ix_contact_field_key_value_key", "key", "value_key"),
        Index("ix_contact_field_key_number", "key", "number"),
    )
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(primary_key=True)
    value: str
    value_key: Optional[str] = None  # folded (case- and accent-blind) for text comparisons
    number: Optional[float] = None  # a number field's value, compared and binned in SQL


class ContactDate(SQLModel, table=True):
    """Important dates other than the birthday (anniversary, contract renewal...)."""

    __tablename__ = "contact_date"
    __table_args__ = (Index("ix_contact_date_yearly_value", "yearly", "value"),)  # one-off dates in a window
    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", index=True)
    label: str
    value: str  # "2020-05-01" or year-less "--05-01"
    md: str = Field(index=True)  # "05-01"
    yearly: bool = True


class InteractionKind(SQLModel, table=True):
    __tablename__ = "interaction_kind"
    name: str = Field(primary_key=True)
    position: int = 0
    # True when logging it is not contact with the client (`note`): it stays in the timeline but does not move
    # `contact.last_interaction_at`, the cadence-derived next day or the forgotten list
    internal: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class PipelineStage(SQLModel, table=True):
    __tablename__ = "pipeline_stage"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    position: int
    probability: int  # percent, the default for deals in this stage
    outcome: str = "open"  # open | won | lost


class Deal(SQLModel, table=True):
    __table_args__ = (
        # probability too: the pipeline sums weighted amounts from the index alone
        Index("ix_deal_stage_currency_amount", "stage_id", "currency", "amount_minor", "probability"),
        # the due queue by next step; the stage, contact and company too: planned steps counted and collected
        # (remind, forgotten) from the index alone
        Index("ix_deal_next_step", "next_step_on", "stage_id", "contact_id", "company_id"),
        Index("ix_deal_expected_close", "expected_close"),
        {"sqlite_autoincrement": True},
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id", ondelete="SET NULL", index=True)
    company_id: Optional[int] = Field(default=None, foreign_key="company.id", ondelete="SET NULL", index=True)
    amount_minor: int = Field(default=0, sa_type=BigInteger)  # amount x 100, exact
    currency: str = "EUR"
    stage_id: int = Field(foreign_key="pipeline_stage.id", ondelete="RESTRICT")
    probability: Optional[int] = None  # overrides the stage default
    expected_close: Optional[date] = None
    next_step: Optional[str] = None
    next_step_on: Optional[date] = None
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    source: Optional[str] = None
    campaign_id: Optional[int] = Field(default=None, foreign_key="campaign.id", ondelete="SET NULL", index=True)
    won_on: Optional[date] = Field(default=None, index=True)
    lost_on: Optional[date] = Field(default=None, index=True)
    lost_reason: Optional[str] = None
    notes: Optional[str] = Field(default=None, sa_type=Text)
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
    revision: int = 1


class DealProduct(SQLModel, table=True):
    __tablename__ = "deal_product"
    id: Optional[int] = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE", index=True)
    name: str = Field(index=True)
    quantity: str  # a Decimal as text
    unit_price_minor: int = Field(sa_type=BigInteger)
    total_minor: int = Field(sa_type=BigInteger)  # quantity x price, rounded half-even to the cent


class DealStageHistory(SQLModel, table=True):
    __tablename__ = "deal_stage_history"
    id: Optional[int] = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE", index=True)
    from_stage_id: Optional[int] = Field(default=None, foreign_key="pipeline_stage.id", ondelete="SET NULL")
    to_stage_id: int = Field(foreign_key="pipeline_stage.id", ondelete="RESTRICT")
    changed_at: datetime = Field(sa_type=NAIVE)
    changed_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")


class Interaction(SQLModel, table=True):
    __table_args__ = (
        Index("ix_interaction_contact_at", "contact_id", "happened_at"),
        Index("ix_interaction_company_at", "company_id", "happened_at"),
        Index("ix_interaction_at", "happened_at"),
        # the orders report lost counts as purchases, with their day and client, from the index alone
        Index("ix_interaction_kind_at", "kind", "happened_at", "company_id", "contact_id"),
        {"sqlite_autoincrement": True},
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    #: NULL for an interaction with the company itself (`log --company`): then company_id says whose it is
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id", ondelete="CASCADE")
    company_id: Optional[int] = Field(default=None, foreign_key="company.id", ondelete="SET NULL")
    kind: str
    direction: Optional[str] = None  # in | out
    happened_at: datetime = Field(sa_type=NAIVE)
    summary: str
    body: Optional[str] = Field(default=None, sa_type=Text)
    outcome: Optional[str] = None
    duration_min: Optional[int] = None
    deal_id: Optional[int] = Field(default=None, foreign_key="deal.id", ondelete="SET NULL", index=True)
    campaign_id: Optional[int] = Field(default=None, foreign_key="campaign.id", ondelete="SET NULL", index=True)
    logged_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    created_at: datetime = Field(sa_type=NAIVE)
    #: the e-mail this interaction was logged from (`minicrm mail`), NULL for everything typed in
    mail_message_id: Optional[int] = Field(default=None, foreign_key="mail_message.id", ondelete="SET NULL", index=True)


class MailMessage(SQLModel, table=True):
    """An e-mail logged from a mailbox, a mail client's pipe or IMAP: its key makes a re-run log nothing twice."""

    __tablename__ = "mail_message"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Optional[int] = Field(default=None, primary_key=True)
    #: the Message-ID without <>, or "sha256:..." of the headers when the message has none
    message_key: str = Field(unique=True)
    #: the Message-ID of the thread's first message (References, In-Reply-To, or its own): replies share it
    thread_key: str = Field(index=True)
    parent_key: Optional[str] = Field(default=None, index=True)  # In-Reply-To
    happened_at: datetime = Field(sa_type=NAIVE)
    created_at: datetime = Field(sa_type=NAIVE)


class MailFolder(SQLModel, table=True):
    """How far `mail sync` has read an IMAP folder: the folder's UIDVALIDITY and the last UID seen."""

    __tablename__ = "mail_folder"
    __table_args__ = (Index("ux_mail_folder_account", "account", "folder", unique=True),)
    id: Optional[int] = Field(default=None, primary_key=True)
    account: str  # user@host:port
    folder: str
    uidvalidity: int = Field(sa_type=BigInteger)
    last_uid: int = Field(sa_type=BigInteger)
    synced_at: datetime = Field(sa_type=NAIVE)


class Task(SQLModel, table=True):
    __table_args__ = (Index("ix_task_open_due", "done", "due_on"), {"sqlite_autoincrement": True})
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str
    due_on: Optional[date] = None
    due_time: Optional[str] = Field(default=None, sa_type=String(5))
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id", ondelete="CASCADE", index=True)
    company_id: Optional[int] = Field(default=None, foreign_key="company.id", ondelete="CASCADE", index=True)
    deal_id: Optional[int] = Field(default=None, foreign_key="deal.id", ondelete="CASCADE", index=True)
    assignee_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    done: bool = False
    done_on: Optional[date] = None
    notes: Optional[str] = Field(default=None, sa_type=Text)
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
    revision: int = 1


class CadenceRule(SQLModel, table=True):
    """Stay-in-touch defaults for a tag or a company: scope 'tag:vip', 'company:12', 'default'."""

    __tablename__ = "cadence_rule"
    scope: str = Field(primary_key=True)
    days: int


class AuditLog(SQLModel, table=True):
    """Append-only record of every change: who, when, what, old -> new (JSON)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"), {"sqlite_autoincrement": True})
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(index=True, sa_type=NAIVE)
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    entity: str
    entity_id: int
    action: str  # create | update | delete
    changes: Optional[str] = Field(default=None, sa_type=Text)


class SavedSegment(SQLModel, table=True):
    """A named contact filter (tags, statuses, fields, company industry/city) usable wherever a filter is."""

    __tablename__ = "saved_segment"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    definition: str = Field(sa_type=Text)  # JSON, see store.segments
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)


class Campaign(SQLModel, table=True):
    """A marketing action: who it targets, what it cost, and (through campaign_id) what it brought."""

    __table_args__ = (Index("ix_campaign_channel_start", "channel", "starts_on"), {"sqlite_autoincrement": True})
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    channel: str
    starts_on: Optional[date] = None
    ends_on: Optional[date] = None
    currency: str = "EUR"
    budget_minor: Optional[int] = Field(default=None, sa_type=BigInteger)
    cost_minor: Optional[int] = Field(default=None, sa_type=BigInteger)  # actual cost
    segment_id: Optional[int] = Field(default=None, foreign_key="saved_segment.id", ondelete="SET NULL", index=True)
    target: Optional[str] = Field(default=None, sa_type=Text)  # JSON filter when no saved segment is named
    notes: Optional[str] = Field(default=None, sa_type=Text)
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
    revision: int = 1


class CampaignMember(SQLModel, table=True):
    """The contacts a campaign reached (its mail-merge or call list), fixed when added."""

    __tablename__ = "campaign_member"
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE", primary_key=True, index=True)
    added_at: datetime = Field(sa_type=NAIVE)


class ServiceRequest(SQLModel, table=True):
    """A client request (ticket): new -> open -> waiting -> resolved -> closed."""

    __tablename__ = "service_request"
    __table_args__ = (
        Index("ix_service_request_status_due", "status", "due_on"),
        Index("ix_service_request_opened", "opened_at"),
        {"sqlite_autoincrement": True},
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id", ondelete="SET NULL", index=True)
    company_id: Optional[int] = Field(default=None, foreign_key="company.id", ondelete="SET NULL", index=True)
    subject: str
    subject_key: str = Field(index=True)  # folded, for "most frequent subjects"
    description: Optional[str] = Field(default=None, sa_type=Text)
    channel: Optional[str] = None
    priority: str = "normal"  # low | normal | high | urgent
    status: str = "new"  # new | open | waiting | resolved | closed
    opened_at: datetime = Field(sa_type=NAIVE)
    due_on: Optional[date] = None
    resolved_at: Optional[datetime] = Field(default=None, index=True, sa_type=NAIVE)
    closed_at: Optional[datetime] = Field(default=None, sa_type=NAIVE)
    resolution: Optional[str] = Field(default=None, sa_type=Text)
    assignee_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
    revision: int = 1


class RequestTime(SQLModel, table=True):
    """Time spent on a service request: who, how many minutes, on which day, doing what."""

    __tablename__ = "request_time"
    __table_args__ = (Index("ix_request_time_spent_on", "spent_on"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="service_request.id", ondelete="CASCADE", index=True)
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    minutes: int
    spent_on: date
    note: Optional[str] = None
    created_at: datetime = Field(sa_type=NAIVE)


class SalesPlan(SQLModel, table=True):
    """A sales target of one user (or of the whole team: `user_id` NULL) for a calendar month, quarter or year.

    Every target is optional; revenue is in one currency. `period` is the label (`2026-11`, `2026-Q4`, `2026`),
    `starts_on`/`ends_on` its days. One plan per user and period (the team's is kept unique by store.sales.plans).
    """

    __tablename__ = "sales_plan"
    __table_args__ = (
        Index("ix_sales_plan_period_user", "period", "user_id", unique=True),
        Index("ix_sales_plan_days", "starts_on", "ends_on"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="CASCADE", index=True)
    period: str
    starts_on: date
    ends_on: date
    revenue_minor: Optional[int] = Field(default=None, sa_type=BigInteger)
    currency: Optional[str] = None  # of the revenue target
    deals: Optional[int] = None
    new_clients: Optional[int] = None
    calls: Optional[int] = None
    meetings: Optional[int] = None
    interactions: Optional[int] = None
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)
    updated_at: datetime = Field(sa_type=NAIVE)
