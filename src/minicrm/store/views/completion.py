"""Shell completion candidates: names, tags, kinds and stages that start with what was typed.

A completion runs on every Tab, so each look-up is one indexed range scan with a LIMIT: names by their
case- and accent-blind `name_key` (`ad` finds `Ada Lovelace` and `Adèle`), tags by the lower-cased `tag`
column. A range (`key >= 'ad' AND key < 'ae'`) rather than `LIKE 'ad%'`, which neither SQLite (LIKE ignores
case) nor PostgreSQL (outside the C collation) can answer from a plain index. Kinds and stages are a few
rows each. A value holding a control character is never offered: it would reach the terminal raw.
"""

from __future__ import annotations

from collections.abc import Callable

from minicrm.cells import has_control
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold

#: Candidates per answer: a shell shows no more than a screenful anyway.
LIMIT = 50

#: The tables whose `name` / `name_key` columns complete a REF or a name.
NAME_TABLES = {
    "contact": "contact",
    "company": "company",
    "campaign": "campaign",
    "segment": "saved_segment",
    "user": "app_user",
}


def _upper_bound(key: str) -> str:
    """The smallest string after every string that starts with `key` (its last character, plus one)."""
    last = ord(key[-1])
    return key[:-1] + chr(last + 1) if last < 0x10FFFF else key + "\U0010ffff"


def _where_prefix(column: str, key: str) -> tuple[str, list[str]]:
    if not key:
        return "", []
    return f" WHERE {column} >= ? AND {column} < ?", [key, _upper_bound(key)]


def _shown(values: list[str]) -> list[str]:
    """Distinct values, in order, without those a terminal must not receive."""
    return [v for v in dict.fromkeys(values) if v and not has_control(v)]


def names(session: Session, what: str, prefix: str, *, limit: int = LIMIT) -> list[str]:
    """Names of `what` (contact, company, campaign, segment, user) whose folded name starts with `prefix`."""
    table = NAME_TABLES[what]
    key = fold(prefix)
    if key and prefix[-1].isspace():
        key += " "  # `Ada ` (bash offered `Ada\ `): the next word, not `Adalbert`
    where, params = _where_prefix("name_key", key)
    # one name per key: ten `Anna Brown`s are one candidate (the REF then lists their ids)
    rows = session.all(
        f"SELECT min(name) FROM {table}{where} GROUP BY name_key ORDER BY name_key LIMIT ?", [*params, limit]
    )
    return _shown([row[0] for row in rows])


def tags(session: Session, what: str, prefix: str, *, limit: int = LIMIT) -> list[str]:
    """Tags of contacts (`what` = contact) or companies that start with `prefix` (tags are lower-case)."""
    table = {"contact": "contact_tag", "company": "company_tag"}[what]
    where, params = _where_prefix("tag", prefix.lower().lstrip())
    rows = session.all(f"SELECT DISTINCT tag FROM {table}{where} ORDER BY tag LIMIT ?", [*params, limit])
    return _shown([row[0] for row in rows])


def _small_table(session: Session, sql: str, prefix: str, limit: int) -> list[str]:
    key = prefix.casefold()
    values = [row[0] for row in session.all(sql, [limit]) if row[0].casefold().startswith(key)]
    return _shown(values)


def kinds(session: Session, prefix: str, *, limit: int = LIMIT) -> list[str]:
    """Interaction kinds (call, email, ...) in their configured order."""
    return _small_table(session, "SELECT name FROM interaction_kind ORDER BY position, name LIMIT ?", prefix, limit)


def stages(session: Session, prefix: str, *, limit: int = LIMIT) -> list[str]:
    """Pipeline stages in funnel order."""
    return _small_table(session, "SELECT name FROM pipeline_stage ORDER BY position, id LIMIT ?", prefix, limit)


def _names_of(what: str) -> Callable[[Session, str], list[str]]:
    def look_up(session: Session, prefix: str) -> list[str]:
        return names(session, what, prefix)

    return look_up


def _tags_of(what: str) -> Callable[[Session, str], list[str]]:
    def look_up(session: Session, prefix: str) -> list[str]:
        return tags(session, what, prefix)

    return look_up


#: What a parameter completes (see minicrm.completion.rules) -> the look-up.
SOURCES: dict[str, Callable[[Session, str], list[str]]] = {
    **{what: _names_of(what) for what in NAME_TABLES},
    "contact-tag": _tags_of("contact"),
    "company-tag": _tags_of("company"),
    "kind": kinds,
    "stage": stages,
}


def candidates(session: Session, source: str, prefix: str) -> list[str]:
    """The values of `source` (a key of SOURCES) that start with `prefix`, at most LIMIT."""
    return SOURCES[source](session, prefix)
