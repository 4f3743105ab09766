"""The fast paths of `import csv` (issue #8) give exactly what the plain rules give."""

from __future__ import annotations

import gc
import random
from datetime import datetime

import pytest

from conftest import row, scalar, target_digest
from minicrm.errors import BadInput
from minicrm.store.core.text import phone_key
from minicrm.store.exchange.importing import applying, csv_format, planning, records
from minicrm.store.people.fields import check_phone

NOW = datetime(2026, 11, 22, 10, 0)
PHONES = ["+44 20 7946 0000", "0044 20 7946 0000", "  0049 (30) 1234-567 ", "12", "123", "+1 555 0100 ext. 7",
          "٠١٢٣٤٥", "(0) 30", "tel:+33-1-23", "", "   ", "00", "001", "x", "+7\u00a0912\u00a0000\u200900"]  # fmt: skip


def test_phone_key_equals_text_phone_key():
    for phone in PHONES:
        assert records.fast_phone_key(phone) == phone_key(phone), phone


def test_phone_check_equals_contacts_check_phone():
    for phone in PHONES:
        try:
            expected = check_phone(phone)
        except BadInput as exc:
            with pytest.raises(BadInput, match=str(exc).replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
                records.checked_phone(phone)
        else:
            assert records.checked_phone(phone) == expected, phone


def _cand(**values) -> records.Candidate:
    return records.Candidate(line=2, **values)


def test_match_keys_of_different_kinds_never_meet():
    tricky = [
        _cand(name="ada@example.org", emails=[("ada@example.org", None)], uid="ada@example.org"),
        _cand(name="12345", phones=[("12345", None)], uid="12345"),
        _cand(name="uid x", uid="x\x1fy@z", company="12345"),
        _cand(name="Ada", emails=[("A@B.io", None)], phones=[("+1 555", None), ("-", None)], company="ACMÉ"),
    ]
    kinds = [[planning._kind(k) for k in planning._keys(c)] for c in tricky]
    assert kinds == [
        ["uid", "email", "name+company"],
        ["uid", "phone", "name+company"],
        ["uid", "name+company"],
        ["email", "phone", "name+company"],
    ]
    seen: dict[str, str] = {}
    for cand, cand_kinds in zip(tricky, kinds, strict=True):
        for key, kind in zip(planning._keys(cand), cand_kinds, strict=True):
            assert seen.setdefault(key, kind) == kind, key


def _csv(rows: int, seed: int = 3) -> bytes:
    """bench/gen.py's import file in small: plain columns, repeated names and companies (in-file duplicates)."""
    rng = random.Random(seed)
    lines = ["name,email,phone,company,tags"]
    for i in range(rows):
        name = f"{rng.choice(['Anna', 'José', 'Иван'])} {rng.choice(['Smith', 'Müller'])}"
        tag = rng.choice(["", "vip", "newsletter", "vip;hot"])
        phone = f"+33 1 {rng.randint(10000000, 99999999)}"
        lines.append(f'{name},imp.{i}@example.net,{phone},Co {rng.randint(1, 40)},"{tag}"')
    return ("\n".join(lines) + "\n").encode()


def test_bulk_import_then_reimport_changes_nothing(session, db_target):
    data = _csv(3000)
    parsed = csv_format.read_csv(data, source="big.csv", now=NOW)
    first = applying.run(session, parsed, now=NOW, source="big.csv").to_json(with_items=False)
    assert first["created"] + first["merged"] == 3000 and first["merged"] > 0 and first["rejected"] == 0
    assert scalar(db_target, "SELECT count(*) FROM contact") == first["created"]
    assert scalar(db_target, "SELECT count(*) FROM contact_fts") == first["created"]
    # columns no row had are NULL, the others are filled
    empty = "SELECT count(*) FROM contact WHERE role IS NOT NULL OR birthday_md IS NOT NULL OR company_id IS NULL"
    assert row(db_target, empty) == (0,)
    assert row(db_target, "SELECT count(*) FROM contact_email WHERE label IS NOT NULL") == (0,)
    assert row(db_target, "SELECT count(DISTINCT tag) FROM contact_tag") == (3,)
    before = target_digest(db_target)
    again = applying.run(session, csv_format.read_csv(data, source="big.csv", now=NOW), now=NOW, source="big.csv")
    summary = again.to_json(with_items=False)
    assert (summary["created"], summary["updated"], summary["merged"]) == (0, 0, 0)
    assert summary["unchanged"] == 3000
    assert target_digest(db_target) == before


def test_gc_is_on_again_after_an_import(session):
    assert gc.isenabled()
    parsed = csv_format.read_csv(_csv(50), source="x.csv", now=NOW)
    assert gc.isenabled()
    applying.run(session, parsed, now=NOW, source="x.csv", dry_run=True)
    assert gc.isenabled()


def test_malformed_csv_is_reported_before_a_bad_header():
    data = b'nothing,useful\nx,"y\nz,w\n'
    with pytest.raises(BadInput, match=r"line 2: malformed CSV .*quoted cell runs from line 2 to 3"):
        csv_format.read_csv(data, source="f.csv", now=NOW)
    with pytest.raises(BadInput, match="line 1: no name, e-mail or phone column"):
        csv_format.read_csv(b"nothing,useful\nx,y\n", source="f.csv", now=NOW)


def test_rows_are_read_as_before():
    data = (
        b"\n \n"  # blank lines before the header
        b"Name,E-mail 1 - Value,E-mail 1 - Type,Mobile Phone,Notes,Comments,Business Street,Business City,website\n"
        b"  Ada   Lovelace ,'=ada@example.org ::: ada@x.io,* Work,'+44 20 7946 0000; 0044 20 7946 0001,a,b,St 1,,w\n"
        b",,,,,,,,\n"
        b",solo@example.com,,,,,,Berlin,\n"
        b"Bob,not-an-email,,,,,,,\n"
        b"Too,few\n"
    )
    parsed = csv_format.read_csv(data, source="f.csv", now=NOW)
    ada, solo = parsed.candidates
    assert (ada.line, ada.name, ada.notes, ada.address) == (4, "Ada Lovelace", "a\nb", "St 1")
    assert ada.fields == {"website": "w"}
    assert ada.emails == [("=ada@example.org", "work"), ("ada@x.io", "work")]
    assert ada.phones == [("+44 20 7946 0000", "mobile"), ("0044 20 7946 0001", "mobile")]
    assert (solo.line, solo.name, solo.address, solo.city) == (6, "solo@example.com", None, "Berlin")
    assert [(b.line, b.reason) for b in parsed.bad] == [
        (7, "invalid email 'not-an-email'"),
        (8, "2 cells where the header has 9"),
    ]
