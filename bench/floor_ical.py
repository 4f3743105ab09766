"""The `ical export` floor: plain stdlib Python writing the same iCalendar text as `minicrm ical export`.

It reads what the feed shows (follow-ups, tasks and deal steps planned from 365 days back to 90 ahead,
birthdays, yearly dates; each item's contact: company, first e-mail and phone, last contact that is not a
note) with one query per kind, and writes every item as minicrm does: TEXT escaped, lines folded at 75 octets
without splitting a UTF-8 sequence, CRLF, streamed. Local time is the C library's (as minicrm's without --tz
when the zone is UTC or has no IANA name). Timed items need a VTIMEZONE, which this floor does not write:
it refuses them (bench/gen.py makes none).

    python bench/floor_ical.py DB [OUT] [--today 2026-11-22]      DB: a SQLite file or a postgresql:// URL

bench/ical.py checks that its output and minicrm's are the same bytes.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

TODAY = "2026-11-22"
EPOCH = date(2000, 1, 1)
CADENCE = (
    "COALESCE(NULLIF(c.cadence_days, 0), (SELECT min(r.days) FROM contact_tag t JOIN cadence_rule r"
    " ON r.scope = 'tag:' || t.tag WHERE t.contact_id = c.id), (SELECT r.days FROM cadence_rule r"
    " WHERE r.scope = 'company:' || c.company_id), (SELECT NULLIF(co2.cadence_days, 0) FROM company co2"
    " WHERE co2.id = c.company_id), (SELECT r.days FROM cadence_rule r WHERE r.scope = 'default'))"
)
CONTACT = (  # the item's contact `c`: company, first e-mail and phone, last contact (joined as `li`)
    ", c.id AS cid, (SELECT x.name FROM company x WHERE x.id = c.company_id) AS company,"
    " (SELECT e.email FROM contact_email e WHERE e.contact_id = c.id ORDER BY e.position, e.id LIMIT 1) AS email,"
    " (SELECT p.phone FROM contact_phone p WHERE p.contact_id = c.id ORDER BY p.position, p.id LIMIT 1) AS phone,"
    " li.happened_at AS li_at, li.kind AS li_kind, li.summary AS li_summary"
)
LAST = (
    " LEFT JOIN interaction li ON li.id = (SELECT i.id FROM interaction i WHERE i.contact_id = c.id AND i.kind"
    " NOT IN (SELECT k.name FROM interaction_kind k WHERE k.internal = ?) ORDER BY i.happened_at DESC, i.id DESC"
    " LIMIT 1)"
)
SQL = {
    "followups": "SELECT c.id, c.name, c.revision, c.updated_at, c.next_contact_on, c.next_contact_time,"
    f" c.next_contact_goal, c.next_contact_auto, c.last_interaction_at, {CADENCE} AS cadence{CONTACT}"
    f" FROM contact c{LAST} WHERE c.next_contact_on BETWEEN ? AND ? AND c.archived = ? ORDER BY c.id",
    "tasks": "SELECT t.id, t.title, t.due_on, t.due_time, t.revision, t.updated_at, t.notes, c.name AS contact,"
    f" d.title AS deal{CONTACT} FROM task t LEFT JOIN contact c ON c.id = t.contact_id"
    f" LEFT JOIN deal d ON d.id = t.deal_id{LAST} WHERE t.done = ? AND t.due_on BETWEEN ? AND ?"
    " AND (c.id IS NULL OR c.archived = ?) ORDER BY t.id",
    "deals": "SELECT d.id, d.title, d.next_step, d.next_step_on, d.amount_minor, d.currency, d.revision,"
    f" d.updated_at, s.name AS stage, c.name AS contact{CONTACT} FROM deal d JOIN pipeline_stage s"
    f" ON s.id = d.stage_id LEFT JOIN contact c ON c.id = d.contact_id{LAST} WHERE s.outcome = 'open'"
    " AND d.next_step_on BETWEEN ? AND ? AND (c.id IS NULL OR c.archived = ?) ORDER BY d.id",
    "birthdays": f"SELECT c.name, c.birthday, c.birthday_md, c.revision, c.updated_at{CONTACT} FROM contact c{LAST}"
    " WHERE c.birthday_md IS NOT NULL AND c.archived = ? ORDER BY c.id",
    "dates": f"SELECT cd.id, cd.label, cd.value, cd.md, cd.yearly, c.name, c.revision, c.updated_at{CONTACT}"
    f" FROM contact_date cd JOIN contact c ON c.id = cd.contact_id{LAST} WHERE c.archived = ?"
    " AND (cd.yearly = ? OR cd.value BETWEEN ? AND ?) ORDER BY cd.id",
}


def text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n").replace("\r", "\\n"))  # fmt: skip


def fold(line: str) -> str:
    data = line.encode()
    if len(data) <= 74:
        return line
    parts, start = [], 0
    while len(data) - start > 74:
        cut = start + 74
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        if cut - start > 1 and data[cut - 1] in b"\\^":
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def day(value: Any) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def yearly(year: int, md: str) -> date:
    month, dom = int(md[:2]), int(md[3:5])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return date(year, 3, 1) if (month, dom) == (2, 29) and not leap else date(year, month, dom)


def born(value: str | None) -> int | None:
    return int(value[:4]) if value and not value.startswith("--") and value[:4].isdigit() else None


def contact_lines(r: Any) -> list[str]:
    if r["cid"] is None:
        return []
    lines = [f"{label}: {r[key]}" for label, key in (("Company", "company"), ("Phone", "phone"), ("Email", "email"))
             if r[key]]  # fmt: skip
    if r["li_at"] is None:
        return [*lines, "Last contact: never"]
    return [*lines, f"Last contact: {moment(r['li_at']):%Y-%m-%d} ({r['li_kind']}) {r['li_summary']}"]


def event(today: date, uid: str, kind: str, planned: date, summary: str, r: Any, lines: list[str], *,
          moves: bool = True, rrule: bool = False) -> str:  # fmt: skip
    late = max((today - planned).days, 0) if moves else 0
    changed = moment(r["updated_at"])
    if late:
        changed = max(changed, datetime.combine(today, datetime.min.time()))
    stamp = f"{changed.astimezone(UTC):%Y%m%dT%H%M%SZ}"  # a naive time is local time
    on = today if late else planned
    lines = [
        "BEGIN:VEVENT",
        fold("SUMMARY:" + text(f"OVERDUE {late}d: {summary}" if late else summary)),
        f"DTSTART;VALUE=DATE:{on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{on + timedelta(days=1):%Y%m%d}",
        f"DTSTAMP:{stamp}",
        fold(f"UID:{uid}"),
        f"SEQUENCE:{r['revision'] + max((changed.date() - EPOCH).days, 0)}",
        *(
            ["RRULE:FREQ=YEARLY;BYYEARDAY=60" if (on.month, on.day) == (2, 29) else "RRULE:FREQ=YEARLY"]
            if rrule
            else []
        ),
        f"CATEGORIES:minicrm,{kind}" + (",overdue" if late else ""),
        fold("DESCRIPTION:" + text("\n".join(lines + contact_lines(r)))),
        f"LAST-MODIFIED:{stamp}",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        "END:VEVENT\r\n",
    ]
    return "\r\n".join(lines)


def items(kind: str, r: Any, today: date, db: str) -> str:
    if kind == "followups":
        if r["next_contact_time"]:
            raise SystemExit("floor_ical: a timed follow-up (this floor writes all-day items only)")
        on = day(r["next_contact_on"])
        late = max((today - on).days, 0)
        auto = bool(r["next_contact_auto"])
        if not auto:
            reason = f"follow-up planned for {on.isoformat()}"
        elif r["cadence"]:
            last = r["last_interaction_at"]
            since = f"last contact {moment(last).date().isoformat()}" if last else "never contacted"
            reason = f"stay in touch every {plural(r['cadence'], 'day')}, {since}"
        else:
            reason = "follow-up due"
        reason += f"; overdue by {plural(late, 'day')}" if late else ""
        goal = r["next_contact_goal"] or ("stay in touch" if auto and r["cadence"] else None)
        summary = f"Call {r['name']}" + (f" — {goal}" if goal else "")
        return event(today, f"followup-{r['id']}.{db}@minicrm", "follow-up", on, summary, r, [f"Why: {reason}"])
    if kind == "tasks":
        if r["due_time"]:
            raise SystemExit("floor_ical: a timed task (this floor writes all-day items only)")
        summary = f"Task: {r['title']}" + (f" ({r['contact']})" if r["contact"] else "")
        lines = [*([f"Deal: {r['deal']}"] if r["deal"] else []), *([r["notes"]] if r["notes"] else [])]
        return event(today, f"task-{r['id']}.{db}@minicrm", "task", day(r["due_on"]), summary, r, lines)
    if kind == "deals":
        summary = f"{r['next_step'] or 'next step'} — deal {r['title']}" + (
            f" ({r['contact']})" if r["contact"] else ""
        )
        minor = r["amount_minor"]
        money = "" if minor is None else f"{Decimal(minor).scaleb(-2):.2f} {r['currency'] or ''}".strip()
        lines = [f"Deal: {r['title']} ({r['stage']}, {money})"]
        return event(today, f"deal-{r['id']}.{db}@minicrm", "deal", day(r["next_step_on"]), summary, r, lines)
    if kind == "birthdays":
        year = born(r["birthday"])
        md = r["birthday_md"]
        first = yearly(year, md) if year else date(2000, int(md[:2]), int(md[3:]))
        lines = [f"Born {r['birthday']}" if year else "Birthday (year unknown)"]
        return event(today, f"birthday-{r['cid']}.{db}@minicrm", "birthday", first, f"Birthday: {r['name']}", r,
                     lines, moves=False, rrule=True)  # fmt: skip
    year, md = born(r["value"]), r["md"]
    first = date(year or 2000, int(md[:2]), int(md[3:])) if r["yearly"] else date.fromisoformat(r["value"])
    return event(today, f"date-{r['id']}.{db}@minicrm", "date", first, f"{r['label']}: {r['name']}", r,
                 [f"{r['label']} ({r['value']})"], moves=False, rrule=bool(r["yearly"]))  # fmt: skip


def write_feed(conn: Any, out: BinaryIO, today_text: str = TODAY, *, postgres: bool = False) -> int:
    """Write the feed to `out`; returns the number of events. `conn`: sqlite3 (Row factory set here) or psycopg."""
    today = date.fromisoformat(today_text)
    since, until = (today - timedelta(days=365)).isoformat(), (today + timedelta(days=90)).isoformat()

    def rows(sql: str, params: tuple[Any, ...]) -> Any:
        cur = conn.execute(sql.replace("?", "%s") if postgres else sql, params)
        names = [d[0] for d in cur.description]
        while batch := cur.fetchmany(1000):
            yield from (dict(zip(names, row, strict=True)) for row in batch)

    db = next(rows("SELECT value FROM meta WHERE key = 'database_id'", ()))["value"]
    out.write(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//minicrm//follow-ups 0.1//EN\r\nCALSCALE:GREGORIAN\r\n"
        b"METHOD:PUBLISH\r\nX-WR-CALDESC:Follow-ups\\, tasks\\, deal steps and birthdays from minicrm\r\n"
        b"NAME:minicrm follow-ups\r\nX-WR-CALNAME:minicrm follow-ups\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
        b"X-PUBLISHED-TTL:PT1H\r\n"
    )
    params = {
        "followups": (True, since, until, False),
        "tasks": (True, False, since, until, False),
        "deals": (True, since, until, False),
        "birthdays": (True, False),
        "dates": (True, False, True, since, until),
    }
    count = 0
    for kind, sql in SQL.items():
        chunk = []
        for r in rows(sql, params[kind]):
            chunk.append(items(kind, r, today, db))
            if len(chunk) == 500:
                out.write("".join(chunk).encode())
                count += len(chunk)
                chunk = []
        out.write("".join(chunk).encode())
        count += len(chunk)
    out.write(b"END:VCALENDAR\r\n")
    return count


def main() -> None:
    args = sys.argv[1:]
    today = TODAY
    if "--today" in args:
        at = args.index("--today")
        today = args[at + 1]
        del args[at : at + 2]
    target, path = args[0], args[1] if len(args) > 1 else "-"
    if "://" in target:
        import psycopg

        conn: Any = psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)
        postgres = True
    else:
        import sqlite3

        conn = sqlite3.connect(target)
        postgres = False
    with open(sys.stdout.fileno(), "wb", closefd=False) if path == "-" else open(path, "wb") as out:
        write_feed(conn, out, today, postgres=postgres)


if __name__ == "__main__":
    main()
