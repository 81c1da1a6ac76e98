"""Disclosure control: which published figures must be withheld.

Every figure one data set's outputs can publish is registered once in a
:class:`FigureTable`, with the sums a reader can build between figures (groups add up to
everyone, answer counts add up along a row and from items to colours...), so every
output of that data reads the same pattern. :func:`protect` decides it:

* **Primary**: a figure resting on 1 to threshold - 1 respondents (a figure of 0 rests
  on nobody).
* A withheld figure takes with it what would give it away (:meth:`FigureTable.imply`:
  an ``n`` its mean and SD).
* **Secondary**: wherever figures add up and that sum alone pins a withheld figure
  within the bounds a reader knows (it is the only one withheld; or the bounds leave it
  less than 1 of room: two groups "fewer than 5" adding up to 2 are 1 each; any figure
  whose reason outputs do not state is at least 0, a group's size at least 1), the
  smallest other non-zero one of the lowest rank (answer counts, then ``n``, then group
  sizes) is withheld too; a 0 only where none is left, and never one a reader knows is
  0 (one a sum alone shows is 0, one :meth:`FigureTable.know` names, one of figures
  known to be at least 1). A quantity no output states but a reader can work out, such
  as how many were asked an item, counts as known. This repeats until no sum pins one.
  Figures decided before (a pattern this one extends) keep their state.

* **Chains**: then the sums are read together, bounds carried from one to the next
  (:func:`_bounds`); where that pins a withheld figure, an answer count registered as
  one that ``breaks_chains`` in a sum giving one of its bounds is withheld too, and all
  of the above runs again.

* **Every sum at once** (:class:`_Reader`): a withheld figure the sums pin read all
  together (and, on small tables, one linear programs do not show a unit apart) gets a
  witness, a change that keeps every sum and bound and moves it by a unit; the
  published figures the witness moves are withheld too, and all of the above runs
  again (see docs/methods.md for the method, what it guarantees, measured).
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

SHOWN, PRIMARY, SECONDARY = 0, 1, 2
#: a figure withheld as small whose outputs may not say so: saying "fewer than N" of it
#: would pin a figure whatever else is withheld (see :meth:`_Reader._witness`)
UNSTATED = 3
#: figures a reader does not know, up to which every withheld one's whole range is found
#: by linear programming (beyond, the sums read at once and chains of bounds only)
WHOLE_RANGES = 4000
#: why a group is withheld, as outputs say it (a board reads "fewer than 5" of a group)
#: why any other figure is withheld: one word for both, since telling a reader which
#: figures are small tells them each is 1 to threshold - 1, and with sums that pins some
WITHHELD = "withheld"
REASONS = {PRIMARY: "fewer-than-min-cell", SECONDARY: "secondary", UNSTATED: WITHHELD}


class FigureTable:
    """Every figure of a data set, in blocks, and the sums that hold between them."""

    def __init__(self) -> None:
        self._values: list[np.ndarray] = []
        self._primary: list[np.ndarray] = []
        self._hidden: list[np.ndarray] = []
        self._fixed: list[np.ndarray] = []
        self._upper: list[np.ndarray] = []
        self._rank: list[np.ndarray] = []
        self._breaks: list[np.ndarray] = []
        self._least: list[np.ndarray] = []
        self._dear: list[np.ndarray] = []
        self.size = 0
        #: blocks of sums, one per row: the cells of a row, each times its coefficient
        #: in ``signs`` (one per column of the block), add up to 0
        self.sums: list[np.ndarray] = []
        self.signs: list[np.ndarray] = []
        #: per block, the members protection takes only when no other will do
        self.late: list[np.ndarray] = []
        self.implied: list[tuple[np.ndarray, np.ndarray]] = []
        self._known: list[np.ndarray] = []
        #: sums with weights, read only all at once (see :meth:`add_weighted`)
        self.weighted: list[tuple[np.ndarray, np.ndarray]] = []

    def _block(self, values: np.ndarray, primary: np.ndarray | np.bool_, hidden: bool,
               fixed: np.ndarray | None, upper: np.ndarray | float = np.inf,
               rank: int = 0, breaks_chains: bool = False, least: float = 0.0,
               dear: float = 1.0) -> np.ndarray:
        values = np.asarray(values)
        index = np.arange(self.size, self.size + values.size).reshape(values.shape)
        self._values.append(values.ravel())
        self._primary.append(np.broadcast_to(primary, values.shape).ravel())
        self._hidden.append(np.full(values.size, hidden))
        self._fixed.append(np.full(values.size, -1) if fixed is None
                           else np.broadcast_to(fixed, values.shape).ravel())
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=float), values.shape).ravel())
        self._rank.append(np.full(values.size, rank))
        self._breaks.append(np.full(values.size, breaks_chains))
        self._least.append(np.full(values.size, least))
        self._dear.append(np.full(values.size, dear))
        self.size += values.size
        return index

    def add(self, values: np.ndarray, basis: np.ndarray, threshold: np.ndarray | int,
            fixed: np.ndarray | None = None, rank: int = 0, breaks_chains: bool = False,
            stated: bool = False, least: float = 0.0, dear: float = 1.0) -> np.ndarray:
        """Register figures ``values`` resting on ``basis`` respondents: primary when
        ``0 < basis < threshold`` and the figure is not 0. ``fixed`` gives states decided
        already (-1 where not). To a reader, any of them withheld is at least ``least``;
        where the outputs say which are withheld as small (``stated``: a group "fewer
        than 5"), one so is also at most threshold - 1. Protection takes figures of a
        higher ``rank`` only where no lower one will do (a group's size protects an
        answer count last: it says the most). Where sums read together pin a figure,
        only figures that ``breaks_chains`` are withheld to free it. Reading every sum at
        once, a figure costs ``dear`` times its worth (the report shows it). Returns each
        figure's cell, shaped like ``values``."""
        values, basis = np.asarray(values), np.asarray(basis)
        upper = np.asarray(threshold, dtype=float) - 1 if stated else np.inf
        return self._block(values, (basis > 0) & (basis < threshold) & (values != 0), False,
                           fixed, upper, rank, breaks_chains, least, dear)

    def add_sums(self, values: np.ndarray, fixed: np.ndarray | None = None) -> np.ndarray:
        """Register sums of scores (a mean times its ``n``): never primary themselves (to a
        reader, one withheld is at least 0)."""
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

    def add_equal(self, left: np.ndarray, right: np.ndarray, times: np.ndarray | float
                  ) -> None:
        """The cells of ``left`` add up to those of ``right``, each ``times`` over."""
        left = np.asarray(left, dtype=np.int64).ravel()
        right = np.asarray(right, dtype=np.int64).ravel()
        self.add_relation(np.concatenate([left, right])[None],
                          np.concatenate([np.ones(len(left)),
                                          -np.broadcast_to(np.asarray(times, float), right.shape)]))

    def add_relation(self, cells: np.ndarray, signs: np.ndarray,
                     late: np.ndarray | None = None) -> None:
        """Each row of ``cells``, each cell times its column's coefficient in ``signs``,
        adds up to 0; protection takes the ``late`` columns only when no other will do."""
        self.sums.append(np.asarray(cells, dtype=np.int64))
        self.signs.append(np.asarray(signs, dtype=float))
        self.late.append(np.zeros(len(self.signs[-1]), dtype=bool) if late is None
                         else np.asarray(late, dtype=bool))

    def add_weighted(self, cells: np.ndarray, coefficients: np.ndarray) -> None:
        """Each row of ``cells``, each cell times its coefficient (``coefficients``, the
        same shape), adds up to 0: a sum of scores is its answer counts times their
        positions. The sum-by-sum rules never read these (:meth:`imply` withholds a sum
        of scores with any of its counts); reading every sum at once, :func:`protect`
        does."""
        self.weighted.append((np.asarray(cells, dtype=np.int64),
                              np.asarray(coefficients, dtype=float)))

    def imply(self, cells: np.ndarray, then: np.ndarray) -> None:
        """Withholding ``cells[i]`` withholds ``then[i]`` too (a mean goes with its n)."""
        a, b = np.broadcast_arrays(np.asarray(cells), np.asarray(then))
        self.implied.append((a.ravel(), b.ravel()))

    def know(self, cells: np.ndarray) -> None:
        """A reader knows ``cells`` without any output (an item never asked of a group's
        audience is 0): they are never withheld to protect another."""
        self._known.append(np.asarray(cells, dtype=np.int64).ravel())

    def arrays(self) -> dict[str, np.ndarray]:
        def cat(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0)  # (an empty table: no figures)
        known = np.zeros(self.size, dtype=bool)
        known[cat(self._known).astype(np.int64)] = True
        return {"values": cat(self._values), "primary": cat(self._primary),
                "hidden": cat(self._hidden), "fixed": cat(self._fixed),
                "upper": cat(self._upper), "rank": cat(self._rank),
                "breaks": cat(self._breaks), "least": cat(self._least), "known": known,
                "dear": cat(self._dear)}


#: patterns worked out in this process, by the digest of their table (see :func:`protect`)
_DONE: dict[str, np.ndarray] = {}


def protect(table: FigureTable) -> np.ndarray:
    """SHOWN / PRIMARY / SECONDARY / UNSTATED for every figure of ``table`` (hidden ones: SHOWN,
    as they are never published). The same table again (another run of the same data in
    this process, or in an earlier run: :mod:`owcf.stats.cache`) reads the pattern worked
    out before: reading every sum at once takes seconds on a trust's whole pattern."""
    from owcf.stats import cache

    digest = _digest(table)
    if digest not in _DONE:
        name = cache.key(digest)
        state = cache.read(name, table.size)
        if state is None or not _could_be(state, table):
            state = _protect(table)
            cache.write(name, state)
        if len(_DONE) >= 16:
            _DONE.pop(next(iter(_DONE)))
        _DONE[digest] = state
    return _DONE[digest].copy()


def _could_be(state: np.ndarray, table: FigureTable) -> bool:
    """Whether ``state``, read back from disk, is a pattern of ``table`` at all: states
    owcf knows, every small figure withheld, every decided one as decided."""
    data = table.arrays()
    decided = data["fixed"] >= 0
    return bool(np.isin(state, (SHOWN, PRIMARY, SECONDARY, UNSTATED)).all()
                and (state[data["primary"] & ~decided] != SHOWN).all()
                and (state[decided] == data["fixed"][decided]).all())


def _digest(table: FigureTable) -> str:
    """Everything :func:`protect` reads of ``table``, as one SHA-256 digest."""
    import hashlib

    digest = hashlib.sha256(f"{len(table.sums)} {len(table.implied)} {len(table.weighted)}"
                            .encode())
    parts = [*table.arrays().values(), *table.sums, *table.signs, *table.late,
             *(a for pair in table.implied for a in pair),
             *(a for pair in table.weighted for a in pair)]
    for part in parts:
        part = np.ascontiguousarray(part)
        digest.update(f"{part.dtype}{part.shape}".encode())
        digest.update(part.tobytes())
    return digest.hexdigest()


def _protect(table: FigureTable) -> np.ndarray:
    data = table.arrays()
    values, hidden, fixed, breaks = data["values"], data["hidden"], data["fixed"], data["breaks"]
    state = np.where(data["primary"], np.int8(PRIMARY), np.int8(SHOWN))
    decided = fixed >= 0
    state[decided] = fixed[decided]
    if not state.any():
        return state
    sums = _Sums(table)
    # what may never be withheld to protect: decided before, known to a reader, a 0
    # that a sum alone shows is 0, or one a reader knows is at least 1 (withheld, its
    # bounds would not hold the truth)
    kept = (decided | hidden | data["known"] | _forced_zeros(sums, values, decided & (state > 0))
            | ((values == 0) & (data["least"] > 0)))
    # every sum at first; then only those of figures withheld since (the others pinned
    # nothing, or had nothing left to withhold)
    look: list[int] | None = None
    reader: _Reader | None = None
    read = state.copy()  # the state the sums were last read at
    while True:
        before = state.copy()
        _close(table, state, decided)
        if look is not None:
            look = sorted({r for c in np.flatnonzero(state != read).tolist()
                           for r in sums.rows_of(c)})
        _pinned_sums(sums, state, values, kept, data["upper"], data["rank"], look,
                     data["least"])
        read = state.copy()
        # no sum alone pins a figure: read them together, as a chain of bounds, then
        # all at once
        if np.array_equal(state, before) and not (
                breaks.any() and _unchain(sums, state, values, breaks & ~kept, hidden,
                                          data["upper"], data["rank"], data["least"])):
            if reader is None:
                reader = _Reader(table, sums, values, kept & (state == SHOWN), data, decided)
            if not reader.free(state):
                # a figure withheld to protect that a reader works out from what is
                # published for good (in an extended pattern, often from what the data
                # set's own pattern publishes) protects nothing: it is published
                lost = np.array(sorted(reader.known_by_sums), dtype=np.int64)
                lost = lost[(state[lost] == SECONDARY) & ~decided[lost]]
                state[lost] = SHOWN
                return state
        look = []


def _forced_zeros(sums: _Sums, values: np.ndarray, withheld: np.ndarray) -> np.ndarray:
    """The figures of 0 a sum alone shows are 0: those of a sum whose every figure is 0
    (no figure is below 0, so a sum of 0s on one side has only 0s on the other: a row
    whose total is 0), unless one is ``withheld`` already (decided so by the pattern this
    one extends: a reader does not see that total). Withheld, they would protect nothing."""
    member = sums.coef != 0
    all_zero = ~(member & ((values[sums.cells] != 0) | withheld[sums.cells])).any(axis=1)
    out = np.zeros(len(values), dtype=bool)
    out[sums.cells[member & all_zero[:, None]]] = True
    return out


class _Sums:
    """The sums of a table, row by row: as lists, for one row at a time, and as one
    padded matrix (cells, and coefficients 0 past a row's end), for all at once."""

    def __init__(self, table: FigureTable) -> None:
        self.members: list[list[int]] = []
        self.signs: list[list[float]] = []
        #: per sum, the members protection takes last (see FigureTable.add_relation)
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


def _bounds(sums: _Sums, state: np.ndarray, values: np.ndarray, upper: np.ndarray,
            least: np.ndarray | None = None, rounds: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each figure a reader can work out from the
    sums, each read in turn with the bounds the others gave, until none narrows: a
    published figure is its value, one withheld at least ``least`` (else 0), and one
    withheld as small at most ``upper``. (Weaker than linear programming, which reads
    them all at once, but it follows a bound through any chain of sums.)"""
    floor = np.zeros(len(values)) if least is None else least
    lo = np.where(state == SHOWN, values, floor).astype(float)
    hi = np.where(state == SHOWN, values, np.where(state == PRIMARY, upper, np.inf)).astype(float)
    # every member of every sum holding a withheld figure (the others say nothing new),
    # flat: its cell, its coefficient, its sum
    member = sums.coef != 0
    member &= (member & (state[sums.cells] > 0)).any(axis=1, keepdims=True)
    cell, coef = sums.cells[member], sums.coef[member]
    row = np.nonzero(member)[0]
    if not len(cell):
        return lo, hi
    withheld = state[cell] > 0
    up = coef > 0
    active = np.ones(len(cell), dtype=bool)  # members of sums a bound narrowed in since
    for _ in range(rounds):
        at, by, of, some, rising = cell[active], coef[active], row[active], withheld[active], up[active]
        least = np.where(rising, by * lo[at], by * hi[at])
        most = np.where(rising, by * hi[at], by * lo[at])
        # each member: minus the rest of its sum, whose range leaves out its own part
        rest_least, rest_most = _rest(least, of, -np.inf), _rest(most, of, np.inf)
        new_lo = np.where(rising, -rest_most / by, -rest_least / by)
        new_hi = np.where(rising, -rest_least / by, -rest_most / by)
        narrowed_lo, narrowed_hi = lo.copy(), hi.copy()
        np.maximum.at(narrowed_lo, at[some], new_lo[some])
        np.minimum.at(narrowed_hi, at[some], new_hi[some])
        # (rounding drifts: the truth always lies within what a reader works out)
        narrowed_lo = np.minimum(narrowed_lo, values)
        narrowed_hi = np.maximum(narrowed_hi, values)
        moved = (narrowed_lo > lo + 1e-3) | (narrowed_hi < hi - 1e-3)
        lo, hi = narrowed_lo, narrowed_hi
        if not moved.any():
            break
        hot = np.zeros(len(sums.cells), dtype=bool)
        hot[row[moved[cell]]] = True
        active = hot[row]
    return lo, hi


def _rest(parts: np.ndarray, row: np.ndarray, endless: float) -> np.ndarray:
    """Per member, the sum of the other ``parts`` of its ``row`` (some ``endless``)."""
    infinite = parts == endless
    size = int(row.max()) + 1
    count = np.bincount(row, weights=infinite, minlength=size)[row]
    total = np.bincount(row, weights=np.where(infinite, 0.0, parts), minlength=size)[row]
    return np.where(count - infinite > 0, endless, total - np.where(infinite, 0.0, parts))


def _unchain(sums: _Sums, state: np.ndarray, values: np.ndarray, may: np.ndarray,
             hidden: np.ndarray, upper: np.ndarray, rank: np.ndarray, least: np.ndarray) -> bool:
    """Where sums read together (:func:`_bounds`) leave a withheld figure less than 1 of
    room, though its reason alone leaves it 1 or more, withhold the smallest non-zero
    other figure (a 0 last) of a sum giving one of its bounds, among those that ``may``
    be (never a quantity no output states). Whether any was withheld."""
    # a quantity no output states is not known to this reader: it is worked out, where
    # it can be, from the figures that are published (at least 0: its ``least``)
    lo, hi = _bounds(sums, np.where(hidden, np.int8(SECONDARY), state), values, upper, least)
    room = np.where(state == PRIMARY, upper - least, np.inf)  # what its reason alone leaves
    pinned = np.flatnonzero((state > 0) & (hi - lo < 1 - 1e-6) & (room >= 1))
    # (a sum with no figure left to withhold cannot be freed: skip it without reading)
    open_sums = (((state[sums.cells] == SHOWN) & may[sums.cells]) & (sums.coef != 0)).any(axis=1)
    touched: set[int] = set()
    for cell in pinned.tolist():
        rows = [r for r in sums.rows_of(cell) if open_sums[r] and r not in touched
                and _gives_bound(sums, r, cell, lo, hi)]
        free = [(values[c] == 0, c in sums.late[r], rank[c], values[c], c, r) for r in rows
                for c in sums.members[r] if not state[c] and may[c]]
        if free:
            *_, pick, row = min(free)
            state[pick] = SECONDARY
            touched.add(row)
    return bool(touched)


def _gives_bound(sums: _Sums, number: int, cell: int, lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether sum ``number``, read with the bounds of its other members, gives ``cell``
    its smallest or its largest value."""
    members, signs = sums.members[number], sums.signs[number]
    own = next(a for c, a in zip(members, signs, strict=True) if c == cell)
    least = most = 0.0
    for c, a in zip(members, signs, strict=True):
        if c != cell:
            least += a * lo[c] if a > 0 else a * hi[c]
            most += a * hi[c] if a > 0 else a * lo[c]
    ends = sorted((-most / own, -least / own))
    # (an endless top is no bound: nothing gives it)
    return bool(abs(ends[0] - lo[cell]) < 1e-6
                or (hi[cell] < np.inf and abs(ends[1] - hi[cell]) < 1e-6))


def _close(table: FigureTable, state: np.ndarray, decided: np.ndarray) -> None:
    """Withhold what withheld figures take with them (one pass: :func:`protect` repeats
    until nothing changes)."""
    for cells, then in table.implied:
        take = (state[cells] > 0) & (state[then] == SHOWN) & ~decided[then]
        state[then[take]] = SECONDARY


def _may_pin(sums: _Sums, state: np.ndarray, upper: np.ndarray, values: np.ndarray,
             least: np.ndarray) -> np.ndarray:
    """Per sum, whether it may pin a withheld figure: it holds one withheld, and not a
    figure withheld to protect (without end, and a unit above the least a reader knows it
    is) beside another withheld, each counted once, that leaves every other a whole unit
    of room. The rest are read one by one (``pinned`` in :func:`_pinned_sums`)."""
    held = state[sums.cells] * (sums.coef != 0)
    withheld = held > 0
    count = withheld.sum(axis=1)
    protecting = ((held == SECONDARY) & (values[sums.cells] - least[sums.cells] >= 1)).any(axis=1)
    plain = ((np.abs(sums.coef) == 1) | ~withheld).all(axis=1)
    roomy = ((upper[sums.cells] >= 2) | (held != PRIMARY)).all(axis=1)
    return (count > 0) & ~((count > 1) & protecting & plain & roomy)


def _pinned_sums(sums: _Sums, state: np.ndarray, values: np.ndarray, kept: np.ndarray,
                 upper: np.ndarray, rank: np.ndarray, look: list[int] | None,
                 least: np.ndarray) -> None:
    """Wherever a sum alone pins a withheld figure (it is the only one withheld, or the
    bounds leave it no room: two groups "fewer than 5" with 2 to share are 1 each),
    withhold the smallest non-zero other member of the lowest ``rank`` (a 0 last; never
    a ``kept`` one); repeat until no sum pins one. ``look``: the sums that may (None:
    every one); ``least``: what a reader knows each withheld figure is at least."""
    could = (~kept).tolist()  # what may ever be withheld
    members, rows_of = sums.members, sums.rows_of
    order = rank.tolist()

    value, top, floor = values.tolist(), upper.tolist(), least.tolist()

    def pinned(number: int) -> bool:
        """Whether sum ``number`` leaves a withheld figure less than 1 of room, within
        the bounds a reader knows: 1 to ``upper`` for one withheld as small, at least
        ``least`` for any other."""
        withheld = [(c, a) for c, a in zip(members[number], sums.signs[number], strict=True)
                    if state[c]]
        if (len(withheld) > 1 and any(state[c] != PRIMARY and value[c] - floor[c] >= 1
                                      for c, _ in withheld)
                and all(abs(a) == 1 and (state[c] != PRIMARY or top[c] >= 2)
                        for c, a in withheld)):
            return False  # one that can move a unit either way leaves each a whole unit
        shares = []
        for c, a in withheld:
            lo, hi = (floor[c], top[c] if state[c] == PRIMARY else math.inf)
            rise, fall = abs(a) * (hi - value[c]), abs(a) * (value[c] - lo)
            shares.append((abs(a), rise, fall) if a > 0 else (abs(a), fall, rise))
        if len(shares) == 1:
            return True
        ups, downs = _Total([u for _, u, _ in shares]), _Total([d for _, _, d in shares])
        return any((min(u, downs.without(d)) + min(d, ups.without(u))) / a < 1
                   for a, u, d in shares)

    def partnered(number: int, cell: int) -> bool:
        """Whether sum ``number`` keeps another member withheld, or a non-zero one that
        could be of no higher a rank than ``cell`` (an n that is the group's size less
        its true zeros would take the size with it; a 0 protects only as a last resort)."""
        return any(state[c] or (could[c] and value[c] != 0 and order[c] <= order[cell])
                   for c in members[number] if c != cell)

    queue = deque(np.flatnonzero(_may_pin(sums, state, upper, values, least)).tolist()
                  if look is None else look)
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
        free.sort(key=lambda c: (value[c] == 0, c in late, order[c], value[c], c))
        pick = next((c for c in free if all(partnered(r, c) for r in rows_of(c) if r != number)),
                    free[0])
        if order[pick] == 2 and order[free[0]] < 2:
            # a group's size only where the sum has no answer count or n left, even one
            # no partner awaits yet (it gets one in turn): withheld, a size takes every
            # figure of its group with it and runs on through the margins (on the example,
            # leaders in sport and culture's 6, taken for a count of 5, took three more
            # groups' sizes and, to protect their rows, 20 true zeros)
            pick = free[0]
        state[pick] = SECONDARY
        for other in rows_of(pick):
            if other not in queued:
                queue.append(other)
                queued.add(other)


class _Reader:
    """Every sum read at once, as linear algebra and linear programming read them.

    A withheld figure the sums pin whatever the other withheld figures are (it lies in
    the row space of the sums over the withheld figures) gets a *witness*: a change to
    it and to other figures that keeps every sum, and every figure within what a reader
    knows of it, and moves it by a whole unit; the published figures the change moves
    are withheld too. Each is found by linear programming over the figures near the
    pinned one (the cheapest published figures first, as :func:`_pinned_sums` orders
    them), and every figure a witness moves by a unit is free: withholding more never
    pins it again. (The witness method of cell suppression, after Fischetti and
    Salazar-Gonzalez.)"""

    def __init__(self, table: FigureTable, sums: _Sums, values: np.ndarray, kept: np.ndarray,
                 data: dict[str, np.ndarray], decided: np.ndarray) -> None:
        from scipy.sparse import coo_array

        rows, cols, coef = [], [], []
        member = sums.coef != 0
        rows.append(np.nonzero(member)[0])
        cols.append(sums.cells[member])
        coef.append(sums.coef[member])
        start = len(sums.members)
        for cells, weights in table.weighted:
            width = cells.shape[-1]
            cells, weights = cells.reshape(-1, width), weights.reshape(-1, width)
            rows.append(np.repeat(np.arange(start, start + len(cells)), width))
            cols.append(cells.ravel())
            coef.append(weights.ravel())
            start += len(cells)
        self.matrix = coo_array((np.concatenate(coef), (np.concatenate(rows), np.concatenate(cols))),
                                shape=(start, len(values))).tocsc()
        self.touch = (self.matrix != 0).astype(float).tocsr()  # which cells each sum holds
        self.sums, self.values, self.decided = sums, values, decided
        # a quantity no output states is unknown here too (worked out, where it can be,
        # from the sums), never withheld: only what a reader knows (``kept``, published
        # for good) is left out
        self.hidden = data["hidden"]
        self.known = kept & ~self.hidden
        self.least, self.upper, self.rank = data["least"], data["upper"], data["rank"]
        # what a witness costs: answer counts before n before group sizes, small before
        # large, a 0 last (the order of _pinned_sums)
        self.cost = ((1 + values) * 10.0 ** data["rank"] * data["dear"]
                     + np.where(values == 0, 1e4, 0))
        #: figures the known ones pin alone, whatever the bounds: a reader knows them
        self.known_by_sums = set(self._pinned(np.flatnonzero(~self.known)).tolist())
        #: figures no witness can free (those, and any the known ones pin with the bounds)
        self.lost = set(self.known_by_sums)

    def _pinned(self, columns: np.ndarray) -> np.ndarray:
        """Of ``columns``, the figures the sums pin when all of ``columns`` are unknown:
        a random vector less its part in the row space (least squares) is 0 there."""
        from scipy.sparse import diags
        from scipy.sparse.linalg import lsmr

        if not len(columns):
            return columns
        sub = self.matrix[:, columns].tocsr()
        sub = sub[np.diff(sub.indptr) > 0]
        # each sum scaled to length 1: the same row space, reached in a third of the steps
        sub = diags(1 / np.sqrt(np.asarray(sub.multiply(sub).sum(axis=1)).ravel())) @ sub
        z = np.random.default_rng(0).normal(size=len(columns))
        w = lsmr(sub.T, z, atol=1e-12, btol=1e-12, maxiter=100_000)[0]
        return columns[np.abs(z - sub.T @ w) < 1e-6]

    def free(self, state: np.ndarray) -> bool:
        """Give every pinned withheld figure a witness; whether any figure was withheld."""
        # pinned by the sums whatever the bounds, or by a chain of bounds
        unknown = np.where(self.hidden, np.int8(SECONDARY), state)
        lo, hi = _bounds(self.sums, unknown, self.values, self.upper, self.least)
        room = np.where(state == PRIMARY, self.upper - self.least, np.inf)
        chained = np.flatnonzero((state > 0) & (hi - lo < 1 - 1e-6) & (room >= 1))
        found = {*self._pinned(np.flatnonzero(unknown > 0)).tolist(), *chained.tolist()}
        if (unknown > 0).sum() <= WHOLE_RANGES:
            found.update(self._open(unknown).tolist())
        pinned = [c for c in sorted(found) if state[c] and c not in self.lost]
        freed: set[int] = set()
        changed = False
        for cell in pinned:
            if cell in freed:
                continue
            witness = self._witness(cell, state)
            if witness is None:
                self.lost.add(cell)
                continue
            moved, change = witness
            fresh = moved[(state[moved] == SHOWN) & ~self.hidden[moved]]
            state[fresh] = SECONDARY
            # a group the change takes past the top its reason gives: no longer said
            over = moved[(state[moved] == PRIMARY) & ~self.decided[moved]
                         & (self.values[moved] + change > self.upper[moved] + 1e-9)]
            state[over] = UNSTATED
            changed |= bool(len(fresh) or len(over))
            freed.update(moved[np.abs(change) >= 1 - 1e-9].tolist())
        return changed

    def _open(self, unknown: np.ndarray) -> np.ndarray:
        """The withheld figures that a few linear programs over every sum and bound
        (each pushing the figures not yet so, each a random way) do not show taking two
        values a unit apart: those a reader might pin. Each then gets a witness, which
        costs nothing where the figure already has room."""
        from scipy.optimize import linprog

        columns = np.flatnonzero(unknown > 0)
        sub = self.matrix[:, columns].tocsr()
        live = np.diff(sub.indptr) > 0
        b = -(self.matrix[:, unknown == SHOWN] @ self.values[unknown == SHOWN])[live]
        sub = sub[live]
        low = self.least[columns]
        top = np.where(unknown[columns] == PRIMARY, self.upper[columns], np.inf)
        cap = np.where(np.isinf(top), low + 1e6, top)  # (random goals need a finite box)
        rng = np.random.default_rng(0)
        seen_lo, seen_hi = self.values[columns].copy(), self.values[columns].copy()
        for _ in range(6):  # push the figures not yet a unit apart, each a random way
            open_ = seen_hi - seen_lo < 1 - 1e-6
            if open_.sum() < 8:
                break
            goal = np.where(open_, rng.choice([-1.0, 1.0], size=len(columns)), 0.0)
            for way in (goal, -goal):
                result = linprog(way, A_eq=sub, b_eq=b, bounds=np.c_[low, cap], method="highs")
                if result.status == 0:
                    seen_lo = np.minimum(seen_lo, result.x)
                    seen_hi = np.maximum(seen_hi, result.x)
        return columns[seen_hi - seen_lo < 1 - 1e-6]

    def _near(self, cell: int, state: np.ndarray, depth: int | None) -> np.ndarray:
        """The figures (not known) within ``depth`` sums of ``cell``, stepping on only
        through withheld ones (None: every figure)."""
        if depth is None:
            return np.flatnonzero(~self.known)
        near = np.zeros(len(state), dtype=bool)
        near[cell] = True
        step = near.copy()
        for _ in range(depth):
            sums = self.touch @ step.astype(float) > 0
            reached = (self.touch.T @ sums.astype(float) > 0) & ~self.known & ~near
            near |= reached
            step = reached & ((state > 0) | self.hidden)
        return np.flatnonzero(near)

    def _witness(self, cell: int, state: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """A change that moves ``cell`` by a unit and keeps every sum and every figure
        within what a reader knows: the figures it moves and by how much. One that moves
        a published 0 is taken only where no wider reach finds one that moves none."""
        from scipy.optimize import linprog
        from scipy.sparse import hstack

        # where to look: the figures 2, 3, 4 sums away, then every figure (a group's size
        # moves every answer of its groups: nothing near will do); last, every figure
        # with the groups said to be small free to pass their top, at a price (True):
        # where nothing else frees a figure, what pins it is the tops the reasons give
        reaches = (None, True) if self.rank[cell] == 2 else (2, 3, 4, None, True)
        # a change that moves a published 0 would withhold a true zero: taken only for
        # want of one over a wider reach that moves none (near, it may be the only one)
        with_a_zero: tuple[np.ndarray, np.ndarray] | None = None
        for depth in reaches:
            region = self._near(cell, state, None if depth is True else depth)
            sub = self.matrix[:, region].tocsr()
            sub = sub[np.diff(sub.indptr) > 0]
            x = self.values[region]
            withheld = (state[region] > 0) | self.hidden[region]
            small = state[region] == PRIMARY
            loose = small & ~self.decided[region] & (depth is True)  # (decided: as it was)
            rise = np.where(small & ~loose, self.upper[region], np.inf) - x
            fall = x - self.least[region]
            cost = np.where(withheld, 0.0, self.cost[region])
            rising = cost + np.where(loose, 1e6, 0.0)  # (passing a top)
            at = int(np.searchsorted(region, cell))
            size = len(region)
            best = None
            for sign in (1.0, -1.0):  # up or down, whichever withholds less
                if (rise if sign > 0 else fall)[at] < 1:
                    continue  # (its own bounds leave it no unit that way)
                up = [(0.0, None if r == np.inf else max(r, 0.0)) for r in rise]
                down = [(0.0, None if f == np.inf else max(f, 0.0)) for f in fall]
                up[at], down[at] = ((1.0, 1.0), (0.0, 0.0)) if sign > 0 else ((0.0, 0.0), (1.0, 1.0))
                result = linprog(np.concatenate([rising, cost]), A_eq=hstack([sub, -sub]),
                                 b_eq=np.zeros(sub.shape[0]), bounds=up + down, method="highs")
                if result.status == 0 and (best is None or result.fun < best.fun - 1e-9):
                    best = result
                if best is not None and best.fun < 1e-9:
                    break  # (it withholds nothing more)
            if best is not None:
                change = best.x[:size] - best.x[size:]
                moved = np.abs(change) > 1e-9
                if not (moved & ~withheld & (x == 0)).any():
                    return region[moved], change[moved]
                with_a_zero = with_a_zero or (region[moved], change[moved])
        return with_a_zero
