"""`export vcard`: what other address books need from our cards (RFC 6350 / RFC 2426, Apple's labels)."""

from __future__ import annotations

import re

import pytest
import vobject

V3 = ["--vcard3"]
BOTH = pytest.mark.parametrize("flag", [[], V3], ids=["4.0", "3.0"])


def physical_lines(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", ""), "every line ends with CRLF"
    return text.split("\r\n")[:-1]


def cards_of(text: str) -> list[str]:
    return re.findall(r"BEGIN:VCARD\r\n.*?END:VCARD\r\n", text, re.S)


def card_lines(card: str) -> list[str]:
    """The logical lines of one card (folding undone)."""
    return card.replace("\r\n ", "").split("\r\n")[:-1]


def exported(cli, tmp_path, *flag: str) -> str:
    """`export vcard` into a file, as written (the CLI runner's stdout turns CRLF into LF)."""
    target = tmp_path / "out.vcf"
    cli.ok("export", "vcard", "-o", str(target), *flag)
    return target.read_bytes().decode("utf-8")


@BOTH
def test_every_line_is_folded_at_75_octets(cli, tmp_path, flag):
    # N and ADR are structured values: vobject counted their characters, not their octets, and left them long
    cli.ok("contact", "add", "Константин Константинопольский-Воскресенский", "--company", "ООО «Ромашка и Лютик»",
           "--role", "Генеральный директор по развитию региональных направлений",
           "--address", "Россия, Москва, улица Большая Дмитровка, дом 32, строение 1, квартира 45",
           "--note", "Заметка " * 30)  # fmt: skip
    text = exported(cli, tmp_path, *flag)
    lines = physical_lines(text)
    too_long = [line for line in lines if len(line.encode("utf-8")) > 75]
    assert too_long == []
    [card] = cards_of(text)
    n_line = next(line for line in card_lines(card) if line.startswith("N:"))
    assert n_line.startswith("N:Константинопольский-Воскресенский;Константин;")
    # folding never splits a character, and the card reads back whole
    [parsed] = vobject.readComponents(text)
    assert parsed.fn.value == "Константин Константинопольский-Воскресенский"
    assert parsed.note.value == "Заметка " * 30


def _labelled(cli, tmp_path):
    (tmp_path / "labels.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
        "item1.EMAIL;type=INTERNET:ada@engines.example\r\nitem1.X-ABLabel:Assistant\r\n"
        "EMAIL;type=INTERNET;type=WORK:ada@work.example\r\n"
        "EMAIL;type=INTERNET;type=HOME:ada@home.example\r\n"
        "TEL;type=CELL;type=VOICE:+44 20 7946 0000\r\n"
        "item2.TEL:+44 20 7946 0099\r\nitem2.X-ABLabel:_$!<HomeFax>!$_\r\n"
        "item3.TEL:+44 20 7946 0042\r\nitem3.X-ABLabel:Switchboard\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    cli.ok("import", "vcard", str(tmp_path / "labels.vcf"))


def test_custom_labels_are_apple_labels_in_vcard3(cli, tmp_path):
    _labelled(cli, tmp_path)
    text = exported(cli, tmp_path, *V3)
    lines = card_lines(cards_of(text)[0])
    # standard types stay types; a label of our own is itemN.X-ABLabel, never a made-up TYPE
    assert "EMAIL;TYPE=INTERNET,WORK:ada@work.example" in lines
    assert "EMAIL;TYPE=INTERNET,HOME:ada@home.example" in lines
    assert "TEL;TYPE=CELL:+44 20 7946 0000" in lines
    groups = {m[1]: m[2] for line in lines if (m := re.fullmatch(r"(item\d+)\.X-ABLabel:(.*)", line, re.I))}
    email = next(line for line in lines if line.endswith(":ada@engines.example"))
    group, _, rest = email.partition(".")
    assert rest.startswith("EMAIL;TYPE=INTERNET") and "ASSISTANT" not in rest.upper()
    assert groups[group] == "assistant"
    switchboard = next(line for line in lines if line.endswith(":+44 20 7946 0042"))
    assert groups[switchboard.partition(".")[0]] == "switchboard"
    assert not [line for line in lines if re.search(r"TYPE=[^:]*(ASSISTANT|SWITCHBOARD)", line, re.I)]
    # and the labels come back in
    parsed = vobject.readOne(text)
    assert {e.value for e in parsed.contents["email"]} == {"ada@engines.example", "ada@work.example",
                                                             "ada@home.example"}  # fmt: skip


def test_vcard4_types_are_lower_case_registered_values(cli, tmp_path):
    _labelled(cli, tmp_path)
    lines = card_lines(cards_of(exported(cli, tmp_path))[0])
    assert "TEL;TYPE=cell:+44 20 7946 0000" in lines
    assert "EMAIL;TYPE=work:ada@work.example" in lines
    assert not [line for line in lines if re.search(r"TYPE=[^:]*(assistant|switchboard)", line, re.I)]


@BOTH
def test_labels_round_trip(cli, tmp_path, new_target, flag):
    from conftest import Cli, rows

    _labelled(cli, tmp_path)
    cli.ok("export", "vcard", "-o", str(tmp_path / "out.vcf"), *flag)
    other = Cli(new_target())
    other.ok("import", "vcard", str(tmp_path / "out.vcf"))
    sql = "SELECT email, label FROM contact_email ORDER BY email"
    assert rows(other.target, sql) == rows(cli.target, sql)
    sql = "SELECT phone, label FROM contact_phone ORDER BY phone"
    assert rows(other.target, sql) == rows(cli.target, sql)


ADDRESSED = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Linus Torvalds\r\nN:Torvalds;Linus;;;\r\nEMAIL:linus@kernel.example\r\n"
    "ADR;TYPE=WORK:;Suite 200;1 Kernel Way;Portland;OR;97201;USA\r\nEND:VCARD\r\n"
)
RUSSIAN = (
    "ФИО;Телефон;Компания;Адрес;Город\r\n"
    "Иванов Иван Иванович;+7 495 123-45-67;ООО «Ромашка»;ул. Тверская, д. 1;Москва\r\n"
)


@BOTH
def test_address_parts_go_to_their_adr_fields(cli, tmp_path, flag):
    (tmp_path / "in.vcf").write_text(ADDRESSED, encoding="utf-8")
    cli.ok("import", "vcard", str(tmp_path / "in.vcf"))
    (tmp_path / "ru.csv").write_bytes(RUSSIAN.encode("cp1251"))
    cli.ok("import", "csv", str(tmp_path / "ru.csv"))
    cards = {c.fn.value: c for c in vobject.readComponents(exported(cli, tmp_path, *flag))}
    adr = cards["Linus Torvalds"].adr.value
    assert (adr.street, adr.city, adr.region, adr.code, adr.country) == ("1 Kernel Way, Suite 200", "Portland", "OR",
                                                                         "97201", "USA")  # fmt: skip
    ivanov = cards["Иванов Иван Иванович"]
    assert (ivanov.adr.value.street, ivanov.adr.value.city) == ("ул. Тверская, д. 1", "Москва")
    # ФИО is family name first
    n = ivanov.n.value
    assert (n.family, n.given, n.additional) == ("Иванов", "Иван", "Иванович")


@BOTH
def test_khard_reads_addresses_family_names_and_labels(cli, tmp_path, flag):
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    khard = str(Path(sys.executable).parent / "khard")
    if not Path(khard).exists():
        khard = shutil.which("khard") or ""
    assert khard, "khard is part of the test extra: pip install -e '.[test]'"
    (tmp_path / "in.vcf").write_text(ADDRESSED, encoding="utf-8")
    cli.ok("import", "vcard", str(tmp_path / "in.vcf"))
    (tmp_path / "ru.csv").write_bytes(RUSSIAN.encode("cp1251"))
    cli.ok("import", "csv", str(tmp_path / "ru.csv"))
    _labelled(cli, tmp_path)
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    for i, card in enumerate(cards_of(exported(cli, tmp_path, *flag))):
        (vdir / f"{i}.vcf").write_text(card, encoding="utf-8", newline="")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[crm]]\npath = {vdir}\n[general]\neditor = /bin/true\n"
                      "merge_editor = /bin/true\n[contact table]\ndisplay = last_name\n")  # fmt: skip
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "LC_ALL": "C.UTF-8"}

    def run(*args: str) -> list[list[str]]:
        res = subprocess.run([khard, "-c", str(config), *args], capture_output=True, text=True, env=env, timeout=60)
        assert res.returncode == 0, res.stderr
        return [line.split("\t") for line in res.stdout.splitlines() if "\t" in line]

    names = {row[1] for row in run("list", "--parsable")}
    assert {"Иванов, Иван Иванович", "Torvalds, Linus", "Lovelace, Ada"} <= names
    addresses = {row[1]: row[0] for row in run("postaddress", "--parsable")}
    assert "'city': 'Portland'" in addresses["Torvalds, Linus"] and "'code': '97201'" in addresses["Torvalds, Linus"]
    assert "'city': 'Москва'" in addresses["Иванов, Иван Иванович"]
    labels = {row[0]: row[2].lower().split(", ") for row in run("email", "--parsable")}
    assert "assistant" in labels["ada@engines.example"] and "work" in labels["ada@work.example"]


def test_campaign_call_lists_follow_the_same_rules(cli, tmp_path):
    (tmp_path / "ru.csv").write_bytes(RUSSIAN.encode("cp1251"))
    cli.ok("import", "csv", str(tmp_path / "ru.csv"), "--tag", "gala")
    cli.ok("contact", "edit", "иванов", "--role", "Генеральный директор по развитию региональных направлений")
    cli.ok("campaign", "add", "Gala", "--channel", "event", "--tag", "gala")
    out = tmp_path / "gala.vcf"
    cli.ok("campaign", "members", "gala", "--export", "vcard", "--out", str(out))
    text = out.read_bytes().decode("utf-8")
    assert [line for line in physical_lines(text) if len(line.encode("utf-8")) > 75] == []
    [card] = vobject.readComponents(text)
    assert (card.n.value.family, card.n.value.given) == ("Иванов", "Иван")
    assert (card.adr.value.street, card.adr.value.city) == ("ул. Тверская, д. 1", "Москва")
    import csv
    import io

    [row] = csv.DictReader(io.StringIO(cli.ok("campaign", "members", "gala", "--export", "csv").stdout))
    wanted = ["Иван", "Иванов", "ул. Тверская, д. 1", "Москва"]
    assert [row[k] for k in ("first_name", "last_name", "address", "city")] == wanted
