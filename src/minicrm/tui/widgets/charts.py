"""Bar charts that fit the width they are drawn at (the reports screen, #19).

A chart is rows of: a label (cut with `…` when the column is narrow), a bar, and figure columns (counts,
amounts, percentages) that are shown whole or not at all. Figures may hold several lines (one amount per
currency). When the width is short, figure columns drop by priority (0 never drops), then the bars shrink
down to MIN_BAR, then the labels are cut.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text

from minicrm.tui.widgets.render import BAR, safe

MIN_BAR = 6
GAP = 2


@dataclass(frozen=True)
class BarRow:
    label: str  # text from the data: made safe when drawn
    value: float
    style: str = "cyan"
    figures: Sequence[str] = ()
    label_style: str = "bold"


@dataclass
class BarChart:
    rows: Sequence[BarRow]
    #: one priority per figure column: the highest number drops first, 0 never
    priorities: Sequence[int] = ()
    headers: Sequence[str] = ()
    bar_max: int = 30
    label_max: int = 16  # labels get at least this many cells, or a quarter of the width
    empty: str = ""
    footer: Text | None = None
    _figure_widths: list[int] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        count = max((len(r.figures) for r in self.rows), default=0)
        self.priorities = list(self.priorities) + [0] * (count - len(self.priorities))
        widths = []
        for j in range(count):
            lines = [line for r in self.rows if j < len(r.figures) for line in r.figures[j].split("\n")]
            if j < len(self.headers):
                lines.append(self.headers[j])
            widths.append(max((cell_len(safe(x)) for x in lines), default=0))
        self._figure_widths = widths

    def _layout(self, width: int) -> tuple[int, int, list[int]]:
        """(label width, bar width, figure columns shown) for `width` cells."""
        widest = max((cell_len(safe(r.label)) for r in self.rows), default=0)
        label_w = min(widest, max(self.label_max, width // 4))
        shown = list(range(len(self._figure_widths)))

        def figures() -> int:
            return sum(self._figure_widths[j] + GAP for j in shown)

        while label_w + 1 + MIN_BAR + figures() > width:
            droppable = [j for j in shown if self.priorities[j] > 0]
            if not droppable:
                break
            shown.remove(max(droppable, key=lambda j: (self.priorities[j], j)))
        bar_w = min(self.bar_max, width - label_w - 1 - figures())
        if bar_w < MIN_BAR:
            label_w = max(3, label_w - (MIN_BAR - bar_w))
            bar_w = max(0, width - label_w - 1 - figures())
        return label_w, bar_w, shown

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        if not self.rows:
            yield Text(self.empty, style="dim")
            return
        label_w, bar_w, shown = self._layout(options.max_width)
        top = max((r.value for r in self.rows), default=0)
        if self.headers:
            line = Text(" " * (label_w + 1 + bar_w), no_wrap=True, overflow="ellipsis")
            for j in shown:
                head = self.headers[j] if j < len(self.headers) else ""
                line.append(" " * GAP + head.rjust(self._figure_widths[j]), style="dim")
            yield line
        for r in self.rows:
            height = max((len(f.split("\n")) for f in r.figures), default=1)
            for k in range(height):
                line = Text(no_wrap=True, overflow="ellipsis")
                if k == 0:
                    label = Text(safe(r.label), style=r.label_style)
                    label.truncate(label_w, overflow="ellipsis", pad=True)
                    line.append_text(label)
                    length = max(1, round(bar_w * r.value / top)) if top > 0 and r.value > 0 else 0
                    line.append(" " + (BAR * length).ljust(bar_w), style=r.style)
                else:
                    line.append(" " * (label_w + 1 + bar_w))
                for j in shown:
                    parts = r.figures[j].split("\n") if j < len(r.figures) else []
                    text = safe(parts[k]) if k < len(parts) else ""
                    line.append(" " * GAP + " " * (self._figure_widths[j] - cell_len(text)) + text)
                line.truncate(options.max_width, overflow="ellipsis")
                yield line
        if self.footer is not None:
            yield self.footer

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(options.max_width, 20), options.max_width)
