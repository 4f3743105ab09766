"""The package contracts hold: no import cycle between minicrm's modules, every package says what it owns.

import-linter (pyproject.toml, run by .ci/run) checks the layers; this test checks what it does not:
no cycle at all, counting the imports inside functions too (a cycle "patched" by a function-level import is
still a cycle for the reader), and a docstring on every package.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC / "minicrm"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_in_the_store():
    graph = {k: {v for v in deps if v.startswith("minicrm.store")} for k, deps in _graph().items()}
    graph = {k: v for k, v in graph.items() if k.startswith("minicrm.store")}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_package_has_a_docstring():
    missing = [
        str(p.relative_to(SRC))
        for p in ROOT.rglob("__init__.py")
        if "migrations" not in p.parts and not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert missing == []


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(SRC)): n
        for p in ROOT.rglob("*.py")
        if "versions" not in p.parts and (n := len(p.read_text().splitlines())) > 500
    }
    assert long == {}
