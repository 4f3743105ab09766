"""`kind list|add|edit` and internal kinds: a note is not contact with the client (#16).

The reported failure: an internal `note` reset the stay-in-touch clock as if the client had been contacted.
An interaction of an internal kind is in the timeline, but moves neither the last contact (`contact show`),
the cadence's next date (`due`) nor the forgotten list.
"""

from __future__ import annotations

CALLED = "2026-08-01T10:00:00"


def _last_and_next(cli, ref: str = "Ada") -> tuple[str | None, str | None]:
    card = cli.ok("contact", "show", ref, "-f", "json").json()
    return card["last_interaction_at"], card["next_contact_on"]


def _forgotten(cli) -> list[str]:
    return [r["name"] for r in cli.ok("forgotten", "--days", "30", "-f", "json").json()]


def _follow_ups(cli) -> list[tuple[str, str]]:
    due = cli.ok("due", "--kind", "follow-up", "--until", "2027-01-31", "-f", "json").json()
    return [(d["contact"], d["on"]) for d in due]


def _called_a_while_ago(cli) -> None:
    cli.ok("contact", "add", "Ada", "--every", "30d", today="2026-06-01")
    cli.ok("log", "Ada", "call", "Talked about the renewal", "--at", "2026-08-01 10:00")
    assert _last_and_next(cli) == (CALLED, "2026-08-31")
    assert _forgotten(cli) == ["Ada"]
    assert _follow_ups(cli) == [("Ada", "2026-08-31")]


def test_a_note_is_not_contact_with_the_client(cli):
    _called_a_while_ago(cli)
    res = cli.ok("log", "Ada", "note", "She may renew in spring", "--at", "2026-11-21 09:00")
    assert "next contact" not in res.stderr  # nothing moved, nothing to announce
    assert _last_and_next(cli) == (CALLED, "2026-08-31")
    assert _forgotten(cli) == ["Ada"]
    assert _follow_ups(cli) == [("Ada", "2026-08-31")]
    timeline = cli.ok("timeline", "Ada", "-f", "json").json()
    assert (timeline[0]["kind"], timeline[0]["summary"]) == ("note", "She may renew in spring")

    res = cli.ok("log", "Ada", "call", "Renewal agreed", "--at", "2026-11-21 11:00")
    assert "next contact: 2026-12-21" in res.stderr
    assert _last_and_next(cli) == ("2026-11-21T11:00:00", "2026-12-21")
    assert _forgotten(cli) == []
    assert _follow_ups(cli) == [("Ada", "2026-12-21")]


def test_a_contact_with_only_notes_was_never_contacted(cli):
    cli.ok("contact", "add", "Ada", today="2026-06-01")
    cli.ok("log", "Ada", "note", "Met her name in a newsletter", "--at", "2026-11-20 09:00")
    assert _last_and_next(cli) == (None, None)
    rows = cli.ok("forgotten", "--days", "30", "-f", "json").json()
    assert [(r["name"], r["last_interaction_at"]) for r in rows] == [("Ada", None)]  # silent since 2026-06-01


def test_a_note_still_sets_the_next_date_it_is_given(cli):
    _called_a_while_ago(cli)
    res = cli.ok("log", "Ada", "note", "Call her back about the offer", "--next", "2026-11-25", "--goal", "offer")
    assert "next contact: 2026-11-25 — offer" in res.stderr
    assert _last_and_next(cli) == (CALLED, "2026-11-25")


def test_kind_list_shows_which_kinds_are_internal(cli):
    kinds = cli.ok("kind", "list", "-f", "json").json()
    assert {"name": "note", "internal": True} in kinds and {"name": "call", "internal": False} in kinds
    assert [k["name"] for k in kinds if k["internal"]] == ["note"]
    table = cli.ok("kind", "list").stdout.splitlines()
    assert table[0].split() == ["Kind", "Internal"]
    cells = {line.split()[0]: line.split()[1:] for line in table[1:]}
    assert cells["note"] == ["yes"] and cells["call"] == []
    csv = cli.ok("kind", "list", "-f", "csv").stdout.splitlines()
    assert csv[0] == "name,internal" and "note,true" in csv and "call,false" in csv  # as in the JSON


def test_kind_add_internal(cli):
    res = cli.ok("kind", "add", "Research", "--internal")
    assert "kind 'research' is available (internal" in res.stderr
    cli.ok("kind", "add", "webinar")
    kinds = {k["name"]: k["internal"] for k in cli.ok("kind", "list", "-f", "json").json()}
    assert kinds["research"] is True and kinds["webinar"] is False
    cli.ok("kind", "add", "research")  # adding it again keeps it as it is
    assert {"name": "research", "internal": True} in cli.ok("kind", "list", "-f", "json").json()

    _called_a_while_ago(cli)
    cli.ok("log", "Ada", "research", "Read their annual report", "--at", "2026-11-20 09:00")
    assert _last_and_next(cli) == (CALLED, "2026-08-31")
    assert _forgotten(cli) == ["Ada"]
    cli.ok("log", "Ada", "webinar", "She attended our webinar", "--at", "2026-11-20 15:00")
    assert _last_and_next(cli) == ("2026-11-20T15:00:00", "2026-12-20")
    assert _forgotten(cli) == []


def test_kind_add_internal_changes_a_seeded_kind(cli):
    """`visit` exists out of the box, as a contact with the client: `kind add visit --internal` makes it internal."""
    _called_a_while_ago(cli)
    cli.ok("kind", "add", "visit", "--internal")
    cli.ok("log", "Ada", "visit", "Walked past their new office", "--at", "2026-11-20 09:00")
    assert _last_and_next(cli) == (CALLED, "2026-08-31")
    assert _forgotten(cli) == ["Ada"]
    assert _follow_ups(cli) == [("Ada", "2026-08-31")]


def test_kind_edit_recomputes_the_last_contact(cli):
    _called_a_while_ago(cli)
    cli.ok("contact", "add", "Bob", "--every", "30d", today="2026-06-01")
    cli.ok("next", "Bob", "2026-12-10", "--goal", "advent call")  # set by hand, earlier: kept
    cli.ok("log", "Ada", "visit", "Visited their warehouse", "--at", "2026-11-20 09:00")
    cli.ok("log", "Bob", "visit", "Visited the lab", "--at", "2026-11-20 09:00")
    assert _last_and_next(cli) == ("2026-11-20T09:00:00", "2026-12-20")

    res = cli.ok("kind", "edit", "visit", "--internal")
    assert "kind 'visit': internal" in res.stderr and "recomputed for 2 contacts" in res.stderr
    assert _last_and_next(cli) == (CALLED, "2026-08-31")
    assert _last_and_next(cli, "Bob") == (None, "2026-12-10")
    assert _forgotten(cli) == ["Ada"]
    assert _follow_ups(cli) == [("Ada", "2026-08-31"), ("Bob", "2026-12-10")]

    cli.ok("kind", "edit", "visit", "--external")
    assert _last_and_next(cli) == ("2026-11-20T09:00:00", "2026-12-20")
    assert _last_and_next(cli, "Bob") == ("2026-11-20T09:00:00", "2026-12-10")
    res = cli.ok("kind", "edit", "visit", "--external")
    assert "recomputed" not in res.stderr  # nothing changed


def test_kind_edit_refuses_what_it_cannot_do(cli):
    cli.fails("kind", "edit", "note", code=2, match="give --internal or --external")
    cli.fails("kind", "edit", "nope", "--internal", code=2, match="unknown interaction kind 'nope'")
    cli.fails("kind", "add", "no way", "--internal", code=2, match="invalid kind 'no way'")
