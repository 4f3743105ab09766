"""Dates typed in Russian, Ukrainian and Bulgarian, rewritten into the English phrases `dates` understands.

`завтра в 15:00` becomes `tomorrow at 15:00`, `в следующий понедельник` `next monday`, `через 2 тижні` `in 2
weeks`, `5 декември 2026` `5 december 2026`. Rewriting (rather than a second grammar, or dateparser, whose import
costs more than a command's whole start and whose `friday` may mean last Friday) keeps one set of meanings for
every language: a weekday is always the next one strictly after today, months are calendar months.

Words are matched whole and case-insensitively, `ё` as `е`, and every apostrophe Ukrainian writers use
(`'`, `’`, `ʼ`) as one. A word this module does not know is left as it is, so the caller's error quotes it.
"""

from __future__ import annotations

import re

# Each entry: English word -> the stems/forms that mean it. A form matches a whole word only.
_DAY_WORDS = {
    "day before yesterday": ("позавчера", "позавчора", "онзи ден"),
    "day after tomorrow": ("послезавтра", "післязавтра", "вдругиден"),
    "today": ("сегодня", "сьогодні", "днес"),
    "tomorrow": ("завтра", "утре"),
    "yesterday": ("вчера", "вчора", "учора"),
}

_WEEKDAYS = {
    "monday": ("понедельник", "понеділок", "понеделник", "пн"),
    "tuesday": ("вторник", "вівторок", "вт"),
    "wednesday": ("среда", "среду", "середа", "середу", "сряда", "ср"),
    "thursday": ("четверг", "четвер", "четвъртък", "чт"),
    "friday": ("пятница", "пятницу", "п'ятниця", "п'ятницю", "петък", "пт"),
    "saturday": ("суббота", "субботу", "субота", "суботу", "събота", "сб"),
    # `неделя` is Sunday in Bulgarian (a week in Russian only after a number or `через`: see _UNITS)
    "sunday": ("воскресенье", "неділя", "неділю", "неделя", "вс", "нд"),
}

_MONTHS = {
    "january": ("января", "январь", "янв", "січня", "січень", "січ", "януари", "яну"),
    "february": ("февраля", "февраль", "фев", "лютого", "лютий", "лют", "февруари"),
    "march": ("марта", "март", "мар", "березня", "березень", "бер"),
    "april": ("апреля", "апрель", "апр", "квітня", "квітень", "квіт", "кві", "април"),
    "may": ("мая", "май", "травня", "травень", "трав", "тра"),
    "june": ("июня", "июнь", "июн", "червня", "червень", "черв", "чер", "юни"),
    "july": ("июля", "июль", "июл", "липня", "липень", "лип", "юли"),
    "august": ("августа", "август", "авг", "серпня", "серпень", "серп", "сер"),
    "september": ("сентября", "сентябрь", "сент", "сен", "вересня", "вересень", "вер", "септември", "сеп"),
    "october": ("октября", "октябрь", "окт", "жовтня", "жовтень", "жовт", "жов", "октомври"),
    "november": ("ноября", "ноябрь", "ноя", "листопада", "листопад", "лист", "лис", "ноември", "ное"),
    "december": ("декабря", "декабрь", "дек", "грудня", "грудень", "груд", "гру", "декември"),
}

_UNITS = {
    "days": ("день", "дня", "дней", "дні", "днів", "ден", "дни"),
    "weeks": ("неделю", "недели", "недель", "неделя", "тиждень", "тижні", "тижнів", "седмица", "седмици"),
    "months": ("месяц", "месяца", "месяцев", "місяць", "місяці", "місяців", "месец", "месеца", "месеци"),
    "years": ("год", "года", "лет", "рік", "роки", "років", "година", "години"),
}

# `следующий/следующую`, `наступний/наступну/наступного`, `следващия/следващата`; `прошлую`, `минулого`, `миналия`
_NEXT = r"следующ\w*|наступн\w*|следващ\w*"
_LAST = r"прошл\w*|минул\w*|минал\w*"
_ON = r"(?:(?:в|во|у|на) )?"  # `в пятницу`, `у п'ятницю`, `во вторник`
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ё": "е"})


def _alt(table: dict[str, tuple[str, ...]]) -> str:
    """A regex alternation of the table's forms, longest first (so `пятницу` is not read as `пятниц`)."""
    words = [w for forms in table.values() for w in forms]
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _lookup(table: dict[str, tuple[str, ...]], word: str) -> str:
    return next(en for en, forms in table.items() if word in forms)


_DAY = re.compile(rf"({_alt(_DAY_WORDS)})")
_WEEKDAY = re.compile(rf"{_ON}(?:(?:(?P<next>{_NEXT})|(?P<last>{_LAST})) )?(?P<wd>{_alt(_WEEKDAYS)})\.?")
_IN = re.compile(rf"(?:через|след) (?:(?P<n>\d{{1,6}}) )?(?P<unit>{_alt(_UNITS)})")
_AGO = re.compile(rf"(?:преди )?(?P<n>\d{{1,6}}) (?P<unit>{_alt(_UNITS)})(?: (?:назад|тому))?")
_YEAR_WORD = r"(?: ?(?:г|года|году|р|року)\.?)?"  # `5 декабря 2026 г.`, `5 грудня 2026 року`
_MONTH = re.compile(rf"(?P<day>\d{{1,2}}) (?P<m>{_alt(_MONTHS)})\.?(?: (?P<y>\d{{4}}){_YEAR_WORD})?")
# `в 15:00`, `о 15:00`, `об 11`, `в 15 ч.`, `в 15 часов`: the time of day at the end
_AT = re.compile(r"(?P<day>.*?) ?(?:в|во|у|о|об) (?P<h>\d{1,2})(?P<min>:\d{2})?(?: ?(?:ч|часа|часов|час|годині)\.?)?")


def to_english(text: str) -> str:
    """`text` (lower case, single spaces) with the day, weekday, span, month and time words in English.

    Text that is already English (or not a date at all) comes back unchanged apart from apostrophes and `ё`.
    """
    s = text.translate(_APOSTROPHES)
    if s.isascii():
        return s
    if m := _AT.fullmatch(s):
        clock = f"{m['h']}{m['min'] or ':00'}"
        return f"{_day(m['day'])} at {clock}" if m["day"] else clock
    return _day(s)


def _day(s: str) -> str:
    if m := _DAY.fullmatch(s):
        return _lookup(_DAY_WORDS, m[1])
    if m := _WEEKDAY.fullmatch(s):
        prefix = "next " if m["next"] else "last " if m["last"] else ""
        return prefix + _lookup(_WEEKDAYS, m["wd"])
    if m := _IN.fullmatch(s):
        return f"in {m['n'] or 1} {_lookup(_UNITS, m['unit'])}"
    if (m := _AGO.fullmatch(s)) and (s.startswith("преди ") or s.endswith((" назад", " тому"))):
        return f"{m['n']} {_lookup(_UNITS, m['unit'])} ago"
    if m := _MONTH.fullmatch(s):
        return f"{m['day']} {_lookup(_MONTHS, m['m'])}" + (f" {m['y']}" if m["y"] else "")
    return s
