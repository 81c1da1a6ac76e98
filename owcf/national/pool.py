"""Pooling accepted packages: from each, the few arrays the national figures need.

A package is read once (by :mod:`owcf.national.read`) and boiled down to a
:class:`TrustFigures`: per question, the respondents with a score and the sum of their
scores for everyone, each audience and each workforce group, and everyone's answers per
category; per dimension and colour the trust's questionnaire figures and its current
position, target and priority; the support it asks for. Full packages give these by
adding up their cells; protected ones from their published figures (mean x respondents
gives the sum), with NaN where the trust withheld a figure: that figure cannot be pooled.
What is kept per trust is small and fixed, so memory grows with the number of trusts,
never with their respondents.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: the position figures kept per dimension and colour
POSITION_FIELDS = ("current", "low", "high", "target", "gap", "priority", "rank")
#: the questionnaire figures kept per dimension and colour
SCORE_FIELDS = ("n", "mean", "sd")


@dataclass(frozen=True)
class Header:
    """Who a package is from, and what it was made with."""

    file: str
    kind: str
    trust: str
    name: str
    period: tuple[str | None, str | None]
    framework: str
    questionnaire: str


@dataclass(frozen=True)
class Layout:
    """What the pooled packages share: the framework and questionnaire they were made
    with, as the first accepted package describes them (every accepted one has the same
    content hashes)."""

    framework: dict[str, Any]
    questionnaire: dict[str, Any]
    categories: tuple[str, ...]

    @property
    def audiences(self) -> list[str]:
        return [a["id"] for a in self.framework["audiences"]]

    @property
    def groups(self) -> list[str | None]:
        """Workforce groups, then not stated (None)."""
        return [*(g["id"] for g in self.framework["workforce_groups"]), None]

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.questionnaire["items"])

    @property
    def scale(self) -> list[str]:
        """The categories on the answer scale (the others are non-answers, then blank)."""
        return [str(o["value"]) for o in self.questionnaire["answer_scale"]]

    @property
    def non_answers(self) -> list[str]:
        return [n["code"] for n in self.questionnaire["non_answers"]]

    def slots(self) -> int:
        """Group slots per question: everyone, each audience, each workforce group and
        not stated."""
        return 1 + len(self.audiences) + len(self.groups)

    def positions(self, item: dict[str, Any]) -> list[float]:
        """Each answer on the scale placed on the framework scale, as owcf scores it
        (linearly, reverse items flipped): the weights by which answer counts add up to
        the sum of scores."""
        values = [o["value"] for o in self.questionnaire["answer_scale"]]
        lo, hi = values[0], values[-1]
        f_lo, f_hi = self.framework["scale"]["min"], self.framework["scale"]["max"]
        if item["reverse"]:
            values = [lo + hi - v for v in values]
        return [f_lo + (v - lo) * (f_hi - f_lo) / (hi - lo) for v in values]


@dataclass
class TrustFigures:
    """One pooled trust, boiled down. Arrays use NaN for a figure the trust withheld."""

    header: Header
    #: respondents overall, by audience (framework order) and by workforce group (then not
    #: stated); None where withheld
    respondents: int | None
    #: respondents over the population the trust gives sizes for (None without sizes)
    response_rate: float | None
    by_audience: list[int | None]
    by_group: list[int | None]
    #: (slots, questions): respondents with a score, and the sum of their scores
    n: np.ndarray
    sums: np.ndarray
    #: (questions, categories): everyone's answers per category
    counts: np.ndarray
    #: per dimension then colour, SCORE_FIELDS and POSITION_FIELDS
    scores: np.ndarray
    positions: np.ndarray
    #: accepted catalogue offers (id, partner id, partner name, title, dimensions) and own
    #: requests (partner as written, dimensions)
    offers: list[tuple[str, str | None, str | None, str | None, tuple[str, ...]]]
    requests: list[tuple[str, tuple[str, ...]]]


def layout_of(data: dict[str, Any]) -> Layout:
    return Layout(data["framework"], data["questionnaire"], tuple(data["categories"]))


def boil(header: Header, data: dict[str, Any], layout: Layout) -> TrustFigures:
    """What the national figures need from one package."""
    audiences, groups = layout.audiences, layout.groups
    respondents = data["respondents"]
    by_audience = _listed(respondents["by_audience"], audiences)
    by_group = _listed(respondents["by_workforce_group"], groups)
    if data["kind"] == "full":
        n, sums, counts, scores = _from_cells(data, layout)
    else:
        n, sums, counts, scores = _from_analyses(data, layout)
    positions = np.array([[_number(p.get(f)) for f in POSITION_FIELDS]
                          for scope in ("dimensions", "colours")
                          for p in data["positions"][scope]], dtype=float)
    support = data["support"]
    offers = [(o["id"], o["partner"], o["partner_name"], o["title"], tuple(o["dimensions"]))
              for o in support["accepted"]]
    requests = [(r["partner"], tuple(r["dimensions"])) for r in support["requests"]]
    population = data["population"]
    rate = population["total"]["response_rate"] if population else None
    return TrustFigures(header, respondents["total"], rate, by_audience, by_group, n, sums,
                        counts, scores, positions, offers, requests)


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _listed(entries: list[dict[str, Any]] | None, order: Sequence[str | None]
            ) -> list[int | None]:
    """Respondents per id in ``order`` (0 where not listed; None where withheld or not
    shared at all)."""
    if entries is None:
        return [None] * len(order)
    found = {e["id"]: e["respondents"] for e in entries}
    return [found.get(ident, 0) for ident in order]


def _from_cells(data: dict[str, Any], layout: Layout
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A full package: every cell added into everyone, its audience and its group."""
    audiences = {a: i for i, a in enumerate(layout.audiences)}
    groups = {g: i for i, g in enumerate(layout.groups)}
    rows = data["cells"]["rows"]
    slots, size = layout.slots(), len(layout.items)
    n = np.zeros((slots, size))
    sums = np.zeros((slots, size))
    counts = np.zeros((size, len(layout.categories)))
    if rows:
        cell_n = np.array([r["items"]["n"] for r in rows], dtype=float)
        cell_s = np.array([r["items"]["sum"] for r in rows], dtype=float)
        a = np.array([1 + audiences[r["by"]["audience"]] for r in rows])
        g = np.array([1 + len(audiences) + groups[r["by"]["workforce_group"]] for r in rows])
        for target in (np.zeros(len(rows), dtype=int), a, g):
            np.add.at(n, target, cell_n)
            np.add.at(sums, target, cell_s)
        counts = np.array([[r["items"]["counts"][c] for c in layout.categories] for r in rows],
                          dtype=float).sum(axis=0).T
    scores = []
    for level in ("dimensions", "colours"):
        width = len(layout.framework[level])
        if rows:
            total_n = np.array([r[level]["n"] for r in rows], dtype=float).sum(axis=0)
            total_s = np.array([r[level]["sum"] for r in rows], dtype=float).sum(axis=0)
            total_q = np.array([r[level]["sumsq"] for r in rows], dtype=float).sum(axis=0)
        else:
            total_n = total_s = total_q = np.zeros(width)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(total_n > 0, total_s / total_n, np.nan)
            var = (total_q - total_s * np.nan_to_num(mean)) / (total_n - 1)
            sd = np.where(total_n > 1, np.sqrt(np.maximum(var, 0)), np.nan)
        scores.append(np.stack([total_n, mean, sd], axis=1))
    return n, sums, counts, np.concatenate(scores)


def _from_analyses(data: dict[str, Any], layout: Layout
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A protected package: the published groups, NaN where withheld; sum = mean x n."""
    slots, size = layout.slots(), len(layout.items)
    n = np.full((slots, size), np.nan)
    sums = np.full((slots, size), np.nan)
    counts = np.full((size, len(layout.categories)), np.nan)
    scores = np.full((len(layout.framework["dimensions"]) + len(layout.framework["colours"]),
                      len(SCORE_FIELDS)), np.nan)
    by = {tuple(a["by"]): a for a in data["analyses"]}
    first = len(layout.audiences) + 1
    for field, order, offset in (("audience", layout.audiences, 1),
                                 ("workforce_group", layout.groups, first)):
        analysis = by.get((field,))
        if analysis is None:
            continue
        # every group of the breakdown: 0 where nobody answered, the figure where published
        n[offset:offset + len(order)] = 0.0
        sums[offset:offset + len(order)] = 0.0
        slot = {ident: offset + k for k, ident in enumerate(order)}
        groups = analysis["groups"]
        for group in groups[1:]:
            at = slot.get(group["by"][field], -1)
            if at >= 0:
                n[at], sums[at] = _published(group["items"])
        if field == "audience":
            n[0], sums[0] = _published(groups[0]["items"])
            items = groups[0]["items"]
            counts = np.array([[_number(v) for v in items["counts"][c]]
                               for c in layout.categories]).T
            scores = np.concatenate([
                np.stack([np.array([_number(v) for v in groups[0][level][f]])
                          for f in SCORE_FIELDS], axis=1)
                for level in ("dimensions", "colours")])
    return n, sums, counts, scores


def _published(level: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Respondents and sums of a published level: NaN where n or the mean is withheld
    (a mean is missing without being withheld only where nobody has a score)."""
    n = np.array([_number(v) for v in level["n"]])
    mean = np.array([_number(v) for v in level["mean"]])
    with np.errstate(invalid="ignore"):
        withheld = np.isnan(n) | ((n > 0) & np.isnan(mean))
        sums = np.where(n > 0, n * mean, 0.0)
    return np.where(withheld, np.nan, n), np.where(withheld, np.nan, sums)
