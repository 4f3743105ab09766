"""Pipes between commands: bulk actions take contact ids from what the contact and follow-up commands print (#16).

Regression: `minicrm forgotten -f json | minicrm contact tag add call-them -` tagged the wrong people (the
company rows of the list were read as contact ids).
"""

from __future__ import annotations


def _setup(cli):
    """Added months ago (so the never-contacted ones are forgotten), company 1 first: its id must never be
    taken for contact 1."""
    cli.ok("company", "add", "Acme", today="2026-05-01")
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-20", "--goal", "call", today="2026-05-01")
    cli.ok("contact", "add", "Bob Smith", today="2026-05-01")
    cli.ok("contact", "add", "Carol Jones", "--next", "2026-11-21", today="2026-05-01")


def test_forgotten_with_company_rows_is_refused(cli):
    _setup(cli)
    listing = cli.ok("forgotten", "--days", "1", "--kind", "contact", "--kind", "company", "-f", "json").stdout
    assert '"company"' in listing
    cli.fails("contact", "tag", "add", "call-them", "-", input=listing, code=2, match="not a contact")


def test_forgotten_contacts_only_are_taken(cli):
    _setup(cli)
    listing = cli.ok("forgotten", "--days", "1", "--kind", "contact", "-f", "json").stdout
    cli.ok("contact", "tag", "add", "call-them", "-", input=listing)
    tagged = {c["name"] for c in cli.ok("contact", "list", "--tag", "call-them", "-f", "json").json()}
    expected = {r["name"] for r in __import__("json").loads(listing)}
    assert tagged == expected and tagged


def test_due_json_tags_the_contacts_of_its_rows(cli):
    _setup(cli)
    cli.ok("task", "add", "Send quote", "--contact", "bob", "--due", "2026-11-21")
    listing = cli.ok("due", "-f", "json").stdout
    cli.ok("contact", "tag", "add", "today", "-", input=listing)
    tagged = sorted(c["name"] for c in cli.ok("contact", "list", "--tag", "today", "-f", "json").json())
    assert tagged == ["Ada Lovelace", "Bob Smith", "Carol Jones"]


def test_due_rows_without_a_contact_are_refused(cli):
    _setup(cli)
    cli.ok("task", "add", "Tidy the desk", "--due", "2026-11-21")
    listing = cli.ok("due", "-f", "json").stdout
    cli.fails("contact", "tag", "add", "today", "-", input=listing, code=2, match="no contact")


def test_csv_listings_pipe_too(cli):
    _setup(cli)
    cli.ok("contact", "tag", "add", "csv", "-", input=cli.ok("contact", "list", "-f", "csv").stdout)
    assert len(cli.ok("contact", "list", "--tag", "csv", "-f", "json").json()) == 3
    listing = cli.ok("forgotten", "--days", "1", "--kind", "all", "-f", "csv").stdout
    cli.fails("contact", "tag", "add", "x", "-", input=listing, code=2, match="not a contact")
