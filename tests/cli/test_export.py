"""`minicrm export csv|vcard|json` and `import json`: round trips, formula neutralising, real vCard readers."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import vobject

from conftest import FIXTURES, is_postgres, rows, scalar

FIX = FIXTURES / "import"
KEPT = ("name", "emails", "phones", "company", "role", "tags", "birthday", "notes", "status", "fields")


def people(cli, *keys: str) -> list[dict]:
    keys = keys or KEPT
    return sorted(
        ({k: c[k] for k in keys} for c in cli.ok("contact", "list", "--archived", "-f", "json").json()
         + cli.ok("contact", "list", "-f", "json").json()),
        key=lambda c: c["name"],
    )  # fmt: skip


def data_digest(target: str) -> dict[str, list]:
    """Every row of every table; the search index by its content (its internal b-tree pages may differ)."""
    if is_postgres(target):
        tables = [
            r[0]
            for r in rows(
                target,
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            )
        ]
        return {table: rows(target, f'SELECT * FROM "{table}" ORDER BY 1') for table in tables}
    conn = sqlite3.connect(target)
    try:
        out = {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            if "_fts_" in table:
                continue
            order = "rowid" if table.endswith("_fts") else "1"
            select = "rowid, *" if table.endswith("_fts") else "*"
            out[table] = conn.execute(f'SELECT {select} FROM "{table}" ORDER BY {order}').fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture
def filled(cli, acting):
    """A database with imported people, companies, interactions, an archived contact and a deleted one."""
    for name in ("google.vcf", "apple.vcf", "v4.vcf"):
        cli.ok("import", "vcard", str(FIX / name))
    cli.ok("import", "csv", str(FIX / "excel_cp1251.csv"))
    cli.ok("contact", "add", "Temp", "--email", "temp@example.org")
    cli.ok("contact", "delete", "temp", "--yes")
    cli.ok("log", "marie", "call", "Lab visit, planned the next steps", "--at", "2026-11-20 10:00", "--body", "Notes")
    acting("alice").ok("log", "hedy", "meeting", "Demo", "--next", "2026-12-01", "--goal", "contract")
    cli.ok("contact", "edit", "niels", "--field", "lang=da", "--every", "2w")
    cli.ok("contact", "archive", "niels")
    cli.ok("company", "add", "Empty Co", "--city", "Oslo", "--tag", "prospect")
    return cli


def test_csv_formula_injection_neutralised(cli, tmp_path, new_target):
    cli.ok("contact", "add", "=HYPERLINK(\"http://evil.example\",\"click\")", "--note", "+cmd|' /C calc'!A0",
           "--phone", "+1 555 0100", "--role", "@SUM(1+1)", "--company", "-2+3")  # fmt: skip
    out = cli.ok("export", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["notes"] == "'+cmd|' /C calc'!A0"
    assert rows[0]["role"] == "'@SUM(1+1)" and rows[0]["company"] == "'-2+3"
    assert rows[0]["phone"] == "+1 555 0100"  # a phone number is no formula: left as it is (#17)
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for k, v in row.items() if k != "phone")
    # and import csv takes the quote off again
    (tmp_path / "out.csv").write_text(out, encoding="utf-8")
    other = type(cli)(new_target())
    other.ok("import", "csv", str(tmp_path / "out.csv"))
    [back] = other.ok("contact", "list", "-f", "json").json()
    assert back["name"] == '=HYPERLINK("http://evil.example","click")'
    assert (back["notes"], back["role"], back["phones"]) == ("+cmd|' /C calc'!A0", "@SUM(1+1)", ["+1 555 0100"])


def test_csv_bom_delimiter_tag_and_file(filled, tmp_path):
    target = tmp_path / "vip.csv"
    res = filled.ok("export", "csv", "-o", str(target), "--bom", "--delimiter", ";", "--tag", "vip", "--tag", "опт")
    assert "exported 3 contacts" in res.stderr
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and oct(target.stat().st_mode & 0o777) == "0o600"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [r["name"] for r in rows] == ["Marie Curie", "Hedy Lamarr", "Иванов Иван Иванович"]
    assert not filled.ok("export", "csv").stdout.startswith("\ufeff")
    filled.fails("export", "csv", "--delimiter", "x", code=2, match="invalid --delimiter 'x'")


def test_csv_round_trip(filled, tmp_path, new_target):
    (tmp_path / "all.csv").write_text(filled.ok("export", "csv").stdout, encoding="utf-8")
    other = type(filled)(new_target())
    other.ok("import", "csv", str(tmp_path / "all.csv"))
    keys = ("name", "emails", "phones", "company", "role", "tags", "birthday", "notes", "status")
    assert people(other, *keys) == people(filled, *keys)


@pytest.mark.parametrize("flag", [[], ["--vcard3"]])
def test_vcard_round_trip(filled, tmp_path, flag, new_target):
    target = tmp_path / "all.vcf"
    filled.ok("export", "vcard", "-o", str(target), *flag)
    text = target.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 8
    assert ("VERSION:3.0" if flag else "VERSION:4.0") in text
    assert ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-11-07" if flag else "BDAY:--1107") in text
    other = type(filled)(new_target())
    other.ok("import", "vcard", str(target))
    assert people(other) == people(filled)
    # the UIDs are stable: importing the export again updates nothing
    res = other.ok("import", "vcard", str(target), "-f", "json").json()
    assert (res["created"], res["updated"], res["unchanged"]) == (0, 0, 8)


def test_exported_vcards_read_by_vobject(filled):
    cards = list(vobject.readComponents(filled.ok("export", "vcard").stdout))
    by_name = {c.fn.value: c for c in cards}
    assert len(by_name) == 8
    marie = by_name["Marie Curie"]
    assert [e.value for e in marie.contents["email"]] == ["marie@radium.example", "marie.sklodowska@example.pl"]
    assert marie.org.value == ["Institut du Radium", "Laboratoire"] and marie.bday.value == "--1107"
    assert marie.note.value == "Two Nobel prizes, physics and chemistry.\nAsk about the new lab."
    assert by_name["Hedy Lamarr"].uid.value == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert by_name["Иванов Иван Иванович"].categories.value == ["клиент", "опт"]
    cards3 = list(vobject.readComponents(filled.ok("export", "vcard", "--vcard3").stdout))
    assert {c.version.value for c in cards3} == {"3.0"}


@pytest.mark.parametrize("flag", [[], ["--vcard3"]])
def test_exported_vcards_read_by_khard(filled, tmp_path, flag):
    khard = str(Path(sys.executable).parent / "khard")
    if not Path(khard).exists():
        khard = shutil.which("khard")
    assert khard, "khard is part of the test extra: pip install -e '.[test]'"
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    text = filled.ok("export", "vcard", *flag).stdout
    for i, card in enumerate(re.findall(r"BEGIN:VCARD.*?END:VCARD\r?\n", text, re.S)):
        (vdir / f"{i}.vcf").write_text(card, encoding="utf-8", newline="")
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[crm]]\npath = {vdir}\n[general]\neditor = /bin/true\nmerge_editor = /bin/true\n"
        "[contact table]\ndisplay = formatted_name\n"  # FN (khard builds "given family" from N by default)
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "LC_ALL": "C.UTF-8"}

    def run(*args: str) -> str:
        res = subprocess.run([khard, "-c", str(config), *args], capture_output=True, text=True, env=env, timeout=60)
        assert res.returncode == 0, res.stderr
        return "\n".join(line for line in res.stdout.splitlines() if "\t" in line)  # drop "searching for..."

    names = {line.split("\t")[1] for line in run("list", "--parsable").splitlines()}
    assert names == {p["name"] for p in people(filled)}
    emails = {tuple(line.split("\t")[:2]) for line in run("email", "--parsable").splitlines()}
    assert ("marie.sklodowska@example.pl", "Marie Curie") in emails and len(emails) == 9
    phones = {tuple(line.split("\t")[:2]) for line in run("phone", "--parsable").splitlines()}
    assert any(name == "Hedy Lamarr" and "43" in number for number, name in phones)
    birthdays = dict(reversed(line.split("\t")[:2]) for line in run("birthdays", "--parsable").splitlines())
    assert birthdays["Niels Bohr"] == "1885.10.07"
    assert birthdays["Marie Curie"].endswith("11.07")


def test_json_round_trip_is_exact(filled, tmp_path, db_target, new_target):
    doc = filled.ok("export", "json").stdout
    (tmp_path / "db.json").write_text(doc, encoding="utf-8")
    other = type(filled)(new_target())
    res = other.ok("import", "json", str(tmp_path / "db.json"))
    assert "restored" in res.stderr
    assert other.ok("export", "json").stdout == doc
    assert data_digest(other.target) == data_digest(db_target)
    # the search index is rebuilt, AUTOINCREMENT counters are kept (the deleted contact's id is not reused)
    assert [h["title"] for h in other.ok("search", "lab visit", "-f", "json").json()] == [
        "Lab visit, planned the next steps"
    ]
    new_id = int(other.ok("contact", "add", "Newcomer").stdout)
    assert new_id == int(filled.ok("contact", "add", "Newcomer").stdout)


def test_json_nl_round_trip(filled, tmp_path, new_target):
    nd = filled.ok("export", "json", "--nl").stdout
    lines = nd.splitlines()
    assert lines[0].startswith('{"format":"minicrm-database"') and '"table":"contact"' in nd
    (tmp_path / "db.ndjson").write_text(nd, encoding="utf-8")
    other = type(filled)(new_target())
    other.ok("import", "json", str(tmp_path / "db.ndjson"))
    assert other.ok("export", "json", "--nl").stdout == nd
    assert other.ok("export", "json").stdout == filled.ok("export", "json").stdout


def test_json_import_refuses_data_unless_replace(filled, tmp_path, db_target, new_target):
    doc = tmp_path / "db.json"
    filled.ok("export", "json", "-o", str(doc))
    other = type(filled)(new_target())
    other.ok("contact", "add", "Someone")
    other.fails("import", "json", str(doc), code=1, match="already holds data")
    other.ok("import", "json", str(doc), "--replace")
    assert data_digest(other.target) == data_digest(db_target)


def test_json_bad_input(cli, tmp_path):
    cli.ok("contact", "list")  # the database exists
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "minicrm-database", "version": 1, "schema": "0001", "tables": {"contact": [{"nope": 1}]}}'
    )
    cli.fails("import", "json", str(bad), code=2, match="unknown columns in contact: nope")
    bad.write_text('{"tables": ')
    cli.fails("import", "json", str(bad), code=2, match="invalid JSON")
    bad.write_text('{"format": "minicrm-database", "version": 1, "schema": "9999", "tables": {}}')
    cli.fails("import", "json", str(bad), code=2, match="schema revision 9999")
    bad.write_text('{"format": "minicrm-database", "version": 1, "schema": "0001", "tables": '
                   '{"contact_email": [{"id": 1, "contact_id": 42, "email": "a@b.c", "email_key": "a@b.c",'
                   ' "label": null, "position": 0}]}}')  # fmt: skip
    cli.fails("import", "json", str(bad), code=2, match="at missing rows (first in table contact_email")
    cli.fails("export", "json", "--tag", "vip", code=2, match="--tag does not apply")


def test_export_json_matches_database(filled, db_target):
    import json

    doc = json.loads(filled.ok("export", "json").stdout)
    for table in ("contact", "company", "interaction", "audit_log", "contact_tag", "meta"):
        assert len(doc["tables"][table]) == scalar(db_target, f"SELECT count(*) FROM {table}")
    assert "contact_fts" not in doc["tables"]
    contact = doc["tables"]["contact"][0]
    assert contact["created_at"] == scalar(db_target, "SELECT CAST(created_at AS TEXT) FROM contact WHERE id = 1")
    assert doc["sequences"]["contact"] == 9


def test_csv_commands_do_not_load_vobject(filled, db_target):
    from conftest import loaded

    assert loaded("--db", str(db_target), "export", "csv") == []
    assert loaded("--db", str(db_target), "import", "csv", str(FIX / "semicolon.csv")) == []
    assert loaded("--db", str(db_target), "export", "vcard") == ["vobject"]
