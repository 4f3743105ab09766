"""Commands import only what they need: no Textual, icalendar or SQLAlchemy on the CLI's hot paths."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, loaded


@pytest.fixture
def ready_db(cli, db_target):
    cli.ok("contact", "add", "Ada Lovelace")  # the database exists, migrated, with a contact
    return str(db_target)


def test_help_is_light():
    assert loaded("--help") == []


@pytest.mark.parametrize(
    "args",
    [
        ("contact", "list"),
        ("contact", "show", "1", "-f", "json"),
        ("search", "ada"),
        ("timeline", "1"),
        ("log", "1", "call", "hello"),
        ("due",),
        ("forgotten",),
        ("remind",),
        ("pipeline",),
        ("report", "sales"),
        ("report", "plan"),
        ("report", "team"),
        ("report", "lost"),
        ("report", "lost-deals"),
        ("report", "time"),
        ("report", "greetings"),
        ("contact", "date", "list"),
        ("plan", "list"),
        ("deal", "list"),
        ("task", "list"),
        ("whois", "ada@example.org"),
        ("export", "csv"),
        ("export", "json"),
        ("mail", "import", str(FIXTURES / "mail" / "archive.mbox")),
    ],
)
def test_everyday_commands_skip_heavy_imports(ready_db, args):
    assert loaded("--db", ready_db, *args) == []


def test_ical_export_loads_no_heavy_library(ready_db):
    """minicrm writes iCalendar itself (minicrm.ical.ics); icalendar is only the tests' reference."""
    assert loaded("--db", ready_db, "ical", "export") == []


def test_vcard_export_loads_vobject_only(ready_db):
    assert loaded("--db", ready_db, "export", "vcard") == ["vobject"]
