"""Disclosure control for national figures: one table of every figure, one pattern.

Every figure the national report publishes is registered once in a
:class:`NationalTable`, with what it counts (trusts, respondents, or a sum of scores),
how many trusts and respondents it rests on, and the linear relations a reader can
build between published figures (bands that add up to the trusts counted, groups that
add up to everyone, answer counts weighted by their scores that add up to the mean
times the respondents). A figure that appears in several places (a table, a chart, the
JSON) is one cell, so it is withheld everywhere or nowhere.

:func:`protect` is the one interface: the table in, the withheld cells (with reasons)
out. **Primary**: a figure resting on 1 to 4 trusts (``MIN_TRUSTS`` - 1) or on fewer
respondents than its threshold. **Secondary**, for now built on
:func:`owcf.stats.disclosure.protect` (a sum with one withheld member gets another
withheld), with two additions the national tables need: cells tied together
(a group's respondents and its mean) are withheld together, and each relation is checked
by intervals: a withheld cell whose smallest and largest values consistent with the
published figures and the bounds the reasons imply (``fewer than 5`` means 1 to 4, any
count is at least 0) lie less than 1 apart gets the smallest published member of a
relation it is in withheld too, until nothing changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from owcf.stats.disclosure import PRIMARY, FigureTable
from owcf.stats.disclosure import protect as protect_sums

MIN_TRUSTS = 5
TRUSTS, RESPONDENTS, SUM = "trusts", "respondents", "sum"
FEWER_TRUSTS, FEWER_RESPONDENTS, SECONDARY = "fewer-than-min-trusts", "fewer-than-min-cell", "secondary"
REASONS = {
    FEWER_TRUSTS: f"rests on fewer than {MIN_TRUSTS} trusts",
    FEWER_RESPONDENTS: "rests on fewer respondents than the threshold",
    SECONDARY: "withheld so that another withheld figure cannot be worked out from the "
               "published ones",
}


@dataclass
class Figure:
    """One published figure: its value, what it counts, and its primary reason if any."""

    key: str
    value: float
    kind: str
    primary: str | None
    threshold: int | None = None


@dataclass
class Relation:
    """``sum(coefficient * member) == total``, all cells of the table."""

    terms: list[tuple[int, float]]
    total: int


@dataclass
class NationalTable:
    """Every national figure, and how they relate."""

    figures: list[Figure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    ties: list[list[int]] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, value: float, kind: str, *, trusts: int | None = None,
            respondents: float | None = None, threshold: int | None = None) -> int:
        """Register a figure (once per ``key``; a second call returns the same cell)."""
        if key in self._index:
            return self._index[key]
        primary = None
        if trusts is not None and 0 < trusts < MIN_TRUSTS:
            primary = FEWER_TRUSTS
        elif respondents is not None and threshold is not None and 0 < respondents < threshold:
            primary = FEWER_RESPONDENTS
        self._index[key] = len(self.figures)
        self.figures.append(Figure(key, float(value), kind, primary, threshold))
        return self._index[key]

    def cell(self, key: str) -> int:
        return self._index[key]

    def relate(self, members: list[int] | list[tuple[int, float]], total: int) -> None:
        """``members`` (cells, or (cell, coefficient) pairs) add up to ``total``."""
        terms = [m if isinstance(m, tuple) else (m, 1.0) for m in members]
        if terms:
            self.relations.append(Relation(terms, total))

    def tie(self, cells: list[int]) -> None:
        """Withhold these cells together (a group's respondents, mean and trusts)."""
        if len(cells) > 1:
            self.ties.append(list(cells))


def bounds(figure: Figure, reason: str) -> tuple[float, float]:
    """What a reader knows of a withheld figure from its reason and what it counts."""
    if reason == FEWER_TRUSTS and figure.kind == TRUSTS:
        return 1.0, MIN_TRUSTS - 1.0
    if reason == FEWER_RESPONDENTS and figure.threshold is not None:
        return 1.0, figure.threshold - 1.0
    if reason in (FEWER_TRUSTS, FEWER_RESPONDENTS):
        return 1.0, math.inf
    return 0.0, math.inf


def protect(table: NationalTable) -> dict[int, str]:
    """The withheld cells of ``table``, each with its reason.

    Issue 11's method (one suppression pattern per data set, every relation protected)
    replaces the body of this function: it takes the same cells, primary reasons,
    relations and ties, and returns the same mapping.
    """
    figures = table.figures
    withheld: dict[int, str | None] = {i: f.primary for i, f in enumerate(figures) if f.primary}
    while True:
        before = -1
        while len(withheld) != before:  # the cheap rules first, until they rest
            before = len(withheld)
            for cell in _lone_members(table, withheld):
                withheld.setdefault(cell, SECONDARY)
            for tied in table.ties:
                if any(c in withheld for c in tied):
                    for c in tied:
                        withheld.setdefault(c, SECONDARY)
        picks, stuck = _cover_exposed(table, withheld)
        added = [c for c in picks if c not in withheld]
        if added:
            for cell in added:
                withheld[cell] = SECONDARY
            continue
        if not stuck:
            return {i: str(reason) for i, reason in sorted(withheld.items())}
        # nothing left to withhold, yet the reasons pin a figure (a total of 2 said to be
        # small, over two small members that must be 1 each): say less of the largest
        # small figure tied to it; "secondary" bounds it by 0 alone
        withheld[_largest_primary(table, withheld, stuck)] = SECONDARY


def _lone_members(table: NationalTable, withheld: dict[int, str | None]) -> list[int]:
    """Secondary suppression by owcf.stats.disclosure over the relations whose members
    simply add up: the cells it withholds beyond ``withheld``."""
    if not withheld:
        return []
    cells = FigureTable()
    values = np.array([f.value for f in table.figures])
    decided = np.full(len(values), -1, dtype=np.int8)
    decided[list(withheld)] = PRIMARY  # the cells withheld so far stay withheld
    # (reasons and bounds are this module's: to the sums, every withheld cell is at least 0)
    index = cells.add(values, np.zeros(len(values)), 2, fixed=decided)
    for relation in table.relations:
        if all(a == 1.0 for _, a in relation.terms):
            cells.add_up(index[[c for c, _ in relation.terms]], index[relation.total])
    state = protect_sums(cells)
    return [int(c) for c in np.flatnonzero(state) if int(c) not in withheld]


def _cover_exposed(table: NationalTable, withheld: dict[int, str | None]
                   ) -> tuple[list[int], list[int]]:
    """For each withheld cell a reader could pin down (see :func:`exposed`), the published
    cell whose withholding gives it room; and the pinned cells no published cell can
    help."""
    picks: list[int] = []
    stuck: list[int] = []
    for cell in exposed(table, withheld):
        pick = _cover(table, table.relations, cell, withheld)
        if pick is None:
            stuck.append(cell)
        elif pick not in picks:
            picks.append(pick)
    return picks, stuck


def _largest_primary(table: NationalTable, withheld: dict[int, str | None],
                     stuck: list[int]) -> int:
    """The withheld figure with a primary reason, tied to the first of ``stuck`` through
    relations between withheld figures, with the largest value (the first on a tie)."""
    cells = next(cells for cells, _ in _components(table.relations, withheld)
                 if stuck[0] in cells)
    # a pinned figure with no small one near it would be a bug: max() then fails loudly
    small = [c for c in cells if withheld[c] not in (None, SECONDARY)]
    return max(small, key=lambda c: (table.figures[c].value, -c))


def exposed(table: NationalTable, withheld: dict[int, str | None]) -> list[int]:
    """Withheld cells whose smallest and largest values consistent with every published
    figure, every relation and the bounds the reasons imply lie less than 1 apart.

    Each group of withheld cells tied by relations is taken on its own; each cell's
    range comes from two linear programs, its largest and its smallest value."""
    figures = table.figures
    touching = [r for r in table.relations
                if r.total in withheld or any(c in withheld for c, _ in r.terms)]
    found: list[int] = []
    for cells, members in _components(touching, withheld):
        column = {c: k for k, c in enumerate(cells)}
        A = np.zeros((len(members), len(cells)))
        b = np.zeros(len(members))
        for r, relation in enumerate(members):
            for c, a in [*relation.terms, (relation.total, -1.0)]:
                if c in withheld:
                    A[r, column[c]] += a
                else:
                    b[r] -= a * figures[c].value
        limits = [bounds(figures[c], withheld[c] or SECONDARY) for c in cells]
        lo = np.array([low for low, _ in limits])
        hi = np.array([high for _, high in limits])
        for k, cell in enumerate(cells):
            if _range(A, b, lo, hi, k) < 1 - 1e-6:
                found.append(cell)
    return found


def _range(A: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int) -> float:
    """Largest minus smallest value of cell ``k``, by linear programming."""
    from scipy.optimize import linprog

    limits = [(low, None if math.isinf(high) else high) for low, high in zip(lo, hi, strict=True)]
    goal = np.zeros(len(lo))
    ends = []
    for sign in (-1.0, 1.0):  # maximise, then minimise
        goal[k] = sign
        solved = linprog(goal, A_eq=A, b_eq=b, bounds=limits, method="highs")
        if solved.status == 3:  # unbounded: only upwards, as every cell is at least 0
            return math.inf
        if solved.status != 0:  # infeasible cannot happen with the true values; be safe
            return 0.0
        ends.append(sign * solved.fun)
    return ends[0] - ends[1]


def _components(relations: list[Relation], withheld: dict[int, str | None]
                ) -> list[tuple[list[int], list[Relation]]]:
    """Withheld cells grouped by the relations that tie them, each group with its
    relations, in a fixed order."""
    parent: dict[int, int] = {}

    def find(c: int) -> int:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for relation in relations:
        cells = [c for c in [*(c for c, _ in relation.terms), relation.total] if c in withheld]
        for c in cells[1:]:
            parent[find(c)] = find(cells[0])
    groups: dict[int, tuple[list[int], list[Relation]]] = {}
    for relation in relations:
        cells = [c for c in [*(c for c, _ in relation.terms), relation.total] if c in withheld]
        if cells:
            entry = groups.setdefault(find(cells[0]), ([], []))
            entry[1].append(relation)
            for c in cells:
                if c not in entry[0]:
                    entry[0].append(c)
    return [(sorted(cells), members) for _, (cells, members) in sorted(groups.items())]


def _cover(table: NationalTable, relations: list[Relation], cell: int,
           withheld: dict[int, str | None]) -> int | None:
    """The published cell to withhold so that ``cell`` gains room: the smallest non-zero
    member (a total only when no member will do) of the relations that tie ``cell`` to
    the figures it was worked out from, that is, of every relation reachable from
    ``cell`` through withheld cells."""
    figures = table.figures
    reached = {cell}
    frontier = [cell]
    seen: set[int] = set()
    while frontier:
        current = frontier.pop()
        for number, relation in enumerate(relations):
            cells = [c for c, _ in relation.terms] + [relation.total]
            if number in seen or current not in cells:
                continue
            seen.add(number)
            for c in cells:
                if c in withheld and c not in reached:
                    reached.add(c)
                    frontier.append(c)
    members: list[int] = []
    totals: list[int] = []
    for number in sorted(seen):
        relation = relations[number]
        members += [c for c, _ in relation.terms if c not in withheld]
        if relation.total not in withheld:
            totals.append(relation.total)
    # a sum of scores is tied to its respondents, so either brings the other; counts first
    pools = ([c for c in members if figures[c].kind != SUM],
             [c for c in members if figures[c].kind == SUM], totals)
    for pool in pools:
        nonzero = [c for c in pool if figures[c].value > 0]
        if nonzero:
            return min(nonzero, key=lambda c: (figures[c].value, c))
    return None
