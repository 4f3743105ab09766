"""The one-line bar at the top: app name, the five screens with their keys, the current one highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class NavBar(Static):
    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current

    def on_mount(self) -> None:
        from minicrm.tui.app import SCREENS

        current = self.current or getattr(self.app, "current_mode", None)
        text = Text(" minicrm ", style="bold reverse")
        for name, title, key in SCREENS:
            text.append("  ")
            style = "bold reverse" if name == current else ""
            text.append(f"{key} {title}", style=style)
        text.append("   ? keys")
        self.update(text)
