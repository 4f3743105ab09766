"""Keep minicrm's message catalogs in step with the code (Babel).

    python tools/catalogs.py extract    # src/minicrm -> src/minicrm/locale/minicrm.pot
    python tools/catalogs.py update     # merge the .pot into each language's .po (new ids come in untranslated)
    python tools/catalogs.py compile    # each .po -> .mo (shipped in the wheel, loaded by minicrm.i18n)
    python tools/catalogs.py all        # the three in a row

Translators edit src/minicrm/locale/LANG/LC_MESSAGES/minicrm.po; tests/test_catalogs.py fails while a message has
no translation in a language, or a .mo is older than its .po.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "minicrm"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "minicrm.pot"
LANGUAGES = ("ru", "uk", "bg")
WIDTH = "120"  # the catalogs are committed wrapped at the code's line length: small diffs, few merge conflicts


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    _babel("extract", "--no-location", "--sort-output", "-w", WIDTH, "--project", "minicrm", "-k", "pgettext:1c,2",
           "-o", str(POT), str(PACKAGE))  # fmt: skip


def update() -> None:
    for lang in LANGUAGES:
        po = LOCALE / lang / "LC_MESSAGES" / "minicrm.po"
        if po.exists():
            _babel("update", "--no-fuzzy-matching", "--ignore-obsolete", "-w", WIDTH, "-D", "minicrm", "-i", str(POT),
                   "-d", str(LOCALE), "-l", lang)  # fmt: skip
        else:
            _babel("init", "-w", WIDTH, "-D", "minicrm", "-i", str(POT), "-d", str(LOCALE), "-l", lang)


def compile_all() -> None:
    _babel("compile", "--statistics", "-D", "minicrm", "-d", str(LOCALE))


if __name__ == "__main__":
    steps = {"extract": [extract], "update": [update], "compile": [compile_all], "all": [extract, update, compile_all]}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        sys.exit(__doc__)
    for step in steps[sys.argv[1]]:
        step()
