"""Commands import only what they need: no Textual, icalendar or SQLAlchemy on the CLI's hot paths."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
sys.argv = ["minicrm", *json.loads(sys.argv[1])]
from minicrm.cli import app
try:
    app()
except SystemExit:
    pass
heavy = ["textual", "icalendar", "vobject", "sqlalchemy", "sqlmodel", "alembic"]
print("\\nMODULES=" + json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


def loaded(*args: str) -> list[str]:
    res = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=60)
    line = [x for x in res.stderr.splitlines() if x.startswith("MODULES=")]
    assert line, res.stderr
    return json.loads(line[-1].removeprefix("MODULES="))


@pytest.fixture
def ready_db(cli, db_target):
    cli.ok("contact", "add", "Ada Lovelace")  # creates and migrates the database
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
        ("deal", "list"),
        ("task", "list"),
        ("whois", "ada@example.org"),
        ("export", "csv"),
        ("export", "json"),
    ],
)
def test_everyday_commands_skip_heavy_imports(ready_db, args):
    assert loaded("--db", ready_db, *args) == []


def test_ical_export_loads_icalendar_but_not_textual(ready_db):
    assert loaded("--db", ready_db, "ical", "export") == ["icalendar"]


def test_vcard_export_loads_vobject_only(ready_db):
    assert loaded("--db", ready_db, "export", "vcard") == ["vobject"]
