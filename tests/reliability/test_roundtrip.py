"""Export -> import round trips of random valid data give back exactly what went in."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli
from minicrm.store.core.db import Database
from minicrm.store.core.migrate import ensure_schema
from minicrm.store.people.contacts import create_contact

# slow (`pytest -m slow`, run by CI): 25 Hypothesis examples of three databases and five commands each
pytestmark = pytest.mark.slow

NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip()
)
WORD = st.text("abcdefghijklmnopqrstuvwxyzäöüéñжщ", min_size=1, max_size=10)
CONTACT = st.fixed_dictionaries(
    {
        "name": NAME,
        "emails": st.lists(st.builds(lambda a, b: f"{a}@{b}.example", WORD, WORD), max_size=2),
        "tags": st.lists(WORD, max_size=3),
        "fields": st.dictionaries(WORD, NAME, max_size=2),
        "notes": st.none() | NAME,
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(CONTACT, min_size=1, max_size=5))
def test_json_and_vcard_round_trips(tmp_path_factory, new_target, contacts):
    base = tmp_path_factory.mktemp("rt")
    a, b, c_ = Cli(new_target()), Cli(new_target()), Cli(new_target())
    source = Database(a.target)
    with source.connect() as session:
        ensure_schema(source, session)
        for c in contacts:
            create_contact(session, name=c["name"], now=datetime(2026, 11, 22, 10), emails=c["emails"],
                           tags=c["tags"], fields=c["fields"], notes=c["notes"])  # fmt: skip
    doc = a.ok("export", "json").stdout
    (base / "a.json").write_text(doc, encoding="utf-8")
    b.ok("import", "json", str(base / "a.json"))
    assert b.ok("export", "json").stdout == doc
    a.ok("export", "vcard", "-o", str(base / "a.vcf"))
    c_.ok("import", "vcard", str(base / "a.vcf"))
    left = sorted((x["name"], sorted(x["emails"])) for x in a.ok("contact", "list", "-f", "json").json())
    right = sorted((x["name"], sorted(x["emails"])) for x in c_.ok("contact", "list", "-f", "json").json())
    assert left == right
