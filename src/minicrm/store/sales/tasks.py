"""Tasks: to-dos with a due date, linked to a contact, company or deal, assigned to a user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit, events
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import check_revision, iso


@dataclass
class Task:
    id: int
    title: str
    due_on: date | None
    due_time: str | None
    contact_id: int | None
    contact: str | None
    company_id: int | None
    company: str | None
    deal_id: int | None
    deal: str | None
    assignee: str | None
    done: bool
    done_on: date | None
    notes: str | None
    created_at: datetime
    revision: int

    def days_overdue(self, today: date) -> int:
        return max((today - self.due_on).days, 0) if self.due_on and not self.done else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "due_on": iso(self.due_on),
            "due_time": self.due_time,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "company_id": self.company_id,
            "company": self.company,
            "deal_id": self.deal_id,
            "deal": self.deal,
            "assignee": self.assignee,
            "done": self.done,
            "done_on": iso(self.done_on),
            "notes": self.notes,
            "created_at": iso(self.created_at),
            "revision": self.revision,
        }


_SELECT = (
    "SELECT t.*, c.name AS contact_name, co.name AS company_name, d.title AS deal_title, u.name AS assignee_name"
    " FROM task t LEFT JOIN contact c ON c.id = t.contact_id LEFT JOIN company co ON co.id = t.company_id"
    " LEFT JOIN deal d ON d.id = t.deal_id LEFT JOIN app_user u ON u.id = t.assignee_id"
)


def _record(r: Any) -> Task:
    return Task(
        id=r["id"], title=r["title"], due_on=r["due_on"], due_time=r["due_time"], contact_id=r["contact_id"],
        contact=r["contact_name"], company_id=r["company_id"], company=r["company_name"], deal_id=r["deal_id"],
        deal=r["deal_title"], assignee=r["assignee_name"], done=bool(r["done"]), done_on=r["done_on"],
        notes=r["notes"], created_at=r["created_at"], revision=r["revision"],
    )  # fmt: skip


@limited
def create_task(
    session: Session,
    *,
    title: str,
    now: datetime,
    user_id: int | None = None,
    due_on: date | None = None,
    due_time: str | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    assignee_id: int | None = None,
    notes: str | None = None,
) -> int:
    title = " ".join(title.split())
    if not title:
        raise BadInput(_("a task needs a title"))
    events.check(session, "task.created", change={"title": title, "due_on": due_on, "due_time": due_time,
                 "contact_id": contact_id, "company_id": company_id, "deal_id": deal_id, "notes": notes})  # fmt: skip
    with session.write():
        if deal_id is not None:
            deal = session.one("SELECT contact_id, company_id FROM deal WHERE id = ?", (deal_id,))
            if deal is None:
                raise BadInput(_("no deal with id {id}").format(id=deal_id))
            contact_id = contact_id or deal["contact_id"]
            company_id = company_id or deal["company_id"]
        if contact_id is not None and company_id is None:
            company_id = session.scalar("SELECT company_id FROM contact WHERE id = ?", (contact_id,))
        task_id = session.insert(
            "INSERT INTO task (title, due_on, due_time, contact_id, company_id, deal_id, assignee_id, done, notes,"
            " created_by, created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (title, due_on, due_time, contact_id, company_id, deal_id, assignee_id or user_id, False, notes,
             user_id, now, now),
        )  # fmt: skip
        audit.record(session, entity="task", entity_id=task_id, action="create", now=now, user_id=user_id,
                     changes={"title": (None, title), "due_on": (None, due_on)})  # fmt: skip
        events.emit(session, "task.created", lambda: get_task(session, task_id).to_json())
    return task_id


def get_task(session: Session, task_id: int) -> Task:
    row = session.one(_SELECT + " WHERE t.id = ?", (task_id,))
    if row is None:
        raise NotFound(_("no task with id {id}").format(id=task_id))
    return _record(row)


def list_tasks(
    session: Session,
    *,
    open_only: bool = False,
    overdue_on: date | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    assignee_id: int | None = None,
    limit: int | None = None,
) -> list[Task]:
    """Tasks, open ones first by due date; `overdue_on=today` keeps open tasks due before today."""
    where: list[str] = []
    params: list[Any] = []
    if open_only or overdue_on:
        where.append("t.done = ?")
        params.append(False)
    if overdue_on:
        where.append("t.due_on < ?")
        params.append(overdue_on)
    for column, value in (("t.contact_id", contact_id), ("t.company_id", company_id), ("t.deal_id", deal_id),
                          ("t.assignee_id", assignee_id)):  # fmt: skip
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY t.done, t.due_on IS NULL, t.due_on, t.due_time, t.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [_record(r) for r in session.all(sql, params)]


def complete_task(session: Session, task_id: int, *, on: date, now: datetime, user_id: int | None = None,
                  undo: bool = False) -> None:  # fmt: skip
    update_task(session, task_id, now=now, user_id=user_id, done=not undo, done_on=None if undo else on)


EDITABLE = ("title", "due_on", "due_time", "contact_id", "company_id", "deal_id", "assignee_id", "done", "done_on",
            "notes")  # fmt: skip


@limited
def update_task(
    session: Session,
    task_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    expected_revision: int | None = None,
    **values: Any,
) -> None:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown task fields: {fields}").format(fields=", ".join(sorted(unknown))))
    if "title" in values and not " ".join(str(values["title"]).split()):
        raise BadInput(_("a task needs a title"))
    if values.get("done"):
        events.check(session, "task.done", record=lambda: get_task(session, task_id).to_json(), change=values)
    with session.write():
        old = session.one("SELECT * FROM task WHERE id = ?", (task_id,))
        if old is None:
            raise NotFound(_("no task with id {id}").format(id=task_id))
        done = bool(values.get("done")) and not old["done"]
        before = events.snapshot(session, "task.done", lambda: get_task(session, task_id).to_json()) if done else None
        check_revision("task", task_id, old["revision"], expected_revision)
        changes = audit.diff(dict(old), values)
        sets = {**values, "updated_at": now, "revision": old["revision"] + 1}
        session.execute(f"UPDATE task SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                        [*sets.values(), task_id])  # fmt: skip
        audit.record(session, entity="task", entity_id=task_id, action="update", now=now, user_id=user_id,
                     changes=changes)  # fmt: skip
        if done:
            events.emit(session, "task.done", lambda: get_task(session, task_id).to_json(), before=before)


def delete_task(session: Session, task_id: int, *, now: datetime, user_id: int | None = None) -> None:
    with session.write():
        task = get_task(session, task_id)
        session.execute("DELETE FROM task WHERE id = ?", (task_id,))
        audit.record(session, entity="task", entity_id=task_id, action="delete", now=now, user_id=user_id,
                     changes={"title": (task.title, None)})  # fmt: skip
