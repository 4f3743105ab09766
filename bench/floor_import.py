"""The bare floor for `import csv`: csv module + executemany in one transaction + FTS filled in bulk.

The same rows as `minicrm import csv` writes for bench/gen.py's file: contacts, e-mails, phones, tags, new
companies, and both search indexes (contact_fts with its tags, company_fts for the new companies); no
duplicate matching, validation, audit or cadence dates.
"""

import csv
import re
import sqlite3
import sys
import unicodedata
from datetime import datetime


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None, timeout=15)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=FULL")
now = datetime.now().isoformat(" ", "seconds")
conn.execute("BEGIN IMMEDIATE")
companies = {row[1]: row[0] for row in conn.execute("SELECT id, name_key FROM company")}
last_company = conn.execute("SELECT coalesce(max(id), 0) FROM company").fetchone()[0]
next_id = conn.execute("SELECT coalesce(max(id), 0) FROM contact").fetchone()[0] + 1
first_new = next_id
contacts, emails, phones, tags, new_companies = [], [], [], [], []
with open(path, newline="", encoding="utf-8") as fh:
    for row in csv.DictReader(fh):
        key = fold(row["company"])
        if key not in companies:
            companies[key] = None
            new_companies.append((row["company"], key, now, now))
        contacts.append((next_id, row["name"], fold(row["name"]), row["company"], "lead", now, now))
        emails.append((next_id, row["email"], row["email"].lower()))
        phones.append((next_id, row["phone"], re.sub(r"\D", "", row["phone"])))
        if row["tags"]:
            tags.append((next_id, row["tags"]))
        next_id += 1
conn.executemany(
    "INSERT INTO company (name, name_key, archived, created_at, updated_at, revision) VALUES (?, ?, 0, ?, ?, 1)",
    new_companies,
)
ids = {row[1]: row[0] for row in conn.execute("SELECT id, name_key FROM company")}
conn.execute(
    "INSERT INTO company_fts (rowid, name, industry, city, website, notes, tags)"
    " SELECT id, name, industry, city, website, notes, NULL FROM company WHERE id > ?",
    (last_company,),
)
conn.executemany(
    "INSERT INTO contact (id, name, name_key, company_id, status, next_contact_auto, archived, created_at, updated_at,"
    " revision) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, 1)",
    [(c[0], c[1], c[2], ids[fold(c[3])], c[4], c[5], c[6]) for c in contacts],
)
conn.executemany("INSERT INTO contact_email (contact_id, email, email_key, position) VALUES (?, ?, ?, 0)", emails)
conn.executemany("INSERT INTO contact_phone (contact_id, phone, phone_key, position) VALUES (?, ?, ?, 0)", phones)
conn.executemany("INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)", tags)
conn.execute(
    "INSERT INTO contact_fts (rowid, name, emails, phones, company, notes, tags)"
    " SELECT c.id, c.name, e.email, p.phone, co.name, c.notes, t.tag FROM contact c"
    " LEFT JOIN contact_email e ON e.contact_id = c.id LEFT JOIN contact_phone p ON p.contact_id = c.id"
    " LEFT JOIN contact_tag t ON t.contact_id = c.id LEFT JOIN company co ON co.id = c.company_id WHERE c.id >= ?",
    (first_new,),
)
conn.execute("COMMIT")
print(f"imported {len(contacts)}")
