"""The columns of every TUI table, with their priorities (#19), in one place.

Priority 0 never drops; when a table is too narrow the column with the highest number drops first.
`cut=True` marks text that may be shortened with `…` (names, companies, subjects, summaries); every other
column (dates, amounts, counts, ids, e-mails, statuses) is shown whole or dropped. The order of what drops
follows the command line's tables: who and when first, then the company, then the rest.

Headers marked `N_` are translated where the table is made (`translated`); the rest are still English (#23).
"""

from __future__ import annotations

from dataclasses import replace

from minicrm.i18n import N_, _
from minicrm.tui.widgets.fit_table import Col

CONTACTS = (
    # a name narrower than 22 is hard to read: beside the preview (which shows it) the status drops first
    Col("name", "Name", cut=True, min=22, fill=True),
    Col("company", "Company", priority=2, cut=True, min=8),
    Col("status", "Status", priority=4),
    Col("last", "Last", priority=3),
    Col("next", "Next", priority=1),
    Col("email", "E-mail", priority=5),
    Col("tags", "Tags", priority=6, cut=True, min=6),
)

COMPANIES = (
    Col("name", "Name", cut=True, min=12, fill=True),
    Col("industry", "Industry", priority=3, cut=True, min=6),
    Col("city", "City", priority=2, cut=True, min=6),
    Col("people", "People", priority=4, right=True),
    Col("last", "Last", priority=1),
)

DUE = (
    Col("when", N_("When")),
    Col("contact", N_("Contact"), cut=True, min=10),
    Col("what", N_("What"), priority=1, cut=True, min=6, fill=True),
    Col("late", N_("Late"), right=True),
)

FORGOTTEN = (
    Col("name", N_("Name"), cut=True, min=10, fill=True),
    Col("company", N_("Company"), priority=1, cut=True, min=6),
    Col("silent", N_("Silent"), right=True),
)

PIPELINE = (
    Col("stage", N_("Stage"), cut=True, min=6),
    Col("deals", N_("Deals"), priority=1, right=True),
    Col("amount", N_("Amount"), right=True),
    Col("bar", "", priority=2),
)

BIRTHDAYS = (
    Col("day", N_("Day")),
    Col("name", N_("Name"), cut=True, min=8, fill=True),
    Col("company", N_("Company"), priority=1, cut=True, min=6),
)

REQUESTS = (
    Col("id", "ID", right=True),
    Col("priority", "Priority", priority=3),
    Col("status", "Status", priority=4),
    Col("subject", "Subject", cut=True, min=12, fill=True),
    Col("client", "Client", priority=1, cut=True, min=8),
    Col("due", "Due", priority=2),
    Col("time", "Time", priority=6, right=True),
    Col("assignee", "Assignee", priority=5, cut=True, min=6),
)

TIMELINE = (
    Col("when", "When"),
    Col("kind", "Kind", priority=1),
    Col("direction", "Dir", priority=3),
    Col("summary", "Summary", cut=True, min=12, fill=True),
    Col("outcome", "Outcome", priority=2, cut=True, min=8),
)

PEOPLE = (
    Col("name", "Person", cut=True, min=12, fill=True),
    Col("role", "Role", priority=3, cut=True, min=6),
    Col("status", "Status", priority=4),
    Col("last", "Last", priority=2),
    Col("next", "Next", priority=1),
)

COMPANY_TIMELINE = (
    Col("when", "When"),
    Col("kind", "Kind", priority=2),
    Col("person", "Person", priority=1, cut=True, min=8),
    Col("summary", "Summary", cut=True, min=12, fill=True),
)

HELP = (
    Col("key", "Key"),
    Col("does", "Does", cut=True, min=10, fill=True),
)


def translated(cols: tuple[Col, ...]) -> tuple[Col, ...]:
    """`cols` with their headers in the user's language (the tuples above are made at import, in English)."""
    return tuple(replace(c, label=_(c.label)) if c.label else c for c in cols)
