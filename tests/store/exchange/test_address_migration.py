"""Migration 0007 (structured addresses, the family name): every row kept, an old address stays whole as the
street, and the parts come in and go out from then on."""

from __future__ import annotations

from datetime import datetime

from conftest import Cli, rows
from minicrm.store.core import migrate
from minicrm.store.core.db import Database

NOW = datetime(2026, 11, 22, 10, 0)


def test_upgrade_keeps_every_address_whole(new_target):
    target = new_target(empty=True)
    db = Database(target)
    migrate.upgrade(db, "0006")
    with db.connect() as session, session.write():
        for i, address in enumerate(["Hauptstraße 5, Berlin, 10115, Germany", "1 Kernel Way\nPortland, OR", None]):
            session.execute(
                "INSERT INTO contact (name, name_key, status, address, archived, next_contact_auto, created_at,"
                " updated_at, revision) VALUES (?, ?, 'lead', ?, ?, ?, ?, ?, 1)",
                (f"P{i}", f"p{i}", address, False, False, NOW, NOW),
            )
        session.execute(
            "INSERT INTO company (name, name_key, address, city, archived, created_at, updated_at, revision)"
            " VALUES ('Acme', 'acme', '1 Main St', 'Springfield', ?, ?, ?, 1)",
            (False, NOW, NOW),
        )
    before = rows(target, "SELECT id, name, address FROM contact ORDER BY id")
    cli = Cli(target)
    people = cli.ok("contact", "list", "-f", "json").json()  # opening the database upgrades it
    assert rows(target, "SELECT version_num FROM alembic_version") == [(migrate.SCHEMA_HEAD,)]
    assert rows(target, "SELECT id, name, address FROM contact ORDER BY id") == before
    assert rows(target, "SELECT city, region, postcode, country, family_name FROM contact") == [(None,) * 5] * 3
    assert [p["address"] for p in people] == [b[2] for b in before]
    [acme] = cli.ok("company", "list", "-f", "json").json()
    assert (acme["address"], acme["city"], acme["postcode"]) == ("1 Main St", "Springfield", None)


def test_address_parts_round_trip_through_csv_and_vcard(cli, tmp_path, new_target):
    (tmp_path / "in.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEMAIL:ada@engines.example\r\n"
        "ADR;TYPE=work:;;12 St James's Square;London;;SW1Y 4JH;United Kingdom\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    cli.ok("import", "vcard", str(tmp_path / "in.vcf"))
    keys = ("address", "city", "region", "postcode", "country")
    [ada] = cli.ok("contact", "list", "-f", "json").json()
    assert [ada[k] for k in keys] == ["12 St James's Square", "London", None, "SW1Y 4JH", "United Kingdom"]
    shown = cli.ok("contact", "show", "ada").stdout
    assert "12 St James's Square, SW1Y 4JH London, United Kingdom" in " ".join(shown.split())
    for kind, flag in (("csv", []), ("vcard", []), ("vcard", ["--vcard3"])):
        out = tmp_path / f"out.{kind}"
        cli.ok("export", kind, "-o", str(out), *flag)
        other = Cli(new_target())
        other.ok("import", kind, str(out))
        [back] = other.ok("contact", "list", "-f", "json").json()
        assert [back[k] for k in keys] == [ada[k] for k in keys], (kind, flag)
    # a later file with another address replaces the whole address, not just the parts it names
    (tmp_path / "moved.csv").write_text("name,email,address\nAda Lovelace,ada@engines.example,1 New Road\n")
    cli.ok("import", "csv", str(tmp_path / "moved.csv"))
    [moved] = cli.ok("contact", "list", "-f", "json").json()
    assert [moved[k] for k in keys] == ["1 New Road", None, None, None, None]
