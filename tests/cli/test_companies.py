"""`minicrm company ...` through the public CLI."""

from __future__ import annotations


def test_add_list_show_edit_delete(cli):
    assert cli.ok(
        "company", "add", "Müller & Söhne GmbH", "--industry", "retail", "--city", "München", "--tag", "eu",
        "--website", "https://mueller.example", "--field", "segment=b2b",
    ).stdout.strip() == "1"  # fmt: skip
    cli.ok("contact", "add", "Zoë Müller", "--company", "müller & söhne gmbh")
    cli.ok("log", "zoe", "meeting", "Kick-off", "--at", "2026-11-02 10:00")
    rows = cli.ok("company", "list", "-f", "json").json()
    assert rows[0]["name"] == "Müller & Söhne GmbH" and rows[0]["contacts"] == 1
    assert rows[0]["last_interaction_at"] == "2026-11-02T10:00:00"
    card = cli.ok("company", "show", "muller", "-f", "json").json()
    assert [p["name"] for p in card["people"]] == ["Zoë Müller"]
    assert card["interactions"][0]["summary"] == "Kick-off"
    assert card["fields"] == {"segment": "b2b"}
    assert "Kick-off" in cli.ok("company", "show", "1").stdout
    cli.ok("company", "edit", "1", "--name", "Müller AG", "--city", "Berlin", "--untag", "eu")
    card = cli.ok("company", "show", "1", "-f", "json").json()
    assert (card["name"], card["city"], card["tags"]) == ("Müller AG", "Berlin", [])
    assert cli.ok("contact", "show", "zoe", "-f", "json").json()["company"] == "Müller AG"
    assert [h["kind"] for h in cli.ok("search", "müller ag", "-f", "json").json()][:2] == ["contact", "company"]
    cli.fails("company", "delete", "1", code=1, match="--yes")
    cli.ok("company", "delete", "1", "--yes")
    assert cli.ok("contact", "show", "zoe", "-f", "json").json()["company"] is None
    assert cli.ok("company", "list", "-f", "json").json() == []


def test_duplicate_company_is_refused(cli):
    cli.ok("company", "add", "Acme")
    cli.fails("company", "add", "ACME", code=1, match="a company named 'Acme' already exists")
    cli.ok("company", "add", "Acme Holdings")
    cli.fails("company", "edit", "Acme Holdings", "--name", "acme", code=1, match="already exists")
    cli.fails("company", "show", "acm", code=1, match="'acm' matches 2 companies")  # not "companys" (#23)


def test_company_filters(cli):
    cli.ok("company", "add", "Acme", "--industry", "retail", "--city", "Berlin")
    cli.ok("company", "add", "Beta", "--industry", "software", "--city", "Paris", "--tag", "hot")
    names = lambda *a: [r["name"] for r in cli.ok("company", "list", *a, "-f", "json").json()]  # noqa: E731
    assert names("--industry", "Retail") == ["Acme"]
    assert names("--city", "paris") == ["Beta"]
    assert names("--tag", "hot") == ["Beta"]
    assert names("--search", "bet") == ["Beta"]
