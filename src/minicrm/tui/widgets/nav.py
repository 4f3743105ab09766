"""The one-line bar at the top: app name, the screens with their keys, the current one highlighted.

It fits the terminal: narrower, it drops the app name, then the gaps, then shortens the titles, so the last
item (`? keys`) is always on screen.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, ConsoleOptions
from rich.text import Text
from textual.widgets import Static

from minicrm.i18n import _


class NavLine:
    def __init__(self, current: str | None, screens: tuple[tuple[str, str, str], ...]) -> None:
        self.current = current
        self.screens = screens

    def variant(self, *, brand: bool, gap: int, short: bool) -> Text:
        text = Text(" minicrm ", style="bold reverse") if brand else Text()
        for name, english, key in self.screens:
            title = _(english)
            text.append(" " * gap if len(text) else " ")
            style = "bold reverse" if name == self.current else ""
            text.append(f"{key} {title[:4] if short else title}", style=style)
        text.append(" " * (gap + 1) + "? " + _("keys"))
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = options.max_width
        variants = [
            self.variant(brand=True, gap=2, short=False),
            self.variant(brand=True, gap=1, short=False),
            self.variant(brand=False, gap=1, short=False),
            self.variant(brand=False, gap=1, short=True),
        ]
        line = next((v for v in variants if v.cell_len <= width), variants[-1])
        line.no_wrap, line.overflow = True, "ellipsis"
        yield line


class NavBar(Static):
    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current

    def on_mount(self) -> None:
        from minicrm.tui.app import SCREENS

        self.update(NavLine(self.current or getattr(self.app, "current_mode", None), SCREENS))
