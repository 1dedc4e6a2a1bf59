"""Bar charts drawn on the server as SVG: no script, no library, no external file,
nothing the content security policy has to allow. Each chart is described by its
title for screen readers, and the page shows the same numbers in a table."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 18
GAP = 10
LABEL_WIDTH = 180
PLOT_WIDTH = 320
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # what is written beside the bar ("65 %", "<5", a dash)
    y: int
    width: int  # 0 when the value is hidden or unknown


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + VALUE_WIDTH

    @property
    def value_x(self) -> int:
        return self.label_width + self.plot_width + 6


def percent_of(text: str | None) -> int | None:
    """The number of a share as shown ("65 %"), or None."""
    if not text:
        return None
    return int(text.rstrip(" %"))


def share_chart(title: str, rows: list[tuple[str, str | None, str]]) -> BarChart:
    """A horizontal bar per (label, share shown as "NN %" or None, text when None)."""
    bars = []
    for index, (label, shown, missing) in enumerate(rows):
        percent = percent_of(shown)
        bars.append(
            Bar(
                label=label,
                text=shown or missing,
                y=index * (BAR_HEIGHT + GAP),
                width=0 if percent is None else round(PLOT_WIDTH * percent / 100),
            )
        )
    return BarChart(title=title, bars=bars, height=max(len(bars), 1) * (BAR_HEIGHT + GAP))
