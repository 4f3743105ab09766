"""Messages in the user's language: English, Russian, Ukrainian or Bulgarian (gettext catalogs in minicrm/locale).

The language is the config key `language`, else the first of `LANGUAGE` (a colon list), `LC_ALL`, `LC_MESSAGES`
and `LANG` that names one of ours (`ru_RU.UTF-8` -> ru); anything else is English. What scripts read never goes
through here: JSON and CSV field names, kinds, statuses and stages in JSON, exit codes and the `error:` prefix.

Catalogs are compiled `.mo` files, read on demand by `_Catalog` (English reads none); they are built from the `.po`
sources by `python tools/catalogs.py compile` (Babel), and a test keeps the two in step.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

LANGUAGES = ("en", "ru", "uk", "bg")
DOMAIN = "minicrm"
LOCALE_DIR = Path(__file__).parent / "locale"
_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class _Catalog(_gettext.NullTranslations):
    """A compiled catalog read on demand: the .mo's offset tables are indexed once, and a message is decoded only
    when it is asked for. The standard library's GNUTranslations decodes all ~1,800 messages up front (about 4 ms,
    at the start of every command in Russian, Ukrainian or Bulgarian); indexing costs about a tenth of that.
    Lookups answer as GNUTranslations does (tests/test_catalogs.py compares every message)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        import struct
        from array import array

        self._data = data = path.read_bytes()
        order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
        _version, count, originals, translations = struct.unpack(order + "4I", data[4:20])
        index = array("I", data[originals : originals + 8 * count])
        self._targets = array("I", data[translations : translations + 8 * count])
        if (order == "<") != (sys.byteorder == "little"):
            index.byteswap()
            self._targets.byteswap()
        #: the msgid's bytes (a plural entry's singular) -> its entry number
        entries = zip(index[::2], index[1::2], strict=True)  # (length, offset) of each msgid
        self._index = {data[o : o + n]: i for i, (n, o) in enumerate(entries)}
        for key in [key for key in self._index if b"\x00" in key]:  # a plural entry: found by its singular
            self._index[key.split(b"\x00", 1)[0]] = self._index.pop(key)
        self.plural: Callable[[int], int] = lambda n: int(n != 1)
        header = self._text(self._index.get(b""))
        for line in (header or "").splitlines():
            if line.lower().startswith("plural-forms:"):
                self.plural = _gettext.c2py(line.split("plural=", 1)[1].strip().rstrip(";"))

    def __contains__(self, message: str) -> bool:
        """Whether the catalog has `message` (a translation may equal it: `2026-Q3, ytd...`)."""
        return message.encode() in self._index

    def _text(self, entry: int | None) -> str | None:
        if entry is None:
            return None
        n, o = self._targets[2 * entry], self._targets[2 * entry + 1]
        return self._data[o : o + n].decode("utf-8")

    def gettext(self, message: str) -> str:
        return self._text(self._index.get(message.encode())) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._text(self._index.get(msgid1.encode()))
        if forms is None:
            return msgid1 if n == 1 else msgid2
        return forms.split("\x00")[self.plural(n)]

    def pgettext(self, context: str, message: str) -> str:
        return self._text(self._index.get(f"{context}\x04{message}".encode())) or message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._text(self._index.get(f"{context}\x04{msgid1}".encode()))
        if forms is None:
            return msgid1 if n == 1 else msgid2
        return forms.split("\x00")[self.plural(n)]


_current: _gettext.NullTranslations | None = None
_language: str | None = None


def _from_locale(value: str) -> str | None:
    """`ru_RU.UTF-8` -> ru, `uk_UA` -> uk, `bg` -> bg; None for C, POSIX and languages we have no catalog for."""
    code = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()
    return code if code in LANGUAGES else None


def detect() -> str:
    """The language the config file or the environment asks for (English when none of ours is named)."""
    from minicrm import config

    try:
        configured = config.load().get("language")
    except Exception:  # a broken config file is reported by the command that reads it; it must not stop messages
        configured = None
    if isinstance(configured, str) and (code := _from_locale(configured)):
        return code
    for var in _ENV:
        value = os.environ.get(var, "")
        if not value:
            continue
        for part in value.split(":"):  # LANGUAGE=uk:ru:en
            if code := _from_locale(part):
                return code
        if var != "LANGUAGE":  # LC_ALL/LC_MESSAGES/LANG set to another language: that one, so English
            return "en"
    return "en"


def use(language: str | None = None) -> str:
    """Switch messages to `language` (None: detect it again); returns the language now in use."""
    global _current, _language
    _current = _gettext.NullTranslations()  # a message needed while detecting (a broken config file) is English
    _language = _from_locale(language) if language else None
    _language = _language or detect()
    # English is the source language: no catalog to find or read
    catalog = LOCALE_DIR / _language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    _current = _Catalog(catalog) if _language != "en" and catalog.exists() else _gettext.NullTranslations()
    return _language


def language() -> str:
    """The language messages are in."""
    if _language is None:
        use()
    assert _language is not None
    return _language


def _translations() -> _gettext.NullTranslations:
    if _current is None:
        use()
    assert _current is not None
    return _current


def _(message: str) -> str:
    """`message` in the user's language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` (Russian and Ukrainian have three: 1 / 2-4 / 5-20, then by the last digits)."""
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; translate it with `_` where it is shown."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context` (`December` in a date is `декабря`, on its own `декабрь`)."""
    return _translations().pgettext(context, message)


def weekday_name(d: date, short: bool = False) -> str:
    """`Wednesday`/`среда`, or with `short` `Wed`/`ср`."""
    if short:
        names = (pgettext("short", "Mon"), pgettext("short", "Tue"), pgettext("short", "Wed"),
                 pgettext("short", "Thu"), pgettext("short", "Fri"), pgettext("short", "Sat"),
                 pgettext("short", "Sun"))  # fmt: skip
    else:
        names = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
    return names[d.weekday()]


def _month(d: date, short: bool) -> str:
    if short:
        names = (pgettext("short", "Jan"), pgettext("short", "Feb"), pgettext("short", "Mar"),
                 pgettext("short", "Apr"), pgettext("short", "May"), pgettext("short", "Jun"),
                 pgettext("short", "Jul"), pgettext("short", "Aug"), pgettext("short", "Sep"),
                 pgettext("short", "Oct"), pgettext("short", "Nov"), pgettext("short", "Dec"))  # fmt: skip
    else:
        names = (pgettext("in a date", "January"), pgettext("in a date", "February"),
                 pgettext("in a date", "March"), pgettext("in a date", "April"), pgettext("in a date", "May"),
                 pgettext("in a date", "June"), pgettext("in a date", "July"), pgettext("in a date", "August"),
                 pgettext("in a date", "September"), pgettext("in a date", "October"),
                 pgettext("in a date", "November"), pgettext("in a date", "December"))  # fmt: skip
    return names[d.month - 1]


def long_date(d: date) -> str:
    """`Wednesday 02 December 2026`, `среда, 2 декабря 2026`."""
    return _("{weekday} {day:02d} {month} {year}").format(
        weekday=weekday_name(d), day=d.day, month=_month(d, False), year=d.year
    )


def short_date(d: date) -> str:
    """`Wed 09 Dec`, `ср 9 дек`."""
    return _("{weekday} {day:02d} {month}").format(weekday=weekday_name(d, True), day=d.day, month=_month(d, True))


_COUNTED = {
    "contacts": lambda n: ngettext("{n} contact", "{n} contacts", n),
    "companies": lambda n: ngettext("{n} company", "{n} companies", n),
    "interactions": lambda n: ngettext("{n} interaction", "{n} interactions", n),
    "deals": lambda n: ngettext("{n} deal", "{n} deals", n),
    "open deals": lambda n: ngettext("{n} open deal", "{n} open deals", n),
    "tasks": lambda n: ngettext("{n} task", "{n} tasks", n),
    "open tasks": lambda n: ngettext("{n} open task", "{n} open tasks", n),
    "rows": lambda n: ngettext("{n} row", "{n} rows", n),
    "tables": lambda n: ngettext("{n} table", "{n} tables", n),
}


def counted(n: int, what: str) -> str:
    """`1 contact`, `2 contacts`, `2 контакта`, `5 контактов`: `what` is one of the nouns in `_COUNTED`."""
    return _COUNTED[what](n).format(n=n)
