"""Text from the data is shown as typed and never reaches the terminal as markup or control characters (#16).

Regressions: a contact named `Bob [/b]` made `contact list`, `show`, `due` and `timeline` fail with MarkupError;
`[link=…]`/colour markup in data was interpreted; escape sequences stored in names (window title, colours)
and bidi overrides reached the terminal raw in `show`, `search` and error lines; e-mails, phones and tags
holding control characters were accepted.
"""

from __future__ import annotations

import pytest

HOSTILE_NAME = "Bob [/b] [link=https://evil.example]x[/link] [red]red[/red]"
ESCAPES = "\x1b]0;pwned\x07 \x1b[31mred \u202eevil \x9b31m"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def _clean(text: str) -> None:
    for ch in RAW:
        assert ch not in text, f"raw {ch!r} reached the terminal: {text!r}"


@pytest.fixture
def hostile(cli):
    cli.ok("contact", "add", HOSTILE_NAME, "--note", ESCAPES, "--company", "Evil " + ESCAPES)
    cli.ok("log", "bob", "call", "Summary " + ESCAPES + " [bold]not bold[/bold]")
    cli.ok("next", "bob", "2026-11-20", "--goal", ESCAPES)
    cli.ok("contact", "add", "Eve [/i] \x1b[2J")  # never contacted: in the forgotten list
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ("contact", "list"),
        ("contact", "show", "bob"),
        ("due",),
        ("timeline", "bob"),
        ("search", "summary"),
        ("company", "list"),
        ("company", "show", "evil"),
        ("forgotten", "--days", "1"),
        ("remind",),
    ],
)
def test_tables_and_cards_show_the_data_as_typed(hostile, args):
    res = hostile.ok(*args)
    _clean(res.stdout + res.stderr)
    if args[0] in ("contact", "due", "timeline"):
        assert "[/b]" in res.stdout or "[bold]" in res.stdout, res.stdout


def test_markup_is_shown_literally(hostile):
    out = hostile.ok("contact", "list").stdout
    assert "Bob [/b]" in out and "[link=https://evil.example]x[/link]" in out and "[red]red[/red]" in out


def test_escape_sequences_are_shown_visibly(hostile):
    out = hostile.ok("contact", "show", "bob").stdout
    assert "␛]0;pwned␇" in out


def test_error_lines_never_carry_escapes(cli):
    res = cli.fails("contact", "show", "\x1b]0;pwned\x07nobody", code=1, match="no contact")
    _clean(res.stderr)
    assert "␛]0;pwned␇nobody" in res.stderr


@pytest.mark.parametrize(
    ("option", "value", "match"),
    [
        ("--email", "ada\x1b[31m@example.org", "email"),
        ("--phone", "+1 555\x1b[31m 0100", "phone"),
        ("--tag", "vip\x1b[31m", "tag"),
        ("--tag", "vip\u202e", "tag"),
    ],
)
def test_identifiers_refuse_control_characters(cli, option, value, match):
    res = cli.fails("contact", "add", "Ada", option, value, code=2, match=match)
    _clean(res.stderr)
