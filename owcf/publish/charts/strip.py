"""The national quartile strips: the middle half of trusts, the median and the median
target per dimension, with a trust's own value on its page."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from owcf.publish.canvas import (
    GRID_COLOUR,
)
from owcf.publish.charts.style import (
    TARGET_COLOUR,
)

#: the national strip charts' text (near-black, as the trust report's charts)
TEXT_COLOUR = "#333333"


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


@dataclass(frozen=True)
class StripRow:
    """One row of a quartile strip: the middle half of trusts (lower to upper quartile),
    the median, the median target and, on a trust's own page, that trust's value. None
    where a figure is withheld or missing."""

    label: str
    q1: float | None
    median: float | None
    q3: float | None
    target: float | None = None
    own: float | None = None
    note: str = ""  # written across the row when there is no strip to draw


def quartile_strip_svg(chart_id: str, rows: Sequence[StripRow], scale: Sequence[tuple[int, str]],
                       colour: str, description: str, own_label: str = "") -> str:
    """A strip chart of a distribution across trusts, one row per dimension, as <svg>.

    The middle half of trusts is a thick bar from the lower to the upper quartile, the
    median a filled circle on it, the median target an open square; on a trust's own page
    (``own_label``) that trust's value is a black diamond. Written as plain SVG, without
    matplotlib: a national report draws one per colour and one per trust page, hundreds
    in all, each in well under a millisecond. Deterministic; every id is the chart's own.
    """
    if not rows:
        raise ValueError("a chart needs at least one row")
    values = [v for v, _ in scale]
    lo, hi = values[0], values[-1]
    left, right, top, row_h = 230.0, 595.0, 58.0, 34.0
    height = top + row_h * len(rows) + 44

    def x(value: float) -> float:
        return round(left + (value - lo) * (right - left) / (hi - lo), 2)

    prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", chart_id)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
           f'aria-label="{escape(description, quote=True)}" viewBox="0 0 640 {height:g}" '
           f'width="640" height="{height:g}" font-family="DejaVu Sans, sans-serif" '
           f'font-size="12" id="{prefix}">',
           f'<title>{escape(description)}</title>']
    legend = [("bar", "Middle half of trusts (quartiles)"), ("circle", "Median"),
              ("square", "Median target")]
    if own_label:
        legend.append(("diamond", own_label))
    at = 10.0
    for shape, text in legend:
        out.append(_strip_marker(shape, at + 8, 16, colour))
        out.append(f'<text x="{at + 20:g}" y="20" fill="{TEXT_COLOUR}">{escape(text)}</text>')
        at += 30 + 6.6 * len(text)
    for value, name in scale:
        out.append(f'<line x1="{x(value)}" x2="{x(value)}" y1="{top - 8:g}" '
                   f'y2="{top + row_h * len(rows):g}" stroke="{GRID_COLOUR}" stroke-width="0.6"/>')
        out.append(f'<text x="{x(value)}" y="{top + row_h * len(rows) + 16:g}" '
                   f'text-anchor="middle" fill="{TEXT_COLOUR}">{value}</text>')
        out.append(f'<text x="{x(value)}" y="{top + row_h * len(rows) + 32:g}" '
                   f'text-anchor="middle" font-size="11" fill="{TEXT_COLOUR}">'
                   f'{escape(_wrap(name, 40).splitlines()[0])}</text>')
    for k, row in enumerate(rows):
        y = top + row_h * k + row_h / 2
        lines = textwrap.wrap(row.label, 34)[:2] or [row.label]
        spans = "".join(f'<tspan x="{left - 8:g}" dy="{0 if i == 0 else 14}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        out.append(f'<text y="{y + 4 - 7 * (len(lines) - 1):g}" text-anchor="end" '
                   f'fill="{TEXT_COLOUR}">{spans}</text>')
        if row.q1 is not None and row.q3 is not None:
            out.append(f'<line x1="{x(row.q1)}" x2="{x(row.q3)}" y1="{y:g}" y2="{y:g}" '
                       f'stroke="{colour}" stroke-width="8" stroke-linecap="butt"/>')
        if row.target is not None:
            out.append(_strip_marker("square", x(row.target), y, colour))
        if row.median is not None:
            out.append(_strip_marker("circle", x(row.median), y, colour))
        if row.own is not None:
            out.append(_strip_marker("diamond", x(row.own), y, colour))
        if row.median is None and row.note:
            out.append(f'<text x="{left + 6:g}" y="{y + 4:g}" font-style="italic" '
                       f'fill="{TEXT_COLOUR}">{escape(row.note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _strip_marker(shape: str, cx: float, cy: float, colour: str) -> str:
    """A legend or data marker: bar, circle (median), square (target), diamond (own)."""
    if shape == "bar":
        return (f'<line x1="{cx - 8:g}" x2="{cx + 8:g}" y1="{cy:g}" y2="{cy:g}" '
                f'stroke="{colour}" stroke-width="8"/>')
    if shape == "circle":
        return (f'<circle cx="{cx:g}" cy="{cy:g}" r="6" fill="{colour}" stroke="#ffffff" '
                'stroke-width="1.5"/>')
    if shape == "square":
        return (f'<rect x="{cx - 5:g}" y="{cy - 5:g}" width="10" height="10" fill="#ffffff" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2"/>')
    return (f'<path d="M {cx:g} {cy - 8:g} L {cx + 7:g} {cy:g} L {cx:g} {cy + 8:g} '
            f'L {cx - 7:g} {cy:g} Z" fill="#000000" stroke="#ffffff" stroke-width="1.5"/>')
