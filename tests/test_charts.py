"""Charts: accessible, deterministic SVG whose ids never collide when inlined together."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest

from owcf.publish.charts import _answer_inks, _segments, diverging_bars_svg, dot_chart_svg, radar_svg

FIVE = [(1, "Starting out"), (2, "Developing"), (3, "Established"), (4, "Good"),
        (5, "World-class")]
FOUR = [(1, "Low"), (2, "Fair"), (3, "High"), (4, "Top")]
DIMENSIONS = ["Shared vision", "Values and behaviours that cross professional boundaries",
              "Joint planning"]


def ids(svg: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', svg))


def texts(svg: str) -> list[str]:
    """The content of every <text>: one per line of a wrapped label."""
    return [unescape(text) for text in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


def words(svg: str) -> str:
    return " ".join(texts(svg))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def radar(chart_id: str = "owcf-red", **extra: object) -> str:
    return radar_svg(chart_id, DIMENSIONS, [2.65, None, 4.0], [3, 4, 4.5], FIVE, "#C62828",
                     "Spider diagram for Red", **extra)


AUDIENCES = [("Workforce", [2.5, None, 3.5]), ("Leaders and managers", [3.0, 3.2, 3.9])]


def radar_with_audiences(chart_id: str) -> str:
    return radar(chart_id, overlays=AUDIENCES)


def dots(chart_id: str = "owcf-red-dots", scale: list[tuple[int, str]] = FIVE) -> str:
    return dot_chart_svg(chart_id, DIMENSIONS, [2.65, None, 3.5], [2.4, None, 3.3],
                         [2.9, None, 3.7], [3, 3.5, 4], scale, "#C62828",
                         "Current position against target for Red")


AGREEMENT = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
ANSWERS = [
    ("Everyone", {"1": 30, "2": 80, "3": 60, "4": 120, "5": 40, "DK": 15, "NA": 5, "blank": 9}),
    ("Workforce", {"1": 0, "2": 40, "3": 30, "4": 190, "5": 30, "DK": 1, "NA": 0, "blank": None}),
    ("Children, young people, families and carers",
     {"1": None, "2": 12, "3": 9, "4": None, "5": 3, "DK": 6, "NA": 0}),
]


def bars(chart_id: str = "owcf-answers") -> str:
    return diverging_bars_svg(chart_id, ANSWERS, AGREEMENT, [1, 2, 3, 4, 5],
                              "Answers by audience")


def four_point_bars(*rows: tuple[str, dict[str, int | None]]) -> list[str]:
    svg = diverging_bars_svg("c", rows, ["No", "Rather not", "Rather yes", "Yes"],
                             [1, 2, 3, 4], "Answers")
    return texts(svg)


CHARTS: dict[str, Callable[[str], str]] = {"radar": radar, "radar with audiences": radar_with_audiences,
                                           "dots": dots, "diverging bars": bars}


@pytest.fixture(params=sorted(CHARTS))
def chart(request: pytest.FixtureRequest) -> Callable[[str], str]:
    return CHARTS[request.param]


def test_an_svg_with_an_accessible_name(chart: Callable[[str], str]) -> None:
    svg = chart("owcf-a")
    assert svg.startswith("<svg ")
    opening = svg[:svg.index(">")]
    assert 'role="img"' in opening
    assert re.search(r'aria-label="[^"]+"', opening)
    assert "<?xml" not in svg and "<title" not in svg  # no baked-in title over the heading


def test_same_inputs_same_bytes(chart: Callable[[str], str]) -> None:
    assert chart("owcf-a") == chart("owcf-a")


def test_ids_unique_per_chart_and_references_resolve(chart: Callable[[str], str]) -> None:
    first, second = chart("owcf-a"), chart("owcf-b")
    assert ids(first) and not ids(first) & ids(second)
    for svg in (first, second):
        refs = set(re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
        assert refs <= ids(svg)


def test_chart_parts_have_3_to_1_contrast_on_white(chart: Callable[[str], str]) -> None:
    colours = set(re.findall(r"(?:fill|stroke): (#[0-9a-fA-F]{6})", chart("owcf-a")))
    # White is the background and the separating edges; anything else must stand out.
    weak = {c for c in colours - {"#ffffff"} if 1.05 / (luminance(c) + 0.05) < 3}
    assert not weak


def test_radar_names_dimensions_and_levels() -> None:
    labels = texts(radar())
    assert {"Shared vision", "Joint planning", "Current position", "Target"} <= set(labels)


def test_radar_overlays_are_named_in_the_legend() -> None:
    assert {"Workforce", "Leaders and managers"} <= set(texts(radar_with_audiences("owcf-red")))


def test_radar_shades_no_area_when_a_dimension_has_no_current_position() -> None:
    # The shaded area would have to dive to the centre for the missing dimension.
    full = radar_svg("c", DIMENSIONS, [2.0, 3.0, 4.0], [3, 3, 3], FIVE, "#C62828", "d")
    gappy = radar_svg("c", DIMENSIONS, [2.0, None, 4.0], [3, 3, 3], FIVE, "#C62828", "d")
    assert "opacity: 0.12" in full and "opacity: 0.12" not in gappy


def test_radar_on_a_four_level_scale() -> None:
    svg = radar_svg("c", DIMENSIONS, [1.5, 2.25, None], [3, 4, 4], FOUR, "#1565C0", "d",
                    overlays=[("Staff", [None, None, None])])
    assert "Staff" in texts(svg)


@pytest.mark.parametrize("overlays", [[("Staff", [1.0, 2.0])], [(f"A{i}", [1, 2, 3]) for i in range(7)]])
def test_radar_refuses_overlays_it_cannot_draw_faithfully(overlays: list) -> None:
    with pytest.raises(ValueError):
        radar("c", overlays=overlays)


def test_dot_chart_labels_every_dimension_level_and_figure() -> None:
    svg = dots()
    for dimension in DIMENSIONS:
        assert dimension in words(svg)
    labels = texts(svg)
    assert {"Starting out", "World-class", "Current position, with its band", "Target"} <= set(labels)
    assert {"2.65", "3.50"} <= set(labels)   # current positions, always two decimals
    assert {"3", "3.5", "4"} <= set(labels)  # targets as the trust wrote them


def test_dot_chart_row_without_a_current_position_keeps_its_target() -> None:
    labels = texts(dots())
    row = labels.index("no current position")
    assert labels[row + 1] == "3.5"


def test_dot_chart_on_a_four_level_scale() -> None:
    labels = texts(dots(scale=FOUR))
    assert {"Low", "Top", "2.65"} <= set(labels)


def test_diverging_bars_shares_of_answers_on_the_scale() -> None:
    labels = four_point_bars(("Staff", {"1": 0, "2": 1, "3": 0, "4": 1}),
                             ("Leaders", {"1": 1, "2": 1, "3": 1, "4": 1, "DK": 2, "NA": 2}))
    staff, leaders = labels.index("Staff"), labels.index("Leaders")
    assert labels.count("50%") == 2           # Staff: one disagrees, one agrees, of two
    assert labels.count("25%") == 4           # Leaders: one each of four on the scale
    assert "DK 0%, NA 0%" in labels           # Staff said neither
    assert "DK 25%, NA 25%" in labels         # Leaders: two each of all eight answers
    assert staff < leaders                    # rows in the order given


def test_diverging_bars_name_the_questionnaires_own_non_answers() -> None:
    svg = diverging_bars_svg("c", [("Staff", {"1": 1, "2": 1, "3": 1, "4": 1, "X": 4})],
                             ["No", "Rather not", "Rather yes", "Yes"], [1, 2, 3, 4], "Answers",
                             non_answers=[("X", "Cannot say")])
    assert "X 50%" in texts(svg)  # four of all eight answers
    assert "Beside each bar: cannot say (X), % of all answers" in words(svg)
    assert "DK" not in words(svg)


def test_diverging_bars_never_draw_a_row_with_withheld_counts() -> None:
    # From the published counts alone this row would read 50% / 50%.
    labels = four_point_bars(("Young people", {"1": None, "2": 5, "3": 5, "4": 0, "DK": 0}),
                             ("Staff", {"1": 5, "2": 5, "3": 5, "4": 5, "NA": None}))
    assert labels.count("withheld (small numbers)") == 1
    # Staff's bar needs only the scale's counts; the shares of all answers need NA too
    assert labels.count("25%") == 4 and "DK, NA withheld" in labels
    assert not [label for label in labels if label.startswith(("DK ", "NA ")) and "%" in label]


def test_diverging_bars_withheld_blanks_do_not_matter() -> None:
    # Blanks are neither on the scale nor beside it, so a withheld blank count hides nothing.
    labels = texts(bars())
    assert "DK <1%, NA 0%" in labels  # Workforce: 1 of 291 answers
    assert labels.count("withheld (small numbers)") == 1


def test_diverging_bars_legend_in_scale_order() -> None:
    labels = texts(bars())
    legend = [label for label in labels if label in AGREEMENT]
    assert legend == AGREEMENT


def test_diverging_bars_split_the_neutral_answer_evenly_across_zero() -> None:
    segments = {index: (left, width) for index, left, width in _segments([10, 20, 40, 20, 10])}
    assert segments == {2: (-20, 40), 1: (-40, 20), 0: (-50, 10), 3: (20, 20), 4: (40, 10)}
    assert sorted(_segments([25, 25, 25, 25])) == [(0, -50, 25), (1, -25, 25), (2, 0, 25),
                                                  (3, 25, 25)]


@pytest.mark.parametrize("count", range(2, 8))
def test_answer_inks_are_distinct_and_stand_out_on_white(count: int) -> None:
    inks = _answer_inks(count)
    assert len(set(inks)) == count
    assert all(1.05 / (luminance(ink) + 0.05) >= 3 for ink in inks)
