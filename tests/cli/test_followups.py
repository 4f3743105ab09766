"""`minicrm due`, `forgotten`, `remind` and `cadence`, with today fixed at Sunday 2026-11-22.

Tasks, deals and important dates have no commands on this branch (issue 4 writes them), so those rows are
inserted with plain SQL in the tests' setup (`sql()` below); everything else goes through the CLI.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from conftest import execute, insert, scalar
from minicrm.store.core.db import Database
from minicrm.store.sales.deal_values import refresh_deal_values


def sql(target, statement: str, params: tuple = ()) -> int:
    """An INSERT in its own transaction; returns the new row's id."""
    return insert(target, statement, params)


def add_task(target, title, due_on, *, contact_id=None, done=False, assignee_id=None) -> int:
    return sql(
        target,
        "INSERT INTO task (title, due_on, contact_id, done, assignee_id, created_at, updated_at, revision)"
        " VALUES (?, ?, ?, ?, ?, '2026-11-01 09:00:00', '2026-11-01 09:00:00', 1)",
        (title, due_on, contact_id, done, assignee_id),
    )


def add_deal(target, title, *, stage="proposal", contact_id=None, company_id=None, amount=0, step=None, step_on=None):
    deal_id = sql(
        target,
        "INSERT INTO deal (title, contact_id, company_id, amount_minor, currency, stage_id, next_step, next_step_on,"
        " created_at, updated_at, revision)"
        " VALUES (?, ?, ?, ?, 'EUR', (SELECT id FROM pipeline_stage WHERE name = ?), ?, ?,"
        " '2026-11-01 09:00:00', '2026-11-01 09:00:00', 1)",
        (title, contact_id, company_id, amount * 100, stage, step, step_on),
    )
    with Database(target).connect() as session, session.write():  # as the deal functions keep them
        refresh_deal_values(session, contact_ids=[contact_id], company_ids=[company_id])
    return deal_id


def show(cli, ref):
    return cli.ok("contact", "show", ref, "-f", "json").json()


@pytest.fixture
def queue(cli, db_target):
    """Contacts with every kind of item around today (2026-11-22)."""
    cli.ok(
        "contact",
        "add",
        "Ada Lovelace",
        "--company",
        "Analytical Engines",
        "--next",
        "2026-11-20",
        "--goal",
        "send proposal",
    )
    cli.ok("contact", "add", "Bob Babbage", "--next", "2026-11-25 15:00", "--goal", "demo")
    cli.ok("contact", "add", "Carl Gauss", "--birthday", "1984-11-24")
    cli.ok("contact", "add", "Dora Archived", "--next", "2026-11-21", "--birthday", "--11-23")
    cli.ok("contact", "archive", "dora")
    add_task(db_target, "Prepare the demo", "2026-11-21", contact_id=2)
    add_task(db_target, "Already done", "2026-11-19", contact_id=2, done=True)
    add_task(db_target, "Archived person's task", "2026-11-20", contact_id=4)
    add_task(db_target, "Far away", "2026-12-30", contact_id=2)
    add_deal(db_target, "Engine", contact_id=1, amount=12000, step="call the CFO", step_on="2026-11-23")
    add_deal(db_target, "Won already", stage="won", contact_id=1, step="old step", step_on="2026-11-22")
    sql(
        db_target,
        "INSERT INTO contact_date (contact_id, label, value, md, yearly) VALUES (3, 'Contract renewal',"
        " '2020-11-26', '11-26', TRUE)",
    )
    return cli


def test_due_is_one_queue_overdue_first(queue):
    items = queue.ok("due", "-f", "json").json()
    got = [(i["kind"], i["on"], i["contact"], i["title"], i["days_overdue"]) for i in items]
    assert got == [
        ("follow-up", "2026-11-20", "Ada Lovelace", "send proposal", 2),
        ("task", "2026-11-21", "Bob Babbage", "Prepare the demo", 1),
        ("deal", "2026-11-23", "Ada Lovelace", "call the CFO", 0),
        ("birthday", "2026-11-24", "Carl Gauss", "Birthday (turns 42)", 0),
        ("follow-up", "2026-11-25", "Bob Babbage", "demo", 0),
        ("date", "2026-11-26", "Carl Gauss", "Contract renewal (6 years)", 0),
    ]
    first = items[0]
    assert first["company"] == "Analytical Engines" and first["overdue"] is True and first["ref_id"] == 1
    assert "overdue by 2 days" in first["reason"]
    assert items[4]["time"] == "15:00"
    assert "deal 'Engine'" in items[2]["reason"] and "12000.00 EUR" in items[2]["reason"]
    table = queue.ok("due").stdout
    assert "send proposal" in table and "Dora" not in table and "Already done" not in table


def test_due_windows_and_filters(queue):
    overdue = queue.ok("due", "--overdue", "-f", "json").json()
    assert [i["title"] for i in overdue] == ["send proposal", "Prepare the demo"]
    today_only = queue.ok("due", "--within", "1d", "-f", "json").json()
    assert [i["on"] for i in today_only] == ["2026-11-20", "2026-11-21"]
    until = queue.ok("due", "--until", "2026-11-24", "-f", "json").json()
    assert until[-1]["kind"] == "birthday"
    month = queue.ok("due", "--within", "6w", "-f", "json").json()
    assert "Far away" in [i["title"] for i in month]
    assert [i["kind"] for i in queue.ok("due", "--kind", "task,deal", "-f", "json").json()] == ["task", "deal"]
    assert len(queue.ok("due", "--limit", "2", "-f", "json").json()) == 2


def test_due_owner_filter(cli, acting):
    cli.ok("contact", "add", "Mine", "--owner", "alice", "--next", "2026-11-23")
    cli.ok("contact", "add", "Theirs", "--owner", "bob", "--next", "2026-11-23")
    assert [i["contact"] for i in acting("alice").ok("due", "--owner", "me", "-f", "json").json()] == ["Mine"]
    assert [i["contact"] for i in cli.ok("due", "--owner", "bob", "-f", "json").json()] == ["Theirs"]
    assert len(cli.ok("due", "--owner", "all", "-f", "json").json()) == 2


def test_due_year_end_window_and_leap_day_birthdays(cli):
    cli.ok("contact", "add", "New Year", "--birthday", "1990-01-02")
    cli.ok("contact", "add", "Leap", "--birthday", "2004-02-29")
    cli.ok("contact", "add", "Yearless", "--birthday", "--12-31")
    items = cli.ok("--today", "2026-12-30", "due", "--within", "1w", "-f", "json").json()
    assert [(i["contact"], i["on"], i["title"]) for i in items] == [
        ("Yearless", "2026-12-31", "Birthday"),
        ("New Year", "2027-01-02", "Birthday (turns 37)"),
    ]
    leap = cli.ok("--today", "2027-02-27", "due", "--within", "3d", "-f", "json").json()
    assert [(i["contact"], i["on"]) for i in leap] == [("Leap", "2027-03-01")]


def test_due_empty_and_bad_input(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    res = cli.ok("due")
    assert res.stdout == "" and "nothing due until 2026-11-28" in res.stderr
    assert cli.ok("due", "-f", "json").json() == []
    cli.fails("due", "--within", "soon", code=2, match="span 'soon'")
    cli.fails("due", "--until", "31.02.2026", code=2, match="31.02.2026")
    cli.fails("due", "--until", "2026-11-01", code=2, match="before today")
    cli.fails("due", "--within", "2d", "--until", "2026-12-01", code=2, match="either --within or --until")
    cli.fails("due", "--kind", "meeting", code=2, match="unknown kind 'meeting'")
    cli.fails("due", "--owner", "nobody", code=1, match="no user named 'nobody'")


# -- cadence --------------------------------------------------------------------------------------


def test_cadence_most_specific_wins_and_rules_reschedule(cli, db_target):
    cli.ok("company", "add", "Acme")
    cli.ok("contact", "add", "Ada Vip", "--company", "Acme", "--tag", "vip")
    cli.ok("contact", "add", "Bob Acme", "--company", "Acme")
    cli.ok("contact", "add", "Carl Own", "--company", "Acme", "--tag", "vip", "--every", "7d")
    cli.ok("contact", "add", "Dan Nobody")
    cli.ok("contact", "add", "Eve Byhand", "--tag", "vip", "--next", "2026-12-01", "--goal", "contract")
    cli.ok("contact", "add", "Fred Two Tags", "--tag", "vip", "--tag", "hot")

    res = cli.ok("cadence", "set", "default", "60d")
    assert "4 next-contact dates recomputed" in res.stderr  # Ada, Bob, Dan, Fred: Carl has his own, Eve by hand
    cli.ok("cadence", "set", "company:acme", "30d")
    cli.ok("cadence", "set", "tag:VIP", "2w")
    cli.ok("cadence", "set", "tag:hot", "5d")
    expect = {
        "Ada Vip": ("2026-12-06", 14),  # tag beats company
        "Bob Acme": ("2026-12-22", 30),  # company rule beats default
        "Carl Own": ("2026-11-29", 7),  # own beats tag
        "Dan Nobody": ("2027-01-21", 60),  # default
        "Eve Byhand": ("2026-12-01", 14),  # a date set by hand is never moved by a rule
        "Fred Two Tags": ("2026-11-27", 5),  # the shortest tag cadence
    }
    for name, (on, days) in expect.items():
        card = show(cli, name)
        assert (card["next_contact_on"], card["effective_cadence_days"]) == (on, days), name
    assert show(cli, "eve")["next_contact_goal"] == "contract"

    # logging an interaction moves the next date by the inherited cadence
    cli.ok("log", "bob", "call", "Catch-up", "--at", "2026-11-22 10:00")
    assert show(cli, "bob")["next_contact_on"] == "2026-12-22"
    # removing the company rule falls back to the default, from the last interaction
    res = cli.ok("cadence", "unset", "company:Acme")
    assert show(cli, "bob")["next_contact_on"] == "2027-01-21"
    assert show(cli, "ada")["next_contact_on"] == "2026-12-06"
    cli.ok("cadence", "unset", "default")
    assert show(cli, "dan")["next_contact_on"] is None
    assert show(cli, "bob")["next_contact_on"] is None

    rules = cli.ok("cadence", "list", "-f", "json").json()
    assert [(r["scope"], r["days"], r["contacts"]) for r in rules] == [("tag:hot", 5, 1), ("tag:vip", 14, 4)]
    own = cli.ok("cadence", "list", "--contacts", "-f", "json").json()
    assert ("contact:3", 7, "Carl Own") in [(r["scope"], r["days"], r["target"]) for r in own]
    audit = scalar(
        db_target, "SELECT count(*) FROM audit_log WHERE entity = 'contact' AND changes LIKE '%\"cadence\"%'"
    )
    assert audit >= 8


def test_cadence_for_one_contact_and_errors(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("log", "ada", "call", "Hello", "--at", "2026-11-10 09:00")
    cli.ok("cadence", "set", "contact:ada", "10d")
    card = show(cli, "ada")
    assert (card["cadence_days"], card["next_contact_on"]) == (10, "2026-11-20")
    assert cli.ok("due", "--overdue", "-f", "json").json()[0]["days_overdue"] == 2
    cli.ok("cadence", "unset", "contact:ada")
    assert show(cli, "ada")["next_contact_on"] is None
    cli.fails("cadence", "set", "tag:vip", "0d", code=2, match="at least 1 day")
    cli.fails("cadence", "set", "tag:vip", "often", code=2, match="span 'often'")
    cli.fails("cadence", "set", "group:x", "14d", code=2, match="invalid cadence scope 'group:x'")
    cli.fails("cadence", "set", "company:Nope", "14d", code=1, match="no company matches 'Nope'")
    cli.fails("cadence", "unset", "tag:vip", code=1, match="no cadence rule for 'tag:vip'")
    cli.fails("cadence", "unset", "contact:ada", code=1, match="has no cadence of its own")


def test_every_write_that_gives_a_cadence_stores_the_date(cli, tmp_path):
    """`due` reads only the stored next day, so each way of coming under a cadence must store it."""

    def stored(name):
        return show(cli, name)["next_contact_on"]

    cli.ok("cadence", "set", "tag:vip", "14d")
    cli.ok("contact", "add", "Ada Lovelace", "--tag", "vip")  # created under a tag rule
    assert stored("ada") == "2026-12-06"
    cli.ok("log", "ada", "call", "Long ago", "--at", "2026-10-01 10:00", "--next", "2026-10-05")
    cli.ok("next", "ada", "--clear")  # the hand-set date goes, the cadence takes over
    items = cli.ok("due", "-f", "json").json()
    assert [(i["kind"], i["on"], i["days_overdue"]) for i in items] == [("follow-up", "2026-10-15", 38)]
    assert "every 14 days, last contact 2026-10-01" in items[0]["reason"]
    cli.ok("contact", "add", "Bob Builder")
    assert stored("bob") is None
    cli.ok("contact", "edit", "bob", "--tag", "vip")  # tagged later
    assert stored("bob") == "2026-12-06"
    cli.ok("company", "add", "Acme")
    cli.ok("contact", "add", "Carl Acme", "--company", "Acme")
    cli.ok("company", "edit", "Acme", "--every", "30d")  # the company's own cadence
    assert stored("carl") == "2026-12-22"
    cli.ok("company", "delete", "Acme", "--yes")
    assert stored("carl") is None
    cli.ok("cadence", "set", "default", "60d")
    (tmp_path / "in.csv").write_text("Name,E-mail\nDora Import,dora@example.org\n", encoding="utf-8")
    cli.ok("import", "csv", str(tmp_path / "in.csv"))
    assert stored("dora") == "2027-01-21"
    assert stored("carl") == "2027-01-21"


# -- forgotten --------------------------------------------------------------------------------------


@pytest.fixture
def silent(cli, db_target):
    cli.ok("company", "add", "Acme")
    cli.ok("contact", "add", "Ada Client", "--status", "client", "--company", "Acme", "--tag", "vip")
    cli.ok("log", "ada", "call", "Last call", "--at", "2026-07-01 10:00")  # 144 days
    cli.ok("contact", "add", "Bob Recent", "--status", "client")
    cli.ok("log", "bob", "call", "Recent", "--at", "2026-10-01 10:00")  # 52 days
    cli.ok("contact", "add", "Carl Never", "--status", "lead", today="2026-08-20")  # silent 94 days since added
    cli.ok("contact", "add", "Dora Archived", "--status", "client")
    cli.ok("contact", "archive", "dora")
    cli.ok("contact", "add", "Eve Planned", "--status", "client")
    cli.ok("log", "eve planned", "call", "Old", "--at", "2026-05-06 10:00", "--next", "2026-12-01")
    cli.ok("contact", "add", "Fay Tasked", "--status", "client")
    cli.ok("log", "fay", "call", "Old", "--at", "2026-07-25 10:00")  # 120 days
    add_task(db_target, "Send the catalogue", "2026-12-05", contact_id=6)
    cli.ok("contact", "add", "Gus Rich", "--status", "client")
    cli.ok("log", "gus", "call", "Old", "--at", "2026-08-14 10:00")  # 100 days
    return cli


def test_forgotten_lists_silent_and_never_contacted(silent):
    rows = silent.ok("forgotten", "-f", "json").json()
    got = [(r["kind"], r["name"], r["days_silent"], r["never_contacted"]) for r in rows]
    # ranked by days silent while there are no deals; never-contacted ones count from their creation (today)
    assert got == [
        ("contact", "Ada Client", 144, False),
        ("company", "Acme", 144, False),
        ("contact", "Gus Rich", 100, False),
        ("contact", "Carl Never", None, True),
    ]
    assert rows[0]["last_interaction_at"] == "2026-07-01T10:00:00" and rows[0]["status"] == "client"
    assert rows[0]["company"] == "Acme" and rows[0]["value"] is None
    table = silent.ok("forgotten").stdout
    assert "never contacted" in table and "Dora" not in table and "Eve" not in table and "Fay" not in table


def test_forgotten_ranks_by_value_once_deals_exist(silent, db_target):
    add_deal(db_target, "Big", contact_id=7, amount=5000)  # Gus: 5000 x 100 days
    add_deal(db_target, "Small", contact_id=1, amount=100, stage="won")  # Ada: 100 x 144 days
    add_deal(db_target, "Lost", contact_id=1, amount=90000, stage="lost")  # lost deals do not count
    rows = silent.ok("forgotten", "--kind", "contact", "-f", "json").json()
    assert [(r["name"], r["value"]) for r in rows] == [
        ("Gus Rich", "5000.00"),
        ("Ada Client", "100.00"),
        ("Carl Never", None),
    ]
    assert [r["name"] for r in silent.ok("forgotten", "--min-value", "1000", "-f", "json").json()] == ["Gus Rich"]


def test_forgotten_filters(silent):
    names = lambda *args: [r["name"] for r in silent.ok("forgotten", *args, "-f", "json").json()]  # noqa: E731
    assert names("--status", "lead") == ["Carl Never"]
    assert names("--status", "client,lead", "--kind", "contact") == ["Ada Client", "Gus Rich", "Carl Never"]
    assert names("--tag", "vip") == ["Ada Client"]
    # Carl, never contacted, is silent since he was added 94 days ago: longer than Bob (52 days)
    assert names("--days", "50", "--kind", "contact") == ["Ada Client", "Gus Rich", "Carl Never", "Bob Recent"]
    assert names("--days", "120", "--kind", "company") == ["Acme"]
    assert names("--limit", "1") == ["Ada Client"]
    silent.fails("forgotten", "--status", "vip", code=2, match="unknown status 'vip'")
    silent.fails("forgotten", "--min-value", "lots", code=2, match="invalid amount 'lots'")
    silent.fails("forgotten", "--days", "0", code=2, match="--days")
    silent.fails("forgotten", "--kind", "deal", code=2, match="unknown --kind 'deal'")


def test_forgotten_threshold_from_environment(silent, monkeypatch):
    monkeypatch.setenv("MINICRM_FORGOTTEN_DAYS", "130")
    # Carl (94 days since added) and Fay (120 days) are under 130
    assert [r["name"] for r in silent.ok("forgotten", "--kind", "contact", "-f", "json").json()] == ["Ada Client"]


def test_forgotten_never_reads_interactions(silent, db_target, backend):
    """The report must stay fast on a million interactions: it may not touch the interaction table at all."""
    from minicrm.store.core.db import Database
    from minicrm.store.followups.forgotten import forgotten, forgotten_count

    session = Database(db_target).connect()
    read_tables = set()

    def authorizer(action, arg1, arg2, dbname, source):
        if action == sqlite3.SQLITE_READ:
            read_tables.add(arg1)
            if arg1 == "interaction":
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    sqlite = backend == "sqlite"
    if sqlite:
        session.conn.set_authorizer(authorizer)
    else:  # no authorizer on PostgreSQL: the table is out of sight while the report runs, so reading it fails
        execute(db_target, "ALTER TABLE interaction RENAME TO interaction_hidden")
    try:
        rows = forgotten(session, today=date(2026, 11, 22))
        assert [r.name for r in rows][:2] == ["Ada Client", "Acme"]
        assert forgotten_count(session, today=date(2026, 11, 22)) == 3
    finally:
        session.close()
        if not sqlite:
            execute(db_target, "ALTER TABLE interaction_hidden RENAME TO interaction")
    if sqlite:
        assert "contact" in read_tables and "interaction" not in read_tables


# -- remind -----------------------------------------------------------------------------------------


def test_remind_is_silent_when_there_is_nothing_to_say(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-12-10")
    cli.ok("contact", "add", "Old Friend", today="2026-01-05")  # forgotten (never contacted) alone is no news
    cli.ok("contact", "add", "Archived", "--next", "2026-11-01")
    cli.ok("contact", "archive", "archived")
    res = cli.ok("remind", "--exit-code")
    assert (res.stdout, res.stderr) == ("", "")
    digest = cli.ok("remind", "--format", "json").json()
    assert digest["empty"] is True and digest["overdue"] == [] and digest["forgotten"] == 1


def test_remind_digest_and_exit_code(cli, db_target):
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-20", "--goal", "send proposal")
    cli.ok("contact", "add", "Bob Babbage", "--next", "2026-11-22 14:00", "--goal", "demo")
    cli.ok("contact", "add", "Carl Gauss", "--birthday", "1984-11-22")
    add_task(db_target, "Invoice", "2026-11-23", contact_id=2)
    res = cli(*["remind", "--exit-code"])
    assert res.exit_code == 3, res.stderr
    text = res.stdout
    assert text.startswith("minicrm: Sunday 22 November 2026\n")
    assert "Overdue (1):" in text and "Ada Lovelace — send proposal  [2 days overdue]" in text
    assert "Due today (1):" in text and "2026-11-22 14:00" in text and "Bob Babbage — demo" in text
    assert "Birthdays and dates today (1):" in text and "Birthday (turns 42)" in text
    assert "Invoice" not in text  # tomorrow: outside --within 1d
    assert "Invoice" in cli.ok("remind", "--within", "2d").stdout
    assert cli.ok("remind").exit_code == 0  # without --exit-code, overdue is not an error
    digest = cli(*["remind", "--format", "json", "--exit-code"])
    assert digest.exit_code == 3
    data = digest.json()
    assert [i["contact"] for i in data["overdue"]] == ["Ada Lovelace"]
    assert [i["title"] for i in data["due"]] == ["demo"] and [i["kind"] for i in data["dates"]] == ["birthday"]
    # not overdue any more: exit 0
    cli.ok("log", "ada", "call", "Sent it")
    assert cli("remind", "--exit-code").exit_code == 0
    cli.fails("remind", "--format", "xml", code=2, match="unknown --format 'xml'")


def test_remind_stays_short_on_a_big_backlog(cli, db_target):
    """A cron mail lists the first items of each section and counts the rest; `due --limit` cuts the same way."""
    for n in range(30):
        cli.ok("contact", "add", f"Client {n:02d}", "--next", f"2026-10-{n + 1:02d}")
    cli.ok("contact", "add", "Today One", "--next", "2026-11-22")
    text = cli.ok("remind", "--limit", "5").stdout
    assert "Overdue (30):" in text and "Client 00" in text and "Client 04" in text and "Client 05" not in text
    assert "  … and 25 more: minicrm due --overdue" in text and "Due today (1):" in text
    assert text.count("follow-up") == 6
    data = cli.ok("remind", "-f", "json").json()  # 20 by default
    assert (len(data["overdue"]), data["overdue_count"], data["due_count"], data["dates_count"]) == (20, 30, 1, 0)
    assert len(cli.ok("remind", "-f", "json", "--limit", "0").json()["overdue"]) == 30
    assert cli("remind", "--limit", "1", "--exit-code").exit_code == 3
    first = cli.ok("due", "--limit", "3", "-f", "json").json()
    assert [i["contact"] for i in first] == ["Client 00", "Client 01", "Client 02"]
    assert cli.ok("due", "-f", "json").json()[:3] == first


def test_remind_in_a_real_process(cli, db_target):
    """What cron runs: the installed entry point, output only when there is something to say."""
    from conftest import run_minicrm

    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-12-20")
    quiet = run_minicrm("--db", str(db_target), "--today", "2026-11-22", "remind", "--exit-code")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    loud = run_minicrm("--db", str(db_target), "--today", "2026-12-22", "remind", "--exit-code")
    assert loud.returncode == 3 and "Overdue (1)" in loud.stdout


@pytest.mark.parametrize("args", [("due",), ("forgotten",), ("remind",), ("cadence", "list")])
def test_followup_commands_skip_heavy_imports(cli, db_target, args):
    """Cron runs `remind` every day: no icalendar, caldav, Textual or SQLAlchemy on these paths."""
    from conftest import loaded

    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-20")
    assert loaded("--db", str(db_target), *args) == []


def test_a_new_contact_is_not_forgotten(cli):
    """Regression (#16): a contact added a minute ago was listed by `forgotten` and counted by `remind` as
    "without news for 90+ days". A never-contacted contact's silence counts from when it was added."""
    cli.ok("contact", "add", "Old Lead", today="2026-08-01")
    cli.ok("contact", "add", "New Lead")
    names = [r["name"] for r in cli.ok("forgotten", "--kind", "contact", "-f", "json").json()]
    assert names == ["Old Lead"]
    assert cli.ok("remind", "-f", "json").json()["forgotten"] == 1
    names = [r["name"] for r in cli.ok("forgotten", "--kind", "contact", "-f", "json", today="2027-03-01").json()]
    assert sorted(names) == ["New Lead", "Old Lead"]
