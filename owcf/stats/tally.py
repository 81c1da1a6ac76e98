"""One pass over the respondents: everything the analysis needs, tallied per *cell*.

A cell is one combination of group (the crossed ``--by`` values), audience and weighting
stratum. Every figure owcf publishes is a sum over cells, so once the cells are tallied any
grouping (everyone, the crossed groups, the audiences for perception gaps) costs nothing
more than adding up a small table.

Within one dimension a respondent's answers form a *pattern* (one category per item: with
three items and eight categories, one of 512). Counting patterns per cell with a single
``np.bincount`` gives, from tables of a few hundred entries instead of a million rows,
the dimension scores and their sums, each item's answer counts, the respondents behind
each count, and the complete cases for reliability.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Dimension, Framework
from owcf.model.questionnaire import Item, Questionnaire

# Above this many (cell, pattern) slots, patterns are numbered by np.unique instead.
DIRECT_PATTERN_LIMIT = 1 << 22
# From this many respondents, dimensions and colours are tallied on two threads.
THREADS_FROM = 50_000
# Respondents per block for the million-row steps: small enough for a block's
# temporaries to stay in the CPU's cache, big enough that numpy does the work.
BLOCK = 1 << 16
# Colours count respondents per (cell, scored or not, set of categories given) while that
# table has at most this many entries; beyond (many cells or categories), per category.
SET_TABLE_UP_TO = 1 << 16
T = TypeVar("T")
R = TypeVar("R")


def category_positions(questionnaire: Questionnaire, framework: Framework, reverse: bool) -> np.ndarray:
    """Category index (0 = blank, 1.. scale, then non-answers) -> framework position or NaN."""
    values = np.array([o.value for o in questionnaire.answer_scale], dtype=float)
    lo, hi = values[0], values[-1]
    if reverse:
        values = lo + hi - values
    f_lo, f_hi = framework.scale.minimum, framework.scale.maximum
    scored = f_lo + (values - lo) * (f_hi - f_lo) / (hi - lo)
    return np.concatenate([[np.nan], scored, np.full(len(questionnaire.non_answers), np.nan)])


def slot_positions(questionnaire: Questionnaire, framework: Framework, item: Item) -> np.ndarray:
    """Position per *slot*: the answer categories in publishing order, blank last."""
    pos = category_positions(questionnaire, framework, item.reverse)
    return np.concatenate([pos[1:], [np.nan]])


def needed(questionnaire: Questionnaire, asked: np.ndarray) -> np.ndarray:
    """Per entry of ``asked`` (a small table, per audience), the answers a respondent
    needs for a score: :meth:`~owcf.model.questionnaire.Questionnaire.answers_needed`."""
    return np.array([questionnaire.answers_needed(int(k)) for k in asked.ravel()],
                    dtype=float).reshape(asked.shape)


@dataclass
class Sums:
    """Respondents with a score, sum of scores and sum of squares, per cell and unit."""

    s0: np.ndarray
    s1: np.ndarray
    s2: np.ndarray


@dataclass
class Tally:
    """Per-cell tables; the leading axis of every array is the cell."""

    sizes: np.ndarray           # (K,) respondents
    dim: Sums                   # (K, D)
    dim_counts: np.ndarray      # (K, D, C) answers per category, blank last
    dim_contrib: np.ndarray     # (K, D, C) respondents giving each category
    colour: Sums                # (K, Kc)
    colour_counts: np.ndarray   # (K, Kc, C)
    colour_contrib: np.ndarray  # (K, Kc, C)
    item: Sums                  # (K, I)
    item_counts: np.ndarray     # (K, I, C)
    complete: list[tuple[np.ndarray, np.ndarray]]  # per dimension: (frequency, values P x k)


class _Patterns:
    """One dimension's answer patterns, counted per cell.

    A pattern is numbered in category space (one base-``n_cat`` digit per item, blank 0),
    straight from the int8 answers; ``slots`` gives each pattern's answers in slot order.
    """

    def __init__(self, answers: list[np.ndarray], cell: np.ndarray, n_cells: int, n_cat: int,
                 slot_of: np.ndarray, scratch: np.ndarray) -> None:
        space = n_cat ** len(answers)
        direct = n_cells * space <= DIRECT_PATTERN_LIMIT
        # pattern numbers are summed in int32 where they fit (half the memory traffic),
        # block by block so that the sum and each item's term stay in the CPU's cache
        kind: type[np.signedinteger] = np.int32 if space < 1 << 31 else np.int64
        n = len(cell)
        code = np.empty(n, dtype=kind)
        term = np.empty(min(BLOCK, n), dtype=kind)
        # (cell, pattern) as one number, intp: bincount takes it without a copy
        key = scratch
        for start in range(0, n, BLOCK):
            stop = min(start + BLOCK, n)
            block, part = code[start:stop], term[:stop - start]
            block[...] = answers[0][start:stop]
            for j, column in enumerate(answers[1:], start=1):
                np.multiply(column[start:stop], kind(n_cat**j), out=part)
                block += part
            if direct:
                np.multiply(cell[start:stop], space, out=key[start:stop])
                key[start:stop] += block
        if direct:
            self.ids = np.arange(space)
            self.index = code
        else:  # many items: number only the patterns that occur
            self.ids, self.index = np.unique(code, return_inverse=True)
            self.index = self.index.reshape(-1)
            np.multiply(cell, len(self.ids), out=key)
            key += self.index
        count = len(self.ids)
        self.table = np.bincount(key, minlength=n_cells * count).reshape(n_cells, count) \
            .astype(float)
        self.slots = np.stack([slot_of[(self.ids // n_cat**j) % n_cat]
                               for j in range(len(answers))], axis=1)


@dataclass
class _Scored:
    """One dimension's score for each pattern and audience, and which respondent has which.

    Tables have a row per audience and a last row for respondents of no known audience;
    a respondent's entry, flattened, is ``row * patterns + pattern``.
    """

    pattern: np.ndarray   # (N,) each respondent's pattern
    total: np.ndarray     # (A + 1, P) score, 0 where none
    scored: np.ndarray    # (A + 1, P) int16: 1 where the pattern gets a score
    bits: np.ndarray      # (A + 1, P) categories given, one bit each

    def where(self, row: np.ndarray, start: int, out: np.ndarray) -> np.ndarray:
        """The flat entries of the respondents from ``start`` on (``row`` is their
        audience rows), written into ``out``."""
        np.multiply(row, self.total.shape[1], out=out)
        out += self.pattern[start:start + len(row)]
        return out

    def score(self, row: np.ndarray) -> np.ndarray:
        """Per respondent: the dimension score, NaN where there is none."""
        scores = np.where(self.scored, self.total, np.nan)
        return np.take(scores, self.where(row, 0, np.empty(len(row), dtype=np.intp)))


def tally(responses: ResponseSet, framework: Framework, cell: np.ndarray, n_cells: int,
          cell_audience: np.ndarray, audience: np.ndarray, per_respondent: bool = False
          ) -> tuple[Tally, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Tally every cell; with ``per_respondent``, also return each respondent's dimension
    and colour scores (else two empty dicts).

    ``cell`` numbers each respondent's cell, ``cell_audience`` gives each cell's audience
    code and ``audience`` each respondent's (-1 for none known).
    """
    q = responses.questionnaire
    n_cat = len(q.categories) + 1
    blank = n_cat - 1
    n_aud = len(framework.audiences)
    audiences = [a.id for a in framework.audiences]
    # indices are intp throughout: numpy's take and bincount would copy anything else
    cell = cell.astype(np.intp, copy=False)
    row = np.where(audience >= 0, audience, n_aud).astype(np.intp, copy=False)

    item_index = {item.id: u for u, item in enumerate(q.items)}
    item_counts = np.zeros((n_cells, len(q.items), n_cat))
    dims = framework.dimensions
    d_sums = Sums(*(np.zeros((n_cells, len(dims))) for _ in range(3)))
    dim_counts = np.zeros((n_cells, len(dims), n_cat))
    dim_contrib = np.zeros((n_cells, len(dims), n_cat))
    scored_dims: dict[str, _Scored | None] = dict.fromkeys(d.id for d in framework.dimensions)
    dim_asked: dict[str, np.ndarray] = {}
    complete: list[tuple[np.ndarray, np.ndarray]] = []
    onehot = np.eye(n_cat)
    slot_of = np.array([blank, *range(n_cat - 1)], dtype=np.int64)
    counted = _count_patterns(responses, dims, cell, n_cells, n_cat, slot_of)

    for d, dim in enumerate(dims):
        items = q.items_for(dim.id)
        asked = np.array([[item.asked_of(a) for item in items] for a in audiences],
                         dtype=bool).reshape(n_aud, len(items))
        asked_count = asked.sum(axis=1).astype(float)
        dim_asked[dim.id] = asked_count
        if not items:  # nobody is scored here; None keeps a million NaNs out of memory
            complete.append((np.zeros(0), np.zeros((0, 0))))
            continue
        pats = counted[dim.id]
        values = np.stack([slot_positions(q, framework, item)[pats.slots[:, j]]
                           for j, item in enumerate(items)], axis=1)   # (P, k)
        scored = ~np.isnan(values)
        answered = scored.sum(axis=1)
        total = np.where(scored, values, 0.0).sum(axis=1)
        ok = (asked_count[:, None] > 0) & (answered[None, :] >= needed(q, asked_count)[:, None])
        score = np.where(ok, total[None, :] / np.maximum(answered, 1)[None, :], np.nan)  # (A, P)
        # blank is only an answer where the item was asked
        kept = asked[:, None, :] | (pats.slots[None, :, :] != blank)                    # (A, P, k)

        per_cell = score[cell_audience]                                                 # (K, P)
        valid = ~np.isnan(per_cell)
        x = np.where(valid, per_cell, 0.0)
        d_sums.s0[:, d] = (pats.table * valid).sum(axis=1)
        d_sums.s1[:, d] = (pats.table * x).sum(axis=1)
        d_sums.s2[:, d] = (pats.table * x * x).sum(axis=1)

        gave = np.zeros((n_aud, len(pats.ids), n_cat), dtype=bool)
        for j, item in enumerate(items):
            hot = onehot[pats.slots[:, j]]                                             # (P, C)
            for a in range(n_aud):
                rows = cell_audience == a
                if rows.any():
                    item_counts[rows, item_index[item.id], :] += (
                        pats.table[rows] * kept[a, :, j]) @ hot
            gave |= kept[:, :, j, None] & hot.astype(bool)[None, :, :]
        for a in range(n_aud):
            rows = cell_audience == a
            if rows.any():
                dim_contrib[rows, d, :] = pats.table[rows] @ gave[a]
        dim_counts[:, d, :] = item_counts[:, [item_index[i.id] for i in items], :].sum(axis=1)

        # the last row: respondents of no known audience, who get no score
        bits_table = (gave * (1 << np.arange(n_cat))).sum(axis=2)                      # (A, P)
        none = np.zeros((1, len(pats.ids)))
        scored_dims[dim.id] = _Scored(
            pats.index,
            np.vstack([np.where(np.isnan(score), 0.0, score), none]),
            np.vstack([~np.isnan(score), none]).astype(np.int16),
            np.vstack([bits_table, none.astype(np.int64)]))
        all_scored = scored.all(axis=1)
        complete.append((pats.table.sum(axis=0)[all_scored], values[all_scored]))

    sizes = np.bincount(cell, minlength=n_cells).astype(float)
    colour_scores, c_sums, colour_contrib = _colours(framework, q, scored_dims, dim_asked,
                                                     row, cell, n_cells, n_cat, per_respondent)
    colour_counts = np.stack([dim_counts[:, [d for d, dim in enumerate(dims)
                                             if dim.colour == colour.id], :].sum(axis=1)
                              for colour in framework.colours], axis=1)
    i_sums = _item_sums(q, framework, item_counts)
    dim_scores = {}
    if per_respondent:
        dim_scores = {k: np.full(len(cell), np.nan) if v is None else v.score(row)
                      for k, v in scored_dims.items()}
    return (Tally(sizes, d_sums, dim_counts, dim_contrib, c_sums, colour_counts, colour_contrib,
                  i_sums, item_counts, complete), dim_scores, colour_scores)


def _count_patterns(responses: ResponseSet, dims: Sequence[Dimension], cell: np.ndarray,
                    n_cells: int, n_cat: int, slot_of: np.ndarray) -> dict[str, _Patterns]:
    """Each dimension's patterns, counted per cell; big sets split the dimensions between
    two threads (numpy lets go of the GIL for the arithmetic), each with its own buffer."""
    q = responses.questionnaire
    found: dict[str, _Patterns] = {}

    def count(chosen: Sequence[Dimension]) -> None:
        scratch = np.empty(len(cell), dtype=np.intp)
        for dim in chosen:
            items = q.items_for(dim.id)
            if items:
                found[dim.id] = _Patterns([responses.answers[i.id].to_numpy() for i in items],
                                          cell, n_cells, n_cat, slot_of, scratch)

    _halves(count, list(dims), len(cell))
    return found


def _halves(work: Callable[[list[T]], R], parts: list[T], respondents: int) -> list[R]:
    """``work`` on the even parts and on the odd ones: on two threads for big sets (numpy
    lets go of the GIL for most of the work), else one after the other. Either way the
    same halves, so sums made from them do not depend on how many threads ran."""
    halves = [parts[0::2], parts[1::2]]
    if respondents >= THREADS_FROM and len(parts) > 1 and (os.cpu_count() or 1) > 1:
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(work, halves))
    return [work(half) for half in halves]


def _colours(framework: Framework, q: Questionnaire, scored_dims: dict[str, _Scored | None],
             dim_asked: dict[str, np.ndarray], row: np.ndarray, cell: np.ndarray,
             n_cells: int, n_cat: int, per_respondent: bool
             ) -> tuple[dict[str, np.ndarray], Sums, np.ndarray]:
    """Per-cell sums of colour scores, the respondents behind counts and, when
    ``per_respondent``, each respondent's colour scores (else an empty dict).

    ``row`` is each respondent's audience, or one past the last for none known.
    Respondents are taken in blocks of :data:`BLOCK`, so every temporary stays in the
    CPU's cache; even and odd blocks are summed apart, then added.
    """
    n_aud = len(framework.audiences)
    n = len(cell)
    plans: list[tuple[int, np.ndarray, list[_Scored]]] = []
    for k, colour in enumerate(framework.colours):
        ids = [d.id for d in colour.dimensions]
        dims = [dim for d in ids if (dim := scored_dims[d]) is not None]
        if dims:  # else no item asks about the colour: no score, no answer, nothing to add
            # per audience (and none known): dimensions asked, and how many need a score
            avail = np.array([sum(dim_asked[d][a] > 0 for d in ids) for a in range(n_aud)] + [0])
            need = np.where(avail > 0, needed(q, avail), len(dims) + 1)
            plans.append((k, need.astype(np.int16), dims))
    n_col = len(framework.colours)
    scores = {c.id: np.full(n, np.nan) for c in framework.colours} if per_respondent else {}
    # respondents per (cell, scored or not, categories given): both the respondents with
    # a score and those behind each answer count; with many categories, per category
    patterns = 1 << n_cat if n_cells * 2 << n_cat <= SET_TABLE_UP_TO else 1

    def colours(starts: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Tally the blocks at ``starts``: (the counts above, respondents giving each
        category where they are not kept as patterns, sum of scores, sum of squares)."""
        counts = np.zeros((n_col, n_cells * 2 * patterns), dtype=np.int64)
        given = np.zeros((n_col, n_cells, n_cat if patterns == 1 else 0))
        s1, s2 = np.zeros((n_col, n_cells)), np.zeros((n_col, n_cells))
        # one set of buffers for every block (a fresh million-row temporary costs a page
        # fault per 4 KB); the last block uses the start of each
        kinds = [np.intp, np.intp, float, float, float, np.int16, np.int16, np.int16,
                 np.int64, np.int64, bool, bool]
        buffers = [np.empty(min(BLOCK, n), dtype=kind) for kind in kinds]
        for start in starts:
            stop = min(start + BLOCK, n)
            at, r = cell[start:stop], row[start:stop]
            where, key, total, part, x, have, some, need, bits, some_bits, good, failed = (
                b[:stop - start] for b in buffers)
            for k, need_table, dims in plans:
                for j, dim in enumerate(dims):
                    dim.where(r, start, where)
                    if j == 0:
                        np.take(dim.total, where, out=total)
                        np.take(dim.scored, where, out=have)
                        np.take(dim.bits, where, out=bits)
                    else:
                        total += np.take(dim.total, where, out=part)
                        have += np.take(dim.scored, where, out=some)
                        bits |= np.take(dim.bits, where, out=some_bits)
                np.greater_equal(have, np.take(need_table, r, out=need), out=good)
                np.maximum(have, 1, out=have)
                np.divide(total, have, out=x)
                np.logical_not(good, out=failed)
                np.copyto(x, 0.0, where=failed)
                s1[k] += np.bincount(at, weights=x, minlength=n_cells)
                s2[k] += np.bincount(at, weights=np.multiply(x, x, out=part),
                                     minlength=n_cells)
                np.multiply(at, 2, out=key)
                key += good
                if patterns > 1:
                    key <<= n_cat
                    key |= bits
                else:
                    for c in range(n_cat):
                        np.bitwise_and(np.right_shift(bits, c, out=some_bits), 1,
                                       out=some_bits)
                        given[k, :, c] += np.bincount(at, weights=some_bits, minlength=n_cells)
                counts[k] += np.bincount(key, minlength=counts.shape[1])
                if per_respondent:
                    np.copyto(x, np.nan, where=failed)
                    scores[framework.colours[k].id][start:stop] = x
        return counts, given, s1, s2

    halves = _halves(colours, list(range(0, n, BLOCK)), n)
    counts, given, s1, s2 = (a + b for a, b in zip(*halves, strict=True))
    counts = counts.reshape(n_col, n_cells, 2, patterns)
    if patterns > 1:
        has_bit = (np.arange(patterns)[:, None] >> np.arange(n_cat)) & 1
        given = counts.sum(axis=2) @ has_bit
    sums = Sums(*(np.ascontiguousarray(x.T, dtype=float)
                  for x in (counts[..., 1, :].sum(axis=2), s1, s2)))
    return scores, sums, np.ascontiguousarray(given.transpose(1, 0, 2), dtype=float)


def _item_sums(q: Questionnaire, framework: Framework, counts: np.ndarray) -> Sums:
    """Item sums from answer counts: every answer is one of a few categories."""
    if not q.items:
        empty = np.zeros((counts.shape[0], 0))
        return Sums(empty, empty.copy(), empty.copy())
    pos = np.stack([slot_positions(q, framework, item) for item in q.items])   # (I, C)
    scored = ~np.isnan(pos)
    p = np.where(scored, pos, 0.0)
    c = np.where(scored[None, :, :], counts, 0.0)
    return Sums(c.sum(axis=2), (c * p).sum(axis=2), (c * p * p).sum(axis=2))


def cronbach_alpha_weighted(freq: np.ndarray, values: np.ndarray) -> tuple[float, int]:
    """Cronbach's alpha from distinct complete answer patterns and how often each occurs."""
    total = float(freq.sum())
    k = values.shape[1]
    if total < 2 or k < 2:
        return math.nan, int(total)

    def var(x: np.ndarray) -> float:
        mean = (freq * x).sum() / total
        return float((freq * (x - mean) ** 2).sum() / (total - 1))

    item_var = sum(var(values[:, j]) for j in range(k))
    total_var = var(values.sum(axis=1))
    alpha = k / (k - 1) * (1 - item_var / total_var) if total_var > 0 else math.nan
    return alpha, int(total)
