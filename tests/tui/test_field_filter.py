"""The contacts screen's filter takes the list's typed field comparisons and regions (#20), on the demo data."""

from __future__ import annotations

from tests.tui.conftest import make_app, query
from tests.tui.test_contacts import open_contacts, rows, type_filter
from textual.widgets import Static


async def test_filter_by_typed_field_and_region(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_contacts(pilot)
        north = query(demo_db, "SELECT c.name FROM contact c JOIN contact_field f ON f.contact_id = c.id"
                      " WHERE f.key = 'region' AND f.value = 'North' AND c.archived = FALSE")  # fmt: skip
        await type_filter(pilot, "field:region=NORTH")
        assert sorted(rows(app)) == sorted(r[0] for r in north) and north
        big = query(demo_db, "SELECT c.name FROM contact c JOIN company_field f ON f.company_id = c.company_id"
                    " WHERE f.key = 'turnover' AND f.number >= 10000000 AND c.archived = FALSE")  # fmt: skip
        await type_filter(pilot, "field:turnover>=10000000")
        assert sorted(rows(app)) == sorted(r[0] for r in big) and big
        await type_filter(pilot, "field:region>north")
        assert "compares with = or != only" in str(app.screen.query_one("#contacts-status", Static).render())
