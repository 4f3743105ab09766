"""Markup, escape sequences and bidi overrides that arrive in imported files never reach the terminal raw (#16).

The hostile text comes in the way real data does, through `import csv` and `import vcard`, not through the
store; every command that shows it must print it as typed (markup literal) with the control characters made
visible (`␛`, `␇`, `�`). tests/tui/test_hostile_import.py walks the same database through the TUI.
"""

from __future__ import annotations

import csv

import pytest

from minicrm.cells import terminal_safe

BOB = "Bob [/b]"
LINK = "[link=https://evil.example]x[/link]"
TITLE = "\x1b]0;pwned\x07"
CSI = "\x1b[31m"
RTL = "\u202eevil"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")

CSV_NAME = f"{BOB} {TITLE}"
CSV_COMPANY = f"ACME {LINK} {RTL}"
CSV_NOTES = f"{LINK} {CSI}red {TITLE}"
VCARD_NAME = f"Eve {TITLE}{CSI} {RTL}"
VCARD_ORG = "Evil [red]Corp[/red]"
VCARD_NOTE = f"{LINK} {TITLE}"


def write_hostile_files(folder) -> tuple[str, str]:
    """A CSV and a vCard 3.0 file whose names, companies and notes carry markup, escapes and a bidi override."""
    with open(folder / "hostile.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "email", "company", "notes", "tags"])
        writer.writerow([CSV_NAME, "bob@example.org", CSV_COMPANY, CSV_NOTES, "vip"])
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:{VCARD_NAME}\r\nN:;Eve;;;\r\nORG:{VCARD_ORG}\r\nNOTE:{VCARD_NOTE}\r\n"
        "EMAIL:eve@example.org\r\nEND:VCARD\r\n"
    )
    (folder / "hostile.vcf").write_text(card, encoding="utf-8")
    return str(folder / "hostile.csv"), str(folder / "hostile.vcf")


@pytest.fixture
def imported(cli, tmp_path):
    csv_file, vcf_file = write_hostile_files(tmp_path)
    cli.ok("import", "csv", csv_file)
    cli.ok("import", "vcard", vcf_file)
    cli.ok("log", "bob", "call", "hello")
    return cli


def _clean(text: str) -> None:
    for ch in RAW:
        assert ch not in text, f"raw {ch!r} reached the terminal: {text!r}"


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("contact", "list"), [CSV_NAME, VCARD_NAME, VCARD_ORG]),
        (("contact", "show", "bob"), [CSV_NAME, CSV_COMPANY, CSV_NOTES]),
        (("contact", "show", "eve"), [VCARD_NAME, VCARD_ORG, VCARD_NOTE]),
        (("company", "list"), [VCARD_ORG]),
        (("company", "show", "acme"), [CSV_NAME]),
        (("search", "pwned"), []),
        (("timeline", "bob"), ["hello"]),
    ],
)
def test_imported_hostile_text_is_shown_as_typed(imported, args, shown):
    res = imported.ok(*args)
    _clean(res.stdout + res.stderr)
    for text in shown:
        assert terminal_safe(text) in res.stdout, f"{terminal_safe(text)!r} not in:\n{res.stdout}"


def test_forgotten_and_remind_show_imported_names_safely(imported):
    for args in (("forgotten", "--days", "30"), ("remind",)):
        res = imported.ok(*args, today="2027-06-01")
        _clean(res.stdout + res.stderr)
        assert terminal_safe(VCARD_NAME) in res.stdout + res.stderr or args[0] == "remind"


def test_the_machine_formats_keep_the_data_exact(imported):
    """JSON is for programs: the stored text comes back byte for byte (escaped by JSON, not replaced)."""
    rows = {c["name"]: c for c in imported.ok("contact", "list", "-f", "json").json()}
    assert rows[CSV_NAME]["notes"] == CSV_NOTES
    assert rows[VCARD_NAME]["company"] == VCARD_ORG
