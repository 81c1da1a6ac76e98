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
relations, each as ``{cell: coefficient}`` meaning ``sum(coefficient * cell) == 0``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import block_diag, coo_array

Relation = Mapping[str, float]


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
        # one LP per cell gives its whole range: two copies of the unknowns, x and y, each
        # meeting every relation and bound; the largest x_k - y_k is max - min
        size = len(cells)
        twice = block_diag([A, A], format="csr")
        for k, cell in enumerate(cells):
            if only is not None and cell not in only:
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
    return sorted(set(out))


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
