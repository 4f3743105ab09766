"""Property test of the whole command line: every command, arbitrary text and numbers in every option.

The contract of issue #16: whatever a user types, a command exits 0, 1 or 2; a failure prints exactly one
`error:` line (never `internal error`, never a traceback) and leaves the database as it was. The command tree
is walked from `minicrm.cli.COMMANDS`, so a new command or option is fuzzed without editing this file.

Default runs draw a few examples per command; `-m slow` (CI's first stage) draws many more.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import Cli, target_digest

from minicrm.cli import COMMANDS, module_commands

#: Commands that cannot run unattended here, and why.
SKIPPED = {
    "tui": "full-screen: driven by tests/tui through App.run_test()",
    "ical serve": "a server that runs until interrupted: tests/ical start it in a thread",
    "ical push": "talks to a CalDAV server over the network: tests/ical push to a real Radicale",
}


def _leaves(command: Any, path: tuple[str, ...]):
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield path, command


def all_commands() -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, (module, _) in COMMANDS.items():
        found.extend(_leaves(module_commands(module)[name], (name,)))
    return found


COMMAND_LIST = [(path, cmd) for path, cmd in all_commands() if " ".join(path) not in SKIPPED]

# -- values ---------------------------------------------------------------------------------------------------
#: Text that has broken commands before, or that sits on an edge of a parser.
# fmt: off
NASTY = [
    "", " ", "-", "--", "0", "-1", "1", "2", "42", "99999999999999999999999999", "-99999999999999999999", "1e309",
    "-1e309", "nan", "NaN", "inf", "-inf", "1,000", "1.000", "1 500,50", "1.500,50", "0,5", "1e3", "0x10", "١٢٣",
    "0001-01-01", "9999-12-31", "1799-12-31", "2200-01-01", "2026-02-30", "2026-13-01", "tomorrow", "today 25:00",
    "in 99999999 days", "in -3 weeks", "every 0 days", "0d", "99999999999w", "2026-Q5", "2026-00", "12:60",
    "Ann Lee", "ann@example.org", "Acme", "#1", "@", "%", "_", "'", '"', "\\", "a=b", "=b", "a=", "x.y=1",
    "[/b]", "[bold red]x[/]", "[link=https://evil.example]x[/link]", "\x1b]0;pwned\x07", "\x1b[31mred", "\u202egnp.exe",
    "\r", "\n", "\t", "line\nbreak", "é" * 3, "Ё", "🙂", "\ud7ff", "x" * 5000,
    "+49 30 1234567", "+7 (999) 123-45-67", "tel:123", "mailto:x@y", "EUR", "XXX", "eur", "€", "won", "lead",
]
# fmt: on

#: Text without NUL: a real argv cannot carry one (execve), so nobody can type it.
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)
TEXTUAL = st.one_of(st.sampled_from(NASTY), TEXT)
NUMBERS = st.one_of(
    st.integers(-5, 50).map(str),
    st.sampled_from(["99999999999999999999999", "-9223372036854775809", "9223372036854775808", "2147483648"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    TEXT,
)
STDIN = st.one_of(
    st.just(b""),
    st.sampled_from(
        [
            b"\xff\xfe\xfa invalid utf-8",
            b'{"kind": "contact", "id": 1}\n',
            b'[{"id": 1, "name": "Ann Lee"}]',
            b'[{"contact_id": 999999999999999999999}]',
            b"1\n2\nx\n",
            b"y\n",
            b"[" * 100_000,
            b'{"id": NaN}',
        ]
    ),
    st.binary(max_size=60),
)

#: File contents for every option or argument that names a file.
FILES = {
    "garbage.bin": bytes(range(256)) * 4,
    "invalid.csv": b"name,email\n\xff\xfeAnn,\xc3\x28@x\n",
    "ragged.csv": b'name,email\n"Ann,ann@x\nBob\n,,,,,,\n',
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "nan.json": b'{"format": "minicrm", "version": 1, "tables": {"contact": [{"id": NaN, "name": 1e999}]}}',
    "types.json": b'{"format": "minicrm", "tables": {"contact": [{"id": "x", "name": ["a"], "created_at": 5}]}}',
    "array.json": b"[1, 2, 3]",
    "empty.txt": b"",
    "broken.vcf": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\x1b]0;x\x07\r\nBDAY:0001-01-01\r\nN:;;\r\n",
    "huge-year.vcf": b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nBDAY:99991231\r\nEND:VCARD\r\n",
    "backup.db": b"SQLite format 3\x00" + b"\x00" * 200,
}


def file_values(folder: Path) -> list[str]:
    return [
        *(str(folder / name) for name in FILES),
        str(folder / "new-file.out"),
        str(folder / "missing-folder" / "x.out"),
        str(folder),
        "-",
        "/dev/null",
    ]


def _annotation(param: Any) -> Any:
    return param.type_descriptor.annotation


def _is_file(param: Any) -> bool:
    return _annotation(param) is Path or param.name in {"output", "out", "rejects", "file", "path"}


def value_for(param: Any, folder: Path) -> st.SearchStrategy[str]:
    ann = _annotation(param)
    if _is_file(param):
        return st.one_of(st.sampled_from(file_values(folder)), TEXT)
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return st.one_of(st.sampled_from([m.value for m in ann]), TEXT)
    if ann is int:
        return NUMBERS
    return TEXTUAL


@st.composite
def invocation(draw: Any, path: tuple[str, ...], command: Any, folder: Path) -> tuple[list[str], bytes]:
    argv = list(path)
    if draw(st.booleans()):
        argv[:0] = ["--today", draw(TEXTUAL)]
    if draw(st.integers(0, 9)) == 0:
        argv[:0] = ["--as", draw(TEXTUAL)]
    positional: list[str] = []
    for param in command.params:
        if param.param_type_name == "argument":
            count = draw(st.integers(1, 3)) if param.nargs == -1 else 1
            if not param.required and draw(st.booleans()):
                continue
            positional += [draw(value_for(param, folder)) for _ in range(count)]
        elif getattr(param, "is_flag", False):
            if draw(st.booleans()):
                argv.append(param.opts[0])
        elif draw(st.integers(0, 2)) == 0:
            for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
                argv += [param.opts[0], draw(value_for(param, folder))]
    # `--` keeps a drawn value that starts with `-` from being read as an option
    return [*argv, "--", *positional], draw(STDIN)


def check(cli: Cli, argv: list[str], stdin: bytes) -> None:
    before = target_digest(cli.target)
    res = cli.runner.invoke(_app(), ["--db", cli.target, "--today", cli.today, *argv], input=stdin)
    shown = f"minicrm {argv!r} (stdin {stdin[:40]!r}) → exit {res.exit_code}\n{res.stderr[-2000:]}"
    assert res.exception is None or isinstance(res.exception, SystemExit), shown
    assert res.exit_code in (0, 1, 2, 3), shown
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr + res.stdout, shown
    if res.exit_code == 0:
        return
    assert res.exit_code != 3 or "--exit-code" in argv, shown
    if res.exit_code == 3 and "--exit-code" in argv and "remind" in argv and not res.stderr:
        return  # `remind --exit-code`: 3 means "something is overdue", not an error
    lines = res.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, shown
    assert target_digest(cli.target) == before, f"a failed command changed the database: {shown}"


def _app() -> Any:
    from minicrm.cli import app

    return app


SEED = [
    ("company", "add", "Acme", "--city", "Berlin"),
    ("contact", "add", "Ann Lee", "--email", "ann@example.org", "--company", "Acme", "--tag", "vip"),
    ("contact", "add", "Bob Stone", "--phone", "+49 30 1234567", "--next", "2026-11-20", "--goal", "call back"),
    ("log", "Ann Lee", "call", "Intro call"),
    ("deal", "add", "Website", "--contact", "Ann Lee", "--amount", "1500", "--currency", "EUR"),
    ("task", "add", "Send quote", "--due", "2026-11-25", "--contact", "Ann Lee"),
    ("campaign", "add", "Spring", "--channel", "email"),
    ("request", "add", "Broken login", "--contact", "Ann Lee"),
    ("segment", "save", "vips", "--tag", "vip"),
    ("user", "add", "alice"),
]


@pytest.fixture(scope="module")
def seeded(lasting_target, tmp_path_factory):
    cli = Cli(lasting_target())
    for args in SEED:
        cli.ok(*args)
    folder = tmp_path_factory.mktemp("files")
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    return cli, folder


def _fuzz(seeded: Any, path: tuple[str, ...], command: Any, examples: int, tmp_path: Path) -> None:
    cli, folder = seeded
    cwd = os.getcwd()
    os.chdir(tmp_path)  # a drawn relative path lands in the test's own folder
    try:

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(invocation(path, command, folder))
        def run(drawn: tuple[list[str], bytes]) -> None:
            check(cli, *drawn)

        run()
    finally:
        os.chdir(cwd)


IDS = [" ".join(path) for path, _ in COMMAND_LIST]


@pytest.mark.parametrize(("path", "command"), COMMAND_LIST, ids=IDS)
def test_every_command_fails_cleanly(seeded, path, command, tmp_path):
    _fuzz(seeded, path, command, 4, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "command"), COMMAND_LIST, ids=IDS)
def test_every_command_fails_cleanly_deep(seeded, path, command, tmp_path):
    _fuzz(seeded, path, command, 30, tmp_path)


def test_the_walk_sees_every_command():
    """A walk that found nothing would make the tests above pass vacuously."""
    names = {" ".join(path) for path, _ in all_commands()}
    assert {"contact add", "deal edit", "import json", "report sales", "pipeline stages add"} <= names
    assert len(COMMAND_LIST) >= 90
