"""Charts a reader can trust in print: accessible, deterministic SVG whose ids never collide
when inlined together; no label over another label or a marker; every level labelled;
a target equal to the current position still visible; overlays told apart by dash and
marker; palettes whose neighbours differ in greyscale; audiences and workforce groups in
separate, labelled panels."""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable
from html import unescape
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.publish.charts.bars import _segments, diverging_bars_svg
from owcf.publish.charts.dots import dot_chart_svg
from owcf.publish.charts.spider import radar_svg
from owcf.publish.charts.style import WITHHELD, answer_inks, overlay_inks

from .svg_boxes import collisions, markers, size_of
from .svg_boxes import texts as text_boxes

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
    """WCAG relative luminance, written out here rather than taken from owcf."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def grey_contrast(a: str, b: str) -> float:
    """The contrast ratio of two inks once printed in greyscale (their luminances)."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


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
GROUPS = [("Early Years", {"1": 3, "2": 9, "3": 20, "4": 30, "5": 8, "DK": 2, "NA": 1}),
          ("Health", {"1": 6, "2": 15, "3": 12, "4": 20, "5": 4, "DK": 0, "NA": 0})]


def bars(chart_id: str = "owcf-answers") -> str:
    return diverging_bars_svg(chart_id, [("By audience", ANSWERS), ("By workforce group", GROUPS)],
                              AGREEMENT, [1, 2, 3, 4, 5], "Answers by audience and group")


def four_point_bars(*rows: tuple[str, dict[str, int | None]]) -> list[str]:
    svg = diverging_bars_svg("c", [("", rows)], ["No", "Rather not", "Rather yes", "Yes"],
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


def test_chart_text_is_never_smaller_than_9_points(chart: Callable[[str], str]) -> None:
    svg = chart("owcf-a")
    sizes = {float(s) for s in re.findall(r"font-size: ([0-9.]+)px", svg)}
    assert sizes and min(sizes) >= 9
    # printed at its own size: the width is given in points, one unit of the viewBox each
    width = re.search(r'width="([0-9.]+)pt"', svg[:svg.index(">")])
    assert width and float(width.group(1)) == pytest.approx(size_of(svg)[0])


def test_no_label_overlaps_another_or_a_marker(chart: Callable[[str], str]) -> None:
    assert collisions(chart("owcf-a")) == []


def test_radar_names_dimensions_and_every_level_including_the_centre() -> None:
    svg = radar()
    labels = texts(svg)
    assert {"Shared vision", "Joint planning", "Current position", "Target"} <= set(labels)
    # every level is numbered on its ring, the lowest too, and named in the key
    assert {"1", "2", "3", "4", "5"} <= set(labels)
    key = words(svg)
    for value, name in FIVE:
        assert f"{value}\u00a0{name.replace(' ', chr(160))}" in key
    # the lowest level is a ring round an empty centre: its number is away from the middle
    width, _ = size_of(svg)
    one = next(box for text, box in text_boxes(svg) if text == "1")
    five = next(box for text, box in text_boxes(svg) if text == "5")
    centre_x = width / 2
    assert abs((one.x0 + one.x1) / 2 - centre_x) > 5 and five.y0 < one.y0


def test_a_target_equal_to_the_current_position_is_drawn_over_it_and_still_shows() -> None:
    svg = radar_svg("c", DIMENSIONS, [3.0, 3.0, 3.0], [3.0, 3.0, 3.0], FIVE, "#C62828", "d")
    current = svg.index('<g id="c-current">')
    target = svg.index('<g id="c-target">')
    assert target > current  # drawn later: on top
    group = svg[target:svg.index("</g>", target)]
    assert "fill: none" in group  # open, so the circle shows inside it
    circle_id = re.search(r'href="#([^"]+)"', svg[current:target]).group(1)
    square_id = re.search(r'href="#([^"]+)"', group).group(1)
    boxes = markers(svg)
    circle = next(b for b in boxes if circle_id in b.what)
    square = next(b for b in boxes if square_id in b.what)
    # the square is larger than the circle on every side, so its outline shows round it
    assert square.x1 - square.x0 > circle.x1 - circle.x0 + 2


def test_overlays_differ_in_dash_and_marker_as_well_as_colour() -> None:
    svg = radar_svg("c", DIMENSIONS, [2.0, 3.0, 4.0], [3, 3, 3], FIVE, "#C62828", "d",
                    overlays=[(f"Audience {k}", [2.5, 3.0, 3.5]) for k in range(6)])
    groups = re.findall(r'<g id="c-overlay-(\d)">(.*?)</g>', svg, re.S)
    assert len(groups) == 6
    dashes = [re.search(r"stroke-dasharray: ([^;\"]+)", body).group(1) for _, body in groups]
    marker_ids = [re.search(r'href="#([^"]+)"', body).group(1) for _, body in groups]
    shapes = [re.search(rf'<path id="{i}" d="([^"]+)"', svg).group(1) for i in marker_ids]
    assert len(set(dashes)) == 6 and len(set(shapes)) == 6
    target = re.search(r'<g id="c-target">(.*?)</g>', svg, re.S).group(1)
    current = re.search(r'<g id="c-current">(.*?)</g>', svg, re.S).group(1)
    assert "stroke-dasharray" not in current  # the current position alone is solid
    assert re.search(r"stroke-dasharray: ([^;\"]+)", target).group(1) not in dashes


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
    assert "Staff" in texts(svg) and {"1", "2", "3", "4"} <= set(texts(svg))
    assert collisions(svg) == []


@pytest.mark.parametrize("overlays", [[("Staff", [1.0, 2.0])], [(f"A{i}", [1, 2, 3]) for i in range(7)]])
def test_radar_refuses_overlays_it_cannot_draw_faithfully(overlays: list) -> None:
    with pytest.raises(ValueError):
        radar("c", overlays=overlays)


def test_dot_chart_labels_every_dimension_level_and_figure() -> None:
    svg = dots()
    for dimension in DIMENSIONS:
        assert dimension.split()[0] in words(svg)
    labels = texts(svg)
    assert {"Current position (band)", "Target"} <= set(labels)
    assert {"2.65", "3.50", "3.00", "4.00"} <= set(labels)  # figures to two places
    assert {"1", "2", "3", "4", "5"} <= set(labels)
    assert "Starting\u00a0out" in words(svg) and "World-class" in words(svg)


def test_dot_chart_row_without_a_current_position_keeps_its_target() -> None:
    labels = texts(dots())
    assert "no current position" in labels and "3.50" in labels


def test_dot_chart_on_a_four_level_scale() -> None:
    svg = dots(scale=FOUR)
    assert {"2.65"} <= set(texts(svg)) and "Low" in words(svg) and "Top" in words(svg)
    assert collisions(svg) == []


def test_diverging_bars_shares_of_answers_on_the_scale() -> None:
    labels = four_point_bars(("Staff", {"1": 0, "2": 1, "3": 0, "4": 1}),
                             ("Leaders", {"1": 1, "2": 1, "3": 1, "4": 1, "DK": 2, "NA": 2}))
    staff, leaders = labels.index("Staff"), labels.index("Leaders")
    assert labels.count("50%") == 2           # Staff: one disagrees, one agrees, of two
    assert labels.count("25%") == 4           # Leaders: one each of four on the scale
    assert "DK\u00a00%, NA\u00a00%" in labels  # Staff said neither
    assert "DK\u00a025%, NA\u00a025%" in labels  # Leaders: two each of all eight answers
    assert staff < leaders                    # rows in the order given


def test_diverging_bars_name_the_questionnaires_own_non_answers() -> None:
    svg = diverging_bars_svg("c", [("", [("Staff", {"1": 1, "2": 1, "3": 1, "4": 1, "X": 4})])],
                             ["No", "Rather not", "Rather yes", "Yes"], [1, 2, 3, 4], "Answers",
                             non_answers=[("X", "Cannot say")])
    assert "X\u00a050%" in texts(svg)  # four of all eight answers
    assert "X: cannot say" in words(svg)
    assert "DK" not in words(svg)


def test_diverging_bars_never_draw_a_row_with_withheld_counts() -> None:
    # From the published counts alone this row would read 50% / 50%.
    labels = four_point_bars(("Young people", {"1": None, "2": 5, "3": 5, "4": 0, "DK": 0}),
                             ("Staff", {"1": 5, "2": 5, "3": 5, "4": 5, "NA": None}))
    assert labels.count(WITHHELD) == 1
    # Staff's bar needs only the scale's counts; the shares of all answers need NA too
    assert labels.count("25%") == 4 and "DK, NA withheld" in " ".join(labels)
    assert not [label for label in labels if label.startswith(("DK\u00a0", "NA\u00a0"))]


def test_diverging_bars_withheld_blanks_do_not_matter() -> None:
    # Blanks are neither on the scale nor beside it, so a withheld blank count hides nothing.
    labels = texts(bars())
    assert "DK\u00a0<1%, NA\u00a00%" in labels  # Workforce: 1 of 291 answers
    assert labels.count(WITHHELD) == 1


def test_diverging_bars_legend_in_scale_order() -> None:
    labels = texts(bars())
    legend = [label for label in labels if label in AGREEMENT]
    assert legend == AGREEMENT


def test_audiences_and_workforce_groups_in_separate_labelled_panels() -> None:
    labels = texts(bars())
    audience, group = labels.index("By audience"), labels.index("By workforce group")
    assert audience < labels.index("Workforce") < group < labels.index("Early Years")
    # one panel needs no heading: the chart's title says which groups it shows
    assert "By audience" not in four_point_bars(("Staff", {"1": 1, "2": 1, "3": 1, "4": 1}))


def test_diverging_bars_split_the_neutral_answer_evenly_across_zero() -> None:
    segments = {index: (left, width) for index, left, width in _segments([10, 20, 40, 20, 10])}
    assert segments == {2: (-20, 40), 1: (-40, 20), 0: (-50, 10), 3: (20, 20), 4: (40, 10)}
    assert sorted(_segments([25, 25, 25, 25])) == [(0, -50, 25), (1, -25, 25), (2, 0, 25),
                                                  (3, 25, 25)]


@pytest.mark.parametrize("count", range(2, 8))
def test_answer_inks_stand_out_on_white_and_from_their_neighbours_in_greyscale(count: int) -> None:
    inks = answer_inks(count)
    assert len(set(inks)) == count
    assert all(1.05 / (luminance(ink) + 0.05) >= 3 for ink in inks)
    # "Disagree" and "Agree" once printed alike; now each answer steps in lightness
    steps = [grey_contrast(a, b) for a, b in pairwise(inks)]
    assert min(steps) >= (1.5 if count <= 5 else 1.3), steps
    assert [luminance(i) for i in inks] == sorted(luminance(i) for i in inks)


@pytest.mark.parametrize("count", range(1, 7))
def test_overlay_inks_differ_from_their_neighbours_in_greyscale(count: int) -> None:
    inks = overlay_inks(count)
    assert all(1.05 / (luminance(ink) + 0.05) >= 3 for ink in inks)
    assert all(grey_contrast(a, b) >= 1.3 for a, b in pairwise(inks))


def test_legend_swatches_in_a_chart_step_in_greyscale() -> None:
    svg = bars()
    swatches = re.findall(
        r'<g id="owcf-answers-legend-swatch-\d+">\s*<(?:path|rect)[^>]*style="fill: (#[0-9a-f]{6})',
        svg)
    assert len(swatches) == 5
    assert all(grey_contrast(a, b) >= 1.5 for a, b in pairwise(swatches))


# -- every chart of real reports ------------------------------------------------------------------

runner = CliRunner()


def _report_charts(out: Path, *args: str) -> dict[str, str]:
    result = runner.invoke(app, ["report", *args, "-o", str(out), "-f", "md",
                                 "--audience-overlays", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((out / "charts").glob("*.svg"))}


LONG = ("Shared understanding of thresholds for early help across agencies and partners",
        "Joint commissioning of services for disabled children and their families",
        "Consistent use of the common assessment framework in schools and health",
        "Supervision that supports reflective practice across every profession",
        "Workforce data shared between the council, health and the voluntary sector",
        "Induction into integrated working for every new member of staff",
        "Listening to children and young people when services are redesigned",
        "Measuring the difference integrated working makes to children's outcomes")


def long_framework(root: Path) -> None:
    """A trust whose one colour has eight dimensions with long names (the hardest case
    for labels), three audiences and long workforce group names, and enough respondents
    that nothing is withheld."""
    dims = "".join(textwrap.dedent(f"""\
          - id: d{k}
            name: {name}
            description: Dimension {k}.
            levels: {{low: a, fair: b, high: c, top: d}}
        """) for k, name in enumerate(LONG))
    (root / "framework.yaml").write_text(textwrap.dedent("""\
        schema: owcf-framework/1
        id: long
        name: Long names
        scale:
          levels:
            - {value: 1, id: low, label: Low}
            - {value: 2, id: fair, label: Fair}
            - {value: 3, id: high, label: High}
            - {value: 4, id: top, label: Top}
        audiences:
          - {id: staff, name: Staff across every partner organisation}
          - {id: leaders, name: Leaders and managers}
          - {id: young, name: "Children, young people, families and carers", children: true}
        workforce_groups:
          - {id: health, name: "Health visiting, school nursing and community paediatrics"}
          - {id: schools, name: Schools}
        colours:
          - id: teal
            name: Teal
            theme: Integrated working
            hex: "#00897B"
            description: Everything at once.
            dimensions:
        """) + textwrap.indent(dims, "      "), encoding="utf-8")
    items = "".join(f"  - {{id: i{k}a, dimension: d{k}, text: A{k}, text_children: A{k}}}\n"
                    f"  - {{id: i{k}b, dimension: d{k}, text: B{k}, text_children: B{k}}}\n"
                    for k in range(8))
    (root / "questionnaire.yaml").write_text(
        "schema: owcf-questionnaire/1\nid: long-q\nname: Long\nframework: long\n"
        "answer_scale:\n  - {value: 1, label: Strongly disagree}\n  - {value: 2, label: Disagree}\n"
        "  - {value: 3, label: Agree}\n  - {value: 4, label: Strongly agree}\n"
        "non_answers:\n  - {code: DK, label: Don't know}\n"
        "scoring:\n  min_answered_fraction: 0.5\nitems:\n" + items, encoding="utf-8")
    rng = random.Random(8)
    rows = ["respondent_id,audience,workforce_group," + ",".join(
        f"i{k}{s}" for k in range(8) for s in "ab")]
    for n in range(90):
        audience = ("staff", "leaders", "young")[n % 3]
        group = "" if audience == "young" else ("health", "schools")[n % 2]
        answers = [str(min(4, max(1, round(rng.gauss(1.5 + k * 0.35, 0.8))))) for k in range(8)
                   for _ in "ab"]
        rows.append(f"r{n},{audience},{group}," + ",".join(answers))
    (root / "responses.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    targets = "".join(f"  d{k}: {[1, 2, 3, 4, 4, 3, 2, 4][k]}\n" for k in range(8))
    (root / "trust.yaml").write_text(textwrap.dedent("""\
        schema: owcf-trust/1
        id: longtown
        name: Longtown Children's Trust
        framework: framework.yaml
        questionnaire: {base: questionnaire.yaml}
        responses: [responses.csv]
        plan:
          tests:
            - {id: survey, kind: questionnaire, colours: all, end: 2009-02-01,
               participants: {audiences: [staff, leaders, young]}}
        evidence:
          - {id: w, kind: focus_group, date: 2009-02-01, participant_count: 6,
             ratings: {d0: 1, d3: 4, d7: 1.5}}
        targets:
        """) + targets, encoding="utf-8")


@pytest.fixture(scope="module")
def every_chart(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every chart of the bundled report and of the long-named framework's, with audience
    overlays on the spider diagrams."""
    charts = {f"oxfordshire/{k}": v for k, v in _report_charts(
        tmp_path_factory.mktemp("ox"), "-t", "oxfordshire").items()}
    root = tmp_path_factory.mktemp("long") / "longtown"
    root.mkdir()
    long_framework(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OWCF_TRUST_PATH", str(root.parent))
        charts |= {f"long/{k}": v for k, v in _report_charts(
            tmp_path_factory.mktemp("longout"), "-t", "longtown").items()}
    return charts


def test_both_reports_are_charted(every_chart: dict[str, str]) -> None:
    names = set(every_chart)
    assert {"oxfordshire/overview.svg", "oxfordshire/orange.svg", "oxfordshire/orange-dots.svg",
            "oxfordshire/orange-answers.svg", "oxfordshire/workforce-groups-answers.svg",
            "oxfordshire/progress.svg",  # the bundled example has a baseline round
            "long/teal.svg", "long/teal-dots.svg", "long/teal-answers.svg"} <= names
    assert len([n for n in names if n.startswith("oxfordshire/")]) == 1 + 1 + 7 * 3 + 1
    assert all(name in words(every_chart["long/teal.svg"]) or name.split()[0] in words(
        every_chart["long/teal.svg"]) for name in LONG)


def test_no_label_overlaps_in_any_report_chart(every_chart: dict[str, str]) -> None:
    found = {name: problems for name, svg in every_chart.items() if (problems := collisions(svg))}
    assert not found, found


def test_every_report_chart_prints_text_at_9_points_or_more(every_chart: dict[str, str]) -> None:
    for name, svg in every_chart.items():
        sizes = {float(s) for s in re.findall(r"font-size: ([0-9.]+)px", svg)}
        assert min(sizes) >= 9, name


def test_every_report_palette_steps_in_greyscale(every_chart: dict[str, str]) -> None:
    for name, svg in every_chart.items():
        swatches = re.findall(r'legend-swatch-\d+">\s*<(?:path|rect)[^>]*style="fill: (#[0-9a-f]{6})',
                              svg)
        overlays = re.findall(r'overlay-\d+">\s*<path[^>]*style="[^"]*stroke: (#[0-9a-f]{6})', svg)
        for inks in (swatches, overlays):
            steps = [grey_contrast(a, b) for a, b in pairwise(inks)]
            assert all(step >= 1.3 for step in steps), (name, inks, steps)


def test_the_spider_diagram_labels_the_centre_level(every_chart: dict[str, str]) -> None:
    for name in ("oxfordshire/red.svg", "long/teal.svg"):
        labels = set(texts(every_chart[name]))
        values = {"1", "2", "3", "4", "5"} if name.startswith("ox") else {"1", "2", "3", "4"}
        assert values <= labels, name


def test_a_dumbbell_row_not_compared_says_so_clear_of_every_other_label() -> None:
    from owcf.publish.charts.dots import dumbbell_svg

    svg = dumbbell_svg("d", ["Early identification and common assessment", "Short", "Gone"],
                       [2.5, 1.0, None], [3.1, 5.0, 3.0], [4.5, 1.0, 4.0],
                       [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e")],
                       ["#C62828", "#1565C0", "#2E7D32"], ("2009", "2010"), "desc")
    assert not collisions(svg)
    assert "not compared" in texts(svg) and {"2009", "2010", "Target"} <= set(texts(svg))
