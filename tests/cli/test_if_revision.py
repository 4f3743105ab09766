"""Concurrent edits from the CLI: `edit --if-revision N` refuses when the row moved on (#16 contract).

Regression: two shells editing one contact, the last writer won silently; the revision every record's JSON
carries could not be passed back. Now `contact|company|deal|task|campaign edit` and `request update` take
`--if-revision N` (the revision read from `show`/`list -f json`): a row that moved on is refused with exit 1,
one `error:` line naming its current revision, and nothing changed (not even a user or company the same
command would have created).
"""

from __future__ import annotations

import csv
import io

import pytest


def _setup(cli):
    cli.ok("company", "add", "Acme")
    cli.ok("contact", "add", "Ada Lovelace", "--company", "Acme")
    cli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "100")
    cli.ok("task", "add", "Send the quote", "--contact", "ada")
    cli.ok("campaign", "add", "Spring", "--channel", "email")
    cli.ok("request", "add", "Printer broken", "--contact", "ada")


SHOWS = {
    "contact": ("contact", "show", "ada"),
    "company": ("company", "show", "acme"),
    "deal": ("deal", "show", "1"),
    "campaign": ("campaign", "show", "spring"),
    "request": ("request", "show", "1"),
}


def _show(cli, kind):
    return cli.ok(*SHOWS[kind], "-f", "json").json()


def _task(cli):
    """Tasks have no `show`: the list's row."""
    return cli.ok("task", "list", "-f", "json").json()[0]


#: kind: (the record as JSON, an edit, what it changed, an edit that would also create something elsewhere)
KINDS = {
    "contact": (
        lambda cli: _show(cli, "contact"),
        ("contact", "edit", "ada", "--role", "CEO"),
        ("role", "CEO"),
        ("contact", "edit", "ada", "--role", "CTO", "--company", "Brand New Ltd", "--tag", "vip"),
    ),
    "company": (
        lambda cli: _show(cli, "company"),
        ("company", "edit", "acme", "--city", "Berlin"),
        ("city", "Berlin"),
        ("company", "edit", "acme", "--city", "Paris", "--owner", "newbie"),
    ),
    "deal": (
        lambda cli: _show(cli, "deal"),
        ("deal", "edit", "1", "--title", "Big engine"),
        ("title", "Big engine"),
        ("deal", "edit", "1", "--title", "Small engine", "--owner", "newbie"),
    ),
    "task": (
        _task,
        ("task", "edit", "1", "--title", "Send the offer"),
        ("title", "Send the offer"),
        ("task", "edit", "1", "--title", "Call back", "--assignee", "newbie"),
    ),
    "campaign": (
        lambda cli: _show(cli, "campaign"),
        ("campaign", "edit", "spring", "--cost", "250"),
        ("cost", "250.00"),
        ("campaign", "edit", "spring", "--cost", "300"),
    ),
    "request": (
        lambda cli: _show(cli, "request"),
        ("request", "update", "1", "--priority", "high"),
        ("priority", "high"),
        ("request", "update", "1", "--priority", "low", "--assign", "newbie"),
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_edit_with_the_revision_read_succeeds_and_a_stale_one_is_refused(cli, kind):
    _setup(cli)
    read, edit, (key, value), other_edit = KINDS[kind]
    seen = read(cli)["revision"]
    cli.ok(*edit, "--if-revision", str(seen))
    now = read(cli)
    assert (now[key], now["revision"]) == (value, seen + 1)

    res = cli.fails(*other_edit, "--if-revision", str(seen), code=1, match=f"revision {seen + 1}")
    assert f"{kind} 1 was changed by someone else" in res.stderr
    assert read(cli) == now
    assert [u for u in cli.ok("user", "list", "-f", "json").json() if u["name"] == "newbie"] == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_stale_revision_is_refused_even_when_the_edit_changes_nothing(cli, kind):
    _setup(cli)
    read, edit, _, _ = KINDS[kind]
    seen = read(cli)["revision"]
    cli.ok(*edit)
    cli.ok(*edit, "--if-revision", str(seen + 1))
    now = read(cli)["revision"]
    cli.fails(*edit, "--if-revision", str(seen), code=1, match=f"revision {now}")


def test_without_the_option_the_last_writer_still_wins(cli):
    _setup(cli)
    cli.ok("contact", "edit", "ada", "--role", "CEO")
    cli.ok("contact", "edit", "ada", "--role", "CTO")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert (card["role"], card["revision"]) == ("CTO", 3)


def test_one_revision_cannot_guard_several_contacts(cli):
    _setup(cli)
    cli.ok("contact", "add", "Bob Smith")
    listing = cli.ok("contact", "list", "-f", "json").stdout
    cli.fails("contact", "edit", "-", "--role", "CEO", "--if-revision", "1", input=listing, code=2,
              match="--if-revision guards one contact, not 2")  # fmt: skip


def test_a_revision_below_one_is_a_usage_error(cli):
    _setup(cli)
    cli.fails("contact", "edit", "ada", "--role", "CEO", "--if-revision", "0", code=2,
              match="Invalid value for '--if-revision'")  # fmt: skip


LISTS = {
    "contact": ("contact", "list"),
    "company": ("company", "list"),
    "deal": ("deal", "list"),
    "task": ("task", "list"),
    "campaign": ("campaign", "list"),
    "request": ("request", "list"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_record_kind_carries_its_revision_in_list_and_show(cli, kind):
    _setup(cli)
    read, edit, _, _ = KINDS[kind]
    cli.ok(*edit)
    (row,) = cli.ok(*LISTS[kind], "-f", "json").json()
    assert row["revision"] == read(cli)["revision"] == 2


@pytest.mark.parametrize("kind", list(SHOWS))
def test_show_csv_mirrors_the_revision(cli, kind):
    _setup(cli)
    cli.ok(*KINDS[kind][1])
    (record,) = csv.DictReader(io.StringIO(cli.ok(*SHOWS[kind], "-f", "csv").stdout))
    assert record["revision"] == "2"


def test_the_records_inside_a_card_carry_their_revision(cli):
    _setup(cli)
    cli.ok("deal", "edit", "1", "--title", "Big engine")
    cli.ok("contact", "edit", "ada", "--role", "CEO")
    card = cli.ok("contact", "show", "ada", "-f", "json").json()
    assert [d["revision"] for d in card["deals"]] == [2]
    assert [r["revision"] for r in card["requests"]] == [1]
    company = cli.ok("company", "show", "acme", "-f", "json").json()
    assert [p["revision"] for p in company["people"]] == [2]
    assert [d["revision"] for d in company["deals"]] == [2]
    cli.ok("deal", "edit", "1", "--title", "Engine", "--if-revision", str(company["deals"][0]["revision"]))
    assert _show(cli, "deal")["revision"] == 3
