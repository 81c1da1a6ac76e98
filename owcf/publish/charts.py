"""Charts as SVG text, drawn with matplotlib without pyplot.

Charts are deterministic: no date in the metadata, and every SVG id is prefixed with the
chart's own id (and matplotlib's hashed ids salted with it), so the same figures give the
same bytes and several charts can sit inline in one HTML page without their ids colliding.
Meaning never rests on colour alone: current position is a solid line with round markers,
the target a dashed line with squares. Text stays text (``svg.fonttype: none``) and every
<svg> carries its description as its accessible name. matplotlib is imported inside the
functions so that ``owcf --help`` does not pay for it.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import TYPE_CHECKING, TypeGuard, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes
    from matplotlib.typing import RcKeyType

TARGET_COLOUR = "#333333"  # near-black: well over 3:1 against white
GRID_COLOUR = "#767676"    # the lightest grey with 4.5:1 on white
TEXT_COLOUR = "#333333"

# Line style, marker and colour of each overlay (one per audience, say). Style and marker
# carry the meaning and colour only helps; none repeats the current position's solid line
# and circles or the target's dashes and squares. Colours have at least 3.8:1 on white.
OVERLAY_STYLES: tuple[tuple[object, str, str], ...] = (
    (":", "^", "#0072B2"),
    ("-.", "D", "#D55E00"),
    ((0, (5, 1.5, 1, 1.5, 1, 1.5)), "v", "#007A5A"),
    ((0, (1, 3)), "P", "#A6438A"),
    ((0, (7, 1.5, 1, 1.5, 1, 1.5, 1, 1.5)), "X", "#000000"),
    ((0, (2, 2)), "<", "#5E3C99"),
)
LEGEND_ROW_INCHES = 0.28

# Answer distribution, strongest to mildest on each side. Every ink has at least 3.3:1 on
# white; the strong and mild ends of a side differ by about 3:1, the neutral grey from
# the mild ends by about 2:1, and white edges separate every segment as well.
DISAGREE_INKS = ("#7A2500", "#E06A1B")
AGREE_INKS = ("#0B3470", "#5090D0")
NEUTRAL_INK = "#5C5C5C"
#: non-answers (code, label) written beside the answer bars, unless a chart is told others
NON_ANSWERS = (("DK", "Don't know"), ("NA", "Not applicable"))
WITHHELD = "withheld (small numbers)"

_ID_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)')


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def _check_lengths(labels: Sequence[str], **series: Sequence[object]) -> None:
    if not labels:
        raise ValueError("a chart needs at least one dimension")
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"{name} has {len(values)} values for {len(labels)} dimensions")


def _number(value: float) -> str:
    """A figure as the report writes it: 3, 3.5, 3.25 (never 3.00)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _rc(chart_id: str) -> dict[RcKeyType, object]:
    return {"svg.hashsalt": chart_id, "svg.fonttype": "none", "font.family": "DejaVu Sans",
            "font.size": 9, "text.color": TEXT_COLOUR, "axes.labelcolor": TEXT_COLOUR,
            "axes.edgecolor": GRID_COLOUR, "xtick.color": GRID_COLOUR,
            "ytick.color": GRID_COLOUR, "xtick.labelcolor": TEXT_COLOUR,
            "ytick.labelcolor": TEXT_COLOUR, "grid.color": GRID_COLOUR, "grid.linewidth": 0.6,
            "legend.frameon": False,
            # names come from YAML: "$5 to $10" is text, never matplotlib's mathtext
            "text.parse_math": False}


def _render(chart_id: str, description: str, size: tuple[float, float],
            draw: Callable[[Figure], None]) -> str:
    """Draw on a fresh figure of ``size`` inches and return it as inline-ready SVG text."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(chart_id)):
        fig = Figure(figsize=size)
        draw(fig)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "owcf"})
    return _inline(buffer.getvalue(), description, chart_id)


def _margins(fig: Figure, *, left: float, right: float, top: float, bottom: float) -> None:
    """Place the axes by margins in inches, so text keeps its room whatever the figure size."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=left / width, right=1 - right / width,
                        top=1 - top / height, bottom=bottom / height)


def _row_axes(fig: Figure, labels: Sequence[str]) -> Axes:
    """Axes with one labelled row per entry, the first at the top as in the table beside."""
    ax = fig.add_subplot()
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_yticks(range(len(labels)), [_wrap(label, 26) for label in labels])
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return ax


def radar_svg(chart_id: str, labels: Sequence[str], current: Sequence[float | None],
              target: Sequence[float | None], scale: Sequence[tuple[int, str]],
              colour: str, description: str,
              overlays: Sequence[tuple[str, Sequence[float | None]]] = ()) -> str:
    """One spider diagram of current position against target, as an inline-ready <svg>.

    ``scale`` is the framework's (value, label) levels; the radial axis runs from the
    lowest to the highest value. ``description`` becomes the SVG's accessible name.
    ``overlays`` adds (label, values) series, for example one per audience, each with its
    own line style and marker and named in the legend. None values are left out: the
    line breaks there rather than dropping to the centre.
    """
    if len(overlays) > len(OVERLAY_STYLES):
        raise ValueError(f"at most {len(OVERLAY_STYLES)} overlays, got {len(overlays)}")
    _check_lengths(labels, current=current, target=target,
                   **{f"overlay {name!r}": values for name, values in overlays})
    columns = 3 if overlays else 2
    extra = LEGEND_ROW_INCHES * (math.ceil((2 + len(overlays)) / columns) - 1)
    draw = partial(_draw_radar, labels=labels, current=current, target=target, scale=scale,
                   colour=colour, overlays=overlays, columns=columns, extra=extra)
    return _render(chart_id, description, (6.4, 6.0 + extra), draw)


def _draw_radar(fig: Figure, *, labels: Sequence[str], current: Sequence[float | None],
                target: Sequence[float | None], scale: Sequence[tuple[int, str]],
                colour: str, overlays: Sequence[tuple[str, Sequence[float | None]]],
                columns: int, extra: float) -> None:
    import numpy as np

    values = [v for v, _ in scale]
    count = len(labels)
    angles = np.linspace(0, 2 * math.pi, count, endpoint=False).tolist()
    # the stubs type add_subplot as plain Axes for every projection but "3d"
    ax = cast("PolarAxes", fig.add_subplot(projection="polar"))
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(values[0], values[-1])
    ax.set_yticks(values)
    ax.set_yticklabels([str(v) for v in values], fontsize=8)
    ax.set_rlabel_position(180 / count)  # between the first two axes, clear of the lines
    ax.set_xticks(angles)
    ax.set_xticklabels([_wrap(label, 18) for label in labels])
    ax.tick_params(axis="x", pad=14)

    def loop(series: Sequence[float | None]) -> tuple[list[float], list[float]]:
        closed = _nan(series)  # NaN breaks the line, so a missing value is never drawn as 0
        return [*angles, angles[0]], [*closed, closed[0]]

    # Current position first in the legend but drawn on top of everything else.
    ax.plot(*loop(current), color=colour, linestyle="-", linewidth=2.2,
            marker="o", markersize=7, label="Current position", zorder=3)
    ax.plot(*loop(target), color=TARGET_COLOUR, linestyle="--", linewidth=1.6,
            marker="s", markersize=6, label="Target")
    for (name, series), (style, marker, ink) in zip(overlays, OVERLAY_STYLES, strict=False):
        ax.plot(*loop(series), color=ink, linestyle=style, linewidth=1.4, marker=marker,
                markersize=5.5, label=_wrap(name, 28))
    if None not in current:  # a shaded area with a gap in it would invent a value
        ax.fill(*loop(current), color=colour, alpha=0.12)
    # the legend sits in the figure's own bottom strip, below the lowest axis label (which
    # may wrap onto two lines), so the two can never overlap
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=columns, frameon=False)
    _margins(fig, left=1.024, right=1.024, top=0.672, bottom=1.2 + extra)


def dot_chart_svg(chart_id: str, labels: Sequence[str], current: Sequence[float | None],
                  low: Sequence[float | None], high: Sequence[float | None],
                  target: Sequence[float | None], scale: Sequence[tuple[int, str]],
                  colour: str, description: str) -> str:
    """A dot chart of current position against target, one row per dimension, as <svg>.

    The companion to the spider diagram, whose shape depends on the order of its axes.
    Current position is a filled circle in ``colour`` on a line from ``low`` to ``high``
    (its band), the target an open square; both carry their figure as a label. The x axis
    runs from the lowest to the highest level of ``scale``, labelled with the levels. A
    row with no current position still shows its target.
    """
    _check_lengths(labels, current=current, low=low, high=high, target=target)
    draw = partial(_draw_dots, labels=labels, current=current, low=low, high=high,
                   target=target, scale=scale, colour=colour)
    return _render(chart_id, description, (6.4, 1.25 + 0.5 * len(labels)), draw)


def _draw_dots(fig: Figure, *, labels: Sequence[str], current: Sequence[float | None],
               low: Sequence[float | None], high: Sequence[float | None],
               target: Sequence[float | None], scale: Sequence[tuple[int, str]],
               colour: str) -> None:
    from matplotlib.lines import Line2D

    values = [v for v, _ in scale]
    rows = list(range(len(labels)))
    ax = _row_axes(fig, labels)
    ax.set_xlim(values[0], values[-1])
    ax.set_xticks(values, [f"{v}\n{_wrap(name, 12)}" for v, name in scale], fontsize=8)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    banded = [(y, a, b) for y, a, b in zip(rows, low, high, strict=True)
              if a is not None and b is not None]
    if banded:
        ys, lows, highs = zip(*banded, strict=True)
        ax.hlines(ys, lows, highs, color=colour, linewidth=2.2, clip_on=False)
    # Markers on the scale's end values would be clipped in half at the axes' edge.
    ax.plot(_nan(current), rows, linestyle="none", marker="o", markersize=8, color=colour,
            clip_on=False, zorder=4)
    # The target's white face hides the grid line behind it; drawn under the current
    # position so a circle at the same value still shows on top of its square.
    ax.plot(_nan(target), rows, linestyle="none", marker="s", markersize=7,
            markerfacecolor="white", markeredgecolor=TARGET_COLOUR, markeredgewidth=1.6,
            clip_on=False, zorder=3)
    for y, now, goal in zip(rows, current, target, strict=True):
        _dot_labels(ax, y, now, goal, values[0])
    current_key = Line2D([], [], color=colour, linewidth=2.2, marker="o", markersize=8,
                         label="Current position, with its band")
    target_key = Line2D([], [], linestyle="none", marker="s", markersize=7,
                        markerfacecolor="white", markeredgecolor=TARGET_COLOUR,
                        markeredgewidth=1.6, label="Target")
    fig.legend(handles=[current_key, target_key], loc="upper center", ncol=2)
    _margins(fig, left=2.0, right=0.55, top=0.5, bottom=0.75)


def _dot_labels(ax: Axes, y: int, current: float | None, target: float | None,
                minimum: float) -> None:
    """Figures beside the markers: current position above its circle, target below."""
    if current is None:
        ax.annotate("no current position", (minimum, y), xytext=(4, 5),
                    textcoords="offset points", ha="left", va="bottom", fontsize=8,
                    fontstyle="italic")
    else:
        ax.annotate(f"{current:.2f}", (current, y), xytext=(0, 6), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    if target is not None:
        ax.annotate(_number(target), (target, y), xytext=(0, -6), textcoords="offset points",
                    ha="center", va="top", fontsize=8)


@dataclass(frozen=True)
class _Bar:
    """One row of the diverging bars, worked out before anything is drawn."""

    label: str
    shares: tuple[float, ...] | None  # % of answers on the scale, in scale order
    note: str = ""     # beside the bar: don't know and not applicable
    instead: str = ""  # across the bar's place when there is no bar to draw


def diverging_bars_svg(chart_id: str, rows: Sequence[tuple[str, Mapping[str, int | None]]],
                       categories: Sequence[str], scale_values: Sequence[int],
                       description: str,
                       non_answers: Sequence[tuple[str, str]] = NON_ANSWERS) -> str:
    """Diverging stacked bars of the answer distribution, one bar per row, as <svg>.

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
    if not rows:
        raise ValueError("a chart needs at least one row")
    codes = [code for code, _ in non_answers]
    bars = [_bar(label, counts, scale_values, codes) for label, counts in rows]
    legend_rows = math.ceil(len(categories) / 5)
    top = 0.15 + 0.4 * legend_rows
    size = (7.2, top + 0.85 + 0.45 * len(bars))
    aside = " and ".join(f"{label[:1].lower()}{label[1:]} ({code})" for code, label in non_answers)
    draw = partial(_draw_bars, bars=bars, categories=categories, top=top, aside=aside)
    return _render(chart_id, description, size, draw)


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
        note = ", ".join(f"{code} {_percent(100 * n / answered)}" for code, n in zip(
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


def _answer_inks(count: int) -> list[str]:
    """One ink per answer in scale order: disagreement, a neutral grey, agreement."""
    side = count // 2
    disagree = _ramp(*DISAGREE_INKS, side)
    agree = _ramp(*AGREE_INKS, side)[::-1]
    return [*disagree, *([NEUTRAL_INK] if count % 2 else []), *agree]


def _ramp(strong: str, mild: str, steps: int) -> list[str]:
    """``steps`` inks from strong to mild, mixed channel by channel.

    Each channel of the strong ink is at most the mild one's, so every mix lies between
    the two in luminance and keeps at least the mild ink's contrast with white.
    """
    if steps == 1:
        return [mild]
    a, b = (tuple(int(ink[i:i + 2], 16) for i in (1, 3, 5)) for ink in (strong, mild))
    mixes = [[round(x + (y - x) * k / (steps - 1)) for x, y in zip(a, b, strict=True)]
             for k in range(steps)]
    return ["#{:02x}{:02x}{:02x}".format(*mix) for mix in mixes]


def _luminance(ink: str) -> float:
    channels = [int(ink[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_on(ink: str) -> str:
    """Black or white, whichever reads better on ``ink`` (WCAG contrast ratio)."""
    level = _luminance(ink) + 0.05
    white, black = 1.05 / level, level / 0.05
    return "#ffffff" if white > black else "#000000"


def _draw_bars(fig: Figure, *, bars: Sequence[_Bar], categories: Sequence[str],
               top: float, aside: str) -> None:
    from matplotlib.patches import Patch

    inks = _answer_inks(len(categories))
    ax = _row_axes(fig, [bar.label for bar in bars])
    ax.set_xlim(-100, 100)
    ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
    ax.axvline(0, color=TARGET_COLOUR, linewidth=0.8, zorder=1)
    ax.set_xlabel("← disagree   % of answers on the scale   agree →\n"
                  f"Beside each bar: {aside}, % of all answers",
                  fontsize=8)
    _margins(fig, left=2.0, right=1.3, top=top, bottom=0.85)
    inches_per_percent = (fig.get_figwidth() - 3.3) / 200
    for y, bar in enumerate(bars):
        _draw_bar(ax, y, bar, inks, inches_per_percent)
    keys = [Patch(facecolor=ink, edgecolor="white", label=_wrap(name, 18))
            for ink, name in zip(inks, categories, strict=True)]
    fig.legend(handles=keys, loc="upper center", ncol=min(len(keys), 5), fontsize=8)


def _draw_bar(ax: Axes, y: int, bar: _Bar, inks: Sequence[str],
              inches_per_percent: float) -> None:
    beside = ax.get_yaxis_transform()  # x in axes fractions, y in rows
    ax.text(1.02, y, bar.note, transform=beside, ha="left", va="center", fontsize=8)
    if bar.shares is None:
        ax.text(0, y, bar.instead, ha="center", va="center", fontsize=8, fontstyle="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        return
    segments = [(index, left, width) for index, left, width in _segments(bar.shares) if width]
    # One collection per bar: a bar() call per segment costs most of the chart's time.
    ax.broken_barh([(left, width) for _, left, width in segments], (y - 0.31, 0.62),
                   facecolors=[inks[index] for index, _, _ in segments], edgecolor="white",
                   linewidth=1.2, zorder=2)
    for index, left, width in segments:
        label = _percent(width)
        # Label only segments wide enough to hold their figure (DejaVu at 8pt, rough).
        if width * inches_per_percent >= len(label) * 0.62 * 8 / 72 + 0.06:
            ax.text(left + width / 2, y, label, ha="center", va="center", fontsize=8,
                    color=_text_on(inks[index]), zorder=3)


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
