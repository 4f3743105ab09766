"""`minicrm log`, `next`, `timeline`, `search` and the next-contact rules."""

from __future__ import annotations

from conftest import rows, scalar


def test_log_updates_last_interaction_and_timeline(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    first = cli.ok("log", "ada", "call", "First call", "--at", "2026-11-01 10:00", "--out", "--duration", "25m")
    second = cli.ok("log", "ada", "email", "Sent proposal", "--at", "2026-11-10 09:30", "--in", "--body", "-",
                    input="Dear Ada,\nplease find attached...\n")  # fmt: skip
    assert int(second.stdout) > int(first.stdout)
    cli.ok("log", "ada", "note", "Old note", "--at", "2026-01-05")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert card["last_interaction_at"] == "2026-11-10T09:30:00"
    items = cli.ok("timeline", "ada", "-f", "json").json()
    assert [i["summary"] for i in items] == ["Sent proposal", "First call", "Old note"]
    assert items[0]["direction"] == "in" and items[0]["body"].startswith("Dear Ada,")
    assert items[1]["direction"] == "out" and items[1]["duration_min"] == 25
    assert [i["summary"] for i in cli.ok("timeline", "ada", "--kind", "call", "-f", "json").json()] == ["First call"]
    assert len(cli.ok("timeline", "ada", "--limit", "1", "-f", "json").json()) == 1
    assert "Sent proposal" in cli.ok("timeline", "ada").stdout


def test_cadence_moves_next_contact(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--every", "2w")
    res = cli.ok("log", "ada", "call", "Catch-up", "--at", "2026-11-20 10:00")
    assert "next contact: 2026-12-04" in res.stderr
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert card["next_contact_on"] == "2026-12-04"
    # an older interaction does not move it
    cli.ok("log", "ada", "call", "Back-dated", "--at", "2026-10-01")
    assert cli.ok("contact", "show", "ada", "-f", "json").json()["next_contact_on"] == "2026-12-04"


def test_explicit_earlier_date_wins_over_cadence(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--every", "30d")
    cli.ok("next", "ada", "2026-11-25", "--goal", "send contract")
    cli.ok("log", "ada", "email", "Quick note", "--at", "2026-11-21 10:00")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert (card["next_contact_on"], card["next_contact_goal"]) == ("2026-11-25", "send contract")
    # a hand-set date later than the cadence date gives way to the cadence
    cli.ok("next", "ada", "2027-03-01", "--goal", "far away")
    cli.ok("log", "ada", "call", "Call", "--at", "2026-11-22 09:00")
    assert cli.ok("contact", "show", "ada", "-f", "json").json()["next_contact_on"] == "2026-12-22"


def test_log_completes_due_follow_up_without_cadence(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-20", "--goal", "call back")
    res = cli.ok("log", "ada", "call", "Called back")
    assert "next contact: none scheduled" in res.stderr
    assert cli.ok("contact", "show", "ada", "-f", "json").json()["next_contact_on"] is None
    cli.ok("log", "ada", "call", "Again", "--next", "friday 15:00", "--goal", "demo")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert (card["next_contact_on"], card["next_contact_time"], card["next_contact_goal"]) == (
        "2026-11-27",
        "15:00",
        "demo",
    )


def test_next_set_and_clear(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("next", "ada", "05.12.2026", "--goal", "renewal")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert (card["next_contact_on"], card["next_contact_goal"]) == ("2026-12-05", "renewal")
    cli.ok("next", "ada", "--clear")
    assert cli.ok("contact", "show", "ada", "-f", "json").json()["next_contact_on"] is None


def test_log_errors_change_nothing(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.fails("log", "ada", "fax", "hello", code=2, match="unknown interaction kind 'fax'")
    cli.fails("log", "ada", "call", "hello", "--at", "yesterday 25:00", code=2, match="yesterday 25:00")
    cli.fails("log", "bob", "call", "hello", code=1, match="no contact matches 'bob'")
    cli.fails("log", "ada", "call", "hello", "--duration", "long", code=2, match="invalid duration 'long'")
    cli.fails("log", "ada", "call", "   ", code=2, match="needs a summary")
    cli.fails("log", "ada", "call", "x", "--deal", "77", code=2, match="no deal with id 77")
    cli.fails("next", "ada", code=2, match="either WHEN or --clear")


def test_custom_kind(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("kind", "add", "Webinar")
    cli.ok("log", "ada", "webinar", "Attended the webinar")
    assert "webinar" in [r["name"] for r in cli.ok("kind", "list", "-f", "json").json()]


def test_search_across_kinds(cli):
    cli.ok("company", "add", "Café Olé", "--city", "Lyon")
    cli.ok("contact", "add", "François Dupont", "--company", "Café Olé", "--note", "likes espresso")
    cli.ok("log", "françois", "meeting", "Tasting of the new espresso blend")
    hits = cli.ok("search", "ESPRESSO", "-f", "json").json()
    assert {(h["kind"], h["title"]) for h in hits} == {
        ("contact", "François Dupont"),
        ("interaction", "Tasting of the new espresso blend"),
    }
    assert [h["kind"] for h in cli.ok("search", "cafe ole", "-f", "json").json()] == ["contact", "company"]
    assert cli.ok("search", "francois", "-f", "json").json()[0]["title"] == "François Dupont"
    assert "nothing matches" in cli.ok("search", "zzz").stderr


def test_every_write_is_audited(cli, db_target, acting):
    alice = acting("alice")
    alice.ok("contact", "add", "Ada Lovelace")
    alice.ok("contact", "edit", "ada", "--role", "CTO")
    alice.ok("log", "ada", "call", "hi")
    audit = rows(
        db_target,
        "SELECT a.entity, a.action, u.name FROM audit_log a JOIN app_user u ON u.id = a.user_id ORDER BY a.id",
    )
    assert audit == [("contact", "create", "alice"), ("contact", "update", "alice"), ("interaction", "create", "alice")]
    assert scalar(db_target, "SELECT logged_by FROM interaction") is not None
