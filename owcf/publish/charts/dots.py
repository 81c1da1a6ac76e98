"""Dot charts on the framework's scale: current position, band and target per dimension,
and the dumbbell of progress between two rounds."""

from __future__ import annotations

from collections.abc import Sequence

from owcf.publish.canvas import (
    GRID_COLOUR,
    LEADING,
    SIZE,
    Canvas,
    ascent,
    descent,
    text_width,
    widest_word,
    wrap,
)
from owcf.publish.charts.style import (
    DOT_WIDTH,
    GAP,
    MARGIN,
    RING_COLOUR,
    TARGET_COLOUR,
    Key,
    Scale,
    check_lengths,
    draw_legend,
    draw_level_key,
    number,
    readable,
)

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
    check_lengths(labels, current=current, low=low, high=high, target=target)
    inks = [readable(colour)] * len(labels) if isinstance(colour, str) else [
        readable(c) for c in colour]
    check_lengths(labels, colours=inks)
    values = [v for v, _ in scale]
    canvas = Canvas(width)
    # one ink for every row: the legend shows it; an ink per row (each colour's): grey
    key_ink = inks[0] if len(set(inks)) == 1 else TARGET_COLOUR
    keys = [Key("Current position (band)", key_ink, "-", "o", 8.0, key_ink, 0.8, 2.2),
            Key("Target", TARGET_COLOUR, "none", "s", 10.0, "none", 1.4, 0.0)]
    top = draw_legend(canvas, keys, MARGIN, MARGIN, width - MARGIN, "legend") + 8
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
            canvas.text(x_of(now), above, number(now), ha="center")
    if goal is not None:
        canvas.markers([x_of(goal)], [y], "s", 10.0, face="none", edge=TARGET_COLOUR,
                       edge_width=1.4, z=4)
        if figures:
            canvas.text(x_of(goal), below, number(goal), ha="center")
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
        draw_level_key(canvas, scale, baseline + descent() + 4, width)


# -- progress between rounds: a dumbbell per colour -------------------------------------

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
    check_lengths(labels, baseline=baseline, current=current, target=target)
    inks = [readable(colour)] * len(labels) if isinstance(colour, str) else [
        readable(c) for c in colour]
    check_lengths(labels, colours=inks)
    key_ink = inks[0] if len(set(inks)) == 1 else TARGET_COLOUR
    values = [v for v, _ in scale]
    canvas = Canvas(width)
    top = MARGIN
    if legend:
        keys = [Key(rounds[0], BASELINE_COLOUR, "none", "o", 7.0, "white", 1.2, 0.0),
                Key(rounds[1], key_ink, "-", "o", 7.0, key_ink, 0.8, 2.0),
                Key("Target", TARGET_COLOUR, "none", "s", 8.0, "none", 1.2, 0.0)]
        top = draw_legend(canvas, keys, MARGIN, MARGIN, width - MARGIN,
                          f"{chart_id}-legend") + 6
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
