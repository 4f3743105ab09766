"""The slow path: Typer's completion classes answer, printing candidates exactly as the fast path does.

Used when the cached tree is missing or stale (`prepare` writes it for the next Tab) and whenever the fast
path is unsure. Only the formatting differs from Typer's own classes: values are escaped for bash, help is
one plain line (Typer renders it through rich, which would eat `[a|b]`), both from `fast.format_item`.
"""

from __future__ import annotations

from typing import Any

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, FishComplete, ZshComplete, completion_init

from minicrm.completion.fast import format_item, zsh_output


class MinicrmBash(BashComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return format_item("bash", str(item.value), item.help)


class MinicrmZsh(ZshComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return format_item("zsh", str(item.value), item.help)

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        return zsh_output([self.format_completion(item) for item in self.get_completions(args, incomplete)])


class MinicrmFish(FishComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return format_item("fish", str(item.value), item.help)


def register() -> None:
    """Put minicrm's classes in place of Typer's for bash, zsh and fish (PowerShell keeps Typer's)."""
    completion_init()
    for cls in (MinicrmBash, MinicrmZsh, MinicrmFish):
        add_completion_class(cls, cls.name)


def prepare(root: Any, prog_name: str) -> None:
    """Before Typer answers a Tab: register the classes and cache the command tree for the next one."""
    from minicrm.completion import tree

    try:
        tree.save(tree.build(root, prog_name))
    except Exception:  # an unwritable cache folder, a command module that fails to load: answer all the same
        pass
    register()  # after the build: building a Typer app registers Typer's own classes again
