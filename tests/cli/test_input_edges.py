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
