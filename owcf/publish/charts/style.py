"""What every chart shares: widths, inks worked out to a luminance (so palettes read in
greyscale and text keeps its contrast), legends and the level key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from owcf.publish.canvas import (
    Canvas,
    ascent,
    descent,
    text_width,
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
#: a row withheld: some of its counts are small, or would let small ones be worked out
#: (which, it does not say: that would give them away)
WITHHELD = "withheld to protect small numbers"

#: a chart axis: a value on the scale to its x (or y) in points
Scale = Callable[[float], float]

GAP = 4.0       # between a label and what it labels
MARGIN = 2.0    # inside the canvas edge


def check_lengths(labels: Sequence[str], **series: Sequence[object]) -> None:
    if not labels:
        raise ValueError("a chart needs at least one dimension")
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"{name} has {len(values)} values for {len(labels)} dimensions")


def number(value: float) -> str:
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


def text_on(ink: str) -> str:
    """Black or white, whichever reads better on ``ink`` (WCAG contrast ratio)."""
    return "#ffffff" if contrast(ink, "#ffffff") > contrast(ink, "#000000") else "#000000"


# -- shared parts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
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


def draw_legend(canvas: Canvas, keys: Sequence[Key], top: float, left: float,
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


def draw_level_key(canvas: Canvas, scale: Sequence[tuple[int, str]], top: float,
               width: float) -> float:
    """'Levels: 1 Starting out, 2 Developing, ...' under a chart; returns the bottom."""
    text = "Levels: " + ", ".join(f"{value}\u00a0{name}".replace(" ", "\u00a0")
                                  for value, name in scale)
    box = canvas.lines(MARGIN, top, wrap(text, width - 2 * MARGIN))
    return box.y1
