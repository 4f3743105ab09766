"""Local hooks (#22): real executables in $MINICRM_HOME/hooks run after the commit with the event's JSON on stdin;
`before-` hooks can refuse a change; a failing or hanging hook keeps the data and the exit code. Both backends."""

from __future__ import annotations

import json
import sys
import time

from cli.hook_helpers import calls, minicrm_env, write_hook, write_shell_hook
from conftest import rows, scalar, target_digest


def _config(home, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def _json(cli, *args):
    return json.loads(cli.ok(*args, "--format", "json").stdout)


def _step(cli, log, seen: list, *args, event: str, before: tuple[str, ...] = ()) -> dict:
    """Run one command and return the payload of the last hook call it made, which must be `event` (after the
    events `before`)."""
    cli.ok(*args)
    new = calls(log)[len(seen) :]
    seen.extend(new)
    assert [c["payload"]["event"] for c in new] == [*before, event], (args, [c["payload"]["event"] for c in new])
    return new[-1]["payload"]


def test_every_event_fires_once_with_its_payload(cli, hermetic_home, tmp_path):
    from minicrm.store.core.events import EVENTS

    hooks, log = hermetic_home / "hooks", tmp_path / "calls.jsonl"
    for event in EVENTS:  # half of them as a file, half as a folder per event
        write_hook(hooks, event if len(event) % 2 else f"{event}/10-record", log=log)
    seen: list = []

    company = _step(cli, log, seen, "company", "add", "Analytical Engines", event="company.created")["company"]
    assert company == next(c for c in _json(cli, "company", "list") if c["id"] == company["id"])

    created = _step(cli, log, seen, "contact", "add", "Ada Lovelace", "--email", "ada@example.org",
                    "--company", "Analytical Engines", event="contact.created")  # fmt: skip
    assert created["contact"] == _json(cli, "contact", "list")[0]
    assert created["contact"]["emails"] == ["ada@example.org"] and "before" not in created
    assert created["time"].startswith("2026-11-22T") and created["user"] is None

    updated = _step(cli, log, seen, "contact", "edit", "ada", "--role", "CTO", event="contact.updated")
    assert updated["before"] == {"role": None} and updated["after"] == {"role": "CTO"}
    assert updated["contact"] == _json(cli, "contact", "list")[0]

    logged = _step(cli, log, seen, "log", "ada", "call", "Discussed the engine", event="interaction.logged")
    assert logged["interaction"]["contact"] == "Ada Lovelace"
    assert logged["interaction"] == _json(cli, "timeline", "ada")[0]

    _step(cli, log, seen, "company", "edit", "Analytical Engines", "--city", "London", event="company.updated")
    deal = _step(cli, log, seen, "deal", "add", "Engine", "--contact", "ada", "--amount", "1000",
                 event="deal.created")["deal"]  # fmt: skip
    show = _json(cli, "deal", "show", str(deal["id"]))
    assert deal == {k: v for k, v in show.items() if k not in ("history", "tasks", "interactions")}

    edited = _step(cli, log, seen, "deal", "edit", "1", "--amount", "1200", event="deal.updated")
    assert edited["before"]["amount"] == "1000.00" and edited["after"]["amount"] == "1200.00"
    moved = _step(cli, log, seen, "deal", "move", "1", "qualified", event="deal.stage-changed")
    assert (moved["before"]["stage"], moved["after"]["stage"]) == ("lead", "qualified")
    won = _step(cli, log, seen, "deal", "won", "1", event="deal.won")
    assert won["deal"]["state"] == "won" and won["after"]["won_on"] == "2026-11-22"
    cli.ok("deal", "add", "Second engine", "--contact", "ada")  # deal.created, checked above
    seen.extend(calls(log)[len(seen) :])
    lost = _step(cli, log, seen, "deal", "lost", "2", "--reason", "budget", event="deal.lost")
    assert lost["deal"]["lost_reason"] == "budget"

    task = _step(cli, log, seen, "task", "add", "Send the plans", "--contact", "ada", "--due", "2026-11-20",
                 event="task.created")["task"]  # fmt: skip
    assert task["title"] == "Send the plans" and task["done"] is False
    done = _step(cli, log, seen, "task", "done", str(task["id"]), event="task.done")
    assert done["after"]["done"] is True and done["before"]["done"] is False

    opened = _step(cli, log, seen, "request", "add", "Broken gear", "--contact", "ada", event="request.opened")
    assert opened["request"] == _json(cli, "request", "show", str(opened["request"]["id"]))
    closed = _step(cli, log, seen, "request", "close", "1", "--resolution", "new gear", event="request.closed")
    assert closed["after"]["status"] == "closed" and closed["request"]["resolution"] == "new gear"

    cli.ok("task", "add", "Call back", "--contact", "ada", "--due", "2026-11-19")
    seen.extend(calls(log)[len(seen) :])
    due = _step(cli, log, seen, "remind", event="followup.due")
    assert due["followup"] == json.loads(cli.ok("remind", "--format", "json").stdout)
    seen.extend(calls(log)[len(seen) :])  # that second remind fired again, as every remind with news does
    assert due["followup"]["overdue_count"] == 1

    csv = tmp_path / "people.csv"
    csv.write_text("name,email\nCharles Babbage,cb@example.org\n")
    finished = _step(cli, log, seen, "import", "csv", str(csv), event="import.finished", before=("contact.created",))
    assert finished["import"]["created"] == 1 and finished["import"]["source"] == str(csv)

    archived = _step(cli, log, seen, "contact", "archive", "ada", event="contact.archived")
    assert archived["after"] == {"archived": True} and archived["contact"]["archived"] is True
    fired = {c["payload"]["event"] for c in seen}
    assert fired == set(EVENTS)
    call = seen[-1]
    assert call["env"]["MINICRM_EVENT"] == "contact.archived" and call["env"]["MINICRM_RECORD_ID"] == "1"
    assert call["env"]["MINICRM_DB"] == cli.target and call["env"]["MINICRM_TODAY"] == "2026-11-22"


def test_the_user_is_in_the_payload(acting, hermetic_home, tmp_path):
    """The acting user: `--as` on SQLite, the user of the login role on PostgreSQL (#21)."""
    log = tmp_path / "calls.jsonl"
    grace = acting("Grace", "manager")
    write_hook(hermetic_home / "hooks", "contact.created", log=log)
    grace.ok("contact", "add", "Ada")
    [call] = calls(log)
    assert call["payload"]["user"] == "Grace" and call["env"]["MINICRM_USER"] == "Grace"


def test_a_vetoing_before_hook_changes_nothing(cli, hermetic_home, tmp_path):
    hooks, log = hermetic_home / "hooks", tmp_path / "calls.jsonl"
    cli.ok("contact", "add", "Ada")
    cli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "1000")
    write_hook(hooks, "before-deal.won", log=log, then="print('no wins before the audit'); sys.exit(1)")
    write_hook(hooks, "deal.won", log=log)
    cli.fails("deal", "won", "1", code=1, match="deal.won refused by hook before-deal.won: no wins before the audit")
    [call] = calls(log)  # the before- hook only: no after- hook for a change that did not happen
    assert call["hook"] == "before-deal.won"
    assert call["payload"]["deal"]["state"] == "open" and call["payload"]["change"] == {"won_on": "2026-11-22"}
    assert call["env"]["MINICRM_HOOK_PHASE"] == "before"
    assert scalar(cli.target, "SELECT won_on FROM deal WHERE id = 1") is None


def test_a_before_hook_that_agrees_lets_the_change_through(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    write_hook(hermetic_home / "hooks", "before-contact.created", log=log, then="print('checked')")
    res = cli.ok("contact", "add", "Ada", "--email", "ada@example.org")
    assert "checked" in res.stderr
    [call] = calls(log)
    assert call["payload"]["contact"] is None and call["payload"]["change"]["name"] == "Ada"
    assert call["payload"]["change"]["emails"] == ["ada@example.org"]
    assert scalar(cli.target, "SELECT count(*) FROM contact") == 1


def test_a_before_hook_runs_without_the_write_lock(cli, hermetic_home, tmp_path):
    """The hook itself writes to the same database (another process); holding the write lock it would wait for
    ever (PostgreSQL advisory lock) or fail after the busy timeout (SQLite)."""
    cli.ok("contact", "add", "Ada")
    cli.ok("deal", "add", "Engine", "--contact", "ada")
    env = minicrm_env(cli.target)
    write_shell_hook(hermetic_home / "hooks", "before-deal.won",
                     f"PYTHONPATH={env['PYTHONPATH']} {sys.executable} -m minicrm --today 2026-11-22"
                     " log ada call 'checked before the win' >/dev/null || exit 1")  # fmt: skip
    start = time.monotonic()
    cli.ok("deal", "won", "1")
    assert time.monotonic() - start < 12
    assert rows(cli.target, "SELECT summary FROM interaction") == [("checked before the win",)]
    assert scalar(cli.target, "SELECT won_on FROM deal WHERE id = 1") is not None


def test_a_failing_hook_keeps_the_data_and_the_exit_code(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    write_hook(hermetic_home / "hooks", "contact.created", log=log, then="print('mail server down'); sys.exit(3)")
    res = cli.ok("contact", "add", "Ada")
    assert res.stdout.strip() == "1"  # stdout stays the command's own: the id
    assert "mail server down" in res.stderr and "exited with status 3; the change is kept" in res.stderr
    assert scalar(cli.target, "SELECT name FROM contact") == "Ada"
    assert len(calls(log)) == 1


def test_a_hanging_hook_is_stopped_and_changes_nothing_else(cli, hermetic_home, tmp_path):
    _config(hermetic_home, "hook_timeout = 1\n")
    # a shell hook whose child holds the output pipe: the whole process group is stopped
    write_shell_hook(hermetic_home / "hooks", "contact.created", "sleep 60 & sleep 60")
    start = time.monotonic()
    res = cli.ok("contact", "add", "Ada")
    assert time.monotonic() - start < 20
    assert "timed out after 1s and was stopped; the change is kept" in res.stderr
    assert scalar(cli.target, "SELECT count(*) FROM contact") == 1


def test_a_hanging_before_hook_refuses(cli, hermetic_home):
    cli.fails("config", "set", "hook_timeout", "0", code=2, match="invalid number of seconds '0'")
    cli.ok("config", "set", "hook_timeout", "1s")
    write_shell_hook(hermetic_home / "hooks", "before-contact.created", "sleep 60")
    cli.fails("contact", "add", "Ada", code=1, match="timed out after 1s")


def test_no_hooks_per_run_and_in_imports(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    for event in ("contact.created", "import.finished", "before-contact.created"):
        write_hook(hermetic_home / "hooks", event, log=log)
    cli.ok("--no-hooks", "contact", "add", "Ada")
    csv = tmp_path / "people.csv"
    csv.write_text("name\nCharles Babbage\n")
    cli.ok("import", "csv", str(csv), "--no-hooks")
    assert calls(log) == []
    assert scalar(cli.target, "SELECT count(*) FROM contact") == 2


def test_a_file_that_is_not_executable_is_reported_not_run(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    write_hook(hermetic_home / "hooks", "contact.created", log=log, executable=False)
    write_hook(hermetic_home / "hooks", "contact.updated.sample", log=log)
    res = cli.ok("contact", "add", "Ada")
    assert "is not executable (chmod +x it)" in res.stderr and calls(log) == []
    listed = json.loads(cli.ok("hook", "list", "--format", "json").stdout)
    assert [(r["event"], r["kind"], r["detail"]) for r in listed] == [
        ("contact.created", "hook", "not executable: never run (chmod +x)")
    ]


def test_a_failed_command_runs_no_after_hook(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    write_hook(hermetic_home / "hooks", "deal.created", log=log)
    cli.fails("deal", "add", "Engine", "--contact", "nobody", code=1, match="nobody")
    assert calls(log) == []


def test_hook_test_sends_the_newest_record(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    cli.ok("contact", "add", "Ada")
    cli.ok("deal", "add", "Engine", "--contact", "ada")
    write_hook(hermetic_home / "hooks", "deal.won", log=log, then="print('ledger updated')")
    before = target_digest(cli.target)
    res = cli.ok("hook", "test", "deal.won", "--format", "json")
    [result] = json.loads(res.stdout)
    assert result["kind"] == "hook" and result["ok"] and result["output"] == "ledger updated\n"
    [call] = calls(log)
    assert call["payload"]["test"] is True and call["payload"]["deal"]["title"] == "Engine"
    assert target_digest(cli.target) == before
    write_hook(hermetic_home / "hooks", "deal.won", log=log, then="sys.exit(2)")
    assert cli("hook", "test", "deal.won").exit_code == 1
    cli.fails("hook", "test", "deal.sold", code=2, match="unknown event 'deal.sold'")


def test_an_import_fires_an_event_per_contact_then_import_finished(cli, hermetic_home, tmp_path):
    log = tmp_path / "calls.jsonl"
    for event in ("contact.created", "contact.updated", "company.created", "import.finished"):
        write_hook(hermetic_home / "hooks", event, log=log)
    cli.ok("--no-hooks", "contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,phone,company\n"
        "Ada Lovelace,ada@example.org,+44 20 7946 0000,\n"
        "Charles Babbage,cb@example.org,,Difference Engines\n"
    )
    cli.ok("import", "csv", str(csv))
    got = [c["payload"] for c in calls(log)]
    assert [p["event"] for p in got] == ["company.created", "contact.created", "contact.updated", "import.finished"]
    company, created, updated, finished = got
    assert company["company"]["name"] == "Difference Engines"
    assert created["contact"]["name"] == "Charles Babbage" and created["contact"]["company"] == "Difference Engines"
    assert updated["contact"]["name"] == "Ada Lovelace"
    assert updated["before"] == {"phones": []} and updated["after"] == {"phones": ["+44 20 7946 0000"]}
    assert (finished["import"]["created"], finished["import"]["updated"]) == (1, 1)
    assert finished["import"]["companies_created"] == ["Difference Engines"]
