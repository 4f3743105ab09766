"""`due --limit N` cuts in SQL, per source; whatever the data, it must equal the first N of the whole queue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minicrm.store.core.db import Database
from minicrm.store.core.migrate import ensure_schema
from minicrm.store.followups.due import due_counts, due_items
from minicrm.store.people.contacts import create_contact
from minicrm.store.sales.tasks import create_task

TODAY = date(2026, 2, 20)  # a window over 1 March of a common year: 29 February birthdays move there
NOW = datetime(2026, 2, 20, 9)
PERSON = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Ada", "Bob", "Cy", "Dee", "Éva", "Жанна"]),
        "next": st.none() | st.integers(-40, 20),
        "time": st.none() | st.sampled_from(["09:00", "14:30"]),
        "birthday": st.none() | st.sampled_from(["--02-20", "--02-28", "--02-29", "1990-03-01", "--03-02"]),
        "task": st.none() | st.integers(-10, 12),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(PERSON, max_size=12), limit=st.integers(1, 8), days=st.integers(1, 15))
def test_limited_queue_is_the_head_of_the_whole_queue(new_target, people, limit, days):
    db = Database(new_target())
    with db.connect() as session:
        ensure_schema(db, session)
        for p in people:
            next_on = TODAY + timedelta(days=p["next"]) if p["next"] is not None else None
            saved = create_contact(session, name=p["name"], now=NOW, birthday=p["birthday"], next_contact_on=next_on,
                                   next_contact_time=p["time"] if next_on else None)  # fmt: skip
            if p["task"] is not None:
                create_task(session, title="Call", now=NOW, due_on=TODAY + timedelta(days=p["task"]),
                            contact_id=saved.id)  # fmt: skip
        until = TODAY + timedelta(days=days)
        whole = due_items(session, today=TODAY, until=until)
        assert due_items(session, today=TODAY, until=until, limit=limit) == whole[:limit]
        work = [i for i in whole if i.kind in ("follow-up", "task", "deal", "request")]
        assert due_counts(session, today=TODAY, until=until) == (len(work), sum(1 for i in work if i.on < TODAY))
        overdue = due_items(session, today=TODAY, until=until, overdue_only=True)
        assert due_items(session, today=TODAY, until=until, overdue_only=True, limit=limit) == overdue[:limit]
