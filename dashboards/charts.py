"""Server-side SVG charts: no script, no network, readable on a laptop and a tablet.

Each chart scales to its container (viewBox, width 100%) and carries a <title>
and an aria-label; the page always shows the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#007d7e", "#e76f00", "#5c4bb5", "#c42b4b")
FONT = "font-family=\"'Noto Sans CJK SC','PingFang SC',sans-serif\""


def _fmt(value: float, suffix: str) -> str:
    if value is None:
        return "-"
    if suffix == "%":
        return f"{value:.0f}%"
    if float(value).is_integer():
        return f"{int(value)}{suffix}"
    return f"{value:.1f}{suffix}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1)
        candidate = step * magnitude
        if candidate >= value:
            return candidate
    return value


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    suffix: str = "",
    max_value: float | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value); labels on the left."""
    bar_height, gap, label_width, width = 22, 8, 180, 640
    plot = width - label_width - 70
    height = max(1, len(rows)) * (bar_height + gap) + gap
    top = max_value or _nice_max(max((v or 0) for _, v in rows) if rows else 0)
    parts = [
        f'<svg class="dash-chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" {FONT} font-size="13">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        length = 0 if not value else max(1, plot * min(value, top) / top)
        short = label if len(label) <= 13 else label[:12] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" '
            f'fill="#262626">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" '
            f'height="{bar_height}" fill="{PALETTE[0]}" rx="2"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" '
            f'fill="#262626">{escape(_fmt(value, suffix))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    suffix: str = "",
    max_value: float | None = None,
) -> SafeString:
    """Lines over a shared x axis (weeks, seconds), with a legend and y gridlines."""
    width, height = 640, 260
    left, right, top_pad, bottom = 48, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [v for s in series for v in s.values if v is not None]
    top = max_value or _nice_max(max(values) if values else 0)
    n = max(1, len(labels) - 1)

    def x(i):
        return left + plot_w * i / n

    def y(v):
        return top_pad + plot_h * (1 - min(v, top) / top)

    parts = [
        f'<svg class="dash-chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" {FONT} font-size="12">'
        f"<title>{escape(title)}</title>"
    ]
    for k in range(5):
        v = top * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" '
            f'text-anchor="end" fill="#555">{escape(_fmt(v, suffix))}</text>'
        )
    step = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle" fill="#555">{escape(label)}</text>'
            )
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [
            f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values) if v is not None
        ]
        if len(points) > 1:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                f'points="{" ".join(points)}"/>'
            )
        for point in points:
            cx, cy = point.split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        lx = left + s_index * 170
        parts.append(
            f'<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{lx + 18}" y="16" fill="#262626">{escape(s.name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
