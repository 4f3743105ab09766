"""Inputs that used to end in `internal error` or in a half-done write (issue #16), each pinned by a test.

tests/reliability/test_cli_fuzz.py finds such inputs by drawing arbitrary values for every option; what it found
is kept here as a plain example, so it stays fixed whatever the fuzzer draws next time.
"""

from __future__ import annotations

import pytest
from tests.conftest import target_digest

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("args", "param"),
    [
        (("deal", "move", HUGE, "won"), "deal_id"),
        (("task", "done", HUGE), "task_id"),
        (("task", "list", "--deal", "-" + HUGE), "--deal"),
        (("contact", "list", "--limit", HUGE), "--limit"),
        (("forgotten", "--days", HUGE), "--days"),
    ],
)
def test_an_integer_no_column_can_hold_is_a_usage_error(cli, args, param):
    cli.fails(*args, code=2, match=param)


def test_a_new_owner_is_not_created_by_a_command_that_fails(cli):
    """`--owner` creates a user on first use; a later refusal in the same command must undo that too."""
    cli.ok("company", "add", "Acme")
    cli.fails("company", "add", "Globex", "--owner", "newbie", "--tag", "", code=2, match="invalid tag")
    cli.fails("contact", "add", "Ann", "--owner", "newbie", "--email", "not an e-mail", code=2, match="e-mail")
    assert "newbie" not in cli.ok("user", "list").stdout


def test_acting_as_a_new_user_in_a_failing_command_adds_no_user(cli):
    before = target_digest(cli.target)
    res = cli("--as", "stranger", "contact", "add", "Ann", "--birthday", "31.02.")
    assert res.exit_code == 2 and res.stderr.startswith("error: ")
    assert target_digest(cli.target) == before


def test_each_write_of_a_successful_command_is_kept(cli):
    """One transaction per command must still commit: a new owner and the record both stay."""
    cli.ok("contact", "add", "Ann", "--owner", "newbie")
    assert "newbie" in cli.ok("user", "list").stdout
    assert cli.ok("contact", "show", "Ann", "-f", "json").json()["owner"] == "newbie"


def test_standard_input_that_is_not_utf8_is_named(cli):
    cli.ok("contact", "add", "Ann")
    cli.fails("log", "Ann", "call", "Intro", "--body", "-", input=b"\xff\xfe body", code=2, match="not UTF-8")
    cli.fails("contact", "tag", "add", "vip", "-", input=b"1\n\xff\n", code=2, match="byte 0xff")


@pytest.mark.parametrize(
    ("document", "match"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": "minicrm-database", "version": 1, "tables": {"contact": [{"id": NaN}]}}', "NaN"),
        (b'{"format": "minicrm-database", "version": 1, "tables": {"contact": [{"id": 1e999}]}}', "too large"),
    ],
)
def test_json_that_python_reads_but_no_database_can_hold_is_refused(cli, tmp_path, document, match):
    (tmp_path / "in.json").write_bytes(document)
    cli.fails("import", "json", str(tmp_path / "in.json"), code=2, match=match)


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("name", ["Ann"], "name is not a single value"),
        ("id", "x", "do not fit its columns"),
        ("created_at", "9999-12-31 00:00:00", "outside the years"),
        ("created_at", "yesterday", "is not a datetime"),
        ("next_contact_on", "0001-01-01", "outside the years"),
    ],
)
def test_an_export_edited_into_nonsense_is_refused_row_by_row(cli, tmp_path, column, value, match):
    import json

    cli.ok("contact", "add", "Ann")
    doc = json.loads(cli.ok("export", "json").stdout)
    doc["tables"]["contact"][0][column] = value
    (tmp_path / "edited.json").write_text(json.dumps(doc))
    cli.fails("import", "json", str(tmp_path / "edited.json"), "--replace", code=2, match=match)


def test_restore_knows_every_date_column_by_its_name():
    """`import json` checks dates by column name (`*_at`, `*_on`): every Date/DateTime column must follow it."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from minicrm.store.core import schema  # noqa: F401  (registers the tables)
    from minicrm.store.exchange.exporting import temporal_kind

    seen = 0
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            kind = {sa.DateTime: "datetime", sa.Date: "date"}.get(type(column.type))
            if isinstance(column.type, sa.DateTime):
                kind = "datetime"
            assert temporal_kind(column.name) == kind, f"{table.name}.{column.name}"
            seen += kind is not None
    assert seen > 20


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("deal", "add", "x" * 301), "title: 301 characters, at most 300"),
        (("task", "add", "Call", "--note", "n" * 100_001), "notes: 100,001 characters"),
        (("campaign", "add", "c" * 400, "--channel", "email"), "name: 400 characters"),
        (("request", "add", "s" * 301, "--contact", "Ann"), "subject: 301 characters"),
        (("contact", "add", "n" * 301), "name: 301 characters"),
        (("contact", "edit", "Ann", "--note", "n" * 100_001), "notes: 100,001 characters"),
        (("company", "add", "c" * 301), "name: 301 characters"),
        (("log", "Ann", "call", "s" * 2_001), "summary: 2,001 characters"),
        (("log", "Ann", "call", "Intro", "--body", "b" * 100_001), "body: 100,001 characters"),
    ],
    ids=["deal", "task-note", "campaign", "request", "contact", "contact-note", "company", "summary", "body"],
)
def test_a_pasted_novel_is_not_a_name(cli, args, match):
    cli.ok("contact", "add", "Ann")
    cli.fails(*args, code=2, match=match)


def test_long_notes_within_the_limit_are_kept_whole(cli):
    cli.ok("task", "add", "Call", "--note", "n" * 100_000)
    assert cli.ok("task", "list", "-f", "json").json()[0]["notes"] == "n" * 100_000


def test_campaign_delete_without_yes_asks_for_it_like_every_delete(cli):
    """It prompted and, with no terminal to answer, ended in 'interrupted' (exit 130)."""
    cli.ok("campaign", "add", "Spring", "--channel", "email")
    cli.fails("campaign", "delete", "Spring", code=1, match="--yes")
    cli.ok("campaign", "delete", "Spring", "--yes")


@pytest.mark.parametrize(
    "args",
    [
        ("remind", "--forgotten-days", "2147483648"),
        ("forgotten", "--days", "99999999"),
        ("ical", "export", "--days-ahead", "2147483648"),
        ("ical", "export", "--days-back", "99999999"),
    ],
)
def test_a_number_of_days_beyond_a_century_is_a_usage_error(cli, args):
    cli.fails(*args, code=2, match=args[-2])


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("phone", "+49 30\x1b]0;x\x07 1234567", "phone"),
        ("email", "ann\x1b[31m@example.org", "invalid email"),
        ("name", "A" * 301, "name: 301 characters"),
        ("notes", "n" * 100_001, "notes: 100,001 characters"),
    ],
    ids=["phone-escape", "email-escape", "long-name", "long-notes"],
)
def test_imported_rows_obey_the_rules_of_typed_ones(cli, tmp_path, column, value, match):
    """Control characters in identifiers and over-long text were accepted by the importer's fast paths."""
    import csv

    path = tmp_path / "in.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "phone", "email", "notes"])
        row = {"name": "Ann Lee", "phone": "+49 30 7654321", "email": "ann@example.org", "notes": "n"}
        writer.writerow([*{**row, column: value}.values()])
    res = cli.fails("import", "csv", str(path), code=2, match=match)
    assert "line 2" in res.stderr


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1799-12-31"])
def test_a_today_outside_the_years_dates_may_have_is_refused(cli, day):
    """`--today 0001-01-01 ical export` overflowed computing the feed's window (found by the fuzzer)."""
    cli.fails("ical", "export", today=day, code=2, match="--today")
