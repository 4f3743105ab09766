"""Typed custom fields (#20): `field define/list/remove`, values checked on set, comparisons on contact and company
lists, saved segments with every list filter, and `report segments --by field:NAME` bins. Today is 2026-11-22.

The dataset, by hand:

| company      | turnover   | founded    | region | people (region, source, since, note)                |
|--------------|------------|------------|--------|------------------------------------------------------|
| Big AG       | 2 500 000  | 1999-05-01 | Bayern | Anna (North, web, 2018-06-01, "Likes golf")         |
| Mid GmbH     | 1 000 000  | 2010-01-15 | Bayern | Bert (south, fair, 2021-03-10), Cleo (—, web, —)     |
| Small OHG    | 40 000     | —          | Sachsen| Dora (NORTH, web, 2019-12-31, "GOLF and tennis")    |
| (none)       |            |            |        | Emil (—, —, —); Fritz archived (north)              |
"""

from __future__ import annotations

import pytest

from conftest import Cli, rows


@pytest.fixture
def crm(cli: Cli) -> Cli:
    cli.ok("field", "define", "turnover", "--type", "number", "--for", "company")
    cli.ok("field", "define", "founded", "--type", "date", "--for", "company")
    cli.ok("field", "define", "region", "--type", "choice", "--choices", "North,South", "--for", "contact")
    cli.ok("field", "define", "since", "--type", "date")
    for name, turnover, founded, region in (("Big AG", "2 500 000", "1999-05-01", "Bayern"),
                                             ("Mid GmbH", "1000000", "15.01.2010", "Bayern"),
                                             ("Small OHG", "40000", "", "Sachsen")):  # fmt: skip
        cli.ok("company", "add", name, "--region", region, "--field", f"turnover={turnover}",
               *(["--field", f"founded={founded}"] if founded else []))  # fmt: skip
    people = [("Anna", "Big AG", "North", "web", "2018-06-01", "Likes golf"),
              ("Bert", "Mid GmbH", "south", "fair", "2021-03-10", ""),
              ("Cleo", "Mid GmbH", "", "web", "", ""),
              ("Dora", "Small OHG", "NORTH", "web", "2019-12-31", "GOLF and tennis"),
              ("Emil", "", "", "", "", ""),
              ("Fritz", "", "north", "", "", "")]  # fmt: skip
    for name, company, region, source, since, note in people:
        args = ["contact", "add", name]
        args += ["--company", company] if company else []
        args += ["--source", source] if source else []
        for key, value in (("region", region), ("since", since), ("note", note)):
            if value:
                args += ["--field", f"{key}={value}"]
        cli.ok(*args)
    cli.ok("contact", "archive", "fritz")
    return cli


def names(cli: Cli, *args: str) -> list[str]:
    return sorted(c["name"] for c in cli.ok(*args, "-f", "json").json())


def test_values_are_checked_and_stored_normalised(crm):
    assert rows(
        crm.target,
        "SELECT co.name, f.value, f.number FROM company_field f JOIN company co"
        " ON co.id = f.company_id WHERE f.key = 'turnover' ORDER BY co.id",
    ) == [
        ("Big AG", "2500000", 2500000.0),
        ("Mid GmbH", "1000000", 1000000.0),
        ("Small OHG", "40000", 40000.0),
    ]
    card = crm.ok("company", "show", "mid", "-f", "json").json()
    assert card["fields"] == {"founded": "2010-01-15", "turnover": "1000000"}
    assert crm.ok("contact", "show", "dora", "-f", "json").json()["fields"]["region"] == "North"  # the list's spelling
    crm.fails("contact", "edit", "emil", "--field", "region=West", code=2,
              match="invalid region value 'West' (one of: North, South)")  # fmt: skip
    crm.fails("company", "edit", "small", "--field", "turnover=lots", code=2, match="invalid turnover value 'lots'")
    crm.fails("contact", "edit", "emil", "--field", "since=32.13.2020", code=2, match="32.13.2020")
    crm.fails("field", "define", "x", "--type", "colour", code=2, match="unknown field type 'colour'")
    crm.fails("field", "define", "x", "--type", "choice", code=2, match="a choice field needs its choices")
    crm.fails("field", "define", "a>b", "--type", "text", code=2, match="invalid field name 'a>b'")
    crm.fails("field", "define", "x", "--type", "text", "--for", "deal", code=2, match="unknown --for 'deal'")
    # typing a key already in use converts its values, or refuses naming the first that does not fit
    crm.fails(
        "field", "define", "note", "--type", "number", code=2, match="invalid note value of contact 1 'Likes golf'"
    )
    crm.ok("contact", "edit", "emil", "--field", "size=1 200")
    assert "1 value checked" in crm.ok("field", "define", "size", "--type", "number").stderr
    assert crm.ok("contact", "show", "emil", "-f", "json").json()["fields"]["size"] == "1200"


def test_field_list_and_remove(crm):
    listed = crm.ok("field", "list", "-f", "json").json()
    assert [(f["name"], f["for"], f["type"], f["choices"], f["values"]) for f in listed] == [
        ("note", "contact", "text", None, 2),
        ("region", "contact", "choice", ["North", "South"], 4),
        ("since", "contact", "date", None, 3),
        ("founded", "company", "date", None, 2),
        ("turnover", "company", "number", None, 3),
    ]
    assert "2 values kept" in crm.ok("field", "remove", "founded", "--for", "company").stderr
    assert [f["type"] for f in crm.ok("field", "list", "--for", "company", "-f", "json").json()] == ["text", "number"]
    crm.fails("field", "remove", "founded", "--for", "company", code=1, match="no company field 'founded' is defined")


def test_comparisons_on_contact_lists(crm):
    # a company field named on a contact list is the contact's company's
    assert names(crm, "contact", "list", "--field", "turnover>=1000000") == ["Anna", "Bert", "Cleo"]
    assert names(crm, "contact", "list", "--field", "turnover>1000000") == ["Anna"]
    assert names(crm, "contact", "list", "--field", "company:turnover<1 000 000") == ["Dora"]
    assert names(crm, "contact", "list", "--field", "turnover=40000..1000000") == ["Bert", "Cleo", "Dora"]
    assert names(crm, "contact", "list", "--field", "since<2020-01-01") == ["Anna", "Dora"]
    assert names(crm, "contact", "list", "--field", "since>=31.12.2019") == ["Bert", "Dora"]
    # choices and text: any case; != includes those without the field
    assert names(crm, "contact", "list", "--field", "region=north") == ["Anna", "Dora"]
    assert names(crm, "contact", "list", "--field", "region!=NORTH") == ["Bert", "Cleo", "Emil"]
    assert names(crm, "contact", "list", "--field", "note=likes GOLF") == ["Anna"]
    assert names(crm, "contact", "list", "--field", "note~golf") == ["Anna", "Dora"]
    # several: all of them; with the other filters
    assert names(crm, "contact", "list", "--field", "note~golf", "--field", "since>2019-01-01") == ["Dora"]
    assert names(crm, "contact", "list", "--source", "web", "--field", "turnover>=1000000") == ["Anna", "Cleo"]
    assert names(crm, "contact", "list", "--region", "bayern") == ["Anna", "Bert", "Cleo"]
    assert names(crm, "contact", "list", "--archived", "--field", "region=north") == ["Fritz"]
    crm.fails("contact", "list", "--field", "region>north", code=2, match="choice field 'region' compares with =")
    crm.fails("contact", "list", "--field", "note>5", code=2, match="field 'note' has no type")
    crm.fails("contact", "list", "--field", "turnover>=many", code=2, match="invalid turnover value")
    crm.fails("contact", "list", "--field", "turnover", code=2, match="invalid field filter 'turnover'")


def test_comparisons_on_company_lists(crm):
    assert names(crm, "company", "list", "--field", "turnover>=1000000") == ["Big AG", "Mid GmbH"]
    assert names(crm, "company", "list", "--field", "turnover<=40000") == ["Small OHG"]
    assert names(crm, "company", "list", "--field", "founded<2000-01-01") == ["Big AG"]
    assert names(crm, "company", "list", "--field", "founded!=1999-05-01") == ["Mid GmbH", "Small OHG"]
    assert names(crm, "company", "list", "--region", "BAYERN", "--field", "turnover<2000000") == ["Mid GmbH"]


def test_saved_segment_with_every_filter_reruns(crm):
    res = crm.ok("segment", "save", "bavarian web", "--region", "Bayern", "--source", "web",
                 "--field", "turnover>=1000000")  # fmt: skip
    assert "2 contacts" in res.stderr  # Anna, Cleo
    shown = crm.ok("segment", "show", "bavarian web", "-f", "json").json()
    assert sorted(m["name"] for m in shown["members"]) == ["Anna", "Cleo"]
    assert shown["filter"] == "source=web region=Bayern field:company:turnover>=1000000"
    # re-run on later data: a new contact that matches joins, one whose company shrinks leaves
    crm.ok("contact", "add", "Gina", "--company", "Big AG", "--source", "WEB")
    crm.ok("company", "edit", "mid", "--field", "turnover=999999.5")
    assert sorted(m["name"] for m in crm.ok("segment", "show", "bavarian web", "-f", "json").json()["members"]) == [
        "Anna", "Gina"]  # fmt: skip
    assert names(crm, "contact", "list", "--segment", "bavarian web", "--field", "since<2020-01-01") == ["Anna"]
    crm.ok("segment", "save", "north since", "--field", "region=NORTH", "--field", "since=2018-01-01..2019-06-30")
    assert [s["contacts"] for s in crm.ok("segment", "list", "-f", "json").json()] == [2, 1]
    # a campaign's --add-filter takes the same comparisons
    crm.ok("campaign", "add", "Golf day", "--channel", "event")
    added = names(crm, "campaign", "members", "golf day", "--add-filter", "field:note~golf",
                  "--add-filter", "field:turnover<100000")  # fmt: skip
    assert added == ["Dora"]


def test_report_segments_bins_numbers_and_groups_choices(crm):
    by = lambda name: [(r["segment"], r["contacts"]) for r in  # noqa: E731
                       crm.ok("report", "segments", "--by", f"field:{name}", "-f", "json").json()]  # fmt: skip
    # turnover of each active contact's company: Anna 2.5M, Bert and Cleo 1M, Dora 40k, Emil none
    assert by("turnover") == [("10k – 100k", 1), ("1M – 10M", 3), ("(none)", 1)]
    assert by("since") == [("2018", 1), ("2019", 1), ("2021", 1), ("(none)", 2)]
    assert sorted(by("region")) == [("(none)", 2), ("North", 2), ("South", 1)]
    # text: one group whatever the case
    crm.ok("contact", "edit", "emil", "--field", "note=likes golf")
    assert sorted(by("note")) == [("(none)", 2), ("GOLF and tennis", 1), ("Likes golf", 2)]
    crm.ok("field", "define", "score", "--type", "number")
    for name, score in (("anna", "-5"), ("bert", "0"), ("cleo", "9.99"), ("dora", "10")):
        crm.ok("contact", "edit", name, "--field", f"score={score}")
    assert by("score") == [("below 0", 1), ("0 – 10", 2), ("10 – 100", 1), ("(none)", 1)]


def test_definitions_and_typed_values_round_trip_through_export_json(crm, new_target, tmp_path):
    out = tmp_path / "all.json"
    crm.ok("export", "json", "-o", str(out))
    other = Cli(new_target("other"))
    other.ok("import", "json", str(out))
    assert other.ok("field", "list", "-f", "json").json() == crm.ok("field", "list", "-f", "json").json()
    assert names(other, "contact", "list", "--field", "turnover>=1000000", "--field", "region=NORTH") == ["Anna"]


def test_a_csv_import_checks_typed_fields(crm, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("name,email,field:since\nHanna,hanna@example.org,01.02.2015\n", encoding="utf-8")
    bad.write_text("name,email,field:region\nIgor,igor@example.org,Atlantis\n", encoding="utf-8")
    crm.ok("import", "csv", str(good))
    assert crm.ok("contact", "show", "hanna", "-f", "json").json()["fields"] == {"since": "2015-02-01"}
    assert names(crm, "contact", "list", "--field", "since<2019-01-01") == ["Anna", "Hanna"]
    crm.fails("import", "csv", str(bad), code=2, match="invalid region value of contact")
