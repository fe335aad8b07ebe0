"""The entity's quality badge: a shields-style SVG image an entity embeds in its own site. (The
quality pages' charts are the portal's chart component, ``portal.charts``.)"""

from __future__ import annotations

from markupsafe import escape

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
