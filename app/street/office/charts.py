"""Bar charts for the street office's pages as inline SVG, drawn on the server: the pages use no
script, so no chart library runs in the browser. Horizontal bars, one band per community with
one bar per series, the community's name at the left and each value at its bar's end; the
labels are text elements in the page's own font, so Chinese stays sharp at any zoom and can be
read by a screen reader. Every text is escaped: names come from the communities' desks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

LABEL_WIDTH = 130
VALUE_ROOM = 70
BAR = 14
GAP = 4
BAND_GAP = 12
TOP = 28


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float | None]
    shown: Sequence[str]  # each value as written beside its bar


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 560,
              scale_max: float | None = None) -> Markup:  # fmt: skip
    """An SVG of ``labels`` (one band each) with a bar per series; ``scale_max`` fixes the full
    width (1.0 for rates), else the largest value fills it."""
    peak = scale_max or max((v for s in series for v in s.values if v), default=0) or 1
    room = width - LABEL_WIDTH - VALUE_ROOM
    band = len(series) * (BAR + GAP) - GAP + BAND_GAP
    height = TOP + max(1, len(labels)) * band + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    x = LABEL_WIDTH
    for s in series:  # the legend, along the top
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{s.colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(s.name)}</text>')
        x += 16 + 14 * len(s.name) + 18
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - 6}" stroke="#999"/>'
    )
    for i, label in enumerate(labels):
        top = TOP + i * band
        middle = top + (band - BAND_GAP) / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:.0f}" font-size="13" text-anchor="end">{escape(label)}</text>'
        )
        for j, s in enumerate(series):
            value = s.values[i]
            y = top + j * (BAR + GAP)
            length = 0 if not value else max(1.0, room * min(value, peak) / peak)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{s.colour}">'
                f"<title>{escape(label)} {escape(s.name)}：{escape(s.shown[i])}</title></rect>"
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 3}" font-size="11" fill="#333">'
                f"{escape(s.shown[i])}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
