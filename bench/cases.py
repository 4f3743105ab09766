"""The benchmark cases: the minicrm command and the equivalent SQL the floors run (stdlib only)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any, TextIO

TODAY = "2026-11-22"
EXPORT = "-- export every table as JSON"  # not SQL: the floors call `export_json` for it
ICAL = "-- write the iCalendar feed"  # not SQL: the floors call `floor_ical.write_feed` (the same bytes as minicrm)
CUTOFF = "2026-08-25 00:00:00"  # forgotten: silent for 90 days, today included

FORGOTTEN = "-- forgotten --limit 50"  # not one statement: the floors call `forgotten_rows` for it
# minicrm's forgotten statements (store.followups.forgotten) with their parameters written in, in SQLite form and
# in PostgreSQL form (_PG); bench/sync_sql.py writes them. `forgotten_rows` runs them in minicrm's order.
_FORGOTTEN_WALK = (
    "SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at AS last_at, "
    "c.deal_value_minor AS value_minor, CAST(julianday('{today}') - "
    "julianday(date(COALESCE(c.last_interaction_at, c.created_at))) AS INTEGER) AS silent FROM contact c LEFT "
    "JOIN company co ON co.id = c.company_id WHERE c.deal_value_minor >= {floor} AND +c.archived = 0 AND "
    "COALESCE(c.last_interaction_at, c.created_at) < '{cutoff}' AND (+c.next_contact_on IS NULL OR "
    "+c.next_contact_on < '{today}') AND NOT EXISTS (SELECT 1 FROM task t INDEXED BY ix_task_contact_id WHERE "
    "t.contact_id = c.id AND t.done = 0 AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM deal d INDEXED "
    "BY ix_deal_contact_id WHERE d.contact_id = c.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT "
    "st.id FROM pipeline_stage st WHERE st.outcome = 'open')) AND c.id IN (SELECT v.id FROM contact v WHERE "
    "v.deal_value_minor >= {floor} ORDER BY v.deal_value_minor DESC LIMIT {visit})"
)
_FORGOTTEN_BEST_CONTACT = (
    "SELECT r.* FROM (SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at"
    " AS last_at, c.deal_value_minor AS value_minor, CAST(julianday('{today}') - "
    "julianday(date(COALESCE(c.last_interaction_at, c.created_at))) AS INTEGER) AS silent FROM contact c LEFT "
    "JOIN company co ON co.id = c.company_id WHERE c.deal_value_minor >= {bound} AND +c.archived = 0 AND "
    "COALESCE(c.last_interaction_at, c.created_at) < '{cutoff}' AND (+c.next_contact_on IS NULL OR "
    "+c.next_contact_on < '{today}') AND NOT EXISTS (SELECT 1 FROM task t INDEXED BY ix_task_contact_id WHERE "
    "t.contact_id = c.id AND t.done = 0 AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM deal d INDEXED "
    "BY ix_deal_contact_id WHERE d.contact_id = c.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT "
    "st.id FROM pipeline_stage st WHERE st.outcome = 'open'))) r WHERE COALESCE(r.value_minor, 0) * r.silent > 0 "
    "ORDER BY COALESCE(r.value_minor, 0) * r.silent DESC, r.silent DESC, r.kind DESC, r.name, r.id LIMIT {limit}"
)
_FORGOTTEN_BEST_COMPANY = (
    "SELECT r.* FROM (SELECT 'company' AS kind, co.id, co.name, NULL AS company, NULL AS status, (SELECT "
    "max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p INDEXED BY ix_contact_company_last "
    "WHERE p.company_id = co.id) AS at UNION ALL SELECT co.last_interaction_at) n) AS last_at, "
    "co.deal_value_minor AS value_minor, CAST(julianday('{today}') - julianday(date(COALESCE((SELECT max(n.at) "
    "FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p INDEXED BY ix_contact_company_last WHERE "
    "p.company_id = co.id) AS at UNION ALL SELECT co.last_interaction_at) n), co.created_at))) AS INTEGER) AS "
    "silent FROM company co WHERE co.deal_value_minor >= {bound} AND co.archived = 0 AND COALESCE((SELECT "
    "max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p INDEXED BY ix_contact_company_last "
    "WHERE p.company_id = co.id) AS at UNION ALL SELECT co.last_interaction_at) n), co.created_at) < '{cutoff}' "
    "AND NOT EXISTS (SELECT 1 FROM contact p INDEXED BY ix_contact_company_last WHERE p.company_id = co.id AND "
    "p.archived = 0 AND p.next_contact_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM deal d INDEXED BY "
    "ix_deal_company_id WHERE d.company_id = co.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT "
    "st.id FROM pipeline_stage st WHERE st.outcome = 'open')) AND NOT EXISTS (SELECT 1 FROM task t INDEXED BY "
    "ix_task_company_id WHERE t.company_id = co.id AND t.done = 0 AND t.due_on >= '{today}') AND NOT EXISTS "
    "(SELECT 1 FROM contact p INDEXED BY ix_contact_company_last JOIN task t INDEXED BY ix_task_contact_id ON "
    "t.contact_id = p.id WHERE p.company_id = co.id AND t.done = 0 AND t.due_on >= '{today}') AND NOT EXISTS "
    "(SELECT 1 FROM contact p INDEXED BY ix_contact_company_last JOIN deal d INDEXED BY ix_deal_contact_id ON "
    "d.contact_id = p.id WHERE p.company_id = co.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT "
    "st.id FROM pipeline_stage st WHERE st.outcome = 'open'))) r WHERE COALESCE(r.value_minor, 0) * r.silent > 0 "
    "ORDER BY COALESCE(r.value_minor, 0) * r.silent DESC, r.silent DESC, r.kind DESC, r.name, r.id LIMIT {limit}"
)
_FORGOTTEN_REST = (
    "SELECT r.* FROM (SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at"
    " AS last_at, c.deal_value_minor AS value_minor, CAST(julianday('{today}') - "
    "julianday(date(COALESCE(c.last_interaction_at, c.created_at))) AS INTEGER) AS silent FROM contact c LEFT "
    "JOIN company co ON co.id = c.company_id WHERE +c.archived = 0 AND COALESCE(c.last_interaction_at, "
    "c.created_at) < '{cutoff}' AND (+c.next_contact_on IS NULL OR +c.next_contact_on < '{today}') AND c.id NOT "
    "IN (SELECT t.contact_id FROM task t WHERE t.done = 0 AND t.due_on >= '{today}' AND t.contact_id IS NOT NULL "
    "UNION SELECT d.contact_id FROM deal d WHERE d.next_step_on >= '{today}' AND +d.stage_id IN (SELECT st.id "
    "FROM pipeline_stage st WHERE st.outcome = 'open') AND d.contact_id IS NOT NULL) UNION ALL SELECT 'company' "
    "AS kind, co.id, co.name, NULL AS company, NULL AS status, (SELECT max(n.at) FROM (SELECT (SELECT "
    "max(p.last_interaction_at) FROM contact p INDEXED BY ix_contact_company_last WHERE p.company_id = co.id) AS "
    "at UNION ALL SELECT co.last_interaction_at) n) AS last_at, co.deal_value_minor AS value_minor, "
    "CAST(julianday('{today}') - julianday(date(COALESCE((SELECT max(n.at) FROM (SELECT (SELECT "
    "max(p.last_interaction_at) FROM contact p INDEXED BY ix_contact_company_last WHERE p.company_id = co.id) AS "
    "at UNION ALL SELECT co.last_interaction_at) n), co.created_at))) AS INTEGER) AS silent FROM company co WHERE"
    " co.archived = 0 AND COALESCE((SELECT max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact"
    " p INDEXED BY ix_contact_company_last WHERE p.company_id = co.id) AS at UNION ALL SELECT "
    "co.last_interaction_at) n), co.created_at) < '{cutoff}' AND NOT EXISTS (SELECT 1 FROM contact p INDEXED BY "
    "ix_contact_company_last WHERE p.company_id = co.id AND p.archived = 0 AND p.next_contact_on >= '{today}') "
    "AND NOT EXISTS (SELECT 1 FROM deal d INDEXED BY ix_deal_company_id WHERE d.company_id = co.id AND "
    "d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = "
    "'open')) AND NOT EXISTS (SELECT 1 FROM task t INDEXED BY ix_task_company_id WHERE t.company_id = co.id AND "
    "t.done = 0 AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM contact p INDEXED BY "
    "ix_contact_company_last JOIN task t INDEXED BY ix_task_contact_id ON t.contact_id = p.id WHERE p.company_id "
    "= co.id AND t.done = 0 AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM contact p INDEXED BY "
    "ix_contact_company_last JOIN deal d INDEXED BY ix_deal_contact_id ON d.contact_id = p.id WHERE p.company_id "
    "= co.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE "
    "st.outcome = 'open'))) r WHERE NOT (COALESCE(r.value_minor, 0) * r.silent > 0) ORDER BY "
    "COALESCE(r.value_minor, 0) * r.silent DESC, r.silent DESC, r.kind DESC, r.name, r.id LIMIT {limit}"
)
_FORGOTTEN_LONGEST_CONTACT = (
    "SELECT (SELECT min(last_interaction_at) FROM contact), (SELECT min(created_at) FROM contact)"
)
_FORGOTTEN_LONGEST_COMPANY = (
    "SELECT (SELECT min(last_interaction_at) FROM contact), (SELECT min(created_at) FROM company)"
)
_FORGOTTEN_COUNT = (
    "SELECT (SELECT count(*) FROM contact c WHERE +c.archived = 0 AND COALESCE(c.last_interaction_at, "
    "c.created_at) < '{cutoff}' AND (+c.next_contact_on IS NULL OR +c.next_contact_on < '{today}')) - (SELECT "
    "count(*) FROM contact c WHERE c.id IN (SELECT t.contact_id FROM task t WHERE t.done = 0 AND t.due_on >= "
    "'{today}' AND t.contact_id IS NOT NULL UNION SELECT d.contact_id FROM deal d WHERE d.next_step_on >= "
    "'{today}' AND +d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open') AND "
    "d.contact_id IS NOT NULL) AND +c.archived = 0 AND COALESCE(c.last_interaction_at, c.created_at) < '{cutoff}'"
    " AND (+c.next_contact_on IS NULL OR +c.next_contact_on < '{today}'))"
)
_FORGOTTEN_WALK_PG = (
    "SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at AS last_at, "
    "c.deal_value_minor AS value_minor, (CAST('{today}' AS date) - CAST(COALESCE(c.last_interaction_at, "
    "c.created_at) AS date)) AS silent FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE "
    "c.deal_value_minor >= {floor} AND c.archived = false AND COALESCE(c.last_interaction_at, c.created_at) < "
    "'{cutoff}' AND (c.next_contact_on IS NULL OR c.next_contact_on < '{today}') AND NOT EXISTS (SELECT 1 FROM "
    "task t WHERE t.contact_id = c.id AND t.done = false AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM"
    " deal d WHERE d.contact_id = c.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM "
    "pipeline_stage st WHERE st.outcome = 'open')) AND c.id IN (SELECT v.id FROM contact v WHERE "
    "v.deal_value_minor >= {floor} ORDER BY v.deal_value_minor DESC LIMIT {visit})"
)
_FORGOTTEN_BEST_CONTACT_PG = (
    "SELECT r.* FROM (SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at"
    " AS last_at, c.deal_value_minor AS value_minor, (CAST('{today}' AS date) - "
    "CAST(COALESCE(c.last_interaction_at, c.created_at) AS date)) AS silent FROM contact c LEFT JOIN company co "
    "ON co.id = c.company_id WHERE c.deal_value_minor >= {bound} AND c.archived = false AND "
    "COALESCE(c.last_interaction_at, c.created_at) < '{cutoff}' AND (c.next_contact_on IS NULL OR "
    "c.next_contact_on < '{today}') AND NOT EXISTS (SELECT 1 FROM task t WHERE t.contact_id = c.id AND t.done = "
    "false AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM deal d WHERE d.contact_id = c.id AND "
    "d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = "
    "'open'))) r WHERE COALESCE(r.value_minor, 0) * r.silent > 0 ORDER BY COALESCE(r.value_minor, 0) * r.silent "
    "DESC, r.silent DESC, r.kind DESC, r.name, r.id LIMIT {limit}"
)
_FORGOTTEN_BEST_COMPANY_PG = (
    "SELECT r.* FROM (SELECT 'company' AS kind, co.id, co.name, NULL AS company, NULL AS status, (SELECT "
    "max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p WHERE p.company_id = co.id) AS at "
    "UNION ALL SELECT co.last_interaction_at) n) AS last_at, co.deal_value_minor AS value_minor, (CAST('{today}' "
    "AS date) - CAST(COALESCE((SELECT max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p "
    "WHERE p.company_id = co.id) AS at UNION ALL SELECT co.last_interaction_at) n), co.created_at) AS date)) AS "
    "silent FROM company co WHERE co.deal_value_minor >= {bound} AND co.archived = false AND COALESCE((SELECT "
    "max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p WHERE p.company_id = co.id) AS at "
    "UNION ALL SELECT co.last_interaction_at) n), co.created_at) < '{cutoff}' AND NOT EXISTS (SELECT 1 FROM "
    "contact p WHERE p.company_id = co.id AND p.archived = false AND p.next_contact_on >= '{today}') AND NOT "
    "EXISTS (SELECT 1 FROM deal d WHERE d.company_id = co.id AND d.next_step_on >= '{today}' AND d.stage_id IN "
    "(SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open')) AND NOT EXISTS (SELECT 1 FROM task t WHERE "
    "t.company_id = co.id AND t.done = false AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM contact p "
    "JOIN task t ON t.contact_id = p.id WHERE p.company_id = co.id AND t.done = false AND t.due_on >= '{today}') "
    "AND NOT EXISTS (SELECT 1 FROM contact p JOIN deal d ON d.contact_id = p.id WHERE p.company_id = co.id AND "
    "d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = "
    "'open'))) r WHERE COALESCE(r.value_minor, 0) * r.silent > 0 ORDER BY COALESCE(r.value_minor, 0) * r.silent "
    "DESC, r.silent DESC, r.kind DESC, r.name, r.id LIMIT {limit}"
)
_FORGOTTEN_REST_PG = (
    "SELECT r.* FROM (SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at"
    " AS last_at, c.deal_value_minor AS value_minor, (CAST('{today}' AS date) - "
    "CAST(COALESCE(c.last_interaction_at, c.created_at) AS date)) AS silent FROM contact c LEFT JOIN company co "
    "ON co.id = c.company_id WHERE c.archived = false AND COALESCE(c.last_interaction_at, c.created_at) < "
    "'{cutoff}' AND (c.next_contact_on IS NULL OR c.next_contact_on < '{today}') AND c.id NOT IN (SELECT "
    "t.contact_id FROM task t WHERE t.done = false AND t.due_on >= '{today}' AND t.contact_id IS NOT NULL UNION "
    "SELECT d.contact_id FROM deal d WHERE d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM "
    "pipeline_stage st WHERE st.outcome = 'open') AND d.contact_id IS NOT NULL) UNION ALL SELECT 'company' AS "
    "kind, co.id, co.name, NULL AS company, NULL AS status, (SELECT max(n.at) FROM (SELECT (SELECT "
    "max(p.last_interaction_at) FROM contact p WHERE p.company_id = co.id) AS at UNION ALL SELECT "
    "co.last_interaction_at) n) AS last_at, co.deal_value_minor AS value_minor, (CAST('{today}' AS date) - "
    "CAST(COALESCE((SELECT max(n.at) FROM (SELECT (SELECT max(p.last_interaction_at) FROM contact p WHERE "
    "p.company_id = co.id) AS at UNION ALL SELECT co.last_interaction_at) n), co.created_at) AS date)) AS silent "
    "FROM company co WHERE co.archived = false AND COALESCE((SELECT max(n.at) FROM (SELECT (SELECT "
    "max(p.last_interaction_at) FROM contact p WHERE p.company_id = co.id) AS at UNION ALL SELECT "
    "co.last_interaction_at) n), co.created_at) < '{cutoff}' AND NOT EXISTS (SELECT 1 FROM contact p WHERE "
    "p.company_id = co.id AND p.archived = false AND p.next_contact_on >= '{today}') AND NOT EXISTS (SELECT 1 "
    "FROM deal d WHERE d.company_id = co.id AND d.next_step_on >= '{today}' AND d.stage_id IN (SELECT st.id FROM "
    "pipeline_stage st WHERE st.outcome = 'open')) AND NOT EXISTS (SELECT 1 FROM task t WHERE t.company_id = "
    "co.id AND t.done = false AND t.due_on >= '{today}') AND NOT EXISTS (SELECT 1 FROM contact p JOIN task t ON "
    "t.contact_id = p.id WHERE p.company_id = co.id AND t.done = false AND t.due_on >= '{today}') AND NOT EXISTS "
    "(SELECT 1 FROM contact p JOIN deal d ON d.contact_id = p.id WHERE p.company_id = co.id AND d.next_step_on >="
    " '{today}' AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open'))) r WHERE NOT "
    "(COALESCE(r.value_minor, 0) * r.silent > 0) ORDER BY COALESCE(r.value_minor, 0) * r.silent DESC, r.silent "
    "DESC, r.kind DESC, r.name, r.id LIMIT {limit}"
)
_FORGOTTEN_LONGEST_CONTACT_PG = (
    "SELECT (SELECT min(last_interaction_at) FROM contact), (SELECT min(created_at) FROM contact)"
)
_FORGOTTEN_LONGEST_COMPANY_PG = (
    "SELECT (SELECT min(last_interaction_at) FROM contact), (SELECT min(created_at) FROM company)"
)
_FORGOTTEN_COUNT_PG = (
    "SELECT (SELECT count(*) FROM contact c WHERE c.archived = false AND COALESCE(c.last_interaction_at, "
    "c.created_at) < '{cutoff}' AND (c.next_contact_on IS NULL OR c.next_contact_on < '{today}')) - (SELECT "
    "count(*) FROM contact c WHERE c.id IN (SELECT t.contact_id FROM task t WHERE t.done = false AND t.due_on >= "
    "'{today}' AND t.contact_id IS NOT NULL UNION SELECT d.contact_id FROM deal d WHERE d.next_step_on >= "
    "'{today}' AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open') AND d.contact_id"
    " IS NOT NULL) AND c.archived = false AND COALESCE(c.last_interaction_at, c.created_at) < '{cutoff}' AND "
    "(c.next_contact_on IS NULL OR c.next_contact_on < '{today}'))"
)

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
        ["due", "--limit", "50"],
        [
            "SELECT c.id, c.name, co.name, c.next_contact_on, c.next_contact_goal FROM contact c"
            " LEFT JOIN company co ON co.id = c.company_id WHERE c.archived = 0"
            " AND c.next_contact_on <= date('{today}', '+6 days')"
            " ORDER BY c.next_contact_on, COALESCE(c.next_contact_time, ''), c.name, c.id LIMIT 50",
            "SELECT t.id, t.title, t.due_on FROM task t WHERE t.done = 0 AND t.due_on <= date('{today}', '+6 days')"
            " ORDER BY t.due_on, t.id LIMIT 50",
            "SELECT d.id, d.title, d.next_step_on FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on <= date('{today}', '+6 days')"
            " ORDER BY d.next_step_on, d.id LIMIT 50",
            "SELECT c.id, c.name, c.birthday FROM contact c WHERE c.birthday_md"
            " BETWEEN substr('{today}', 6) AND substr(date('{today}', '+6 days'), 6) AND c.archived = 0"
            " ORDER BY c.birthday_md, c.id LIMIT 50",
        ],
        False,
    ),
    "forgotten": (["forgotten", "--limit", "50"], [FORGOTTEN], False),
    "remind": (
        ["remind"],
        [
            "SELECT c.id, c.name, co.name, c.next_contact_on, c.next_contact_goal FROM contact c"
            " LEFT JOIN company co ON co.id = c.company_id WHERE c.next_contact_on <= date('{today}', '-1 day')"
            " AND c.archived = 0 ORDER BY c.next_contact_on, COALESCE(c.next_contact_time, ''), c.name, c.id LIMIT 20",
            "SELECT count(*) FROM contact WHERE next_contact_on <= date('{today}', '-1 day') AND archived = 0",
            "SELECT t.id, t.title, t.due_on FROM task t WHERE t.done = 0 AND t.due_on < '{today}'"
            " ORDER BY t.due_on, t.id LIMIT 20",
            "SELECT d.id, d.title, d.next_step_on FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on < '{today}' ORDER BY d.next_step_on, d.id LIMIT 20",
            "SELECT c.id, c.name, co.name, c.next_contact_on, c.next_contact_goal FROM contact c"
            " LEFT JOIN company co ON co.id = c.company_id WHERE c.next_contact_on = '{today}' AND c.archived = 0"
            " ORDER BY COALESCE(c.next_contact_time, ''), c.name, c.id LIMIT 20",
            "SELECT c.id, c.name, c.birthday FROM contact c WHERE c.birthday_md = substr('{today}', 6)"
            " AND c.archived = 0",
            _FORGOTTEN_COUNT,
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
            "SELECT substr(d.won_on, 1, 7), d.currency, count(*), sum(d.amount_minor) FROM deal d"
            " JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won'"
            " AND d.won_on BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY 1, 2 ORDER BY 1, 2",
            "SELECT d.currency, count(*), sum(d.amount_minor) FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE s.outcome = 'won' AND d.won_on BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY d.currency",
            "SELECT count(*) FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE s.outcome = 'lost' AND d.lost_on BETWEEN '2026-01-01' AND '2026-12-31'",
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
    "ical export": (["ical", "export"], [ICAL], False),
    "export json": (["export", "json"], [EXPORT], False),
}


def export_json(conn: sqlite3.Connection, out: TextIO) -> None:
    """What `export json` does, bare: every data table, one JSON object per row, in rowid order."""
    conn.row_factory = sqlite3.Row
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '%fts%' AND name != 'alembic_version' ORDER BY name"
    )]  # fmt: skip
    out.write('{"format": "minicrm-database", "tables": {')
    for t, table in enumerate(tables):
        out.write(("," if t else "") + f"\n{json.dumps(table)}: [")
        for n, row in enumerate(conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')):
            out.write(("," if n else "") + "\n" + json.dumps(dict(row), ensure_ascii=False, default=str))
        out.write("]")
    out.write("}}\n")


def forgotten_rows(run: Any, *, postgres: bool = False, limit: int = 50) -> list[Any]:
    """What `minicrm forgotten --limit 50` runs, in its order (store.followups.forgotten._top_scored).

    `run(sql)` returns a statement's rows as tuples: kind, id, name, company, status, last_at, value_minor, silent.
    """
    sql = {n: globals()[n + ("_PG" if postgres else "")] for n in (
        "_FORGOTTEN_WALK", "_FORGOTTEN_BEST_CONTACT", "_FORGOTTEN_BEST_COMPANY", "_FORGOTTEN_REST",
        "_FORGOTTEN_LONGEST_CONTACT", "_FORGOTTEN_LONGEST_COMPANY")}  # fmt: skip
    values = {"today": TODAY, "cutoff": CUTOFF, "floor": 1, "limit": limit}

    def score(row: Any) -> int:
        return int(row[6]) * int(row[7])

    def nth(rows: list[Any]) -> int | None:
        return sorted(map(score, rows), reverse=True)[limit - 1] if len(rows) >= limit else None

    found: list[Any] = []
    longest: dict[str, int] = {}
    for kind in ("contact", "company"):
        best = nth(found)
        if best is None:  # only the first kind walks: minicrm's walk is of contacts when both kinds are asked
            best = nth(found + run(sql["_FORGOTTEN_WALK"].format(**values, visit=10 * limit)))
        bound = 1
        if best is not None:
            if not longest:
                for k in ("contact", "company"):
                    first = [str(m)[:10] for m in run(sql[f"_FORGOTTEN_LONGEST_{k.upper()}"])[0] if m is not None]
                    days = (date.fromisoformat(TODAY) - date.fromisoformat(min(first))).days if first else 1
                    longest[k] = max(1, days)
            bound = max(1, best // longest[kind])
        rows = run(sql[f"_FORGOTTEN_BEST_{kind.upper()}"].format(**values, bound=bound))
        found = sorted(found + rows, key=lambda r: (-score(r), -int(r[7]), r[0] != "contact"))[:limit]
    if len(found) < limit:
        found += run(sql["_FORGOTTEN_REST"].format(**values, limit=limit - len(found)))
    return found


def statements(name: str, busy: int) -> list[str]:
    return [s.format(busy=busy, today=TODAY, cutoff=CUTOFF) for s in CASES[name][1]]


# The floors' SQL on PostgreSQL: the statements above in the form minicrm's PostgreSQL dialect sends (booleans
# are booleans, `CAST(x AS date) + n` for date(x, '+n days'), `to_char` for month keys, tsvector search through
# migration 0002's minicrm_tsquery, string_agg for group_concat). `export json` is SQLite-only in minicrm.
_WEEK = "CAST('{today}' AS date) + 6"
_PG_SEARCH = (
    "SELECT c.id, c.name, co.name FROM (SELECT rowid AS fid, -ts_rank(tsv, minicrm_tsquery('anna')) AS rank"
    " FROM contact_fts WHERE tsv @@ minicrm_tsquery('anna')) f JOIN contact c ON c.id = f.fid"
    " LEFT JOIN company co ON co.id = c.company_id ORDER BY f.rank, c.id LIMIT 50",
    "SELECT c.id, c.name, c.city FROM (SELECT rowid AS fid, -ts_rank(tsv, minicrm_tsquery('anna')) AS rank"
    " FROM company_fts WHERE tsv @@ minicrm_tsquery('anna')) f JOIN company c ON c.id = f.fid"
    " ORDER BY f.rank, c.id LIMIT 50",
    "SELECT i.id, i.summary, i.kind FROM (SELECT rowid AS fid, -ts_rank(tsv, minicrm_tsquery('anna')) AS rank"
    " FROM interaction_fts WHERE tsv @@ minicrm_tsquery('anna')) f JOIN interaction i ON i.id = f.fid"
    " ORDER BY f.rank, i.id LIMIT 50",
)
PG_SQL: dict[str, list[str]] = {
    "help": [],
    "contact list": [
        "SELECT c.id, c.name, co.name, c.status,"
        " (SELECT string_agg(email, ', ') FROM contact_email WHERE contact_id = c.id),"
        " (SELECT string_agg(phone, ', ') FROM contact_phone WHERE contact_id = c.id),"
        " (SELECT string_agg(tag, ', ') FROM contact_tag WHERE contact_id = c.id),"
        " c.last_interaction_at, c.next_contact_on, c.next_contact_goal"
        " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.archived = false"
        " ORDER BY c.name_key, c.id LIMIT 50"
    ],
    "search": list(_PG_SEARCH),
    "contact show": CASES["contact show"][1],
    "timeline": CASES["timeline"][1],
    "due": [
        "SELECT c.id, c.name, co.name, c.next_contact_on, c.next_contact_goal FROM contact c"
        " LEFT JOIN company co ON co.id = c.company_id WHERE c.archived = false"
        f" AND c.next_contact_on <= {_WEEK}"
        " ORDER BY c.next_contact_on, COALESCE(c.next_contact_time, ''), c.name, c.id LIMIT 50",
        f"SELECT t.id, t.title, t.due_on FROM task t WHERE t.done = false AND t.due_on <= {_WEEK}"
        " ORDER BY t.due_on, t.id LIMIT 50",
        "SELECT d.id, d.title, d.next_step_on FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
        f" WHERE s.outcome = 'open' AND d.next_step_on <= {_WEEK} ORDER BY d.next_step_on, d.id LIMIT 50",
        "SELECT c.id, c.name, c.birthday FROM contact c WHERE c.birthday_md"
        f" BETWEEN to_char(CAST('{{today}}' AS date), 'MM-DD') AND to_char({_WEEK}, 'MM-DD') AND c.archived = false"
        " ORDER BY c.birthday_md, c.id LIMIT 50",
    ],
    "forgotten": [FORGOTTEN],
    "remind": [
        "SELECT c.id, c.name, co.name, c.next_contact_on, c.next_contact_goal FROM contact c"
        " LEFT JOIN company co ON co.id = c.company_id WHERE c.next_contact_on <= CAST('{today}' AS date) - 1"
        " AND c.archived = false ORDER BY c.next_contact_on, COALESCE(c.next_contact_time, ''), c.name, c.id"
        " LIMIT 20",
        "SELECT count(*) FROM contact WHERE next_contact_on <= CAST('{today}' AS date) - 1 AND archived = false",
        "SELECT t.id, t.title, t.due_on FROM task t WHERE t.done = false AND t.due_on < '{today}'"
        " ORDER BY t.due_on, t.id LIMIT 20",
        "SELECT d.id, d.title, d.next_step_on FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
        " WHERE s.outcome = 'open' AND d.next_step_on < '{today}' ORDER BY d.next_step_on, d.id LIMIT 20",
        "SELECT c.id, c.name, co.name, c.next_contact_on, c.next_contact_goal FROM contact c"
        " LEFT JOIN company co ON co.id = c.company_id WHERE c.next_contact_on = '{today}' AND c.archived = false"
        " ORDER BY COALESCE(c.next_contact_time, ''), c.name, c.id LIMIT 20",
        "SELECT c.id, c.name, c.birthday FROM contact c WHERE c.birthday_md = to_char(CAST('{today}' AS date),"
        " 'MM-DD') AND c.archived = false",
        _FORGOTTEN_COUNT_PG,
    ],
    "pipeline": CASES["pipeline"][1],
    "report sales": [
        "SELECT to_char(d.won_on, 'YYYY-MM'), d.currency, count(*), sum(d.amount_minor) FROM deal d"
        " JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won'"
        " AND d.won_on BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY 1, 2 ORDER BY 1, 2",
        *CASES["report sales"][1][1:],
    ],
    "log": [
        "INSERT INTO interaction (contact_id, kind, happened_at, summary, created_at)"
        " VALUES ({busy}, 'call', LOCALTIMESTAMP(0), 'Benchmark call', LOCALTIMESTAMP(0))",
        "UPDATE contact SET last_interaction_at = LOCALTIMESTAMP(0) WHERE id = {busy}",
    ],
    "ical export": [ICAL],
    "export json": [EXPORT],
}


def export_json_pg(conn: Any, out: TextIO) -> None:
    """`export_json` on PostgreSQL: every data table, one JSON object per row, in primary-key order."""
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name NOT LIKE '%fts%' AND table_name != 'alembic_version'"
        " ORDER BY table_name"
    )]  # fmt: skip
    out.write('{"format": "minicrm-database", "tables": {')
    for t, table in enumerate(tables):
        pk = [r[0] for r in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary"
            " ORDER BY array_position(i.indkey, a.attnum)", (table,))]  # fmt: skip
        order = ", ".join(f'"{c}"' for c in pk) or "1"
        out.write(("," if t else "") + f"\n{json.dumps(table)}: [")
        cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
        names = [d[0] for d in cur.description]
        for n, row in enumerate(cur):
            out.write(("," if n else "") + "\n" + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False,
                                                              default=str))  # fmt: skip
        out.write("]")
    out.write("}}\n")


def pg_statements(name: str, busy: int) -> list[str]:
    return [s.format(busy=busy, today=TODAY, cutoff=CUTOFF) for s in PG_SQL[name]]
