"""A drawing surface in points for the charts: text measured as matplotlib will set it,
every label and marker placed by hand, and the picture written as SVG by matplotlib.

Charts lay themselves out here, so nothing is left to chance in print: the page is
measured in points from the top left (y down, as in SVG), every text box and marker box
is known before anything is drawn, and :meth:`Canvas.render` sizes the figure to what
was placed. At render time the operations are replayed onto one matplotlib axes that
spans the figure with the same coordinates, so an SVG ``<text>`` at ``translate(x y)``
is at the point the layout chose. Text stays text (``svg.fonttype: none``) in DejaVu
Sans, the font matplotlib measures with; ids are prefixed with the chart's id and the
XML prologue is dropped, so several charts sit inline in one HTML page. matplotlib is
imported only when a chart is drawn, so ``owcf --help`` does not pay for it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.ft2font import FT2Font
    from matplotlib.typing import RcKeyType

FONT = "DejaVu Sans"
#: the smallest text a chart prints: 9 pt at its natural size, which is its print size
SIZE = 9.0
#: baseline to baseline, as matplotlib spaces the lines of a label
LEADING = 1.2
TEXT_COLOUR = "#333333"
GRID_COLOUR = "#767676"  # the lightest grey with 4.5:1 on white

_ID_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)')


@cache
def _font() -> FT2Font:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(font_manager.FontProperties(family=FONT)))
    font.set_size(100, 72)  # as matplotlib's TextToPath measures: at 100 pt, then scaled
    return font


# A font reads its file as it goes: a child process (the chart workers are forked) must
# open its own, or parent and child move one file offset under each other.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_font.cache_clear)


def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """Width in points of one line of ``text``, as matplotlib will lay it out."""
    if bold:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        prop = FontProperties(family=FONT, size=size, weight="bold")
        return float(TextToPath().get_text_width_height_descent(text, prop, ismath=False)[0])
    from matplotlib.ft2font import LoadFlags

    font = _font()
    font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
    return font.get_width_height()[0] / 64 * size / 100


def ascent(size: float = SIZE) -> float:
    """Height of the font above the baseline (its ascender), in points."""
    font = _font()
    return font.ascender / font.units_per_EM * size


def descent(size: float = SIZE) -> float:
    font = _font()
    return -font.descender / font.units_per_EM * size


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


#: how far a marker of each kind reaches from its centre, per point of markersize
#: (matplotlib's marker paths: a circle or square of side 1, a triangle of height 1...)
_REACH = {"o": 0.5, "s": 0.5, "^": 0.5, "v": 0.5, "<": 0.5, ">": 0.5, "D": 0.5 * 2 ** 0.5,
          "d": 0.5 * 2 ** 0.5, "P": 0.5, "X": 0.5, "h": 0.5, "p": 0.5}


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

    def polygon(self, xs: Sequence[float], ys: Sequence[float], *, face: str,
                alpha: float = 1.0, z: float = 1) -> None:
        self.ops.append(("polygon", {"xs": list(xs), "ys": list(ys), "face": face,
                                     "alpha": alpha, "z": z}))

    @property
    def bottom(self) -> float:
        return max((b.y1 for b in self.boxes), default=0.0)

    def render(self, chart_id: str, description: str, margin: float = 4.0) -> str:
        """The picture as inline-ready SVG text, ``width`` wide and as tall as its content
        (plus ``margin`` points below), with ``description`` as its accessible name."""
        import matplotlib
        from matplotlib.figure import Figure

        height = self.bottom + margin
        with matplotlib.rc_context(_rc(chart_id)):
            fig = Figure(figsize=(self.width / 72, height / 72), dpi=72)
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_axis_off()
            ax.set_xlim(0, self.width)
            ax.set_ylim(height, 0)
            for kind, op in self.ops:
                _DRAW[kind](ax, op)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "owcf"})
        return _inline(buffer.getvalue(), description, chart_id)


def _rc(chart_id: str) -> dict[RcKeyType, object]:
    return {"svg.hashsalt": chart_id, "svg.fonttype": "none", "font.family": FONT,
            "font.size": SIZE, "text.color": TEXT_COLOUR, "lines.solid_capstyle": "butt",
            "lines.dash_capstyle": "butt"}


def _draw_text(ax: Axes, op: dict[str, Any]) -> None:
    bbox = None
    if op["background"]:
        bbox = {"facecolor": op["background"], "edgecolor": "none", "pad": 1.0}
    ax.text(op["x"], op["y"], op["s"], ha=op["ha"], va="baseline", fontsize=op["size"],
            color=op["colour"], fontweight="bold" if op["bold"] else "normal",
            fontstyle="italic" if op["italic"] else "normal", bbox=bbox, zorder=op["z"],
            gid=op["gid"], clip_on=False)


def _draw_line(ax: Axes, op: dict[str, Any]) -> None:
    ax.plot(op["xs"], op["ys"], color=op["colour"], linewidth=op["width"],
            linestyle=op["style"], zorder=op["z"], gid=op["gid"], clip_on=False,
            marker=op["marker"] or "", markersize=op["marker_size"],
            markerfacecolor=op["face"] or op["colour"],
            markeredgecolor=op["edge"] or op["colour"], markeredgewidth=op["edge_width"])


def _draw_markers(ax: Axes, op: dict[str, Any]) -> None:
    ax.plot(op["xs"], op["ys"], linestyle="none", marker=op["kind"], markersize=op["size"],
            markerfacecolor=op["face"], markeredgecolor=op["edge"],
            markeredgewidth=op["edge_width"], zorder=op["z"], gid=op["gid"], clip_on=False)


def _draw_rect(ax: Axes, op: dict[str, Any]) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((op["x"], op["y"]), op["w"], op["h"], facecolor=op["face"],
                           edgecolor=op["edge"], linewidth=op["edge_width"], zorder=op["z"],
                           gid=op["gid"], clip_on=False))


def _draw_polygon(ax: Axes, op: dict[str, Any]) -> None:
    ax.fill(op["xs"], op["ys"], color=op["face"], alpha=op["alpha"], zorder=op["z"],
            linewidth=0, clip_on=False)


_DRAW = {"text": _draw_text, "line": _draw_line, "markers": _draw_markers,
         "rect": _draw_rect, "polygon": _draw_polygon}


def _inline(svg: str, description: str, chart_id: str) -> str:
    """Strip the XML prologue, make every id unique to the chart, give an accessible name.

    matplotlib salts only its hashed ids; group ids such as ``figure_1`` repeat in every
    chart and would collide when several charts are inlined in one HTML page.
    """
    prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", chart_id) + "-"
    body = svg[svg.index("<svg"):]
    # Rewrite inside tags only: label text may itself contain 'id="'.
    body = re.sub(r"<[^>]*>", lambda tag: _ID_REFERENCE.sub(
        lambda ref: ref.group(1) + prefix, tag.group(0)), body)
    body = re.sub(r"<svg\b", f'<svg role="img" aria-label="{escape(description, quote=True)}"',
                  body, count=1)
    return body.strip() + "\n"
