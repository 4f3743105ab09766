"""`minicrm import csv|vcard`: real-world files, duplicates, dry runs, bad rows, and bulk tag/edit from stdin."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, row, rows, scalar, target_digest

FIX = FIXTURES / "import"


def contacts(cli) -> dict[str, dict]:
    return {c["name"]: c for c in cli.ok("contact", "list", "-f", "json").json()}


def count(target, table: str) -> int:
    return scalar(target, f"SELECT count(*) FROM {table}")


def test_google_contacts_csv(cli, db_target):
    res = cli.ok("import", "csv", str(FIX / "google_contacts.csv"), "-f", "json")
    summary = res.json()
    assert (summary["created"], summary["merged"], summary["rejected"]) == (4, 1, 0)
    people = contacts(cli)
    assert set(people) == {"Ada Lovelace", "José Álvarez", "Grace Brewster Hopper", "solo@example.com"}
    ada = people["Ada Lovelace"]
    # the second "Ada" row (same e-mail, other case) was merged into the first, not duplicated
    assert ada["emails"] == ["ada@example.org", "ada.home@example.net"]
    assert ada["phones"] == ["+44 20 7946 0000", "+44 20 7946 0001"]
    assert ada["tags"] == ["friends", "partners", "vip"]
    assert (ada["company"], ada["role"], ada["birthday"]) == ("Analytical Engines", "CTO", "1815-12-10")
    assert ada["notes"] == "Met at the Royal Society.\nLikes poetry, math."
    assert ada["address"].startswith("12 St James's Square")
    assert ada["fields"] == {"website": "https://engines.example.org", "department": "R&D"}
    assert people["José Álvarez"]["birthday"] == "--12-10"
    assert people["Grace Brewster Hopper"]["emails"] == ["grace@navy.example", "ghopper@example.com"]
    # the invariants create_contact keeps: keys, labels, FTS rows, audit
    assert row(db_target, "SELECT name_key, birthday_md FROM contact WHERE name = 'José Álvarez'") == (
        "jose alvarez",
        "12-10",
    )
    assert row(db_target, "SELECT label FROM contact_phone WHERE phone = '+44 20 7946 0000'") == ("mobile",)
    assert row(db_target, "SELECT count(*) FROM contact_email WHERE email_key <> lower(email)") == (0,)
    assert row(db_target, "SELECT count(*) FROM contact_fts") == (4,)
    assert row(db_target, "SELECT count(*) FROM company_fts") == (3,)
    assert rows(db_target, "SELECT entity, action FROM audit_log") == [("import", "create")]
    hits = cli.ok("search", "alvarez", "-f", "json").json()
    assert [h["title"] for h in hits] == ["José Álvarez"]
    assert cli.ok("search", "analytical", "-f", "json").json()[0]["kind"] == "contact"


def test_reimport_creates_nothing_and_changes_nothing(cli, db_target):
    cli.ok("import", "csv", str(FIX / "google_contacts.csv"))
    before = target_digest(db_target)
    res = cli.ok("import", "csv", str(FIX / "google_contacts.csv"), "-f", "json").json()
    assert (res["created"], res["updated"], res["unchanged"]) == (0, 0, 5)
    assert target_digest(db_target) == before
    # other files, same people: matched by e-mail, nothing new
    cli.ok("import", "vcard", str(FIX / "v4.vcf"))
    cli.ok("import", "vcard", str(FIX / "v4.vcf"))
    assert count(db_target, "contact") == 5


def test_outlook_csv(cli):
    cli.ok("import", "csv", str(FIX / "outlook.csv"))
    people = contacts(cli)
    klaus = people["Klaus Müller"]
    assert klaus["role"] == "Head of Purchasing"  # "Title" (Mr.) is not the role in Outlook files
    assert klaus["company"] == "Müller & Söhne GmbH"
    assert klaus["phones"] == ["+49 30 1234567", "+49 171 2345678"]
    assert klaus["tags"] == ["partners", "vip"]
    assert klaus["birthday"] == "1970-04-03"
    assert [klaus[k] for k in ("address", "city", "postcode", "country")] == ["Hauptstraße 5", "Berlin", "10115",
                                                                              "Germany"]  # fmt: skip
    sophie = people["Sophie Martin"]
    assert sophie["emails"] == ["sophie@atelier-martin.example", "s.martin@example.fr"]
    assert sophie["birthday"] is None  # Outlook writes 0/0/00 for "no birthday"
    assert [sophie[k] for k in ("address", "city", "postcode", "country")] == ["8 rue de la Paix", "Paris", "75002",
                                                                               "France"]  # fmt: skip


def test_cp1251_semicolon_excel_csv(cli):
    res = cli.ok("import", "csv", str(FIX / "excel_cp1251.csv"))
    assert "read" in res.stderr and "cp1251" in res.stderr
    people = contacts(cli)
    ivanov = people["Иванов Иван Иванович"]
    assert (ivanov["company"], ivanov["role"], ivanov["birthday"]) == ("ООО «Ромашка»", "Директор", "1975-03-15")
    assert ivanov["tags"] == ["клиент", "опт"] and ivanov["notes"] == "Звонить до обеда"
    assert people["Петрова Анна Сергеевна"]["birthday"] == "--09-01"
    assert people["Сидоров Пётр"]["notes"] == "Счёт; оплата по факту"
    assert people["Петрова Анна Сергеевна"]["company_id"] == ivanov["company_id"]
    assert [h["title"] for h in cli.ok("search", "ромашка", "-f", "json").json()][-1] == "ООО «Ромашка»"


def test_semicolon_utf8_bom(cli):
    cli.ok("import", "csv", str(FIX / "semicolon.csv"))
    people = contacts(cli)
    assert people["Jan de Vries"]["status"] == "client"
    assert people["Jan de Vries"]["notes"] == "Koffie, geen thee"
    assert people["Émilie Dubois"]["status"] == "partner"


def test_dry_run_writes_nothing(cli, db_target):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--role", "Countess")
    before = target_digest(db_target)
    res = cli.ok("import", "csv", str(FIX / "google_contacts.csv"), "--dry-run")
    assert target_digest(db_target) == before
    assert "dry run, nothing written" in res.stderr
    plan = cli.ok("import", "csv", str(FIX / "google_contacts.csv"), "--dry-run", "-f", "json").json()
    assert plan["dry_run"] is True
    ada = plan["items"][0]
    assert (ada["action"], ada["contact_id"], ada["match"]) == ("update", 1, "email")
    assert "role" in ada["changes"] and "+phones" in ada["changes"]
    assert [i["action"] for i in plan["items"]] == ["update", "create", "create", "update", "create"]
    assert target_digest(db_target) == before
    assert "update" in res.stdout and "José Álvarez" in res.stdout


def test_on_duplicate_modes_and_matching(cli, db_target):
    cli.ok("contact", "add", "Jan de Vries", "--company", "De Vries BV", "--role", "Founder")  # name + company
    cli.ok("contact", "add", "E. Dubois", "--phone", "+33 1 00 00 00 00")
    cli.ok("import", "csv", str(FIX / "semicolon.csv"), "--on-duplicate", "skip")
    assert count(db_target, "contact") == 3  # Jan matched by name+company and skipped, Émilie created
    assert contacts(cli)["Jan de Vries"]["emails"] == []
    cli.ok("import", "csv", str(FIX / "semicolon.csv"))  # default: update
    jan = contacts(cli)["Jan de Vries"]
    assert jan["emails"] == ["jan@devries.example"] and jan["status"] == "client" and jan["revision"] == 2
    assert jan["role"] == "Founder"  # not in the file: kept
    cli.ok("import", "csv", str(FIX / "semicolon.csv"), "--on-duplicate", "create")
    assert count(db_target, "contact") == 5


def test_phone_match(cli, db_target):
    # a phone number confirms a person of the same name; alone it is no identity (#17: it renamed "Sidorov")
    cli.ok("contact", "add", "Сидоров Пётр", "--phone", "+7 812 000 11 22", "--role", "Снабженец")
    cli.ok("contact", "add", "Sidorov", "--phone", "+7 812 000 11 22")
    cli.ok("import", "csv", str(FIX / "excel_cp1251.csv"))
    assert count(db_target, "contact") == 4
    people = contacts(cli)
    assert people["Сидоров Пётр"]["phones"] == ["+7 812 000 11 22"] and people["Сидоров Пётр"]["revision"] == 2
    assert people["Sidorov"]["revision"] == 1


def test_map_and_tag_options(cli, tmp_path):
    f = tmp_path / "crm.csv"
    f.write_text("Kunde,E-Post,Firma,Stadt\nHeinz Becker,heinz@becker.example,Becker KG,Köln\n", encoding="utf-8")
    cli.fails("import", "csv", str(f), code=2, match="no name, e-mail or phone column")
    cli.fails("import", "csv", str(f), "--map", "Client=name", code=2, match="no column 'Client'")
    cli.fails("import", "csv", str(f), "--map", "Kunde=fullname", code=2, match="unknown target 'fullname'")
    cli.ok("import", "csv", str(f), "--map", "Kunde=name,E-Post=email,Firma=company", "--map", "Stadt=field:city",
           "--tag", "Trade Fair 2026")  # fmt: skip
    heinz = contacts(cli)["Heinz Becker"]
    assert (heinz["emails"], heinz["company"], heinz["fields"], heinz["tags"]) == (
        ["heinz@becker.example"],
        "Becker KG",
        {"city": "Köln"},
        ["trade fair 2026"],
    )


def test_bad_row_leaves_database_unchanged(cli, db_target):
    cli.ok("contact", "add", "Existing")
    cli.fails("import", "csv", str(FIX / "bad_rows.csv"), code=2,
              match="line 3: invalid email 'bob-at-example.org' (and 2 more bad rows)")  # fmt: skip
    cli.fails("import", "csv", str(FIX / "unbalanced_quotes.csv"), code=2, match="line 3: malformed CSV")
    cli.fails("import", "csv", str(FIX / "bad_encoding.csv"), code=2, match="line 4: invalid UTF-8 (byte 0xe9)")
    cli.fails("import", "vcard", str(FIX / "missing_end.vcf"), code=2, match="line 6: card has no END:VCARD")
    cli.fails("import", "csv", str(FIX / "nope.csv"), code=2, match="no file")
    cli.fails("import", "csv", str(FIX / "bad_rows.csv"), "--on-duplicate", "merge", "--skip-bad", code=2,
              match="unknown --on-duplicate 'merge'")  # fmt: skip


def test_skip_bad_writes_rejects(cli, tmp_path):
    src = tmp_path / "bad_rows.csv"
    shutil.copy(FIX / "bad_rows.csv", src)
    res = cli.ok("import", "csv", str(src), "--skip-bad")
    assert "created 2" in res.stderr and "3 bad rows written to" in res.stderr
    assert set(contacts(cli)) == {"Alice", "Eve"}
    rejects = (tmp_path / "bad_rows.csv.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "Name,Email,Phone,Birthday,minicrm_error"
    assert rejects[1].startswith("Bob,bob-at-example.org,,,line 3: invalid email")
    assert rejects[2].endswith("line 4: invalid birthday '31.02.1980': day is out of range for month")
    assert rejects[3] == "Dave,dave@example.org,,,extra,line 5: 5 cells where the header has 4"
    assert len(rejects) == 4
    vres = cli.ok("import", "vcard", str(FIX / "missing_end.vcf"), "--skip-bad", "--rejects", str(tmp_path / "r.vcf"))
    assert "created 2" in vres.stderr
    assert (tmp_path / "r.vcf").read_text().splitlines() == [
        "BEGIN:VCARD", "VERSION:3.0", "FN:Broken One", "EMAIL:broken@example.org"
    ]  # fmt: skip
    assert {"Good One", "Another Good"} <= set(contacts(cli))


def test_vcards_google_apple_v4(cli, db_target):
    for name in ("google.vcf", "apple.vcf", "v4.vcf"):
        cli.ok("import", "vcard", str(FIX / name))
    people = contacts(cli)
    assert len(people) == 5
    linus = people["Linus Torvalds"]
    assert linus["birthday"] == "--12-28" and linus["tags"] == ["kernel"]  # Google's myContacts is not a tag
    assert linus["notes"].startswith("Met at the 2025 conference in Lisbon; interested in the enterprise plan, wants")
    assert linus["notes"].endswith("budget review in March.")  # folded lines joined
    assert [linus[k] for k in ("address", "city", "region", "postcode", "country")] == [
        "1 Kernel Way", "Portland", "OR", "97201", "USA"
    ]  # fmt: skip
    assert (linus["company"], linus["role"]) == ("Linux Foundation", "Fellow")
    marie = people["Marie Curie"]  # Apple: grouped labels, X-APPLE-OMIT-YEAR, a photo
    assert marie["birthday"] == "--11-07"
    assert marie["emails"] == ["marie@radium.example", "marie.sklodowska@example.pl"]
    assert marie["phones"] == ["+33 6 12 34 56 78", "+33 1 44 27 00 00"]
    assert marie["company"] == "Institut du Radium" and marie["tags"] == ["science", "vip"]
    assert marie["notes"] == "Two Nobel prizes, physics and chemistry.\nAsk about the new lab."
    assert people["Niels Bohr"]["birthday"] == "1885-10-07"
    hedy = people["Hedy Lamarr"]
    assert (hedy["birthday"], hedy["phones"], hedy["tags"]) == ("--11-09", ["+43-1-234-5678"], ["inventors", "vip"])
    labels = dict(rows(db_target, "SELECT email, label FROM contact_email"))
    assert labels["marie@radium.example"] == "other" and labels["lt@home.example"] == "home"
    uid = scalar(db_target, "SELECT vcard_uid FROM contact WHERE name = 'Hedy Lamarr'")
    assert uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"


def test_vcard_uid_reimport_updates(cli, db_target, tmp_path):
    cli.ok("import", "vcard", str(FIX / "v4.vcf"))
    changed = (
        (FIX / "v4.vcf")
        .read_text()
        .replace("hedy@spread.example", "hedy@new.example")
        .replace("FN:Hedy Lamarr", "FN:Hedy Kiesler Lamarr")
    )
    (tmp_path / "v4.vcf").write_text(changed)
    res = cli.ok("import", "vcard", str(tmp_path / "v4.vcf"), "-f", "json").json()
    assert (res["created"], res["updated"], res["items"][0]["match"]) == (0, 1, "uid")
    [hedy] = cli.ok("contact", "list", "-f", "json").json()
    assert hedy["name"] == "Hedy Kiesler Lamarr"
    assert hedy["emails"] == ["hedy@spread.example", "hedy@new.example"]
    audit = rows(db_target, "SELECT entity, action FROM audit_log ORDER BY id")
    assert audit == [("import", "create"), ("contact", "update"), ("import", "create")]


def test_vcard_vdir_folder(cli, tmp_path):
    vdir = tmp_path / "contacts"
    vdir.mkdir()
    shutil.copy(FIX / "v4.vcf", vdir / "hedy.vcf")
    shutil.copy(FIX / "google.vcf", vdir / "google.vcf")
    (vdir / "README").write_text("not a card")
    cli.ok("import", "vcard", str(vdir))
    assert len(contacts(cli)) == 3
    (vdir / "broken.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:X\n")
    cli.fails("import", "vcard", str(vdir), code=2, match="broken.vcf: line 1: card has no END:VCARD")


def test_import_from_stdin(cli):
    cli.ok("import", "csv", "-", input="name,email\nAda,ada@example.org\n")
    assert contacts(cli)["Ada"]["emails"] == ["ada@example.org"]


@pytest.mark.parametrize("stdin_format", ["json", "csv", "ids"])
def test_bulk_tag_from_stdin(cli, db_target, stdin_format):
    cli.ok("import", "csv", str(FIX / "google_contacts.csv"))
    listing = cli.ok("contact", "list", "--tag", "vip", "-f", "json" if stdin_format != "csv" else "csv").stdout
    if stdin_format == "ids":
        listing = " ".join(str(c["id"]) for c in json.loads(listing)) + "\n3\n"
    res = cli.ok("contact", "tag", "add", "Warm Lead", "-", input=listing)
    assert "tagged" in res.stderr
    warm = {c["name"] for c in cli.ok("contact", "list", "--tag", "warm lead", "-f", "json").json()}
    assert warm == ({"Ada Lovelace", "Grace Brewster Hopper"} if stdin_format == "ids" else {"Ada Lovelace"})
    from minicrm.store.core.db import Database
    from minicrm.store.people.search import matching

    with Database(db_target).connect() as session:  # the search index itself, on either backend
        sql, params = matching(session, "contact_fts", "warm")
        assert session.scalar(f"SELECT count(*) FROM ({sql}) hits", params) == len(warm)
    cli.ok("contact", "tag", "remove", "warm lead", "ada", "grace")
    assert cli.ok("contact", "list", "--tag", "warm lead", "-f", "json").json() == []


def test_bulk_errors_change_nothing(cli):
    cli.ok("contact", "add", "Ada")
    cli.fails("contact", "tag", "add", "x", "-", input="1 99\n", code=1, match="no contact with id 99")
    cli.fails("contact", "tag", "add", "x", "-", input="1 ada\n", code=2, match="'ada' is not a contact id")
    cli.fails("contact", "tag", "add", "x", "-", input="", code=2, match="no contact ids on standard input")
    cli.fails("contact", "tag", "add", "x", "-", input='[{"name": 1}]', code=2, match="not a contact")
    cli.fails("contact", "tag", "add", "a,b", "1", code=2, match="invalid tag")
    cli.fails("contact", "edit", "-", "--status", "bogus", input="1\n", code=2, match="unknown status 'bogus'")


def test_contact_edit_ids_on_stdin(cli):
    for name in ("Ada", "Bob", "Cid"):
        cli.ok("contact", "add", name)
    listing = cli.ok("contact", "list", "-f", "json").stdout
    ids = [c["id"] for c in json.loads(listing) if c["name"] != "Cid"]
    res = cli.ok("contact", "edit", "-", "--status", "client", "--tag", "newsletter", input=json.dumps(ids))
    assert "updated 2 contacts" in res.stderr
    people = contacts(cli)
    assert [people[n]["status"] for n in ("Ada", "Bob", "Cid")] == ["client", "client", "lead"]
    assert people["Bob"]["tags"] == ["newsletter"]
    cli.fails("contact", "edit", "-", "--name", "Same", input="1 2", code=2, match="cannot rename 2 contacts")


def test_matching_against_a_larger_database(cli, tmp_path, db_target):
    """Few rows against many contacts: look-ups by index (IN lists), not table scans; same answers."""
    lines = "\n".join(f"Person {i},p{i}@example.org,+49 30 {i:07d},Firm {i % 5}" for i in range(60))
    (tmp_path / "many.csv").write_text("name,email,phone,company\n" + lines + "\n", encoding="utf-8")
    cli.ok("import", "csv", str(tmp_path / "many.csv"))
    (tmp_path / "few.csv").write_text(
        "name,email,phone,company\n"
        "P. Seven,P7@EXAMPLE.ORG,,\n"  # e-mail, other case
        "Person 8,,0049 30 0000008,\n"  # phone (00 = +) and the same name
        "person 9,,,FIRM 4\n"  # exact name + company, case-insensitive
        "Person 10,,,Firm 4\n"  # same name, other company: a new person
        "New Person,new@example.org,,\n",
        encoding="utf-8",
    )
    plan = cli.ok("import", "csv", str(tmp_path / "few.csv"), "--on-duplicate", "skip", "-n", "-f", "json").json()
    assert [(i["action"], i["contact_id"], i["match"]) for i in plan["items"]] == [
        ("skip", 8, "email"),
        ("skip", 9, "phone"),
        ("skip", 10, "name+company"),
        ("create", None, None),
        ("create", None, None),
    ]


def test_progress_bar_only_on_a_terminal(db_target, tmp_path):
    import os
    import pty
    import subprocess
    import sys

    lines = "\n".join(f"Person {i},p{i}@example.org" for i in range(3000))
    (tmp_path / "big.csv").write_text("name,email\n" + lines + "\n", encoding="utf-8")
    args = [sys.executable, "-m", "minicrm", "--db", str(db_target), "import", "csv", str(tmp_path / "big.csv")]
    piped = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr.splitlines() == ["created 3000, updated 0, unchanged 0, skipped 0"]
    master, slave = pty.openpty()
    proc = subprocess.run([*args[:-1], str(tmp_path / "big.csv"), "--on-duplicate", "create"], stdout=subprocess.PIPE,
                          stderr=slave, timeout=120, env={**os.environ, "COLUMNS": "100"})  # fmt: skip
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
    assert proc.returncode == 0
    assert b"importing" in seen and b"100%" in seen and b"created 3000" in seen


def test_fast_fold_equals_text_fold():
    from minicrm.store.core.text import fold
    from minicrm.store.exchange.importing.records import fold_key as _fold

    samples = ["Ada  Lovelace", "JOSÉ Álvarez", "Пётр Сидоров", "Ёлка Й", "Đặng Thị Ngọc Thịnh", "ﬁle Straße",
               "한국어 이름", "Zoë\u00a0Ärger", "emoji 🙂 café", "İstanbul", "ǅemal", "x\u0301\u0327y", ""]  # fmt: skip
    for text in samples:
        assert _fold(text) == fold(text), text


def test_outlook_vcard_21_quoted_printable(cli):
    cli.ok("import", "vcard", str(FIX / "outlook_v21.vcf"))
    [c] = cli.ok("contact", "list", "-f", "json").json()
    assert (c["name"], c["company"], c["notes"]) == ("Jürgen Müller", "Outlook GmbH", "Line one\nLine two, with comma")
    assert c["phones"] == ["+49 171 1234567", "+49 30 999"] and c["emails"] == ["juergen@example.de"]
