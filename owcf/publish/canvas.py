"""A drawing surface in points for the charts: text measured with the font it prints in,
every label and marker placed by hand, and the picture written out as SVG.

Charts lay themselves out here, so nothing is left to chance in print: the page is
measured in points from the top left (y down, as in SVG), every text box and marker box
is known before anything is drawn, and :meth:`Canvas.render` sizes the picture to what
was placed and writes each part as an SVG element at the point the layout chose. Text
stays text, in DejaVu Sans, measured from the font file matplotlib ships (its advance
widths and kerning, read here: nothing of matplotlib is imported); markers are paths
defined once and placed with ``<use>``; ids are prefixed with the chart's id, so several
charts sit inline in one HTML page.
"""

from __future__ import annotations

import importlib.util
import math
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

FONT = "DejaVu Sans"
#: the smallest text a chart prints: 9 pt at its natural size, which is its print size
SIZE = 9.0
#: baseline to baseline, in sizes of the font
LEADING = 1.2
TEXT_COLOUR = "#333333"
GRID_COLOUR = "#767676"  # the lightest grey with 4.5:1 on white

@dataclass(frozen=True)
class Metrics:
    """What a layout needs of a TrueType font: each character's advance and the kerning
    between pairs, in font units, and the font's ascender and descender."""

    units: int
    ascender: int
    descender: int
    advances: dict[str, int]
    kerning: dict[tuple[str, str], int]
    missing: int  # the advance of a character the font has no glyph for

    def width(self, text: str, size: float) -> float:
        total = sum(self.advances.get(c, self.missing) for c in text)
        total += sum(self.kerning.get(pair, 0) for pair in pairwise(text))
        return total * size / self.units


def _font_file(bold: bool) -> Path:
    """DejaVu Sans as matplotlib ships it, found without importing matplotlib (the font
    charts print in, and the one the tests measure with FreeType)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is not installed"
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return folder / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@cache
def _font(bold: bool = False) -> Metrics:
    """The font's metrics, read from its 'head', 'hhea', 'hmtx', 'cmap' (format 4) and
    'kern' (format 0) tables: advances and pair kerning are all a line's width needs."""
    data = _font_file(bold).read_bytes()
    count = struct.unpack_from(">H", data, 4)[0]
    tables = {data[12 + 16 * i:16 + 16 * i].decode("latin-1"):
              struct.unpack_from(">I", data, 20 + 16 * i)[0] for i in range(count)}
    units = struct.unpack_from(">H", data, tables["head"] + 18)[0]
    ascender, descender = struct.unpack_from(">hh", data, tables["hhea"] + 4)
    metrics_count = struct.unpack_from(">H", data, tables["hhea"] + 34)[0]
    widths = [struct.unpack_from(">H", data, tables["hmtx"] + 4 * i)[0]
              for i in range(metrics_count)]
    glyphs = _cmap(data, tables["cmap"])
    advances = {c: widths[min(g, metrics_count - 1)] for c, g in glyphs.items()}
    names = {g: c for c, g in glyphs.items()}
    kerning: dict[tuple[str, str], int] = {}
    if "kern" in tables:
        base = tables["kern"]
        offset = base + 4
        for _ in range(struct.unpack_from(">H", data, base + 2)[0]):
            length, coverage = struct.unpack_from(">HH", data, offset + 2)
            if coverage >> 8 == 0:  # format 0: sorted pairs
                pairs = struct.unpack_from(">H", data, offset + 6)[0]
                for k in range(pairs):
                    left, right, value = struct.unpack_from(">HHh", data, offset + 14 + 6 * k)
                    if left in names and right in names:
                        kerning[(names[left], names[right])] = value
            offset += length
    return Metrics(units, ascender, descender, advances, kerning, widths[0])


def _cmap(data: bytes, base: int) -> dict[str, int]:
    """Character -> glyph from the font's Unicode (3, 1) format 4 subtable."""
    for i in range(struct.unpack_from(">H", data, base + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        table = base + offset
        if (platform, encoding) == (3, 1) and struct.unpack_from(">H", data, table)[0] == 4:
            segments = struct.unpack_from(">H", data, table + 6)[0] // 2
            ends = table + 14
            starts = ends + 2 * segments + 2
            deltas = starts + 2 * segments
            ranges = deltas + 2 * segments
            out: dict[str, int] = {}
            for k in range(segments):
                end, start = (struct.unpack_from(">H", data, at + 2 * k)[0] for at in (ends, starts))
                delta = struct.unpack_from(">h", data, deltas + 2 * k)[0]
                shift = struct.unpack_from(">H", data, ranges + 2 * k)[0]
                for code in range(start, min(end, 0xFFFE) + 1):
                    if shift:
                        glyph = struct.unpack_from(">H", data, ranges + 2 * k + shift
                                                   + 2 * (code - start))[0]
                        glyph = (glyph + delta) % 65536 if glyph else 0
                    else:
                        glyph = (code + delta) % 65536
                    if glyph:
                        out[chr(code)] = glyph
            return out
    raise ValueError("the font has no Unicode cmap")


@lru_cache(maxsize=8192)
def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """Width in points of one line of ``text``: its glyphs' advances and kerning, as a
    browser sets it."""
    return _font(bold).width(text, size)


def ascent(size: float = SIZE) -> float:
    """Height of the font above the baseline (its ascender), in points."""
    font = _font()
    return font.ascender / font.units * size


def descent(size: float = SIZE) -> float:
    font = _font()
    return -font.descender / font.units * size


def wrap(text: str, width: float, size: float = SIZE, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` points (a word wider
    than that stands on a line of its own; a no-break space never breaks)."""
    lines: list[str] = []
    for word in (w for w in text.split(" ") if w):
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def widest_word(text: str, size: float = SIZE) -> float:
    return max((text_width(w, size) for w in text.split(" ") if w), default=0.0)


@dataclass(frozen=True)
class Box:
    """A rectangle in points, y down."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)

    def moved(self, dx: float = 0.0, dy: float = 0.0) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    @staticmethod
    def around(boxes: Sequence[Box]) -> Box:
        return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes),
                   max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def text_box(x: float, baseline: float, text: str, ha: str = "left", size: float = SIZE,
             bold: bool = False) -> Box:
    """Where one line of text lies: from its font's ascender to its descender."""
    width = text_width(text, size, bold)
    left = x - {"left": 0.0, "center": width / 2, "right": width}[ha]
    return Box(left, baseline - ascent(size), left + width, baseline + descent(size))


#: how far a marker of each kind reaches from its centre, per point of its size (see
#: _marker_path: a circle or square as wide as its size, a diamond with sides that long)
_REACH = {"o": 0.5, "s": 0.5, "^": 0.5, "v": 0.5, "<": 0.5, ">": 0.5, "D": 0.5 * 2 ** 0.5,
          "P": 0.5, "X": 0.5}


def marker_box(x: float, y: float, kind: str, size: float, edge: float) -> Box:
    reach = _REACH.get(kind, 0.75) * size + edge / 2
    return Box(x - reach, y - reach, x + reach, y + reach)


@dataclass
class Canvas:
    """Operations to draw, in points from the top left; sized by what they cover."""

    width: float
    ops: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def text(self, x: float, baseline: float, text: str, *, ha: str = "left",
             size: float = SIZE, colour: str = TEXT_COLOUR, bold: bool = False,
             italic: bool = False, background: str | None = None, gid: str | None = None,
             z: float = 5) -> Box:
        box = text_box(x, baseline, text, ha, size, bold)
        self.ops.append(("text", {"x": x, "y": baseline, "s": text, "ha": ha, "size": size,
                                  "colour": colour, "bold": bold, "italic": italic,
                                  "background": background, "gid": gid, "z": z}))
        self.boxes.append(box)
        return box

    def lines(self, x: float, top: float, lines: Sequence[str], *, ha: str = "left",
              size: float = SIZE, **style: Any) -> Box:
        """Several lines of text, the first line's ascender at ``top``."""
        boxes = [self.text(x, top + ascent(size) + k * LEADING * size, line, ha=ha,
                           size=size, **style) for k, line in enumerate(lines)]
        return Box.around(boxes)

    def line(self, xs: Sequence[float], ys: Sequence[float], *, colour: str,
             width: float = 1.0, style: Any = "-", z: float = 1, gid: str | None = None,
             marker: str | None = None, marker_size: float = 0, face: str | None = None,
             edge: str | None = None, edge_width: float = 0.0) -> None:
        """A polyline (NaN breaks it), optionally with markers at its points."""
        self.ops.append(("line", {"xs": list(xs), "ys": list(ys), "colour": colour,
                                  "width": width, "style": style, "z": z, "gid": gid,
                                  "marker": marker, "marker_size": marker_size,
                                  "face": face, "edge": edge, "edge_width": edge_width}))
        if marker:
            self.boxes += [marker_box(x, y, marker, marker_size, edge_width)
                           for x, y in zip(xs, ys, strict=True) if x == x and y == y]

    def markers(self, xs: Sequence[float], ys: Sequence[float], kind: str, size: float, *,
                face: str, edge: str, edge_width: float, z: float = 4,
                gid: str | None = None) -> list[Box]:
        self.ops.append(("markers", {"xs": list(xs), "ys": list(ys), "kind": kind,
                                     "size": size, "face": face, "edge": edge,
                                     "edge_width": edge_width, "z": z, "gid": gid}))
        boxes = [marker_box(x, y, kind, size, edge_width) for x, y in zip(xs, ys, strict=True)]
        self.boxes += boxes
        return boxes

    def rect(self, x: float, y: float, width: float, height: float, *, face: str,
             edge: str = "none", edge_width: float = 0.0, z: float = 2,
             gid: str | None = None) -> None:
        self.ops.append(("rect", {"x": x, "y": y, "w": width, "h": height, "face": face,
                                  "edge": edge, "edge_width": edge_width, "z": z, "gid": gid}))
        self.boxes.append(Box(x, y, x + width, y + height))

    def circle(self, x: float, y: float, radius: float, *, colour: str, width: float = 1.0,
               z: float = 1) -> None:
        """An unfilled circle (a ring of the spider diagram)."""
        self.ops.append(("circle", {"x": x, "y": y, "r": radius, "colour": colour,
                                    "width": width, "z": z}))

    def polygon(self, xs: Sequence[float], ys: Sequence[float], *, face: str,
                alpha: float = 1.0, z: float = 1) -> None:
        self.ops.append(("polygon", {"xs": list(xs), "ys": list(ys), "face": face,
                                     "alpha": alpha, "z": z}))

    @property
    def bottom(self) -> float:
        return max((b.y1 for b in self.boxes), default=0.0)

    def render(self, chart_id: str, description: str, margin: float = 4.0) -> str:
        """The picture as inline-ready SVG text, ``width`` wide and as tall as its content
        (plus ``margin`` points below), with ``description`` as its accessible name.

        Elements are written in drawing order (``z``, then the order they were added), so
        a later one covers an earlier one: the target's open square over the current
        position's circle, a label's white background over a line.
        """
        prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", chart_id)
        height = self.bottom + margin
        shapes: dict[tuple[str, float], str] = {}
        body: list[str] = []
        ordered = sorted(enumerate(self.ops), key=lambda e: (e[1][1]["z"], e[0]))
        for _, (kind, op) in ordered:
            body += _WRITE[kind](op, prefix, shapes)
        defs = [f'<path id="{ident}" d="{_marker_path(kind, size)}"/>'
                for (kind, size), ident in sorted(shapes.items(), key=lambda kv: kv[1])]
        return "\n".join([
            f'<svg role="img" aria-label="{escape(description, quote=True)}" '
            'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{_n(self.width)}pt" height="{_n(height)}pt" '
            f'viewBox="0 0 {_n(self.width)} {_n(height)}" version="1.1">',
            *([" <defs>", *(f"  {d}" for d in defs), " </defs>"] if defs else []),
            *(f" {line}" for line in body),
            "</svg>", ""])


def _n(value: float) -> str:
    """A coordinate as SVG text: two decimal places at most, no needless zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _css(**style: object) -> str:
    return "; ".join(f"{k.replace('_', '-')}: {v}" for k, v in style.items() if v is not None)


def _dashes(style: Any, width: float) -> str | None:
    """An SVG dash array from a line style: '-' solid, or (offset, (on, off, ...)) in
    units of the line's width, as matplotlib gives them."""
    if style in ("-", "solid", None):
        return None
    pattern = style[1] if isinstance(style, tuple) else {"--": (3.7, 1.6), ":": (1, 1.65),
                                                          "-.": (6.4, 1.6, 1, 1.6)}[style]
    return ",".join(_n(d * width) for d in pattern)


def _group(op: dict[str, Any], prefix: str, lines: list[str]) -> list[str]:
    if not op.get("gid"):
        return lines
    return [f'<g id="{prefix}-{op["gid"]}">', *(f" {line}" for line in lines), "</g>"]


def _use(prefix: str, shapes: dict[tuple[str, float], str], kind: str, size: float,
         x: float, y: float, face: str, edge: str, edge_width: float) -> str:
    ident = shapes.setdefault((kind, size), f"{prefix}-m{len(shapes)}")
    fill = "none" if face == "none" else face
    return (f'<use xlink:href="#{ident}" x="{_n(x)}" y="{_n(y)}" '
            f'style="{_css(fill=fill, stroke=edge, stroke_width=_n(edge_width))}"/>')


def _write_line(op: dict[str, Any], prefix: str, shapes: dict[tuple[str, float], str]
                ) -> list[str]:
    parts, pen = [], "M"
    for x, y in zip(op["xs"], op["ys"], strict=True):
        if math.isnan(x) or math.isnan(y):  # a gap: the line breaks
            pen = "M"
            continue
        parts.append(f"{pen} {_n(x)} {_n(y)}")
        pen = "L"
    lines = []
    if len(parts) >= 2 and op["style"] not in ("none", "None", ""):
        style = _css(fill="none", stroke=op["colour"], stroke_width=_n(op["width"]),
                     stroke_dasharray=_dashes(op["style"], op["width"]), stroke_linecap="butt",
                     stroke_linejoin="round")
        lines.append(f'<path d="{" ".join(parts)}" style="{style}"/>')
    if op["marker"]:
        lines += [_use(prefix, shapes, op["marker"], op["marker_size"], x, y,
                       op["face"] or op["colour"], op["edge"] or op["colour"], op["edge_width"])
                  for x, y in zip(op["xs"], op["ys"], strict=True)
                  if not (math.isnan(x) or math.isnan(y))]
    return _group(op, prefix, lines)


def _write_markers(op: dict[str, Any], prefix: str, shapes: dict[tuple[str, float], str]
                   ) -> list[str]:
    return _group(op, prefix, [_use(prefix, shapes, op["kind"], op["size"], x, y, op["face"],
                                    op["edge"], op["edge_width"])
                               for x, y in zip(op["xs"], op["ys"], strict=True)])


def _write_rect(op: dict[str, Any], prefix: str, shapes: dict[tuple[str, float], str]
                ) -> list[str]:
    style = _css(fill=op["face"], stroke=op["edge"] if op["edge_width"] else "none",
                 stroke_width=_n(op["edge_width"]) if op["edge_width"] else None)
    return _group(op, prefix, [f'<rect x="{_n(op["x"])}" y="{_n(op["y"])}" '
                               f'width="{_n(op["w"])}" height="{_n(op["h"])}" style="{style}"/>'])


def _write_polygon(op: dict[str, Any], prefix: str, shapes: dict[tuple[str, float], str]
                   ) -> list[str]:
    points = [f"{_n(x)} {_n(y)}" for x, y in zip(op["xs"], op["ys"], strict=True)
              if not (math.isnan(x) or math.isnan(y))]
    style = _css(fill=op["face"], fill_opacity=_n(op["alpha"]), stroke="none")
    return [f'<path d="M {" L ".join(points)} Z" style="{style}"/>']


def _write_circle(op: dict[str, Any], prefix: str, shapes: dict[tuple[str, float], str]
                  ) -> list[str]:
    style = _css(fill="none", stroke=op["colour"], stroke_width=_n(op["width"]))
    return [f'<circle cx="{_n(op["x"])}" cy="{_n(op["y"])}" r="{_n(op["r"])}" style="{style}"/>']


_ANCHOR = {"left": "start", "center": "middle", "right": "end"}


def _write_text(op: dict[str, Any], prefix: str, shapes: dict[tuple[str, float], str]
                ) -> list[str]:
    lines = []
    if op["background"]:  # a little ground of its own, over any line behind the text
        box = text_box(op["x"], op["y"], op["s"], op["ha"], op["size"], op["bold"])
        lines.append(f'<rect x="{_n(box.x0 - 1)}" y="{_n(box.y0)}" '
                     f'width="{_n(box.x1 - box.x0 + 2)}" height="{_n(box.y1 - box.y0)}" '
                     f'style="fill: {op["background"]}; stroke: none"/>')
    style = _css(font_size=f"{_n(op['size'])}px", font_family=f"'{FONT}', sans-serif",
                 font_weight="bold" if op["bold"] else None,
                 font_style="italic" if op["italic"] else None,
                 text_anchor=_ANCHOR[op["ha"]], fill=op["colour"])
    lines.append(f'<text x="{_n(op["x"])}" y="{_n(op["y"])}" style="{style}">'
                 f'{escape(op["s"], quote=False)}</text>')
    return _group(op, prefix, lines)


_WRITE = {"text": _write_text, "line": _write_line, "markers": _write_markers,
          "rect": _write_rect, "polygon": _write_polygon, "circle": _write_circle}


def _marker_path(kind: str, size: float) -> str:
    """The outline of a marker of ``size`` points centred on (0, 0): a circle or square of
    that width, a triangle of that height, a diamond of that side, a plus or a cross."""
    h = size / 2
    if kind == "o":  # four cubic arcs: every control point within the circle's square
        k = 0.5523 * h
        return (f"M {_n(h)} 0 C {_n(h)} {_n(k)} {_n(k)} {_n(h)} 0 {_n(h)} "
                f"C {_n(-k)} {_n(h)} {_n(-h)} {_n(k)} {_n(-h)} 0 "
                f"C {_n(-h)} {_n(-k)} {_n(-k)} {_n(-h)} 0 {_n(-h)} "
                f"C {_n(k)} {_n(-h)} {_n(h)} {_n(-k)} {_n(h)} 0 Z")
    d = h * 2 ** 0.5
    t = h / 3
    outline = {
        "s": [(-h, -h), (h, -h), (h, h), (-h, h)],
        "^": [(0, -h), (h, h), (-h, h)],
        "v": [(0, h), (h, -h), (-h, -h)],
        "<": [(-h, 0), (h, -h), (h, h)],
        ">": [(h, 0), (-h, -h), (-h, h)],
        "D": [(0, -d), (d, 0), (0, d), (-d, 0)],
        "P": [(-t, -h), (t, -h), (t, -t), (h, -t), (h, t), (t, t), (t, h), (-t, h), (-t, t),
              (-h, t), (-h, -t), (-t, -t)],
        "X": [(-h, -h + t), (-h + t, -h), (0, -t), (h - t, -h), (h, -h + t), (t, 0),
              (h, h - t), (h - t, h), (0, t), (-h + t, h), (-h, h - t), (-t, 0)],
    }[kind]
    return "M " + " L ".join(f"{_n(x)} {_n(y)}" for x, y in outline) + " Z"
