"""Seeded generator of realistic minicrm databases (S, M, L) and a CSV of contacts for import.

It creates the schema with minicrm's own migrations and fills it through the store's Session with bulk
inserts, then rebuilds the search index in bulk. ~30% non-ASCII names, skewed activity (lognormal),
~45% never-contacted clients, interaction ids that follow time.

    python bench/gen.py --scale M [--out DIR] [--seed 42]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minicrm.store.core import migrate
from minicrm.store.core.db import Database
from minicrm.store.core.text import fold, phone_key
from minicrm.store.people import cadence, search
from minicrm.store.sales import deal_values

SCALES = {"S": (1_000, 10_000, 500), "M": (10_000, 100_000, 5_000), "L": (100_000, 1_000_000, 50_000)}
TODAY = date(2026, 11, 22)
FIRST = ["Anna", "John", "Maria", "Peter", "Laura", "Mark", "Sofia", "David", "Emma", "Lucas", "Olivia", "Noah"]
LAST = ["Smith", "Brown", "Taylor", "Wilson", "Martin", "Clark", "Lewis", "Walker", "Young", "King", "Wright"]
FIRST_X = ["Иван", "Анна", "Ольга", "Дмитрий", "José", "Zoë", "François", "Łukasz", "Søren", "Renée", "Jürgen", "Олена"]
LAST_X = ["Петров", "Смирнова", "Álvarez", "Müller", "Nowak", "Dupont", "Kierkegaard", "Коваленко", "Lefèvre", "Ibáñez"]
INDUSTRIES = ["software", "retail", "logistics", "finance", "design", "energy", "consulting", "manufacturing"]
CITIES = ["Berlin", "München", "Paris", "Lyon", "London", "Madrid", "Sevilla", "Warszawa", "Київ", "Санкт-Петербург"]
KINDS = ["call", "email", "meeting", "message", "note", "visit", "order"]
SUMMARIES = [
    "Discussed the renewal",
    "Sent the proposal",
    "Checked in",
    "Demo of the new version",
    "Invoice question",
    "Quarterly review",
    "Lunch meeting",
    "Support request",
    "Order confirmed",
    "Follow-up on quote",
]
STATUSES = ["client"] * 5 + ["lead"] * 3 + ["partner", "supplier", "former-client"]
TAGS = ["vip", "newsletter", "hot", "eu", "partner-network", "design", "b2b", "b2c"]


def name(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{rng.choice(FIRST_X)} {rng.choice(LAST_X)}"
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def generate(path: Path, scale: str, seed: int = 42) -> dict[str, float]:
    contacts, interactions, deals = SCALES[scale]
    companies = max(contacts // 10, 10)
    rng = random.Random(seed)
    if path.exists():
        path.unlink()
    db = Database(path)
    t0 = time.perf_counter()
    migrate.upgrade(db)
    session = db.connect()
    now = datetime.combine(TODAY, datetime.min.time()).replace(hour=8)
    start = now - timedelta(days=3 * 365)
    with session.write():
        session.executemany(
            "INSERT INTO company (id, name, name_key, industry, city, archived, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            [
                (
                    i,
                    f"Company {i} {rng.choice(['GmbH', 'Ltd', 'SA', 'ООО', 'AB'])}",
                    fold(f"company {i}"),
                    rng.choice(INDUSTRIES),
                    rng.choice(CITIES),
                    False,
                    start,
                    start,
                )
                for i in range(1, companies + 1)
            ],
        )
        # Activity weights: lognormal, ~45% never contacted.
        weights = [0.0 if rng.random() < 0.45 else rng.lognormvariate(0, 1.3) for _ in range(contacts)]
        total = sum(weights)
        counts = [min(int(w / total * interactions), 700) for w in weights]
        spare = interactions - sum(counts)
        active = [i for i, w in enumerate(weights) if w > 0]
        for i in rng.choices(active, k=spare):
            counts[i] += 1
        contact_rows, email_rows, phone_rows, tag_rows = [], [], [], []
        for cid in range(1, contacts + 1):
            n = name(rng)
            created = start + timedelta(minutes=cid)
            nxt = None
            if rng.random() < 0.25:
                nxt = TODAY + timedelta(days=rng.randint(-30, 90))
            bday = f"--{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.3 else None
            contact_rows.append(
                (
                    cid,
                    n,
                    fold(n),
                    rng.randint(1, companies) if rng.random() < 0.7 else None,
                    rng.choice(STATUSES),
                    bday,
                    bday[-5:] if bday else None,
                    nxt,
                    "follow up" if nxt else None,
                    False,
                    rng.choice([None, None, None, 14, 30, 90]),
                    False,
                    created,
                    created,
                )
            )
            if rng.random() < 0.9:
                email = f"{fold(n).replace(' ', '.')}.{cid}@example.org"
                email_rows.append((cid, email, email.lower(), 0))
            if rng.random() < 0.7:
                phone = f"+49 30 {1000000 + cid * 7919 % 9000000:07d}"  # distinct per contact
                phone_rows.append((cid, phone, phone_key(phone), 0))
            for tag in rng.sample(TAGS, rng.choice([0, 0, 1, 2])):
                tag_rows.append((cid, tag))
        session.executemany(
            "INSERT INTO contact (id, name, name_key, company_id, status, birthday, birthday_md, next_contact_on,"
            " next_contact_goal, next_contact_auto, cadence_days, archived, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            contact_rows,
        )
        session.executemany(
            "INSERT INTO contact_email (contact_id, email, email_key, position) VALUES (?, ?, ?, ?)", email_rows
        )
        session.executemany(
            "INSERT INTO contact_phone (contact_id, phone, phone_key, position) VALUES (?, ?, ?, ?)", phone_rows
        )
        session.executemany("INSERT INTO contact_tag (contact_id, tag) VALUES (?, ?)", tag_rows)
        # Interactions in time order (ids follow time), last_interaction_at kept per contact (internal kinds not).
        span = int((now - start).total_seconds())
        events = []
        company_of = {row[0]: row[3] for row in contact_rows}
        for index, count in enumerate(counts):
            cid = index + 1
            for _ in range(count):
                events.append((rng.randrange(span), cid))
        events.sort()
        last: dict[int, datetime] = {}
        rows = []
        internal = {r["name"] for r in session.all("SELECT name FROM interaction_kind WHERE internal = ?", (True,))}
        for offset, cid in events:
            at = start + timedelta(seconds=offset)
            kind = rng.choice(KINDS)
            if kind not in internal:  # a note is not contact with the client: it moves no last contact
                last[cid] = at
            rows.append(
                (
                    cid,
                    company_of[cid],
                    kind,
                    rng.choice(["in", "out"]),
                    at.replace(microsecond=0),
                    rng.choice(SUMMARIES),
                    at.replace(microsecond=0),
                )
            )
            if len(rows) >= 50_000:
                _insert_interactions(session, rows)
                rows = []
        _insert_interactions(session, rows)
        session.executemany(
            "UPDATE contact SET last_interaction_at = ? WHERE id = ?",
            [(at.replace(microsecond=0), cid) for cid, at in last.items()],
        )
        stages = [
            (r["id"], r["outcome"]) for r in session.all("SELECT id, outcome FROM pipeline_stage ORDER BY position")
        ]
        deal_rows = []
        for did in range(1, deals + 1):
            stage, outcome = rng.choice(stages)
            created = start + timedelta(days=rng.randint(0, 1000))
            closed = min(created.date() + timedelta(days=rng.randint(5, 200)), TODAY)
            open_step = outcome == "open" and rng.random() < 0.6
            deal_rows.append(
                (
                    did,
                    f"Deal {did}",
                    rng.randint(1, contacts),
                    rng.randint(1, companies) if rng.random() < 0.7 else None,
                    rng.randint(5, 500) * 10000,
                    rng.choice(["EUR", "EUR", "EUR", "USD"]),
                    stage,
                    TODAY + timedelta(days=rng.randint(-200, 200)),
                    closed if outcome == "won" else None,
                    closed if outcome == "lost" else None,
                    "Call back" if open_step else None,
                    TODAY + timedelta(days=rng.randint(-30, 60)) if open_step else None,
                    created,
                    created,
                )
            )
        session.executemany(
            "INSERT INTO deal (id, title, contact_id, company_id, amount_minor, currency, stage_id, expected_close,"
            " won_on, lost_on, next_step, next_step_on, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            deal_rows,
        )
        deal_values.refresh_all_deal_values(session)  # as the deal functions keep them
        task_rows = []
        for tid in range(1, contacts // 10 + 1):  # open and done to-dos around today
            created = datetime.combine(TODAY - timedelta(days=rng.randint(1, 90)), datetime.min.time())
            task_rows.append(
                (tid, rng.choice(["Send quote", "Call back", "Prepare demo", "Invoice"]), rng.randint(1, contacts),
                 TODAY + timedelta(days=rng.randint(-60, 60)), rng.random() < 0.3, created, created)
            )  # fmt: skip
        session.executemany(
            "INSERT INTO task (id, title, contact_id, due_on, done, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            task_rows,
        )
        session.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_today', ?)", (TODAY.isoformat(),))
        cadence.fill_cadence_dates(session)  # as the store keeps them: a contact with a cadence has a next day
    search.rebuild(session)
    session.execute("ANALYZE")
    session.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    return {"seconds": time.perf_counter() - t0}


def _insert_interactions(session, rows) -> None:
    session.executemany(
        "INSERT INTO interaction (contact_id, company_id, kind, direction, happened_at, summary, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def import_csv(path: Path, rows: int = 100_000, seed: int = 7) -> None:
    """A CSV of fresh contacts in the plain-spreadsheet shape minicrm's importer understands."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["name", "email", "phone", "company", "tags"])
        for i in range(rows):
            n = name(rng)
            out.writerow(
                [
                    n,
                    f"imp.{i}@example.net",
                    f"+33 1 {10000000 + i * 7919 % 90000000:08d}",  # distinct: one phone is one person
                    f"Import Co {rng.randint(1, 5000)}",
                    rng.choice(["", "vip", "newsletter"]),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="S")
    parser.add_argument("--out", type=Path, default=Path("/tmp/minicrm-bench"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.out / f"minicrm-{args.scale}.db"
    info = generate(db, args.scale, args.seed)
    import_csv(args.out / "import-100000.csv")
    print(f"{db}: generated in {info['seconds']:.1f} s ({db.stat().st_size / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
