"""Charts as SVG text, laid out by hand on a :class:`~owcf.publish.canvas.Canvas`.

Every chart is drawn at the size it prints (its width in points fits the A4 column it
sits in) with text no smaller than 9 pt, and places every label itself: no label covers
another label or a marker, every level of the scale is labelled (the spider diagram's
centre too), a target equal to the current position still shows (an open square drawn
over the filled circle), and meaning never rests on colour alone: current position is a
solid line with round markers, the target a dashed line with open squares, each overlay
its own dash pattern and marker, and each palette steps in luminance, so neighbouring
categories differ in greyscale too. Charts are deterministic: the same figures give the
same bytes.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TypeGuard

from owcf.publish.canvas import (
    GRID_COLOUR,
    LEADING,
    SIZE,
    Box,
    Canvas,
    ascent,
    descent,
    text_box,
    text_width,
    widest_word,
    wrap,
)

TARGET_COLOUR = "#333333"  # near-black: well over 3:1 against white
RING_COLOUR = "#949494"    # rings and spokes: quiet, 3:1 on white
#: chart widths in points: the spider diagram and dot chart of a colour sit side by side
#: in the report's A4 column (180 mm = 510 pt), the answers and overview take more of it
RADAR_WIDTH = 280.0
DOT_WIDTH = 225.0
BARS_WIDTH = 505.0
#: the answers of a few audiences, printed beside their table
NARROW_BARS_WIDTH = 285.0
OVERVIEW_WIDTH = 250.0

#: luminance (WCAG relative luminance) of the darkest and lightest ink a palette uses:
#: the lightest keeps 3:1 against white
DARKEST, LIGHTEST = 0.012, 0.295

# Line style, marker and hue of each overlay (one per audience, say). Dash pattern and
# marker carry the meaning; none repeats the current position's solid line and circles or
# the target's dashes and squares. Their inks step down in luminance (see _ramp).
OVERLAY_STYLES: tuple[tuple[object, str, str], ...] = (
    ((0, (1, 1.5)), "^", "#0072B2"),
    ((0, (6, 1.5, 1.5, 1.5)), "D", "#D55E00"),
    ((0, (3, 1.5)), "v", "#009E73"),
    ((0, (6, 1.5, 1.5, 1.5, 1.5, 1.5)), "P", "#CC79A7"),
    ((0, (8, 2)), "X", "#56B4E9"),
    ((0, (1, 3)), "<", "#E69F00"),
)
# Answer inks, strongest disagreement to strongest agreement, by hue; their luminance is
# set by position (darkest for strong disagreement, lightest for strong agreement).
DISAGREE_HUE = "#D55E00"
NEUTRAL_HUE = "#808080"
AGREE_HUE = "#0072B2"
#: non-answers (code, label) written beside the answer bars, unless a chart is told others
NON_ANSWERS = (("DK", "Don't know"), ("NA", "Not applicable"))
WITHHELD = "withheld (small numbers)"

GAP = 4.0       # between a label and what it labels
MARGIN = 2.0    # inside the canvas edge


def _check_lengths(labels: Sequence[str], **series: Sequence[object]) -> None:
    if not labels:
        raise ValueError("a chart needs at least one dimension")
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"{name} has {len(values)} values for {len(labels)} dimensions")


def _number(value: float) -> str:
    """A figure as the report writes it, two decimal places."""
    return f"{value:.2f}"


# -- colour -----------------------------------------------------------------------------

def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(linear: float) -> float:
    value = 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055
    return min(1.0, max(0.0, value))


def luminance(ink: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    r, g, b = (_linear(int(ink[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def with_luminance(hue: str, target: float) -> str:
    """``hue`` darkened or lightened (in linear light, channels in proportion, then towards
    white if a channel saturates) to relative luminance ``target``."""
    rgb = [_linear(int(hue[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    weights = (0.2126, 0.7152, 0.0722)
    lo, hi = 0.0, 1.0 / max(max(rgb), 1e-6)
    mix = 0.0
    for _ in range(60):  # bisection on a monotone mixing path
        mid = (lo + hi) / 2
        if sum(w * min(1.0, c * mid) for w, c in zip(weights, rgb, strict=True)) < target:
            lo = mid
        else:
            hi = mid
    scaled = [min(1.0, c * lo) for c in rgb]
    if sum(w * c for w, c in zip(weights, scaled, strict=True)) < target - 1e-6:
        lo_mix, hi_mix = 0.0, 1.0  # saturated: mix towards white
        for _ in range(60):
            mix = (lo_mix + hi_mix) / 2
            lum = sum(w * (c + (1 - c) * mix) for w, c in zip(weights, scaled, strict=True))
            lo_mix, hi_mix = (mix, hi_mix) if lum < target else (lo_mix, mix)
        scaled = [c + (1 - c) * mix for c in scaled]
    return "#{:02x}{:02x}{:02x}".format(*(round(_gamma(c) * 255) for c in scaled))


def _steps(count: int) -> list[float]:
    """``count`` luminances from darkest to lightest, equal steps of contrast ratio."""
    if count == 1:
        return [LIGHTEST]
    ratio = ((LIGHTEST + 0.05) / (DARKEST + 0.05)) ** (1 / (count - 1))
    return [(DARKEST + 0.05) * ratio ** k - 0.05 for k in range(count)]


def answer_inks(count: int) -> list[str]:
    """One ink per answer in scale order: disagreement in orange, a neutral grey, agreement
    in blue; darkest for the strongest disagreement, lightest for the strongest agreement,
    so every answer differs from its neighbours in greyscale as well as in hue."""
    side = count // 2
    hues = [DISAGREE_HUE] * side + [NEUTRAL_HUE] * (count % 2) + [AGREE_HUE] * side
    return [with_luminance(hue, lum) for hue, lum in zip(hues, _steps(count), strict=True)]


def overlay_inks(count: int) -> list[str]:
    """Inks of ``count`` overlays: their own hues, stepping down in luminance from the
    lightest ink a chart uses, so neighbours differ in greyscale."""
    hues = [ink for _, _, ink in OVERLAY_STYLES[:count]]
    return [with_luminance(hue, lum) for hue, lum in zip(hues, _steps(count)[::-1],
                                                         strict=True)]


def readable(ink: str) -> str:
    """``ink`` darkened, if need be, to 3:1 against white (a framework may give a pale
    colour, such as yellow, for a chart part)."""
    return ink if luminance(ink) <= LIGHTEST else with_luminance(ink, LIGHTEST - 0.005)


def _text_on(ink: str) -> str:
    """Black or white, whichever reads better on ``ink`` (WCAG contrast ratio)."""
    return "#ffffff" if contrast(ink, "#ffffff") > contrast(ink, "#000000") else "#000000"


# -- shared parts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Key:
    """One entry of a legend: a line sample with a marker, or a swatch."""

    label: str
    colour: str
    style: object = "-"
    marker: str | None = None
    marker_size: float = 0.0
    face: str | None = None
    edge_width: float = 0.0
    line_width: float = 1.6
    swatch: bool = False


def _legend(canvas: Canvas, keys: Sequence[_Key], top: float, left: float,
            right: float, gid: str) -> float:
    """Lay ``keys`` out in rows between ``left`` and ``right``; return the bottom."""
    x, row_top = left, top
    height = ascent() + descent()
    for k, key in enumerate(keys):
        sample = 10.0 if key.swatch else 24.0
        width = sample + GAP + text_width(key.label)
        if x > left and x + width > right:
            x, row_top = left, row_top + height + 4
        middle = row_top + height / 2
        if key.swatch:
            canvas.rect(x, middle - 5, 10, 10, face=key.colour, edge="white",
                        edge_width=0.5, gid=f"{gid}-{k}")
        else:
            canvas.line([x, x + sample], [middle, middle], colour=key.colour,
                        width=key.line_width, style=key.style, z=3, gid=f"{gid}-{k}")
            if key.marker:
                canvas.markers([x + sample / 2], [middle], key.marker, key.marker_size,
                               face=key.face or key.colour, edge=key.colour,
                               edge_width=key.edge_width, z=4)
        canvas.text(x + sample + GAP, middle + (ascent() - descent()) / 2, key.label)
        x += width + 12
    return row_top + height


def _level_key(canvas: Canvas, scale: Sequence[tuple[int, str]], top: float,
               width: float) -> float:
    """'Levels: 1 Starting out, 2 Developing, ...' under a chart; returns the bottom."""
    text = "Levels: " + ", ".join(f"{value}\u00a0{name}".replace(" ", "\u00a0")
                                  for value, name in scale)
    box = canvas.lines(MARGIN, top, wrap(text, width - 2 * MARGIN))
    return box.y1


# -- spider diagram ---------------------------------------------------------------------------

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
    _check_lengths(labels, current=current, target=target,
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
    keys = [_Key("Current position", ink, "-", "o", 7.0, ink, 0.8, 2.2),
            _Key("Target", TARGET_COLOUR, (0, (4, 2)), "s", 10.0, "none", 1.4, 1.4)]
    inks = overlay_inks(len(overlays))
    for k, ((name, series), (style, marker, _)) in enumerate(zip(overlays, OVERLAY_STYLES,
                                                                 strict=False)):
        xs, ys = loop(series)
        canvas.line(xs, ys, colour=inks[k], width=1.3, style=style, z=2,
                    gid=f"overlay-{k}", marker=marker, marker_size=6.0, face=inks[k],
                    edge="white", edge_width=0.6)
        keys.append(_Key(name, inks[k], style, marker, 6.0, inks[k], 0.6, 1.3))
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
    bottom = _legend(canvas, keys, canvas.bottom + 8, MARGIN, width - MARGIN, "legend")
    if level_key:
        _level_key(canvas, scale, bottom + 4, width)
    return canvas.render(chart_id, description)


# -- dot chart -----------------------------------------------------------------------------------

ROW_MIN = 34.0  # a row: the current figure above its circle, the target's below its square


def dot_chart_svg(chart_id: str, labels: Sequence[str], current: Sequence[float | None],
                  low: Sequence[float | None], high: Sequence[float | None],
                  target: Sequence[float | None], scale: Sequence[tuple[int, str]],
                  colour: str | Sequence[str], description: str,
                  width: float = DOT_WIDTH, figures: bool = True, level_key: bool = True) -> str:
    """A dot chart of current position against target, one row per dimension, as <svg>.

    The companion to the spider diagram, whose shape depends on the order of its axes.
    Current position is a filled circle in ``colour`` (one ink, or one per row) on a line
    from ``low`` to ``high`` (its band), the target an open square drawn over it; each
    carries its figure, the current position's above and the target's below. The x axis
    runs from the lowest to the highest level of ``scale``, each level numbered and named
    (under the axis where the names fit, else in a key). A row with no current position
    still shows its target. Without ``figures`` the markers carry no figures (for a chart
    with its table beside it), and the rows are closer together. Without ``level_key`` the
    names that do not fit under the axis are left to the text around the chart.
    """
    _check_lengths(labels, current=current, low=low, high=high, target=target)
    inks = [readable(colour)] * len(labels) if isinstance(colour, str) else [
        readable(c) for c in colour]
    _check_lengths(labels, colours=inks)
    values = [v for v, _ in scale]
    canvas = Canvas(width)
    # one ink for every row: the legend shows it; an ink per row (each colour's): grey
    key_ink = inks[0] if len(set(inks)) == 1 else TARGET_COLOUR
    keys = [_Key("Current position (band)", key_ink, "-", "o", 8.0, key_ink, 0.8, 2.2),
            _Key("Target", TARGET_COLOUR, "none", "s", 10.0, "none", 1.4, 0.0)]
    top = _legend(canvas, keys, MARGIN, MARGIN, width - MARGIN, "legend") + 8
    label_room = min(0.4 * width, max(widest_word(t) for t in labels) + 60)
    wrapped = [wrap(text, label_room) for text in labels]
    label_width = max(text_width(line) for lines in wrapped for line in lines)
    x0 = MARGIN + label_width + 14
    x1 = width - MARGIN - 14

    def x_of(v: float) -> float:
        return x0 + (x1 - x0) * (v - values[0]) / (values[-1] - values[0])

    least = ROW_MIN if figures else 18.0
    heights = [max(least, len(lines) * LEADING * SIZE + 6) for lines in wrapped]
    middles, y = [], top
    for h in heights:
        middles.append(y + h / 2)
        y += h
    bottom_of_rows = y
    for v in values:  # grid: one vertical line per level
        canvas.line([x_of(v), x_of(v)], [top, bottom_of_rows], colour=RING_COLOUR, width=0.6,
                    z=0.5)
    canvas.line([x0, x1], [bottom_of_rows, bottom_of_rows], colour=GRID_COLOUR, width=0.8)
    for i, (lines, middle) in enumerate(zip(wrapped, middles, strict=True)):
        height = (len(lines) - 1) * LEADING * SIZE + ascent() + descent()
        canvas.lines(MARGIN + label_width, middle - height / 2, lines, ha="right")
        _dot_row(canvas, middle, current[i], low[i], high[i], target[i], inks[i], x_of, x0, x1,
                 figures)
    _dot_axis(canvas, scale, x_of, bottom_of_rows, width, level_key)
    return canvas.render(chart_id, description)


Scale = Callable[[float], float]


def _dot_row(canvas: Canvas, y: float, now: float | None, lo: float | None,
             hi: float | None, goal: float | None, ink: str, x_of: Scale, x0: float,
             x1: float, figures: bool = True) -> None:
    above = y - 5.0 - 1.0 - descent()         # baseline: clear of a 10 pt square's edge
    below = y + 5.0 + 1.5 + ascent()
    if lo is not None and hi is not None:
        canvas.line([x_of(lo), x_of(hi)], [y, y], colour=ink, width=2.2, z=2)
    if now is not None:
        canvas.markers([x_of(now)], [y], "o", 8.0, face=ink, edge="white", edge_width=0.8, z=3)
        if figures:
            canvas.text(x_of(now), above, _number(now), ha="center")
    if goal is not None:
        canvas.markers([x_of(goal)], [y], "s", 10.0, face="none", edge=TARGET_COLOUR,
                       edge_width=1.4, z=4)
        if figures:
            canvas.text(x_of(goal), below, _number(goal), ha="center")
    if now is None:  # said in words where its figure would be, clear of the target
        canvas.text(x0, above if figures else y + (ascent() - descent()) / 2,
                    "no current position", ha="left", italic=True)


def _dot_axis(canvas: Canvas, scale: Sequence[tuple[int, str]], x_of: Scale,
              axis_y: float, width: float, level_key: bool = True) -> None:
    """Each level's number under its tick, and its name under that where the names fit
    between the ticks; otherwise the names go in a key."""
    values = [v for v, _ in scale]
    spacing = x_of(values[1]) - x_of(values[0])
    baseline = axis_y + 4 + ascent()
    for v in values:
        canvas.line([x_of(v), x_of(v)], [axis_y, axis_y + 3], colour=GRID_COLOUR, width=0.8)
        canvas.text(x_of(v), baseline, str(v), ha="center")
    named = [wrap(name, spacing - GAP) for _, name in scale]
    fits = all(widest_word(name) <= spacing - GAP for _, name in scale) and all(
        len(lines) <= 2 for lines in named)
    if fits:
        for (v, _), lines in zip(scale, named, strict=True):
            # centred under the tick, but kept inside the canvas at either end
            half = max(text_width(line) for line in lines) / 2
            x = min(max(x_of(v), MARGIN + half), width - MARGIN - half)
            canvas.lines(x, baseline + descent() + 1, lines, ha="center")
    elif level_key:
        _level_key(canvas, scale, baseline + descent() + 4, width)


# -- progress between rounds ------------------------------------------------------------------

BASELINE_COLOUR = "#595959"  # the earlier round's open circle: grey, 7:1 on white
DUMBBELL_WIDTH = 235.0
#: a dumbbell row: a label line and the markers, with room between rows
DUMBBELL_ROW = 16.0


def dumbbell_svg(chart_id: str, labels: Sequence[str], baseline: Sequence[float | None],
                 current: Sequence[float | None], target: Sequence[float | None],
                 scale: Sequence[tuple[int, str]], colour: str | Sequence[str],
                 rounds: tuple[str, str], description: str, width: float = DUMBBELL_WIDTH,
                 legend: bool = True) -> str:
    """A dumbbell chart of change between two rounds, one row per dimension, as <svg>.

    The earlier round (``rounds[0]``) is an open grey circle, the current one a filled
    circle in ``colour`` (one ink, or one per row), joined by a line in that colour; the
    target an open square.
    Meaning rests on marker shape and fill, not colour. The x axis runs over the levels
    of ``scale``, numbered. A row missing either round (a change withheld) says "not
    compared" in words and draws no marker. The legend
    (optional, so a column of these charts can carry one) names the markers.
    """
    _check_lengths(labels, baseline=baseline, current=current, target=target)
    inks = [readable(colour)] * len(labels) if isinstance(colour, str) else [
        readable(c) for c in colour]
    _check_lengths(labels, colours=inks)
    key_ink = inks[0] if len(set(inks)) == 1 else TARGET_COLOUR
    values = [v for v, _ in scale]
    canvas = Canvas(width)
    top = MARGIN
    if legend:
        keys = [_Key(rounds[0], BASELINE_COLOUR, "none", "o", 7.0, "white", 1.2, 0.0),
                _Key(rounds[1], key_ink, "-", "o", 7.0, key_ink, 0.8, 2.0),
                _Key("Target", TARGET_COLOUR, "none", "s", 8.0, "none", 1.2, 0.0)]
        top = _legend(canvas, keys, MARGIN, MARGIN, width - MARGIN, f"{chart_id}-legend") + 6
    label_room = 0.45 * width
    wrapped = [wrap(text, label_room) for text in labels]
    label_width = max(text_width(line) for lines in wrapped for line in lines)
    x0 = MARGIN + label_width + 10
    x1 = width - MARGIN - 8

    def x_of(v: float) -> float:
        return x0 + (x1 - x0) * (v - values[0]) / (values[-1] - values[0])

    heights = [max(DUMBBELL_ROW, len(lines) * LEADING * SIZE + 4) for lines in wrapped]
    y = top
    for v in values:
        canvas.line([x_of(v), x_of(v)], [top, top + sum(heights)], colour=RING_COLOUR,
                    width=0.6, z=0.5)
    for lines, h, before, now, goal, ink in zip(wrapped, heights, baseline, current, target,
                                                inks, strict=True):
        middle = y + h / 2
        height = (len(lines) - 1) * LEADING * SIZE + ascent() + descent()
        canvas.lines(MARGIN + label_width, middle - height / 2, lines, ha="right")
        if before is None or now is None:  # said in words, with no marker to cover
            canvas.text(x0, middle + (ascent() - descent()) / 2, "not compared", italic=True)
        else:
            canvas.line([x_of(before), x_of(now)], [middle, middle], colour=ink, width=2.0,
                        z=2)
            canvas.markers([x_of(before)], [middle], "o", 7.0, face="white",
                           edge=BASELINE_COLOUR, edge_width=1.2, z=3)
            canvas.markers([x_of(now)], [middle], "o", 7.0, face=ink, edge="white",
                           edge_width=0.8, z=3)
            if goal is not None:
                canvas.markers([x_of(goal)], [middle], "s", 8.0, face="none",
                               edge=TARGET_COLOUR, edge_width=1.2, z=4)
        y += h
    canvas.line([x0, x1], [y, y], colour=GRID_COLOUR, width=0.8)
    baseline_y = y + 3 + ascent()
    for v in values:
        canvas.line([x_of(v), x_of(v)], [y, y + 2.5], colour=GRID_COLOUR, width=0.8)
        canvas.text(x_of(v), baseline_y, str(v), ha="center")
    return canvas.render(chart_id, description)


# -- diverging bars -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Bar:
    """One row of the diverging bars, worked out before anything is drawn."""

    label: str
    shares: tuple[float, ...] | None  # % of answers on the scale, in scale order
    note: str = ""     # beside the bar: don't know and not applicable
    instead: str = ""  # across the bar's place when there is no bar to draw


Rows = Sequence[tuple[str, Mapping[str, int | None]]]


def diverging_bars_svg(chart_id: str, panels: Sequence[tuple[str, Rows]],
                       categories: Sequence[str], scale_values: Sequence[int],
                       description: str,
                       non_answers: Sequence[tuple[str, str]] = NON_ANSWERS,
                       width: float = BARS_WIDTH) -> str:
    """Diverging stacked bars of the answer distribution in titled panels, as <svg>.

    ``panels`` are (title, rows): by audience, by workforce group, each with its heading.
    ``rows`` are (label, counts) with counts keyed like ``Estimate.counts``: ``str(value)``
    for each of ``scale_values`` (the answer scale, lowest first) and the code of each of
    ``non_answers`` ((code, label) pairs: the questionnaire's, say).
    ``categories`` are the answers' labels in the same order. Disagreeing answers stack
    left of zero and agreeing ones right, a neutral midpoint split evenly across zero, as
    percentages of the answers on the scale; don't know and not applicable are written
    beside the bar as percentages of all answers. A row with any count on the scale withheld
    gets no bar (drawing the rest would misstate the shares); a withheld don't know or not
    applicable count only withholds the note beside the bar.
    """
    if len(categories) != len(scale_values) or len(scale_values) < 2:
        raise ValueError("categories and scale_values must name the same two or more answers")
    panels = [(title, rows) for title, rows in panels if rows]
    if not panels:
        raise ValueError("a chart needs at least one row")
    codes = [code for code, _ in non_answers]
    bars = [(title, [_bar(label, counts, scale_values, codes) for label, counts in rows])
            for title, rows in panels]
    inks = answer_inks(len(categories))
    canvas = Canvas(width)
    keys = [_Key(name, ink, swatch=True) for name, ink in zip(categories, inks, strict=True)]
    top = _legend(canvas, keys, MARGIN, MARGIN, width - MARGIN, "legend-swatch") + 8
    every = [bar for _, rows in bars for bar in rows]
    label_width = min(0.3 * width, max(text_width(bar.label) for bar in every))
    label_width = max(label_width, max(widest_word(bar.label) for bar in every))
    room = max(55.0, 0.18 * width)  # the figures beside the bars
    notes = {bar.note: wrap(bar.note, room) for bar in every if bar.note}
    note_width = max([text_width(line) for n in notes.values() for line in n] or [0.0])
    bx0 = MARGIN + label_width + 8
    bx1 = width - MARGIN - note_width - 8
    reach = max([_reach(bar.shares) for bar in every if bar.shares] or [50.0])
    limit = min(100.0, max(50.0, 25 * math.ceil(reach / 25)))

    def x_of(share: float) -> float:
        return bx0 + (bx1 - bx0) * (share + limit) / (2 * limit)

    y = top
    first_row = top
    for title, rows in bars:
        if title and len(bars) > 1:
            canvas.text(MARGIN, y + ascent(), title, bold=True)
            y += LEADING * SIZE + 4
        for bar in rows:
            lines = wrap(bar.label, label_width)
            aside = notes.get(bar.note, [])
            height = max(18.0, max(len(lines), len(aside)) * LEADING * SIZE + 3)
            middle = y + height / 2
            block = (len(lines) - 1) * LEADING * SIZE + ascent() + descent()
            canvas.lines(MARGIN + label_width, middle - block / 2, lines, ha="right")
            _draw_bar(canvas, bar, middle, inks, x_of, bx1, aside)
            y += height
        y += 6
    axis_y = y
    canvas.line([x_of(0), x_of(0)], [first_row, axis_y], colour=TARGET_COLOUR, width=0.8, z=1)
    canvas.line([bx0, bx1], [axis_y, axis_y], colour=GRID_COLOUR, width=0.8)
    # ticks every 25 points, or 50 or 100 where the figures would not fit between them
    step = next((s for s in (25, 50, 100) if (bx1 - bx0) * s / (2 * limit)
                 >= text_width("100") + GAP), 100)
    ticks = [t for t in range(-100, 101, step) if abs(t) <= limit]
    baseline = axis_y + 4 + ascent()
    for t in ticks:
        canvas.line([x_of(t), x_of(t)], [axis_y, axis_y + 3], colour=GRID_COLOUR, width=0.8)
        canvas.text(x_of(t), baseline, str(abs(t)), ha="center")
    caption = wrap("← disagree · % of answers on the scale · agree →", width - 2 * MARGIN)
    centre = min(max(x_of(0), MARGIN + max(text_width(c) for c in caption) / 2),
                 width - MARGIN - max(text_width(c) for c in caption) / 2)
    below = canvas.lines(centre, baseline + descent() + 3, caption, ha="center")
    aside_text = "; ".join(f"{code}: {label[:1].lower()}{label[1:]}" for code, label in non_answers)
    canvas.lines(MARGIN, below.y1 + 1, wrap(f"Beside each bar, as % of all answers: {aside_text}.",
                                            width - 2 * MARGIN))
    return canvas.render(chart_id, description)


def _reach(shares: Sequence[float]) -> float:
    return max(abs(edge) for _, left, w in _segments(shares) for edge in (left, left + w))


def _draw_bar(canvas: Canvas, bar: _Bar, y: float, inks: Sequence[str], x_of: Scale,
              bx1: float, note: Sequence[str]) -> None:
    centre = y + (ascent() - descent()) / 2
    if note:
        canvas.lines(bx1 + 8, y - ((len(note) - 1) * LEADING * SIZE + ascent() + descent()) / 2,
                     note)
    if bar.shares is None:
        canvas.text(x_of(0), centre, bar.instead, ha="center", italic=True,
                    background="white", z=3)
        return
    for index, left, width in _segments(bar.shares):
        if not width:
            continue
        x_left, x_right = x_of(left), x_of(left + width)
        canvas.rect(x_left, y - 7, x_right - x_left, 14, face=inks[index], edge="white",
                    edge_width=1.0, z=2)
        label = _percent(width)
        if text_box(0, 0, label).x1 + 4 <= x_right - x_left:
            canvas.text((x_left + x_right) / 2, centre, label, ha="center",
                        colour=_text_on(inks[index]), z=3)


def _all_counted(counts: list[int | None]) -> TypeGuard[list[int]]:
    """True if no count is withheld (None)."""
    return None not in counts


def _bar(label: str, counts: Mapping[str, int | None], scale_values: Sequence[int],
         codes: Sequence[str]) -> _Bar:
    on_scale = [counts.get(str(v), 0) for v in scale_values]
    aside = [counts.get(code, 0) for code in codes]
    if not _all_counted(on_scale):
        return _Bar(label, None, instead=WITHHELD)
    scored = sum(on_scale)
    if not _all_counted(aside):
        # the bar needs only the scale's counts; the shares of all answers need every count
        note = f"{', '.join(codes)} withheld"
    else:
        answered = scored + sum(aside)
        if not answered:
            return _Bar(label, None, instead="no answers")
        # a code and its share never part at the end of a line
        note = ", ".join(f"{code}\u00a0{_percent(100 * n / answered)}" for code, n in zip(
            codes, aside, strict=True))
    if not scored:
        return _Bar(label, None, note, "no answers on the scale")
    return _Bar(label, tuple(100 * n / scored for n in on_scale), note)


def _percent(share: float) -> str:
    # A small share must not read as none, nor a large one as all.
    if 0 < share < 0.5:
        return "<1%"
    if 99.5 <= share < 100:
        return ">99%"
    return f"{share:.0f}%"


def _segments(shares: Sequence[float]) -> list[tuple[int, float, float]]:
    """(answer index, left edge, width) of each segment, working outwards from zero."""
    half = len(shares) // 2
    left = right = 0.0
    out = []
    if len(shares) % 2:
        middle = shares[half]
        left, right = -middle / 2, middle / 2
        out.append((half, left, middle))
    for i in range(half - 1, -1, -1):  # mildest disagreement first
        left -= shares[i]
        out.append((i, left, shares[i]))
    for i in range(len(shares) - half, len(shares)):  # mildest agreement first
        out.append((i, right, shares[i]))
        right += shares[i]
    return out


def answer_shares(counts: Mapping[str, int | None], scale_values: Sequence[int],
                  codes: Sequence[str]) -> tuple[tuple[str, ...] | None, str, str]:
    """The figures a diverging bar shows, as its table equivalent prints them: each
    answer's share of the answers on the scale (None with no bar, and then why), and the
    note on the non-answers."""
    bar = _bar("", counts, scale_values, codes)
    if bar.shares is None:
        return None, bar.instead, bar.note
    return tuple(_percent(s) for s in bar.shares), "", bar.note


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
