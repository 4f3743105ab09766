"""`contact date add|list|remove` and `report greetings` (#20): the dates join birthdays in due, remind and the
iCal feed. Today is 2026-12-20, so fourteen days reach into 2027; both backends."""

from __future__ import annotations

import icalendar
import pytest

TODAY = "2026-12-20"


@pytest.fixture
def dates(cli):
    cli.today = TODAY
    cli.ok("contact", "add", "Ada Lovelace", "--company", "Engines", "--email", "ada@example.org",
           "--phone", "+44 20 7946 0000", "--phone", "+44 7700 900123", "--birthday", "1990-12-25")  # fmt: skip
    for name in ("Bob Brown", "Carl Gauss", "Dora Dent", "Eve Evans"):
        cli.ok("contact", "add", name)
    cli.ok("contact", "date", "add", "ada", "Wedding anniversary", "2015-01-02", "--yearly")
    cli.ok("contact", "date", "add", "bob", "Name day", "--12-21")
    cli.ok("contact", "date", "add", "carl", "Contract renewal", "30.12.2026")
    cli.ok("contact", "date", "add", "carl", "Founded", "2000-01-10", "--yearly")
    cli.ok("contact", "date", "add", "dora", "Name day", "12-22")
    cli.ok("contact", "archive", "dora")
    past = cli.ok("contact", "date", "add", "eve", "Signed", "2025-12-22")
    assert "is past and does not repeat" in past.stderr
    return cli


def test_add_list_remove(dates):
    rows = dates.ok("contact", "date", "list", "-f", "json").json()
    assert [(r["contact"], r["label"], r["date"], r["yearly"], r["next_on"], r["years"]) for r in rows] == [
        ("Ada Lovelace", "Wedding anniversary", "2015-01-02", True, "2027-01-02", 12),
        ("Bob Brown", "Name day", "--12-21", True, "2026-12-21", None),
        ("Carl Gauss", "Founded", "2000-01-10", True, "2027-01-10", 27),
        ("Carl Gauss", "Contract renewal", "2026-12-30", False, "2026-12-30", None),
        ("Dora Dent", "Name day", "--12-22", True, "2026-12-22", None),
        ("Eve Evans", "Signed", "2025-12-22", False, None, None),  # past and once: nothing ahead
    ]
    assert [r["label"] for r in dates.ok("contact", "date", "list", "carl", "-f", "json").json()] == [
        "Founded", "Contract renewal",
    ]  # fmt: skip
    card = dates.ok("contact", "show", "ada", "-f", "json").json()
    assert [(d["label"], d["date"], d["next_on"], d["years"]) for d in card["dates"]] == [
        ("Wedding anniversary", "2015-01-02", "2027-01-02", 12)
    ]
    assert "Wedding anniversary 2015-01-02 yearly" in dates.ok("contact", "show", "ada").stdout
    revision = dates.ok("contact", "show", "bob", "-f", "json").json()["revision"]
    added = dates.ok("contact", "date", "add", "bob", "Birthday of the firm", "5 jan").stdout.strip()
    assert dates.ok("contact", "show", "bob", "-f", "json").json()["revision"] == revision + 1  # a change of Bob
    dates.ok("contact", "date", "remove", added)
    dates.ok("contact", "date", "remove", "carl", "contract RENEWAL")
    left = dates.ok("contact", "date", "list", "-f", "json").json()
    assert [r["label"] for r in left if r["contact"] in ("Bob Brown", "Carl Gauss")] == ["Name day", "Founded"]
    dates.ok("contact", "date", "remove", "eve", "signed")
    assert "no dates yet" in dates.ok("contact", "date", "list", "eve").stderr


def test_bad_input_changes_nothing(dates):
    dates.fails("contact", "date", "add", "ada", "X", "31.02", code=2, match="invalid date '31.02'")
    dates.fails("contact", "date", "add", "ada", "X", "--13-01", code=2, match="invalid date '--13-01'")
    dates.fails("contact", "date", "add", "nobody", "X", "12-05", code=1, match="no contact matches 'nobody'")
    dates.fails("contact", "date", "add", "ada", " ", "12-05", code=2, match="needs a LABEL")
    dates.fails("contact", "date", "add", "bob", "name DAY", "--12-21", code=1, match="already has 'Name day'")
    dates.fails("contact", "date", "remove", "99", code=1, match="no contact date with id 99")
    dates.fails("contact", "date", "remove", "ada", "Nope", code=1, match="has no date 'Nope'")
    dates.fails("contact", "date", "remove", "ada", code=2, match="'ada' is not a date id")
    dates.fails("report", "greetings", "--within", "soon", code=2, match="cannot understand span 'soon'")


def test_greetings_across_the_new_year(dates):
    rows = dates.ok("report", "greetings", "--within", "14d", "-f", "json").json()
    assert [(r["on"], r["in_days"], r["contact"], r["kind"], r["label"], r["years"]) for r in rows] == [
        ("2026-12-21", 1, "Bob Brown", "date", "Name day", None),
        ("2026-12-25", 5, "Ada Lovelace", "birthday", "Birthday", 36),  # born 1990
        ("2026-12-30", 10, "Carl Gauss", "date", "Contract renewal", None),
        ("2027-01-02", 13, "Ada Lovelace", "date", "Wedding anniversary", 12),  # since 2015
    ]  # Dora is archived; Carl's founding day (01-10) is 21 days away
    ada = rows[1]
    assert ada["phones"] == ["+44 20 7946 0000", "+44 7700 900123"] and ada["emails"] == ["ada@example.org"]
    assert ada["company"] == "Engines" and rows[0]["phones"] == [] and rows[0]["emails"] == []
    month = dates.ok("report", "greetings", "--within", "3w", "-f", "json").json()
    assert (month[-1]["on"], month[-1]["label"], month[-1]["years"]) == ("2027-01-10", "Founded", 27)
    table = dates.ok("report", "greetings").stdout  # 14 days by default
    assert "Wedding anniversary" in table and "+44 20 7946 0000 +1" in table and "Founded" not in table
    csv_lines = dates.ok("report", "greetings", "-f", "csv").stdout.splitlines()
    assert csv_lines[0] == "on,in_days,kind,label,date,years,contact_id,contact,company,phones,emails"
    assert csv_lines[2] == (
        "2026-12-25,5,birthday,Birthday,1990-12-25,36,1,Ada Lovelace,Engines,+44 20 7946 0000; +44 7700 900123,"
        "ada@example.org"
    )


def test_dates_join_due_remind_and_the_feed(dates, tmp_path):
    due = dates.ok("due", "--until", "2027-01-03", "--kind", "date", "--kind", "birthday", "-f", "json").json()
    assert [(i["kind"], i["on"], i["contact"], i["title"]) for i in due] == [
        ("date", "2026-12-21", "Bob Brown", "Name day"),
        ("birthday", "2026-12-25", "Ada Lovelace", "Birthday (turns 36)"),
        ("date", "2026-12-30", "Carl Gauss", "Contract renewal"),
        ("date", "2027-01-02", "Ada Lovelace", "Wedding anniversary (12 years)"),
    ]
    remind = dates.ok("remind", "--within", "2d", "--format", "json").json()
    assert [(i["kind"], i["contact"], i["title"]) for i in remind["dates"]] == [("date", "Bob Brown", "Name day")]
    assert "Name day" in dates.ok("remind", "--within", "2d").stdout

    out = tmp_path / "feed.ics"
    dates.ok("ical", "export", "-o", str(out), "--include", "dates")
    evs = {str(e["summary"]): e for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert set(evs) == {
        "Wedding anniversary: Ada Lovelace",
        "Name day: Bob Brown",
        "Contract renewal: Carl Gauss",
        "Founded: Carl Gauss",
        "Signed: Eve Evans",
    }  # Eve's one-off is within --days-back
    wedding, name_day = evs["Wedding anniversary: Ada Lovelace"], evs["Name day: Bob Brown"]
    assert wedding["dtstart"].dt.isoformat() == "2015-01-02" and wedding["rrule"]["FREQ"] == ["YEARLY"]
    assert name_day["dtstart"].dt.isoformat() == "2000-12-21" and name_day["rrule"]["FREQ"] == ["YEARLY"]
    renewal = evs["Contract renewal: Carl Gauss"]
    assert renewal["dtstart"].dt.isoformat() == "2026-12-30" and "rrule" not in renewal
    dates.ok("contact", "date", "remove", "bob", "Name day")
    dates.ok("ical", "export", "-o", str(out), "--include", "dates")
    assert b"Name day: Bob Brown" not in out.read_bytes()
