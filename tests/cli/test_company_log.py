"""`log --company REF KIND SUMMARY` (#20): interactions with a company itself, with no person known.

Today is 2026-11-22 (the cli fixture).
"""

from __future__ import annotations

from conftest import Cli, rows, scalar


def _company_with_person(cli: Cli) -> None:
    cli.ok("company", "add", "ООО Ромашка")
    cli.ok("contact", "add", "Ivan Petrov", "--company", "ООО Ромашка")
    cli.ok("log", "ivan", "call", "Spoke to Ivan", "--at", "2026-06-01 10:00")
    cli.ok("company", "add", "Quiet GmbH")  # added today, never contacted: silent since today


def test_log_with_a_company_shows_in_its_card_and_moves_its_last_contact(cli):
    _company_with_person(cli)
    new_id = cli.ok("log", "--company", "ромашка", "call", "Switchboard: asked for the buyer", "--in",
                    "--duration", "5m", "--at", "2026-11-10 09:00").stdout.strip()  # fmt: skip
    assert rows(cli.target, "SELECT contact_id, company_id, kind, direction, duration_min FROM interaction"
                " WHERE id = ?", (int(new_id),)) == [(None, 1, "call", "in", 5)]  # fmt: skip
    card = cli.ok("company", "show", "ромашка", "-f", "json").json()
    assert card["last_interaction_at"] == "2026-11-10T09:00:00"
    assert [(i["contact"], i["summary"]) for i in card["interactions"]] == [
        (None, "Switchboard: asked for the buyer"),
        ("Ivan Petrov", "Spoke to Ivan"),
    ]
    table = cli.ok("company", "show", "ромашка").stdout
    assert "(the company)" in table and "Switchboard" in table and "2026-11-10 09:00" in table
    # the person's own dates do not move
    assert cli.ok("contact", "show", "ivan", "-f", "json").json()["last_interaction_at"] == "2026-06-01T10:00:00"
    listed = {c["name"]: c["last_interaction_at"] for c in cli.ok("company", "list", "-f", "json").json()}
    assert listed == {"ООО Ромашка": "2026-11-10T09:00:00", "Quiet GmbH": None}
    # found by search, named by the company
    hits = cli.ok("search", "switchboard", "-f", "json").json()
    assert [(h["kind"], h["detail"]) for h in hits] == [("interaction", "call 2026-11-10 ООО Ромашка")]


def test_an_older_or_internal_company_interaction_does_not_move_its_last_contact(cli):
    _company_with_person(cli)
    cli.ok("log", "--company", "ромашка", "meeting", "Visit", "--at", "2026-10-01 12:00")
    cli.ok("log", "--company", "ромашка", "call", "Older", "--at", "2026-09-01 12:00")
    cli.ok("log", "--company", "ромашка", "note", "Internal note", "--at", "2026-11-20 12:00")
    assert scalar(cli.target, "SELECT last_interaction_at FROM company WHERE id = 1") is not None
    card = cli.ok("company", "show", "ромашка", "-f", "json").json()
    assert card["last_interaction_at"] == "2026-10-01T12:00:00"
    # making `meeting` internal recomputes the company's own last contact: the older call remains
    cli.ok("kind", "edit", "meeting", "--internal")
    assert cli.ok("company", "show", "ромашка", "-f", "json").json()["last_interaction_at"] == "2026-09-01T12:00:00"


def test_company_interactions_count_for_its_silence_in_forgotten(cli):
    _company_with_person(cli)
    companies = lambda: [r["name"] for r in cli.ok("forgotten", "--kind", "company", "--days", "30",  # noqa: E731
                                                   "-f", "json").json()]  # fmt: skip
    assert companies() == ["ООО Ромашка"]  # Ivan's call, 174 days ago, is its last contact
    cli.ok("log", "--company", "ромашка", "call", "Switchboard", "--at", "2026-11-10 09:00")
    assert companies() == []
    # on 2026-12-11 the company call is 31 days old (> --days 30): forgotten again, silent since it
    found = cli.ok("forgotten", "--kind", "company", "--days", "30", "-f", "json", today="2026-12-11").json()
    assert [(r["name"], r["last_interaction_at"], r["days_silent"]) for r in found] == [
        ("ООО Ромашка", "2026-11-10T09:00:00", 31)
    ]


def test_a_company_name_where_a_contact_is_expected_suggests_company(cli):
    _company_with_person(cli)
    cli.fails("log", "Ромашка", "call", "x", code=1,
              match="no contact matches 'Ромашка', but a company does: log with the company itself with"
                    " minicrm log --company 'Ромашка' KIND SUMMARY")  # fmt: skip
    cli.fails("log", "nobody", "call", "x", code=1, match="no contact matches 'nobody'")
    cli.fails("log", "--company", "nowhere", "call", "x", code=1, match="no company matches 'nowhere'")
    cli.fails("log", "--company", "ромашка", "call", " ", code=2, match="an interaction needs a summary")
    cli.fails("log", "--company", "ромашка", "call", "x", "--next", "+1w", code=2,
              match="--next and --goal need a contact")  # fmt: skip


def test_company_interactions_round_trip_through_export_json(cli, new_target, tmp_path):
    _company_with_person(cli)
    cli.ok("log", "--company", "ромашка", "call", "Switchboard", "--at", "2026-11-10 09:00")
    out = tmp_path / "all.json"
    cli.ok("export", "json", "-o", str(out))
    other = Cli(new_target("other"))
    other.ok("import", "json", str(out))
    card = other.ok("company", "show", "ромашка", "-f", "json").json()
    assert card["last_interaction_at"] == "2026-11-10T09:00:00"
    assert (card["interactions"][0]["contact"], card["interactions"][0]["summary"]) == (None, "Switchboard")
    # without the company's own last contact, Ivan's call of 2026-06-01 would make it forgotten
    assert other.ok("forgotten", "--kind", "company", "--days", "30", "-f", "json").json() == []


def test_deleting_a_company_deletes_the_interactions_with_it_alone(cli):
    _company_with_person(cli)
    cli.ok("log", "--company", "ромашка", "call", "Switchboard", "--at", "2026-11-10 09:00")
    cli.ok("company", "delete", "ромашка", "--yes")
    assert rows(cli.target, "SELECT summary FROM interaction ORDER BY id") == [("Spoke to Ivan",)]
    assert cli.ok("search", "switchboard", "-f", "json").json() == []


def test_a_manager_logs_with_their_company_and_sees_it(cli, acting):
    """On PostgreSQL a manager's rows pass row-level security: an interaction with a company alone is theirs
    through the company (migration 0017's rule); before it, the insert itself was refused. On SQLite: the same
    commands, `--as` a label."""
    alice = acting("Alice", "manager")
    alice.ok("company", "add", "Acme", "--owner", "Alice")
    alice.ok("log", "--company", "acme", "meeting", "Visited the plant", "--at", "2026-11-02 10:00")
    card = alice.ok("company", "show", "acme", "-f", "json").json()
    assert [(i["contact"], i["summary"]) for i in card["interactions"]] == [(None, "Visited the plant")]
    assert card["last_interaction_at"] == "2026-11-02T10:00:00"
