"""Every message a person reads goes through gettext (#23): no English literal reaches an error, a note or a widget.

Source-level check, per module: the calls that show text — errors (`BadInput(...)`, `NotFound(...)`...), notes,
`empty=` lines of tables, TUI notifications, labels, buttons, placeholders, titles and key descriptions — may not
be given a string literal (or f-string) with words in it; they take `_("...")`, `ngettext(...)`, `pgettext(...)`
(or `N_` where the text is translated later). tests/test_catalogs.py then checks each such message is translated.
What scripts read (JSON/CSV field names, kinds, statuses, ids) is not shown through these calls.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "minicrm"
#: calls whose first argument is a message
SHOWN = {
    "BadInput", "NotFound", "Ambiguous", "Conflict", "StoreError", "PermissionDenied", "MinicrmError",
    "BadParameter", "UsageError", "note", "error", "warn", "echo", "notify", "Label", "Static", "Button",
    "Header", "Rule", "Checkbox", "RadioButton", "TabPane", "Collapsible",
}  # fmt: skip
#: keyword arguments that are messages, whatever the call
SHOWN_KEYWORDS = {"empty", "placeholder", "title", "sub_title", "border_title", "tooltip", "description", "label",
                  "message", "summary_label", "prompt"}  # fmt: skip
MARKERS = {"_", "N_", "ngettext", "pgettext"}
WORDS = re.compile(r"[A-Za-z]{2,}")
#: modules that show no message of their own (the migrations must not change with the code)
SKIP = ("migrations/", "completion/")


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _literal_words(node: ast.AST) -> str | None:
    """The English in a literal message (None when the value is marked, computed, or has no words)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal_words(node.left) or _literal_words(node.right)
    elif isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    else:
        return None
    return text if WORDS.search(text) else None


def unmarked(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or _callee(node) in MARKERS:
            continue
        args = [node.args[0]] if node.args and _callee(node) in SHOWN else []
        args += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS]
        for arg in args:
            if text := _literal_words(arg):
                where = path.relative_to(SRC) if path.is_relative_to(SRC) else path.name
                found.append(f"{where}:{arg.lineno}: {text[:70]!r}")
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if not any(part in p.relative_to(SRC).as_posix() for part in SKIP))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_messages_go_through_gettext(path):
    found = unmarked(path)
    assert not found, f"{len(found)} messages not marked for translation:\n" + "\n".join(found)


def test_the_check_sees_an_unmarked_message(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'raise BadInput(f"unknown kind {kind!r}")\nraise NotFound(_("no contact {ref}").format(ref=ref))\n'
        'output.emit_rows(rows, COLUMNS, fmt, empty="no tasks")\nself.notify(_("Saved"))\n'
    )
    found = [line.split(": ", 1)[1] for line in unmarked(sample)]
    assert found == ["'unknown kind '", "'no tasks'"]


def _shadows_gettext(path: Path) -> list[str]:
    """Lines that assign to `_` in a module that translates with `_` (`_, at, d = x.partition("@")`, `for _ in`):
    in that function `_("...")` would then call a string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports_gettext = any(
        isinstance(node, ast.ImportFrom) and node.module == "minicrm.i18n" and any(a.name == "_" for a in node.names)
        for node in ast.walk(tree)
    )
    if not imports_gettext:
        return []
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return  # a comprehension's `_` lives in the comprehension's own scope
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_no_module_shadows_gettext():
    found = [line for path in MODULES for line in _shadows_gettext(path)]
    assert not found, "`_` assigned where it translates: " + ", ".join(found)
