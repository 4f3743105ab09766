"""`--help` of every command in Russian, Ukrainian and Bulgarian (#23): no English help text left.

The command tree is built in a child process per language (Typer's commands are built once per process, in the
language of that process) and compared text by text with the English one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import run_minicrm

PROBE = r"""
import json, sys
import typer.main
from minicrm import cli, i18n

i18n.use(sys.argv[1])
texts = []
catalog = i18n._translations()  # a text the translators kept as it is (`2026-Q3, ytd...`) is in it

def walk(command, path):
    texts.append([path, command.help or "", False])
    for param in command.params:
        help = getattr(param, "help", None) or ""
        texts.append([f"{path} {param.name}", help, isinstance(catalog, i18n._Catalog) and help in catalog])
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        walk(sub, f"{path} {name}")

walk(typer.main.get_command(cli.app), "minicrm")
for name, (module, _help) in sorted(cli.COMMANDS.items()):
    walk(cli.module_commands(module, name)[name], f"minicrm {name}")
print(json.dumps(texts))
"""
WORDS = re.compile(r"[A-Za-z]{3,}")


def _texts(lang: str) -> list[list[str]]:
    res = subprocess.run([sys.executable, "-c", PROBE, lang], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def english():
    return _texts("en")


@pytest.mark.parametrize("lang", ["ru", "uk", "bg"])
def test_every_help_text_is_translated(english, lang):
    translated = _texts(lang)
    assert [row[0] for row in translated] == [row[0] for row in english]
    assert len(english) > 500
    left = [f"{where}: {en!r}" for (where, en, _), (_, text, kept) in zip(english, translated, strict=True)
            if WORDS.search(en) and text == en and not kept]  # fmt: skip
    assert not left, f"{lang}: {len(left)} help texts still in English:\n" + "\n".join(left[:20])


def test_help_page_in_russian():
    """The whole page: Typer's panel titles and the usage line too."""
    res = run_minicrm("task", "--help", env={"LANG": "ru_RU.UTF-8", "COLUMNS": "100"})
    assert res.returncode == 0, res.stderr
    assert "Использование: minicrm task" in res.stdout
    assert "─ Параметры ─" in res.stdout and "─ Команды ─" in res.stdout
    assert "Показать эту справку и выйти." in res.stdout
    assert "Options" not in res.stdout and "Usage" not in res.stdout


def test_usage_errors_in_ukrainian():
    env = {"LANG": "uk_UA.UTF-8"}
    res = run_minicrm("contact", "list", "--limit", "x", env=env)
    assert (res.returncode, res.stderr) == (2, "error: Неправильне значення '--limit' / '-n': потрібне ціле число\n")
    res = run_minicrm("contact", "lst", env=env)
    assert res.stderr == "error: Немає такої команди 'lst'. Можливо, ви мали на увазі 'list'?\n"
    res = run_minicrm("log", env=env)
    assert (res.returncode, res.stderr) == (2, "error: Не вказано аргумент 'ref'.\n")
    res = run_minicrm("contact", "list", "--bogus", env=env)
    assert res.stderr == "error: Немає такого параметра: --bogus\n"
    # the English text is untouched where no language is asked for
    assert run_minicrm("log").stderr == "error: Missing argument 'ref'.\n"
