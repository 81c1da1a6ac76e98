"""Cell text to codes: answers to the answer scale, audiences and workforce groups to
their position in the framework.

Answers are matched, never parsed: a cell is an answer if it is, after the mapping
file's ``answers:`` (which win), a scale value as the questionnaire writes it, one of its
labels (adult or children's wording), a non-answer code or label, or blank. The match
is by exact text first (vectorised over the whole column), then by
:func:`~owcf.ingest.text.answer_key` (case, spaces, curly quotes and KoboToolbox's
``strongly_agree`` aside). A sign, a bracket, punctuation or a digit always counts:
``-1``, ``+2``, ``(3)`` and ``5!`` are not answers. Audience and workforce group names
are matched more loosely (letters and digits only), as a name cannot be misread as a
number.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf.ingest.sheet import cell_bytes
from owcf.ingest.text import answer_key, choice_name_keys, loose, normalise
from owcf.model.framework import Named
from owcf.model.questionnaire import Questionnaire

#: the code of a blank cell, and of a cell that maps to nothing
BLANK = 0
UNMAPPED = -1


class ValueMap:
    """Cell text -> code (category index, or 1-based choice), 0 for blank, -1 unmapped.

    Exact text goes through one vectorised pass over the whole column: a table indexed
    by the cell's bytes where every cell is at most two bytes long (scale values and codes
    such as ``4`` and ``DK``, the usual case), else pyarrow's ``index_in``. Only the rows
    it misses are looked at again, once per distinct text, through the normalised and
    letters-only tables. A million answers cost about as much as a column scan.
    """

    def __init__(self, entries: Iterable[tuple[str, int]],
                 overrides: Mapping[str, int] | None = None, *, strict: bool = False) -> None:
        """``strict``: answers (compared by :func:`answer_key`, with the choice names an
        XLSForm tool makes from labels); else names (:func:`normalise`, then letters and
        digits only)."""
        key = answer_key if strict else normalise
        exact: dict[str, int] = {"": BLANK}
        norm: dict[str, int] = {}  # blank text is exact; an empty key is never looked up
        rough: dict[str, set[int]] = {}
        entries = list(entries)
        for text, code in entries:
            exact.setdefault(text, code)
            norm.setdefault(key(text), code)
            if not strict:
                rough.setdefault(loose(text), set()).add(code)
        if strict:  # dont_know for "Don't know", unless two answers would share it
            for text, code in entries:
                for name in choice_name_keys(text):
                    rough.setdefault(name, set()).add(code)
            norm |= {k: next(iter(v)) for k, v in rough.items() if len(v) == 1 and k not in norm}
            rough = {}
        for text, code in (overrides or {}).items():  # the trust's mapping wins
            exact[text] = code
            norm[key(text)] = code
            if not strict:
                rough[loose(text)] = {code}
        # ... over the questionnaire's own text too, however the mapping wrote it:
        # "disagree: DK" also takes the cells written "Disagree"
        overridden = {key(text): code for text, code in (overrides or {}).items()}
        for text in exact:
            exact[text] = overridden.get(key(text), exact[text]) if text else BLANK
        self.key = key
        self.exact = exact
        self.normalised = norm
        # letters-only keys that two different answers share would guess: drop them
        self.loose = {k: next(iter(v)) for k, v in rough.items() if len(v) == 1 and k}
        self._keys = pa.array(list(exact), type=pa.string())
        self._codes = np.array([*exact.values(), UNMAPPED], dtype=np.int16)
        self.dtype = np.int8 if self._codes.max(initial=0) <= 127 else np.int16
        # cells of at most two bytes, for _short_codes: their code, or _LOOK_AGAIN. A cell
        # is read as its length and the two bytes where it starts: for a shorter cell the
        # bytes beyond it are the next cell's, so every value they can take is filled in.
        short = np.full(1 << 18, _LOOK_AGAIN, dtype=np.int16)
        short[:1 << 16] = exact[""]
        for text, code in exact.items():
            raw = text.encode("utf-8")
            if len(raw) == 1:
                short[(1 << 16) | (np.arange(256) << 8) | raw[0]] = code
            elif len(raw) == 2:
                short[(2 << 16) | int.from_bytes(raw, "little")] = code
        self._short: dict[np.dtype, np.ndarray]  # the table for each dtype codes are written in
        self._short = {np.dtype(np.int16): short, np.dtype(np.int8): short.astype(np.int8)} \
            if self.dtype == np.int8 else {np.dtype(np.int16): short}

    def lookup(self, text: str) -> int:
        """The code of one cell text."""
        if text in self.exact:
            return self.exact[text]
        if not text.strip():
            return BLANK
        key = self.key(text)
        if key in self.normalised and key:  # "?" is not blank, it is not an answer either
            return self.normalised[key]
        return self.loose.get(loose(text), UNMAPPED)

    def codes(self, values: pa.ChunkedArray | pa.Array, out: np.ndarray | None = None
              ) -> np.ndarray:
        """Codes for a whole column (int8 when they fit), written into ``out`` if given."""
        codes = np.empty(len(values), dtype=self.dtype) if out is None else out
        self.code_into(values, codes)
        return codes

    def code_into(self, values: pa.ChunkedArray | pa.Array, out: np.ndarray) -> np.ndarray:
        """Write the codes of a whole column into ``out``; return the positions of cells
        that map to nothing (:data:`UNMAPPED`)."""
        table = self._short.get(out.dtype)
        if table is not None and _short_codes(values, table, out):
            missed = np.flatnonzero(out < 0)  # _LOOK_AGAIN: the few cells to look at again
        else:
            index = pc.fill_null(pc.index_in(values, value_set=self._keys), len(self._codes) - 1)
            np.take(self._codes.astype(out.dtype), index.to_numpy(), out=out)
            missed = np.flatnonzero(out == UNMAPPED)
        if not len(missed):
            return missed
        rest = pc.dictionary_encode(values.take(pa.array(missed)))
        if isinstance(rest, pa.ChunkedArray):
            rest = rest.combine_chunks()
        found = np.array([self.lookup(t) for t in rest.dictionary.to_pylist()], dtype=out.dtype)
        out[missed] = found[rest.indices.to_numpy(zero_copy_only=False)]
        return missed[out[missed] == UNMAPPED]


_LOOK_AGAIN = -2


def _short_codes(values: pa.ChunkedArray | pa.Array, table: np.ndarray, out: np.ndarray
                 ) -> bool:
    """Code every cell through ``table`` by its length and first two bytes, read straight
    from the Arrow buffers; False, with ``out`` undefined, unless every cell is text of at
    most two bytes.

    Chunks are joined into runs of about :data:`_RUN` cells: big enough that numpy, not
    the Python around it, takes the time (and lets go of the GIL, so columns map in
    parallel), small enough to stay in the CPU's cache.
    """
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    if any(c.type != pa.string() or c.null_count for c in chunks):
        return False
    at = 0
    for run in _runs(chunks):
        m = len(run)
        ends, raw = cell_bytes(run)
        key = np.diff(ends)  # the cell lengths, then the key
        if m and key.max() > 2:
            return False
        if not raw.size:  # every cell empty
            out[at:at + m] = table[0]
        else:
            # the byte at each place, and the next one above it; an empty cell at the
            # very end starts past the last byte, where "clip" reads any byte (ignored)
            pairs = raw.astype(np.uint16)
            pairs[:-1] |= pairs[1:] << 8
            key <<= 16
            key |= np.take(pairs, ends[:-1], mode="clip")
            np.take(table, key, out=out[at:at + m])
        at += m
    return True


_RUN = 1 << 16


def _runs(chunks: Sequence[pa.Array]) -> Iterator[pa.Array]:
    """Consecutive chunks joined until each run has at least :data:`_RUN` cells."""
    group: list[pa.Array] = []
    size = 0
    for chunk in chunks:
        if not len(chunk):  # its buffers may be absent
            continue
        group.append(chunk)
        size += len(chunk)
        if size >= _RUN:
            yield group[0] if len(group) == 1 else pa.concat_arrays(group)
            group, size = [], 0
    if group:
        yield group[0] if len(group) == 1 else pa.concat_arrays(group)


def answer_map(questionnaire: Questionnaire, overrides: Mapping[str, int] | None = None
               ) -> ValueMap:
    """Answers: scale values, labels (adult and children's), non-answer codes and labels;
    ``overrides`` (a mapping file's ``answers:``) win."""
    entries = []
    for index, option in enumerate(questionnaire.answer_scale, start=1):
        entries += [(str(option.value), index), (option.label, index),
                    (option.label_children, index)]
    base = len(questionnaire.answer_scale)
    for index, non in enumerate(questionnaire.non_answers, start=base + 1):
        entries += [(non.code, index), (non.label, index)]
    return ValueMap(entries, overrides, strict=True)


def answer_candidates(questionnaire: Questionnaire) -> list[str]:
    """Every text that is an answer: scale values, labels, non-answer codes and labels."""
    texts = [str(o.value) for o in questionnaire.answer_scale]
    texts += [o.label for o in questionnaire.answer_scale]
    texts += [o.label_children for o in questionnaire.answer_scale]
    texts += [t for n in questionnaire.non_answers for t in (n.code, n.label)]
    return list(dict.fromkeys(texts))


def closest_answers(text: str, questionnaire: Questionnaire, n: int = 3) -> list[str]:
    """Up to ``n`` answers closest to ``text`` (``'1'`` for ``-1``), best first."""
    keys: dict[str, str] = {}
    for candidate in answer_candidates(questionnaire):
        keys.setdefault(answer_key(candidate), candidate)
    found = difflib.get_close_matches(answer_key(text), list(keys), n=n, cutoff=0.5)
    return [keys[k] for k in found]


def choice_map(choices: Sequence[Named], overrides: Mapping[str, str] | None) -> ValueMap:
    """Audience or workforce group by id or name; code = 1-based position in ``choices``."""
    position = {c.id: k for k, c in enumerate(choices, start=1)}
    entries = [(text, position[c.id]) for c in choices for text in (c.id, c.name)]
    return ValueMap(entries, {k: position[v] for k, v in (overrides or {}).items()})
