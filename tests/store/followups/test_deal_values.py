"""The stored deal values `forgotten` ranks by: filled by migration 0008, summed again by `import json`.

(The deal functions keep them: tests/store/followups/test_forgotten_reference.py checks them after random writes.)
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import datetime
from decimal import Decimal

import pytest

from conftest import FIXTURES, insert, rows
from minicrm.store.core import migrate
from minicrm.store.core.db import Database
from minicrm.store.sales.deal_values import deal_value_sql

NOW = datetime(2026, 11, 22, 9)


def stored_and_summed(target: str) -> dict[str, list[tuple]]:
    """Per table: (id, stored value, value summed from the deals) of every row where the two differ, or all rows."""
    out = {}
    for table, column in (("contact", "contact_id"), ("company", "company_id")):
        sql = f"SELECT o.id, o.deal_value_minor, {deal_value_sql(column, 'o')} FROM {table} o ORDER BY o.id"
        out[table] = [tuple(r) for r in rows(target, sql)]
    return out


def test_the_upgrade_fills_the_values_from_the_deals(new_target):
    """A database at 0007 with won, open and lost deals of contacts and companies: 0008 sums the won and open."""
    target = new_target("old", empty=True)
    db = Database(target)
    migrate.upgrade(db, "0007")
    for name in ("Ada", "Bob", "Cy"):
        insert(target, "INSERT INTO contact (name, name_key, status, archived, next_contact_auto, created_at,"
                       " updated_at, revision) VALUES (?, ?, 'lead', ?, ?, ?, ?, 1)",
               (name, name.lower(), False, False, NOW, NOW))  # fmt: skip
    insert(target, "INSERT INTO company (name, name_key, archived, created_at, updated_at, revision)"
                   " VALUES ('Acme', 'acme', ?, ?, ?, 1)", (False, NOW, NOW))  # fmt: skip
    for contact, company, amount, stage in ((1, None, 500, "won"), (1, 1, 250, "proposal"), (1, None, 9000, "lost"),
                                            (2, 1, 0, "lead"), (None, 1, 100, "won")):  # fmt: skip
        insert(target, "INSERT INTO deal (title, contact_id, company_id, amount_minor, currency, stage_id, created_at,"
                       " updated_at, revision) VALUES ('D', ?, ?, ?, 'EUR',"
                       " (SELECT id FROM pipeline_stage WHERE name = ?), ?, ?, 1)",
               (contact, company, amount, stage, NOW, NOW))  # fmt: skip
    migrate.upgrade(db)
    values = stored_and_summed(target)
    assert [(i, stored) for i, stored, _ in values["contact"]] == [(1, 750), (2, 0), (3, None)]
    assert [(i, stored) for i, stored, _ in values["company"]] == [(1, 350)]
    assert all(stored == summed for table in values.values() for _, stored, summed in table)


@pytest.mark.sqlite_only("the fixture is a SQLite file made by minicrm at revision 0007")
def test_the_0007_fixture_upgrades_with_its_values(tmp_path):
    path = tmp_path / "db.sqlite"
    shutil.copy(FIXTURES / "db-0007.sqlite", path)
    db = Database(path)
    with db.connect() as session:
        migrate.ensure_schema(db, session)
    values = stored_and_summed(str(path))
    assert any(stored for table in values.values() for _, stored, _ in table)  # the demo has won and open deals
    assert all(stored == summed for table in values.values() for _, stored, summed in table)


def test_import_json_sums_the_values_whatever_the_document_says(db_target, new_target):
    """A document's deal_value_minor is not trusted: the values are summed again from the deals loaded."""
    from minicrm.store.exchange.exporting import export_json, restore_json
    from minicrm.store.people.contacts import create_contact
    from minicrm.store.sales.deals import create_deal

    db = Database(db_target)
    with db.connect() as session:
        ada = create_contact(session, name="Ada", now=NOW).id
        create_deal(session, title="Big", now=NOW, contact_id=ada, amount=Decimal("40"), stage="won")
        out = io.StringIO()
        export_json(session, out)
    document, n = re.subn(r'"deal_value_minor": ?4000', '"deal_value_minor": 1', out.getvalue())
    assert n == 1
    other = new_target("copy")
    with Database(other).connect() as session:
        restore_json(session, io.StringIO(document), source="doc.json")
    assert stored_and_summed(other)["contact"] == [(1, 4000, 4000)]
