"""An independent audit of a suppression pattern, as statistical offices run it.

For every withheld figure, the smallest and largest values consistent with everything
published are found by linear programming (scipy's HiGHS; one program per figure, with
the unknowns twice over, maximises the largest minus the smallest): the published figures, the
linear relations a reader can build between figures from the published outputs, and the
bounds the published reasons imply (``fewer than 5`` means 1 to 4; any count is at least
0). A withheld figure whose range is less than 1 wide is disclosed: a reader can work it
out. This is the check tau-argus and sdcTable run; it knows nothing of how owcf chose
what to withhold.

Reusable: give it the published cells, the withheld cells with their bounds, and the
relations, each as ``{cell: coefficient}`` meaning ``sum(coefficient * cell) == 0``;
:func:`reader` writes them down from ``owcf analyse --format json`` outputs.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import block_diag, coo_array
from scipy.sparse.linalg import lsqr

Relation = Mapping[str, float]
LEVELS = ("colours", "dimensions", "items")
#: how the names of quantities no output states begin (how many of a group's respondents
#: are asked an item): unknowns a reader reasons with, never reported as worked out
UNKNOWN = "?"


def is_figure(cell: str) -> bool:
    """Whether a cell :func:`reader` names is a figure an output states, published or
    withheld (not one of the unknowns it reasons with)."""
    return not cell.startswith(UNKNOWN)


def name(key: Mapping[str, Any], *rest: str) -> str:
    """The audit's name for a group's figure: the group's key, then what the figure is."""
    return "|".join([",".join(f"{k}={v}" for k, v in sorted(key.items())), *rest])


def reader(outputs: Sequence[Mapping[str, Any]], framework: Any, questionnaire: Any
           ) -> tuple[dict[str, float], dict[str, tuple[float, float]], list[dict[str, float]]]:
    """What a reader of ``outputs`` (the JSON of runs on one data set) knows: the
    published figures, the withheld ones with the bounds their reasons give, and every
    sum between figures written down from the questionnaire and the outputs alone.

    The sums: groups of one field add up to everyone, and crossed groups to the groups
    of each field and to everyone (figure by figure: respondents, ``n``, answer counts,
    sums of scores, a mean times its ``n``); an item's answers on the scale add up to its ``n`` and,
    weighted by their positions, to its sum of scores; a row's answers add up to the
    group's respondents when every audience is asked the item (for an item asked of some
    audiences: in a group of one audience, its respondents or 0; in any other, the sum
    of its audiences' crossed groups' respondents where a run gives them, else one
    unknown, the same for every item asked of the same audiences); items add up to
    dimensions and dimensions to colours, answer by answer. Bounds: a group withheld as
    fewer than its threshold has 1 to the threshold - 1 respondents, any other withheld
    group at least 1 (an output lists only groups with respondents); any other figure
    withheld (``withheld``: small or protecting one, not said which, and a 0 may be one)
    at least 0, as is one left out with no reason (an output stating a figure
    ``fewer-than-min-cell``, as older ones did, bounds it 1 to its threshold - 1, per
    answer a respondent gives to it; ``secondary``, at least 1)."""
    from owcf.stats.tally import slot_positions

    q = questionnaire
    audiences = [a.id for a in framework.audiences]
    asked_of = {i.id: tuple(sorted(audiences if i.audiences is None else i.audiences))
                for i in q.items}
    everyone_asked = {i for i, asked in asked_of.items() if len(asked) == len(audiences)}
    runs = {frozenset(data["by"]) for data in outputs}
    positions = {i.id: slot_positions(q, framework, i) for i in q.items}
    items_of = {d.id: [i.id for i in q.items_for(d.id)] for d in framework.dimensions}
    dims_of = {c.id: [d.id for d in c.dimensions] for c in framework.colours}
    published: dict[str, float] = {}
    withheld: dict[str, tuple[float, float]] = {}
    labels: list[str] = []
    keys: dict[str, dict[str, Any]] = {}

    def put(cell: str, value: Any, reason: str | None, upper: float, least: float = 1.0
            ) -> None:
        if value is not None:
            published[cell] = float(value)
        elif reason == "fewer-than-min-cell":
            withheld[cell] = (1.0, upper)
        else:
            withheld[cell] = (least if reason == "secondary" else 0.0, math.inf)

    for data in outputs:
        labels = data["categories"]
        for g in data["groups"]:
            key, thr = g["by"], g["threshold"]
            keys[name(key)] = key
            put(name(key, "respondents"), g["respondents"],
                (g["suppressed"] or {}).get("respondents"), thr - 1)
            for level in LEVELS:
                for e in g[level]:
                    sup = e["suppressed"] or {}
                    k = (len(items_of[e["id"]]) if level == "dimensions" else
                         sum(len(items_of[d]) for d in dims_of[e["id"]]) if level == "colours"
                         else 1)
                    put(name(key, e["id"], "n"), e["n"], sup.get("n"), thr - 1)
                    mean = e["mean"]  # (no mean of nobody: its sum of scores is 0)
                    put(name(key, e["id"], "S"), 0.0 if e["n"] == 0 else
                        None if mean is None or e["n"] is None else mean * e["n"],
                        "secondary", math.inf, least=0.0)
                    for lab in labels:
                        put(name(key, e["id"], lab), e["counts"][lab],
                            sup.get(f"counts.{lab}"), (thr - 1) * k)
    for cell in list(withheld):  # a figure published in one output is published
        if cell in published:
            del withheld[cell]
    scale = [lab for lab in labels if lab not in ("blank", *[n.code for n in q.non_answers])]
    units = ([c.id for c in framework.colours] + [d.id for d in framework.dimensions]
             + [i.id for i in q.items])
    fields_of = ["respondents"] + [f"{u}|{f}" for u in units for f in ("n", "S", *labels)]
    relations: list[dict[str, float]] = []
    # groups that split a larger one: every group whose key drops some fields of theirs
    # (a run's groups are every combination with respondents, so those of a crossing
    # split everyone even when no output gives the single fields' groups)
    splits: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for label, key in keys.items():
        for size in range(1, len(key) + 1):
            for dropped in combinations(sorted(key), size):
                parent = {f: v for f, v in key.items() if f not in dropped}
                if name(parent) in keys:
                    splits.setdefault((name(parent), dropped), []).append(label)
    for (parent, _), members in sorted(splits.items()):
        for unit_field in fields_of:
            relations.append({f"{parent}|{unit_field}": -1.0,
                              **{f"{m}|{unit_field}": 1.0 for m in members}})
    for key in keys:
        for i in q.items:
            row = {f"{key}|{i.id}|{lab}": 1.0 for lab in scale}
            relations.append({**row, f"{key}|{i.id}|n": -1.0})
            pos = positions[i.id]
            relations.append({**{f"{key}|{i.id}|{lab}": float(pos[c])
                                 for c, lab in enumerate(labels) if lab in scale},
                              f"{key}|{i.id}|S": -1.0})
            row = {f"{key}|{i.id}|{lab}": 1.0 for lab in labels}
            fields = keys[key]
            if i.id in everyone_asked:
                relations.append({**row, f"{key}|respondents": -1.0})
            elif "audience" in fields:
                asked = fields["audience"] in asked_of[i.id]
                relations.append({**row, **({f"{key}|respondents": -1.0} if asked else {})})
            elif frozenset([*fields, "audience"]) in runs:  # (a group not listed has none)
                crossed = [name({**fields, "audience": a}, "respondents")
                           for a in asked_of[i.id]]
                relations.append({**row, **{c: -1.0 for c in crossed
                                            if c in published or c in withheld}})
            else:
                asked_here = f"{UNKNOWN}{key}|asked:{'+'.join(asked_of[i.id])}"
                withheld[asked_here] = (0.0, math.inf)
                relations.append({**row, asked_here: -1.0})
        for lab in labels:
            for d, its in items_of.items():
                if its:
                    relations.append({f"{key}|{d}|{lab}": -1.0,
                                      **{f"{key}|{i}|{lab}": 1.0 for i in its}})
            for c, ds in dims_of.items():
                relations.append({f"{key}|{c}|{lab}": -1.0,
                                  **{f"{key}|{d}|{lab}": 1.0 for d in ds}})
    known = set(published) | set(withheld)
    return published, withheld, [r for r in relations if set(r) <= known]


def withheld_as_small(bounds: tuple[float, float]) -> bool:
    """Whether a withheld figure's bounds (from :func:`reader`) are those of one withheld
    as small: its reason gives it a top."""
    return bounds[1] < math.inf


def disclosed(published: Mapping[str, float], withheld: Mapping[str, tuple[float, float]],
              relations: Sequence[Relation], width: float = 1.0,
              only: Collection[str] | None = None) -> list[str]:
    """The withheld cells whose minimum and maximum differ by less than ``width``.

    ``published`` maps each published cell to its value; ``withheld`` each withheld cell
    to the (lower, upper) bounds its reason implies (upper may be ``math.inf``). Every
    cell a relation names must be in one of the two.
    """
    unknown = sorted({c for r in relations for c in r} - set(published) - set(withheld))
    assert not unknown, f"relations name cells neither published nor withheld: {unknown[:5]}"
    live = [r for r in relations if any(c in withheld for c in r)]
    out = []
    for cells, members in _components(live, withheld):
        if only is not None and not any(c in only for c in cells):
            continue
        column = {c: k for k, c in enumerate(cells)}
        rows, cols, data = [], [], []
        b = np.zeros(len(members))
        for row, relation in enumerate(members):
            for cell, a in relation.items():
                if cell in withheld:
                    rows.append(row)
                    cols.append(column[cell])
                    data.append(a)
                else:
                    b[row] -= a * published[cell]
        A = coo_array((data, (rows, cols)), shape=(len(members), len(cells))).tocsr()
        limits = [(withheld[c][0], None if math.isinf(withheld[c][1]) else withheld[c][1])
                  for c in cells]
        # cells that two consistent answers already set 1 apart need no LP of their own
        apart = _apart(A, b, limits, width)
        # one LP per cell gives its whole range: two copies of the unknowns, x and y, each
        # meeting every relation and bound; the largest x_k - y_k is max - min
        size = len(cells)
        twice = block_diag([A, A], format="csr")
        for k, cell in enumerate(cells):
            if (only is not None and cell not in only) or apart[k]:
                continue
            goal = np.zeros(2 * size)
            goal[k], goal[size + k] = -1.0, 1.0
            result = linprog(goal, A_eq=twice, b_eq=np.concatenate([b, b]),
                             bounds=limits + limits, method="highs")
            if result.status == 3:  # unbounded: the range is infinite
                continue
            assert result.status == 0, f"{cell}: {result.message}"
            if -result.fun < width - 1e-6:
                out.append(cell)
    # withheld cells in no relation keep the whole range their reason allows
    out += [c for c, (lo, hi) in withheld.items()
            if hi - lo < width - 1e-6 and not any(c in r for r in live)
            and (only is None or c in only)]
    return sorted(c for c in set(out) if is_figure(c))


def pinned_by_sums(withheld: Collection[str], relations: Sequence[Relation]) -> list[str]:
    """The withheld cells the relations alone determine, whatever any bound says: those in
    the row space of the relations over the withheld cells. A random vector projected on
    their null space (least squares, scipy's LSQR) is 0 there and nowhere else, bar
    chance; on random tables this finds exactly what :func:`disclosed` finds with every
    bound read away, and it takes seconds where the LP over every output at once takes
    hours. A lower bound on what a reader works out (bounds pin more)."""
    cells = sorted({c for r in relations for c in r if c in withheld})
    if not cells:
        return []
    column = {c: k for k, c in enumerate(cells)}
    rows, cols, data = [], [], []
    for number, relation in enumerate(r for r in relations if any(c in column for c in r)):
        for cell, a in relation.items():
            if cell in column:
                rows.append(number)
                cols.append(column[cell])
                data.append(a)
    A = coo_array((data, (rows, cols)), shape=(max(rows) + 1, len(cells))).tocsr()
    z = np.random.default_rng(0).normal(size=len(cells))
    # z less its part in the row space: the least-squares w of A.T w = z
    w = lsqr(A.T, z, atol=1e-14, btol=1e-14, iter_lim=100_000)[0]
    y = z - A.T @ w
    scale = np.abs(y).max()
    return [c for c, v in zip(cells, np.abs(y), strict=True)
            if v < 1e-9 * scale and is_figure(c)]


def _apart(A: Any, b: np.ndarray, limits: list[tuple[float, float | None]], width: float,
           tries: int = 6) -> np.ndarray:
    """Per cell, whether some of a few consistent sets of values (the corners a random
    goal reaches, below a cap on the unbounded cells) lie ``width`` apart in it: proof
    enough that its range is that wide, and far cheaper than its own LP."""
    rng = np.random.default_rng(0)
    capped = [(lo, hi if hi is not None else lo + 1e6) for lo, hi in limits]
    seen_lo = np.full(len(limits), np.inf)
    seen_hi = np.full(len(limits), -np.inf)
    for _ in range(tries):
        result = linprog(rng.normal(size=len(limits)), A_eq=A, b_eq=b, bounds=capped,
                         method="highs")
        if result.status != 0:  # (a cap that cuts off every answer proves nothing)
            break
        seen_lo, seen_hi = np.minimum(seen_lo, result.x), np.maximum(seen_hi, result.x)
    return seen_hi - seen_lo >= width + 1e-6


def _components(relations: Sequence[Relation], withheld: Mapping[str, tuple[float, float]]
                ) -> list[tuple[list[str], list[Relation]]]:
    """Withheld cells grouped by the relations between them (each LP stays small)."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for relation in relations:
        cells = [c for c in relation if c in withheld]
        for c in cells[1:]:
            parent[find(c)] = find(cells[0])
    groups: dict[str, tuple[list[str], list[Relation]]] = {}
    for relation in relations:
        cells = [c for c in relation if c in withheld]
        entry = groups.setdefault(find(cells[0]), ([], []))
        entry[1].append(relation)
        entry[0].extend(c for c in cells if c not in entry[0])
    return [(sorted(cells), members) for cells, members in groups.values()]
