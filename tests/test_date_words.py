"""Dates typed in Russian, Ukrainian and Bulgarian (#23): a table of phrases per language with the day they mean.

Today is fixed at Wednesday 2026-12-02, so `в пятницу` is Friday 2026-12-04 and `в понеделник` Monday 2026-12-07.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from minicrm.dates import parse_birthday, parse_when
from minicrm.errors import BadInput

NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday
D = date

RUSSIAN = [
    ("сегодня", D(2026, 12, 2), None),
    ("завтра", D(2026, 12, 3), None),
    ("послезавтра", D(2026, 12, 4), None),
    ("вчера", D(2026, 12, 1), None),
    ("позавчера", D(2026, 11, 30), None),
    ("в пятницу", D(2026, 12, 4), None),
    ("в среду", D(2026, 12, 9), None),  # a weekday is the next one strictly after today, as in English
    ("во вторник", D(2026, 12, 8), None),
    ("в следующий понедельник", D(2026, 12, 7), None),
    ("в следующую пятницу", D(2026, 12, 4), None),
    ("в прошлую пятницу", D(2026, 11, 27), None),
    ("через 3 дня", D(2026, 12, 5), None),
    ("через 2 недели", D(2026, 12, 16), None),
    ("через неделю", D(2026, 12, 9), None),
    ("через месяц", D(2027, 1, 2), None),
    ("через 5 лет", D(2031, 12, 2), None),
    ("3 дня назад", D(2026, 11, 29), None),
    ("5 декабря", D(2026, 12, 5), None),
    ("1 декабря", D(2027, 12, 1), None),  # a year-less date is the next one on or after today
    ("5 дек 2026", D(2026, 12, 5), None),
    ("5 дек. 2026", D(2026, 12, 5), None),
    ("5 января 2027 г.", D(2027, 1, 5), None),
    ("31 мая", D(2027, 5, 31), None),
    ("завтра в 15:00", D(2026, 12, 3), time(15, 0)),
    ("в пятницу в 9:30", D(2026, 12, 4), time(9, 30)),
    ("в 15:00", D(2026, 12, 2), time(15, 0)),
    ("Завтра  В 15", D(2026, 12, 3), time(15, 0)),
]
UKRAINIAN = [
    ("сьогодні", D(2026, 12, 2), None),
    ("завтра", D(2026, 12, 3), None),
    ("післязавтра", D(2026, 12, 4), None),
    ("вчора", D(2026, 12, 1), None),
    ("у п'ятницю", D(2026, 12, 4), None),
    ("у п’ятницю", D(2026, 12, 4), None),  # typographic apostrophe
    ("у пʼятницю", D(2026, 12, 4), None),  # the modifier letter apostrophe of the Ukrainian keyboard
    ("в наступний понеділок", D(2026, 12, 7), None),
    ("у неділю", D(2026, 12, 6), None),
    ("через 3 дні", D(2026, 12, 5), None),
    ("через 2 тижні", D(2026, 12, 16), None),
    ("через місяць", D(2027, 1, 2), None),
    ("2 дні тому", D(2026, 11, 30), None),
    ("5 грудня", D(2026, 12, 5), None),
    ("14 лютого 2027", D(2027, 2, 14), None),
    ("завтра о 15:00", D(2026, 12, 3), time(15, 0)),
    ("у четвер о 9:30", D(2026, 12, 3), time(9, 30)),
]
BULGARIAN = [
    ("днес", D(2026, 12, 2), None),
    ("утре", D(2026, 12, 3), None),
    ("вдругиден", D(2026, 12, 4), None),
    ("вчера", D(2026, 12, 1), None),
    ("в петък", D(2026, 12, 4), None),
    ("в неделя", D(2026, 12, 6), None),  # Sunday in Bulgarian
    ("следващия понеделник", D(2026, 12, 7), None),
    ("миналия петък", D(2026, 11, 27), None),
    ("след 3 дни", D(2026, 12, 5), None),
    ("след 2 седмици", D(2026, 12, 16), None),
    ("след месец", D(2027, 1, 2), None),
    ("преди 3 дни", D(2026, 11, 29), None),
    ("5 декември", D(2026, 12, 5), None),
    ("5 дек 2026", D(2026, 12, 5), None),
    ("1 март 2027", D(2027, 3, 1), None),
    ("утре в 15:00", D(2026, 12, 3), time(15, 0)),
    ("в петък в 10 ч.", D(2026, 12, 4), time(10, 0)),
]


@pytest.mark.parametrize(("text", "day", "at"), RUSSIAN, ids=[t for t, *_ in RUSSIAN])
def test_russian(text, day, at):
    w = parse_when(text, now=NOW)
    assert (w.date, w.time) == (day, at)


@pytest.mark.parametrize(("text", "day", "at"), UKRAINIAN, ids=[t for t, *_ in UKRAINIAN])
def test_ukrainian(text, day, at):
    w = parse_when(text, now=NOW)
    assert (w.date, w.time) == (day, at)


@pytest.mark.parametrize(("text", "day", "at"), BULGARIAN, ids=[t for t, *_ in BULGARIAN])
def test_bulgarian(text, day, at):
    w = parse_when(text, now=NOW)
    assert (w.date, w.time) == (day, at)


def test_birthdays_with_month_names():
    assert parse_birthday("5 декабря 1990", now=NOW).iso() == "1990-12-05"
    assert parse_birthday("14 лютого", now=NOW).iso() == "--02-14"
    assert parse_birthday("1 март 1985", now=NOW).iso() == "1985-03-01"


@pytest.mark.parametrize("text", ["завтрак", "в пятницу13", "через много дней", "32 декабря", "5 грудняя"])
def test_an_unknown_word_is_an_error_that_quotes_it(text):
    with pytest.raises(BadInput, match=f"date '{text}'"):
        parse_when(text, now=NOW)


def test_a_typed_phrase_reaches_the_database(cli):
    """Through the CLI on both backends: `next` takes the phrases; an unknown word is refused, quoted."""
    cli.ok("contact", "add", "Иван Петров", today="2026-12-02")
    cli.ok("next", "Иван", "в пятницу в 15:00", today="2026-12-02")
    shown = cli.ok("contact", "show", "Иван", "--format", "json", today="2026-12-02").json()
    assert (shown["next_contact_on"], shown["next_contact_time"]) == ("2026-12-04", "15:00")
    cli.fails("next", "Иван", "в пятницу13", code=2, match="пятницу13", today="2026-12-02")
