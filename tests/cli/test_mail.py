"""`minicrm mail import` and `mail log` on the Maildir and mbox fixtures (tests/fixtures/mail, see make_fixtures.py).

The fixtures' messages, by date (local time here is Moscow, UTC+3, all year: `TZ=MSK-3`):
  mbox  2026-10-01 09:00  Boris -> me  "Привет" (koi8-r, a >From line)
  INBOX 2025-12-05 12:00  Ada -> me    "Last year's invoice"
  INBOX 2026-11-02 11:15  Ada -> me    "Proposal for Q1" (multipart/alternative; +0100) — again in the mbox
  INBOX 2026-11-03 14:05  Boris -> me  "Счёт за ноябрь" (windows-1251, base64, a PDF attachment)
  INBOX 2026-11-04 10:00  Boris -> me  "Договор на 2027" (koi8-r quoted-printable)
  INBOX+Sent 2026-11-05 18:30 me -> Ada "Meeting next week" (the Cc to myself: the same Message-ID twice)
  INBOX 2026-11-06 11:00  Ada -> me    "Re: Meeting next week" (08:00 +0000; a reply: the thread)
  Sent  2026-11-06 12:00  me -> Ada    "Re: Meeting next week" (the reply to the reply)
  Sent  2026-11-07 09:30  me -> Boris  "Re: Счёт за ноябрь" (raw UTF-8 headers)
  INBOX 2026-11-07 11:00  Clara -> me  "Quick question" (no Message-ID) — again in the mbox
  INBOX 2026-11-08 09:00  Clara -> me  "Slides received & thanks" (HTML only)
  INBOX 2026-11-09 10:00  Ada -> me    "Café menu" (charset labels Python does not know)
  INBOX 2026-11-10 16:45  Dmitry (unknown) -> me "Website redesign"
  INBOX 2026-11-11 09:00  a newsletter (List-Id, Precedence: bulk)
17 messages read: 14 in the Maildir (11 INBOX + 3 Sent), 3 in the mbox; 12 different ones concern a contact.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime

import pytest

from conftest import FIXTURES, records, rows, scalar, target_digest

MAIL = FIXTURES / "mail"
ME = "me@freelance.test"


@pytest.fixture
def moscow(monkeypatch):
    """Local time UTC+3 without summer time, so the expected times below are worked out by hand."""
    monkeypatch.setenv("TZ", "MSK-3")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def boxes(tmp_path):
    """A copy of the fixtures (a Maildir keeps an empty tmp/, which git does not)."""
    box = tmp_path / "Maildir"
    shutil.copytree(MAIL / "Maildir", box)
    for folder in (box, box / ".Sent"):
        (folder / "tmp").mkdir(exist_ok=True)
    mbox = tmp_path / "archive.mbox"
    shutil.copy(MAIL / "archive.mbox", mbox)
    return box, mbox


@pytest.fixture
def crm(cli, moscow):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--every", "2w")
    cli.ok("contact", "add", "Boris Petrov", "--email", "boris@romashka.ru")
    cli.ok("contact", "add", "Clara Oswald", "--email", "clara@acme.test", "--company", "Acme")
    cli.ok("config", "set", "me", ME)
    return cli


def _import(cli, *args):
    return cli.ok("mail", "import", *map(str, args), "-f", "json")


def test_import_logs_each_message_once_on_its_contacts(crm, boxes):
    box, mbox = boxes
    res = _import(crm, box, mbox)
    report = res.json()
    assert {k: report[k] for k in ("read", "logged", "interactions", "already_logged", "no_contact")} == {
        "read": 17, "logged": 12, "interactions": 12, "already_logged": 3, "no_contact": 2,
    }  # fmt: skip
    assert [(u["email"], u["name"], u["messages"], u["automated"]) for u in report["unknown_senders"]] == [
        ("dmitry@newclient.test", "Dmitry Sidorov", 1, False),
        ("news@shop.test", "Shop News", 1, True),
    ]
    ada = crm.ok("timeline", "ada", "-f", "json").json()
    assert [(i["happened_at"], i["direction"], i["summary"]) for i in ada] == [
        ("2026-11-09T10:00:00", "in", "Café menu"),
        ("2026-11-06T12:00:00", "out", "Re: Meeting next week"),
        ("2026-11-06T11:00:00", "in", "Re: Meeting next week"),
        ("2026-11-05T18:30:00", "out", "Meeting next week"),
        ("2026-11-02T11:15:00", "in", "Proposal for Q1"),
        ("2025-12-05T12:00:00", "in", "Last year's invoice"),
    ]
    assert {i["kind"] for i in ada} == {"email"}
    assert ada[4]["body"] == "Hi Max,\n\nthe proposal looks good — let’s talk on Thursday.\n\nAda"
    assert ada[2]["body"] == "Tuesday is fine."  # the quoted message and its "wrote:" line are left out
    assert ada[0]["body"] == "Menu: café, crème brûlée."
    assert "unknown charset 'x-foobar', read as UTF-8" in res.stderr
    boris = crm.ok("timeline", "boris", "-f", "json").json()
    assert [(i["happened_at"], i["direction"], i["summary"]) for i in boris] == [
        ("2026-11-07T09:30:00", "out", "Re: Счёт за ноябрь"),
        ("2026-11-04T10:00:00", "in", "Договор на 2027"),
        ("2026-11-03T14:05:10", "in", "Счёт за ноябрь"),
        ("2026-10-01T09:00:00", "in", "Привет"),
    ]
    assert boris[2]["body"] == "Добрый день!\n\nВо вложении счёт за ноябрь.\n\nБорис\n\nAttachments: Счёт-11.pdf"
    assert boris[1]["body"] == "Присылаю проект договора."
    assert boris[3]["body"] == "Привет из архива.\nFrom now on we use the new address."  # ">From" unquoted
    clara = crm.ok("timeline", "clara", "-f", "json").json()
    assert [(i["summary"], i["body"], i["company"]) for i in clara] == [
        ("Slides received & thanks", "Thanks & regards,\nClara\n\nCafé at 5?", "Acme"),
        ("Quick question", "Can you send the slides again?", "Acme"),
    ]
    # like any `log`: the last contact and the cadence's next date (2 weeks after 2026-11-09)
    card = crm.ok("contact", "show", "ada", "-f", "json").json()
    assert card["last_interaction_at"] == "2026-11-09T10:00:00"
    assert card["next_contact_on"] == "2026-11-23"
    assert crm.ok("contact", "show", "boris", "-f", "json").json()["last_interaction_at"] == "2026-11-07T09:30:00"


def test_replies_share_their_thread_and_every_interaction_names_its_message(crm, boxes):
    box, mbox = boxes
    _import(crm, box, mbox)
    threads = dict(rows(crm.target, "SELECT message_key, thread_key FROM mail_message"))
    meeting = "20261105153000.meeting@freelance.test"
    assert threads["reply-1@example.com"] == meeting
    assert threads["20261106090000.confirm@freelance.test"] == meeting
    assert threads["20261107063000.paid@freelance.test"] == "AM0PR07MB1234ABCD@eurprd07.prod.outlook.com"
    assert threads["4f1c2a90-1b7e-4c52-9d0e-proposal@example.com"] == "4f1c2a90-1b7e-4c52-9d0e-proposal@example.com"
    hashed = [k for k in threads if k.startswith("sha256:")]
    assert len(hashed) == 1 and len(threads) == 12  # the message without Message-ID, once for its two copies
    assert scalar(crm.target, "SELECT count(*) FROM interaction WHERE mail_message_id IS NULL") == 0


def test_a_second_run_logs_nothing(crm, boxes):
    box, mbox = boxes
    _import(crm, box, mbox)
    before = target_digest(crm.target)
    again = _import(crm, mbox, box).json()
    assert (again["read"], again["logged"], again["already_logged"], again["no_contact"]) == (17, 0, 15, 2)
    assert target_digest(crm.target) == before


def test_dry_run_writes_nothing_and_says_what_it_would_log(crm, boxes):
    box, mbox = boxes
    before = target_digest(crm.target)
    res = crm.ok("mail", "import", str(box), str(mbox), "--dry-run", "--create-contacts")
    assert "12 would be logged" not in res.stderr  # the lead that would be made counts its message
    assert "17 message(s) read: 13 would be logged (13 interaction(s)), 3 already logged" in res.stderr
    assert target_digest(crm.target) == before


def test_since_skips_older_messages(crm, boxes):
    box, mbox = boxes
    report = _import(crm, box, mbox, "--since", "2026-11-05").json()
    assert (report["logged"], report["before_since"], report["already_logged"], report["no_contact"]) == (7, 6, 2, 2)
    assert [i["summary"] for i in crm.ok("timeline", "boris", "-f", "json").json()] == ["Re: Счёт за ноябрь"]


def test_create_contacts_adds_unknown_people_as_leads_not_newsletters(crm, boxes):
    box, _ = boxes
    report = _import(crm, box, "--create-contacts").json()
    assert report["logged"] == 12  # the 11 different messages of the Maildir that concern a contact, + Dmitry's
    made = [u for u in report["unknown_senders"] if u["contact_id"]]
    assert [(u["email"], u["name"]) for u in made] == [("dmitry@newclient.test", "Dmitry Sidorov")]
    lead = crm.ok("contact", "show", str(made[0]["contact_id"]), "-f", "json").json()
    assert (lead["name"], lead["status"], lead["source"]) == ("Dmitry Sidorov", "lead", "e-mail")
    assert [i["summary"] for i in crm.ok("timeline", "dmitry", "-f", "json").json()] == ["Website redesign"]
    assert not records(crm.target, "SELECT id FROM contact_email WHERE email_key = 'news@shop.test'")


def test_unknown_senders_are_listed_at_the_end(crm, boxes):
    box, _ = boxes
    res = crm.ok("mail", "import", str(box))
    lines = res.stdout.strip().splitlines()
    assert lines[0].split() == ["Unknown", "sender", "Name", "Messages", "Last", "Lead", "Company"]
    assert lines[1].split()[:4] == ["dmitry@newclient.test", "Dmitry", "Sidorov", "1"]
    assert "11 message(s) read" not in res.stderr and "14 message(s) read: 11 logged" in res.stderr


def test_without_me_the_direction_is_guessed_from_the_contacts(cli, moscow, boxes):
    box, _ = boxes
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    res = cli.ok("mail", "import", str(box))
    assert "config `me` is not set" in res.stderr
    items = cli.ok("timeline", "ada", "-f", "json").json()
    assert [(i["summary"], i["direction"]) for i in items][1:4] == [
        ("Re: Meeting next week", "out"),
        ("Re: Meeting next week", "in"),
        ("Meeting next week", "out"),
    ]


PIPED = b"""\
From: Boris Petrov <boris@romashka.ru>
To: me@freelance.test
Subject: =?utf-8?B?0J3QvtCy0YvQuSDQt9Cw0LrQsNC3?=
Date: Fri, 20 Nov 2026 15:00:00 +0300
Message-ID: <piped-1@romashka.ru>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

=D0=9D=D1=83=D0=B6=D0=BD=D0=BE 20 =D1=88=D1=82=D1=83=D0=BA.
"""


def test_mail_log_logs_the_piped_message_and_prints_it(crm):
    res = crm.ok("mail", "log", "-f", "json", input=PIPED)
    [item] = res.json()
    assert (item["contact"], item["direction"], item["happened_at"], item["subject"]) == (
        "Boris Petrov", "in", "2026-11-20 15:00:00", "Новый заказ",
    )  # fmt: skip
    assert item["message_id"] == "piped-1@romashka.ru"
    [logged] = crm.ok("timeline", "boris", "-f", "json").json()
    assert (logged["id"], logged["body"]) == (item["id"], "Нужно 20 штук.")
    again = crm.ok("mail", "log", input=PIPED)
    assert "already logged: 1 message(s)" in again.stderr and again.stdout == ""
    table = crm.ok("mail", "log", input=PIPED.replace(b"piped-1", b"piped-2")).stdout
    assert "Boris Petrov" in table and "Новый заказ" in table


def test_mail_log_with_an_mbox_from_line_and_a_contact_given(crm):
    stranger = PIPED.replace(b"boris@romashka.ru", b"someone@else.test")
    crm.fails("mail", "log", input=stranger, code=2, match="no contact has the message's addresses")
    piped = b"From someone@else.test Fri Nov 20 15:00:00 2026\n" + stranger
    [item] = crm.ok("mail", "log", "--contact", "clara", "-f", "json", input=piped).json()
    assert (item["contact"], item["subject"]) == ("Clara Oswald", "Новый заказ")


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: p / "missing", "no file or folder"),
        (lambda p: (p / "notes.txt").write_text("hello\n") and p / "notes.txt", "is not a mailbox: an mbox file"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "is not a mailbox: a folder without cur/ and new/"),
    ],
    ids=["missing", "text-file", "plain-folder"],
)
def test_what_is_not_a_mailbox_is_one_error_line(crm, boxes, tmp_path, make, match):
    box, _ = boxes
    crm.fails("mail", "import", str(box), str(make(tmp_path)), code=2, match=match)


def test_mail_log_refuses_what_is_not_a_message(crm):
    crm.fails("mail", "log", input=b"just some text\n", code=2, match="not an e-mail message")


def test_config_me_takes_addresses_and_domains(cli):
    cli.ok("config", "set", "me", "Me@Freelance.test, @mycompany.test")
    assert cli.ok("config", "show", "-f", "json").json()["me"] == "me@freelance.test, @mycompany.test"
    cli.fails("config", "set", "me", "not-an-address", code=2, match="invalid address 'not-an-address'")


def test_mail_log_takes_several_messages_piped_as_mbox(crm):
    """aerc's `:pipe -m` of marked messages (and mutt's tagged ones) writes them with mbox separators."""
    second = PIPED.replace(b"piped-1", b"piped-2").replace(b"From now", b">From now")
    second = second.replace(b"20 =D1=88=D1=82=D1=83=D0=BA.", b"2.\n>From now on: weekly.")
    piped = (
        b"From boris@romashka.ru Fri Nov 20 15:00:00 2026\n" + PIPED + b"\nFrom x Fri Nov 20 15:01:00 2026\n" + second
    )
    items = crm.ok("mail", "log", "-f", "json", input=piped).json()
    assert [i["message_id"] for i in items] == ["piped-1@romashka.ru", "piped-2@romashka.ru"]
    bodies = [i["body"] for i in crm.ok("timeline", "boris", "-f", "json").json()]
    assert sorted(bodies) == ["Нужно 2.\nFrom now on: weekly.", "Нужно 20 штук."]


def test_import_takes_single_message_files_as_notmuch_lists_them(crm, boxes):
    box, _ = boxes
    files = sorted((box / "cur").iterdir())[:2]  # the proposal (Ada) and the invoice (Boris)
    report = _import(crm, *files).json()
    assert (report["read"], report["logged"]) == (2, 2)
    assert [i["summary"] for i in crm.ok("timeline", "boris", "-f", "json").json()] == ["Счёт за ноябрь"]


def test_company_domains_follow_the_website_and_email(cli):
    """`company_domain` (what --by-domain looks up): the website's host without www. and the e-mail's domain;
    public mail services are nobody's domain."""
    cli.ok("company", "add", "Acme", "--website", "https://www.Acme.test/about", "--email", "info@acme-mail.test")
    cli.ok("company", "add", "Solo", "--email", "solo.shop@gmail.com")
    domains = "SELECT c.name, d.domain FROM company_domain d JOIN company c ON c.id = d.company_id ORDER BY 1, 2"
    assert rows(cli.target, domains) == [("Acme", "acme-mail.test"), ("Acme", "acme.test")]
    cli.ok("company", "edit", "Acme", "--website", "acme.example")
    cli.ok("company", "edit", "Solo", "--website", "solo.example")
    assert rows(cli.target, domains) == [
        ("Acme", "acme-mail.test"), ("Acme", "acme.example"), ("Solo", "solo.example"),
    ]  # fmt: skip


def test_by_domain_logs_mail_from_an_unknown_person_on_the_company(crm, boxes):
    box, _ = boxes
    company = crm.ok("company", "add", "New Client Ltd", "--website", "https://www.newclient.test").stdout.strip()
    report = _import(crm, box, "--by-domain").json()
    assert (report["logged"], report["on_company"], report["no_contact"]) == (12, 1, 1)  # the newsletter: nobody's
    unknown = {u["email"]: u for u in report["unknown_senders"]}
    assert (unknown["dmitry@newclient.test"]["company"], unknown["dmitry@newclient.test"]["contact_id"]) == (
        "New Client Ltd", None,
    )  # fmt: skip
    on_company = "SELECT direction, summary, happened_at FROM interaction WHERE contact_id IS NULL AND company_id = ?"
    assert rows(crm.target, on_company, (int(company),)) == [("in", "Website redesign", datetime(2026, 11, 10, 16, 45))]
    shown = crm.ok("company", "show", company, "-f", "json").json()
    assert shown["last_interaction_at"] == "2026-11-10T16:45:00"


def test_by_domain_with_create_contacts_makes_the_lead_at_the_company(crm, boxes):
    box, _ = boxes
    crm.ok("company", "add", "New Client Ltd", "--email", "office@newclient.test")
    report = _import(crm, box, "--by-domain", "--create-contacts").json()
    assert (report["logged"], report["on_company"]) == (12, 0)
    lead = crm.ok("contact", "show", "dmitry", "-f", "json").json()
    assert (lead["company"], lead["status"]) == ("New Client Ltd", "lead")
    assert [i["summary"] for i in crm.ok("timeline", "dmitry", "-f", "json").json()] == ["Website redesign"]


def test_mail_log_by_domain_logs_on_the_company(crm):
    company = crm.ok("company", "add", "Romashka LLC", "--website", "romashka.ru").stdout.strip()
    stranger = PIPED.replace(b"Boris Petrov <boris@romashka.ru>", b"Accounts <buh@mail.romashka.ru>")
    [item] = crm.ok("mail", "log", "--by-domain", "-f", "json", input=stranger).json()
    assert (item["contact_id"], item["contact"], item["company_id"], item["company"]) == (
        None, None, int(company), "Romashka LLC",
    )  # fmt: skip
    assert crm.ok("company", "show", company, "-f", "json").json()["last_interaction_at"] == "2026-11-20T15:00:00"


def test_import_json_of_an_export_older_than_company_domains_fills_them(cli, new_target, tmp_path):
    """A document exported before migration 0015 has no company_domain rows: the load makes them."""
    import json

    from conftest import Cli

    cli.ok("company", "add", "Acme", "--website", "https://acme.test")
    document = json.loads(cli.ok("export", "json").stdout)
    document["schema"] = "0014"
    document["tables"].pop("company_domain", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    other = Cli(new_target("other"))
    other.ok("import", "json", str(path))
    assert rows(other.target, "SELECT domain FROM company_domain") == [("acme.test",)]


def test_a_long_message_keeps_its_start_cut_on_a_word(crm):
    words = " ".join(f"word{n}" for n in range(1000))  # 6,890 characters
    long = PIPED.split(b"\n\n")[0].replace(b"quoted-printable", b"8bit") + b"\n\n" + words.encode() + b"\n"
    [item] = crm.ok("mail", "log", "-f", "json", input=long).json()
    [logged] = crm.ok("timeline", "boris", "-f", "json").json()
    assert logged["body"].endswith(" …") and len(logged["body"]) <= 2002
    assert logged["body"].startswith("word0 word1 ") and words.startswith(logged["body"][:-2])
    assert item["id"] == logged["id"]
