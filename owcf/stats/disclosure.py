"""Disclosure control: which published figures must be withheld.

Primary suppression withholds any figure resting on fewer respondents than the threshold
(a true zero is not suppressed). Secondary suppression then protects those cells from
recovery by subtraction: figures are linked in *sets* whose members add up (a breakdown's
groups add up to everyone; answer counts add up across a row, across groups, and from
items to dimensions to colours). Whenever a set has exactly one withheld member, the
smallest other non-zero member is withheld too, and this repeats until no set has a
lone withheld member. Nothing else is ever withheld, so the published tables stay as
complete as the rule allows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence

import numpy as np

SHOWN, PRIMARY, SECONDARY = 0, 1, 2
REASONS = {PRIMARY: "fewer-than-min-cell", SECONDARY: "secondary"}


class CellTable:
    """Every suppressible figure as one flat list, and the sets that tie them together."""

    def __init__(self) -> None:
        self._values: list[np.ndarray] = []
        self._primary: list[np.ndarray] = []
        self._size = 0
        self.sets: list[tuple[int, list[int]]] = []  # (total cell or -1, member cells)

    def add(self, values: np.ndarray, basis: np.ndarray, threshold: np.ndarray | int) -> np.ndarray:
        """Register figures ``values`` whose respondent basis is ``basis``.

        A figure is primary-suppressed when ``0 < basis < threshold``. Returns the flat
        cell index of each figure, shaped like ``values``.
        """
        values = np.asarray(values, dtype=float)
        basis = np.broadcast_to(np.asarray(basis), values.shape)
        threshold = np.broadcast_to(np.asarray(threshold), values.shape)
        index = np.arange(self._size, self._size + values.size).reshape(values.shape)
        self._values.append(values.ravel())
        self._primary.append(((basis > 0) & (basis < threshold)).ravel())
        self._size += values.size
        return index

    def link(self, members: Iterable[int], total: int = -1) -> None:
        """Tie cells that add up to ``total`` (or to a known total, when -1)."""
        members = [int(m) for m in members]
        if len(members) + (total >= 0) >= 2:
            self.sets.append((int(total), members))

    def link_axis(self, index: np.ndarray, axis: int, totals: np.ndarray | None = None) -> None:
        """Link cells along ``axis`` of ``index`` (optionally to cells ``totals``)."""
        if index.size == 0:
            return
        moved = np.moveaxis(index, axis, -1)
        flat = moved.reshape(-1, moved.shape[-1])
        tot = None if totals is None else np.asarray(totals).reshape(-1)
        for row, members in enumerate(flat):
            self.link(members.tolist(), -1 if tot is None else int(tot[row]))

    def solve(self) -> np.ndarray:
        """SHOWN / PRIMARY / SECONDARY for every registered cell."""
        values = np.concatenate(self._values) if self._values else np.zeros(0)
        state = np.where(np.concatenate(self._primary), PRIMARY, SHOWN) if self._primary \
            else np.zeros(0, dtype=int)
        state = state.astype(np.int8)
        if not state.any():  # nothing withheld: nothing to protect
            return state
        sets_of: dict[int, list[int]] = {}
        for number, (total, members) in enumerate(self.sets):
            for cell in ([total] if total >= 0 else []) + members:
                sets_of.setdefault(cell, []).append(number)
        queue = deque(sorted({s for cell in np.flatnonzero(state) for s in sets_of.get(int(cell), [])}))
        queued = set(queue)
        while queue:
            number = queue.popleft()
            queued.discard(number)
            total, members = self.sets[number]
            cells = ([total] if total >= 0 else []) + members
            hidden = [c for c in cells if state[c]]
            if len(hidden) != 1:
                continue
            pick = _smallest_visible(members, state, values) if members else None
            if pick is None and total >= 0 and not state[total]:
                pick = total
            if pick is None:
                continue
            state[pick] = SECONDARY
            for other in sets_of.get(pick, []):
                if other not in queued:
                    queue.append(other)
                    queued.add(other)
        return state


def _smallest_visible(members: Sequence[int], state: np.ndarray, values: np.ndarray) -> int | None:
    visible = [m for m in members if not state[m]]
    if not visible:
        return None
    nonzero = [m for m in visible if values[m] > 0]
    pool = nonzero or visible
    return min(pool, key=lambda m: (values[m], m))
