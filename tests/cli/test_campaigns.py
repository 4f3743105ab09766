"""`minicrm campaign ...`, `segment ...`, `log --campaign` and the campaign report on a hand-computed dataset."""

from __future__ import annotations

import pytest

from conftest import insert, scalar


def _deal(target, title, amount_minor, currency, stage, contact_id):
    """Deals are created by the deals module (another branch); here they are plain rows."""
    stage_id = scalar(target, "SELECT id FROM pipeline_stage WHERE name = ?", (stage,))
    return str(
        insert(
            target,
            "INSERT INTO deal (title, contact_id, amount_minor, currency, stage_id, created_at, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1)",
            (title, contact_id, amount_minor, currency, stage_id),
        )
    )


@pytest.fixture
def people(cli):
    cli.ok("company", "add", "Acme", "--industry", "software", "--city", "Berlin")
    cli.ok("company", "add", "Nordlicht AB", "--industry", "software", "--city", "Göteborg")
    cli.ok("contact", "add", "Ada Lovelace", "-t", "vip", "--status", "client", "-c", "Acme", "-e", "ada@example.org")
    cli.ok("contact", "add", "Bob Stone", "-t", "vip", "-p", "030 7654321")
    cli.ok("contact", "add", "Cy Young", "-t", "news")
    cli.ok("contact", "add", "Dee Archived", "-t", "vip", "--status", "client")
    cli.ok("contact", "archive", "dee")
    cli.ok("contact", "add", "Eve Berg", "-t", "news", "--status", "client", "-c", "Nordlicht AB")
    return cli


@pytest.fixture
def dataset(people, db_target):
    """Three campaigns; the expected report figures are worked out by hand in the tests."""
    cli = people
    cli.ok("segment", "save", "vips", "--tag", "vip")
    a = cli.ok("campaign", "add", "Winter mailing", "--channel", "mailing", "--start", "2026-11-01",
               "--end", "2026-11-30", "--budget", "1000", "--cost", "800", "--segment", "vips")  # fmt: skip
    assert "2 members added" in a.stderr  # Ada, Bob (Dee is archived)
    cli.ok("campaign", "members", "winter", "--add-filter", "tag=news")  # + Cy, Eve: reach 4
    cli.ok(
        "campaign",
        "add",
        "Spring webinar",
        "--channel",
        "webinar",
        "--start",
        "2026-03-01",
        "--end",
        "2026-03-31",
        "--cost",
        "150.50",
        "--status",
        "client",
    )  # fmt: skip  (Ada, Eve)
    cli.ok("campaign", "add", "Postcard follow-up", "--channel", "mailing", "--start", "2026-10-01")
    # responses
    cli.ok("log", "ada", "email", "Replied to mailing", "--at", "2026-11-03 09:00", "--campaign", "1")
    cli.ok("log", "ada", "call", "Asked for prices", "--at", "2026-11-04 09:00", "--campaign", "winter")
    cli.ok("log", "cy", "call", "Called after mailing", "--at", "2026-11-05 09:00", "--campaign", "1")
    cli.ok("log", "eve", "meeting", "Webinar follow-up", "--at", "2026-03-20 10:00", "--campaign", "2")
    cli.ok("log", "bob", "call", "Got the postcard", "--at", "2026-10-10 10:00", "--campaign", "postcard")
    cli.ok("log", "bob", "call", "Not a response", "--at", "2026-11-10 10:00")
    # deals: A = 1200.00 won + 300.50 won + 500 lost; B = 2000 open + 100 USD won; C = 99.99 won
    ids = [
        _deal(db_target, "Ada upgrade", 120000, "EUR", "won", 1),
        _deal(db_target, "Cy starter", 30050, "EUR", "won", 3),
        _deal(db_target, "Bob lost", 50000, "EUR", "lost", 2),
        _deal(db_target, "Eve big", 200000, "EUR", "proposal", 5),
        _deal(db_target, "Eve USD", 10000, "USD", "won", 5),
        _deal(db_target, "Bob postcard", 9999, "EUR", "won", 2),
    ]
    cli.ok("campaign", "attribute", "winter", "--deal", ids[0], "--deal", ids[1], "--deal", ids[2])
    cli.ok("campaign", "attribute", "spring", "--deal", ids[3], "--deal", ids[4])
    cli.ok("campaign", "attribute", "3", "--deal", ids[5])
    return cli


def test_campaign_report_figures(dataset):
    rows = {r["campaign"]: r for r in dataset.ok("campaign", "report", "-f", "json").json()}
    a, b, c = rows["Winter mailing"], rows["Spring webinar"], rows["Postcard follow-up"]
    # A: reach 4, 2 responders (Ada twice, Cy), won 1200.00 + 300.50, cost 800
    assert (a["reach"], a["responses"], a["interactions"], a["response_rate"]) == (4, 2, 3, "50.0")
    assert (a["deals"], a["won_deals"], a["won_revenue"], a["cost"]) == (3, 2, "1500.50", "800.00")
    assert a["cost_per_response"] == "400.00"  # 800 / 2
    assert a["roi"] == "87.6"  # (1500.50 - 800) / 800 = 87.5625 %
    # B: reach 2 (clients Ada, Eve), Eve answered; the won deal is in USD, so no EUR revenue
    assert (b["reach"], b["responses"], b["response_rate"]) == (2, 1, "50.0")
    assert (b["deals"], b["won_deals"], b["won_revenue"], b["won_other_currency"]) == (2, 1, "0.00", 1)
    assert (b["cost_per_response"], b["roi"]) == ("150.50", "-100.0")
    # C: nobody targeted, Bob answered, no cost known
    assert (c["reach"], c["responses"], c["response_rate"], c["won_revenue"]) == (0, 1, None, "99.99")
    assert (c["cost"], c["cost_per_response"], c["roi"]) == (None, None, None)
    # ordered by start date
    assert [r["campaign"] for r in dataset.ok("campaign", "report", "-f", "json").json()] == [
        "Spring webinar",
        "Postcard follow-up",
        "Winter mailing",
    ]


def test_campaign_report_by_channel_and_period(dataset):
    by = {r["channel"]: r for r in dataset.ok("campaign", "report", "--by", "channel", "-f", "json").json()}
    m = by["mailing"]  # A + C
    assert (m["campaigns"], m["reach"], m["responses"], m["interactions"]) == (2, 4, 3, 4)
    assert (m["deals"], m["won_deals"], m["won_revenue"], m["cost"]) == (4, 3, "1600.49", "800.00")
    assert m["response_rate"] == "75.0"  # 3 / 4
    assert m["cost_per_response"] == "266.67"  # 800 / 3
    assert m["roi"] == "100.1"  # (1600.49 - 800) / 800 = 100.06125 %
    assert by["webinar"]["campaigns"] == 1 and by["webinar"]["budget"] is None
    q4 = dataset.ok("campaign", "report", "--period", "2026-Q4", "-f", "json").json()
    assert [r["campaign"] for r in q4] == ["Postcard follow-up", "Winter mailing"]
    assert [r["campaign"] for r in dataset.ok("campaign", "report", "--channel", "webinar", "-f", "json").json()] == [
        "Spring webinar"
    ]
    table = dataset.ok("campaign", "report", "--by", "channel").stdout
    assert "mailing" in table and "1600.49" in table


def test_campaign_show_list_and_edit(dataset):
    card = dataset.ok("campaign", "show", "winter", "-f", "json").json()
    assert (card["name"], card["channel"], card["status"], card["segment"], card["target"]) == (
        "Winter mailing",
        "mailing",
        "running",
        "vips",
        "tag=vip",
    )
    assert (card["budget"], card["members"], card["responses"], card["roi"]) == ("1000.00", 4, 2, "87.6")
    listed = dataset.ok("campaign", "list", "-f", "json").json()
    assert [c["name"] for c in listed] == ["Winter mailing", "Postcard follow-up", "Spring webinar"]
    assert [c["status"] for c in listed] == ["running", "running", "ended"]
    assert [c["name"] for c in dataset.ok("campaign", "list", "--status", "ended", "-f", "json").json()] == [
        "Spring webinar"
    ]
    dataset.ok("campaign", "edit", "postcard", "--cost", "49.99", "--end", "2026-10-31", "--name", "Postcards")
    card = dataset.ok("campaign", "show", "3", "-f", "json").json()
    assert (card["name"], card["cost"], card["ends_on"], card["status"], card["revision"]) == (
        "Postcards",
        "49.99",
        "2026-10-31",
        "ended",
        2,
    )
    assert "Winter mailing" in dataset.ok("campaign", "show", "1").stdout


def test_log_campaign_shows_in_timeline(dataset):
    items = dataset.ok("timeline", "ada", "-f", "json").json()
    assert [i["campaign_id"] for i in items] == [1, 1]


def test_members_are_fixed_then_synced_removed_narrowed_exported(people, tmp_path):
    cli = people
    cli.ok("campaign", "add", "Gala", "--channel", "event", "--tag", "vip")
    names = lambda: [m["name"] for m in cli.ok("campaign", "members", "gala", "-f", "json").json()]  # noqa: E731
    assert names() == ["Ada Lovelace", "Bob Stone"]
    cli.ok("contact", "add", "Zed Vip", "-t", "vip")
    assert names() == ["Ada Lovelace", "Bob Stone"]  # the list as sent does not drift
    res = cli.ok("campaign", "members", "gala", "--sync")
    assert "1 added, 0 removed" in res.stderr
    cli.ok("campaign", "members", "gala", "--remove", "bob", "--add", "eve")
    assert names() == ["Ada Lovelace", "Eve Berg", "Zed Vip"]
    narrowed = cli.ok("campaign", "members", "gala", "--where", "city=berlin", "-f", "json").json()
    assert [m["name"] for m in narrowed] == ["Ada Lovelace"]
    csv_text = cli.ok("campaign", "members", "gala", "--export", "csv").stdout
    lines = csv_text.splitlines()
    assert lines[0].startswith("id,name,first_name,last_name,email,phone,company")
    assert lines[1].startswith("1,Ada Lovelace,Ada,Lovelace,ada@example.org,,Acme")
    assert len(lines) == 4
    out = tmp_path / "gala.vcf"
    cli.ok("campaign", "members", "gala", "--export", "vcard", "--out", str(out))
    import vobject

    cards = list(vobject.readComponents(out.read_text()))
    assert [c.fn.value for c in cards] == ["Ada Lovelace", "Eve Berg", "Zed Vip"]
    assert cards[0].email.value == "ada@example.org" and cards[0].org.value == ["Acme"]


def test_add_filter_by_industry_field_and_segment(people):
    cli = people
    cli.ok("campaign", "add", "Software day", "--channel", "event")
    cli.ok("campaign", "members", "software", "--add-filter", "industry=Software", "--add-filter", "status=client")
    members = [m["name"] for m in cli.ok("campaign", "members", "software", "-f", "json").json()]
    assert members == ["Ada Lovelace", "Eve Berg"]
    cli.ok("segment", "save", "newsletter", "--tag", "news")
    cli.ok("campaign", "add", "News", "--channel", "email")
    cli.ok("campaign", "members", "news", "--add-filter", "segment=newsletter", "--add-filter", "city=Göteborg")
    assert [m["name"] for m in cli.ok("campaign", "members", "news", "-f", "json").json()] == ["Eve Berg"]


def test_segments_save_list_show_replace_delete(people):
    cli = people
    res = cli.ok("segment", "save", "Berlin clients", "--status", "client", "--city", "Berlin")
    assert "saved: 1 contact\n" in res.stderr  # one contact, not "1 contacts" (#23)
    cli.ok("segment", "save", "vips", "--tag", "vip")
    listed = cli.ok("segment", "list", "-f", "json").json()
    assert [(s["name"], s["contacts"], s["filter"]) for s in listed] == [
        ("Berlin clients", 1, "status=client city=Berlin"),
        ("vips", 2, "tag=vip"),
    ]
    shown = cli.ok("segment", "show", "vips", "-f", "json").json()
    assert [m["name"] for m in shown["members"]] == ["Ada Lovelace", "Bob Stone"]
    assert "Bob Stone" in cli.ok("segment", "show", "vips").stdout
    assert "replaced" in cli.ok("segment", "save", "VIPs", "--tag", "vip", "--status", "lead").stderr
    assert [m["name"] for m in cli.ok("segment", "show", "vips", "-f", "json").json()["members"]] == ["Bob Stone"]
    # a campaign targeting a deleted segment keeps its filter
    cli.ok("campaign", "add", "Launch", "--channel", "email", "--segment", "vips")
    cli.ok("segment", "delete", "vips")
    card = cli.ok("campaign", "show", "launch", "-f", "json").json()
    assert (card["segment"], card["target"]) == (None, "tag=vip status=lead")
    assert [s["name"] for s in cli.ok("segment", "list", "-f", "json").json()] == ["Berlin clients"]


def test_campaign_bad_input_changes_nothing(dataset):
    cli = dataset
    cli.fails("campaign", "add", "X", "--channel", "telepathy", code=2, match="unknown channel 'telepathy'")
    cli.fails("campaign", "add", "X", "--channel", "email", "--start", "2026-12-10", "--end", "2026-12-01",
              code=2, match="ends (2026-12-01) before it starts")  # fmt: skip
    cli.fails("campaign", "add", "X", "--channel", "email", "--budget", "-5", code=2, match="invalid budget '-5'")
    cli.fails("campaign", "add", "X", "--channel", "email", "--cost", "lots", code=2, match="invalid cost 'lots'")
    cli.fails("campaign", "add", "X", "--channel", "email", "--currency", "EURO", code=2, match="invalid currency")
    cli.fails("campaign", "add", "winter MAILING", "--channel", "email", code=1, match="already exists")
    cli.fails(
        "campaign", "add", "X", "--channel", "email", "--segment", "nope", code=1, match="no segment named 'nope'"
    )
    cli.fails("campaign", "add", "X", "--channel", "email", "--segment", "vips", "--tag", "vip", code=2,
              match="either --segment or filters")  # fmt: skip
    cli.fails("campaign", "show", "99", code=1, match="no campaign with id 99")
    cli.fails("campaign", "show", "nothing-like-it", code=1, match="no campaign matches 'nothing-like-it'")
    cli.fails("log", "ada", "call", "hi", "--campaign", "99", code=1, match="no campaign with id 99")
    cli.fails("campaign", "members", "1", "--add-filter", "colour=red", code=2, match="unknown filter 'colour=red'")
    cli.fails("campaign", "members", "1", "--add-filter", "tag", code=2, match="invalid filter 'tag'")
    cli.fails("campaign", "members", "1", "--add", "nobody", code=1, match="no contact matches 'nobody'")
    cli.fails("campaign", "attribute", "1", "--deal", "999", code=1, match="no deal with id 999")
    cli.fails("campaign", "attribute", "1", code=2, match="--interaction ID or --deal ID")
    cli.fails("campaign", "report", "--period", "someday", code=2, match="someday")
    cli.fails("segment", "save", "empty", code=2, match="at least one filter")
    cli.fails("segment", "save", "bad", "--status", "vip", code=2, match="unknown status 'vip'")
    cli.fails("segment", "show", "nope", code=1, match="no segment named 'nope'")


def test_attribute_none_removes_credit(dataset):
    dataset.ok("campaign", "attribute", "none", "--deal", "6", "--interaction", "5")
    c = {r["campaign"]: r for r in dataset.ok("campaign", "report", "-f", "json").json()}["Postcard follow-up"]
    assert (c["deals"], c["responses"]) == (0, 0)


def test_campaign_commands_skip_heavy_imports(dataset, db_target):
    from conftest import loaded

    assert loaded("--db", str(db_target), "campaign", "report", "-f", "json") == []
    assert loaded("--db", str(db_target), "campaign", "members", "1", "--export", "csv") == []


def test_delete_campaign_keeps_interactions_and_deals(dataset):
    dataset.fails("campaign", "delete", "nope", "--yes", code=1, match="no campaign matches 'nope'")
    assert "deleted campaign 'Winter mailing'" in dataset.ok("campaign", "delete", "winter", "--yes").stderr
    assert [c["name"] for c in dataset.ok("campaign", "list", "-f", "json").json()] == [
        "Postcard follow-up",
        "Spring webinar",
    ]
    items = dataset.ok("timeline", "ada", "-f", "json").json()
    assert [(i["summary"], i["campaign_id"]) for i in items] == [
        ("Asked for prices", None),
        ("Replied to mailing", None),
    ]


def test_contact_list_by_saved_segment(people):
    cli = people
    cli.ok("segment", "save", "software clients", "--status", "client", "--industry", "software")
    names = [c["name"] for c in cli.ok("contact", "list", "--segment", "software clients", "-f", "json").json()]
    assert names == ["Ada Lovelace", "Eve Berg"]
    names = [
        c["name"]
        for c in cli.ok("contact", "list", "--segment", "software clients", "--tag", "news", "-f", "json").json()
    ]
    assert names == ["Eve Berg"]
    cli.fails("contact", "list", "--segment", "nope", code=1, match="nope")
