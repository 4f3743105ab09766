"""The benchmark cases: the minicrm command and the equivalent SQL the floors run (stdlib only)."""

from __future__ import annotations

TODAY = "2026-11-22"

# name -> (minicrm arguments, SQL statements the floors run, whether it writes)
CASES: dict[str, tuple[list[str], list[str], bool]] = {
    "help": (["--help"], [], False),
    "contact list": (
        ["contact", "list", "--limit", "50"],
        [
            "SELECT c.id, c.name, co.name, c.status,"
            " (SELECT group_concat(email, ', ') FROM contact_email WHERE contact_id = c.id),"
            " (SELECT group_concat(phone, ', ') FROM contact_phone WHERE contact_id = c.id),"
            " (SELECT group_concat(tag, ', ') FROM contact_tag WHERE contact_id = c.id),"
            " c.last_interaction_at, c.next_contact_on, c.next_contact_goal"
            " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.archived = 0"
            " ORDER BY c.name_key, c.id LIMIT 50"
        ],
        False,
    ),
    "search": (
        ["search", "anna"],
        [
            "SELECT c.id, c.name, co.name FROM contact_fts f JOIN contact c ON c.id = f.rowid"
            " LEFT JOIN company co ON co.id = c.company_id WHERE contact_fts MATCH '\"anna\"*'"
            " ORDER BY f.rank LIMIT 50",
            "SELECT c.id, c.name, c.city FROM company_fts f JOIN company c ON c.id = f.rowid"
            " WHERE company_fts MATCH '\"anna\"*' ORDER BY f.rank LIMIT 50",
            "SELECT i.id, i.summary, i.kind FROM interaction_fts f JOIN interaction i ON i.id = f.rowid"
            " WHERE interaction_fts MATCH '\"anna\"*' ORDER BY f.rank LIMIT 50",
        ],
        False,
    ),
    "contact show": (
        ["contact", "show", "{busy}"],
        [
            "SELECT c.*, co.name FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id = {busy}",
            "SELECT email FROM contact_email WHERE contact_id = {busy}",
            "SELECT phone FROM contact_phone WHERE contact_id = {busy}",
            "SELECT d.id, d.title FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE d.contact_id = {busy} AND s.outcome = 'open'",
            "SELECT happened_at, kind, summary FROM interaction WHERE contact_id = {busy}"
            " ORDER BY happened_at DESC LIMIT 10",
        ],
        False,
    ),
    "timeline": (
        ["timeline", "{busy}"],
        [
            "SELECT i.id, i.happened_at, i.kind, i.direction, c.name, i.summary FROM interaction i"
            " JOIN contact c ON c.id = i.contact_id WHERE i.contact_id = {busy} ORDER BY i.happened_at DESC LIMIT 20"
        ],
        False,
    ),
    "due": (
        ["due"],
        [
            "SELECT c.id, c.name, c.next_contact_on, c.next_contact_goal FROM contact c"
            " WHERE c.archived = 0 AND c.next_contact_on <= date('{today}', '+7 days')"
            " ORDER BY c.next_contact_on, c.id LIMIT 50",
            "SELECT count(*) FROM contact WHERE archived = 0 AND next_contact_on <= date('{today}', '+7 days')",
        ],
        False,
    ),
    "forgotten": (
        ["forgotten", "--limit", "50"],
        [
            "SELECT c.id, c.name, c.last_interaction_at FROM contact c WHERE c.archived = 0"
            " AND (c.last_interaction_at IS NULL OR c.last_interaction_at < date('{today}', '-90 days'))"
            " AND (c.next_contact_on IS NULL OR c.next_contact_on <= '{today}')"
            " ORDER BY c.last_interaction_at IS NOT NULL, c.last_interaction_at, c.id LIMIT 50",
            "SELECT count(*) FROM contact c WHERE c.archived = 0"
            " AND (c.last_interaction_at IS NULL OR c.last_interaction_at < date('{today}', '-90 days'))"
            " AND (c.next_contact_on IS NULL OR c.next_contact_on <= '{today}')",
        ],
        False,
    ),
    "remind": (
        ["remind"],
        [
            "SELECT count(*) FROM contact WHERE archived = 0 AND next_contact_on < '{today}'",
            "SELECT count(*) FROM contact WHERE archived = 0 AND next_contact_on = '{today}'",
            "SELECT count(*) FROM contact c WHERE c.archived = 0"
            " AND (c.last_interaction_at IS NULL OR c.last_interaction_at < date('{today}', '-90 days'))",
        ],
        False,
    ),
    "pipeline": (
        ["pipeline"],
        [
            "SELECT s.name, d.currency, count(*), sum(d.amount_minor), sum(d.amount_minor * s.probability) / 100"
            " FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id GROUP BY s.position, s.name, d.currency"
        ],
        False,
    ),
    "report sales": (
        ["report", "sales", "--period", "2026"],
        [
            "SELECT substr(won_on, 1, 7), currency, count(*), sum(amount_minor) FROM deal"
            " WHERE won_on BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY 1, 2 ORDER BY 1"
        ],
        False,
    ),
    "log": (
        ["log", "{busy}", "call", "Benchmark call"],
        [
            "INSERT INTO interaction (contact_id, kind, happened_at, summary, created_at)"
            " VALUES ({busy}, 'call', datetime('now'), 'Benchmark call', datetime('now'))",
            "UPDATE contact SET last_interaction_at = datetime('now') WHERE id = {busy}",
        ],
        True,
    ),
    "ical export": (
        ["ical", "export"],
        [
            "SELECT c.id, c.name, c.next_contact_on, c.next_contact_goal FROM contact c"
            " WHERE c.archived = 0 AND c.next_contact_on BETWEEN date('{today}', '-30 days')"
            " AND date('{today}', '+90 days')"
        ],
        False,
    ),
}


def statements(name: str, busy: int) -> list[str]:
    return [s.format(busy=busy, today=TODAY) for s in CASES[name][1]]
