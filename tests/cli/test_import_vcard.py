"""`import vcard`: what real address books write and we used to lose (#17): QP soft breaks, company cards,
birthdays that are text."""

from __future__ import annotations

from conftest import rows


def contacts(cli) -> dict[str, dict]:
    return {c["name"]: c for c in cli.ok("contact", "list", "-f", "json").json()}


def companies(cli) -> dict[str, dict]:
    return {c["name"]: c for c in cli.ok("company", "list", "-f", "json").json()}


def qp(text: str, charset: str) -> str:
    """Quoted-printable as Outlook writes it: CRLF as =0D=0A, soft breaks (`=` at the end) every 76 characters."""
    data = text.replace("\n", "\r\n").encode(charset)
    encoded = "".join(chr(b) if 32 <= b < 127 and b != ord("=") else f"={b:02X}" for b in data)
    lines, rest = [], encoded
    while len(rest) > 75:
        cut = 75
        while "=" in rest[cut - 2 : cut]:  # never inside an =XX
            cut -= 1
        lines.append(rest[:cut] + "=")
        rest = rest[cut:]
    return "\r\n".join([*lines, rest])


NOTE = (
    "Met at the trade fair in Hanover, hall 4, booth 12.\n"
    "Wants prices for 500, 1000 and 5000 units, delivery to Kiev, Lviv, Odessa.\nCall back in May"
)


def test_quoted_printable_soft_breaks_keep_the_text_after_commas(cli, tmp_path):
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:" + qp("Шевченко;Тарас", "utf-8")
        + "\r\nFN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:" + qp("Тарас Шевченко", "utf-8")
        + "\r\nNOTE;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:" + qp(NOTE, "utf-8")
        + "\r\nTEL;CELL;VOICE:+380 44 123 45 67\r\nEND:VCARD\r\n"
    )  # fmt: skip
    assert card.count("=\r\n") >= 2  # the note is soft-wrapped, with commas after the breaks
    (tmp_path / "outlook.vcf").write_bytes(card.encode("ascii"))
    cli.ok("import", "vcard", str(tmp_path / "outlook.vcf"))
    assert contacts(cli)["Тарас Шевченко"]["notes"] == NOTE


def test_quoted_printable_in_windows_1251(cli, tmp_path):
    note = "Звонить после обеда, спросить про счёт №15, оплату и доставку в Тверь, Клин, Химки.\nВторая строка"
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=ru;CHARSET=windows-1251:Иванов;Иван;Иванович\r\n"
        "FN;CHARSET=windows-1251:Иванов Иван Иванович\r\n"
        "NOTE;CHARSET=windows-1251;ENCODING=QUOTED-PRINTABLE:" + qp(note, "cp1251") + "\r\n"
        "ADR;WORK;PREF;CHARSET=windows-1251:;;ул. Тверская, д. 1;Москва;;125009;Россия\r\nEND:VCARD\r\n"
    )
    (tmp_path / "outlook.vcf").write_bytes(card.encode("cp1251"))
    cli.ok("import", "vcard", str(tmp_path / "outlook.vcf"))
    ivanov = contacts(cli)["Иванов Иван Иванович"]
    assert ivanov["notes"] == note
    assert ivanov["address"].startswith("ул. Тверская, д. 1")  # an Outlook street keeps its comma


def test_company_cards_become_companies(cli, tmp_path, db_target):
    (tmp_path / "cards.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Widgets\r\nORG:Acme Widgets\r\n"
        "TEL;TYPE=work:+1 555 0100\r\nEMAIL;TYPE=work:sales@acme.example\r\nURL:https://acme.example\r\n"
        "ADR;TYPE=work:;;1 Main St;Springfield;IL;62701;USA\r\nNOTE:Our biggest customer\r\n"
        "CATEGORIES:customer\r\nUID:urn:uuid:0b5f2c1e-7d3a-4c1b-9f00-1a2b3c4d5e6f\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.4//EN\r\nN:;;;;\r\nFN:Globex\r\n"
        "ORG:Globex;\r\nX-ABShowAs:COMPANY\r\nTEL;type=MAIN:+1 555 0199\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\nFN:Wile E. Coyote\r\nORG:Acme Widgets\r\n"
        "EMAIL:wile@acme.example\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    res = cli.ok("import", "vcard", str(tmp_path / "cards.vcf"), "-f", "json").json()
    assert res["created"] == 1 and sorted(res["companies_created"]) == ["Acme Widgets", "Globex"]
    assert list(contacts(cli)) == ["Wile E. Coyote"]  # the two company cards are no people
    firms = companies(cli)
    acme = firms["Acme Widgets"]
    assert (acme["phone"], acme["email"], acme["website"]) == ("+1 555 0100", "sales@acme.example",
                                                               "https://acme.example")  # fmt: skip
    assert (acme["city"], acme["region"], acme["country"]) == ("Springfield", "IL", "USA")
    assert acme["address"].startswith("1 Main St") and acme["notes"] == "Our biggest customer"
    assert acme["tags"] == ["customer"]
    assert firms["Globex"]["phone"] == "+1 555 0199"
    assert contacts(cli)["Wile E. Coyote"]["company_id"] == acme["id"]  # one Acme, not two
    # again: nothing new, nothing changed
    again = cli.ok("import", "vcard", str(tmp_path / "cards.vcf"), "-f", "json").json()
    assert (again["created"], again["updated"], again["companies_created"]) == (0, 0, [])
    assert len(rows(db_target, "SELECT id FROM company")) == 2


def test_group_cards_are_not_people(cli, tmp_path):
    (tmp_path / "group.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nN:;Family;;;\r\nFN:Family\r\n"
        "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\nFN:Ann\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    res = cli.ok("import", "vcard", str(tmp_path / "group.vcf"))
    assert list(contacts(cli)) == ["Ann"]
    assert "line 1: group card 'Family' is not a contact; skipped" in res.stderr


def test_text_birthday_keeps_the_card(cli, tmp_path):
    (tmp_path / "old.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Old Friend\r\nBDAY;VALUE=text:circa 1800\r\nEMAIL:old@example.org\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Year Only\r\nBDAY:1985\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    res = cli.ok("import", "vcard", str(tmp_path / "old.vcf"))
    people = contacts(cli)
    old = people["Old Friend"]
    assert old["birthday"] is None and old["fields"] == {"birthday": "circa 1800"}
    assert "line 1: birthday 'circa 1800' is not a date; kept in the field 'birthday'" in res.stderr
    assert people["Year Only"]["fields"] == {"birthday": "1985"}
    # a date that is simply wrong still rejects the card, naming it
    (tmp_path / "bad.vcf").write_text("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad\r\nBDAY:19851345\r\nEND:VCARD\r\n")
    cli.fails("import", "vcard", str(tmp_path / "bad.vcf"), code=2, match="line 1: invalid birthday")
