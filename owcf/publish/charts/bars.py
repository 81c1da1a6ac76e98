"""Diverging bars of the answers by group, disagreement left of the centre and agreement
right of it, non-answers and withheld figures written beside them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from owcf.publish.canvas import (
    GRID_COLOUR,
    LEADING,
    SIZE,
    Canvas,
    ascent,
    descent,
    text_box,
    text_width,
    widest_word,
    wrap,
)
from owcf.publish.charts.style import (
    BARS_WIDTH,
    GAP,
    MARGIN,
    NON_ANSWERS,
    TARGET_COLOUR,
    WITHHELD,
    Key,
    Scale,
    answer_inks,
    draw_legend,
    text_on,
)


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
    applicable count only withholds the note beside the bar (:data:`WITHHELD` says why).
    """
    if len(categories) != len(scale_values) or len(scale_values) < 2:
        raise ValueError("categories and scale_values must name the same two or more answers")
    panels = [(title, rows) for title, rows in panels if rows]
    if not panels:
        raise ValueError("a chart needs at least one row")
    codes = [code for code, _ in non_answers]
    bars = [(title, [_bar(label, counts, scale_values, codes)
                     for label, counts in rows])
            for title, rows in panels]
    inks = answer_inks(len(categories))
    canvas = Canvas(width)
    keys = [Key(name, ink, swatch=True) for name, ink in zip(categories, inks, strict=True)]
    top = draw_legend(canvas, keys, MARGIN, MARGIN, width - MARGIN, "legend-swatch") + 8
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
                        colour=text_on(inks[index]), z=3)


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
