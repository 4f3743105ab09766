"""`--help` shows conventional metavariables (issue #15): `REF KIND SUMMARY`, `--next WHEN`, `--limit N`.

Not Typer's own `{ref}` / `[file]` usage pieces, nor its `<str>`, `<int range>`, `<bool>` (on flags),
`<path>` or `<list[str]>` type column. Every command and subcommand is walked from the real app.
"""

from __future__ import annotations

import re

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from minicrm.cli import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TYPER_TYPES = re.compile(r"<(str|int|float|bool|path|list|tuple|datetime|[a-z|]+\|[a-z|]+)[^>]*>")
BRACES = re.compile(r"\{[A-Za-z_]+\}")


def command_paths() -> list[tuple[str, ...]]:
    """Every command path, from the root (`()`) down to the leaves, through the lazy root group."""
    paths: list[tuple[str, ...]] = []

    def walk(path: tuple[str, ...], command) -> None:
        paths.append(path)
        ctx = typer.Context(command, info_name=" ".join(path) or "minicrm")
        for name in command.list_commands(ctx) if hasattr(command, "list_commands") else []:
            walk((*path, name), command.get_command(ctx, name))

    walk((), typer.main.get_command(app))
    return paths


PATHS = command_paths()


def help_of(*path: str) -> str:
    res = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "250", "NO_COLOR": "1"})
    assert res.exit_code == 0, (path, res.output)
    return ANSI.sub("", res.output)


def usage_of(*path: str) -> str:
    line = next(x for x in help_of(*path).splitlines() if "Usage:" in x)
    return " ".join(line.split())


def test_the_walk_finds_nested_commands():
    assert len(PATHS) > 100
    assert {("log",), ("contact", "tag", "add"), ("pipeline", "stages", "probability"), ("backup",)} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "minicrm")
def test_no_typer_type_names_or_braces(path):
    text = help_of(*path)
    assert not TYPER_TYPES.search(text), TYPER_TYPES.search(text).group(0)
    for marker in ("<str>", "<int", "<bool>", "<path>", "<list", "<float"):
        assert marker not in text, (path, marker)
    assert not BRACES.search(text), BRACES.search(text).group(0)


@pytest.mark.parametrize(
    ("path", "usage"),
    [
        (("log",), "Usage: minicrm log [OPTIONS] REF KIND SUMMARY"),
        (("next",), "Usage: minicrm next [OPTIONS] REF [WHEN]"),
        (("backup",), "Usage: minicrm backup [OPTIONS] [FILE]"),
        (("restore",), "Usage: minicrm restore [OPTIONS] FILE"),
        (("contact", "tag", "add"), "Usage: minicrm contact tag add [OPTIONS] TAG REF..."),
        (("deal", "move"), "Usage: minicrm deal move [OPTIONS] ID STAGE"),
        (("pipeline", "stages", "reorder"), "Usage: minicrm pipeline stages reorder [OPTIONS] STAGE..."),
    ],
)
def test_arguments_read_as_intended(path, usage):
    assert usage_of(*path) == usage


def option_row(text: str, option: str) -> list[str]:
    """The cells of an option's row in the help panel: ['--limit', '-n', 'N', '[x>=1]', 'Show', ...]."""
    for line in text.splitlines():
        cells = line.strip("│ ").split()
        if cells[:1] == ["*"]:  # a required option
            cells = cells[1:]
        if cells and cells[0] == option:
            return cells
    raise AssertionError(f"{option} not in\n{text}")


@pytest.mark.parametrize(
    ("path", "option", "metavar"),
    [
        ((), "--db", "PATH|URL"),
        ((), "--today", "DATE"),
        ((), "--as", "USER"),
        (("contact", "add"), "--next", "WHEN"),
        (("contact", "add"), "--field", "KEY=VALUE"),
        (("contact", "add"), "--email", "EMAIL"),
        (("log",), "--next", "WHEN"),
        (("log",), "--at", "WHEN"),
        (("log",), "--deal", "ID"),
        (("deal", "add"), "--amount", "AMOUNT"),
        (("deal", "add"), "--product", "NAME:QTY:PRICE"),
        (("contact", "list"), "--limit", "N"),
        (("contact", "list"), "--format", "[table|json|csv]"),
        (("backup",), "--keep", "N"),
        (("remind",), "--format", "[text|json]"),
        (("export", "csv"), "--output", "FILE"),
        (("handover",), "--from", "USER"),
        (("report", "sales"), "--from", "DATE"),
    ],
)
def test_options_read_as_intended(path, option, metavar):
    cells = option_row(help_of(*path), option)
    assert metavar in cells[1:4], cells


@pytest.mark.parametrize(
    ("path", "flag", "help_start"),
    [
        ((), "--version", "Print"),
        ((), "--help", "-h"),
        (("contact", "list"), "--archived", "List"),
        (("contact", "delete"), "--yes", "-y"),
        (("log",), "--in", "--out"),
        (("demo",), "--if-empty", "Do"),
    ],
)
def test_flags_have_no_metavariable(path, flag, help_start):
    cells = option_row(help_of(*path), flag)
    assert cells[1] == help_start, cells


def test_argument_errors_still_name_the_parameter():
    """Only --help changed: a missing argument is still reported by its name, as before."""
    res = CliRunner().invoke(app, ["log", "1"])
    assert res.exit_code == 2
    assert "Missing argument 'kind'." in res.output + (res.stderr or "")
