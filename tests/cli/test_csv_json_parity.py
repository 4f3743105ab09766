"""Every command's CSV has the columns of its JSON, with machine values (#19).

Regressions: `contact list -f csv` had other columns than its JSON; the CSV of `forgotten`, `due` and `pipeline`
held text for people (`222 days`, `326d`, `"81500.00 EUR, 4800.00 USD"` in one cell).

The rule (README, "CSV output"): one column per JSON field, in the JSON's order; a listing is one line per
object, a `show` one line; a report whose JSON is an object has the CSV of its main list (`whois` matches,
`report sales` rows, `report service` clients, `segment show` members, `import` items). Values as JSON has them:
text as is, numbers, `true`/`false`, null empty, ISO dates, a list of plain values joined with `; `, an object
or a list of objects as compact JSON. Amounts per currency ({"EUR": "81500.00"}) give one line per currency,
with a `currency` column before the first of them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.cli.test_table_width import fill

from conftest import Cli

MBOX = Path(__file__).resolve().parent.parent / "fixtures" / "mail" / "archive.mbox"

#: Every command with `--format table|json|csv`: its arguments (FILE and TARGET filled in by the test), the
#: JSON field holding the CSV's rows (None: the JSON itself), and its fields of amounts per currency.
COMMANDS: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    "contact list": (("contact", "list"), None, ()),
    "contact show": (("contact", "show", "анастасия"), None, ()),
    "company list": (("company", "list"), None, ()),
    "company show": (("company", "show", "kuznetsov"), None, ()),
    "timeline": (("timeline", "ada"), None, ()),
    "search": (("search", "engine"), None, ()),
    "due": (("due", "--within", "30d"), None, ()),
    "forgotten": (("forgotten", "--days", "30"), None, ()),
    "cadence list": (("cadence", "list"), None, ()),
    "deal list": (("deal", "list"), None, ()),
    "deal show": (("deal", "show", "3"), None, ()),
    "pipeline": (("pipeline",), None, ("totals", "weighted")),
    "pipeline stages list": (("pipeline", "stages", "list"), None, ()),
    "task list": (("task", "list"), None, ()),
    "report pipeline": (("report", "pipeline"), None, ("totals", "weighted")),
    "report forecast": (("report", "forecast"), None, ()),
    "report sales": (("report", "sales"), "rows", ()),
    "report clients": (("report", "clients"), None, ()),
    "report activity": (("report", "activity"), None, ()),
    "report segments": (("report", "segments", "--by", "status"), None, ("revenue", "average_per_contact")),
    "report campaigns": (("report", "campaigns"), None, ()),
    "report service": (("report", "service"), "time_per_client", ()),
    "report plan": (("report", "plan"), None, ()),
    "report team": (("report", "team"), None, ("revenue",)),
    "plan list": (("plan", "list"), None, ()),
    "report lost": (("report", "lost"), None, ("lifetime_value",)),
    "report lost-deals": (("report", "lost-deals"), None, ("value",)),
    "report time": (("report", "time"), "rows", ()),
    "report greetings": (("report", "greetings"), None, ()),
    "contact date list": (("contact", "date", "list"), None, ()),
    "campaign list": (("campaign", "list"), None, ()),
    "campaign show": (("campaign", "show", "1"), None, ()),
    "campaign members": (("campaign", "members", "1"), None, ()),
    "campaign report": (("campaign", "report"), None, ()),
    "segment list": (("segment", "list"), None, ()),
    "segment show": (("segment", "show", "vips"), "members", ()),
    "request list": (("request", "list"), None, ()),
    "request show": (("request", "show", "1"), None, ()),
    "request report": (("request", "report"), "time_per_client", ()),
    "kind list": (("kind", "list"), None, ()),
    "field list": (("field", "list"), None, ()),
    "whois": (("whois", "ada.lovelace@analytical-engines.uk"), "matches", ()),
    "user list": (("user", "list"), None, ()),
    "audit": (("audit",), None, ()),
    "history": (("history", "анастасия"), None, ()),
    "config show": (("config", "show"), None, ()),
    "handover": (("handover", "--from", "maria", "--to", "bob", "--dry-run"), None, ()),
    "doctor": (("doctor",), None, ()),
    "backup": (("backup", "FILE"), None, ()),
    "migrate-to": (("migrate-to", "TARGET"), None, ()),
    "import csv": (("import", "csv", "FILE", "--dry-run"), "items", ()),
    "import vcard": (("import", "vcard", "FILE", "--dry-run"), "items", ()),
    "hook list": (("hook", "list"), None, ()),
    "hook log": (("hook", "log"), None, ()),
    "hook deliver": (("hook", "deliver"), None, ()),
    "hook test": (("hook", "test", "contact.created"), None, ()),
    "mail import": (("mail", "import", "FILE", "--dry-run"), "unknown_senders", ()),
}
#: Commands with `--format` this test cannot run, and where their CSV is checked instead.
UNCHECKED = {
    "mail log": "reads a message on stdin: tests/cli/test_mail.py",
    "mail sync": "needs an IMAP server: tests/cli/test_mail_sync.py runs Dovecot",
}
#: Outputs that differ between two runs by nature (a new file each time: its path, size and time; a webhook
#: attempt's time taken and next try).
CHANGING = {"backup", "hook log", "hook deliver", "hook test"}


def machine(value: Any) -> str:
    """The CSV cell of a JSON value, as the README states the rule (written apart from minicrm.output)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        return "; ".join(machine(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def expected_csv(rows: list[dict[str, Any]], per_currency: tuple[str, ...]) -> list[list[str]]:
    if not rows:
        return []
    header = list(dict.fromkeys(k for row in rows for k in row))
    if per_currency:
        header.insert(min(header.index(f) for f in per_currency), "currency")
    lines = [header]
    for row in rows:
        currencies = list(dict.fromkeys(c for f in per_currency for c in row[f])) or [None]
        for cur in currencies:
            line = dict(row)
            if per_currency:
                line |= {f: row[f].get(cur) for f in per_currency} | {"currency": cur}
            lines.append([machine(line.get(k)) for k in header])
    return lines


@pytest.fixture(scope="module")
def book(lasting_target, tmp_path_factory) -> Cli:
    cli = fill(Cli(lasting_target()))
    cli.ok("plan", "set", "--user", "maria", "--period", "2026-11", "--revenue", "50000", "EUR", "--deals", "2")
    old = cli.ok("deal", "add", "Old gears", "--contact", "jürgen", "--amount", "990").stdout.strip()
    cli.ok("deal", "won", old, "--on", "2025-01-15")  # a lost client
    gone = cli.ok("deal", "add", "Spare engine", "--contact", "ada", "--amount", "120", "--currency", "USD")
    cli.ok("deal", "lost", gone.stdout.strip(), "--reason", "price")
    cli.ok("contact", "date", "add", "ada", "Wedding anniversary", "2015-11-30", "--yearly")  # to greet in 8 days
    cli.ok("hook", "add", "contact.created", "--url", "http://127.0.0.1:9/parity")  # nobody listens: attempts fail
    cli.ok("contact", "add", "Hook Person")
    files = tmp_path_factory.mktemp("files")
    (files / "in.csv").write_text("name,email\nNew Person,new@example.org\nAda Lovelace,ada@example.org\n")
    (files / "in.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Card Person\nEMAIL:card@example.org\nEND:VCARD\n")
    cli.files = files  # type: ignore[attr-defined]
    return cli


def run(book: Cli, name: str, fmt: str, new_target, tmp_path) -> str:
    args, _, _ = COMMANDS[name]
    files = {"import csv": book.files / "in.csv", "import vcard": book.files / "in.vcf", "mail import": MBOX}  # type: ignore[attr-defined]
    filled = [
        str(files.get(name, tmp_path / f"backup-{fmt}.db"))
        if a == "FILE"
        else new_target(f"copy-{fmt}", empty=True)
        if a == "TARGET"
        else a
        for a in args
    ]
    res = book(*filled, "-f", fmt)
    assert res.stdout, f"{name} -f {fmt}: nothing on stdout (exit {res.exit_code})\n{res.stderr}"
    return res.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_csv_has_the_fields_of_the_json(book, new_target, tmp_path, name):
    _, path, per_currency = COMMANDS[name]
    data = json.loads(run(book, name, "json", new_target, tmp_path))
    rows = data if isinstance(data, list) else data[path] if path else [data]
    assert rows, f"{name}: the book should give rows"
    got = list(csv.reader(io.StringIO(run(book, name, "csv", new_target, tmp_path))))
    want = expected_csv(rows, per_currency)
    assert got[0] == want[0], f"{name}: CSV header is not the JSON's fields"
    if name in CHANGING:
        assert len(got) == len(want)
    else:
        assert got == want


def test_the_reported_human_cells_are_machine_values_now(book, new_target, tmp_path):
    forgotten = list(csv.DictReader(io.StringIO(run(book, "forgotten", "csv", new_target, tmp_path))))
    assert forgotten and all(re.fullmatch(r"\d*", r["days_silent"]) for r in forgotten)
    assert {r["never_contacted"] for r in forgotten} <= {"true", "false"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d|", r["last_interaction_at"]) for r in forgotten)
    due = list(csv.DictReader(io.StringIO(run(book, "due", "csv", new_target, tmp_path))))
    assert due and all(re.fullmatch(r"\d+", r["days_overdue"]) for r in due) and "late" not in due[0]
    pipeline = list(csv.DictReader(io.StringIO(run(book, "pipeline", "csv", new_target, tmp_path))))
    lead = [(r["currency"], r["totals"]) for r in pipeline if r["stage"] == "lead"]
    assert ("EUR", "81500.00") in lead  # one currency per line, a plain amount
    assert ("USD", "4800.00") in [(r["currency"], r["totals"]) for r in pipeline if r["stage"] == "proposal"]
    contacts = list(csv.DictReader(io.StringIO(run(book, "contact list", "csv", new_target, tmp_path))))
    first = next(r for r in contacts if r["name"] == "Анастасия Кузнецова")
    assert first["emails"] == "a.kuznetsova@kuznetsov-logistik.de; anastasia@example.org"
    assert first["fields"] == '{"industry":"logistics"}' and first["archived"] == "false"


def test_an_empty_listing_is_empty_in_both(cli):
    assert cli.ok("contact", "list", "-f", "json").json() == []
    assert cli.ok("contact", "list", "-f", "csv").stdout == ""


def test_every_command_with_a_csv_format_is_checked():
    """A new command with `--format table|json|csv` must be added to COMMANDS above."""
    from minicrm.cli import COMMANDS as TOP
    from minicrm.cli import module_commands
    from minicrm.output import Format

    def walk(command, path):
        subs = getattr(command, "commands", None)
        if subs is None or getattr(command, "invoke_without_command", False):
            yield path, command
        for name, sub in (subs or {}).items():
            yield from walk(sub, [*path, name])

    found = set()
    for module in sorted({m for m, _ in TOP.values()}):
        for name, command in module_commands(module).items():
            for path, cmd in walk(command, [name]):
                if any("--format" in getattr(p, "opts", ()) and isinstance(p.default, Format) for p in cmd.params):
                    found.add(" ".join(path))
    assert found == set(COMMANDS) | set(UNCHECKED)
