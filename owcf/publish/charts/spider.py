"""The spider diagram (radar): current position against target for a colour's
dimensions, with each overlay's view, every level labelled, labels clear of spokes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from owcf.publish.canvas import (
    LEADING,
    SIZE,
    Box,
    Canvas,
    ascent,
    descent,
    text_width,
    widest_word,
    wrap,
)
from owcf.publish.charts.style import (
    MARGIN,
    OVERLAY_STYLES,
    RADAR_WIDTH,
    RING_COLOUR,
    TARGET_COLOUR,
    Key,
    check_lengths,
    draw_legend,
    draw_level_key,
    overlay_inks,
    readable,
)

#: from the outer ring to a dimension's label: clear of a target square on the ring
SPOKE_PAD = 13.0
#: from a ring's level number to the spokes beside it: clear of a marker on a spoke
RING_CLEARANCE = 11.0
#: between neighbouring rings: their numbers, one above the other, must not touch
RING_STEP = 12.0
MAX_LINES = 4


@dataclass
class _SpokeLabel:
    lines: list[str]
    ha: str
    box: Box
    fits: bool


def _spoke_label(text: str, theta: float, distance: float, half: float) -> _SpokeLabel:
    """A dimension's label outside its spoke (centre at 0, 0), aligned away from the
    circle: left of the anchor on the left, right on the right, centred at top and
    bottom; wrapped to the room left before the canvas edge (``half`` from the centre)."""
    s, c = math.sin(theta), math.cos(theta)
    x, y = distance * s, -distance * c
    if s > 0.15:
        ha, room = "left", half - MARGIN - x
    elif s < -0.15:
        ha, room = "right", half - MARGIN + x
    else:
        ha, room = "center", min(2 * (half - MARGIN), 160.0)
    lines = wrap(text, max(room, 1.0))
    width = max(text_width(line) for line in lines)
    height = (len(lines) - 1) * LEADING * SIZE + ascent() + descent()
    top = y - height if c > 0.15 else (y if c < -0.15 else y - height / 2)
    left = {"left": x, "right": x - width, "center": x - width / 2}[ha]
    fits = widest_word(text) <= room and len(lines) <= MAX_LINES
    return _SpokeLabel(lines, ha, Box(left, top, left + width, top + height), fits)


def _separate(labels: list[_SpokeLabel]) -> None:
    """Push apart labels whose boxes overlap: the one farther from the horizontal through
    the centre moves away from it (up above, down below), so it stays clear of the circle."""
    for _ in range(200):
        moved = False
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                a, b = labels[i], labels[j]
                if not a.box.overlaps(b.box, gap=1.0):
                    continue
                outer = a if abs(a.box.y0 + a.box.y1) > abs(b.box.y0 + b.box.y1) else b
                inner = b if outer is a else a
                if (outer.box.y0 + outer.box.y1) < 0:  # above: up, past the other's top
                    shift = inner.box.y0 - 1.5 - outer.box.y1
                else:
                    shift = inner.box.y1 + 1.5 - outer.box.y0
                outer.box = outer.box.moved(dy=shift)
                moved = True
        if not moved:
            return


def _ring_floor(count: int) -> float:
    """The smallest radius of the lowest ring: its number, between the first two spokes,
    must clear a marker on either spoke."""
    clearance = math.sin(math.pi / count) if count > 1 else 1.0
    return RING_CLEARANCE / max(clearance, 1e-6)


def _radar_geometry(labels: Sequence[str], width: float, levels: int
                    ) -> tuple[float, list[_SpokeLabel]]:
    """The outer radius and the labels' places: the largest radius (from about 100 pt down)
    at which every label fits beside its spoke in four lines or fewer, but never so small
    that the rings' numbers would touch each other or the markers."""
    count = len(labels)
    thetas = [2 * math.pi * i / count for i in range(count)]
    half = width / 2
    floor = max(40.0, max(0.2 * 100, _ring_floor(count)) + (levels - 1) * RING_STEP)
    radius = max(floor, min(100.0, half - 45))
    while True:
        placed = [_spoke_label(text, t, radius + SPOKE_PAD, half)
                  for text, t in zip(labels, thetas, strict=True)]
        if all(p.fits for p in placed) or radius <= floor:
            break
        radius -= 2
    _separate(placed)
    return radius, placed


def radar_svg(chart_id: str, labels: Sequence[str], current: Sequence[float | None],
              target: Sequence[float | None], scale: Sequence[tuple[int, str]],
              colour: str, description: str,
              overlays: Sequence[tuple[str, Sequence[float | None]]] = (),
              width: float = RADAR_WIDTH, level_key: bool = True) -> str:
    """One spider diagram of current position against target, as an inline-ready <svg>.

    ``scale`` is the framework's (value, label) levels; each ring is one level, numbered
    between the first two spokes, with the lowest level a ring round an empty centre (so
    it can be labelled too) and the names in a key below (left out with ``level_key``
    false, for a diagram printed beside a chart that has the key). ``description`` becomes the
    SVG's accessible name. ``overlays`` adds (label, values) series, for example one per
    audience, each with its own dash pattern, marker and ink and named in the legend.
    None values are left out: the line breaks there rather than dropping to the centre.
    """
    if len(overlays) > len(OVERLAY_STYLES):
        raise ValueError(f"at most {len(OVERLAY_STYLES)} overlays, got {len(overlays)}")
    check_lengths(labels, current=current, target=target,
                   **{f"overlay {name!r}": values for name, values in overlays})
    values = [v for v, _ in scale]
    low, high = values[0], values[-1]
    count = len(labels)
    radius, placed = _radar_geometry(labels, width, len(values))
    between = math.pi / count if count > 1 else math.pi  # where the level numbers go
    # the lowest ring: a fifth of the radius at least, and far enough out for its number
    hole = max(0.2, _ring_floor(count) / radius)
    if len(values) > 1:  # but leave each ring its step
        hole = min(hole, 1 - (len(values) - 1) * RING_STEP / radius)

    def r_of(v: float) -> float:
        v = min(high, max(low, v))
        return radius * (hole + (1 - hole) * (v - low) / (high - low))

    top = min(p.box.y0 for p in placed) - MARGIN
    cx, cy = width / 2, -top  # shift: the highest label's top at MARGIN
    # a word too long for its room (rare): widen the canvas rather than cut the label
    over_left = max(0.0, MARGIN - (cx + min(p.box.x0 for p in placed)))
    over_right = max(0.0, cx + max(p.box.x1 for p in placed) - (width - MARGIN))
    width, cx = width + over_left + over_right, cx + over_left
    canvas = Canvas(width)

    def point(i: int, v: float | None) -> tuple[float, float]:
        if v is None:
            return math.nan, math.nan
        theta = 2 * math.pi * i / count
        return cx + r_of(v) * math.sin(theta), cy - r_of(v) * math.cos(theta)

    # rings and spokes
    for v in values:
        canvas.circle(cx, cy, r_of(v), colour=RING_COLOUR, width=0.6, z=0.5)
    for i in range(count):
        (x0, y0), (x1, y1) = point(i, low), point(i, high)
        canvas.line([x0, x1], [y0, y1], colour=RING_COLOUR, width=0.6, z=0.5)
    # the data: current filled and drawn first, target open and on top, so a target equal
    # to the current position shows as a square round its circle
    ink = readable(colour)

    def loop(series: Sequence[float | None]) -> tuple[list[float], list[float]]:
        pts = [point(i, v) for i, v in enumerate(series)]
        pts.append(pts[0])
        return [p[0] for p in pts], [p[1] for p in pts]

    if None not in current:  # a shaded area with a gap in it would invent a value
        xs, ys = loop(current)
        canvas.polygon(xs, ys, face=ink, alpha=0.12, z=1)
    keys = [Key("Current position", ink, "-", "o", 7.0, ink, 0.8, 2.2),
            Key("Target", TARGET_COLOUR, (0, (4, 2)), "s", 10.0, "none", 1.4, 1.4)]
    inks = overlay_inks(len(overlays))
    for k, ((name, series), (style, marker, _)) in enumerate(zip(overlays, OVERLAY_STYLES,
                                                                 strict=False)):
        xs, ys = loop(series)
        canvas.line(xs, ys, colour=inks[k], width=1.3, style=style, z=2,
                    gid=f"overlay-{k}", marker=marker, marker_size=6.0, face=inks[k],
                    edge="white", edge_width=0.6)
        keys.append(Key(name, inks[k], style, marker, 6.0, inks[k], 0.6, 1.3))
    xs, ys = loop(current)
    canvas.line(xs, ys, colour=ink, width=2.2, z=3, gid="current", marker="o",
                marker_size=7.0, face=ink, edge="white", edge_width=0.8)
    xs, ys = loop(target)
    canvas.line(xs, ys, colour=TARGET_COLOUR, width=1.4, style=(0, (4, 2)), z=4, gid="target",
                marker="s", marker_size=10.0, face="none", edge=TARGET_COLOUR, edge_width=1.4)
    # every level numbered on its ring, between the first two spokes, on white
    for v in values:
        r = r_of(v)
        x, y = cx + r * math.sin(between), cy - r * math.cos(between)
        canvas.text(x, y + (ascent() - descent()) / 2, str(v), ha="center",
                    background="white", z=6)
    for label in placed:
        anchor = {"left": label.box.x0, "right": label.box.x1,
                  "center": (label.box.x0 + label.box.x1) / 2}[label.ha]
        canvas.lines(cx + anchor, cy + label.box.y0, label.lines, ha=label.ha)
    bottom = draw_legend(canvas, keys, canvas.bottom + 8, MARGIN, width - MARGIN, "legend")
    if level_key:
        draw_level_key(canvas, scale, bottom + 4, width)
    return canvas.render(chart_id, description)
