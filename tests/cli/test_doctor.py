"""`minicrm doctor`: the report (database, schema, config, language, time zone) and each check that fails it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Cli, execute, is_postgres
from minicrm.store.core.migrate import SCHEMA_HEAD

STRONG_TOKEN = "kR3v9Qz7LmW2xYp8TbN4sD6f"


def report(res) -> dict:
    return json.loads(res.stdout)


def test_reports_the_database_in_use_and_the_settings(cli, hermetic_home):
    cli.ok("contact", "add", "Ada Lovelace")
    cli.ok("company", "add", "Acme")
    target = cli.target
    if is_postgres(target):  # the URL as a user may write it, with a password: never shown
        target = target.replace("://postgres@", "://postgres:s3cret-pw@", 1)
    res = Cli(target).ok("doctor", "-f", "json")
    facts = report(res)
    assert "s3cret-pw" not in res.stdout + res.stderr
    assert facts["database"] == (target if not is_postgres(target) else target.replace("s3cret-pw", "***"))
    assert facts["schema_revision"] == SCHEMA_HEAD and facts["schema"] == "current"
    assert facts["records"] == {"contacts": 1, "companies": 1, "interactions": 0, "deals": 0, "tasks": 0}
    assert facts["database_size_bytes"] > 0
    assert facts["config_file"] == str(hermetic_home / "config.toml") and facts["config_exists"] is False
    assert facts["date_format"] == "iso" and facts["time_zone"] and facts["utc_offset"][0] in "+-"
    assert facts["problems"] == [] and res.stderr == ""
    table = Cli(target).ok("doctor").stdout
    assert "Schema" in table and f"{SCHEMA_HEAD} (current" in table and "all good" in table


def test_a_schema_newer_than_this_minicrm_is_a_problem(cli):
    cli.ok("contact", "list")
    execute(cli.target, "UPDATE alembic_version SET version_num = '9999'")
    res = cli.fails("doctor", "-f", "json", code=1, match="schema revision 9999 is newer than this minicrm knows")
    assert report(res)["schema"] == "newer"


def test_a_missing_database_is_reported_not_created(tmp_path):
    path = tmp_path / "later" / "crm.db"
    (tmp_path / "later").mkdir()
    facts = report(Cli(path).ok("doctor", "-f", "json"))
    assert facts["database_exists"] is False and facts["schema"].startswith("not created yet")
    assert not path.exists()
    elsewhere = tmp_path / "typo" / "crm.db"
    res = Cli(elsewhere).fails("doctor", code=1, match=f"no folder {elsewhere.parent}")
    assert "Database" in res.stdout and not elsewhere.parent.exists()


@pytest.mark.sqlite_only("file modes of the database file and the data folder")
def test_files_open_to_other_users_are_problems(cli, db_path, hermetic_home):
    cli.ok("contact", "add", "Ada Lovelace")
    config = hermetic_home / "config.toml"
    cli.ok("config", "set", "date_format", "dmy")
    assert report(cli.ok("doctor", "-f", "json"))["date_format"] == "dmy"
    os.chmod(db_path, 0o644)
    os.chmod(config, 0o640)
    os.chmod(hermetic_home, 0o755)
    res = cli.fails("doctor", "-f", "json", code=1, match="3 problems")
    problems = report(res)["problems"]
    assert problems == [
        f"database {db_path} is 0644, open to other users (chmod 600 '{db_path}')",
        f"data folder {hermetic_home} is 0755, open to other users (chmod 700 '{hermetic_home}')",
        f"config file {config} is 0640, open to other users (chmod 600 '{config}')",
    ]
    res = cli.fails("doctor", code=1, match="chmod 600")
    assert "Problem" in res.stdout and "3 failed" in res.stdout


def test_calendar_token(cli, monkeypatch):
    assert report(cli.ok("doctor", "-f", "json"))["calendar_token"].startswith("not set")
    monkeypatch.setenv("MINICRM_ICAL_TOKEN", "hunter2x")
    res = cli.fails("doctor", code=1, match="MINICRM_ICAL_TOKEN is too weak")
    assert "hunter2x" not in res.stdout + res.stderr
    monkeypatch.setenv("MINICRM_ICAL_TOKEN", "a" * 40)
    cli.fails("doctor", code=1, match="MINICRM_ICAL_TOKEN is too weak")
    monkeypatch.setenv("MINICRM_ICAL_TOKEN", STRONG_TOKEN)
    assert report(cli.ok("doctor", "-f", "json"))["calendar_token"] == f"set ({len(STRONG_TOKEN)} characters)"


def test_an_unknown_time_zone_is_a_problem(cli, monkeypatch):
    monkeypatch.setenv("MINICRM_TZ", "Mars/Olympus")
    res = cli.fails("doctor", "-f", "json", code=1, match="unknown time zone 'Mars/Olympus'")
    assert report(res)["time_zone"] is None


def test_a_broken_config_file_is_a_problem(cli, hermetic_home):
    hermetic_home.mkdir(parents=True, exist_ok=True)
    (hermetic_home / "config.toml").write_text("db = [unclosed\n")
    res = Cli(cli.target).fails("doctor", code=1, match="invalid config file")
    assert "Config file" in res.stdout


def test_a_server_that_does_not_answer_is_a_problem(tmp_path):
    url = "postgresql+psycopg://minicrm:pw@127.0.0.1:9/nothing"  # the discard port: nobody listens
    res = Cli(url)("doctor", "-f", "json")
    assert res.exit_code == 1 and res.stderr.startswith("error: 1 problem: cannot connect to")
    assert report(res)["database"] == "postgresql+psycopg://minicrm:***@127.0.0.1:9/nothing"
    assert "pw@" not in res.stdout + res.stderr


def test_csv_is_one_row(cli):
    lines = cli.ok("doctor", "-f", "csv").stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("version,program,database,")
    assert Path(cli.target).name in lines[1] or is_postgres(cli.target)
