"""The message catalogs (#23): every message translated in every language, compiled, plural forms right.

The messages are extracted afresh from the source here (tools/catalogs.py: the gettext calls and every command's
`--help` texts), so a new `_()` or help text without translations fails this test.
"""

from __future__ import annotations

import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from minicrm import i18n

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("ru", "uk", "bg")


def _po(lang: str):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "minicrm.po", "rb") as f:
        return read_po(f)


def _source_ids() -> set[tuple[str | None, str]]:
    """Every message of the code, `--help` texts included, as tools/catalogs.py extracts them."""
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "tools" / "catalogs.py")
    assert spec and spec.loader
    catalogs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogs)
    return set(catalogs.source_messages())


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)[^}]*\}", text))


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation(lang):
    catalog = _po(lang)
    ids = _source_ids()
    assert len(ids) > 100
    missing, broken = [], []
    for context, msgid in sorted(ids, key=str):
        m = catalog.get(msgid, context=context)
        strings = () if m is None else (m.string if isinstance(m.string, tuple) else (m.string,))
        if m is None or not strings or not all(strings) or m.fuzzy:
            missing.append(msgid)
            continue
        for s in strings:  # every translation keeps the placeholders the code fills in
            if _fields(s) != _fields(msgid):
                broken.append((msgid, s))
    assert not missing, f"{lang}: {len(missing)} messages without a translation: {missing[:5]}"
    assert not broken, f"{lang}: placeholders differ: {broken[:3]}"
    assert catalog.num_plurals == (2 if lang == "bg" else 3)


@pytest.mark.parametrize("lang", LANGS)
def test_the_shipped_mo_is_the_compiled_po(lang):
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang), use_fuzzy=False)
    shipped = (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "minicrm.mo").read_bytes()
    assert shipped == compiled.getvalue(), "run: python tools/catalogs.py compile"


PLURALS = {
    "ru": ["1 контакт", "2 контакта", "5 контактов", "11 контактов", "21 контакт", "22 контакта", "25 контактов",
           "111 контактов"],
    "uk": ["1 контакт", "2 контакти", "5 контактів", "11 контактів", "21 контакт", "22 контакти", "25 контактів",
           "111 контактів"],
    "bg": ["1 контакт", "2 контакта", "5 контакта", "11 контакта", "21 контакта", "22 контакта", "25 контакта",
           "111 контакта"],
    "en": ["1 contact", "2 contacts", "5 contacts", "11 contacts", "21 contacts", "22 contacts", "25 contacts",
           "111 contacts"],
}  # fmt: skip


@pytest.mark.parametrize("lang", [*LANGS, "en"])
def test_plural_forms(lang):
    i18n.use(lang)
    assert [i18n.counted(n, "contacts") for n in (1, 2, 5, 11, 21, 22, 25, 111)] == PLURALS[lang]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "bg_BG.UTF-8"}, "bg"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ru_RU.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins over LANG, as in every program
        ({"LANG": "C.UTF-8", "LC_MESSAGES": "bg_BG.UTF-8"}, "bg"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "de:uk:ru"}, "uk"),  # the first of the list we have
    ],
)
def test_the_language_comes_from_the_environment(monkeypatch, env, expected):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.use() == expected


def test_the_config_key_wins(monkeypatch, hermetic_home):
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    subprocess.run([sys.executable, "-m", "minicrm", "config", "set", "language", "bg"], check=True, timeout=60)
    assert i18n.use() == "bg"


@pytest.mark.parametrize("lang", LANGS)
def test_the_catalog_reader_answers_as_gettext_does(lang):
    """minicrm reads its .mo files on demand (`i18n._Catalog`); every message, context and plural form comes out
    as the standard library's GNUTranslations gives it, and unknown ones fall back the same way."""
    import gettext

    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "minicrm.mo"
    ours = i18n._Catalog(path)
    with open(path, "rb") as f:
        theirs = gettext.GNUTranslations(f)
    checked = 0
    for m in _po(lang):
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            for n in (0, 1, 2, 5, 11, 21, 22, 25, 111):
                if m.context:
                    assert ours.npgettext(m.context, *m.id, n) == theirs.npgettext(m.context, *m.id, n)
                else:
                    assert ours.ngettext(*m.id, n) == theirs.ngettext(*m.id, n)
        elif m.context:
            assert ours.pgettext(m.context, m.id) == theirs.pgettext(m.context, m.id)
        else:
            assert ours.gettext(m.id) == theirs.gettext(m.id)
        checked += 1
    assert checked > 1500
    assert ours.gettext("no such message") == "no such message"
    assert ours.ngettext("{n} thing", "{n} things", 1) == "{n} thing"
    assert ours.ngettext("{n} thing", "{n} things", 5) == "{n} things"
    assert ours.pgettext("nowhere", "Close") == "Close"
