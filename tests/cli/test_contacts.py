"""`minicrm contact ...` through the public CLI."""

from __future__ import annotations

import csv
import io

import pytest


def test_add_prints_id_and_creates_company(cli):
    res = cli.ok(
        "contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--email", "ada@work.example",
        "--phone", "+44 20 7946 0000", "--company", "Analytical Engines", "--role", "CTO", "--status", "client",
        "--source", "referral", "--tag", "VIP", "--tag", "eu", "--field", "plan=gold", "--birthday", "10.12.1815",
        "--next", "2026-12-01", "--goal", "send proposal", "--note", "met at a conference",
    )  # fmt: skip
    assert res.stdout.strip() == "1"
    assert "created company 'Analytical Engines'" in res.stderr
    card = cli.ok("contact", "show", "1", "--format", "json").json()
    assert card["name"] == "Ada Lovelace"
    assert card["emails"] == ["ada@example.org", "ada@work.example"]
    assert card["phones"] == ["+44 20 7946 0000"]
    assert card["company"] == "Analytical Engines"
    assert card["status"] == "client"
    assert card["tags"] == ["eu", "vip"]
    assert card["fields"] == {"plan": "gold"}
    assert card["birthday"] == "1815-12-10"
    assert card["next_contact_on"] == "2026-12-01"
    assert card["next_contact_goal"] == "send proposal"
    assert card["notes"] == "met at a conference"
    # The second contact at the same company reuses it, whatever the case.
    res = cli.ok("contact", "add", "Charles Babbage", "--company", "analytical engines")
    assert "created company" not in res.stderr
    assert cli.ok("contact", "show", "Babbage", "-f", "json").json()["company"] == "Analytical Engines"


def test_json_contract_fields(cli):
    cli.ok("contact", "add", "Иван Петров", "--email", "ivan@example.ru", "--every", "2w")
    rows = cli.ok("contact", "list", "--format", "json").json()
    assert isinstance(rows, list) and len(rows) == 1
    required = {
        "id", "name", "emails", "phones", "company", "status", "tags", "fields", "owner", "next_contact_on",
        "next_contact_goal", "cadence_days", "last_interaction_at", "birthday",
    }  # fmt: skip
    assert required <= set(rows[0])
    assert rows[0]["cadence_days"] == 14
    assert rows[0]["next_contact_on"] == "2026-12-06"  # today + cadence for a new contact
    # UTF-8, not \u-escaped
    assert "Иван Петров" in cli.ok("contact", "list", "-f", "json").stdout


def test_list_filters_sort_and_limit(cli):
    cli.ok("contact", "add", "Zoë Müller", "--tag", "vip", "--status", "client", "--company", "Acme")
    cli.ok("contact", "add", "José Álvarez", "--tag", "vip", "--field", "city=Sevilla")
    cli.ok("contact", "add", "Anna Smirnova", "--status", "partner", "--company", "Acme", "--owner", "bob")
    names = lambda *a: [r["name"] for r in cli.ok("contact", "list", *a, "-f", "json").json()]  # noqa: E731
    assert names() == ["Anna Smirnova", "José Álvarez", "Zoë Müller"]
    assert names("--tag", "VIP") == ["José Álvarez", "Zoë Müller"]
    assert names("--company", "acme") == ["Anna Smirnova", "Zoë Müller"]
    assert names("--status", "client") == ["Zoë Müller"]
    assert names("--field", "city=Sevilla") == ["José Álvarez"]
    assert names("--owner", "bob") == ["Anna Smirnova"]
    assert names("--search", "jose") == ["José Álvarez"]
    assert names("--limit", "1") == ["Anna Smirnova"]
    assert names("--sort", "created", "--limit", "1") == ["Anna Smirnova"]


def test_list_csv_and_table(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--tag", "a", "--tag", "b")
    rows = list(csv.DictReader(io.StringIO(cli.ok("contact", "list", "-f", "csv").stdout)))
    assert rows[0]["name"] == "Ada Lovelace" and rows[0]["emails"] == "ada@example.org" and rows[0]["tags"] == "a; b"
    table = cli.ok("contact", "list").stdout
    assert "Ada Lovelace" in table and "ada@example.org" in table


def test_search_is_case_and_accent_insensitive(cli):
    cli.ok("contact", "add", "Иван Петров")
    cli.ok("contact", "add", "José Álvarez")
    assert [r["name"] for r in cli.ok("contact", "list", "-s", "иван", "-f", "json").json()] == ["Иван Петров"]
    assert [r["name"] for r in cli.ok("contact", "list", "-s", "ALVAR", "-f", "json").json()] == ["José Álvarez"]


def test_show_table_card(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--next", "2026-11-20", "--goal", "call")
    cli.ok("log", "ada", "call", "Talked about engines", "--at", "2026-11-01 10:00")
    out = cli.ok("contact", "show", "ada@example.org").stdout
    assert "Ada Lovelace" in out and "Talked about engines" in out
    csv_out = cli.ok("contact", "show", "1", "-f", "csv").stdout
    assert csv_out.splitlines()[0].startswith("id,name")


def test_edit(cli):
    cli.ok("contact", "add", "Ada Lovelace", "--tag", "old", "--email", "a@x.org", "--next", "+3d")
    cli.ok(
        "contact", "edit", "ada", "--name", "Ada King", "--untag", "old", "--tag", "new", "--email", "b@x.org",
        "--remove-email", "a@x.org", "--field", "k=v", "--status", "former client", "--clear-next",
        "--company", "Acme",
    )  # fmt: skip
    card = cli.ok("contact", "show", "1", "-f", "json").json()
    assert card["name"] == "Ada King"
    assert card["tags"] == ["new"]
    assert card["emails"] == ["b@x.org"]
    assert card["fields"] == {"k": "v"}
    assert card["status"] == "former-client"
    assert card["next_contact_on"] is None
    assert card["company"] == "Acme"
    assert card["revision"] == 2
    cli.ok("contact", "edit", "1", "--field", "k=", "--no-company")
    card = cli.ok("contact", "show", "1", "-f", "json").json()
    assert card["fields"] == {} and card["company"] is None


def test_archive_hides_and_restores(cli):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("contact", "archive", "ada")
    assert cli.ok("contact", "list", "-f", "json").json() == []
    assert [r["name"] for r in cli.ok("contact", "list", "--archived", "-f", "json").json()] == ["Ada Lovelace"]
    cli.ok("contact", "archive", "ada", "--undo")
    assert len(cli.ok("contact", "list", "-f", "json").json()) == 1


def test_delete_needs_yes_and_removes_interactions(cli, db_target):
    from conftest import scalar

    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("log", "ada", "call", "hello")
    cli.fails("contact", "delete", "ada", code=1, match="--yes")
    cli.ok("contact", "delete", "ada", "--yes")
    assert scalar(db_target, "SELECT count(*) FROM interaction") == 0
    assert scalar(db_target, "SELECT count(*) FROM contact") == 0
    assert cli.ok("search", "hello", "-f", "json").json() == []


@pytest.mark.parametrize(
    ("args", "code", "match"),
    [
        (("contact", "add", "X", "--birthday", "31.02.1990"), 2, "31.02.1990"),
        (("contact", "add", "X", "--next", "blurb"), 2, "blurb"),
        (("contact", "add", "X", "--status", "friend"), 2, "unknown status 'friend'"),
        (("contact", "add", "X", "--email", "not-an-email"), 2, "invalid email 'not-an-email'"),
        (("contact", "add", "X", "--field", "novalue"), 2, "invalid field 'novalue'"),
        (("contact", "add", "X", "--every", "often"), 2, "often"),
        (("contact", "add", "  "), 2, "needs a name"),
        (("contact", "show", "999"), 1, "no contact with id 999"),
        (("contact", "show", "Nobody"), 1, "no contact matches 'Nobody'"),
        (("contact", "show", "an"), 1, "'an' matches 2 contacts"),
        (("contact", "edit", "an", "--role", "x"), 1, "matches 2 contacts"),
        (("contact", "edit", "Ann Lee", "--next", "31.02.2026"), 2, "31.02.2026"),
        (("contact", "list", "--sort", "age"), 2, "unknown sort 'age'"),
        (("contact", "list", "--owner", "nobody"), 1, "no user named 'nobody'"),
        (("contact", "delete", "Ann Lee"), 1, "--yes"),
        (("contact", "delete", "Nobody", "--yes"), 1, "no contact matches"),
        (("--today", "2026-13-01", "contact", "list"), 2, "invalid --today"),
    ],
)
def test_errors_are_one_line_and_change_nothing(cli, args, code, match):
    cli.ok("contact", "add", "Ann Lee", "--email", "ann@example.org")
    cli.ok("contact", "add", "Joanna Smith")
    cli.fails(*args, code=code, match=match)


def test_exact_name_wins_over_fragment(cli):
    cli.ok("contact", "add", "Ann")
    cli.ok("contact", "add", "Anna Karenina")
    assert cli.ok("contact", "show", "ann", "-f", "json").json()["name"] == "Ann"


def test_usage_error_is_one_line(cli):
    res = cli("contact", "add")
    assert res.exit_code == 2
    assert res.stderr.startswith("error: ") and len(res.stderr.strip().splitlines()) == 1
