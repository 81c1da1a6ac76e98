"""The national report, in memory: HTML, Markdown and JSON, and a page for each trust.

Both report formats are rendered from the same list of sections and tables built here
from the national figures (:mod:`owcf.national.figures`), so a figure withheld in one is
withheld in all, worded the same way ("fewer than 5 trusts", "fewer than 10
respondents", "withheld"). The HTML is one self-contained file in the trust report's
style (its stylesheet, inline SVG, no scripts, a table beside every chart, captions, a
skip link). The national report names no trust. Each trust's page names that trust only,
and shows its positions against the national distribution.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from owcf.files import to_json
from owcf.national.pool import POSITION_FIELDS, Layout, TrustFigures
from owcf.progress.rounds import Round
from owcf.publish.charts.strip import StripRow, quartile_strip_svg
from owcf.publish.templating import render

HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
QUARTERS = ("lowest quarter", "second quarter", "third quarter", "highest quarter")


@dataclass(frozen=True)
class Table:
    """One table as both formats print it: row labels, then cells as text."""

    id: str
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    foot: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: how many cells after the row label hold text, not numbers (left-aligned)
    text_columns: int = 0


@dataclass(frozen=True)
class Chart:
    file: str
    svg: str
    alt: str


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


class _Words:
    """Figures as the reports write them, withheld ones in words."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.min_trusts = result["disclosure"]["min_trusts"]

    def withheld(self, reason: str | None, threshold: int | None = None) -> str:
        if reason == "fewer-than-min-trusts":
            return f"fewer than {self.min_trusts} trusts"
        if reason == "fewer-than-min-cell":
            return f"fewer than {threshold} respondents" if threshold else "too few respondents"
        return "withheld"

    def count(self, value: Any, reason: str | None = None, threshold: int | None = None) -> str:
        return self.withheld(reason, threshold) if value is None and reason else \
            ("–" if value is None else str(int(value)))

    def number(self, value: Any, reason: str | None = None, threshold: int | None = None,
               places: int = 2) -> str:
        if value is None:
            return self.withheld(reason, threshold) if reason else "–"
        return f"{value:.{places}f}"

    def percent(self, value: Any, reason: str | None = None) -> str:
        if value is None:
            return self.withheld(reason) if reason else "–"
        return f"{value:.0f}%"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 trust``, ``2 trusts``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _not_pooled(count: int | None, reason: str | None, words: _Words) -> str:
    """A caption's note of the trusts whose figures could not be pooled."""
    if count is None:
        return f" ({words.withheld(reason)}' figures could not be pooled)"
    if not count:
        return ""
    whose = "1 trust's" if count == 1 else f"{count} trusts'"
    return f" ({whose} figures could not be pooled)"


def _band_labels(result: dict[str, Any]) -> list[str]:
    return [f"{b['from']:.2f} to {b['to']:.2f}" for b in result["scale"]["bands"]]


def _ink(hex_colour: str) -> str:
    return hex_colour if HEX.match(hex_colour) else "#444444"


def build_sections(result: dict[str, Any], layout: Layout) -> list[Section]:
    """Every section of the national report, in order."""
    words = _Words(result)
    return [_main_points(result), _about(result, words), _respondents(result, words),
            _positions(result, layout, words), *_trends(result, words),
            _priorities(result, words), _support(result, words),
            _questions(result, layout, words), _methods(result)]


def _published(entries: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [e for e in entries if e.get(key) is not None]


def _main_points(result: dict[str, Any]) -> Section:
    section = Section("summary", "Main points")
    packages = result["packages"]
    left = {k: v for k, v in packages["left_out"].items() if v}
    pooled = packages["pooled"]
    text = (f"Results packages from {pooled} Children's Trusts were pooled"
            if pooled is not None else "The number of trusts pooled is withheld")
    if left:
        text += (f"; {sum(left.values())} package files were left out ("
                 + ", ".join(f"{n} {k.replace('-', ' ')}" for k, n in left.items()) + ")")
    section.bullets.append(text + ".")
    medians = [d for d in result["dimensions"] if d["current"]["median"] is not None]
    if medians:
        low = min(medians, key=lambda d: (d["current"]["median"], d["id"]))
        high = max(medians, key=lambda d: (d["current"]["median"], d["id"]))
        section.bullets.append(
            f"Trusts place themselves lowest on {low['name']} (median current position "
            f"{low['current']['median']:.2f}) and highest on {high['name']} (median "
            f"{high['current']['median']:.2f}).")
    gaps = [d for d in result["dimensions"] if d["gap"]["median"] is not None]
    if gaps:
        wide = max(gaps, key=lambda d: (d["gap"]["median"], d["id"]))
        section.bullets.append(f"The widest median gap between target and current position "
                               f"is on {wide['name']} ({wide['gap']['median']:.2f} points).")
    firsts = [d for d in _published(result["dimensions"], "first_priority")
              if d["first_priority"] > 0]
    if firsts:
        top = max(firsts, key=lambda d: (d["first_priority"], d["top3_priority"] or 0, d["id"]))
        section.bullets.append(f"{top['name']} is the dimension trusts most often rank as "
                               f"their first priority ({top['first_priority']} trusts).")
    offers = _published(result["support"]["offers"], "trusts")
    if offers:
        offer = max(offers, key=lambda o: (o["trusts"], o["id"]))
        section.bullets.append(f"The support asked for most is {offer['title']} from "
                               f"{offer['partner']} ({offer['trusts']} trusts).")
    shares = [q for q in result["questions"] if q["percent_above"] is not None]
    if shares:
        best = max(shares, key=lambda q: (q["percent_above"], q["id"]))
        worst = min(shares, key=lambda q: (q["percent_above"], q["id"]))
        section.bullets.append(
            f"On question {best['id']} {best['percent_above']:.0f}% of trusts average above "
            f"the midpoint of {result['scale']['midpoint']:g}; on question {worst['id']} "
            f"{worst['percent_above']:.0f}% do.")
    return section


def _about(result: dict[str, Any], words: _Words) -> Section:
    section = Section("about", "Things you need to know")
    packages = result["packages"]
    disclosure = result["disclosure"]
    names = {a["id"]: a["name"].lower() for a in result["respondents"]["by_audience"]}
    thresholds = "; ".join(f"{v} where {names.get(a, a)} are counted"
                           for a, v in disclosure["min_cell_by_audience"].items())
    section.bullets += [
        "This report is built from the results packages trusts shared with the national "
        "body. It counts trusts and never names one.",
        f"No figure resting on fewer than {disclosure['min_trusts']} trusts, or on fewer "
        f"respondents than {disclosure['min_cell']}" + (f" ({thresholds})" if thresholds else "")
        + ", is published; nor is any figure from which a withheld one could be worked out "
        "(those are marked \"withheld\").",
        f"{plural(packages['full'], 'package')} carried aggregate sums; "
        f"{plural(packages['protected'], 'was a protected package', 'were protected packages')} "
        "carrying only the figures their trust published. A figure a "
        "protected package withheld cannot be pooled: each question says how many trusts' "
        "figures could not be pooled.",
        "Only packages made with the same framework and questionnaire (the same content "
        "hashes) are pooled: a package on another framework or a tailored questionnaire is "
        "left out, as are unreadable packages, packages that break the schema and two "
        "packages from the same trust and period.",
        "Questions asked of some audiences only (in 2009, the first and last question of each "
        "practice went to leaders and managers only) say so; trusts that supplied nobody "
        "from those audiences are counted apart.",
    ]
    return section


def _respondents(result: dict[str, Any], words: _Words) -> Section:
    data = result["respondents"]
    sup = data["suppressed"]
    base = result["disclosure"]["min_cell"]
    by_aud = result["disclosure"]["min_cell_by_audience"]
    everyone = max([base, *by_aud.values()])
    rows = tuple((g["name"], (words.count(g["respondents"], sup.get(f"by_audience[{k}].respondents"),
                                         by_aud.get(g["id"], base)),
                              words.count(g["trusts_without"],
                                          sup.get(f"by_audience[{k}].trusts_without"))))
                 for k, g in enumerate(data["by_audience"]))
    foot = (("All respondents", (words.count(data["by_audience_total"],
                                             sup.get("by_audience_total"), everyone), "")),)
    groups = tuple((g["name"], (words.count(g["respondents"],
                                            sup.get(f"by_workforce_group[{k}].respondents"),
                                            everyone),))
                   for k, g in enumerate(data["by_workforce_group"]))
    foot_g = (("All respondents", (words.count(data["by_workforce_group_total"],
                                               sup.get("by_workforce_group_total"), everyone),)),)
    section = Section("respondents", "Who answered")
    for key, what in (("by_audience", "audience"), ("by_workforce_group", "workforce group")):
        left = data[f"{key}_not_pooled"]
        if left != 0:
            many = (plural(left, "trust") if left is not None else
                    words.withheld(sup.get(f"{key}_not_pooled")))
            section.paragraphs.append(f"Respondents by {what} leave out {many} whose protected "
                                      f"package withheld some of its counts by {what}.")
    section.tables += [
        Table("respondents-audience", "Respondents by audience, and trusts that supplied none",
              ("Audience", "Respondents", "Trusts with none"), rows, foot),
        Table("respondents-group", "Respondents by workforce group",
              ("Workforce group", "Respondents"), groups, foot_g)]
    return section


def _strip_rows(entries: Sequence[dict[str, Any]], own: dict[str, float] | None = None
                ) -> list[StripRow]:
    rows = []
    for d in entries:
        current, target = d["current"], d["target"]
        note = "" if current["median"] is not None else "fewer than 5 trusts have a position"
        rows.append(StripRow(d["name"], current["q1"], current["median"], current["q3"],
                             target["median"], own.get(d["id"]) if own else None, note))
    return rows


def _positions(result: dict[str, Any], layout: Layout, words: _Words) -> Section:
    section = Section("positions", "Where trusts place themselves",
                      paragraphs=["For each dimension, the spread of trusts' current positions "
                                  "(the middle half of trusts lies between the lower and upper "
                                  "quartiles) and the median of their targets, on the framework "
                                  f"scale from {result['scale']['min']} to "
                                  f"{result['scale']['max']}."])
    scale = [(lv["value"], lv["label"]) for lv in result["scale"]["levels"]]
    labels = _band_labels(result)
    colours = {c["id"]: c for c in result["colours"]}
    for colour in layout.framework["colours"]:
        dims = [d for d in result["dimensions"] if d["colour"] == colour["id"]]
        entry = colours[colour["id"]]
        alt = (f"Strip chart for {colour['name']}: for each dimension, the middle half of "
               "trusts' current positions (bar), their median (circle) and the median target "
               "(square); the figures are in the table below.")
        svg = quartile_strip_svg(f"chart-{colour['id']}", _strip_rows(dims), scale,
                                 _ink(colour.get("hex", "")), alt)
        sub = Section(f"colour-{colour['id']}", f"{colour['name']}",
                      charts=[Chart(f"charts/{colour['id']}.svg", svg, alt)])
        sub.tables.append(Table(
            f"positions-{colour['id']}", f"{colour['name']}: trusts' current positions and "
            "targets", ("Dimension", "Trusts with a position", "Lower quartile", "Median",
                        "Upper quartile", "Median target", "Median gap"),
            tuple((d["name"], _quartile_cells(d, words)) for d in dims),
            ((f"{colour['name']} overall", _quartile_cells(entry, words)),)))
        sub.tables.append(Table(
            f"bands-{colour['id']}", f"{colour['name']}: trusts by current position",
            ("Dimension", *labels),
            tuple((d["name"], tuple(words.count(v, d["suppressed"].get(f"bands[{k}]"))
                                    for k, v in enumerate(d["bands"]))) for d in dims),
            ((f"{colour['name']} overall", tuple(words.count(v, entry["suppressed"].get(f"bands[{k}]"))
                                                  for k, v in enumerate(entry["bands"]))),)))
        section.sections.append(sub)
    return section


def _trends(result: dict[str, Any], words: _Words) -> list[Section]:
    """Trusts' changes since their previous round, per dimension (no section without a
    trust that sent two rounds)."""
    data = result.get("trends")
    if data is None:
        return []
    sup = data["suppressed"]
    trusts = words.count(data["trusts"], sup.get("trusts"))
    section = Section("trends", "Change since trusts' previous round", paragraphs=[
        f"Trusts that sent their previous round too: {trusts}. For each dimension, how many "
        "of them really improved, did not really change or fell back since that round, as "
        "owcf progress tests a trust's change (Welch's interval, Holm's adjustment over the "
        "trust's dimensions, 5%), and the spread of their changes in the questionnaire "
        "mean. Not compared: a figure withheld in either round."])

    def cells(d: dict[str, Any]) -> tuple[str, ...]:
        why, change = d["suppressed"], d["change"]
        return (*(words.count(d[k], why.get(k))
                  for k in ("improved", "stayed", "fell_back", "not_compared")),
                *(words.number(change[k], change["suppressed"])
                  for k in ("q1", "median", "q3")))

    section.tables.append(Table(
        "trends-table", "Trusts by their change since their previous round",
        ("Dimension", "Improved", "No real change", "Fell back", "Not compared",
         "Lower quartile of change", "Median change", "Upper quartile of change"),
        tuple((d["name"], cells(d)) for d in data["dimensions"])))
    return [section]


def _quartile_cells(d: dict[str, Any], words: _Words) -> tuple[str, ...]:
    current, target, gap = d["current"], d["target"], d["gap"]
    return (words.count(d["with_position"], d["suppressed"].get("with_position")),
            *(words.number(current[k], current["suppressed"]) for k in ("q1", "median", "q3")),
            words.number(target["median"], target["suppressed"]),
            words.number(gap["median"], gap["suppressed"]))


def _priorities(result: dict[str, Any], words: _Words) -> Section:
    data = result["priorities"]
    rows = tuple((d["name"], (words.count(d["first_priority"], d["suppressed"].get("first_priority")),
                              words.count(d["top3_priority"], d["suppressed"].get("top3_priority"))))
                 for d in result["dimensions"])
    foot = (("Trusts ranking their gaps", (words.count(data["trusts_ranking"],
                                                       data["suppressed"].get("trusts_ranking")),
                                           words.count(data["top3_total"],
                                                       data["suppressed"].get("top3_total")))),)
    section = Section("priorities", "Trusts' highest priorities",
                      paragraphs=["Each trust ranks its dimensions by priority: the gap to its "
                                  "target it can be fairly sure of. The table counts the trusts "
                                  "ranking each dimension first, and among their top three."])
    section.tables.append(Table("priorities-table", "Trusts ranking each dimension as a priority",
                                ("Dimension", "First priority", "Among top three"), rows, foot))
    return section


def _support(result: dict[str, Any], words: _Words) -> Section:
    data = result["support"]
    sup = data["suppressed"]
    names = {d["id"]: d["name"] for d in result["dimensions"]}
    section = Section("support", "Support trusts asked for",
                      paragraphs=["What the national body collected trusts' results for: "
                                  "which offers from national partners trusts accepted, which "
                                  "partners they asked for help, and for which dimensions. "
                                  + f"{words.count(data['trusts_asking'], sup.get('trusts_asking'))}"
                                  " trusts asked for some support."])
    section.tables.append(Table(
        "support-offers", "Catalogue offers accepted, by number of trusts",
        ("Offer", "Partner", "Dimensions", "Trusts"),
        tuple((o["title"] or o["id"], (o["partner"] or "–",
                                       "; ".join(names.get(d, d) for d in o["dimensions"]),
                                       words.count(o["trusts"], sup.get(f"offers[{k}].trusts"))))
              for k, o in enumerate(data["offers"])), text_columns=2))
    section.tables.append(Table(
        "support-partners", "National partners asked for support (accepted offers and trusts' "
        "own requests)", ("Partner", "Trusts"),
        tuple((p["name"], (words.count(p["trusts"], sup.get(f"partners[{k}].trusts")),))
              for k, p in enumerate(data["partners"])),
        (("Other partners, each named by fewer than 5 trusts",
          (words.count(data["other_partners"], sup.get("other_partners")),)),)))
    section.tables.append(Table(
        "support-dimensions", "Dimensions trusts asked for support with",
        ("Dimension", "Trusts"),
        tuple((d["name"], (words.count(d["trusts"], sup.get(f"dimensions[{k}].trusts")),))
              for k, d in enumerate(data["dimensions"]))))
    return section


def _questions(result: dict[str, Any], layout: Layout, words: _Words) -> Section:
    section = Section("questions", "The questionnaire, question by question",
                      paragraphs=["As in the 2009 national results, three presentations per "
                                  "question: the distribution of trusts' average scores, the "
                                  "average score by audience and by workforce group, and the "
                                  "count of responses per answer with the mean."])
    audiences = {a["id"]: a["name"] for a in layout.framework["audiences"]}
    answers = {str(o["value"]): f"{o['value']} {o['label']}"
               for o in layout.questionnaire["answer_scale"]}
    answers |= {n["code"]: n["label"] for n in layout.questionnaire["non_answers"]}
    labels = _band_labels(result)
    midpoint = result["scale"]["midpoint"]
    base = result["disclosure"]["min_cell"]
    by_aud = result["disclosure"]["min_cell_by_audience"]
    for colour in layout.framework["colours"]:
        sub = Section(f"questions-{colour['id']}", f"{colour['name']} questions")
        for q in (q for q in result["questions"] if q["colour"] == colour["id"]):
            sup, thr = q["suppressed"], q["threshold"]
            part = Section(f"q-{q['id']}", q["id"], paragraphs=[q["text"]])
            if q["asked_of"]:
                asked = " and ".join(audiences.get(a, a).lower() for a in q["asked_of"])
                part.paragraphs.append(
                    f"Asked of {asked} only. Trusts that supplied none: "
                    f"{words.count(q['trusts']['without_audience'], sup.get('trusts.without_audience'))}.")
            trusts = q["trusts"]
            rows = [(label, (words.count(v, sup.get(f"bands[{k}]")),))
                    for k, (label, v) in enumerate(zip(labels, q["bands"], strict=True))]
            foot = [
                (f"Above the midpoint of {midpoint:g}",
                 (words.count(q["above_midpoint"], sup.get("above_midpoint")),
                  )),
                ("Percentage above the midpoint", (words.percent(q["percent_above"],
                                                                 sup.get("percent_above")),)),
                ("Trusts with an average", (words.count(trusts["with_average"],
                                                        sup.get("trusts.with_average")),)),
                ("Too few respondents for an average", (words.count(trusts["too_few"],
                                                                    sup.get("trusts.too_few")),)),
                ("Supplied nobody asked this question", (words.count(
                    trusts["without_audience"], sup.get("trusts.without_audience")),)),
                ("Withheld in a protected package (not pooled)", (words.count(
                    trusts["not_pooled"], sup.get("trusts.not_pooled")),)),
            ]
            part.tables.append(Table(f"q-{q['id']}-averages",
                                     f"{q['id']}: trusts by average score",
                                     ("Trust average score", "Trusts"), tuple(rows), tuple(foot)))
            for key, title, heading in (("by_audience", "by audience", "Audience"),
                                        ("by_workforce_group", "by workforce group",
                                         "Workforce group")):
                breakdown = q[key]
                group_rows = []
                for k, g in enumerate(breakdown["groups"]):
                    limit = max(base, by_aud.get(g["id"], 0)) if key == "by_audience" else thr
                    path = f"{key}.groups[{k}]"
                    group_rows.append((g["name"], (
                        words.count(g["trusts"], sup.get(f"{path}.trusts")),
                        words.count(g["respondents"], sup.get(f"{path}.respondents"), limit),
                        words.number(g["mean"], sup.get(f"{path}.mean"), limit))))
                every = breakdown["all"]
                part.tables.append(Table(
                    f"q-{q['id']}-{key.replace('_', '-')}", f"{q['id']}: average score {title}"
                    + _not_pooled(breakdown["not_pooled"], sup.get(f"{key}.not_pooled"), words),
                    (heading, "Trusts", "Respondents", "Average score"), tuple(group_rows),
                    (("All", ("", words.count(every["respondents"], sup.get(f"{key}.all.respondents"), thr),
                              words.number(every["mean"], sup.get(f"{key}.all.mean"), thr))),)))
            responses = q["responses"]
            count_rows = tuple((answers.get(c, c), (words.count(v, sup.get(f"responses.counts.{c}"), thr),))
                               for c, v in responses["counts"].items())
            part.tables.append(Table(
                f"q-{q['id']}-responses", f"{q['id']}: responses per answer"
                + _not_pooled(responses["not_pooled"], sup.get("responses.not_pooled"), words),
                ("Answer", "Responses"), count_rows,
                (("All responses", (words.count(responses["total"], sup.get("responses.total"), thr),)),
                 ("Responses on the scale", (words.count(responses["scored"],
                                                         sup.get("responses.scored"), thr),)),
                 ("Mean score", (words.number(responses["mean"], sup.get("responses.mean"), thr),)))))
            sub.sections.append(part)
        section.sections.append(sub)
    return section


def _methods(result: dict[str, Any]) -> Section:
    section = Section("methods", "Methods")
    section.bullets += [
        "A trust's average score on a question is the mean of its respondents' scores "
        "(each respondent counts once); it is counted only when it rests on at least the "
        "question's respondent threshold.",
        f"The six bands divide the framework scale from {result['scale']['min']} to "
        f"{result['scale']['max']} into equal parts; each band includes its upper end, the "
        "first its lower end too. Above the midpoint means strictly above.",
        "Averages by audience and workforce group pool every trust's respondents: the sum of "
        "their scores over the number of respondents with a score.",
        "Quartiles are computed across trusts by linear interpolation between order "
        "statistics, only where at least 5 trusts have a value.",
        "Where a trust sent packages of several rounds, its latest is pooled and its "
        "previous one is the baseline of its change (owcf progress: Welch's interval, Holm's "
        "adjustment over its dimensions at 5%); the changes are counted per dimension.",
        "Disclosure control: a figure resting on 1 to 4 trusts, or on fewer respondents than "
        "the threshold, is withheld; then further figures are withheld until no withheld "
        "figure can be worked out from the published ones (each checked by linear "
        "programming over every relation between the published figures).",
    ]
    return section


# -- a page for each trust ---------------------------------------------------------------

def percentile(values: np.ndarray, value: float) -> float:
    """Percentile rank of ``value`` among ``values`` (which include it): the share below
    plus half the share equal, in percent."""
    below = float((values < value).sum())
    equal = float((values == value).sum())
    return 100 * (below + equal / 2) / len(values)


def quarter(value: float, q1: float, median: float, q3: float) -> str:
    """Which quarter of trusts ``value`` falls in (at a quartile: the lower quarter)."""
    return QUARTERS[sum(value > edge for edge in (q1, median, q3))]


def trust_page(trust: TrustFigures, result: dict[str, Any], layout: Layout,
               everyone: np.ndarray, produced: str | None) -> str:
    """The page for ``trust``: its positions beside the national distribution."""
    words = _Words(result)
    current = POSITION_FIELDS.index("current")
    target = POSITION_FIELDS.index("target")
    entries = [*result["dimensions"], *result["colours"]]
    own = {e["id"]: float(trust.positions[j, current])
           for j, e in enumerate(entries) if not np.isnan(trust.positions[j, current])}
    scale = [(lv["value"], lv["label"]) for lv in result["scale"]["levels"]]
    sections = []
    for colour in layout.framework["colours"]:
        dims = [(j, d) for j, d in enumerate(result["dimensions"]) if d["colour"] == colour["id"]]
        overall = len(result["dimensions"]) + [c["id"] for c in result["colours"]].index(colour["id"])
        alt = (f"Strip chart for {colour['name']}: this trust's current position on each "
               "dimension (diamond) beside the middle half of all trusts (bar), their median "
               "(circle) and their median target (square); the figures are in the table below.")
        svg = quartile_strip_svg(f"chart-{colour['id']}", _strip_rows([d for _, d in dims], own),
                                 scale, _ink(colour.get("hex", "")), alt, "This trust")
        rows = tuple((d["name"], _page_cells(trust, d, j, everyone, words, current, target))
                     for j, d in dims)
        foot = ((f"{colour['name']} overall",
                 _page_cells(trust, entries[overall], overall, everyone, words, current, target)),)
        section = Section(f"colour-{colour['id']}", colour["name"],
                          charts=[Chart("", svg, alt)])
        section.tables.append(Table(f"trust-{colour['id']}", f"{colour['name']}: this trust "
                                    "against all trusts",
                                    ("Dimension", "This trust", "Its target", "Lower quartile",
                                     "Median", "Upper quartile", "Percentile", "Quarter"),
                                    rows, foot))
        sections.append(section)
    return render("national-trust.html.j2", trust=trust.header, result=result,
                  sections=sections, produced=produced)


def _page_cells(trust: TrustFigures, entry: dict[str, Any], j: int, everyone: np.ndarray,
                words: _Words, current: int, target: int) -> tuple[str, ...]:
    value = trust.positions[j, current]
    goal = trust.positions[j, target]
    spread = entry["current"]
    cells = [words.number(None if np.isnan(value) else float(value)),
             words.number(None if np.isnan(goal) else float(goal), places=1),
             *(words.number(spread[k], spread["suppressed"]) for k in ("q1", "median", "q3"))]
    if np.isnan(value) or spread["median"] is None:
        cells += ["–", "–"]
    else:
        column = everyone[:, j, current]
        values = column[~np.isnan(column)]
        cells += [f"{percentile(values, float(value)):.0f}",
                  quarter(float(value), spread["q1"], spread["median"], spread["q3"])]
    return tuple(cells)


def render_national(result: dict[str, Any], layout: Layout, trusts: Sequence[TrustFigures],
                    formats: Sequence[str], produced: str | None = None,
                    rounds: Sequence[tuple[Round | None, Round]] = ()) -> dict[str, bytes]:
    """The national report's files, keyed by path relative to the output folder;
    ``rounds`` (each pooled trust's previous round, if any, and its latest) add the tidy
    table of trusts' changes."""
    from owcf.national.tables import tidy_tables

    files: dict[str, bytes] = {}
    if "json" in formats:
        files["national.json"] = to_json(result).encode("utf-8")
    if "html" in formats or "md" in formats:
        sections = build_sections(result, layout)
        context = {"result": result, "sections": sections, "produced": produced}
        if "md" in formats:
            files["national.md"] = render("national.md.j2", **context).encode("utf-8")
            for chart in (c for s in _walk(sections) for c in s.charts):
                files[chart.file] = chart.svg.encode("utf-8")
        if "html" in formats:
            files["national.html"] = render("national.html.j2", **context).encode("utf-8")
            everyone = (np.stack([t.positions for t in trusts]) if trusts
                        else np.zeros((0, 0, len(POSITION_FIELDS))))
            for trust in trusts:
                files[f"trusts/{trust.header.trust}.html"] = trust_page(
                    trust, result, layout, everyone, produced).encode("utf-8")
    files |= tidy_tables(trusts, layout, [f for f in formats if f in ("csv", "parquet")],
                         rounds)
    return files


def _walk(sections: Sequence[Section]) -> list[Section]:
    out = []
    for s in sections:
        out.append(s)
        out += _walk(s.sections)
    return out

