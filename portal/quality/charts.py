"""Accessible SVG charts drawn on the server (no script, nothing inline the CSP refuses): each
has a title and a description for screen readers, and the page lists the same figures in a
table beside it. Colours come from classes in static/css/quality.css."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 640, 240, 36


def _open(key: str, title: str, description: str, height: int = HEIGHT) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{key}-t {key}-d" xmlns="http://www.w3.org/2000/svg" '
            f'preserveAspectRatio="xMidYMid meet"><title id="{key}-t">{escape(title)}</title>'
            f'<desc id="{key}-d">{escape(description)}</desc>')


def line_chart(key: str, points: Sequence[tuple[str, float]], maximum: float, title: str,
               description: str) -> Markup:
    """A line over the days (label, value), from 0 to ``maximum``."""
    parts = [_open(key, title, description)]
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    for fraction in (0, 0.5, 1):
        y = PAD + inner_h * (1 - fraction)
        parts.append(f'<line class="chart-grid" x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="chart-axis" x="2" y="{y + 4:.1f}">'
                     f'{maximum * fraction:g}</text>')
    if points:
        step = inner_w / max(len(points) - 1, 1)
        coords = [(PAD + i * step, PAD + inner_h * (1 - min(v, maximum) / maximum))
                  for i, (_, v) in enumerate(points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="chart-line" points="{path}"/>')
        for (x, y), (label, value) in zip(coords, points, strict=True):
            parts.append(f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                         f'<title>{escape(label)}: {value:g}</title></circle>')
        parts.append(f'<text class="chart-axis" x="{PAD}" y="{HEIGHT - 8}">'
                     f'{escape(points[0][0])}</text>')
        parts.append(f'<text class="chart-axis" x="{WIDTH - PAD}" y="{HEIGHT - 8}" '
                     f'text-anchor="end">{escape(points[-1][0])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(key: str, bars: Sequence[tuple[str, float]], maximum: float, title: str,
              description: str) -> Markup:
    """Horizontal bars (label, value) from 0 to ``maximum``."""
    row = 26
    height = PAD + row * max(len(bars), 1)
    label_w = 170
    parts = [_open(key, title, description, height)]
    for i, (label, value) in enumerate(bars):
        y = 10 + i * row
        width = (WIDTH - label_w - 60) * (min(value, maximum) / maximum if maximum else 0)
        parts.append(
            f'<text class="chart-label" x="{label_w - 6}" y="{y + 14}" text-anchor="end">'
            f'{escape(label[:28])}</text>'
            f'<rect class="chart-bar" x="{label_w}" y="{y}" width="{width:.1f}" height="18"/>'
            f'<text class="chart-value" x="{label_w + width + 4:.1f}" y="{y + 14}">'
            f'{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


RATING_COLOURS = {"excellent": "#1a7f37", "good": "#2f6fb0", "sufficient": "#b7791f",
                  "bad": "#b42318"}


def badge(label: str, value: str, rating: str) -> str:
    """A shields-style badge (an image an entity embeds in its own site)."""
    left, right = 7 * len(label) + 12, 7 * len(value) + 12
    colour = RATING_COLOURS.get(rating, "#555")
    total = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{escape(label)}: {escape(value)}"><title>{escape(label)}: '
        f'{escape(value)}</title><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="6" y="14">{escape(label)}</text>'
        f'<text x="{left + 6}" y="14">{escape(value)}</text></g></svg>')
