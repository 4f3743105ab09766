"""Tables fit the terminal (#19): nothing wraps, low-priority columns drop first, long text is cut with `…`.

Regressions: at 80 columns `contact list` and `due` split names, e-mails and dates over two lines
(`Кузнецо`/`ва`, `2026-1`/`2-05`); even at 120 columns e-mails wrapped, so a double-click could not copy
them. Each listing is drawn at 60, 80, 120 and 200 columns (COLUMNS, as a shell exports it; one test uses a
real terminal's size) and checked row by row against its own JSON: one line per row, no line wider than
the terminal, and every shown cell of a protected column (ids, e-mails, phones, dates, amounts, numbers)
whole on its row's line. In a pipe nothing is cut.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from rich.cells import cell_len

from conftest import Cli, run_minicrm
from minicrm.cells import cell
from minicrm.commands import campaigns, companies, contacts, deals, followups, interactions, requests, tasks, team

WIDTHS = (60, 80, 120, 200)
LONG_GOAL = "send the revised quote with the volume discount for 2027 and the new delivery terms"
LONG_NAME = "Zoë Ibáñez-Fernández de Córdoba y Villalobos"


def fill(cli: Cli) -> Cli:
    """A small book with long names, several e-mails, Cyrillic, amounts in two currencies, and something in
    every listing (shared with test_csv_json_parity)."""
    ok = cli.ok
    ok("user", "add", "maria", "--email", "maria@crm.example")
    ok("user", "add", "bob")
    ok("company", "add", "Kuznetsov Logistik GmbH", "--industry", "logistics", "--city", "Санкт-Петербург",
       "--email", "info@kuznetsov-logistik.de", "--phone", "+49 30 12345678", "--tag", "key-account",
       "--owner", "maria")  # fmt: skip
    ok("company", "add", "Analytical Engines Ltd", "--industry", "software", "--city", "London")
    ok("contact", "add", "Анастасия Кузнецова", "--email", "a.kuznetsova@kuznetsov-logistik.de",
       "--email", "anastasia@example.org", "--phone", "+49 30 12345678", "--company", "Kuznetsov Logistik GmbH",
       "--status", "client", "--tag", "vip", "--tag", "key-account", "--next", "2026-12-05", "--goal", LONG_GOAL,
       "--owner", "maria", "--field", "industry=logistics")  # fmt: skip
    ok("contact", "add", "Ada Lovelace", "--email", "ada.lovelace@analytical-engines.uk",
       "--company", "Analytical Engines Ltd", "--tag", "vip", "--every", "2w", "--next", "2026-11-20",
       "--goal", "call back")  # fmt: skip
    ok("contact", "add", "Jürgen Müller-Lüdenscheidt", "--email", "juergen.mueller@example.com",
       "--phone", "+49 89 98765432", "--status", "lead", "--owner", "maria")  # fmt: skip
    ok("contact", "add", LONG_NAME, "--email", "zoe@ibanez.es", "--status", "partner", "--tag", "spain")
    ok("log", "ada", "call", "Discussed the proposal for the new analytical engine at length", "--out",
       "--duration", "25m", "--at", "2026-10-01 10:00")  # fmt: skip
    ok("log", "анастасия", "meeting", "Quarterly review in St. Petersburg with the whole logistics team",
       "--at", "2026-04-12 14:30")  # fmt: skip
    ok("deal", "add", "Fleet tracking rollout for 40 trucks, phase one", "--contact", "анастасия",
       "--amount", "81500", "--currency", "EUR", "--close", "2026-12-15", "--next-step", "send quote",
       "--next-step-on", "2026-11-18", "--owner", "maria")  # fmt: skip
    ok("deal", "add", "Support contract", "--contact", "ada", "--amount", "4800", "--currency", "USD",
       "--stage", "proposal")  # fmt: skip
    ok("deal", "add", "Engine parts", "--contact", "ada", "--product", "gear:4:300")
    ok("deal", "won", "3", "--on", "2026-11-02")
    ok("task", "add", "Prepare the onboarding checklist for the logistics rollout", "--due", "2026-11-19",
       "--contact", "анастасия")  # fmt: skip
    ok("request", "add", "Invoice 2026-114 shows the wrong VAT rate for the Berlin office", "--contact", "ada",
       "--priority", "high", "--due", "2026-11-21", "--at", "2026-11-10 09:00")  # fmt: skip
    ok("request", "time", "1", "45m", "checked the invoice", "--by", "maria")
    ok("segment", "save", "vips", "--tag", "vip")
    ok("campaign", "add", "Winter mailing 2026", "--channel", "email", "--tag", "vip", "--budget", "1500",
       "--start", "2026-11-01")  # fmt: skip
    ok("cadence", "set", "tag:vip", "14d")
    return cli


@pytest.fixture(scope="module")
def book(lasting_target) -> Cli:
    return fill(Cli(lasting_target()))


#: Each listing: its arguments and its columns (key, header, priority) as the command draws them.
LISTINGS: dict[str, tuple[tuple[str, ...], list]] = {
    "contact list": (("contact", "list"), contacts.CONTACT_COLUMNS),
    "due": (("due", "--within", "30d"), followups.DUE_COLUMNS),
    "forgotten": (("forgotten", "--days", "30"), followups.FORGOTTEN_COLUMNS),
    "company list": (("company", "list"), companies.COLUMNS),
    "deal list": (("deal", "list"), deals.DEAL_COLUMNS),
    "task list": (("task", "list"), tasks.COLUMNS),
    "timeline": (("timeline", "ada"), interactions.TIMELINE_COLUMNS),
    "search": (("search", "engine"), interactions.SEARCH_COLUMNS),
    "request list": (("request", "list"), requests.LIST_COLUMNS),
    "campaign list": (("campaign", "list"), campaigns.LIST_COLUMNS),
    "campaign members": (("campaign", "members", "1"), campaigns.MEMBER_COLUMNS),
    "user list": (("user", "list"), team.USER_COLUMNS),
    "audit": (("audit", "--limit", "8"), team.AUDIT_COLUMNS),
}
#: Values a reader copies or compares: never wrapped, never cut (by key, as output.is_whole decides them).
PROTECTED = ("id", "emails", "email", "phones", "on", "time", "amount", "currency", "probability", "minutes",
             "contacts", "members", "budget", "value", "open_deals", "open_tasks", "companies")  # fmt: skip


def protected(key: str) -> bool:
    return key in PROTECTED or key.endswith(("_id", "_on", "_at", "_close"))


def shown_text(key: str, value: Any) -> str:
    """What a protected cell holds: the first of several e-mails or phones, a datetime to the minute."""
    if isinstance(value, list):
        return cell(value[0]) if value else ""
    return cell(value)


def headers_of(line: str) -> list[str]:
    return [h for h in re.split(r"\s{2,}", line.strip()) if h]


def draw(cli: Cli, monkeypatch, width: int, *args: str):
    monkeypatch.setenv("COLUMNS", str(width))
    return cli.ok(*args)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(LISTINGS))
def test_every_row_is_one_line_and_protected_cells_stay_whole(book, monkeypatch, name, width):
    args, columns = LISTINGS[name]
    rows = book.ok(*args, "-f", "json").json()
    assert rows, f"{name}: the book should give this listing rows"
    res = draw(book, monkeypatch, width, *args)
    lines = res.stdout.rstrip("\n").split("\n")
    assert len(lines) == 1 + len(rows), f"{name} at {width}: a row took more than one line\n{res.stdout}"
    assert all(cell_len(line) <= width for line in lines), f"{name}: wider than {width}\n{res.stdout}"
    shown = headers_of(lines[0])
    by_header = {header: key for key, header, _ in columns}
    assert [h for h in shown if h not in by_header] == [], f"{name}: a header was cut: {shown}"
    assert all(priority > 1 for key, header, priority in columns if header and header not in shown), shown
    for line, row in zip(lines[1:], rows, strict=True):
        for header in shown:
            key = by_header[header]
            text = shown_text(key, row.get(key))
            if protected(key) and text:
                assert text in line, f"{name} at {width}: {key} {text!r} is not whole on its line:\n{line}"
    if width == 200:  # this book fits whole at 200 columns, but for cut text
        assert shown == [h for _, h, _ in columns if h], f"{name}: columns left out at 200: {shown}"
        assert "not shown" not in res.stderr


def test_low_priority_columns_drop_first_and_text_is_cut(book, monkeypatch):
    res = draw(book, monkeypatch, 80, "contact", "list")
    shown = headers_of(res.stdout.splitlines()[0])
    assert shown == ["ID", "Name", "E-mail", "Next"]  # priorities 1 and 2: the rest does not fit

    assert "not shown at 80 columns:" in res.stderr and "Goal" in res.stderr and "--format json or csv" in res.stderr
    assert "a.kuznetsova@kuznetsov-logistik.de +1" in res.stdout  # the first e-mail, whole, and how many more
    assert "2026-12-05" in res.stdout and "2026-1\n" not in res.stdout
    assert "Анастасия Кузнецова" in res.stdout  # the reported `Кузнецо`/`ва`
    narrow = draw(book, monkeypatch, 60, "due", "--within", "30d").stdout
    assert "…" in narrow and "2026-11-18" in narrow  # text cut, dates whole
    wide = draw(book, monkeypatch, 200, "contact", "list").stdout
    assert "Goal" in wide and "Zoë Ibáñez-Fernández de Córdoba" in wide  # all columns; the longest name cut


def test_a_column_too_wide_for_the_terminal_is_cut_never_wrapped(cli, monkeypatch):
    cli.ok("contact", "add", "Ada", "--email", "ada.lovelace.with.a.very.long.address@analytical-engines.example")
    out = draw(cli, monkeypatch, 40, "contact", "list").stdout.splitlines()
    assert len(out) == 2 and all(cell_len(line) <= 40 for line in out), out
    assert "ada.lovelace" not in out[1]  # the e-mail does not fit even alone: its column is left out
    card = draw(cli, monkeypatch, 60, "contact", "show", "ada").stdout
    assert "Ada" in card


def test_cards_fit_too(book, monkeypatch):
    for args in (("contact", "show", "анастасия"), ("company", "show", "kuznetsov"), ("deal", "show", "1")):
        for width in (60, 80):
            out = draw(book, monkeypatch, width, *args).stdout
            assert all(cell_len(line) <= width for line in out.splitlines()), f"{args} at {width}:\n{out}"
    deals_table = draw(book, monkeypatch, 60, "contact", "show", "анастасия").stdout
    assert "81500.00 EUR" in deals_table and "1  " in deals_table


def test_pipeline_fits_and_keeps_amounts_whole(book, monkeypatch):
    for width in WIDTHS:
        out = draw(book, monkeypatch, width, "pipeline").stdout
        assert all(cell_len(line) <= width for line in out.splitlines()), out
        assert "81500.00 EUR" in out and "4800.00 USD" in out


def test_in_a_pipe_nothing_is_cut(book):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    res = run_minicrm("--db", book.target, "--today", book.today, "contact", "list", env=env)
    assert res.returncode == 0, res.stderr
    assert "…" not in res.stdout and LONG_GOAL in res.stdout and LONG_NAME in res.stdout
    assert res.stderr == ""  # nothing left out, nothing to say
    assert len(res.stdout.splitlines()) == 5  # a header and four contacts, one line each


def test_a_real_terminal_gives_its_width(book):
    """Without COLUMNS, the terminal's own size decides (a pseudo-terminal of 80 columns)."""
    import fcntl
    import pty
    import struct
    import subprocess
    import sys
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | {"NO_COLOR": "1", "TERM": "dumb"}
    args = [sys.executable, "-m", "minicrm", "--db", book.target, "--today", book.today, "contact", "list"]
    proc = subprocess.run(args, stdout=slave, stderr=subprocess.PIPE, env=env, timeout=60)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.returncode == 0, proc.stderr
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode()).replace("\r\n", "\n")
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == 5 and all(cell_len(line) <= 80 for line in lines), text
    assert "a.kuznetsova@kuznetsov-logistik.de" in text and "Goal" not in lines[0]
    assert b"not shown at 80 columns" in proc.stderr
