"""Check every response and either accept it or reject it with all its reasons.

Each check is one vectorised pass over a column, producing a :class:`Finding` (a code,
the rows it applies to, and a message per row). A response with any finding is
rejected; the rest are accepted. Nothing is dropped without a finding, so

    rows read = rows accepted + rows rejected

always holds, and each rejected row is tallied under its first reason in
:data:`REASON_ORDER` (the rejects file lists all of them).

The minimum for a partial response is
:meth:`~owcf.model.questionnaire.Questionnaire.keeps_response` (at least
``ceil(min_answered_fraction x k)`` answers, don't know and not applicable included, to
the ``k`` items of one dimension the audience is asked), worked out here for every
response at once. A response with no answer at all is ``no-answers``; one below the
minimum everywhere is ``too-few-answers``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from owcf.ingest.answers import UNMAPPED, ValueMap, closest_answers
from owcf.ingest.columns import Plan
from owcf.ingest.dates import parse_dates
from owcf.ingest.export import Export, Finding, Role, SourceColumn
from owcf.ingest.ids import first_appearance, increasing, maybe_repeated
from owcf.ingest.ingested import Ingested
from owcf.ingest.mapping import MappingFile
from owcf.ingest.personal import redact, redact_column
from owcf.ingest.pseudonym import pseudonymise
from owcf.ingest.responses import ResponseSet
from owcf.ingest.text import nearest
from owcf.model.framework import Framework
from owcf.model.questionnaire import Item, Questionnaire

# -- assembling ------------------------------------------------------------------------

@dataclass
class _Responses:
    """Per response (wide) values before checking, from either layout."""

    n: int
    rows: np.ndarray
    source_response: np.ndarray
    identity: pa.ChunkedArray | pa.Array
    identity_column: SourceColumn | None
    blank_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    blank_id_rows: np.ndarray | None = None
    texts: dict[str, tuple[SourceColumn, pa.ChunkedArray | pa.Array]] = field(default_factory=dict)
    answers: dict[str, np.ndarray] = field(default_factory=dict)       # long: codes per item
    answer_columns: dict[str, SourceColumn] = field(default_factory=dict)  # wide: to map
    answer_texts: dict[str, pa.ChunkedArray | pa.Array] = field(default_factory=dict)
    answer_rows: dict[str, np.ndarray] | None = None  # long layout: the row of each answer
    findings: list[Finding] = field(default_factory=list)


def _join(columns: Sequence[pa.ChunkedArray | pa.Array]) -> pa.ChunkedArray | pa.Array:
    if len(columns) == 1:
        return columns[0]
    return pc.binary_join_element_wise(*columns, "\x1f")


def _wide(export: Export, plan: Plan, questionnaire: Questionnaire) -> _Responses:
    n = export.n
    identity = _join([c.values for c in plan.identity]) if plan.identity else \
        _join([c.values for c in export.columns])
    out = _Responses(n, export.rows, np.arange(n), identity,
                     plan.identity[0] if plan.identity else None)
    if plan.identity:  # empty, or only spaces (checked without copying a string)
        ids = plan.identity[0].values
        blank = pc.or_(pc.equal(pc.binary_length(ids), 0), pc.utf8_is_space(ids))
        out.blank_id = np.flatnonzero(blank.to_numpy(zero_copy_only=False))
    for role, column in (("audience", plan.audience), ("workforce_group", plan.workforce_group),
                         ("submitted", plan.submitted)):
        if column is not None:
            out.texts[role] = (column, column.values)
    for name, column in plan.fields.items():
        out.texts[f"field:{name}"] = (column, column.values)
    for k, column in enumerate(plan.comments):
        out.texts[f"comment:{k}"] = (column, column.values)
    out.answer_columns = dict(plan.items)
    out.answer_texts = {ident: column.values for ident, column in plan.items.items()}
    return out


def _long(export: Export, plan: Plan, questionnaire: Questionnaire) -> _Responses:
    """One response per respondent id from one row per answer."""
    item_col, answer_col = export.first(Role.long_item), export.first(Role.long_answer)
    assert item_col is not None and answer_col is not None  # checked by the plan
    id_col = plan.identity[0]
    raw_ids = pc.utf8_trim_whitespace(id_col.values).to_numpy(zero_copy_only=False)
    respondent, distinct = pd.factorize(np.asarray(raw_ids, dtype=object))
    n = len(distinct)
    first_row = np.full(n, len(export.rows), dtype=np.int64)
    np.minimum.at(first_row, respondent, np.arange(len(respondent)))
    out = _Responses(n, export.rows[first_row], respondent, pa.array(distinct, pa.string()),
                     id_col)
    blank_rows = np.flatnonzero(np.asarray(raw_ids, dtype=object) == "")
    out.blank_id, out.blank_id_rows = respondent[blank_rows], export.rows[blank_rows]

    items = [i.id for i in questionnaire.items]
    item_codes = ValueMap([(ident, k) for k, ident in enumerate(items, start=1)]) \
        .codes(item_col.values)
    answer_codes = plan.answers.codes(answer_col.values)
    findings = out.findings
    bad_item = np.flatnonzero(item_codes == UNMAPPED)
    if len(bad_item):
        findings.append(Finding("unknown-item", respondent[bad_item], _by_text(
            item_col.values, bad_item,
            lambda t: f"{t!r} is not a questionnaire item{_nearest(t, items)}"),
            item_col, export.rows[bad_item]))
    blank_item = np.flatnonzero((item_codes == 0) & (answer_codes != 0))
    if len(blank_item):
        findings.append(Finding("missing-value", respondent[blank_item],
                                "the row has an answer but no item", item_col,
                                export.rows[blank_item]))
    valid = np.flatnonzero(item_codes > 0)
    slot = respondent[valid].astype(np.int64) * len(items) + (item_codes[valid] - 1)
    _, first = np.unique(slot, return_index=True)
    again = np.setdiff1d(np.arange(len(valid)), first)
    if len(again):
        rows = valid[again]
        findings.append(Finding("duplicate-answer", respondent[rows],
                                "this respondent already answered this item on another row",
                                item_col, export.rows[rows]))
    matrix = np.zeros(n * len(items), dtype=np.int16)
    matrix[slot[first]] = answer_codes[valid[first]]
    grid = matrix.reshape(n, len(items))
    out.answers = {ident: grid[:, k] for k, ident in enumerate(items)}
    where = np.zeros(n * len(items), dtype=np.int64)
    where[slot[first]] = export.rows[valid[first]]
    cells = where.reshape(n, len(items))
    out.answer_rows = {ident: cells[:, k] for k, ident in enumerate(items)}
    # an invalid answer is reported on the row that holds it
    bad = np.flatnonzero(answer_codes == UNMAPPED)
    out.answer_texts = {}
    if len(bad):
        findings.append(Finding("invalid-answer", respondent[bad], _by_text(
            answer_col.values, bad, lambda t: _answer_message(t, plan, questionnaire)),
            answer_col, export.rows[bad]))
        for ident in items:
            out.answers[ident] = np.where(out.answers[ident] == UNMAPPED, 0, out.answers[ident])

    # respondent columns: the first non-blank value; two different ones is a conflict
    columns = [("audience", plan.audience), ("workforce_group", plan.workforce_group),
               ("submitted", plan.submitted)]
    columns += [(f"field:{k}", c) for k, c in plan.fields.items()]
    columns += [(f"comment:{k}", c) for k, c in enumerate(plan.comments)]
    for role, column in columns:
        if column is None:
            continue
        values = pd.Series(np.asarray(pc.utf8_trim_whitespace(column.values)
                                      .to_numpy(zero_copy_only=False), dtype=object))
        filled = values != ""
        frame = pd.DataFrame({"r": respondent[filled.to_numpy()], "v": values[filled]})
        firsts = frame.groupby("r", sort=False)["v"].first()
        chosen = np.full(n, "", dtype=object)
        chosen[firsts.index.to_numpy()] = firsts.to_numpy()
        conflict = np.flatnonzero(filled.to_numpy() & (values.to_numpy() != chosen[respondent]))
        if len(conflict):
            findings.append(Finding("inconsistent-respondent", respondent[conflict], [
                f"{redact(str(values.iat[int(i)]))!r} differs from this respondent's "
                f"{redact(chosen[respondent[i]])!r} on another row" for i in conflict], column,
                export.rows[conflict]))
        out.texts[role] = (column, pa.array(chosen.tolist(), pa.string()))
    return out


def _nearest(text: str, choices: Sequence[str]) -> str:
    found = nearest(text, choices, n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _answer_message(text: str, plan: Plan, questionnaire: Questionnaire) -> str:
    found = [repr(t) for t in closest_answers(text, questionnaire)]
    hint = ""
    if found:
        hint = f" (did you mean {found[0] if len(found) == 1 else ', '.join(found[:-1])}" \
            f"{'' if len(found) == 1 else ' or ' + found[-1]}?)"
    return f"{text!r} is not an answer (expected {questionnaire.describe_answers()}){hint}"


def _by_text(values: pa.ChunkedArray | pa.Array, positions: np.ndarray,
             message: Callable[[str], str]) -> list[str]:
    """A message per position, computed once per distinct cell text (a million rows with
    the same unknown answer cost one message)."""
    texts = values.take(pa.array(positions, pa.int64())).to_pylist()
    cache: dict[str, str] = {}
    for text in texts:
        if text not in cache:  # a stray email address typed as an answer is not repeated
            cache[text] = message(redact(text))
    return [cache[t] for t in texts]


def _map_item(values: pa.ChunkedArray | pa.Array | None, answers: ValueMap, out: np.ndarray
              ) -> np.ndarray:
    """Map one item's column into ``out``; return the rows with no such answer. Runs on a
    worker thread: pyarrow and numpy let go of the GIL."""
    bad = answers.code_into(values, out) if values is not None else np.zeros(0, np.intp)
    out[bad] = 0  # an invalid answer counts as none
    return bad


def _not_asked(item: Item, audience_ids: Sequence[str], audience: np.ndarray,
               routed: dict[tuple[str, ...], np.ndarray]) -> np.ndarray | None:
    """Rows whose audience is not asked ``item`` (None if everyone is), found once for
    each set of audiences that items are routed to."""
    if item.audiences is None:
        return None
    key = tuple(item.audiences)
    if key not in routed:
        # by audience code + 1: codes -1 (unknown) and 0 (blank) count as asked, those
        # rows are rejected for their audience anyway
        asked = np.array([True, True, *(a in key for a in audience_ids)])
        routed[key] = np.flatnonzero(~asked[audience + 1])
    return routed[key]


def assemble(export: Export, plan: Plan, questionnaire: Questionnaire, framework: Framework,
             salt: str, salt_source: str = "default", mapping: MappingFile | None = None
             ) -> Ingested:
    """Check every response of a planned export; see the module docstring."""
    resp = (_long if export.long else _wide)(export, plan, questionnaire)
    n = resp.n
    findings = list(export.findings) if not export.long else [
        Finding(f.code, resp.source_response[f.positions], f.messages, f.column,
                export.rows[f.positions]) for f in export.findings]
    findings += resp.findings
    audience_ids = [a.id for a in framework.audiences]

    # Answers go into one int8 block, items by rows, that becomes the answers frame
    # without a copy. Big files map their item columns on worker threads while this
    # thread reads audiences and workforce groups, checks ids and reads dates.
    items = questionnaire.items
    block = np.zeros((len(items), n), dtype=np.int8)
    calls = []
    for k, item in enumerate(items):
        column = resp.answer_columns.get(item.id)
        if item.id in resp.answers:
            block[k] = resp.answers[item.id]
        elif column is None:
            continue
        calls.append((k, item, (column.values if column else None, plan.answers, block[k])))
    pool = ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) \
        if n >= 50_000 and len(calls) > 1 else None
    try:
        pending = [pool.submit(_map_item, *args) for _, _, args in calls] if pool else []
        audience, group = _audience_and_group(resp, plan, framework, findings)
        hashed = _ids(resp, plan, findings, salt, export.source)
        submitted, order = _dates(resp, plan, findings)
        mapped = [f.result() for f in pending] if pool else \
            [_map_item(*args) for _, _, args in calls]
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    unasked = np.zeros(n, dtype=bool)  # answered an item their audience is not asked
    routed: dict[tuple[str, ...], np.ndarray] = {}
    for (k, item, _), bad in zip(calls, mapped, strict=True):
        not_asked = _not_asked(item, audience_ids, audience, routed)
        wrong = not_asked[block[k][not_asked] > 0] if not_asked is not None else bad[:0]
        if len(bad):
            findings.append(Finding("invalid-answer", bad, _by_text(
                resp.answer_texts[item.id], bad,
                lambda t: _answer_message(t, plan, questionnaire)), plan.items[item.id]))
        if len(wrong):
            unasked[wrong] = True
            column = plan.items.get(item.id) or export.first(Role.long_answer)
            cell_rows = resp.answer_rows[item.id][wrong] if resp.answer_rows else None
            findings.append(Finding("item-not-routed", wrong, [
                f"item {item.id!r} is asked of {', '.join(item.audiences or ())} only, but "
                f"this {audience_ids[audience[i] - 1]} respondent answered it" for i in wrong],
                column, cell_rows))
    findings += _minimum(block, audience, unasked, questionnaire, framework)

    # the response set, every response included; rejected ones are masked out later.
    # Respondent fields are categoricals: analysis takes their codes as they are, and a
    # missing value is NaN, "not stated".
    group_ids = [g.id for g in framework.workforce_groups]
    # (pandas-stubs take only an Index as from_codes' categories; pandas takes any list)
    respondents = pd.DataFrame({
        "audience": pd.Categorical.from_codes(  # type: ignore[call-overload]  # stubs want an Index
            np.where(audience > 0, audience - 1, -1), categories=audience_ids),
        "workforce_group": pd.Categorical.from_codes(  # type: ignore[call-overload]  # stubs want an Index
            np.where(group > 0, group - 1, -1), categories=group_ids)})
    if submitted is not None:
        respondents["submitted"] = submitted.to_numpy()
    for name in plan.fields:
        _, values = resp.texts[f"field:{name}"]
        respondents[name] = _categorical(pc.utf8_trim_whitespace(values))
    # personal data in free text is taken out here, so no output ever holds it
    redacted = [redact_column(resp.texts[f"comment:{k}"][1]) for k in range(len(plan.comments))]
    comment_cols = [column for column, _ in redacted]
    taken_out = sum(changed for _, changed in redacted)
    comments = None
    if comment_cols:
        joined = comment_cols[0] if len(comment_cols) == 1 else pc.binary_join_element_wise(
            *[pc.utf8_trim_whitespace(c) for c in comment_cols], "\n\n")
        comments = pc.utf8_trim(joined, "\n ").to_pandas()
    answers = pd.DataFrame(block.T, columns=[i.id for i in items], copy=False)
    everyone = ResponseSet(respondents, answers, questionnaire, export.file, comments)
    result = Ingested(export, plan, everyone, findings, resp.identity, resp.rows,
                      resp.source_response, mapping, salt_source, order, salt,
                      comments_redacted=taken_out)
    if hashed is not None:
        result.__dict__["_pseudonymised"] = hashed  # made already: keep them
    return result


def _categorical(values: pa.ChunkedArray | pa.Array) -> pd.Categorical:
    """Text as a categorical, in order of first appearance; blank is missing."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    texts = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    named = texts != ""
    renumber = np.where(named, np.cumsum(named) - 1, -1)
    codes = renumber[encoded.indices.to_numpy(zero_copy_only=False)]
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts[named], dtype=object))


def _audience_and_group(resp: _Responses, plan: Plan, framework: Framework,
                        findings: list[Finding]) -> tuple[np.ndarray, np.ndarray]:
    """Audience and workforce group codes (1-based; 0 blank, -1 unknown), checked."""
    n = resp.n
    audience_ids = [a.id for a in framework.audiences]
    if "audience" in resp.texts:
        audience = _choice_codes(resp, "audience", plan.audiences, framework.audiences,
                                 "unknown-audience", findings)
        blank = np.flatnonzero(audience == 0)
        if len(blank):
            findings.append(Finding("missing-value", blank, "audience is blank",
                                    resp.texts["audience"][0]))
    else:
        # the plan has no audience column only if the mapping gives a known audience
        assert plan.audience_constant is not None
        audience = np.full(n, audience_ids.index(plan.audience_constant) + 1, dtype=np.int16)
    group = np.zeros(n, dtype=np.int16)
    if "workforce_group" in resp.texts:
        group = _choice_codes(resp, "workforce_group", plan.workforce_groups,
                              framework.workforce_groups, "unknown-workforce-group", findings)
    return audience, group


def _choice_codes(resp: _Responses, field: str, choices: Any, named: Sequence[Any],
                  code: str, findings: list[Finding]) -> np.ndarray:
    """Codes of a mapped respondent field; values that map to nothing become findings."""
    column, values = resp.texts[field]
    codes = choices.codes(values).astype(np.int16)
    bad = np.flatnonzero(codes == UNMAPPED)
    if len(bad):
        ids = [c.id for c in named]
        findings.append(Finding(code, bad, _by_text(
            values, bad, lambda t: f"{t!r} is not one of {', '.join(ids)}"
            f"{_nearest(t, [*ids, *(c.name for c in named)])}"), column))
    return codes


def _ids(resp: _Responses, plan: Plan, findings: list[Finding], salt: str, namespace: str
         ) -> tuple[pa.Array, np.ndarray] | None:
    """Blank and repeated respondent ids are findings. Ids are told apart as they are,
    unless some are pseudonyms already (a normalised file ingested again), which must
    match the ids they stand for: then the pseudonyms are made here, and returned."""
    n = resp.n
    blank = resp.blank_id
    if len(blank):
        findings.append(Finding("missing-value", blank,
                                f"{plan.identity[0].label} (the respondent id) is blank",
                                resp.identity_column, resp.blank_id_rows))
    hashed = None
    if pc.any(pc.starts_with(resp.identity, "p-")).as_py():
        hashed = pseudonymise(resp.identity, salt, namespace)
        rows = np.arange(n)
        codes = pd.factorize(hashed[1])[0]
    elif increasing(resp.identity):  # ids that only go up cannot repeat
        return None
    else:  # only ids whose hash is not unique can repeat: tell those apart exactly
        rows = maybe_repeated(resp.identity)
        codes = first_appearance(resp.identity.take(rows))
    # codes number ids in order of first appearance: an id's first row is where the
    # running highest code goes up
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    earlier = rows[first[codes]]
    not_blank = np.ones(n, dtype=bool)
    not_blank[blank] = False
    repeat = (earlier != rows) & not_blank[rows]
    if repeat.any():
        findings.append(Finding("duplicate-respondent", rows[repeat], [
            f"the same respondent as row {row}" for row in resp.rows[earlier[repeat]].tolist()],
            resp.identity_column))
    return hashed


def _dates(resp: _Responses, plan: Plan, findings: list[Finding]
           ) -> tuple[pd.Series | None, str]:
    """Submission times, and the day/month order used; unreadable ones are findings."""
    if "submitted" not in resp.texts:
        return None, plan.date_order or "dmy"
    column, values = resp.texts["submitted"]
    submitted, bad_mask, order = parse_dates(values, plan.date_order)
    bad = np.flatnonzero(bad_mask)
    if len(bad):
        findings.append(Finding("invalid-date", bad, _by_text(
            values, bad, lambda t: f"{t.strip()!r} is not a date and time owcf can read "
            "(ISO 8601 YYYY-MM-DD, day/month/year, or an Excel date)"), column))
    return submitted, order


def _minimum(block: np.ndarray, audience: np.ndarray, unasked: np.ndarray,
             questionnaire: Questionnaire, framework: Framework) -> list[Finding]:
    """no-answers and too-few-answers findings (see the module docstring)."""
    audience_ids = [a.id for a in framework.audiences]
    position = {item.id: k for k, item in enumerate(questionnaire.items)}
    groups = [questionnaire.items_for(d.id) for d in framework.dimensions]
    groups = [g for g in groups if g]
    # per dimension and audience: items asked, and answers needed (audience 0: unknown)
    asked = np.array([[0] + [sum(i.asked_of(a) for i in g) for a in audience_ids]
                      for g in groups])
    needed = np.array([[questionnaire.answers_needed(k) for k in row] for row in asked])
    total = np.zeros(len(audience), dtype=np.int16)
    for row in block:  # item by item: small temporaries, not one the size of the block
        total += row > 0  # invalid answers are already 0
    where = np.maximum(audience, 0)
    # A response that meets the minimum nowhere has at most needed - 1 answers in each
    # dimension, so at most sum(needed - 1) in all: only those need counting by dimension
    # (and those with answers they were not asked, which are not in that sum).
    bound = np.array([0] + [int((needed[:, a] - 1)[asked[:, a] > 0].sum())
                            for a in range(1, len(audience_ids) + 1)])
    doubtful = np.flatnonzero((total <= bound[where]) | (unasked > 0))
    meets = np.ones(len(audience), dtype=bool)
    meets[doubtful] = False
    if groups and len(doubtful):
        counts = np.zeros((len(groups), len(doubtful)), dtype=np.int16)  # answers per dimension
        for count, group in zip(counts, groups, strict=True):
            for item in group:  # one item's answers at a time: no copy of the block
                count += np.take(block[position[item.id]], doubtful) > 0
        rows = where[doubtful]
        meets[doubtful] = ((asked[:, rows] > 0) & (counts >= needed[:, rows])).any(axis=0)
    known = audience > 0
    none = np.flatnonzero(known & (total == 0))
    few = np.flatnonzero(known & (total > 0) & ~meets)
    out = []
    if len(none):
        out.append(Finding("no-answers", none, "no questionnaire item is answered, not even "
                           "with don't know or not applicable"))
    if len(few):
        fraction = questionnaire.min_answered_fraction
        out.append(Finding("too-few-answers", few, [
            f"only {total[i]} item{'s' if total[i] != 1 else ''} answered: a partial response "
            f"needs at least {fraction:g} of the items of one dimension" for i in few]))
    return out
