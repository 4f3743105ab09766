"""`minicrm import csv|vcard|json`, `export csv|vcard|json`, `backup` and `restore`."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO, cast

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.i18n import N_, _, counted, ngettext, pgettext
from minicrm.output import Format

import_app = typer.Typer(help="Import contacts (CSV, vCard) or a whole database (JSON).", no_args_is_help=True)
export_app = typer.Typer(help="Export contacts (CSV, vCard) or the whole database (JSON).", no_args_is_help=True)

DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be created/updated; write nothing.")]
OnDupOpt = Annotated[
    str,
    typer.Option(
        "--on-duplicate",
        metavar="[skip|update|create]",
        help="skip, update (merge the file's values in) or create anyway.",
    ),
]
ImportTagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag every imported contact (repeatable).")]
SkipBadOpt = Annotated[
    bool, typer.Option("--skip-bad", help="Import the good rows; write the bad ones to a reject file.")
]
NoHooksOpt = Annotated[
    bool, typer.Option("--no-hooks", help="Run no hooks and tell no webhook about this import (also import.finished).")
]
RejectsOpt = Annotated[
    Path | None,
    typer.Option("--rejects", metavar="FILE", help="Reject file for --skip-bad (default: FILE.rejects.csv/.vcf)."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (default: standard output).")
]
ExportTagOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", help="Only contacts with this tag (repeatable: any of them).")
]

#: (key, header, priority): on a narrow terminal the highest priority numbers are left out first (output.Listing).
PLAN_COLUMNS = [
    ("line", N_("Line"), 1),
    ("action", N_("Action"), 1),
    ("name", N_("Name"), 1),
    ("contact_id", N_("Contact"), 2),
    ("match", N_("Matched by"), 3),
    ("changes", N_("Changes"), 4),
]


def _action(action: str) -> str:
    """An import plan's action in the user's language (JSON keeps create, update, unchanged, skip, merge)."""
    words = {"create": pgettext("import plan", "create"), "update": pgettext("import plan", "update"),
             "unchanged": pgettext("import plan", "unchanged"), "skip": pgettext("import plan", "skip"),
             "merge": pgettext("import plan", "merge")}  # fmt: skip
    return words.get(action, action)


def _read(path: Path) -> bytes:
    from minicrm.errors import BadInput

    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(_("no file {path}").format(path=path)) from None
    except IsADirectoryError:
        raise BadInput(_("{path} is a folder, expected a file").format(path=path)) from None
    except OSError as exc:
        raise BadInput(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from None


@contextmanager
def _progress(total: int, what: str):
    """A rich progress bar on stderr when it is a terminal and the file is long; else nothing."""
    if not sys.stderr.isatty() or total < 2000:
        yield None
        return
    from rich.progress import Progress

    from minicrm.output import console

    with Progress(console=console(stderr=True)) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)


#: Seconds a step runs before its progress bar shows: a quick export or backup draws nothing.
BAR_DELAY = 1.0


@contextmanager
def working(what: str, total: int | None = None, *, onto_stdout: bool = False):
    """A progress bar on stderr for a step that may take seconds (exports, backups, `migrate-to`).

    Only when stderr is a terminal, and not while the data goes to the same terminal (`onto_stdout`); it
    appears once the step has run for BAR_DELAY and is removed when it ends. Yields `advance(n=1)`; with no
    `total` the bar pulses and counts what was done, with the time spent.
    """
    if not sys.stderr.isatty() or (onto_stdout and sys.stdout.isatty()):
        yield lambda n=1: None
        return
    import threading

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from minicrm.output import console

    count = MofNCompleteColumn() if total else TextColumn("{task.completed:.0f}")
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), count, TimeElapsedColumn(),
        console=console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False,
    )  # fmt: skip
    task = bar.add_task(what, total=total)
    lock, ended = threading.Lock(), threading.Event()

    def show() -> None:
        with lock:
            if not ended.is_set():
                bar.start()

    timer = threading.Timer(BAR_DELAY, show)
    timer.daemon = True
    if BAR_DELAY > 0:
        timer.start()
    else:
        show()
    try:
        yield lambda n=1: bar.advance(task, n)
    finally:
        timer.cancel()
        with lock:
            ended.set()
            bar.stop()


class _Counter:
    """A text stream that advances a progress bar once per write: the exports write one row or card at a time."""

    def __init__(self, out, advance):
        self._out, self._advance = out, advance

    def write(self, text: str) -> int:
        written = self._out.write(text)
        self._advance(1)
        return written

    def __getattr__(self, name: str):
        return getattr(self._out, name)


def _counting(out, advance) -> TextIO:
    return cast(TextIO, _Counter(out, advance))


def _contacts_total(session, tags: list[str]) -> int | None:
    """How many contacts an export of `tags` writes (None for several tags: they overlap)."""
    from minicrm.store.people.contacts import count_contacts
    from minicrm.store.people.fields import normalize_tag

    if len(tags) > 1:
        return None
    return count_contacts(session, tag=normalize_tag(tags[0]) if tags else None, archived=None)


def _run_import(ctx, parsed, *, source: str, kind: str, rejects: Path | None, dry_run: bool, on_duplicate: str,
                tag, skip_bad: bool, fmt: Format, default_rejects: Path, no_hooks: bool = False) -> None:  # fmt: skip
    from minicrm import output
    from minicrm.store.exchange.importing import applying

    actx = app_ctx(ctx)
    if no_hooks:
        actx.without_hooks()
    session = actx.session()
    with _progress(parsed.total(), _("importing {source}").format(source=source)) as progress:
        result = applying.run(
            session, parsed, now=actx.now(), user_id=actx.user_id(), source=source, on_duplicate=on_duplicate,
            tags=tag or [], dry_run=dry_run, skip_bad=skip_bad, progress=progress,
            keep_items=dry_run or fmt is not Format.table,  # a plain import only counts its rows
        )  # fmt: skip
    for remark in parsed.notes:  # after the import: a failed one says only its error
        output.note(remark)
    if parsed.bad:
        for bad in parsed.bad[:20]:
            where = bad.where or source
            output.note(
                _("bad: {source}: line {line}: {reason}").format(source=where, line=bad.line, reason=bad.reason)
            )
        if len(parsed.bad) > 20:
            more = len(parsed.bad) - 20
            output.note(ngettext("... and {n} more bad row", "... and {n} more bad rows", more).format(n=more))
        if not dry_run:
            path = rejects or default_rejects
            applying.write_rejects(parsed, path, kind=kind)
            msg = ngettext("{n} bad row written to {path}", "{n} bad rows written to {path}", len(parsed.bad))
            output.note(msg.format(n=len(parsed.bad), path=path))
    if fmt is not Format.table:
        data = result.to_json()
        output.emit_data(data, fmt, csv_rows=data["items"])  # CSV: the JSON's items
    elif dry_run:
        rows = [{**i.to_json(), "action": _action(i.action)} for i in result.items]  # the table's words translated
        output.emit_rows(rows, PLAN_COLUMNS, fmt, empty=_("nothing to import"))
    counts = {k: result.count(k) for k in ("create", "update", "unchanged", "skip")}
    summary = (
        _("dry run, nothing written: would create {create}, update {update}, unchanged {unchanged}, skipped {skip}")
        if dry_run
        else _("created {create}, updated {update}, unchanged {unchanged}, skipped {skip}")
    ).format(**counts)
    if result.count("merge"):
        summary += _(", merged {n} (same person twice in the file)").format(n=result.count("merge"))
    if result.bad:
        summary += _(", rejected {n}").format(n=len(result.bad))
    if result.companies_created:
        summary += _("; new companies: {n}").format(n=len(result.companies_created))
    output.note(summary)


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV file (Google Contacts, Outlook, Excel, any spreadsheet); - = stdin.")
    ],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="HEADER=FIELD,...",
            help='Column mapping "Header=target,..." (name, email, phone, company, field:KEY...).',
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    on_duplicate: OnDupOpt = "update",
    tag: ImportTagOpt = None,
    skip_bad: SkipBadOpt = False,
    rejects: RejectsOpt = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Force the encoding (default: detect).")] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", metavar="CHAR", help="Force the delimiter (default: detect).")
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            metavar="[dmy|mdy|ymd]",
            help="How dates like 3/4/1970 are written (default: from the file's dates, the config's date_format,"
            " Outlook's headers; else day first).",
        ),
    ] = None,
    no_hooks: NoHooksOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import contacts from a CSV file: a known UID, e-mail, or name with phone or company updates, never doubles."""
    from minicrm.store.exchange.importing import csv_format

    actx = app_ctx(ctx)
    maps = _parse_map(mapping or [])
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            from minicrm.errors import BadInput

            raise BadInput(_("invalid --delimiter '{value}' (one character, or 'tab')").format(value=delimiter))
    source = "stdin" if str(file) == "-" else str(file)
    parsed = csv_format.open_csv(  # the rows are read from the file while they are imported
        _read(file), source=source, now=actx.now(), mapping=maps, encoding=encoding, delimiter=delimiter,
        date_order=date_order, configured_order=actx.setting("date_format"),
        reopen=None if source == "stdin" else lambda: file.open("rb"),
    )  # fmt: skip
    _run_import(ctx, parsed, source=source, kind="csv", rejects=rejects, dry_run=dry_run, on_duplicate=on_duplicate,
                tag=tag, skip_bad=skip_bad, fmt=fmt, default_rejects=Path(f"{file}.rejects.csv"),
                no_hooks=no_hooks)  # fmt: skip


def _parse_map(specs: list[str]) -> dict[str, str]:
    from minicrm.errors import BadInput

    out: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            head, sep, target = part.rpartition("=")
            if not sep or not head.strip() or not target.strip():
                raise BadInput(_("invalid --map '{value}' (expected 'Header=target')").format(value=part))
            out[head.strip()] = target.strip().lower() if not target.strip().startswith("field:") else target.strip()
    return out


@import_app.command("vcard")
def import_vcard(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A .vcf file (one or many cards), a vdir folder of .vcf, or -.")],
    dry_run: DryRunOpt = False,
    on_duplicate: OnDupOpt = "update",
    tag: ImportTagOpt = None,
    skip_bad: SkipBadOpt = False,
    rejects: RejectsOpt = None,
    no_hooks: NoHooksOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import vCards (2.1/3.0/4.0: Google, Apple, Outlook, khard/CardDAV folders); a known UID updates."""
    from minicrm.errors import BadInput
    from minicrm.store.exchange.importing import decoding, vcard_format

    actx = app_ctx(ctx)
    if str(path) != "-" and path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".vcf", ".vcard") and p.is_file())
        if not files:
            raise BadInput(_("no .vcf files in {path}").format(path=path))
    else:
        files = [path]
    texts = []
    for f in files:
        name = "stdin" if str(f) == "-" else str(f)
        text, _encoding = decoding.decode(_read(f), source=name)
        texts.append((name if len(files) > 1 else "", text))
    source = "stdin" if str(path) == "-" else str(path)
    parsed = vcard_format.read_vcards(texts, now=actx.now())
    _run_import(ctx, parsed, source=source, kind="vcard", rejects=rejects, dry_run=dry_run,
                on_duplicate=on_duplicate, tag=tag, skip_bad=skip_bad, fmt=fmt,
                default_rejects=Path(f"{str(path).rstrip('/')}.rejects.vcf"), no_hooks=no_hooks)  # fmt: skip


@import_app.command("json")
def import_json(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file made by 'minicrm export json' (document or --nl), or -.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a database that already holds data (everything in it).")
    ] = False,
) -> None:
    """Restore a whole database from 'export json' (into an empty database unless --replace)."""
    import io

    from minicrm import output
    from minicrm.store.exchange.exporting import restore_json
    from minicrm.store.exchange.importing.decoding import decode

    actx = app_ctx(ctx)
    source = "stdin" if str(file) == "-" else str(file)
    text, _encoding = decode(_read(file), source=source)
    counts = restore_json(actx.session(), io.StringIO(text), source=source, replace=replace)
    tables = {"contact": "contacts", "company": "companies", "interaction": "interactions", "deal": "deals",
              "task": "tasks"}  # fmt: skip
    what = ", ".join(counted(counts[t], noun) for t, noun in tables.items() if t in counts)
    output.note(_("restored {rows}: {counts}").format(rows=counted(sum(counts.values()), "rows"), counts=what))


def _out(path: Path | None, *, newline: str | None = None):
    """Standard output, or FILE by the rules of `minicrm.outfiles` (atomic, 0600, devices/FIFOs/links)."""
    from minicrm.outfiles import output_file

    return output_file(path, newline=newline)


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    output_file: OutOpt = None,
    tag: ExportTagOpt = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="Start with a UTF-8 BOM (Excel then shows accents right).")
    ] = False,
    delimiter: Annotated[str, typer.Option("--delimiter", metavar="CHAR", help="Cell separator: , ; or tab.")] = ",",
) -> None:
    """Contacts as CSV (cells starting with = + - @ are neutralised against formula injection)."""
    from minicrm import output
    from minicrm.errors import BadInput
    from minicrm.store.exchange.exporting import export_csv as run

    delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
    if delimiter not in (",", ";", "\t", "|"):
        raise BadInput(_("invalid --delimiter '{value}' (one of , ; | tab)").format(value=delimiter))
    session = app_ctx(ctx).session()
    total = _contacts_total(session, tag or [])
    with (
        _out(output_file, newline="") as out,
        working(_("exporting contacts (CSV)"), total and total + 1 + bom, onto_stdout=not output_file) as advance,
    ):
        n = run(session, _counting(out, advance), tags=tag or [], bom=bom, delimiter=delimiter)
    if output_file:
        output.note(_("exported {contacts} to {file}").format(contacts=counted(n, "contacts"), file=output_file))


@export_app.command("vcard")
def export_vcard(
    ctx: typer.Context,
    output_file: OutOpt = None,
    tag: ExportTagOpt = None,
    vcard3: Annotated[bool, typer.Option("--vcard3", help="Write vCard 3.0 instead of 4.0.")] = False,
) -> None:
    """Contacts as vCard 4.0 (or 3.0), one file of many cards."""
    from minicrm import output
    from minicrm.store.exchange.exporting import export_vcard as run

    session = app_ctx(ctx).session()
    total = _contacts_total(session, tag or [])
    with (
        _out(output_file, newline="") as out,
        working(_("exporting contacts (vCard)"), total, onto_stdout=not output_file) as advance,
    ):
        n = run(session, _counting(out, advance), tags=tag or [], version="3.0" if vcard3 else "4.0")
    if output_file:
        output.note(_("exported {contacts} to {file}").format(contacts=counted(n, "contacts"), file=output_file))


@export_app.command("json")
def export_json(
    ctx: typer.Context,
    output_file: OutOpt = None,
    tag: ExportTagOpt = None,
    nl: Annotated[bool, typer.Option("--nl", help="NDJSON: a header line, then one row per line.")] = False,
) -> None:
    """The whole database (every table) as JSON; 'import json' restores it exactly."""
    from minicrm import output
    from minicrm.store.exchange.exporting import export_json as run

    if tag:
        from minicrm.errors import BadInput

        raise BadInput(_("--tag does not apply to 'export json' (it is the whole database)"))
    session = app_ctx(ctx).session()
    with _out(output_file) as out, working(_("exporting the database (rows)"), onto_stdout=not output_file) as advance:
        counts = run(session, _counting(out, advance), lines=nl)
    if output_file:
        output.note(
            _("exported {rows} of {tables} to {file}").format(
                rows=counted(sum(counts.values()), "rows"), tables=counted(len(counts), "tables"), file=output_file
            )
        )


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="Backup file or folder (default: the backups folder, timestamped).")
    ] = None,
    keep: Annotated[int, typer.Option("--keep", min=0, help="Timestamped backups to keep (0 = all).")] = 10,
    fmt: FormatOpt = Format.table,
) -> None:
    """Copy the database while it is in use; prints the backup's path.

    SQLite: a checked copy of the file (the SQLite backup API).

    PostgreSQL: every table from one consistent snapshot (REPEATABLE READ) as NDJSON, as `export json --nl`.
    """
    from datetime import datetime

    from minicrm import output
    from minicrm.store.exchange.backup import backup as run

    actx = app_ctx(ctx)
    with working(_("backing up {database}").format(database=actx.database.label)):
        result = run(actx.database, file, now=datetime.now(), keep=keep)
    if not output.emit_data(result.to_json(), fmt):
        output.write(str(result.path))
    for path in result.pruned:
        output.note(_("removed old backup {path}").format(path=path))


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup made by 'minicrm backup' (or any minicrm database).")],
) -> None:
    """Restore a backup after checking it.

    A SQLite backup onto a SQLite file: replaces the database and keeps the replaced one beside it.

    A JSON backup (PostgreSQL's), or a SQLite backup into PostgreSQL: loaded into the empty database.
    """
    from datetime import datetime

    from minicrm import output
    from minicrm.store.exchange.backup import restore as run

    actx = app_ctx(ctx)
    result = run(actx.database, file, now=datetime.now())
    if result.migrated_from:
        output.note(
            _("upgraded the backup from schema {old} to {new}").format(old=result.migrated_from, new=result.revision)
        )
    if result.replaced_kept:
        output.note(_("the replaced database is kept as {path}").format(path=result.replaced_kept))
    output.note(_("restored {file}").format(file=file))


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.command("backup")(backup)
    app.command("restore")(restore)
