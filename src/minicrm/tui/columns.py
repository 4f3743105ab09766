"""The columns of every TUI table, with their priorities (#19), in one place.

Priority 0 never drops; when a table is too narrow the column with the highest number drops first.
`cut=True` marks text that may be shortened with `…` (names, companies, subjects, summaries); every other
column (dates, amounts, counts, ids, e-mails, statuses) is shown whole or dropped. The order of what drops
follows the command line's tables: who and when first, then the company, then the rest.

Headers are marked `N_` and translated where the table is made (`translated`): the tuples are made at import,
before the user's language may be known (#23).
"""

from __future__ import annotations

from dataclasses import replace

from minicrm.i18n import N_, _
from minicrm.tui.widgets.fit_table import Col

CONTACTS = (
    # a name narrower than 22 is hard to read: beside the preview (which shows it) the status drops first
    Col("name", N_("Name"), cut=True, min=22, fill=True),
    Col("company", N_("Company"), priority=2, cut=True, min=8),
    Col("status", N_("Status"), priority=4),
    Col("last", N_("Last"), priority=3),
    Col("next", N_("Next"), priority=1),
    Col("email", N_("E-mail"), priority=5),
    Col("tags", N_("Tags"), priority=6, cut=True, min=6),
)

COMPANIES = (
    Col("name", N_("Name"), cut=True, min=12, fill=True),
    Col("industry", N_("Industry"), priority=3, cut=True, min=6),
    Col("city", N_("City"), priority=2, cut=True, min=6),
    Col("people", N_("People"), priority=4, right=True),
    Col("last", N_("Last"), priority=1),
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
    Col("id", N_("ID"), right=True),
    Col("priority", N_("Priority"), priority=3),
    Col("status", N_("Status"), priority=4),
    Col("subject", N_("Subject"), cut=True, min=12, fill=True),
    Col("client", N_("Client"), priority=1, cut=True, min=8),
    Col("due", N_("Due"), priority=2),
    Col("time", N_("Time"), priority=6, right=True),
    Col("assignee", N_("Assignee"), priority=5, cut=True, min=6),
)

TIMELINE = (
    Col("when", N_("When")),
    Col("kind", N_("Kind"), priority=1),
    Col("direction", N_("Dir"), priority=3),
    Col("summary", N_("Summary"), cut=True, min=12, fill=True),
    Col("outcome", N_("Outcome"), priority=2, cut=True, min=8),
)

PEOPLE = (
    Col("name", N_("Person"), cut=True, min=12, fill=True),
    Col("role", N_("Role"), priority=3, cut=True, min=6),
    Col("status", N_("Status"), priority=4),
    Col("last", N_("Last"), priority=2),
    Col("next", N_("Next"), priority=1),
)

COMPANY_TIMELINE = (
    Col("when", N_("When")),
    Col("kind", N_("Kind"), priority=2),
    Col("person", N_("Person"), priority=1, cut=True, min=8),
    Col("summary", N_("Summary"), cut=True, min=12, fill=True),
)

HELP = (
    Col("key", N_("Key")),
    Col("does", N_("Does"), cut=True, min=10, fill=True),
)


def translated(cols: tuple[Col, ...]) -> tuple[Col, ...]:
    """`cols` with their headers in the user's language (the tuples above are made at import, in English)."""
    return tuple(replace(c, label=_(c.label)) if c.label else c for c in cols)
