"""Export contacts as CSV or vCard, and the whole database as JSON that `restore_json` loads back exactly.

The JSON document holds every table except the search index (rebuilt on load) with the values exactly as
stored (dates as their stored text, booleans as 0/1), rows in primary-key order and the AUTOINCREMENT
counters, so export → load into an empty database → export gives the same bytes.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from minicrm.errors import BadInput, Conflict, MinicrmError
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.people.cadence import fill_cadence_dates
from minicrm.store.people.contacts import list_contacts
from minicrm.store.people.fields import normalize_tag
from minicrm.store.sales.deal_values import refresh_all_deal_values
from minicrm.values.jsontext import parse_json

FORMAT = "minicrm-database"
FORMAT_VERSION = 1
#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "id", "name", "email", "phone", "company", "role", "status", "source", "tags", "birthday", "address", "city",
    "region", "postcode", "country", "notes",
    "owner", "next_contact_on", "next_contact_time", "next_contact_goal", "last_interaction_at", "created_at",
    "updated_at",
)  # fmt: skip
#: Joins several e-mails/phones/tags in one cell; `import csv` splits on it.
MULTI = "; "


def _contacts(session: Session, tags: Sequence[str]) -> list[Any]:
    """Contacts (archived included) having any of `tags` (all when none), by id."""
    if not tags:
        return sorted(list_contacts(session, archived=None), key=lambda c: c.id)
    seen: dict[int, Any] = {}
    for tag in tags:
        for c in list_contacts(session, tag=normalize_tag(tag), archived=None):
            seen[c.id] = c
    return [seen[i] for i in sorted(seen)]


#: Cells that start like a formula but cannot be one: phone numbers (+49 30 1234567; +1 (555) 010-0199) and
#: year-less birthdays (--12-10). No letters, no operator after the first character: nothing to run or call.
_PLAIN = re.compile(r"\+?[\d(][\d ().\-/]*(?:; \+?[\d(][\d ().\-/]*)*|--\d{2}-\d{2}")


def neutralise(value: str) -> str:
    """Prefix `'` to a cell a spreadsheet would run as a formula (=HYPERLINK(...), +cmd|..., @SUM...).

    Phone numbers and year-less birthdays are left alone: other programs (Google, Outlook) keep the `'`.
    """
    if value.startswith(FORMULA_START) and not _PLAIN.fullmatch(value):
        return "'" + value
    return value


def export_csv(
    session: Session, out: TextIO, *, tags: Sequence[str] = (), bom: bool = False, delimiter: str = ","
) -> int:
    """Contacts as CSV; returns how many."""
    from minicrm.cells import cell

    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    contacts = _contacts(session, tags)
    keys = sorted({key for c in contacts for key in c.fields})  # custom fields: a `field:KEY` column each
    writer.writerow([*CSV_COLUMNS, *(f"field:{key}" for key in keys)])
    for c in contacts:
        row = c.to_json()
        row["email"], row["phone"] = MULTI.join(c.emails), MULTI.join(c.phones)
        row["tags"] = MULTI.join(c.tags)
        values = [cell(row.get(k)) if k != "notes" else (row["notes"] or "") for k in CSV_COLUMNS]
        values = [v.replace("T", " ") if k.endswith("_at") else v for k, v in zip(CSV_COLUMNS, values, strict=True)]
        values += [c.fields.get(key, "") for key in keys]
        writer.writerow([neutralise(v) for v in values])
    return len(contacts)


def _labels(session: Session, table: str, column: str, ids: list[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in session.all(
            f"SELECT contact_id, {column}, label FROM {table} WHERE label IS NOT NULL AND contact_id IN ({marks})",
            chunk,
        ):
            out.setdefault(r[0], {})[r[1]] = r[2]
    return out


def vcard_uid(database_id: str, contact_id: int) -> str:
    """A stable UID for a contact that came with none: the same on every export of this database."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"minicrm:{database_id}:contact:{contact_id}"))


def export_vcard(session: Session, out: TextIO, *, tags: Sequence[str] = (), version: str = "4.0") -> int:
    """Contacts as vCards (4.0, or 3.0 for older clients); returns how many."""
    from minicrm import vcard

    contacts = _contacts(session, tags)
    ids = [c.id for c in contacts]
    email_labels = _labels(session, "contact_email", "email", ids)
    phone_labels = _labels(session, "contact_phone", "phone", ids)
    uids = _uids(session, ids)
    families = _families(session, ids)
    database_id = session.scalar("SELECT value FROM meta WHERE key = 'database_id'") or "minicrm"
    for c in contacts:
        data = c.to_json()
        data["email_labels"] = email_labels.get(c.id, {})
        data["phone_labels"] = phone_labels.get(c.id, {})
        data["family_name"] = families.get(c.id)
        out.write(vcard.write_card(data, version=version, uid=uids.get(c.id) or vcard_uid(database_id, c.id)))
    return len(contacts)


def _uids(session: Session, ids: list[int]) -> dict[int, str]:
    return _column(session, "vcard_uid", ids)


def _families(session: Session, ids: list[int]) -> dict[int, str]:
    return _column(session, "family_name", ids)


def _column(session: Session, column: str, ids: list[int]) -> dict[int, str]:
    """id → the contact's `column`, where it has one."""
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in session.all(f"SELECT id, {column} FROM contact WHERE {column} IS NOT NULL AND id IN ({marks})", chunk):
            out[r[0]] = r[1]
    return out


# -- the whole database as JSON ------------------------------------------------------------------


def _tables(session: Session) -> list[str]:
    """Data tables in a stable order, without the search index and Alembic's."""
    return session.dialect.data_tables(session)


def _columns(session: Session, table: str) -> tuple[list[str], list[str]]:
    return session.dialect.columns(session, table)


def _rows(session: Session, table: str) -> Iterator[dict[str, Any]]:
    columns, pk = _columns(session, table)
    select = ", ".join(session.dialect.raw_column(f'"{c}"') for c in columns)
    order = ", ".join(f'"{c}"' for c in pk)
    plain = session.dialect.plain_value
    cur = session.execute(f'SELECT {select} FROM "{table}" ORDER BY {order}')
    while batch := cur.fetchmany(1000):
        for row in batch:
            yield dict(zip(columns, map(plain, row), strict=True))


def _header(session: Session) -> dict[str, Any]:
    from minicrm.store.core.migrate import current_revision

    return {"format": FORMAT, "version": FORMAT_VERSION, "schema": current_revision(session)}


def _sequences(session: Session) -> dict[str, int]:
    return session.dialect.sequences(session)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def export_json(session: Session, out: TextIO, *, lines: bool = False) -> dict[str, int]:
    """The whole database: one JSON document, or NDJSON (header, then one {"table", "row"} per line)."""
    header = _header(session)
    counts: dict[str, int] = {}
    if lines:
        out.write(_dump(header) + "\n")
        for table in _tables(session):
            counts[table] = 0
            for row in _rows(session, table):
                out.write(_dump({"table": table, "row": row}) + "\n")
                counts[table] += 1
        out.write(_dump({"sequences": _sequences(session)}) + "\n")
        return counts
    out.write("{\n")
    for key, value in header.items():
        out.write(f"  {_dump(key)}: {_dump(value)},\n")
    out.write('  "tables": {')
    for t, table in enumerate(_tables(session)):
        out.write(("," if t else "") + f"\n    {_dump(table)}: [")
        counts[table] = 0
        for row in _rows(session, table):
            out.write(("," if counts[table] else "") + "\n      " + _dump(row))
            counts[table] += 1
        out.write("\n    ]" if counts[table] else "]")
    out.write("\n  },\n")
    out.write(f'  "sequences": {_dump(_sequences(session))}\n}}\n')
    return counts


#: Tables whose rows count as "data": a database with none of these is empty enough to restore into.
DATA_TABLES = ("contact", "company", "interaction", "deal", "task", "audit_log")


def _read_document(
    stream: TextIO, source: str
) -> tuple[dict[str, Any], Iterator[tuple[str, dict[str, Any]]], dict[str, int]]:
    first = stream.readline()
    try:
        head = json.loads(first) if first.strip() else None
    except (json.JSONDecodeError, RecursionError):
        head = None
    if isinstance(head, dict) and head.get("format") == FORMAT and "tables" not in head:  # NDJSON
        sequences: dict[str, int] = {}

        def rows() -> Iterator[tuple[str, dict[str, Any]]]:
            for number, line in enumerate(stream, 2):
                if not line.strip():
                    continue
                item = parse_json(line, _("{source}: line {line}").format(source=source, line=number))
                if isinstance(item, dict) and isinstance(item.get("sequences"), dict):
                    sequences.update(item["sequences"])
                elif isinstance(item, dict) and "table" in item and isinstance(item.get("row"), dict):
                    yield item["table"], item["row"]
                else:
                    msg = _('{source}: line {line}: expected {{"table": ..., "row": {{...}}}}')
                    raise BadInput(msg.format(source=source, line=number))

        return head, rows(), sequences
    doc = parse_json(first + stream.read(), source)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("tables"), dict):
        raise BadInput(
            _("{source}: not a minicrm database export (made by 'minicrm export json')").format(source=source)
        )
    head = {k: doc.get(k) for k in ("format", "version", "schema")}

    def document_rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for table, items in doc["tables"].items():
            for row in items:
                yield table, row

    return head, document_rows(), doc.get("sequences") or {}


def temporal_kind(column: str) -> str | None:
    """'datetime' or 'date' for the schema's columns of those types, by their names (a test holds the schema to it)."""
    if column == "at" or column.endswith(("_at", "_until")):  # `claimed_until`: a webhook post's claim ends
        return "datetime"
    if column.endswith("_on") or column == "expected_close":
        return "date"
    return None


def _check_values(row: dict[str, Any], where: str) -> None:
    """A restored row holds single values, and its dates are dates in the years minicrm accepts anywhere else."""
    from datetime import date, datetime

    from minicrm.dates import FIRST_YEAR, LAST_YEAR

    for column, value in row.items():
        if isinstance(value, (list, dict)):
            raise BadInput(_("{where}: {column} is not a single value").format(where=where, column=column))
        kind = temporal_kind(column)
        if kind is None or value is None:
            continue
        try:
            moment = (datetime if kind == "datetime" else date).fromisoformat(str(value))
        except ValueError:
            msg = (
                _("{where}: {column} {value!r} is not a datetime")
                if kind == "datetime"
                else _("{where}: {column} {value!r} is not a date")
            )
            raise BadInput(msg.format(where=where, column=column, value=str(value)[:40])) from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise BadInput(
                _("{where}: {column} {value!r} is outside the years {first}-{last}").format(
                    where=where, column=column, value=value, first=FIRST_YEAR, last=LAST_YEAR
                )
            )


def restore_json(session: Session, stream: TextIO, *, source: str, replace: bool = False) -> dict[str, int]:
    """Load an `export json` document into this database in one transaction; returns rows per table.

    Refuses a database that holds data unless `replace` (then every table is emptied first).
    """
    from minicrm.store.core.migrate import KNOWN_REVISIONS, current_revision
    from minicrm.store.people import search

    head, rows, sequences = _read_document(stream, source)
    if head.get("version") != FORMAT_VERSION:
        msg = _("{source}: export format version {version} is not supported")
        raise BadInput(msg.format(source=source, version=head.get("version")))
    ours = current_revision(session)
    theirs = head.get("schema")
    # Every migration so far only adds tables and columns with defaults, so an older export loads as it is; the
    # data migration 0006 made (notes are internal) is made again after the load.
    if theirs not in KNOWN_REVISIONS or KNOWN_REVISIONS.index(theirs) > KNOWN_REVISIONS.index(ours):
        raise BadInput(
            _(
                "{source}: exported at schema revision {theirs}, this database is at {ours};"
                " restore it with the minicrm version that made it, then upgrade"
            ).format(source=source, theirs=theirs, ours=ours)
        )
    tables = _tables(session)
    columns = {t: _columns(session, t)[0] for t in tables}
    counts: dict[str, int] = {}
    with session.write():
        if not replace:
            held = [t for t in DATA_TABLES if t in columns and session.scalar(f'SELECT 1 FROM "{t}" LIMIT 1')]
            if held:
                raise Conflict(
                    _(
                        "the database already holds data ({tables}); import json restores into an empty"
                        " database, or give --replace to overwrite everything"
                    ).format(tables=", ".join(held))
                )
        session.dialect.defer_foreign_keys(session)
        for table in tables:
            session.execute(f'DELETE FROM "{table}"')
        converters: dict[tuple[str, tuple[str, ...]], Any] = {}
        batch: list[tuple[Any, ...]] = []
        current: tuple[str, tuple[str, ...]] | None = None

        def flush() -> None:
            if batch and current:
                table, cols = current
                names = ", ".join('"' + c + '"' for c in cols)
                if (table, cols) not in converters:  # one catalog look-up per table, not per batch
                    converters[(table, cols)] = session.dialect.typed_params(session, table, cols)
                convert = converters[(table, cols)]
                try:
                    values = [convert(v) for v in batch] if convert else batch
                    session.executemany(
                        f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})', values
                    )
                except MinicrmError:
                    raise
                except Exception as exc:  # a value of the wrong type for its column: the file's fault, not ours
                    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    raise BadInput(
                        _("{source}: rows of {table} do not fit its columns ({reason})").format(
                            source=source, table=table, reason=reason
                        )
                    ) from None
                batch.clear()

        for table, row in rows:
            if table not in columns:
                raise BadInput(_("{source}: unknown table '{table}'").format(source=source, table=table))
            unknown = set(row) - set(columns[table])
            if unknown:
                msg = _("{source}: unknown columns in {table}: {columns}")
                raise BadInput(msg.format(source=source, table=table, columns=", ".join(sorted(unknown))))
            _check_values(
                row, _("{source}: {table} row {n}").format(source=source, table=table, n=counts.get(table, 0) + 1)
            )
            cols = tuple(row)
            if current != (table, cols) or len(batch) >= 1000:
                flush()
                current = (table, cols)
            batch.append(tuple(row.values()))
            counts[table] = counts.get(table, 0) + 1
        flush()
        session.dialect.restore_sequences(session, dict(sorted(sequences.items())))
        broken = session.dialect.foreign_key_problem(session)
        if broken:
            raise BadInput(f"{source}: {broken}")
        if KNOWN_REVISIONS.index(theirs) < KNOWN_REVISIONS.index("0006"):  # what migration 0006 did to the data
            from datetime import datetime

            from minicrm.store.people.interactions import count_notes_as_internal

            count_notes_as_internal(session, now=datetime.now().replace(microsecond=0))
        if KNOWN_REVISIONS.index(theirs) < KNOWN_REVISIONS.index("0017"):  # what migration 0017 did to the data
            from minicrm.store.people.field_types import fill_value_keys

            fill_value_keys(session)
        if KNOWN_REVISIONS.index(theirs) < KNOWN_REVISIONS.index("0015"):  # what migration 0015 did to the data
            from minicrm.store.people.domains import fill_company_domains

            fill_company_domains(session)
        fill_cadence_dates(session)  # a document from an older minicrm may lack cadence-derived dates
        refresh_all_deal_values(session)  # summed from the deals loaded, whatever the document said
        search.rebuild(session)
    return counts
