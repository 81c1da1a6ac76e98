"""Disclosure control: which published figures must be withheld.

Every figure one data set's outputs can publish is registered once in a
:class:`FigureTable`, with the sums a reader can build between figures (groups add up to
everyone, answer counts add up along a row and from items to colours...), so every
output of that data reads the same pattern. :func:`protect` decides it:

* **Primary**: a figure resting on 1 to threshold - 1 respondents. A figure of 0 is
  never withheld and never chosen as protection: a true zero shows as 0.
* A withheld figure takes with it what would give it away (:meth:`FigureTable.imply`:
  an ``n`` its mean and SD).
* **Secondary**: wherever figures add up and that sum alone pins a withheld figure
  within the bounds a reader knows (it is the only one withheld; or those withheld as
  small, each 1 to threshold - 1, leave it less than 1 of room: two adding up to 2 are 1
  each), the smallest other non-zero one of the lowest rank (answer counts, then ``n``,
  then group sizes) is withheld too; a quantity no output states but a reader can work
  out, such as how many were asked an item, counts as known. This repeats until no sum
  pins one. Figures decided before (a pattern this one extends) keep their state.

It reads one sum at a time; several read together can still pin a figure (see
docs/methods.md for what that leaves, measured).
"""

from __future__ import annotations

import math
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
        self._upper: list[np.ndarray] = []
        self._rank: list[np.ndarray] = []
        self.size = 0
        #: blocks of sums, one per row: the cells of a row, each times its coefficient
        #: in ``signs`` (one per column of the block), add up to 0
        self.sums: list[np.ndarray] = []
        self.signs: list[np.ndarray] = []
        #: per block, the members protection takes only when no other will do
        self.late: list[np.ndarray] = []
        self.implied: list[tuple[np.ndarray, np.ndarray]] = []

    def _block(self, values: np.ndarray, primary: np.ndarray | np.bool_, hidden: bool,
               fixed: np.ndarray | None, upper: np.ndarray | float = np.inf,
               rank: int = 0) -> np.ndarray:
        values = np.asarray(values)
        index = np.arange(self.size, self.size + values.size).reshape(values.shape)
        self._values.append(values.ravel())
        self._primary.append(np.broadcast_to(primary, values.shape).ravel())
        self._hidden.append(np.full(values.size, hidden))
        self._fixed.append(np.full(values.size, -1) if fixed is None
                           else np.broadcast_to(fixed, values.shape).ravel())
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=float), values.shape).ravel())
        self._rank.append(np.full(values.size, rank))
        self.size += values.size
        return index

    def add(self, values: np.ndarray, basis: np.ndarray, threshold: np.ndarray | int,
            fixed: np.ndarray | None = None, per: np.ndarray | float = 1, rank: int = 0
            ) -> np.ndarray:
        """Register figures ``values`` resting on ``basis`` respondents: primary when
        ``0 < basis < threshold`` and the figure is not 0. ``fixed`` gives states decided
        already (-1 where not). A figure withheld as small is, to a reader, between 1 and
        ``per`` times (threshold - 1) (``per``: the answers a respondent can give to it).
        Protection takes figures of a higher ``rank`` only where no lower one will do (a
        group's size protects an answer count last: it says the most). Returns each
        figure's cell, shaped like ``values``."""
        values, basis = np.asarray(values), np.asarray(basis)
        upper = (np.asarray(threshold, dtype=float) - 1) * np.asarray(per, dtype=float)
        return self._block(values, (basis > 0) & (basis < threshold) & (values != 0), False,
                           fixed, upper, rank)

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
            self.add_relation(np.hstack([rows, np.asarray(totals, dtype=np.int64).ravel()[:, None]]),
                             np.append(np.ones(width), -1.0))

    def add_equal(self, left: np.ndarray, right: np.ndarray, times: np.ndarray | float,
                  right_last: bool = False) -> None:
        """The cells of ``left`` add up to those of ``right``, each ``times`` over; with
        ``right_last``, protecting this sum takes a cell of ``right`` only when no cell
        of ``left`` will do (``right`` is what a reader most needs)."""
        left = np.asarray(left, dtype=np.int64).ravel()
        right = np.asarray(right, dtype=np.int64).ravel()
        self.add_relation(np.concatenate([left, right])[None],
                         np.concatenate([np.ones(len(left)),
                                         -np.broadcast_to(np.asarray(times, float), right.shape)]),
                         np.concatenate([np.zeros(len(left), dtype=bool),
                                         np.full(len(right), right_last)]))

    def add_relation(self, cells: np.ndarray, signs: np.ndarray,
                    late: np.ndarray | None = None) -> None:
        """Each row of ``cells``, each cell times its column's coefficient in ``signs``,
        adds up to 0; protection takes the ``late`` columns only when no other will do."""
        self.sums.append(np.asarray(cells, dtype=np.int64))
        self.signs.append(np.asarray(signs, dtype=float))
        self.late.append(np.zeros(len(self.signs[-1]), dtype=bool) if late is None
                         else np.asarray(late, dtype=bool))

    def imply(self, cells: np.ndarray, then: np.ndarray) -> None:
        """Withholding ``cells[i]`` withholds ``then[i]`` too (a mean goes with its n)."""
        a, b = np.broadcast_arrays(np.asarray(cells), np.asarray(then))
        self.implied.append((a.ravel(), b.ravel()))

    def arrays(self) -> dict[str, np.ndarray]:
        def cat(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0)  # (an empty table: no figures)
        return {"values": cat(self._values), "primary": cat(self._primary),
                "hidden": cat(self._hidden), "fixed": cat(self._fixed),
                "upper": cat(self._upper), "rank": cat(self._rank)}


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
    sums = _Sums(table)
    # every sum at first; then only those of figures withheld since (the others pinned
    # nothing, or had nothing left to withhold)
    look: list[int] | None = None
    while True:
        before = state.copy()
        _close(table, state, decided)
        if look is not None:
            look = sorted({r for c in np.flatnonzero(state != before).tolist()
                           for r in sums.rows_of(c)})
        _pinned_sums(sums, state, values, decided | hidden, data["upper"], data["rank"], look)
        if np.array_equal(state, before):
            return state
        look = []


class _Sums:
    """The sums of a table, row by row: as lists, for one row at a time, and as one
    padded matrix (cells, and coefficients 0 past a row's end), for all at once."""

    def __init__(self, table: FigureTable) -> None:
        self.members: list[list[int]] = []
        self.signs: list[list[float]] = []
        #: per sum, the members protection takes last (see FigureTable.add_equal)
        self.late: list[set[int]] = []
        for block, sign, late in zip(table.sums, table.signs, table.late, strict=True):
            self.members += block.tolist()
            self.signs += [sign.tolist()] * len(block)
            self.late += [set(row[late].tolist()) for row in block]
        width = max((block.shape[1] for block in table.sums), default=0)
        self.cells = np.zeros((len(self.members), width), dtype=np.int64)
        self.coef = np.zeros((len(self.members), width))
        start = 0
        for block, sign in zip(table.sums, table.signs, strict=True):
            self.cells[start:start + len(block), :block.shape[1]] = block
            self.coef[start:start + len(block), :block.shape[1]] = sign
            start += len(block)
        # the sums each cell is in: the sums' numbers, sorted by the cells they hold
        member = self.coef != 0
        cell_of, number = self.cells[member], np.nonzero(member)[0]
        order = np.lexsort((number, cell_of))
        self._rows, self._cells = number[order], cell_of[order]

    def rows_of(self, cell: int) -> list[int]:
        """The sums ``cell`` is in, in order."""
        lo, hi = np.searchsorted(self._cells, [cell, cell + 1])
        return self._rows[lo:hi].tolist()


class _Total:
    """The sum of some rooms, any of them endless, less one of them."""

    def __init__(self, rooms: list[float]) -> None:
        self.endless = sum(1 for r in rooms if r == math.inf)
        self.rest = sum(r for r in rooms if r != math.inf)

    def without(self, room: float) -> float:
        if room == math.inf:
            return math.inf if self.endless > 1 else self.rest
        return math.inf if self.endless else self.rest - room


def _close(table: FigureTable, state: np.ndarray, decided: np.ndarray) -> None:
    """Withhold what withheld figures take with them (one pass: :func:`protect` repeats
    until nothing changes)."""
    for cells, then in table.implied:
        take = (state[cells] > 0) & (state[then] == SHOWN) & ~decided[then]
        state[then[take]] = SECONDARY


def _may_pin(sums: _Sums, state: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Per sum, whether it may pin a withheld figure: it holds one withheld, and not a
    figure withheld to protect (at least 1, without end) beside another withheld, each
    counted once, that leaves every other a whole unit of room. The rest are read one by
    one (``pinned`` in :func:`_pinned_sums`)."""
    held = state[sums.cells] * (sums.coef != 0)
    withheld = held > 0
    count = withheld.sum(axis=1)
    protecting = (held == SECONDARY).any(axis=1)
    plain = ((np.abs(sums.coef) == 1) | ~withheld).all(axis=1)
    roomy = ((upper[sums.cells] >= 2) | (held != PRIMARY)).all(axis=1)
    return (count > 0) & ~((count > 1) & protecting & plain & roomy)


def _pinned_sums(sums: _Sums, state: np.ndarray, values: np.ndarray, fixed: np.ndarray,
                 upper: np.ndarray, rank: np.ndarray, look: list[int] | None = None) -> None:
    """Wherever a sum alone pins a withheld figure (it is the only one withheld, or the
    ones withheld as small leave no room: two with 2 to share are 1 each), withhold the
    smallest non-zero other member of the lowest ``rank`` (never a ``fixed`` one);
    repeat until no sum pins one. ``look``: the sums that may (else every one)."""
    could = ((values != 0) & ~fixed).tolist()  # what may ever be withheld
    members, rows_of = sums.members, sums.rows_of
    order = rank.tolist()

    value, top = values.tolist(), upper.tolist()

    def pinned(number: int) -> bool:
        """Whether sum ``number`` leaves a withheld figure less than 1 of room, within
        the bounds a reader knows: 1 to ``upper`` for one withheld as small, at least 0
        for any other."""
        withheld = [(c, a) for c, a in zip(members[number], sums.signs[number], strict=True)
                    if state[c]]
        if (len(withheld) > 1 and any(state[c] != PRIMARY for c, _ in withheld)
                and all(abs(a) == 1 and (state[c] != PRIMARY or top[c] >= 2)
                        for c, a in withheld)):
            return False  # one at least 1 and without end leaves each a whole unit of room
        shares = []
        for c, a in withheld:
            lo, hi = (1.0, top[c]) if state[c] == PRIMARY else (0.0, math.inf)
            rise, fall = abs(a) * (hi - value[c]), abs(a) * (value[c] - lo)
            shares.append((abs(a), rise, fall) if a > 0 else (abs(a), fall, rise))
        if len(shares) == 1:
            return True
        ups, downs = _Total([u for _, u, _ in shares]), _Total([d for _, _, d in shares])
        return any((min(u, downs.without(d)) + min(d, ups.without(u))) / a < 1
                   for a, u, d in shares)

    def partnered(number: int, cell: int) -> bool:
        """Whether sum ``number`` keeps another member withheld, or one that could be
        of no higher a rank than ``cell`` (an n that is the group's size less its true
        zeros would take the size with it)."""
        return any(state[c] or (could[c] and order[c] <= order[cell])
                   for c in members[number] if c != cell)

    queue = deque(np.flatnonzero(_may_pin(sums, state, upper)).tolist() if look is None else look)
    queued = set(queue)
    while queue:
        number = queue.popleft()
        queued.discard(number)
        cells = members[number]
        if not pinned(number):
            continue
        free = [c for c in cells if not state[c] and could[c]]
        if not free:
            continue
        # a figure that would be alone in a sum with nothing else to withhold (the one
        # non-zero answer of a row of true zeros) protects nothing: its sum gives it away
        late = sums.late[number]
        free.sort(key=lambda c: (c in late, order[c], value[c], c))
        pick = next((c for c in free if all(partnered(r, c) for r in rows_of(c) if r != number)),
                    free[0])
        state[pick] = SECONDARY
        for other in rows_of(pick):
            if other not in queued:
                queue.append(other)
                queued.add(other)
