"""Small charts drawn as SVG markup, for inside PDF reports.

WeasyPrint draws inline ``<svg>`` itself, so a report needs no headless
browser and no image files. Every label is HTML-escaped; the markup holds
no links, images or scripts, only shapes and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

FONT = "DejaVu Sans, sans-serif"
BAR_COLOR = "#4f5fc4"
LINE_COLOR = "#d9534f"
GRID_COLOR = "#d8d8d8"
TEXT_COLOR = "#333333"


@dataclass(frozen=True)
class Series:
    """One named series of integer values (cents), one value per label."""

    name: str
    values: list[int]


def _nice_step(span: int, steps: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) that covers ``span``."""
    raw = max(span / steps, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _axis_label(cents: int) -> str:
    sign, dollars = ("-" if cents < 0 else ""), abs(cents) / 100
    if dollars >= 1000:
        thousands = f"{dollars / 1000:,.1f}".removesuffix(".0")
        return f"{sign}${thousands}k"
    return f"{sign}${dollars:,.0f}"


def _text(x: float, y: float, label: str, *, size: int = 9, anchor: str = "middle",
          color: str = TEXT_COLOR) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-family="{FONT}" '
            f'text-anchor="{anchor}" fill="{color}">{escape(label)}</text>')


def bar_line_chart(labels: list[str], bars: Series, line: Series | None = None, *,
                   title: str = "", width: int = 640, height: int = 260) -> str:
    """Bars for one series and an optional line for a second, as an ``<svg>`` element.

    Args:
        labels: One label per position on the x axis (e.g. "Nov 2").
        bars: Values drawn as bars (cents; may be negative).
        line: Values drawn as a line with dots over the bars (cents).
        title: Caption drawn at the top left.
        width: Width in CSS pixels.
        height: Height in CSS pixels.

    Returns:
        The SVG markup, safe to paste into a report's HTML.

    Raises:
        ValueError: a series has a different length than ``labels``.
    """
    series = [bars] + ([line] if line else [])
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(f"Series {item.name!r} has {len(item.values)} values for "
                             f"{len(labels)} labels.")
    values = [v for item in series for v in item.values] or [0]
    low, high = min(0, *values), max(0, *values)
    step = _nice_step(high - low or 100)
    low = (low // step) * step  # floor to a step
    high = max(-(-high // step) * step, low + step)  # ceil to a step, never empty
    left, right, top, bottom = 56, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value: int) -> float:
        return top + plot_h * (high - value) / (high - low)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">']
    if title:
        parts.append(_text(left, 14, title, size=11, anchor="start"))
    for tick in range(low, high + 1, step):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="{GRID_COLOR}" stroke-width="{1.2 if tick == 0 else 0.6}"/>')
        parts.append(_text(left - 4, y + 3, _axis_label(tick), size=8, anchor="end"))
    slot = plot_w / max(len(labels), 1)
    bar_w = max(slot * 0.6, 1)
    label_every = max(1, -(-len(labels) // 14))
    for index, label in enumerate(labels):
        x = left + slot * index + (slot - bar_w) / 2
        y_value, y_zero = y_of(bars.values[index]), y_of(0)
        parts.append(f'<rect x="{x:.1f}" y="{min(y_value, y_zero):.1f}" width="{bar_w:.1f}" '
                     f'height="{abs(y_zero - y_value):.1f}" fill="{BAR_COLOR}"/>')
        if index % label_every == 0:
            parts.append(_text(left + slot * (index + 0.5), height - bottom + 12, label, size=8))
    if line and labels:
        points = " ".join(f"{left + slot * (i + 0.5):.1f},{y_of(v):.1f}"
                          for i, v in enumerate(line.values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE_COLOR}" '
                     f'stroke-width="2"/>')
        for i, v in enumerate(line.values):
            parts.append(f'<circle cx="{left + slot * (i + 0.5):.1f}" cy="{y_of(v):.1f}" r="2.5" '
                         f'fill="{LINE_COLOR}"/>')
    legend_y = height - 8
    parts.append(f'<rect x="{left}" y="{legend_y - 8}" width="10" height="8" fill="{BAR_COLOR}"/>')
    parts.append(_text(left + 14, legend_y, bars.name, size=8, anchor="start"))
    if line:
        parts.append(f'<line x1="{left + 120}" y1="{legend_y - 4}" x2="{left + 132}" '
                     f'y2="{legend_y - 4}" stroke="{LINE_COLOR}" stroke-width="2"/>')
        parts.append(_text(left + 136, legend_y, line.name, size=8, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)
