"""Typer's and Click's own words in the user's language (#23): help's panel titles and `Usage:`, usage errors.

Typer reads its panel titles through the standard library's global gettext when `rich_utils` is imported, and the
vendored Click has no catalog at all, so neither follows minicrm's language by itself. `HelpContext` (set on
every command by `cli.readable_help`) puts our words in just before help is drawn; `usage_message` turns the
English usage errors into the user's language by their shape, keeping the names of options and arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import typer
from typer._click.formatting import HelpFormatter

from minicrm.i18n import N_, _, language

#: Click's own text in every command's help (`-h/--help`), marked here for the catalogs; readable_help translates it.
CLICK_TEXTS = (N_("Show this message and exit."),)


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


def typer_words() -> None:
    """Typer's help panel titles and notes in the user's language (once Typer's rich help is about to be drawn;
    English too, so a process that changes language does not keep the previous one's words)."""
    from typer import rich_utils

    rich_utils.DEPRECATED_STRING = _("(deprecated) ")
    rich_utils.DEFAULT_STRING = _("[default: {}]")
    rich_utils.ENVVAR_STRING = _("[env var: {}]")
    rich_utils.REQUIRED_LONG_STRING = _("[required]")
    rich_utils.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich_utils.OPTIONS_PANEL_TITLE = _("Options")
    rich_utils.COMMANDS_PANEL_TITLE = _("Commands")
    rich_utils.ERRORS_PANEL_TITLE = _("Error")
    rich_utils.ABORTED_TEXT = _("Aborted.")


class HelpContext(typer.Context):
    """A command's context whose help and usage line are drawn in the user's language."""

    formatter_class = _Formatter

    def get_help(self) -> str:
        typer_words()
        return super().get_help()


#: English usage errors (Typer, Click, Pydantic's conversions) -> the same in the user's language.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Missing argument (?P<name>.+)\.$"), lambda m: _("Missing argument {name}.").format(**m.groupdict())),
    (re.compile(r"Missing option (?P<name>.+)\.$"), lambda m: _("Missing option {name}.").format(**m.groupdict())),
    (re.compile(r"Missing parameter: (?P<name>.+)$"), lambda m: _("Missing argument {name}.").format(**m.groupdict())),
    (re.compile(r"Missing command\.$"), lambda m: _("Missing command.")),
    (
        re.compile(r"No such option: (?P<name>\S+)(?: \(Possible options: (?P<options>.*)\))?$"),
        lambda m: (
            _("No such option: {name}").format(name=m["name"])
            + (" " + _("(possible options: {options})").format(options=m["options"]) if m["options"] else "")
        ),
    ),
    (
        re.compile(r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<guess>.*)\?)?$"),
        lambda m: (
            _("No such command {name}.").format(name=m["name"])
            + (" " + _("Did you mean {guess}?").format(guess=m["guess"]) if m["guess"] else "")
        ),
    ),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)$", re.S),
        lambda m: _("Unexpected extra arguments: {args}").format(**m.groupdict()),
    ),
    (
        re.compile(r"Option (?P<name>'.+') requires an argument\.$"),
        lambda m: _("Option {name} needs a value.").format(**m.groupdict()),
    ),
    (
        re.compile(r"Option (?P<name>'.+') requires (?P<n>\d+) arguments\.$"),
        lambda m: _("Option {name} needs {n} values.").format(**m.groupdict()),
    ),
    (
        re.compile(r"Option (?P<name>'.+') does not take a value\.$"),
        lambda m: _("Option {name} takes no value.").format(**m.groupdict()),
    ),
    (
        re.compile(r"Invalid value for (?P<name>.+?): (?P<problem>.*)$", re.S),
        lambda m: _("Invalid value for {name}: {problem}").format(name=m["name"], problem=_problem(m["problem"])),
    ),
    (
        re.compile(r"Invalid value: (?P<problem>.*)$", re.S),
        lambda m: _("Invalid value: {problem}").format(problem=_problem(m["problem"])),
    ),
]

_PROBLEMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Input should be a valid integer.*$"), lambda m: _("a whole number is needed")),
    (re.compile(r"Input should be a valid number.*$"), lambda m: _("a number is needed")),
    (
        re.compile(r"(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+)\.$", re.S),
        lambda m: _("{value} is not one of {choices}.").format(**m.groupdict()),
    ),
    (re.compile(r"(?P<number>-?\d+) is too large$"), lambda m: _("{number} is too large").format(**m.groupdict())),
]


def _problem(text: str) -> str:
    for pattern, say in _PROBLEMS:
        if m := pattern.match(text):
            return say(m)
    return text


def usage_message(text: str) -> str:
    """A Typer/Click usage error's message in the user's language (unchanged when its shape is unknown)."""
    if language() == "en":
        return text
    for pattern, say in _PATTERNS:
        if m := pattern.match(text):
            return say(m)
    return text


def set_context(command: Any) -> None:
    """Draw `command`'s help through `HelpContext`."""
    command.context_class = HelpContext
