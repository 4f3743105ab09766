"""Answer a completion from the cached command tree, before Typer is imported.

`answer()` runs first thing in `minicrm.cli` when the shell's completion function calls minicrm
(`_MINICRM_COMPLETE=complete_bash|complete_zsh|complete_fish`). It reads the words as Typer's scripts pass them,
walks the tree as click's `_resolve_context` / `_resolve_incomplete` do (options and their values, the
sub-command, the positional arguments filled so far), and prints the candidates in the format of Typer's
completion classes. Whatever it is not sure to read as click would (an unknown option, `--`, a value only
click can complete) returns without output, and Typer answers (`shells.py`): same answer, slower.

The output format is shared with the slow path (`format_item`, `render`), so both print the same bytes.
Values are escaped for bash (Typer's bash script inserts them as they are: `Ada\\ Lovelace` stays one word).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

COMPLETE_VAR = "_MINICRM_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

Item = tuple[str, str | None]


class Unsure(Exception):
    """The command line holds something only click itself can read: leave the answer to Typer."""


def answer() -> None:
    """Print the completions and exit, when the cached tree can answer; return otherwise (Typer will)."""
    instruction = os.environ.get(COMPLETE_VAR, "")
    action, _, shell = instruction.partition("_")
    if action != "complete" or shell not in SHELLS:
        return
    try:
        from minicrm.completion import tree

        root = tree.load()
        if root is None:
            return
        args, incomplete = shell_words(shell)
        items = complete(root, args, incomplete)
    except Exception:
        return
    code, text = render(shell, items)
    if text is not None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    raise SystemExit(code)


# -- the words, as Typer's completion classes read them ---------------------------------------------------
def split_arg_string(string: str) -> list[str]:
    """click's `split_arg_string`: shlex words, an unfinished quote or escape kept as typed so far."""
    import shlex

    lex = shlex.shlex(string, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out: list[str] = []
    try:
        out.extend(lex)
    except ValueError:
        out.append(lex.token)
    return out


def shell_words(shell: str) -> tuple[list[str], str]:
    """(the complete words after the program name, the word being completed)."""
    if shell == "bash":
        cwords = split_arg_string(os.environ["COMP_WORDS"])
        cword = int(os.environ["COMP_CWORD"])
        return cwords[1:cword], cwords[cword] if cword < len(cwords) else ""
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    args = split_arg_string(line)[1:]
    if args and not line.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


# -- output, shared with shells.py ---------------------------------------------------------------------------
_BASH_PLAIN = frozenset("_@%+=:,./-")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_item(shell: str, value: str, help: str | None) -> str:
    """One candidate as Typer's completion class for `shell` prints it (help as one plain line)."""
    if shell == "bash":
        return "".join(c if c.isalnum() or c in _BASH_PLAIN else "\\" + c for c in value)
    if shell == "zsh":

        def escape(s: str) -> str:
            return s.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")

        return f'"{escape(value)}":"{escape(_one_line(help))}"' if help else f'"{escape(value)}"'
    return f"{value}\t{_one_line(help)}" if help else value


def zsh_output(lines: list[str]) -> str:
    if not lines:
        return "_files"
    body = "\n".join(lines)
    return f"_arguments '*: :(({body}))'"


def render(shell: str, items: list[Item]) -> tuple[int, str | None]:
    """(exit code, text to print or None) for the candidates, as Typer's `shell_complete` does."""
    lines = [format_item(shell, value, help) for value, help in items]
    if shell == "zsh":
        return 0, zsh_output(lines)
    if shell == "fish" and os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "") == "is-args":
        return (0 if lines else 1), None
    if shell == "fish" and os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "") != "get-args":
        return 0, ""
    return 0, "\n".join(lines)


# -- click's resolution, over the cached tree -----------------------------------------------------------------
class Parsed:
    """What click's parser made of one command's words: options given, positionals, the words left over."""

    def __init__(self) -> None:
        self.given: set[int] = set()  # indexes of the options on the command line
        self.values: dict[str, str] = {}
        self.positionals: list[str] = []
        self.rest: list[str] = []
        self.aborted = False  # an option at the end still wants its value: click stops parsing there


def _option_index(node: dict[str, Any]) -> dict[str, int]:
    return {name: i for i, option in enumerate(node["options"]) for name in option["names"]}


def parse(node: dict[str, Any], words: list[str]) -> Parsed:
    """Parse `words` for the command `node` like click's `_OptionParser` (resilient: stop at an error)."""
    if node.get("slow"):
        raise Unsure
    index = _option_index(node)
    options = node["options"]
    state = Parsed()
    todo = list(words)

    def take(i: int, explicit: str | None) -> bool:
        option = options[i]
        state.given.add(i)
        if not option["takes_value"]:
            if explicit is not None:
                raise Unsure  # click: "does not take a value", parsing stops
            return True
        if option["nargs"] != 1:
            raise Unsure
        if explicit is None:
            if not todo:
                state.aborted = True
                return False
            explicit = todo.pop(0)
        state.values[option["name"]] = explicit
        return True

    while todo:
        word = todo.pop(0)
        if word == "--":
            raise Unsure
        if word[:1] == "-" and len(word) > 1:
            name, eq, value = word.partition("=")
            if name in index and (name.startswith("--") or len(name) > 2):
                if not take(index[name], value if eq else None):
                    return state
                continue
            if word.startswith("--") or eq:
                raise Unsure  # an unknown long option, or `-x=...`: click's own reading
            for pos, char in enumerate(word[1:], start=2):
                if f"-{char}" not in index:
                    raise Unsure
                i = index[f"-{char}"]
                if options[i]["takes_value"]:
                    if not take(i, word[pos:] if pos < len(word) else None):
                        return state
                    break
                take(i, None)
            continue
        if node["interspersed"]:
            state.positionals.append(word)
        else:
            state.rest = [word, *todo]
            return state
    return state


def _argument_given(node: dict[str, Any], parsed: Parsed) -> list[bool]:
    """Which arguments hold a value from the command line (click's `_unpack_args`, front to back)."""
    given, left = [], 0 if parsed.aborted else len(parsed.positionals)
    for argument in node["arguments"]:
        nargs = argument["nargs"]
        if nargs == -1:
            given.append(False)  # a repeated argument always takes one more
            left = 0
        elif nargs == 1:
            given.append(left > 0)
            left = max(left - 1, 0)
        else:
            raise Unsure
    return given


def _values(spec: dict[str, Any] | None, incomplete: str, db: str | None) -> list[Item]:
    if spec is None:
        return []
    if spec.get("slow"):
        raise Unsure
    if "choices" in spec:
        if spec["case_sensitive"]:
            return [(c, None) for c in spec["choices"] if c.startswith(incomplete)]
        return [(c, None) for c in spec["choices"] if c.lower().startswith(incomplete.lower())]
    from minicrm.completion.values import lookup

    return [(value, None) for value in lookup(spec["source"], incomplete, db)]


def _listing(node: dict[str, Any], parsed: Parsed, incomplete: str) -> list[Item]:
    """A command's own completions: its sub-commands, then its options when the word starts like one."""
    items: list[Item] = [
        (name, sub["help"])
        for name, sub in node.get("commands", {}).items()
        if name.startswith(incomplete) and not sub["hidden"]
    ]
    if incomplete and not incomplete[0].isalnum():
        for i, option in enumerate(node["options"]):
            if not option["listed"] or (not option["multiple"] and i in parsed.given):
                continue
            items.extend((name, option["help"]) for name in option["names"] if name.startswith(incomplete))
    return items


def complete(root: dict[str, Any], args: list[str], incomplete: str) -> list[Item]:
    """The candidates for `incomplete` after the words `args`, as click would find them."""
    args = list(args)
    if "--" in args:
        raise Unsure
    node, words, db = root, args, None
    while True:
        parsed = parse(node, words)
        if node is root:
            db = parsed.values.get("db")
        if not parsed.rest or parsed.rest[0] not in node.get("commands", {}):
            break
        node, words = node["commands"][parsed.rest[0]], parsed.rest[1:]
    if incomplete == "=":
        incomplete = ""
    elif "=" in incomplete and incomplete[:1] == "-":
        name, _, incomplete = incomplete.partition("=")
        args.append(name)
    if incomplete[:1] == "-":
        return _listing(node, parsed, incomplete)
    last = args[-1] if args and args[-1][:1] == "-" else None
    for option in node["options"]:
        if option["takes_value"] and last in option["opts"]:
            return _values(option["values"], incomplete, db)
    for argument, given in zip(node["arguments"], _argument_given(node, parsed), strict=True):
        if not given:
            return _values(argument["values"], incomplete, db)
    return _listing(node, parsed, incomplete)
