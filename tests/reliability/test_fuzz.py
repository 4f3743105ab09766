"""Property tests: arbitrary input gives a result or a clean minicrm error, never a crash or a partial write."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minicrm.errors import MinicrmError
from minicrm.store.core import migrate
from minicrm.store.core.db import Database
from minicrm.store.people.contacts import create_contact, list_contacts
from minicrm.store.people.fields import parse_field
from minicrm.store.people.refs import resolve_company, resolve_contact
from minicrm.store.people.search import search

NOW = datetime(2026, 11, 22, 10, 0)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def session(lasting_target):
    db = Database(lasting_target())
    s = db.connect()
    migrate.ensure_schema(db, s)
    for name, email in [("Ann Lee", "ann@example.org"), ("Anna Karenina", None), ("Иван Петров", "ivan@x.ru"),
                        ("José Álvarez", None), ("100% Real_Name", None)]:  # fmt: skip
        create_contact(s, name=name, now=NOW, emails=[email] if email else [], company="Acme")
    yield s
    s.close()


@SETTINGS
@given(st.text(max_size=60))
def test_ref_resolution_never_crashes(session, ref):
    for resolve in (resolve_contact, resolve_company):
        try:
            assert isinstance(resolve(session, ref), int)
        except MinicrmError as exc:
            assert str(exc)


@SETTINGS
@given(st.text(max_size=80))
def test_search_never_crashes(session, query):
    for hit in search(session, query):
        assert hit.kind in ("contact", "company", "interaction")
    assert isinstance(list_contacts(session, search_text=query, limit=5), list)


@SETTINGS
@given(st.text(max_size=40))
def test_field_spec_parses_or_fails_cleanly(spec):
    try:
        key, _value = parse_field(spec)
    except MinicrmError as exc:
        assert spec[:10] in str(exc) or "\x00" in spec
        return
    assert key and key == key.strip() and "=" in spec


@SETTINGS
@given(name=st.text(max_size=40), email=st.text(max_size=30))
def test_contact_creation_is_all_or_nothing(session, name, email):
    before = session.scalar("SELECT count(*) FROM contact")
    try:
        create_contact(session, name=name, now=NOW, emails=[email])
    except MinicrmError:
        assert session.scalar("SELECT count(*) FROM contact") == before
    else:
        assert session.scalar("SELECT count(*) FROM contact") == before + 1
