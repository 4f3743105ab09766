"""Which parameter completes which values from the database, attached to the click parameters as they are built.

The command modules declare plain `str` parameters (a REF, a kind, a stage); the rules below name the look-up
for each (`minicrm.store.views.completion.SOURCES`) from the command's path and the parameter's name or
metavariable, so a new `--company` or `REF` completes without touching the command. Imports nothing heavy:
`minicrm.cli` attaches the completers to every command tree it builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The top-level command whose REF argument names a company or a campaign; every other REF is a contact
#: (`log`, `next`, `timeline`, `contact ...`, `history` whose default entity is a contact).
REF_OWNERS = {"company": "company", "campaign": "campaign"}
REF_COMMANDS = {"contact", "company", "campaign", "log", "next", "timeline", "history"}

#: Options that name a record, by their long name.
OPTION_SOURCES = {"--company": "company", "--contact": "contact", "--campaign": "campaign", "--segment": "segment"}

#: (command path, argument name) for the arguments that name an existing kind, stage, user or segment.
ARGUMENT_SOURCES: dict[tuple[tuple[str, ...], str], str] = {
    (("log",), "kind"): "kind",
    (("kind", "edit"), "name"): "kind",
    (("deal", "move"), "stage"): "stage",
    (("deal", "reopen"), "stage"): "stage",
    (("pipeline", "stages", "rename"), "old"): "stage",
    (("pipeline", "stages", "probability"), "name"): "stage",
    (("pipeline", "stages", "reorder"), "names"): "stage",
    (("user", "activate"), "name"): "user",
    (("user", "deactivate"), "name"): "user",
    (("segment", "show"), "name"): "segment",
    (("segment", "delete"), "name"): "segment",
}


def source_of(path: Sequence[str], param: Any) -> str | None:
    """The look-up that completes `param` of the command at `path` (names from the root), or None."""
    path = tuple(path)
    if param.param_type_name == "argument":
        if param.name in ("ref", "refs") and path[:1] and path[0] in REF_COMMANDS:
            return REF_OWNERS.get(path[0], "contact")
        if param.name == "tag" and path[-2:] in (("tag", "add"), ("tag", "remove")):
            return "contact-tag"
        return ARGUMENT_SOURCES.get((path, param.name))
    names = [*param.opts, *param.secondary_opts]
    if "--tag" in names or "--untag" in names:
        return "company-tag" if path[:1] == ("company",) else "contact-tag"
    if "--stage" in names:
        return "stage"
    if "--kind" in names and path[:1] == ("timeline",):
        return "kind"
    if param.metavar == "USER":
        return "user"
    return next((OPTION_SOURCES[n] for n in names if n in OPTION_SOURCES), None)


class Completer:
    """A click `shell_complete` callback: the values of one source that start with what was typed."""

    def __init__(self, source: str):
        self.source = source

    def __call__(self, ctx: Any, param: Any, incomplete: str) -> list[str]:
        from minicrm.completion.values import lookup

        return lookup(self.source, incomplete, ctx.find_root().params.get("db"))

    def __repr__(self) -> str:
        return f"Completer({self.source!r})"


def attach(command: Any, path: Sequence[str] = ()) -> None:
    """Give every parameter of `command` (and of its sub-commands) that names stored values its completer."""
    for param in command.params:
        source = source_of(path, param)
        if source is not None and param._custom_shell_complete is None:
            param._custom_shell_complete = Completer(source)
    for name, sub in getattr(command, "commands", {}).items():
        attach(sub, (*path, name))
