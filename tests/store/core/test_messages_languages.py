"""The database's and the values' messages in the user's language (#23), straight from the layer that makes them."""

from __future__ import annotations

import sqlite3

import pytest

from minicrm import i18n
from minicrm.errors import BadInput, Conflict, PermissionDenied
from minicrm.store.core.dialect import POSTGRES, SQLITE
from minicrm.store.core.limits import check_lengths
from minicrm.store.core.records import check_revision
from minicrm.values.money import parse_money
from minicrm.values.percent import parse_percent


@pytest.fixture
def bulgarian():
    i18n.use("bg")
    yield
    i18n.use("en")


def test_a_locked_read_only_or_full_sqlite_database_in_bulgarian(bulgarian):
    def said(text: str) -> str:
        error = SQLITE.store_error(sqlite3.OperationalError(text))
        assert error is not None
        return str(error)

    assert said("database is locked") == (
        "базата данни е заета (друг процес на minicrm я държа заключена твърде дълго); опитайте отново"
    )
    assert (
        said("attempt to write a readonly database") == "базата данни е само за четене (проверете правата върху файла)"
    )
    assert said("database or disk is full") == "дискът е пълен: нищо не е записано"
    assert said("disk I/O error") == "грешка в базата данни: входно-изходна грешка на диска"


def test_a_read_only_postgresql_server_in_bulgarian(bulgarian):
    psycopg = pytest.importorskip("psycopg")
    error = POSTGRES.store_error(psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT"))
    assert str(error) == "базата данни е само за четене (сървър или транзакция само за четене)"
    denied = POSTGRES.store_error(psycopg.errors.InsufficientPrivilege("permission denied for table deal"))
    assert isinstance(denied, PermissionDenied)
    assert (
        str(denied) == "достъпът е отказан: входът ви в базата данни няма право на това в deal (ролята му го забранява)"
    )


def test_values_stale_edits_and_long_texts_in_ukrainian():
    i18n.use("uk")
    try:
        with pytest.raises(BadInput, match=r"^сума: неприпустиме значення '-3' \(має бути не менше нуля\)$"):
            parse_money("-3")
        with pytest.raises(BadInput, match=r"^ставка: неприпустиме значення '1,5,0'"):
            parse_money("1,5,0", "rate")
        big = "7" * 16
        with pytest.raises(BadInput, match=rf"^Оборот: неприпустиме значення '{big}' \(завелике\)$"):
            parse_money(big, "Оборот")  # a name the caller gives (a custom field's) is shown as it is
        with pytest.raises(BadInput, match=r"^відсоток: неприпустиме значення '120' \(від 0 до 100\)$"):
            parse_percent("120")
        with pytest.raises(Conflict, match=r"^угода 7: запис змінив хтось інший \(ревізія 3, ви редагували 2\)"):
            check_revision("deal", 7, 3, 2)
        with pytest.raises(BadInput, match=r"^посада: символів — 2 001, допускається не більше 2 000$"):
            check_lengths({"role": "x" * 2001})
        with pytest.raises(BadInput, match=r"^Turnover: символів — 2 001"):
            check_lengths({"Turnover": "x" * 2001})
    finally:
        i18n.use("en")
    with pytest.raises(BadInput, match=r"^invalid amount '-3' \(must be zero or more\)$"):
        parse_money("-3")
    with pytest.raises(BadInput, match=r"^role: 2,001 characters, at most 2,000 allowed$"):
        check_lengths({"role": "x" * 2001})


def test_every_setting_of_config_show_has_its_text_marked():
    """`config show` translates what each setting does: the texts of config.KEYS are marked (`N_`) there."""
    from minicrm.config import KEYS

    i18n.use("ru")
    try:
        from minicrm.i18n import _

        assert _(KEYS["currency"][1]) == "валюта новых сделок (код ISO)"
    finally:
        i18n.use("en")
