"""Disclosure control: which published figures must be withheld.

Every figure one data set's outputs can publish is registered once in a
:class:`FigureTable`, with the sums a reader can build between figures (groups add up to
everyone, answer counts add up along a row and from items to colours...), so every
output of that data reads the same pattern. :func:`protect` decides it:

* **Primary**: a figure resting on 1 to threshold - 1 respondents. A figure of 0 is
  never withheld and never chosen as protection: a true zero shows as 0.
* A withheld figure takes with it what would give it away (:meth:`FigureTable.imply`:
  an ``n`` its mean and SD).
* **Secondary**: wherever figures add up and exactly one of them is withheld, the
  smallest other non-zero one is withheld too (a quantity no output states but a reader
  can work out, such as how many were asked an item, counts as known); this repeats
  until no sum has a lone withheld figure. Figures decided before (a pattern this one
  extends) keep their state.
"""

from __future__ import annotations

from collections import deque

import numpy as np

SHOWN, PRIMARY, SECONDARY = 0, 1, 2
REASONS = {PRIMARY: "fewer-than-min-cell", SECONDARY: "secondary"}


class FigureTable:
    """Every figure of a data set, in blocks, and the sums that hold between them."""

    def __init__(self) -> None:
        self._values: list[np.ndarray] = []
        self._primary: list[np.ndarray] = []
        self._hidden: list[np.ndarray] = []
        self._fixed: list[np.ndarray] = []
        self.size = 0
        #: blocks of sums, one per row: the cells of a row add up (the last one is the
        #: total; which one is the total does not change what is withheld)
        self.sums: list[np.ndarray] = []
        self.implied: list[tuple[np.ndarray, np.ndarray]] = []

    def _block(self, values: np.ndarray, primary: np.ndarray | np.bool_, hidden: bool,
               fixed: np.ndarray | None) -> np.ndarray:
        values = np.asarray(values)
        index = np.arange(self.size, self.size + values.size).reshape(values.shape)
        self._values.append(values.ravel())
        self._primary.append(np.broadcast_to(primary, values.shape).ravel())
        self._hidden.append(np.full(values.size, hidden))
        self._fixed.append(np.full(values.size, -1) if fixed is None
                           else np.broadcast_to(fixed, values.shape).ravel())
        self.size += values.size
        return index

    def add(self, values: np.ndarray, basis: np.ndarray, threshold: np.ndarray | int,
            fixed: np.ndarray | None = None) -> np.ndarray:
        """Register figures ``values`` resting on ``basis`` respondents: primary when
        ``0 < basis < threshold`` and the figure is not 0. ``fixed`` gives states decided
        already (-1 where not). Returns each figure's cell, shaped like ``values``."""
        values, basis = np.asarray(values), np.asarray(basis)
        return self._block(values, (basis > 0) & (basis < threshold) & (values != 0), False,
                           fixed)

    def add_sums(self, values: np.ndarray, fixed: np.ndarray | None = None) -> np.ndarray:
        """Register sums of scores (a mean times its ``n``): never primary themselves."""
        return self._block(values, np.False_, False, fixed)

    def add_hidden(self, values: np.ndarray) -> np.ndarray:
        """Register quantities no output states but a reader can work out (they count as
        known, and are never withheld)."""
        return self._block(values, np.False_, True, None)

    def add_up(self, members: np.ndarray, totals: np.ndarray) -> None:
        """Each row of ``members`` (cells along the last axis) adds up to the matching
        cell of ``totals``."""
        members = np.asarray(members, dtype=np.int64)  # (cells joined with [] come as floats)
        if members.size:  # (a sum of nothing, such as the groups of no respondents, says nothing)
            width = members.shape[-1]
            rows = members.reshape(members.size // width, width)
            self.sums.append(np.hstack([rows, np.asarray(totals).ravel()[:, None]]))

    def imply(self, cells: np.ndarray, then: np.ndarray) -> None:
        """Withholding ``cells[i]`` withholds ``then[i]`` too (a mean goes with its n)."""
        a, b = np.broadcast_arrays(np.asarray(cells), np.asarray(then))
        self.implied.append((a.ravel(), b.ravel()))

    def arrays(self) -> dict[str, np.ndarray]:
        def cat(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0)  # (an empty table: no figures)
        return {"values": cat(self._values), "primary": cat(self._primary),
                "hidden": cat(self._hidden), "fixed": cat(self._fixed)}


def protect(table: FigureTable) -> np.ndarray:
    """SHOWN / PRIMARY / SECONDARY for every figure of ``table`` (hidden ones: SHOWN,
    as they are never published)."""
    data = table.arrays()
    values, hidden, fixed = data["values"], data["hidden"], data["fixed"]
    state = np.where(data["primary"], np.int8(PRIMARY), np.int8(SHOWN))
    decided = fixed >= 0
    state[decided] = fixed[decided]
    if not state.any():
        return state
    rows = [row for block in table.sums for row in block]
    rows_of: dict[int, list[int]] = {}
    for number, cells in enumerate(rows):
        for c in cells.tolist():
            rows_of.setdefault(c, []).append(number)
    while True:
        before = int(np.count_nonzero(state))
        _close(table, state, decided)
        _lone_members(rows, rows_of, state, values, decided | hidden)
        if int(np.count_nonzero(state)) == before:
            return state


def _close(table: FigureTable, state: np.ndarray, decided: np.ndarray) -> None:
    """Withhold what withheld figures take with them (one pass: :func:`protect` repeats
    until nothing changes)."""
    for cells, then in table.implied:
        take = (state[cells] > 0) & (state[then] == SHOWN) & ~decided[then]
        state[then[take]] = SECONDARY


def _lone_members(rows: list[np.ndarray], rows_of: dict[int, list[int]], state: np.ndarray,
                  values: np.ndarray, fixed: np.ndarray) -> None:
    """Wherever figures add up (``rows``; ``rows_of`` a cell's) and exactly one is
    withheld, withhold the smallest non-zero other one (never a ``fixed`` one); repeat
    until no sum has a lone withheld figure."""
    could = ((values != 0) & ~fixed).tolist()  # what may ever be withheld
    members = [row.tolist() for row in rows]

    def partnered(number: int, cell: int) -> bool:
        """Whether sum ``number`` keeps another member withheld, or one that could be."""
        return any(state[c] or could[c] for c in members[number] if c != cell)

    queue = deque(sorted({r for c in np.flatnonzero(state).tolist() for r in rows_of.get(c, [])}))
    queued = set(queue)
    while queue:
        number = queue.popleft()
        queued.discard(number)
        cells = members[number]
        if sum(1 for c in cells if state[c]) != 1:
            continue
        free = [c for c in cells if not state[c] and could[c]]
        if not free:
            continue
        # a figure that would be alone in a sum with nothing else to withhold (the one
        # non-zero answer of a row of true zeros) protects nothing: its sum gives it away
        sound = [c for c in free if all(partnered(r, c) for r in rows_of[c] if r != number)]
        pick = min(sound or free, key=lambda c: (values[c], c))
        state[pick] = SECONDARY
        for other in rows_of.get(pick, []):
            if other not in queued:
                queue.append(other)
                queued.add(other)
