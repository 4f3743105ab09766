"""`minicrm mail sync` against a real IMAP server: a Dovecot the tests start (cli/dovecot.py), over TLS.

Each test has its own mail user (the server is shared by the module), fills its INBOX by APPEND, and syncs it
into the test's database (both backends).
"""

from __future__ import annotations

import itertools
import time

import pytest

from cli import dovecot
from conftest import rows, target_digest

USERS = itertools.count(1)
PASSWORD = "s3cret pass"


@pytest.fixture(scope="module")
def server():
    dovecot.require_dovecot()
    running = dovecot.start([f"max{n}" for n in range(1, 41)], PASSWORD)
    yield running
    running.stop()


@pytest.fixture
def account(server, monkeypatch):
    user = f"max{next(USERS)}"
    monkeypatch.setenv("MAIL_PASSWORD", PASSWORD)
    monkeypatch.setenv("TZ", "MSK-3")
    time.tzset()
    yield user, f"imaps://{user}@127.0.0.1:{server.port}/INBOX"
    monkeypatch.undo()
    time.tzset()


def message(n: int, sender: str, subject: str, day: int) -> bytes:
    return (
        f"Message-ID: <sync-{n}@test>\nDate: {day:02d} Nov 2026 10:00:00 +0300\nFrom: {sender}\n"
        f"To: me@freelance.test\nSubject: {subject}\nContent-Type: text/plain; charset=utf-8\n\nBody {n}.\n"
    ).encode()


def sync(cli, server, url, *more):
    args = ("mail", "sync", url, "--password-env", "MAIL_PASSWORD", "--ca-file", str(server.ca_file), *more)
    return cli.ok(*args, "-f", "json").json()


def test_sync_is_incremental_and_marks_nothing_read(cli, server, account):
    user, url = account
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    cli.ok("contact", "add", "Boris Petrov", "--email", "boris@romashka.ru")
    cli.ok("config", "set", "me", "me@freelance.test")
    server.append(
        user,
        PASSWORD,
        message(1, "Ada Lovelace <ada@example.com>", "Proposal", 2),
        message(2, "Stranger <who@else.test>", "Hello", 3),
        message(3, "Boris <boris@romashka.ru>", "=?koi8-r?B?8NLJ18XU?=", 4),
    )
    first = sync(cli, server, url)
    assert (first["read"], first["logged"], first["no_contact"]) == (3, 2, 1)
    assert [u["email"] for u in first["unknown_senders"]] == ["who@else.test"]
    key = f"{user}@127.0.0.1:{server.port}"
    [(uidvalidity, last_uid)] = rows(
        cli.target, "SELECT uidvalidity, last_uid FROM mail_folder WHERE account = ? AND folder = 'INBOX'", (key,)
    )
    assert last_uid == 3 and uidvalidity > 0
    assert server.seen_flags(user, PASSWORD) == [False, False, False]  # EXAMINE + BODY.PEEK: nothing marked read
    # two new messages, one of them a copy of a message already logged: only the new UIDs are fetched
    server.append(
        user,
        PASSWORD,
        message(4, "Ada Lovelace <ada@example.com>", "Re: Proposal", 5),
        message(1, "Ada Lovelace <ada@example.com>", "Proposal", 2),
    )
    second = sync(cli, server, url)
    assert (second["read"], second["logged"], second["already_logged"]) == (2, 1, 1)
    assert [i["summary"] for i in cli.ok("timeline", "ada", "-f", "json").json()] == ["Re: Proposal", "Proposal"]
    assert [(i["summary"], i["happened_at"]) for i in cli.ok("timeline", "boris", "-f", "json").json()] == [
        ("Привет", "2026-11-04T10:00:00")
    ]
    assert rows(cli.target, "SELECT last_uid FROM mail_folder WHERE account = ?", (key,)) == [(5,)]
    third = sync(cli, server, url)
    assert (third["read"], third["logged"]) == (0, 0)
    assert server.seen_flags(user, PASSWORD) == [False] * 5


def test_dry_run_remembers_nothing(cli, server, account):
    user, url = account
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    server.append(user, PASSWORD, message(1, "ada@example.com", "One", 2))
    before = target_digest(cli.target)
    assert sync(cli, server, url, "--dry-run")["logged"] == 1
    assert target_digest(cli.target) == before
    assert sync(cli, server, url)["logged"] == 1


def test_refusals_are_one_error_line(cli, server, account, monkeypatch):
    user, url = account
    base = ("mail", "sync", url, "--password-env", "MAIL_PASSWORD")
    # the self-signed certificate is not trusted without --ca-file
    cli.fails(*base, code=1, match="certificate not trusted")
    monkeypatch.setenv("MAIL_PASSWORD", "wrong")
    cli.fails(*base, "--ca-file", str(server.ca_file), code=1, match=f"the server refused the login of {user}")
    cli.fails("mail", "sync", url, "--password-env", "NO_SUCH_VARIABLE", code=2, match="set the environment variable")
    cli.fails("mail", "sync", f"imap://{user}@127.0.0.1/INBOX", code=2, match="TLS only")
    monkeypatch.setenv("MAIL_PASSWORD", PASSWORD)
    cli.fails(*base, "--ca-file", str(server.ca_file), "--since", "someday", code=2, match="someday")
    missing = url.replace("/INBOX", "/Nowhere")
    cli.fails("mail", "sync", missing, "--password-env", "MAIL_PASSWORD", "--ca-file", str(server.ca_file),
              code=1, match="opening folder Nowhere failed")  # fmt: skip


def test_a_folder_with_a_cyrillic_name(cli, server, account):
    """IMAP names folders in modified UTF-7 (RFC 3501 5.1.3): "Отправленные" is &BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-."""
    user, url = account
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    cli.ok("config", "set", "me", "me@freelance.test")
    sent = message(7, "me@freelance.test", "Offer", 6).replace(b"To: me@freelance.test", b"To: ada@example.com")
    server.append(user, PASSWORD, sent, folder="&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-")
    report = sync(cli, server, url.replace("/INBOX", "/Отправленные"))
    assert (report["read"], report["logged"]) == (1, 1)
    [item] = cli.ok("timeline", "ada", "-f", "json").json()
    assert (item["summary"], item["direction"]) == ("Offer", "out")
    assert rows(cli.target, "SELECT folder, last_uid FROM mail_folder") == [("Отправленные", 1)]


def test_a_missing_dovecot_fails_when_required_and_skips_otherwise(monkeypatch):
    """Like MINICRM_REQUIRE_PG: CI (MINICRM_REQUIRE_IMAP=1) must not skip the IMAP tests silently."""
    monkeypatch.setattr(dovecot, "DOVECOT", None)
    monkeypatch.setenv("MINICRM_REQUIRE_IMAP", "1")
    with pytest.raises(pytest.fail.Exception, match="MINICRM_REQUIRE_IMAP=1"):
        dovecot.require_dovecot()
    monkeypatch.delenv("MINICRM_REQUIRE_IMAP")
    with pytest.raises(pytest.skip.Exception, match="dovecot is not installed"):
        dovecot.require_dovecot()
