"""A realistic sample client base, so that a new user sees something at once."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from minicrm.errors import Conflict
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold
from minicrm.store.people.companies import create_company
from minicrm.store.people.contacts import create_contact
from minicrm.store.people.interactions import log_interaction

COMPANIES = [
    ("Acme, Inc.", "manufacturing", "Berlin", "Germany", "acme.example"),
    ("Müller & Söhne GmbH", "retail", "München", "Germany", "mueller-soehne.example"),
    ("ООО «Северный ветер»", "logistics", "Санкт-Петербург", "Russia", "sever-veter.example"),
    ("Café Olé", "hospitality", "Lyon", "France", "cafe-ole.example"),
    ("Nordlicht AB", "software", "Göteborg", "Sweden", "nordlicht.example"),
    ("Studio Łódź", "design", "Łódź", "Poland", "studio-lodz.example"),
    ("Zeta Consulting", "consulting", "London", "United Kingdom", "zeta.example"),
    ("Papelería José", "retail", "Sevilla", "Spain", "papeleria-jose.example"),
    ("Київ Софт", "software", "Київ", "Ukraine", "kyiv-soft.example"),
    ("Blue Harbor Ltd", "finance", "Dublin", "Ireland", "blueharbor.example"),
    ("Tanaka Trading", "wholesale", "Osaka", "Japan", "tanaka.example"),
    ("Øresund Energi", "energy", "København", "Denmark", "oresund.example"),
]

PEOPLE = [
    "Ada Lovelace",
    "Иван Петров",
    "José Álvarez",
    "Zoë Müller",
    "Łukasz Nowak",
    "François Dupont",
    "Анна Смирнова",
    "Björn Andersson",
    "Søren Kierkegaard",
    "Олена Коваленко",
    "Grace Hopper",
    "Ahmet Yılmaz",
    "Renée Lefèvre",
    "Jürgen Schmidt",
    "María José García",
    "Дмитрий Соколов",
    "Linus Torvalds",
    "Chloé Martin",
    "Марина Иванова",
    "Hiroshi Tanaka",
    "Ingrid Bergman",
    "Paweł Kowalski",
    "Núria Puig",
    "Tomás Ruiz",
    "Siobhán Murphy",
    "Αλέξανδρος Παπαδόπουλος",
    "Radia Perlman",
    "Тарас Шевченко",
    "Agnès Varda",
    "Malin Åkesson",
    "Émile Zola",
    "Ольга Кузнецова",
    "Barbara Liskov",
    "Jörg Weber",
    "Inès Moreau",
    "Sergei Brin",
    "Camille Saint-Saëns",
    "Юлия Морозова",
    "Niamh O'Brien",
    "Frida Kahlo",
    "Katarzyna Wiśniewska",
    "Ólafur Arnalds",
    "Hedy Lamarr",
    "Андрей Волков",
    "Lotte Jensen",
    "Dolores Ibárruri",
    "Margaret Hamilton",
    "Wojciech Zieliński",
    "Héloïse Bernard",
    "Ксения Лебедева",
]

STATUSES = ["client"] * 5 + ["lead"] * 3 + ["partner", "supplier", "former-client"]
SOURCES = ["referral", "website", "conference", "cold call", "linkedin", None]
TAGS = ["vip", "newsletter", "hot", "eu", "partner-network", "design"]
SUMMARIES = {
    "call": ["Discussed the renewal", "Checked in after delivery", "Quarterly review call", "Pricing questions"],
    "email": ["Sent the proposal", "Follow-up on the invoice", "Shared the case study", "Answered support question"],
    "meeting": ["Kick-off meeting", "Workshop on requirements", "Lunch at their office", "Demo of the new version"],
    "message": ["Quick question on delivery date", "Thanks for the referral"],
    "letter": ["Contract signed and sent back"],
    "note": ["Prefers calls in the morning", "Budget approved for next year"],
    "visit": ["Visited their warehouse"],
    "order": ["Ordered 20 licences", "Repeat order"],
    "greeting": ["Birthday wishes", "Season's greetings"],
}

#: The sample base is data, like the names above: it is not translated (the same demo in every language).
TASK_TITLE = "Prepare the offer"


def is_empty(session: Session) -> bool:
    return not session.scalar("SELECT count(*) FROM contact") and not session.scalar("SELECT count(*) FROM company")


def fill(session: Session, *, today: date, seed: int = 7) -> dict[str, int]:
    """Fill an empty database with a sample; refuses one that holds data."""
    if not is_empty(session):
        raise Conflict(_("the database already holds data; demo fills only an empty one (use --db NEW.db)"))
    rng = random.Random(seed)
    start = datetime.combine(today - timedelta(days=365), time(9, 0))
    now = datetime.combine(today, time(8, 0))
    counts = {"companies": 0, "contacts": 0, "interactions": 0, "deals": 0}
    with session.write():
        company_ids = []
        for name, industry, city, country, site in COMPANIES:
            company_ids.append(
                create_company(
                    session,
                    name=name,
                    now=start,
                    industry=industry,
                    city=city,
                    country=country,
                    website=f"https://{site}",
                    tags=rng.sample(TAGS, rng.randint(0, 2)),
                )
            )
            counts["companies"] += 1
        contact_ids = []
        for index, name in enumerate(PEOPLE):
            company = COMPANIES[index % len(COMPANIES)][0] if index % 7 else None
            first = name.split()[0].lower()
            local = "".join(ch for ch in fold(first) if ch.isascii() and ch.isalpha()) or f"contact{index}"
            domain = COMPANIES[index % len(COMPANIES)][4] if company else "mail.example"
            birthday = None
            if index % 3 == 0:
                bday = date(1960 + index % 35, 1 + index % 12, 1 + (index * 7) % 28)
                birthday = bday.isoformat() if index % 2 else f"--{bday:%m-%d}"
            saved = create_contact(
                session,
                name=name,
                now=start + timedelta(days=index),
                emails=[f"{local}.{index}@{domain}"],
                phones=[f"+49 30 {1000000 + index * 7919 % 8999999}"] if index % 4 else [],
                company=company,
                status=rng.choice(STATUSES),
                tags=rng.sample(TAGS, rng.randint(0, 2)),
                role=rng.choice(["CEO", "CTO", "Buyer", "Office manager", "Designer", None]),
                source=rng.choice(SOURCES),
                birthday=birthday,
                cadence_days=rng.choice([None, None, 14, 30, 90]),
            )
            contact_ids.append(saved.id)
            counts["contacts"] += 1
        silent = set(rng.sample(contact_ids, 6))  # never contacted
        for contact_id in contact_ids:
            if contact_id in silent:
                continue
            day = start + timedelta(days=rng.randint(0, 60))
            quiet_from = today - timedelta(days=rng.choice([5, 20, 60, 120, 200, 400]))
            while day.date() < min(today, quiet_from):
                kind = rng.choice(list(SUMMARIES))
                log_interaction(
                    session,
                    contact_id=contact_id,
                    kind=kind,
                    summary=rng.choice(SUMMARIES[kind]),
                    happened_at=day.replace(hour=rng.randint(8, 18), minute=rng.choice([0, 15, 30, 45])),
                    now=now,
                    direction=rng.choice(["in", "out", "out"]),
                    duration_min=rng.choice([None, 15, 30, 60]) if kind in ("call", "meeting") else None,
                )
                counts["interactions"] += 1
                day += timedelta(days=rng.randint(7, 70))
        for contact_id in rng.sample(contact_ids, 12):
            session.execute(
                "UPDATE contact SET next_contact_on = ?, next_contact_goal = ?, next_contact_auto = ? WHERE id = ?",
                (
                    today + timedelta(days=rng.randint(-10, 20)),
                    rng.choice(["send proposal", "ask for feedback", "renewal", "invite to the workshop"]),
                    False,
                    contact_id,
                ),
            )
        counts["deals"] = _deals(session, rng, contact_ids, today=today, now=now)
        counts["deals"] += _lost_client_and_dates(session, today=today)
        counts["interactions"] += _typed_fields(session, company_ids, contact_ids, now=now)
        team = _sales_team(session, random.Random(seed * 31 + 20), company_ids, contact_ids, today=today, now=now)
        counts = {key: counts.get(key, 0) + team.get(key, 0) for key in [*counts, *team]}
    return counts


#: Company -> (region, turnover): typed fields and regions of the demo (#20).
TURNOVERS = ["2 400 000", "850 000", "12 000 000", "310 000", "4 750 000", "95 000", "1 200 000", "60 000",
             "540 000", "33 000 000", "7 800 000", "18 500 000"]  # fmt: skip
REGIONS = ["North", "South", "East", "West"]


def _typed_fields(session: Session, company_ids: list[int], contact_ids: list[int], *, now: datetime) -> int:
    """A number field on companies (turnover), a choice on contacts (region), companies' regions, and one
    interaction logged with a company itself (the day before its people's last one, so that no list moves)."""
    from minicrm.store.people.field_types import define_field, store_fields

    define_field(session, "turnover", type="number", entity="company", now=now)
    define_field(session, "region", type="choice", entity="contact", choices=REGIONS, now=now)
    for index, company_id in enumerate(company_ids):
        store_fields(session, "company", company_id, {"turnover": TURNOVERS[index % len(TURNOVERS)]}, now=now)
        session.execute("UPDATE company SET region = ? WHERE id = ?", (REGIONS[index % 4], company_id))
    for index, contact_id in enumerate(contact_ids):
        if index % 5 != 4:  # some have none
            store_fields(session, "contact", contact_id, {"region": REGIONS[(index * 3) % 4]}, now=now)
    last = session.one(
        "SELECT co.id, max(c.last_interaction_at) AS last_at FROM company co JOIN contact c ON c.company_id = co.id"
        " WHERE co.name = 'Tanaka Trading' GROUP BY co.id"
    )
    if last is None or last["last_at"] is None:
        return 0
    at = last["last_at"] if isinstance(last["last_at"], datetime) else datetime.fromisoformat(last["last_at"])
    log_interaction(session, contact_id=None, company_id=last["id"], kind="call", direction="in",
                    summary="Reception asked who handles the Osaka account", happened_at=at - timedelta(days=1),
                    now=now, duration_min=5)  # fmt: skip
    return 1


def _deals(session: Session, rng: random.Random, contact_ids: list[int], *, today: date, now: datetime) -> int:
    from decimal import Decimal

    from minicrm.store.sales.deals import create_deal, lose_deal, move_deal, win_deal
    from minicrm.store.sales.tasks import create_task

    titles = ["Website redesign", "Annual support", "Licences 2027", "Consulting package", "Training day", "Migration"]
    ladder = ["lead", "qualified", "proposal", "negotiation"]
    count = 0
    for contact_id in rng.sample(contact_ids, 20):
        created = now - timedelta(days=rng.randint(40, 300))
        steps = rng.randint(0, 3)
        fate = rng.choice(["open", "open", "won", "lost"])
        deal_id = create_deal(
            session,
            title=rng.choice(titles),
            now=created,
            contact_id=contact_id,
            amount=Decimal(rng.choice([1200, 2500, 4800, 9900, 15000, 32000])),
            currency=rng.choice(["EUR", "EUR", "EUR", "USD"]),
            expected_close=today + timedelta(days=rng.randint(5, 120)),
            next_step=rng.choice(["send quote", "call the buyer", "demo"]),
            next_step_on=today + timedelta(days=rng.randint(-3, 14)),
            products=[("Consulting day", Decimal(rng.randint(1, 5)), Decimal("850.00"))] if rng.random() < 0.4 else (),
        )
        moment = created
        for stage in ladder[1 : steps + 1]:
            moment += timedelta(days=rng.randint(3, 12))
            move_deal(session, deal_id, stage, now=moment)
        moment += timedelta(days=rng.randint(3, 20))
        if fate == "won":
            win_deal(session, deal_id, on=moment.date(), now=moment)
        elif fate == "lost":
            lose_deal(session, deal_id, reason=rng.choice(["price", "timing", "went with a competitor"]), now=moment)
        elif rng.random() < 0.5:
            create_task(session, title=TASK_TITLE, now=now, deal_id=deal_id,
                        due_on=today + timedelta(days=rng.randint(-2, 10)))  # fmt: skip
        count += 1
    return count


def _lost_client_and_dates(session: Session, *, today: date) -> int:
    """A lost client for `report lost` (the company silent the longest bought twice, in two currencies, more than a
    year ago) and dates to greet 8 to 13 days ahead for `report greetings` (past the dashboard's week of due items).
    Returns the deals added."""
    from decimal import Decimal

    from minicrm.store.people.contact_dates import add_date
    from minicrm.store.sales.deals import create_deal, win_deal

    company = session.one(
        "SELECT co.id, max(i.happened_at) AS last_at FROM company co JOIN interaction i ON i.company_id = co.id"
        " GROUP BY co.id ORDER BY max(i.happened_at), co.id LIMIT 1"
    )
    assert company is not None  # the demo logs interactions for most companies
    last_at = company["last_at"] if isinstance(company["last_at"], datetime) else datetime.fromisoformat(
        str(company["last_at"]))  # fmt: skip
    won = min(last_at.date(), today - timedelta(days=400)) - timedelta(days=20)
    for title, amount, currency, days_before in (("Fleet licences", "18400", "EUR", 0), ("Pilot", "4000", "USD", 90)):
        on = won - timedelta(days=days_before)
        moment = datetime.combine(on - timedelta(days=30), time(10, 0))
        deal_id = create_deal(session, title=title, now=moment, company_id=company["id"], amount=Decimal(amount),
                              currency=currency)  # fmt: skip
        win_deal(session, deal_id, on=on, now=datetime.combine(on, time(16, 0)))
    people = [r["id"] for r in session.all("SELECT id FROM contact WHERE archived = ? ORDER BY id LIMIT 4", (False,))]
    now = datetime.combine(today, time(8, 0))
    for contact_id, label, offset, year, yearly in zip(
        people,
        ("Wedding anniversary", "Name day", "Company founded", "Contract renewal"),
        (9, 11, 13, 40),
        (2012, None, 1998, today.year),
        (True, True, True, False),
        strict=True,
    ):
        day = today + timedelta(days=offset)
        add_date(session, contact_id, label=label, month=day.month, day=day.day,
                 year=None if year is None else (day.year if not yearly else year), yearly=yearly, now=now)  # fmt: skip
    return 2


#: The sales team of the demo (#20): who owns what, and each one's plan for the month.
TEAM = [("Maria Rossi", "maria@demo.example"), ("Tom Becker", "tom@demo.example"), ("Yuki Sato", "yuki@demo.example")]


def _sales_team(session: Session, rng: random.Random, company_ids: list[int], contact_ids: list[int], *, today: date,
                now: datetime) -> dict[str, int]:  # fmt: skip
    """Three users owning the companies, contacts, deals and interactions in turn, some calls, meetings and won deals
    this month, a plan per user for this month and the team's for this quarter (its own random stream, so the rest
    of the demo stays as it was)."""
    from decimal import Decimal

    from minicrm.store.people.users import add_user
    from minicrm.store.sales.deals import create_deal, win_deal
    from minicrm.store.sales.plans import plan_period, set_plan

    users = [add_user(session, name, email=email, now=now).id for name, email in TEAM]
    for n, company_id in enumerate(company_ids):
        session.execute("UPDATE company SET owner_id = ? WHERE id = ?", (users[n % len(users)], company_id))
    for n, contact_id in enumerate(contact_ids):
        session.execute(
            "UPDATE contact SET owner_id = COALESCE((SELECT co.owner_id FROM company co"
            " WHERE co.id = contact.company_id), ?) WHERE id = ?",
            (users[n % len(users)], contact_id),
        )
    # deals and interactions: the contact's owner, else the company's
    for table, column in (("deal", "owner_id"), ("interaction", "logged_by")):
        session.execute(
            f"UPDATE {table} SET {column} = COALESCE((SELECT c.owner_id FROM contact c"
            f" WHERE c.id = {table}.contact_id), (SELECT co.owner_id FROM company co WHERE co.id = {table}.company_id))"
        )
    first = today.replace(day=1)
    days = max(1, (today - first).days)  # this month so far (before today)
    logged = won = 0
    for n, user in enumerate(users):
        mine = session.all("SELECT id FROM contact WHERE owner_id = ? ORDER BY id", (user,))
        people = [r["id"] for r in mine] or contact_ids
        for k in range(6 + 3 * n):
            kind = "call" if k % 3 else "meeting"
            log_interaction(session, contact_id=rng.choice(people), kind=kind, summary=rng.choice(SUMMARIES[kind]),
                            happened_at=datetime.combine(first + timedelta(days=rng.randrange(days)), time(10 + k % 7)),
                            now=now, user_id=user, direction="out", duration_min=rng.choice([15, 30, 60]))  # fmt: skip
            logged += 1
        for _i in range(n + 1):
            on = first + timedelta(days=rng.randrange(days))
            deal_id = create_deal(session, title=rng.choice(["Licences 2027", "Annual support", "Training day"]),
                                  now=datetime.combine(on, time(9)), contact_id=rng.choice(people), owner_id=user,
                                  amount=Decimal(rng.choice([2400, 4800, 7500, 12000])), currency="EUR")  # fmt: skip
            win_deal(session, deal_id, on=on, now=datetime.combine(on, time(16)), user_id=user)
            won += 1
    month = plan_period(f"{today:%Y-%m}", today=today)
    for n, user in enumerate(users):
        targets = {"deals": 2 + n, "new_clients": 1, "calls": 10 + 2 * n, "meetings": 4, "interactions": 30}
        set_plan(session, user_id=user, period=month, now=now, revenue=Decimal(15000 + 5000 * n), currency="EUR",
                 targets=targets)  # fmt: skip
    quarter = plan_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}", today=today)
    set_plan(session, user_id=None, period=quarter, now=now, revenue=Decimal(150000), currency="EUR",
             targets={"deals": 20, "new_clients": 6, "calls": 120, "meetings": 40, "interactions": 300})  # fmt: skip
    return {"users": len(users), "interactions": logged, "deals": won}
