"""Where the text and markers of an SVG chart lie, worked out from the SVG alone.

Text is measured with FreeType on the font the SVG names (DejaVu Sans, as matplotlib
ships it), the way a browser sets it: each ``<text>`` runs from its start point by its
advance width, and from the font's ascender above the baseline to its descender below.
Markers are the ``<use>`` elements that place a ``<defs>`` path, their box the path's
extent plus half its stroke. Nothing here calls owcf's own layout code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import unescape

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font, LoadFlags

NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?"


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    what: str

    def overlap(self, other: Box) -> float:
        """The area the two share (0 when they only touch)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(0.0, w) * max(0.0, h)


@cache
def _font(bold: bool, italic: bool) -> FT2Font:
    prop = font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal",
                                       style="italic" if italic else "normal")
    return FT2Font(font_manager.findfont(prop, fallback_to_default=False))


def measure(text: str, size: float, bold: bool = False, italic: bool = False
            ) -> tuple[float, float, float]:
    """(advance width, ascent, descent) in points of one line of text."""
    font = _font(bold, italic)
    font.set_size(size, 72)
    font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
    width = font.get_width_height()[0] / 64
    return (width, font.ascender / font.units_per_EM * size,
            -font.descender / font.units_per_EM * size)


def _style(tag: str) -> dict[str, str]:
    found = re.search(r'style="([^"]*)"', tag)
    out = {}
    for part in (found.group(1).split(";") if found else []):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def size_of(svg: str) -> tuple[float, float]:
    """The chart's width and height in points (its viewBox)."""
    box = re.search(rf'viewBox="0 0 ({NUMBER}) ({NUMBER})"', svg)
    assert box, "no viewBox"
    return float(box.group(1)), float(box.group(2))


def texts(svg: str) -> list[tuple[str, Box]]:
    """Every line of text with its box."""
    out = []
    for tag, content in re.findall(r"(<text\b[^>]*>)([^<]*)</text>", svg):
        style = _style(tag)
        size = float(re.match(NUMBER, style.get("font-size", "10")).group(0))  # type: ignore[union-attr]
        bold = style.get("font-weight", "") in ("bold", "700")
        italic = style.get("font-style", "") in ("italic", "oblique")
        text = unescape(content)
        width, up, down = measure(text, size, bold, italic)
        transform = re.search(rf"translate\(({NUMBER})[ ,]+({NUMBER})\)", tag)
        rotate = re.search(rf"rotate\(({NUMBER})", tag)
        assert not rotate or float(rotate.group(1)) == 0, f"rotated text {text!r}"
        if transform:
            x, y = float(transform.group(1)), float(transform.group(2))
        else:
            x = float(re.search(rf'\bx="({NUMBER})"', tag).group(1))  # type: ignore[union-attr]
            y = float(re.search(rf'\by="({NUMBER})"', tag).group(1))  # type: ignore[union-attr]
        anchor = style.get("text-anchor", "start")
        x -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        out.append((text, Box(x, y - up, x + width, y + down, text)))
    return out


def markers(svg: str) -> list[Box]:
    """Every marker placed with <use>, with its box."""
    shapes = {}
    for tag in re.findall(r"<path\b[^>]*\bid=\"[^\"]*\"[^>]*>", svg):
        ident = re.search(r'\bid="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        path = re.search(r'\bd="([^"]+)"', tag)
        if not path:
            continue
        values = [float(v) for v in re.findall(NUMBER, path.group(1))]
        xs, ys = values[0::2], values[1::2]
        stroke = float(_style(tag).get("stroke-width", "1"))
        shapes[ident] = (min(xs), min(ys), max(xs), max(ys), stroke)
    out = []
    for tag in re.findall(r"<use\b[^>]*>", svg):
        ident = re.search(r'href="#([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        if ident not in shapes:
            continue
        x = float(re.search(rf'\bx="({NUMBER})"', tag).group(1))  # type: ignore[union-attr]
        y = float(re.search(rf'\by="({NUMBER})"', tag).group(1))  # type: ignore[union-attr]
        x0, y0, x1, y1, stroke = shapes[ident]
        stroke = max(stroke, float(_style(tag).get("stroke-width", "0") or 0))
        pad = stroke / 2
        out.append(Box(x + x0 - pad, y + y0 - pad, x + x1 + pad, y + y1 + pad, f"marker {ident}"))
    return out


def collisions(svg: str) -> list[str]:
    """Labels that overlap another label or a marker, or leave the chart."""
    labels = [box for _, box in texts(svg)]
    placed = markers(svg)
    width, height = size_of(svg)
    found = []
    for i, a in enumerate(labels):
        if a.x0 < -0.01 or a.y0 < -0.01 or a.x1 > width + 0.01 or a.y1 > height + 0.01:
            found.append(f"{a.what!r} leaves the chart ({a.x0:.1f}, {a.y0:.1f}, {a.x1:.1f}, "
                         f"{a.y1:.1f} in {width:.0f} x {height:.0f})")
        for b in labels[i + 1:]:
            if a.overlap(b) > 0.01:
                found.append(f"{a.what!r} overlaps {b.what!r}")
        for m in placed:
            if a.overlap(m) > 0.01:
                found.append(f"{a.what!r} overlaps a marker at ({m.x0:.1f}, {m.y0:.1f})")
    return found
