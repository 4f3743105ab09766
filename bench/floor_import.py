"""The bare floor for `import csv`: stdlib Python doing what minicrm does to bench/gen.py's file, as plainly as it goes.

The same work (#18: the earlier floor skipped the matching, and wrote 100,000 contacts where minicrm, merging the
same person met twice, writes 95,686): every cell stripped, names' whitespace collapsed, e-mails and phones
checked, their keys made (lower-cased e-mail, phone digits), names and companies folded (case and accents),
tags split and normalised; each row matched against the contacts already in the database (e-mail, phone with
the same name, name with the same company: the keys looked up 500 at a time) and against the file's earlier
rows, a repeated person merged into the first row; then in one transaction (foreign keys on, WAL,
synchronous=FULL, as minicrm opens the file): the new companies and their search rows, the contacts with ids
given, their e-mails, phones and tags, minicrm's cadence-date statement, the search rows of the new contacts
(the same text: ё folded) and one audit row. No plan items, no CLI, everything held in memory.
"""

import csv
import json
import re
import sqlite3
import sys
import unicodedata
from datetime import datetime

db, path = sys.argv[1], sys.argv[2]
YO = str.maketrans({"ё": "е", "Ё": "Е"})
NOT_DIGIT = re.compile(r"\D")
SPLIT_TAGS = re.compile(r"[,;]|:::")
CADENCE = (  # minicrm's fill_cadence_dates for the new contacts (store/people/cadence.py), as it sends it
    "UPDATE contact AS c SET next_contact_on = date(date(COALESCE(c.last_interaction_at, c.created_at)), '+' ||"
    " (COALESCE(NULLIF(c.cadence_days, 0), (SELECT min(r.days) FROM contact_tag t JOIN cadence_rule r ON r.scope ="
    " 'tag:' || t.tag  WHERE t.contact_id = c.id), (SELECT r.days FROM cadence_rule r WHERE r.scope = 'company:' ||"
    " c.company_id), (SELECT NULLIF(co.cadence_days, 0) FROM company co WHERE co.id = c.company_id), (SELECT r.days"
    " FROM cadence_rule r WHERE r.scope = 'default'))) || ' days'), next_contact_auto = 1 WHERE c.next_contact_on"
    " IS NULL AND (c.id >= ?) AND COALESCE(NULLIF(c.cadence_days, 0), (SELECT min(r.days) FROM contact_tag t JOIN"
    " cadence_rule r ON r.scope = 'tag:' || t.tag  WHERE t.contact_id = c.id), (SELECT r.days FROM cadence_rule r"
    " WHERE r.scope = 'company:' || c.company_id), (SELECT NULLIF(co.cadence_days, 0) FROM company co WHERE co.id ="
    " c.company_id), (SELECT r.days FROM cadence_rule r WHERE r.scope = 'default')) IS NOT NULL"
)


def fold(text):
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def cell(value):
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value.strip()


def fts(text):
    return text.translate(YO) if text else text


def looked_up(conn, sql, keys):
    found = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for key, cid in conn.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk):
            found.setdefault(key, cid)
    return found


conn = sqlite3.connect(db, isolation_level=None, timeout=15)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=FULL")
conn.execute("PRAGMA foreign_keys=ON")
conn.create_function("minicrm_fts", 1, fts, deterministic=True)
now = datetime.now().isoformat(" ", "seconds")

# Read, check and normalise every row.
rows = []  # [name, name_key, company, [(email, key)], [(phone, key)], {tags}, line]
with open(path, newline="", encoding="utf-8") as fh:
    reader = csv.reader(fh)
    header = [h.strip().lower() for h in next(reader)]
    at = {h: i for i, h in enumerate(header)}
    for line, cells in enumerate(reader, 2):
        name = " ".join(cell(cells[at["name"]]).split())
        email = cell(cells[at["email"]])
        local, _, domain = email.rpartition("@")
        if not (local and "." in domain and domain[0] != "." and len(email.split()) == 1):
            sys.exit(f"line {line}: invalid email {email!r}")
        phone = " ".join(cell(cells[at["phone"]]).split())
        digits = NOT_DIGIT.sub("", phone)
        digits = digits[2:] if phone.startswith("00") else digits
        if len(digits) < 3:
            sys.exit(f"line {line}: invalid phone {phone!r}")
        company = " ".join(cell(cells[at["company"]]).split()) or None
        tags = {" ".join(t.strip().lower().split()) for t in SPLIT_TAGS.split(cell(cells[at["tags"]])) if t.strip()}
        rows.append([name, fold(name), company, [(email, email.lower())], [(phone, digits)], tags, line])

conn.execute("BEGIN IMMEDIATE")
# Who is who: the database first, then the file's earlier rows.
emails = looked_up(conn, "SELECT email_key, contact_id FROM contact_email WHERE email_key IN ({marks})",
                   {r[3][0][1] for r in rows})  # fmt: skip
phones = looked_up(conn, "SELECT p.phone_key || '|' || c.name_key, p.contact_id FROM contact_phone p JOIN contact c"
                   " ON c.id = p.contact_id WHERE p.phone_key IN ({marks})", {r[4][0][1] for r in rows})  # fmt: skip
names = looked_up(conn, "SELECT c.name_key || '|' || coalesce(co.name_key, ''), c.id FROM contact c LEFT JOIN company"
                  " co ON co.id = c.company_id WHERE c.name_key IN ({marks})", {r[1] for r in rows})  # fmt: skip
first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM contact").fetchone()[0]
creates, earlier, updates = [], {}, 0
for r in rows:
    keys = [r[3][0][1], f"{r[4][0][1]}|{r[1]}", f"{r[1]}|{fold(r[2]) if r[2] else ''}"]
    if keys[0] in emails or keys[1] in phones or keys[2] in names:
        updates += 1  # (none in this file: its people are new)
        continue
    into = next((earlier[k] for k in keys if k in earlier), None)
    if into is None:
        into = r
        creates.append(r)
    else:  # the same person again: what the first row lacks
        into[3] += [e for e in r[3] if e[1] not in {k for _, k in into[3]}]
        into[4] += [p for p in r[4] if p[1] not in {k for _, k in into[4]}]
        into[5] |= r[5]
        into[2] = into[2] or r[2]
    for k in keys:
        earlier.setdefault(k, into)

companies = dict(conn.execute("SELECT name_key, id FROM company"))
last_company = conn.execute("SELECT coalesce(max(id), 0) FROM company").fetchone()[0]
new_companies = {}
for r in creates:
    if r[2] and fold(r[2]) not in companies:
        new_companies.setdefault(fold(r[2]), r[2])
conn.executemany(
    "INSERT INTO company (name, name_key, archived, created_at, updated_at, revision) VALUES (?, ?, 0, ?, ?, 1)",
    [(name, key, now, now) for key, name in new_companies.items()],
)
companies.update(conn.execute("SELECT name_key, id FROM company WHERE id > ?", (last_company,)))
conn.execute(
    "INSERT INTO company_fts (rowid, name, industry, city, website, notes, tags) SELECT id, minicrm_fts(name),"
    " minicrm_fts(industry), minicrm_fts(city), website, minicrm_fts(notes), NULL FROM company WHERE id > ?",
    (last_company,),
)
contact_rows, email_rows, phone_rows, tag_rows = [], [], [], []
for cid, r in enumerate(creates, first):
    contact_rows.append((cid, r[0], r[1], companies[fold(r[2])] if r[2] else None, "lead", now, now))
    email_rows += [(cid, e, k, pos) for pos, (e, k) in enumerate(r[3])]
    phone_rows += [(cid, p, k, pos) for pos, (p, k) in enumerate(r[4])]
    tag_rows += [(cid, t) for t in sorted(r[5])]
conn.executemany(
    "INSERT INTO contact (id, name, name_key, company_id, status, next_contact_auto, archived, created_at, updated_at,"
    " revision) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, 1)",
    contact_rows,
)
conn.executemany("INSERT INTO contact_email (contact_id, email, email_key, position) VALUES (?, ?, ?, ?)", email_rows)
conn.executemany("INSERT INTO contact_phone (contact_id, phone, phone_key, position) VALUES (?, ?, ?, ?)", phone_rows)
conn.executemany("INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", tag_rows)
conn.execute(CADENCE, (first,))
conn.execute(
    "INSERT INTO contact_fts (rowid, name, emails, phones, company, notes, tags) SELECT c.id, minicrm_fts(c.name),"
    " (SELECT group_concat(email, ' ') FROM contact_email WHERE contact_id = c.id),"
    " (SELECT group_concat(phone, ' ') FROM contact_phone WHERE contact_id = c.id), minicrm_fts(co.name),"
    " minicrm_fts(c.notes), minicrm_fts((SELECT group_concat(tag, ' ') FROM contact_tag WHERE contact_id = c.id))"
    " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id >= ?",
    (first,),
)
conn.execute(
    "INSERT INTO audit_log (at, user_id, entity, entity_id, action, changes)"
    " VALUES (?, NULL, 'import', ?, 'create', ?)",
    (now, first, json.dumps({"created": [None, len(creates)], "updated": [None, updates]})),
)
conn.execute("COMMIT")
print(f"created {len(creates)}, merged {len(rows) - len(creates) - updates}, new companies {len(new_companies)}")
