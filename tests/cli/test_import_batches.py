"""A big `import csv` is read and written a batch of rows at a time (#18), and stays one all-or-nothing import.

The files here are longer than one batch (`planning.BATCH`, 2,000 rows), so a bad row, a repeated person and a
second update of one contact land in a batch after the one that wrote the rows they concern.
"""

from __future__ import annotations

from conftest import rows, scalar
from minicrm.store.exchange.importing.planning import BATCH

HEADER = "name,email,phone,company,status,tags"


def person(i: int) -> str:
    return f"Person {i},p{i}@example.org,+33 1 {10000000 + i},Co {i % 50},,"


def big_file(tmp_path, lines: dict[int, str], count: int = 3000) -> str:
    """`count` people, one per line from line 2 on, with some lines (by file line number) replaced."""
    body = [HEADER] + [lines.get(i + 2, person(i)) for i in range(count)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return str(path)


def test_the_files_span_more_than_one_batch():
    assert BATCH < 2990


def test_a_bad_row_late_in_a_big_file_changes_nothing(cli, tmp_path):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    path = big_file(tmp_path, {2990: "Bob,not-an-email,,,,"})
    cli.fails("import", "csv", path, code=2, match="line 2990: invalid email 'not-an-email'; nothing was imported")
    assert scalar(cli.target, "SELECT count(*) FROM contact") == 1
    assert scalar(cli.target, "SELECT count(*) FROM company") == 0


def test_a_row_too_long_late_in_a_big_file_changes_nothing(cli, tmp_path):
    path = big_file(tmp_path, {2995: f"{'x' * 301},long@example.org,,,,"})
    cli.fails("import", "csv", path, code=2, match="line 2995: ")
    assert scalar(cli.target, "SELECT count(*) FROM contact") == 0


def test_skip_bad_keeps_the_rows_of_every_batch(cli, tmp_path):
    path = big_file(tmp_path, {5: "Bob,not-an-email,,,,", 2990: "Cid,also-not-one,,,,"})
    res = cli.ok("import", "csv", path, "--skip-bad")
    assert "created 2998," in res.stderr and "rejected 2" in res.stderr
    assert scalar(cli.target, "SELECT count(*) FROM contact") == 2998
    assert scalar(cli.target, "SELECT count(*) FROM contact_fts") == 2998


def test_a_person_repeated_a_batch_later_is_merged_into_the_written_contact(cli, tmp_path):
    # line 3 is Person 1 (no status, no tags); line 2999 is the same e-mail with a second phone, a status, a tag
    # and an address; line 3000 the same person once more, with a third phone and another status (ignored: the
    # first row to give one wins)
    path = big_file(tmp_path, {
        2999: "Person 1,P1@Example.org,+44 20 7946 0001,,client,vip",
        3000: "Person 1,p1@example.org,+44 20 7946 0002,Other Co,lead,newsletter",
    })  # fmt: skip
    res = cli.ok("import", "csv", path)
    assert "created 2998," in res.stderr and "merged 2 (same person twice in the file)" in res.stderr
    cid = scalar(cli.target, "SELECT contact_id FROM contact_email WHERE email_key = 'p1@example.org'")
    assert rows(cli.target, "SELECT name, status FROM contact WHERE id = ?", (cid,)) == [("Person 1", "client")]
    company = "SELECT co.name FROM contact c JOIN company co ON co.id = c.company_id WHERE c.id = ?"
    assert scalar(cli.target, company, (cid,)) == "Co 1"  # the first row's company stays
    phones = "SELECT phone, position FROM contact_phone WHERE contact_id = ? ORDER BY position"
    assert rows(cli.target, phones, (cid,)) == [("+33 1 10000001", 0), ("+44 20 7946 0001", 1), ("+44 20 7946 0002", 2)]
    assert rows(cli.target, "SELECT email FROM contact_email WHERE contact_id = ?", (cid,)) == [("p1@example.org",)]
    tags = "SELECT tag FROM contact_tag WHERE contact_id = ? ORDER BY tag"
    assert rows(cli.target, tags, (cid,)) == [("newsletter",), ("vip",)]
    assert scalar(cli.target, "SELECT count(*) FROM company WHERE name = 'Other Co'") == 0  # not needed: not made
    # the search index holds what was merged in
    found = cli.ok("search", "7946", "-f", "json").json()
    assert [hit["id"] for hit in found if hit["kind"] == "contact"] == [cid]


def test_a_contact_updated_in_two_batches_gets_both_updates(cli, tmp_path):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    path = big_file(tmp_path, {
        10: "Ada Lovelace,ada@example.org,+44 20 7946 0000,,,",
        2900: "Ada Lovelace,ada@example.org,+44 20 7946 0009,,client,vip",
    })  # fmt: skip
    res = cli.ok("import", "csv", path, "-f", "json")
    summary = res.json()
    assert (summary["created"], summary["updated"], summary["merged"]) == (2998, 2, 0)
    changes = {i["line"]: i["changes"] for i in summary["items"] if i["action"] == "update"}
    assert changes == {10: ["+phones"], 2900: ["status", "+phones", "+tags"]}
    ada = scalar(cli.target, "SELECT id FROM contact WHERE name = 'Ada Lovelace'")
    phones = "SELECT phone, position FROM contact_phone WHERE contact_id = ? ORDER BY position"
    assert rows(cli.target, phones, (ada,)) == [("+44 20 7946 0000", 0), ("+44 20 7946 0009", 1)]
    assert scalar(cli.target, "SELECT revision FROM contact WHERE id = ?", (ada,)) == 3


def test_a_dry_run_of_a_big_file_says_what_the_import_does(cli, tmp_path):
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    path = big_file(tmp_path, {
        10: "Ada Lovelace,ada@example.org,+44 20 7946 0000,,,",
        2900: "Ada Lovelace,ada@example.org,+44 20 7946 0000,,,",  # what line 10 adds: nothing new then
        2950: "Person 3,p3@example.org,,,,",
    })  # fmt: skip
    dry = cli.ok("import", "csv", path, "--dry-run", "-f", "json").json()
    real = cli.ok("import", "csv", path, "-f", "json").json()
    assert [(i["line"], i["action"], i["changes"]) for i in dry["items"]] == [
        (i["line"], i["action"], i["changes"]) for i in real["items"]
    ]
    assert (real["created"], real["updated"], real["unchanged"], real["merged"]) == (2997, 1, 1, 1)
