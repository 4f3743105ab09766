"""`import csv` and `export csv` (#17): the date order of a file, who is the same person, our own columns back in,
and a formula guard that leaves phone numbers and dates alone."""

from __future__ import annotations

import csv
import io

from conftest import Cli, rows, scalar

OUTLOOK_HEAD = ('"Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title",'
                '"Business Street","Business City","Business State","Business Postal Code","Business Country/Region",'
                '"Mobile Phone","Anniversary","Birthday","Categories","E-mail Address","E-mail Type",'
                '"E-mail Display Name","Notes"')  # fmt: skip


def outlook_row(first: str, last: str, birthday: str, email: str) -> str:
    return (f'"","{first}","","{last}","","","","","","","","","","","0/0/00","{birthday}","","{email}","SMTP",'
            f'"{first} {last} ({email})",""')  # fmt: skip


def contacts(cli) -> dict[str, dict]:
    return {c["name"]: c for c in cli.ok("contact", "list", "-f", "json").json()}


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    (tmp_path / name).write_bytes(text.encode(encoding))
    return str(tmp_path / name)


def test_outlook_us_dates(cli, tmp_path):
    path = write(tmp_path, "outlook.csv", "\r\n".join([
        OUTLOOK_HEAD,
        outlook_row("Ada", "Byron", "3/4/1970", "ada@example.org"),
        outlook_row("Grace", "Hopper", "10/13/1925", "grace@example.org"),
        outlook_row("Alan", "Turing", "0/0/00", "alan@example.org"),
    ]) + "\r\n")  # fmt: skip
    res = cli.ok("import", "csv", path)
    people = contacts(cli)
    assert people["Grace Hopper"]["birthday"] == "1925-10-13"  # used to abort the whole import
    assert people["Ada Byron"]["birthday"] == "1970-03-04"  # used to be 3 April
    assert people["Alan Turing"]["birthday"] is None
    assert "month first (10/13/1925 on line 3)" in res.stderr


def test_outlook_header_means_month_first_when_no_date_says(cli, tmp_path):
    path = write(tmp_path, "outlook.csv", OUTLOOK_HEAD + "\r\n" + outlook_row("Ada", "Byron", "3/4/1970", "a@x.org"))
    res = cli.ok("import", "csv", path)
    assert contacts(cli)["Ada Byron"]["birthday"] == "1970-03-04"
    assert "month first (an Outlook file); give --date-order dmy if they are day first" in res.stderr


def test_date_order_option_and_default(cli, tmp_path, new_target):
    path = write(tmp_path, "plain.csv", "name,birthday\nAda,3/4/1970\nBob,04.05.1980\nCid,1990-06-07\n")
    res = cli.ok("import", "csv", path)  # no evidence, no config: day first, and said so
    people = contacts(cli)
    assert [people[n]["birthday"] for n in ("Ada", "Bob", "Cid")] == ["1970-04-03", "1980-05-04", "1990-06-07"]
    assert "day first; give --date-order mdy if they are month first" in res.stderr
    other = Cli(new_target())
    quiet = other.ok("import", "csv", path, "--date-order", "mdy")
    people = contacts(other)
    # dotted dates are day first everywhere, ISO dates year first: only the slashes follow the order
    assert [people[n]["birthday"] for n in ("Ada", "Bob", "Cid")] == ["1970-03-04", "1980-05-04", "1990-06-07"]
    assert "first" not in quiet.stderr
    ymd = write(tmp_path, "ymd.csv", "name,birthday\nDee,70/04/03\n")
    other.ok("import", "csv", ymd, "--date-order", "ymd")
    assert contacts(other)["Dee"]["birthday"] == "1970-04-03"
    us = write(tmp_path, "us.csv", "name,birthday\nEve,10/13/1925\n")
    cli.fails("import", "csv", us, "--date-order", "dmy", code=2, match="line 2: invalid birthday '10/13/1925'")
    cli.fails("import", "csv", us, "--date-order", "ydm", code=2, match="--date-order")


def test_a_file_with_both_orders_is_refused(cli, tmp_path):
    path = write(tmp_path, "mixed.csv", "name,birthday\nAda,13/10/1925\nBob,10/13/1925\n")
    both = "dates in both orders: 13/10/1925 (line 2) is day first, 10/13/1925 (line 3) month first"
    cli.fails("import", "csv", path, code=2, match=both)


def test_config_date_format_is_the_default_order(cli, tmp_path):
    cli.ok("config", "set", "date_format", "mdy")
    path = write(tmp_path, "plain.csv", "name,birthday\nAda,3/4/1970\n")
    res = cli.ok("import", "csv", path)
    assert contacts(cli)["Ada"]["birthday"] == "1970-03-04"
    assert "month first (date_format in the config)" in res.stderr


def test_shared_phone_never_merges_and_never_renames(cli, tmp_path, db_target):
    cli.ok("contact", "add", "Reception Desk", "--phone", "+49 30 1234567", "--company", "Acme")
    path = write(tmp_path, "staff.csv", "name,phone,company\nAnna Schmidt,+49 30 1234567,Acme\n"
                                       "Bernd Braun,+49 (30) 123 4567,Acme\n")  # fmt: skip
    res = cli.ok("import", "csv", path, "-f", "json").json()
    assert (res["created"], res["updated"]) == (2, 0)
    people = contacts(cli)
    assert set(people) == {"Reception Desk", "Anna Schmidt", "Bernd Braun"}
    assert people["Reception Desk"]["revision"] == 1
    assert people["Bernd Braun"]["phones"] == ["+49 (30) 123 4567"]
    # the same rows again: the same people (phone and name together), nothing new
    again = cli.ok("import", "csv", path, "-f", "json").json()
    assert (again["created"], again["unchanged"]) == (0, 2)
    # an e-mail is who someone is: a new name for a known address is an update
    mail = write(tmp_path, "mail.csv", "name,email,company\nAnna Schmidt,anna@acme.example,Acme\n")
    cli.ok("import", "csv", mail)
    renamed = write(tmp_path, "renamed.csv", "name,email,phone\nAnna Müller,anna@acme.example,+49 30 1234567\n")
    cli.ok("import", "csv", renamed)
    assert set(contacts(cli)) == {"Reception Desk", "Anna Müller", "Bernd Braun"}
    assert scalar(db_target, "SELECT count(*) FROM contact") == 3


def test_shared_phone_in_one_file_is_two_people(cli, tmp_path):
    path = write(tmp_path, "switchboard.csv", "name,phone\nAnna,+7 495 000 00 00\nBoris,+7 495 000 00 00\n"
                                              "Anna,+7 495 000 00 00\n")  # fmt: skip
    res = cli.ok("import", "csv", path, "-f", "json").json()
    assert (res["created"], res["merged"]) == (2, 1)
    assert set(contacts(cli)) == {"Anna", "Boris"}


def test_reimporting_our_own_csv_keeps_next_contact(cli, tmp_path, new_target):
    cli.ok("contact", "add", "Ada", "--email", "ada@example.org", "--next", "2026-12-01 10:30", "--goal",
           "send the offer")  # fmt: skip
    cli.ok("contact", "add", "Bob", "--next", "2027-01-15")
    cli.ok("export", "csv", "-o", str(tmp_path / "all.csv"))
    other = Cli(new_target())
    other.ok("import", "csv", str(tmp_path / "all.csv"))
    keys = ("next_contact_on", "next_contact_time", "next_contact_goal")
    theirs = {n: tuple(c[k] for k in keys) for n, c in contacts(other).items()}
    assert theirs == {"Ada": ("2026-12-01", "10:30", "send the offer"), "Bob": ("2027-01-15", None, None)}
    # and importing it again into the first database changes nothing
    res = cli.ok("import", "csv", str(tmp_path / "all.csv"), "-f", "json").json()
    assert (res["created"], res["updated"], res["unchanged"]) == (0, 0, 2)


def test_two_name_columns_are_refused(cli, tmp_path):
    path = write(tmp_path, "two.csv", "Name,E-mail,Full Name\nAda,ada@example.org,Ada Lovelace\n")
    refused = "columns 'Name' and 'Full Name' both give the name; keep one with --map 'Full Name=ignore'"
    cli.fails("import", "csv", path, code=2, match=refused)
    cli.ok("import", "csv", path, "--map", "Full Name=ignore")
    assert list(contacts(cli)) == ["Ada"]


def test_formula_guard_spares_phones_and_dates(cli, tmp_path, db_target):
    cli.ok("contact", "add", "Klaus", "--phone", "+49 30 1234567", "--phone", "+1 (555) 010-0199",
           "--birthday=--12-10", "--role", "=1+2", "--note=-5 degrees, +cmd|' /C calc'!A0")  # fmt: skip
    out = cli.ok("export", "csv").stdout
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["phone"] == "+49 30 1234567; +1 (555) 010-0199"
    assert row["birthday"] == "--12-10"
    assert row["role"] == "'=1+2" and row["notes"].startswith("'-5 degrees")
    (tmp_path / "out.csv").write_text(out, encoding="utf-8")
    before = rows(db_target, "SELECT phone FROM contact_phone ORDER BY id")
    res = cli.ok("import", "csv", str(tmp_path / "out.csv"), "-f", "json").json()
    assert res["unchanged"] == 1
    assert rows(db_target, "SELECT phone FROM contact_phone ORDER BY id") == before
