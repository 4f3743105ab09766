"""The cron digest behind `minicrm remind`: overdue, due, dates and the forgotten count, in one short text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from minicrm.i18n import _, long_date, ngettext, pgettext, short_date
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.followups.due import DueItem, days_text, due_counts, due_list
from minicrm.store.followups.forgotten import forgotten_count


@dataclass
class Digest:
    today: date
    until: date
    overdue: list[DueItem] = field(default_factory=list)  # the first `limit` of them
    due: list[DueItem] = field(default_factory=list)  # follow-ups, tasks, deal steps and requests in the window
    dates: list[DueItem] = field(default_factory=list)  # birthdays and important dates in the window
    forgotten: int = 0
    forgotten_days: int = 90
    overdue_count: int = 0  # all of them, also those past the limit
    due_count: int = 0
    dates_count: int = 0

    @property
    def empty(self) -> bool:
        """Nothing to say: nothing overdue, due or celebrated (the standing forgotten count alone is no news)."""
        return not (self.overdue_count or self.due_count or self.dates_count)

    def to_json(self) -> dict[str, Any]:
        return {
            "today": iso(self.today),
            "until": iso(self.until),
            "empty": self.empty,
            "overdue": [i.to_json() for i in self.overdue],
            "due": [i.to_json() for i in self.due],
            "dates": [i.to_json() for i in self.dates],
            "overdue_count": self.overdue_count,
            "due_count": self.due_count,
            "dates_count": self.dates_count,
            "forgotten": self.forgotten,
            "forgotten_days": self.forgotten_days,
        }

    def text(self) -> str:
        """The digest as cron mails it; empty when there is nothing to say."""
        if self.empty:
            return ""
        lines = [f"minicrm: {long_date(self.today)}"]
        window = _("today") if self.until == self.today else _("until {day}").format(day=short_date(self.until))
        kinds = {i.kind: kind_label(i.kind) for i in (*self.overdue, *self.due, *self.dates)}
        width = max(9, *(len(k) for k in kinds.values())) if kinds else 9

        def line(i: DueItem, show_late: bool) -> str:
            who = i.contact or "-"
            if i.company:
                who += f" ({i.company})"
            when = i.on.isoformat() + (f" {i.time}" if i.time else "")
            late = "  [" + _("{days} overdue").format(days=days_text(i.days_overdue)) + "]"
            late = late if show_late and i.days_overdue else ""
            return f"  {when}  {kinds[i.kind]:<{width}}  {who} — {i.title}{late}"

        for title, items, count, late, more in (
            (_("Overdue ({count})").format(count=self.overdue_count), self.overdue, self.overdue_count, True,
             "minicrm due --overdue"),
            (_("Due {window} ({count})").format(window=window, count=self.due_count), self.due, self.due_count,
             False, "minicrm due"),
            (_("Birthdays and dates {window} ({count})").format(window=window, count=self.dates_count), self.dates,
             self.dates_count, False, "minicrm due --kind birthday,date"),
        ):  # fmt: skip
            if count:
                lines.append(title + ":")
                lines += [line(i, late) for i in items]
                if count > len(items):
                    lines.append("  " + _("… and {n} more: {command}").format(n=count - len(items), command=more))
        if self.forgotten:
            lines.append(
                ngettext(
                    "{n} contact without news for {days}+ days and nothing planned: minicrm forgotten",
                    "{n} contacts without news for {days}+ days and nothing planned: minicrm forgotten",
                    self.forgotten,
                ).format(n=self.forgotten, days=self.forgotten_days)
            )
        return "\n".join(lines) + "\n"


def kind_label(kind: str) -> str:
    """The due item's kind as the digest shows it (JSON keeps the English value)."""
    names = {"follow-up": pgettext("due kind", "follow-up"), "task": pgettext("due kind", "task"),
             "deal": pgettext("due kind", "deal"), "request": pgettext("due kind", "request"),
             "birthday": pgettext("due kind", "birthday"), "date": pgettext("due kind", "date")}  # fmt: skip
    return names.get(kind, kind)


def remind_digest(
    session: Session,
    *,
    today: date,
    until: date,
    owner_id: int | None = None,
    forgotten_days: int = 90,
    limit: int | None = 20,
) -> Digest:
    """The cron digest: each section lists its first `limit` items (None: all) and counts the rest in SQL."""
    work = ("follow-up", "task", "deal", "request")
    yesterday = today - timedelta(days=1)
    digest = Digest(today, until, forgotten_days=forgotten_days)
    digest.overdue = due_list(session, today=today, since=None, until=yesterday, owner_id=owner_id, kinds=work,
                          limit=limit)  # fmt: skip
    digest.due = due_list(session, today=today, since=today, until=until, owner_id=owner_id, kinds=work, limit=limit)
    dates = due_list(session, today=today, since=today, until=until, owner_id=owner_id, kinds=("birthday", "date"),
                 limit=None)  # fmt: skip
    digest.dates, digest.dates_count = dates[:limit] if limit else dates, len(dates)
    if limit and (len(digest.overdue) == limit or len(digest.due) == limit):  # cut: count the rest in SQL
        total, late = due_counts(session, today=today, until=until, owner_id=owner_id)
        digest.overdue_count, digest.due_count = late, total - late
    else:
        digest.overdue_count, digest.due_count = len(digest.overdue), len(digest.due)
    digest.forgotten = forgotten_count(session, today=today, days=forgotten_days)
    return digest
