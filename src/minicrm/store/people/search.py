"""Full-text search, kept in step by the service layer.

SQLite: FTS5 (`unicode61 remove_diacritics 2`). PostgreSQL: tables of the same names with a generated
tsvector column (migration 0002). `matching()` is the only place where the two differ.
"""

from __future__ import annotations

from minicrm.store.core.db import Session
from minicrm.store.core.dialect import SEARCH_TABLES, fold_search
from minicrm.store.core.records import SearchHit
from minicrm.store.core.text import fts_query


def _contact_columns(session: Session) -> str:
    """The SELECT list of a contact's search row (its text folded as `Dialect.fts_text` says)."""
    f = session.dialect.fts_text
    tags = "(SELECT group_concat(tag, ' ') FROM contact_tag WHERE contact_id = c.id)"
    return (
        f" SELECT c.id, {f('c.name')},"
        " (SELECT group_concat(email, ' ') FROM contact_email WHERE contact_id = c.id),"
        " (SELECT group_concat(phone, ' ') FROM contact_phone WHERE contact_id = c.id),"
        f" {f('co.name')}, {f('c.notes')},"
        f" {f(tags)}"
    )


def _company_columns(session: Session) -> str:
    f = session.dialect.fts_text
    tags = "(SELECT group_concat(tag, ' ') FROM company_tag WHERE company_id = c.id)"
    return f" SELECT c.id, {f('c.name')}, {f('c.industry')}, {f('c.city')}, c.website, {f('c.notes')}, {f(tags)}"


def index_contact(session: Session, contact_id: int) -> None:
    session.execute("DELETE FROM contact_fts WHERE rowid = ?", (contact_id,))
    session.execute(
        "INSERT INTO contact_fts (rowid, name, emails, phones, company, notes, tags)"
        + _contact_columns(session)
        + " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id = ?",
        (contact_id,),
    )


def unindex_contact(session: Session, contact_id: int) -> None:
    session.execute("DELETE FROM contact_fts WHERE rowid = ?", (contact_id,))
    session.execute(
        "DELETE FROM interaction_fts WHERE rowid IN (SELECT id FROM interaction WHERE contact_id = ?)", (contact_id,)
    )


def index_company(session: Session, company_id: int) -> None:
    session.execute("DELETE FROM company_fts WHERE rowid = ?", (company_id,))
    session.execute(
        "INSERT INTO company_fts (rowid, name, industry, city, website, notes, tags)"
        + _company_columns(session)
        + " FROM company c WHERE c.id = ?",
        (company_id,),
    )
    for row in session.all("SELECT id FROM contact WHERE company_id = ?", (company_id,)):
        index_contact(session, row["id"])


def unindex_company(session: Session, company_id: int) -> None:
    session.execute("DELETE FROM company_fts WHERE rowid = ?", (company_id,))


def unindex_company_interactions(session: Session, company_id: int) -> None:
    """Forget the interactions logged with company `company_id` alone (no person)."""
    session.execute(
        "DELETE FROM interaction_fts WHERE rowid IN"
        " (SELECT id FROM interaction WHERE company_id = ? AND contact_id IS NULL)",
        (company_id,),
    )


def index_interaction(session: Session, interaction_id: int, summary: str, body: str | None) -> None:
    session.execute("DELETE FROM interaction_fts WHERE rowid = ?", (interaction_id,))
    session.execute(
        "INSERT INTO interaction_fts (rowid, summary, body) VALUES (?, ?, ?)",
        (interaction_id, fold_search(summary), fold_search(body) or ""),
    )


def rebuild(session: Session) -> None:
    """Refill every search table from the data, in bulk (after an import)."""
    body = "coalesce(body, '')"
    with session.write():
        for table in ("contact_fts", "company_fts", "interaction_fts"):
            session.execute(f"DELETE FROM {table}")
        session.execute(
            "INSERT INTO contact_fts (rowid, name, emails, phones, company, notes, tags)"
            + _contact_columns(session)
            + " FROM contact c LEFT JOIN company co ON co.id = c.company_id"
        )
        session.execute(
            "INSERT INTO company_fts (rowid, name, industry, city, website, notes, tags)"
            + _company_columns(session)
            + " FROM company c"
        )
        session.execute(
            "INSERT INTO interaction_fts (rowid, summary, body)"
            f" SELECT id, {session.dialect.fts_text('summary')}, {session.dialect.fts_text(body)} FROM interaction"
        )


def matching(session: Session, table: str, query: str) -> tuple[str, list[str]] | None:
    """SQL selecting `fid, rank` of the rows of search table `table` matching every word of `query`.

    Every word is a prefix; case and accents are ignored (`иван` finds `Иван`, `jose` finds `José`).
    A lower rank is a better match. None when `query` has no word. The one place where SQLite (FTS5
    MATCH, bm25 rank) and PostgreSQL (tsvector @@ tsquery, see migration 0002) differ: see `Dialect.fts_match`.
    """
    if table not in SEARCH_TABLES:
        raise ValueError(f"not a search table: {table}")
    match = fts_query(query)
    if not match:
        return None
    return session.dialect.fts_match(table, query, match)


def search(session: Session, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Contacts, companies and interactions matching every word of `query` (prefixes), best first."""
    contacts = matching(session, "contact_fts", query)
    if contacts is None:
        return []
    companies = matching(session, "company_fts", query)
    interactions = matching(session, "interaction_fts", query)
    assert companies is not None and interactions is not None
    hits: list[SearchHit] = []
    for row in session.all(
        f"SELECT c.id, c.name, co.name AS company, c.archived FROM ({contacts[0]}) f JOIN contact c ON c.id = f.fid"
        " LEFT JOIN company co ON co.id = c.company_id ORDER BY f.rank, c.id LIMIT ?",
        [*contacts[1], limit],
    ):
        hits.append(SearchHit("contact", row["id"], row["name"], row["company"], row["id"]))
    for row in session.all(
        f"SELECT c.id, c.name, c.city FROM ({companies[0]}) f JOIN company c ON c.id = f.fid"
        " ORDER BY f.rank, c.id LIMIT ?",
        [*companies[1], limit],
    ):
        hits.append(SearchHit("company", row["id"], row["name"], row["city"]))
    for row in session.all(
        f"SELECT i.id, i.summary, i.kind, i.happened_at, i.contact_id, coalesce(c.name, co.name) AS name"
        f" FROM ({interactions[0]}) f JOIN interaction i ON i.id = f.fid LEFT JOIN contact c ON c.id = i.contact_id"
        " LEFT JOIN company co ON co.id = i.company_id ORDER BY f.rank, i.id LIMIT ?",
        [*interactions[1], limit],
    ):
        when = row["happened_at"].date().isoformat() if row["happened_at"] else ""
        hits.append(
            SearchHit(
                "interaction", row["id"], row["summary"], f"{row['kind']} {when} {row['name']}", row["contact_id"]
            )
        )
    return hits[:limit]


# -- bulk (imports, bulk tagging) --------------------------------------------------------------


def _id_table(session: Session, name: str, ids: list[int]) -> None:
    session.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY)")
    session.execute(f"DELETE FROM {name}")
    session.executemany(f"INSERT INTO {name} (id) VALUES (?) ON CONFLICT DO NOTHING", [(i,) for i in ids])


def index_contacts_bulk(session: Session, contact_ids: list[int]) -> None:
    """Re-index many contacts with two statements (instead of two per contact)."""
    _id_table(session, "_reindex_ids", contact_ids)
    session.execute("DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM _reindex_ids)")
    session.execute(
        "INSERT INTO contact_fts (rowid, name, emails, phones, company, notes, tags)"
        + _contact_columns(session)
        + " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id IN (SELECT id FROM _reindex_ids)"
    )
    session.execute("DELETE FROM _reindex_ids")


def index_new_contacts(session: Session, first_id: int) -> None:
    """Index the contacts from `first_id` on, which have no search row yet (a bulk load's new contacts)."""
    session.execute(
        "INSERT INTO contact_fts (rowid, name, emails, phones, company, notes, tags)"
        + _contact_columns(session)
        + " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id >= ?",
        (first_id,),
    )


def index_companies_bulk(session: Session, company_ids: list[int]) -> None:
    """Index many companies (their contacts are not re-indexed: use for new companies)."""
    _id_table(session, "_reindex_ids", company_ids)
    session.execute("DELETE FROM company_fts WHERE rowid IN (SELECT id FROM _reindex_ids)")
    session.execute(
        "INSERT INTO company_fts (rowid, name, industry, city, website, notes, tags)"
        + _company_columns(session)
        + " FROM company c WHERE c.id IN (SELECT id FROM _reindex_ids)"
    )
    session.execute("DELETE FROM _reindex_ids")
