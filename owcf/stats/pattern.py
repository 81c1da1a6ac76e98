"""The suppression pattern of a data set: every figure its outputs can publish, and the
sums a reader can build between them, registered once in a
:class:`~owcf.stats.disclosure.FigureTable`.

For each group (everyone, every group of every protected field, any other grouping a
run asks for) the figures are its respondents; for each colour, dimension and item its
``n``, the sums of scores and of their squares behind its mean and SD, and its answer
counts. The sums are the ones a reader can write down from the outputs:

* groups that split a larger group add up to it, figure by figure (sums of scores too:
  a mean times its ``n``);
* an item's answers on the scale add up to its ``n``, and a row's answers (blank
  included) to the answers asked for, which a reader can work out;
* items add up to their dimension and dimensions to their colour, answer by answer.

A figure withheld takes with it what would give it away: an ``n`` its mean and SD, and
an item's answer on the scale its mean and SD (they are the answers weighted by their
positions, so one more sum).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.stats.disclosure import FigureTable, protect
from owcf.stats.tally import slot_positions

LEVELS = ("colour", "dimension", "item")


@dataclass
class LevelTotals:
    """One level's unweighted figures for every group: (G, U) and (G, U, C)."""

    n: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    counts: np.ndarray
    contributors: np.ndarray


@dataclass
class GroupTotals:
    """The unweighted figures of a list of groups, and how the groups split each other."""

    size: np.ndarray                      # (G,)
    threshold: np.ndarray                 # (G,)
    #: the audience a group is keyed by (None for everyone and other groups)
    audience: list[str | None]
    levels: dict[str, LevelTotals]
    #: (parent row, child rows): the children split the parent's respondents
    partitions: list[tuple[int, list[int]]]


@dataclass
class Pattern:
    """SHOWN / PRIMARY / SECONDARY / UNSTATED per figure, shaped like :class:`GroupTotals`."""

    size: np.ndarray
    n: dict[str, np.ndarray]
    stats: dict[str, np.ndarray]          # a mean and SD (their sums), per (G, U)
    counts: dict[str, np.ndarray]


def protect_groups(totals: GroupTotals, framework: Framework, questionnaire: Questionnaire,
                   decided: Pattern | None = None) -> Pattern:
    """The suppression pattern of ``totals``; with ``decided``, the first groups keep the
    states given there (a pattern worked out before, which this one extends)."""
    table = FigureTable()
    if decided is not None:
        decided = _extend(decided, totals)
    cells = _register(table, totals, framework, questionnaire, decided)
    _relate(table, cells, totals, framework, questionnaire)
    state = protect(table)
    return Pattern(state[cells["size"]],
                   {k: state[cells[f"n.{k}"]] for k in LEVELS},
                   {k: state[cells[f"s1.{k}"]] for k in LEVELS},
                   {k: state[cells[f"counts.{k}"]] for k in LEVELS})


def _extend(decided: Pattern, totals: GroupTotals) -> Pattern:
    """``decided`` (the first groups) over every group of ``totals``: -1 (undecided) for
    the new ones."""
    known = len(decided.size)

    def grow(family: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.full(values.shape, -1, dtype=np.int8)
        out[:known] = family
        return out

    lv = totals.levels
    return Pattern(grow(decided.size, totals.size),
                   {k: grow(v, lv[k].n) for k, v in decided.n.items()},
                   {k: grow(v, lv[k].s1) for k, v in decided.stats.items()},
                   {k: grow(v, lv[k].counts) for k, v in decided.counts.items()})


def _register(table: FigureTable, totals: GroupTotals, framework: Framework,
              q: Questionnaire, decided: Pattern | None) -> dict[str, np.ndarray]:
    thr = totals.threshold.astype(float)
    cells: dict[str, np.ndarray] = {}
    # (outputs say when a group is fewer than its threshold; a group they list has
    # respondents: its size is at least 1)
    cells["size"] = table.add(totals.size, totals.size, thr,
                              fixed=decided.size if decided else None, rank=2,
                              stated=True, least=1.0, dear=10.0)
    for name in LEVELS:
        lv = totals.levels[name]
        cells[f"n.{name}"] = table.add(  # (an n takes its mean with it: after counts)
            lv.n, lv.n, thr[:, None], fixed=decided.n[name] if decided else None, rank=1)
        # (an item's answers, which no report table shows, break chains of sums; the
        # report shows colours' answers, so reading every sum at once takes them last)
        cells[f"counts.{name}"] = table.add(
            lv.counts, lv.contributors, thr[:, None, None],
            fixed=decided.counts[name] if decided else None, breaks_chains=name == "item",
            dear={"colour": 10.0, "dimension": 3.0, "item": 1.0}[name])
        stats = decided.stats[name] if decided else None
        cells[f"s1.{name}"] = table.add_sums(lv.s1, fixed=stats)
        cells[f"s2.{name}"] = table.add_sums(lv.s2, fixed=stats)
        table.imply(cells[f"n.{name}"], cells[f"s1.{name}"])
        table.imply(cells[f"s1.{name}"], cells[f"s2.{name}"])
        table.imply(cells[f"s2.{name}"], cells[f"s1.{name}"])
    if q.items:
        scale = _on_scale(q, framework)
        on_scale = cells["counts.item"][:, :, scale]
        table.imply(on_scale, np.broadcast_to(cells["s1.item"][:, :, None], on_scale.shape))
        # an item's sums of scores are its answers on the scale times their positions
        # (and their squares): the sums read all at once need them to move together
        position = np.array([slot_positions(q, framework, i)[scale] for i in q.items])  # (U, S)
        for power, family in ((1, "s1.item"), (2, "s2.item")):
            weights = np.broadcast_to(np.append(position ** power, -np.ones((len(q.items), 1)),
                                                axis=1), (*on_scale.shape[:2], scale.sum() + 1))
            table.add_weighted(np.concatenate([on_scale, cells[family][:, :, None]], axis=2),
                               weights)
    return cells


def _relate(table: FigureTable, cells: Mapping[str, np.ndarray], totals: GroupTotals,
            framework: Framework, q: Questionnaire) -> None:
    families = ["size", *(f"{kind}.{name}" for name in LEVELS
                          for kind in ("n", "counts", "s1", "s2"))]
    for parent, children in totals.partitions:
        for family in families:
            index = cells[family]
            table.add_up(np.moveaxis(index[children], 0, -1), index[parent])
    items, dims, colours = (cells[f"counts.{k}"] for k in ("item", "dimension", "colour"))
    item_index = {i.id: u for u, i in enumerate(q.items)}
    dim_index = {d.id: j for j, d in enumerate(framework.dimensions)}
    of_dimension = [[item_index[i.id] for i in q.items_for(d.id)] for d in framework.dimensions]
    for j, members in enumerate(of_dimension):
        if members:
            part = items[:, members, :]
            table.add_up(np.moveaxis(part, 1, -1), dims[:, j, :])
            # a withheld answer count takes its dimension's count of that answer with it:
            # read with the rows and the other groups, that count less the items' gives
            # withheld ones away (most of what an LP audit worked out went this way)
            table.imply(part, np.broadcast_to(dims[:, j:j + 1, :], part.shape))
    of_colour = [[u for d in c.dimensions for u in of_dimension[dim_index[d.id]]]
                 for c in framework.colours]
    for k, colour in enumerate(framework.colours):
        members = [dim_index[d.id] for d in colour.dimensions]
        table.add_up(np.moveaxis(dims[:, members, :], 1, -1), colours[:, k, :])
        # and its items' straight: where dimensions follow their items, a reader adds those
        if of_colour[k]:
            table.add_up(np.moveaxis(items[:, of_colour[k], :], 1, -1), colours[:, k, :])
    _relate_rows(table, cells, totals, framework, q)
    if q.items:  # an item's answers on the scale add up to its n
        scale = _on_scale(q, framework)
        table.add_up(items[:, :, scale], cells["n.item"])
        # so a colour's items' n add up to its answers on the scale: the report shows
        # those, so protecting this sum takes another n first
        answered = int(scale.sum())
        for k, members in enumerate(of_colour):
            if members:
                table.add_relation(
                    np.hstack([cells["n.item"][:, members], colours[:, k, scale]]),
                    np.concatenate([np.ones(len(members)), -np.ones(answered)]),
                    late=np.arange(len(members) + answered) >= len(members))


def _per_unit(framework: Framework, q: Questionnaire, items: np.ndarray
              ) -> dict[str, np.ndarray]:
    """A number per item (``items``) summed up to each dimension and colour, per level."""
    dims = np.array([sum(items[u] for u, i in enumerate(q.items) if i.dimension == d.id)
                     for d in framework.dimensions], dtype=float)
    index = {d.id: j for j, d in enumerate(framework.dimensions)}
    colours = np.array([sum(dims[index[d.id]] for d in c.dimensions) for c in framework.colours],
                       dtype=float)
    return {"item": np.asarray(items, dtype=float), "dimension": dims, "colour": colours}


def _on_scale(q: Questionnaire, framework: Framework) -> np.ndarray:
    """Which answer categories (blank last) are on the scale, so scored."""
    return ~np.isnan(slot_positions(q, framework, q.items[0]))


def _asked_of(framework: Framework, q: Questionnaire) -> dict[str, dict[str, np.ndarray]]:
    """Per level, per audience, how many of each unit's items the audience is asked (the
    answers one of its respondents gives to the unit, blanks included)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for a in framework.audiences:
        asked = np.array([i.audiences is None or a.id in i.audiences for i in q.items], dtype=float)
        for name, units in _per_unit(framework, q, asked).items():
            out.setdefault(name, {})[a.id] = units
    return out


def _relate_rows(table: FigureTable, cells: Mapping[str, np.ndarray], totals: GroupTotals,
                 framework: Framework, q: Questionnaire) -> None:
    """A row's answers (blanks included) add up to the answers asked for: for a group of
    one audience, its respondents times the unit's items they are asked; for everyone,
    the audiences' respondents so; for any group when every audience is asked the same
    items, its respondents so. Elsewhere (a workforce group asked by some audiences
    only) no output states the total, yet a reader might work it out: it counts as
    known. An item's answers off the scale and its ``n`` add up to the same total (its
    answers on the scale add up to its ``n``: one more sum a reader reads, and the one
    that gives away a lone non-answer)."""
    audiences = [a.id for a in framework.audiences]
    audience_row = {a: g for g, a in enumerate(totals.audience) if a is not None
                    and totals.partitions and g in totals.partitions[0][1]}
    size = cells["size"]
    off_scale = ~_on_scale(q, framework) if q.items else np.zeros(0, dtype=bool)
    for name, asked in _asked_of(framework, q).items():
        counts = cells[f"counts.{name}"]
        per = np.array([asked[a] for a in audiences]).reshape(len(audiences), counts.shape[1])
        same = (per == per[:1]).all(axis=0)  # every audience asked the same items

        def rows(g: int, u: int, name: str = name, counts: np.ndarray = counts
                 ) -> list[np.ndarray]:
            """A row's answers; for an item, also its answers off the scale with its n
            (for dimensions and colours the same sums cost the report whole groups'
            rows and protect little: see issue 11's notes)."""
            if name != "item":
                return [counts[g, u]]
            return [counts[g, u], np.append(counts[g, u][off_scale], cells["n.item"][g, u])]

        unknown = []
        for u in range(counts.shape[1]):
            for g, key in enumerate(totals.audience):
                if key is not None or same[u]:
                    times = asked[key][u] if key is not None else per[0, u]
                    if times == 0:  # nobody in the group is asked: a reader knows its 0s
                        table.know(counts[g, u])
                        if name == "item":
                            table.know(cells["n.item"][g, u])
                        continue
                    for row in rows(g, u):
                        table.add_equal(row, size[g:g + 1], times)
                elif g == 0 and audience_row:  # (an audience with no respondents adds 0)
                    sizes = [(size[row], asked[a][u]) for a, row in sorted(audience_row.items())
                             if asked[a][u] > 0]
                    for row in rows(g, u) if sizes else ():
                        table.add_equal(row, np.array([c for c, _ in sizes]),
                                        np.array([t for _, t in sizes]))
                else:
                    unknown.append((g, u))
        if unknown:
            # how many of a group were asked an item is one number for every item asked
            # of the same audiences: one unknown for them all, as a reader ties them
            # (any whose total differs, as respondents of no audience make it, apart)
            total = totals.levels[name].counts.sum(axis=2)
            ties = [(g, per[:, u].tobytes() if name == "item" else u, total[g, u])
                    for g, u in unknown]
            index = {tie: k for k, tie in enumerate(dict.fromkeys(ties))}
            hidden = table.add_hidden(np.array([tie[-1] for tie in index], dtype=float))
            for (g, u), tie in zip(unknown, ties, strict=True):
                for row in rows(g, u):
                    table.add_up(row[None], hidden[index[tie]:index[tie] + 1])
