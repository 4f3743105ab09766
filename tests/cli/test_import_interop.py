"""Real exports of the address books and CRMs our users come from import whole (#17).

One file per source in tests/fixtures/interop/ (written the way each program writes it: see the README there),
each with the contacts and companies it must give in expected/NAME.json: names, e-mails and phones with their
labels, company, role, birthday, tags, notes, the postal address in its parts, custom fields, the family name.
Importing it again changes nothing, and what we export from it comes back the same (CSV, vCard 4.0 and 3.0).
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, Cli, rows

INTEROP = FIXTURES / "interop"
EXPECTED = sorted((INTEROP / "expected").glob("*.json"))
CONTACT_KEYS = ("name", "emails", "phones", "company", "role", "birthday", "tags", "notes", "address", "city", "region",
                "postcode", "country", "fields")  # fmt: skip
COMPANY_KEYS = ("name", "phone", "email", "website", "address", "city", "region", "postcode", "country", "notes",
                "tags", "fields")  # fmt: skip


def kind_of(name: str) -> str:
    return "vcard" if name.endswith(".vcf") else "csv"


def contacts_of(cli: Cli) -> list[dict]:
    """Every contact as the expected files hold it, by name."""
    out = []
    for c in sorted(cli.ok("contact", "list", "-f", "json").json(), key=lambda c: c["name"]):
        item = {k: c[k] for k in CONTACT_KEYS}
        item["email_labels"] = dict(rows(cli.target, "SELECT email, label FROM contact_email WHERE contact_id = ?"
                                         " AND label IS NOT NULL", [c["id"]]))  # fmt: skip
        item["phone_labels"] = dict(rows(cli.target, "SELECT phone, label FROM contact_phone WHERE contact_id = ?"
                                         " AND label IS NOT NULL", [c["id"]]))  # fmt: skip
        item["family_name"] = rows(cli.target, "SELECT family_name FROM contact WHERE id = ?", [c["id"]])[0][0]
        out.append(item)
    return out


def companies_of(cli: Cli) -> list[dict]:
    firms = cli.ok("company", "list", "-f", "json").json()
    return [{k: c[k] for k in COMPANY_KEYS} for c in sorted(firms, key=lambda c: c["name"])]


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_a_real_export_imports_whole(cli, expected):
    want = json.loads(expected.read_text(encoding="utf-8"))
    name = want["file"]
    res = cli.ok("import", kind_of(name), str(INTEROP / name), "-f", "json")
    said = res.stderr.replace(f"{INTEROP}/", "")
    for note in want["notes"]:
        assert note in said, (note, said)
    assert res.json()["rejected"] == 0
    assert _differences(contacts_of(cli), want["contacts"]) == []
    assert companies_of(cli) == want["companies"]
    again = cli.ok("import", kind_of(name), str(INTEROP / name), "-f", "json").json()
    assert (again["created"], again["updated"], again["companies_created"]) == (0, 0, [])


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_what_we_export_comes_back(cli, expected, new_target, tmp_path):
    """Our CSV and vCards of each source's contacts import into an empty database as the same contacts."""
    name = json.loads(expected.read_text(encoding="utf-8"))["file"]
    cli.ok("import", kind_of(name), str(INTEROP / name))
    mine = contacts_of(cli)
    for kind, flag in (("csv", []), ("vcard", []), ("vcard", ["--vcard3"])):
        out = tmp_path / f"out-{kind}{''.join(flag)}"
        cli.ok("export", kind, "-o", str(out), *flag)
        other = Cli(new_target())
        other.ok("import", kind, str(out))
        theirs, want = contacts_of(other), [dict(c) for c in mine]
        if kind == "csv":  # a CSV has one column of e-mails and one of phones: no labels, no family name
            for c in [*want, *theirs]:
                c["email_labels"] = c["phone_labels"] = {}
                c["family_name"] = None
        assert _differences(theirs, want) == [], (kind, flag)


def _differences(got: list[dict], want: list[dict]) -> list[tuple]:
    """(name, key, got, wanted) for every value that differs, to read instead of two long lists."""
    if [c["name"] for c in got] != [c["name"] for c in want]:
        return [("names", [c["name"] for c in got], [c["name"] for c in want])]
    return [(w["name"], k, g[k], w[k]) for g, w in zip(got, want, strict=True) for k in w if g[k] != w[k]]
