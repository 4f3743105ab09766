"""`minicrm due`, `forgotten`, `remind` and `cadence`: who to contact, who went quiet, stay-in-touch rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from minicrm.commands._common import MAX_DAYS, FormatOpt, LimitOpt, app_ctx, on_date, owner_id, span_days
from minicrm.i18n import N_, _, ngettext
from minicrm.output import Format

if TYPE_CHECKING:
    from datetime import date

    from minicrm.context import AppContext

cadence_app = typer.Typer(help="Stay-in-touch cadences per tag, company, contact, or by default.", no_args_is_help=True)

OwnerOpt = Annotated[
    str | None,
    typer.Option("--owner", metavar="USER", help="Only what this user owns ('me' = --as; 'all' = everyone)."),
]
#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
DUE_COLUMNS = [
    ("on", N_("When"), 1),
    ("time", N_("Time"), 3),
    ("kind", N_("Kind"), 2),
    ("contact", N_("Contact"), 1),
    ("company", N_("Company"), 3),
    ("title", N_("What"), 2),
    ("late", N_("Overdue"), 2),
    ("reason", N_("Why"), 5),
]
FORGOTTEN_COLUMNS = [
    ("kind", N_("Kind"), 3),
    ("id", N_("ID"), 1),
    ("name", N_("Name"), 1),
    ("company", N_("Company"), 3),
    ("status", N_("Status"), 4),
    ("last_interaction_at", N_("Last contact"), 2),
    ("silent", N_("Silent"), 2),
    ("value", N_("Value"), 2),
]


def _until(actx: AppContext, within: str | None, until: str | None, default_days: int) -> date:
    """The last day of the window: `--within Nd` covers N days starting today (1d = today only)."""
    from datetime import timedelta

    from minicrm.errors import BadInput

    if within is not None and until is not None:
        raise BadInput(_("give either --within or --until, not both"))
    if until is not None:
        return on_date(actx, until)
    days = span_days(within) if within is not None else default_days
    if days < 1:
        raise BadInput(_("invalid --within '{within}' (at least 1d: today)").format(within=within))
    return actx.today() + timedelta(days=days - 1)


def due(
    ctx: typer.Context,
    within: Annotated[
        str | None,
        typer.Option("--within", metavar="SPAN", help="Window from today: 1d (today only), 7d (default), 2w, 1m."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Last day of the window (inclusive).")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only what is overdue.")] = False,
    owner: OwnerOpt = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="Only follow-up, task, deal, birthday or date (repeatable)."),
    ] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """What needs doing: follow-ups, tasks, deal next steps, birthdays and dates; overdue first."""
    from minicrm import output
    from minicrm.store.followups.digest import kind_label
    from minicrm.store.followups.due import KINDS, due_items

    actx = app_ctx(ctx)
    last = _until(actx, within, until, 7)
    session = actx.session()
    kinds = tuple(k.strip().lower() for part in kind for k in part.split(",")) if kind else KINDS
    items = due_items(session, today=actx.today(), until=last, overdue_only=overdue, owner_id=owner_id(actx, owner),
                      kinds=kinds, limit=limit)  # fmt: skip
    rows = [item.to_json() for item in items]
    if fmt is Format.table:
        for row in rows:
            row["late"] = _("{n}d").format(n=row["days_overdue"]) if row["days_overdue"] else ""
            row["kind"] = kind_label(row["kind"])
    from minicrm import display

    empty = _("nothing overdue") if overdue else _("nothing due until {day}").format(day=display.day(last))
    output.emit_rows(rows, DUE_COLUMNS, fmt, empty=empty, styles=lambda r: "red" if r["overdue"] else None)


def forgotten(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=1, max=MAX_DAYS, help="Silent for at least N days (default 90, env MINICRM_FORGOTTEN_DAYS)."
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="STATUS,...", help="Only these statuses, comma-separated: client,lead,..."),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only contacts (companies) with this tag.")] = None,
    min_value: Annotated[
        str | None,
        typer.Option("--min-value", metavar="AMOUNT", help="Only those whose won + open deals total at least X."),
    ] = None,
    owner: OwnerOpt = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", metavar="[contact|company|all]", help="contact, company, or all (default).", show_default=False
        ),
    ] = "all",
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Contacts and companies without news for N days and nothing planned, most valuable first."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.followups.forgotten import forgotten as find

    actx = app_ctx(ctx)
    threshold = days or _default_forgotten_days()
    from minicrm.values.money import parse_money

    value = parse_money(min_value) if min_value is not None else None
    kinds = {"all": ("contact", "company"), "contact": ("contact",), "company": ("company",)}.get(kind.lower())
    if kinds is None:
        raise BadInput(_("unknown --kind '{kind}' (contact, company or all)").format(kind=kind))
    statuses = [s for s in (status or "").split(",") if s.strip()] or None
    session = actx.session()
    rows = find(session, today=actx.today(), days=threshold, statuses=statuses, tag=tag, min_value=value,
                owner_id=owner_id(actx, owner), limit=limit, kinds=kinds)  # fmt: skip
    out = [r.to_json() for r in rows]
    if fmt is Format.table:
        from minicrm.store.core.records import entity_name

        for row, r in zip(out, rows, strict=True):
            row["kind"] = entity_name(row["kind"])
            n = r.days_silent or 0
            row["silent"] = (
                _("never contacted") if r.never_contacted else ngettext("{n} day", "{n} days", n).format(n=n)
            )
    empty = ngettext(
        "nobody forgotten: everyone heard from you in the last {n} day or has something planned",
        "nobody forgotten: everyone heard from you in the last {n} days or has something planned",
        threshold,
    )
    output.emit_rows(out, FORGOTTEN_COLUMNS, fmt, empty=empty.format(n=threshold))


def _default_forgotten_days() -> int:
    import os

    from minicrm.errors import BadInput

    raw = os.environ.get("MINICRM_FORGOTTEN_DAYS")
    if not raw:
        return 90
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise BadInput(
            _("invalid MINICRM_FORGOTTEN_DAYS '{value}' (a number of days, 1 to {most})").format(
                value=raw, most=MAX_DAYS
            )
        )
    return int(raw)


def remind(
    ctx: typer.Context,
    within: Annotated[
        str, typer.Option("--within", metavar="SPAN", help="Window from today: 1d = today only (default), 7d = a week.")
    ] = "1d",
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="[text|json]", help="text or json.")] = "text",
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit with status 3 when something is overdue.")
    ] = False,
    owner: OwnerOpt = None,
    days: Annotated[
        int | None,
        typer.Option("--forgotten-days", min=1, max=MAX_DAYS, help="Threshold of the forgotten count (default 90)."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="List at most N items per section (0 = all); counts stay whole.")
    ] = 20,
) -> None:
    """The cron / systemd entry point: a short digest, and no output at all when there is nothing to say."""
    from minicrm import output
    from minicrm.errors import BadInput, ExitCode
    from minicrm.store.followups.digest import remind_digest

    if fmt not in ("text", "json"):
        raise BadInput(_("unknown --format '{format}' (text or json)").format(format=fmt))
    actx = app_ctx(ctx)
    last = _until(actx, within, None, 1)
    digest = remind_digest(actx.session(), today=actx.today(), until=last, owner_id=owner_id(actx, owner),
                           forgotten_days=days or _default_forgotten_days(), limit=limit or None)  # fmt: skip
    if not digest.empty:  # the hooks of followup.due get the digest (--format json's contract)
        from minicrm.store.core.events import emit

        emit(actx.session(), "followup.due", digest.to_json())
    if fmt == "json":
        output.write(output.to_json(digest.to_json()))
    else:
        text = digest.text()
        if text:
            import sys

            from minicrm.cells import terminal_safe

            sys.stdout.write(terminal_safe(text))  # read by a person (terminal, cron mail): nothing raw
    if exit_code and digest.overdue_count:
        raise typer.Exit(ExitCode.OVERDUE)


CADENCE_COLUMNS = [
    ("scope", N_("Scope")),
    ("target", N_("For")),
    ("days", N_("Every (days)")),
    ("contacts", N_("Contacts")),
]


@cadence_app.command("set")
def cadence_set(
    ctx: typer.Context,
    scope: Annotated[str, typer.Argument(help="tag:NAME, company:REF, contact:REF or default.")],
    every: Annotated[str, typer.Argument(metavar="SPAN", help="14d, 2w, 1m (30 days), 1y, or a number of days.")],
) -> None:
    """Set a stay-in-touch cadence; cadence-derived next-contact dates are recomputed at once."""
    from minicrm import output
    from minicrm.store.people.cadence import set_cadence

    actx = app_ctx(ctx)
    days = span_days(every)
    rule = set_cadence(actx.session(), scope, days, now=actx.now(), user_id=actx.user_id())
    target = f" ({rule.target})" if rule.target and rule.target not in rule.scope else ""
    covered = ngettext("{n} contact covered", "{n} contacts covered", rule.contacts).format(n=rule.contacts)
    recomputed = ngettext(
        "{n} next-contact date recomputed", "{n} next-contact dates recomputed", rule.rescheduled
    ).format(n=rule.rescheduled)
    output.note(
        ngettext(
            "{scope}{target}: every {days} day; {covered}, {recomputed}",
            "{scope}{target}: every {days} days; {covered}, {recomputed}",
            rule.days,
        ).format(scope=rule.scope, target=target, days=rule.days, covered=covered, recomputed=recomputed)
    )


@cadence_app.command("unset")
def cadence_unset(
    ctx: typer.Context,
    scope: Annotated[str, typer.Argument(help="tag:NAME, company:REF, contact:REF or default.")],
) -> None:
    """Remove a cadence; the dates it implied are recomputed (or cleared)."""
    from minicrm import output
    from minicrm.store.people.cadence import unset_cadence

    actx = app_ctx(ctx)
    rule = unset_cadence(actx.session(), scope, now=actx.now(), user_id=actx.user_id())
    output.note(
        ngettext(
            "{scope}: removed; {n} next-contact date recomputed",
            "{scope}: removed; {n} next-contact dates recomputed",
            rule.rescheduled,
        ).format(scope=rule.scope, n=rule.rescheduled)
    )


@cadence_app.command("list")
def cadence_list(
    ctx: typer.Context,
    contacts: Annotated[bool, typer.Option("--contacts", help="Also list contacts' own cadences.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """The cadence rules, most specific first (a contact's own > tag > company > default)."""
    from minicrm import output
    from minicrm.store.people.cadence import list_cadences

    rules = list_cadences(app_ctx(ctx).session(), include_contacts=contacts)
    output.emit_rows(
        [r.to_json() for r in rules],
        CADENCE_COLUMNS,
        fmt,
        empty=_("no cadence rules (minicrm cadence set tag:vip 14d)"),
    )


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("forgotten")(forgotten)
    app.command("remind")(remind)
    app.add_typer(cadence_app, name="cadence")
