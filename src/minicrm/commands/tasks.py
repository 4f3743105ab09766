"""`minicrm task ...`: to-dos with a due date."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, IfRevisionOpt, LimitOpt, app_ctx, when
from minicrm.i18n import N_, _
from minicrm.output import Format

app = typer.Typer(help="Tasks (to-dos with a due date).", no_args_is_help=True)
IdArg = Annotated[int, typer.Argument(metavar="ID", help="Task id.")]
#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
COLUMNS = [
    ("id", N_("ID"), 1),
    ("due_on", N_("Due"), 1),
    ("due_time", N_("At"), 3),
    ("title", N_("Task"), 1),
    ("contact", N_("Contact"), 2),
    ("deal", N_("Deal"), 4),
    ("assignee", N_("Assignee"), 4),
    ("done", N_("Done"), 3),
]


def _links(actx, contact: str | None, company: str | None) -> dict[str, Any]:
    from minicrm.store.people.refs import resolve_company, resolve_contact

    session = actx.session()
    links: dict[str, Any] = {}
    if contact:
        links["contact_id"] = resolve_contact(session, contact)
    if company:
        links["company_id"] = resolve_company(session, company)
    return links


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What to do.")],
    due: Annotated[
        str | None, typer.Option("--due", metavar="WHEN", help="When: friday, +3d, 2026-12-05 10:00...")
    ] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Contact REF.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Company REF.")] = None,
    deal: Annotated[int | None, typer.Option("--deal", metavar="ID", help="Deal id.")] = None,
    assignee: Annotated[
        str | None, typer.Option("--assignee", metavar="USER", help="User name (default: you).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Add a task and print its id."""
    from minicrm import output
    from minicrm.store.people.users import ensure_user
    from minicrm.store.sales.tasks import create_task

    actx = app_ctx(ctx)
    w = when(actx, due) if due else None
    links = _links(actx, contact, company)
    session = actx.session()
    assignee_id = ensure_user(session, assignee, now=actx.now()) if assignee else None
    task_id = create_task(
        session, title=title, now=actx.now(), user_id=actx.user_id(), due_on=w.date if w else None,
        due_time=w.time.strftime("%H:%M") if w and w.time else None, deal_id=deal, assignee_id=assignee_id,
        notes=note, **links,
    )  # fmt: skip
    output.write(str(task_id))


@app.command("list")
def list_(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="Only open tasks.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks due before today.")] = False,
    contact: Annotated[str | None, typer.Option("--contact")] = None,
    deal: Annotated[int | None, typer.Option("--deal", metavar="ID")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", metavar="USER", help="me or a user name.")] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List tasks, open ones first by due date."""
    from minicrm import output
    from minicrm.commands.contacts import _owner_id
    from minicrm.store.sales.tasks import list_tasks

    actx = app_ctx(ctx)
    links = _links(actx, contact, None)
    tasks = list_tasks(
        actx.session(), open_only=open_, overdue_on=actx.today() if overdue else None, deal_id=deal,
        assignee_id=_owner_id(actx, assignee), limit=limit, **links,
    )  # fmt: skip
    today = actx.today()
    rows = []
    for t in tasks:
        row = t.to_json()
        row["days_overdue"] = t.days_overdue(today)
        rows.append(row)
    output.emit_rows(rows, COLUMNS, fmt, empty=_("no tasks"),
                     styles=lambda r: "red" if r["days_overdue"] else None)  # fmt: skip


@app.command("done")
def done(
    ctx: typer.Context,
    task_id: IdArg,
    undo: Annotated[bool, typer.Option("--undo", help="Mark it open again.")] = False,
) -> None:
    """Mark a task as done."""
    from minicrm import output
    from minicrm.store.sales.tasks import complete_task, get_task

    actx = app_ctx(ctx)
    session = actx.session()
    get_task(session, task_id)
    complete_task(session, task_id, on=actx.today(), now=actx.now(), user_id=actx.user_id(), undo=undo)
    output.note((_("task {id} reopened") if undo else _("task {id} done")).format(id=task_id))


@app.command("edit")
def edit(
    ctx: typer.Context,
    task_id: IdArg,
    title: Annotated[str | None, typer.Option("--title")] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="WHEN", help="New due date; '' removes it.")] = None,
    contact: Annotated[str | None, typer.Option("--contact")] = None,
    deal: Annotated[int | None, typer.Option("--deal", metavar="ID")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", metavar="USER")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    if_revision: IfRevisionOpt = None,
) -> None:
    """Change a task (only the options given)."""
    from minicrm import output
    from minicrm.store.people.users import ensure_user
    from minicrm.store.sales.tasks import update_task

    actx = app_ctx(ctx)
    values: dict[str, Any] = _links(actx, contact, None)
    if title is not None:
        values["title"] = title
    if due is not None:
        w = when(actx, due) if due else None
        values["due_on"] = w.date if w else None
        values["due_time"] = w.time.strftime("%H:%M") if w and w.time else None
    if deal is not None:
        values["deal_id"] = deal
    if note is not None:
        values["notes"] = note or None
    session = actx.session()
    with session.write():  # a new assignee is created only if the edit goes through
        if assignee:
            values["assignee_id"] = ensure_user(session, assignee, now=actx.now())
        update_task(session, task_id, now=actx.now(), user_id=actx.user_id(), expected_revision=if_revision, **values)
    output.note(_("updated task {id}").format(id=task_id))


@app.command("delete")
def delete(ctx: typer.Context, task_id: IdArg) -> None:
    """Delete a task."""
    from minicrm import output
    from minicrm.store.sales.tasks import delete_task

    actx = app_ctx(ctx)
    delete_task(actx.session(), task_id, now=actx.now(), user_id=actx.user_id())
    output.note(_("deleted task {id}").format(id=task_id))
