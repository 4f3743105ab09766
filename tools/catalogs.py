"""Keep minicrm's message catalogs in step with the code (Babel).

    python tools/catalogs.py extract    # src/minicrm -> src/minicrm/locale/minicrm.pot
    python tools/catalogs.py update     # merge the .pot into each language's .po (new ids come in untranslated)
    python tools/catalogs.py compile    # each .po -> .mo (shipped in the wheel, loaded by minicrm.i18n)
    python tools/catalogs.py all        # the three in a row

What is extracted: the calls `_()`, `N_()`, `ngettext()` and `pgettext()` (Babel), and the texts `--help` shows,
which the code writes plainly because Typer reads them at import: every `help="..."` argument and the docstring
of every function registered as a command or callback (`@app.command(...)`). The CLI translates those when it
builds a command (`minicrm.cli.readable_help`).

Translators edit src/minicrm/locale/LANG/LC_MESSAGES/minicrm.po; tests/test_catalogs.py fails while a message has
no translation in a language, or a .mo is older than its .po.
"""

from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "minicrm"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "minicrm.pot"
LANGUAGES = ("ru", "uk", "bg")
WIDTH = "120"  # the catalogs are committed wrapped at the code's line length: small diffs, few merge conflicts
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}

#: (context, msgid, plural msgid or None)
Message = tuple[str | None, str, str | None]


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def help_texts(source: str) -> Iterator[str]:
    """The plain texts `--help` shows: `help="..."` arguments and the docstrings of registered commands."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    yield kw.value.value
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("command", "callback")
            for d in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield inspect.cleandoc(doc)  # what Typer shows (inspect.getdoc)


def command_help() -> dict[Path, list[str]]:
    """The help of every command as Typer builds it, by the file defining the command: what `help_texts` cannot
    see (options shared through variables, commands registered without a decorator)."""
    import typer.main

    from minicrm import cli, i18n

    i18n.use("en")
    found: dict[Path, list[str]] = {}

    def walk(command, file: Path) -> None:
        if command.callback is not None:
            file = Path(inspect.getsourcefile(inspect.unwrap(command.callback)) or file)
        texts = [command.help, command.short_help, command.epilog, *(getattr(p, "help", None) for p in command.params)]
        found.setdefault(file.resolve(), []).extend(t for t in texts if t)
        for sub in getattr(command, "commands", {}).values():
            walk(sub, file)

    walk(typer.main.get_command(cli.app), Path(cli.__file__))
    for module in sorted({module for module, _help in cli.COMMANDS.values()}):
        for command in cli.module_commands(module).values():
            walk(command, PACKAGE / "commands" / f"{module}.py")
    return found


def file_messages(path: Path, shown: dict[Path, list[str]] | None = None) -> Iterator[Message]:
    """Every message of one source file."""
    for _line, message, _comments, context in extract_from_file("python", str(path), keywords=KEYWORDS):
        if isinstance(message, tuple):
            yield context, message[0], message[1]
        else:
            yield context, message, None
    for text in [*help_texts(path.read_text(encoding="utf-8")), *(shown or {}).get(path.resolve(), [])]:
        if text.strip():
            yield None, text, None


def source_messages(paths: list[Path] | None = None) -> dict[tuple[str | None, str], str | None]:
    """(context, msgid) -> plural msgid, for every message in `paths` (default: the whole package)."""
    found: dict[tuple[str | None, str], str | None] = {}
    shown = command_help()
    for path in paths if paths is not None else sorted(PACKAGE.rglob("*.py")):
        for context, msgid, plural in file_messages(path, shown):
            found.setdefault((context, msgid), plural)
    return found


def extract() -> None:
    catalog = Catalog(project="minicrm", fuzzy=False)
    for (context, msgid), plural in source_messages().items():
        catalog.add((msgid, plural) if plural else msgid, context=context)
    with open(POT, "wb") as f:
        write_po(f, catalog, width=int(WIDTH), no_location=True, sort_output=True, omit_header=False)


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
