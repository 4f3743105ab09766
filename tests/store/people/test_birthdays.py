"""Upcoming birthdays: one range query, across New Year, year-less and 29 February."""

from __future__ import annotations

from datetime import date, datetime

from minicrm.store.people.contacts import create_contact, update_contact
from minicrm.store.people.selections import upcoming_birthdays

NOW = datetime(2026, 11, 22, 10, 0)


def test_window_wraps_new_year_and_handles_feb_29(session):
    for name, birthday in [("Dec", "1980-12-30"), ("Jan", "--01-03"), ("Far", "--06-01"), ("Leap", "2000-02-29"),
                           ("Today", "--11-22"), ("Archived", "--11-23")]:  # fmt: skip
        saved = create_contact(session, name=name, now=NOW, birthday=birthday)
        if name == "Archived":
            update_contact(session, saved.id, now=NOW, archived=True)
    got = [(c.name, d) for c, d in upcoming_birthdays(session, today=date(2026, 11, 22), days=45)]
    assert got == [("Today", date(2026, 11, 22)), ("Dec", date(2026, 12, 30)), ("Jan", date(2027, 1, 3))]
    got = [(c.name, d) for c, d in upcoming_birthdays(session, today=date(2027, 2, 27), days=3)]
    assert got == [("Leap", date(2027, 3, 1))]
    got = [(c.name, d) for c, d in upcoming_birthdays(session, today=date(2028, 2, 27), days=3)]
    assert got == [("Leap", date(2028, 2, 29))]
