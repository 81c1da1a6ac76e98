"""Spider (radar) diagrams as SVG text, drawn with matplotlib without pyplot.

Charts are deterministic: no date in the metadata and SVG ids salted with the chart's
own id, so the same figures give the same bytes and several charts can sit inline in one
HTML page without their ids colliding. Meaning never rests on colour alone: current
position is a solid line with round markers, the target a dashed line with squares.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from html import escape

TARGET_COLOUR = "#333333"  # near-black: well over 3:1 against white
GRID_COLOUR = "#767676"    # the lightest grey with 4.5:1 on white


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def radar_svg(chart_id: str, labels: Sequence[str], current: Sequence[float | None],
              target: Sequence[float | None], scale: Sequence[tuple[int, str]],
              colour: str, description: str) -> str:
    """One spider diagram of current position against target, as an inline-ready <svg>.

    ``scale`` is the framework's (value, label) levels; the radial axis runs from the
    lowest to the highest value. ``description`` becomes the SVG's accessible name.
    """
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    values = [v for v, _ in scale]
    lo, hi = values[0], values[-1]
    count = len(labels)
    angles = np.linspace(0, 2 * math.pi, count, endpoint=False).tolist()
    loop = [*angles, angles[0]]
    rc = {"svg.hashsalt": chart_id, "svg.fonttype": "none", "font.family": "DejaVu Sans",
          "font.size": 9, "axes.edgecolor": GRID_COLOUR, "grid.color": GRID_COLOUR,
          "grid.linewidth": 0.6}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(6.4, 5.6))
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(lo, hi)
        ax.set_yticks(values)
        ax.set_yticklabels([str(v) for v in values], color="#333333", fontsize=8)
        ax.set_rlabel_position(180 / count)  # between the first two axes, clear of the lines
        ax.set_xticks(angles)
        ax.set_xticklabels(["\n".join(textwrap.wrap(label, 18)) for label in labels])
        ax.tick_params(axis="x", pad=14)
        now = _nan(current)
        goal = _nan(target)
        ax.plot(loop, [*goal, goal[0]], color=TARGET_COLOUR, linestyle="--", linewidth=1.6,
                marker="s", markersize=6, label="Target")
        ax.plot(loop, [*now, now[0]], color=colour, linestyle="-", linewidth=2.2,
                marker="o", markersize=7, label="Current position")
        filled = [v if not math.isnan(v) else lo for v in now]
        ax.fill(loop, [*filled, filled[0]], color=colour, alpha=0.12)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
        fig.subplots_adjust(left=0.16, right=0.84, top=0.88, bottom=0.14)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "owcf"})
    return _inline(buffer.getvalue(), description)


def _inline(svg: str, description: str) -> str:
    """Strip the XML prologue and give the <svg> an accessible name."""
    start = svg.index("<svg")
    body = svg[start:]
    body = re.sub(r"<svg\b", f'<svg role="img" aria-label="{escape(description, quote=True)}"',
                  body, count=1)
    return body.strip() + "\n"
