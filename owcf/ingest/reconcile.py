"""Check every response and either accept it or reject it with all its reasons.

Each check is one vectorised pass over a column, producing a :class:`Finding` (a code,
the rows it applies to, and a message per row). A response with any finding is
rejected; the rest are accepted. Nothing is dropped without a finding, so

    rows read = rows accepted + rows rejected

always holds, and each rejected row is tallied under its first reason in
:data:`REASON_ORDER` (the rejects file lists all of them).

The minimum for a partial response: at least one answer (a scale answer, "don't know"
or "not applicable") on at least ``ceil(min_answered_fraction x k)`` of the ``k`` items
of at least one dimension that the respondent's audience is asked. A response with no
answer at all is ``no-answers``; one below the minimum everywhere is ``too-few-answers``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from owcf.errors import Problem, Severity
from owcf.framework import Framework
from owcf.ingest.dates import parse_dates
from owcf.ingest.mapping import UNMAPPED, MappingFile, Plan, ValueMap
from owcf.ingest.model import Export, Finding, Role, SourceColumn
from owcf.ingest.pseudonym import pseudonymise
from owcf.ingest.text import nearest
from owcf.questionnaire import Questionnaire
from owcf.responses import ResponseSet

#: rejection reasons, most fundamental first: a row is tallied under its first one
REASON_ORDER = ("missing-value", "duplicate-respondent", "test-response", "extra-cells",
                "unknown-audience", "unknown-item", "duplicate-answer",
                "inconsistent-respondent", "invalid-answer", "item-not-routed",
                "unknown-workforce-group", "invalid-date", "no-answers", "too-few-answers")


@dataclass
class Ingested:
    """One file, ingested: every response accepted or rejected, and why."""

    export: Export
    plan: Plan
    everyone: ResponseSet             # every response, rejected ones included
    findings: list[Finding]
    pseudonyms: np.ndarray            # per response
    keys: np.ndarray                  # uint64 per response, for duplicate checks
    response_rows: np.ndarray         # file row of each response (its first, in long layout)
    source_response: np.ndarray       # response position of each data row of the file
    mapping: MappingFile | None = None
    salt: str = "default"             # "trust" when the trust set pseudonym_salt
    date_order: str = "dmy"

    @property
    def file(self) -> str:
        return self.export.file

    @cached_property
    def rejected_mask(self) -> np.ndarray:
        mask = np.zeros(len(self.pseudonyms), dtype=bool)
        for finding in self.findings:
            mask[finding.positions] = True
        return mask

    @property
    def rejected(self) -> np.ndarray:
        """Positions of rejected responses, in file order."""
        return np.flatnonzero(self.rejected_mask)

    @cached_property
    def responses(self) -> ResponseSet:
        """The accepted responses."""
        keep = ~self.rejected_mask
        if keep.all():
            return self.everyone
        rs = self.everyone
        index = np.flatnonzero(keep)
        return ResponseSet(rs.respondents.iloc[index].reset_index(drop=True),
                           rs.answers.iloc[index].reset_index(drop=True), rs.questionnaire,
                           rs.source, None if rs.comments is None else
                           rs.comments.iloc[index].reset_index(drop=True))

    def reject(self, finding: Finding) -> None:
        """Reject more responses (a duplicate found in another file)."""
        self.findings.append(finding)
        for name in ("rejected_mask", "responses"):
            self.__dict__.pop(name, None)

    # -- counts --------------------------------------------------------------------------
    def primary_reasons(self) -> dict[int, str]:
        """Rejected response position -> the reason it is tallied under."""
        rank = {code: k for k, code in enumerate(REASON_ORDER)}
        best: dict[int, str] = {}
        for finding in self.findings:
            for position in finding.positions.tolist():
                held = best.get(position)
                if held is None or rank.get(finding.code, 99) < rank.get(held, 99):
                    best[position] = finding.code
        return best

    def counts(self) -> dict[str, object]:
        """The reconciliation: rows and responses read, accepted and rejected, by reason."""
        primary = self.primary_reasons()
        rows_rejected = int(self.rejected_mask[self.source_response].sum())
        rows_read = len(self.source_response)
        by_reason: Counter[str] = Counter()
        rows_by_reason: Counter[str] = Counter()
        per_response = np.bincount(self.source_response, minlength=len(self.pseudonyms))
        for position, code in primary.items():
            by_reason[code] += 1
            rows_by_reason[code] += int(per_response[position])
        every: Counter[str] = Counter()
        for finding in self.findings:
            every[finding.code] += len(np.unique(finding.positions))
        order = {code: k for k, code in enumerate(REASON_ORDER)}
        out: dict[str, object] = {
            "rows_read": rows_read, "rows_accepted": rows_read - rows_rejected,
            "rows_rejected": rows_rejected,
            "rejected_by_reason": {c: rows_by_reason[c] for c in
                                   sorted(rows_by_reason, key=lambda c: order.get(c, 99))},
            "responses_read": len(self.pseudonyms),
            "responses_accepted": int((~self.rejected_mask).sum()),
            "responses_rejected": len(primary),
            "responses_with_reason": {c: every[c] for c in
                                      sorted(every, key=lambda c: order.get(c, 99))},
            "blank_rows_skipped": self.export.blank_rows,
        }
        return out

    # -- problems ------------------------------------------------------------------------
    def problems(self, severity: Severity = Severity.WARNING) -> list[Problem]:
        """One problem per reason per rejected row, in file order."""
        entries = []
        for finding in self.findings:
            column = finding.column
            for k, position in enumerate(finding.positions.tolist()):
                row = int(finding.cell_rows[k]) if finding.cell_rows is not None else \
                    int(self.response_rows[position])
                entries.append((row, column.position if column else -1, finding.code,
                                column.label if column else None, finding.message(k)))
        entries.sort(key=lambda e: e[:3])
        return [Problem(code, message, file=self.file, row=row, column=label,
                        severity=severity) for row, _, code, label, message in entries]


    def row_problems(self, severity: Severity = Severity.WARNING) -> list[Problem]:
        """One problem per rejected response, in file order: the reason it is tallied
        under, naming any others (for short listings; the rejects file has them all)."""
        primary = self.primary_reasons()
        codes: dict[int, list[str]] = {}
        first: dict[int, tuple[int, int, str, str | None, str]] = {}
        for finding in self.findings:
            column = finding.column
            for k, position in enumerate(finding.positions.tolist()):
                codes.setdefault(position, []).append(finding.code)
                if position in first or finding.code != primary[position]:
                    continue
                row = int(finding.cell_rows[k]) if finding.cell_rows is not None else \
                    int(self.response_rows[position])
                first[position] = (row, column.position if column else -1, finding.code,
                                   column.label if column else None, finding.message(k))
        what = "respondent rejected (all their rows)" if self.export.long else "row rejected"
        out = []
        for position, (row, _, code, label, message) in sorted(first.items(),
                                                                key=lambda e: e[1][:2]):
            others = [c for c in dict.fromkeys(codes[position]) if c != code]
            also = f"; also {', '.join(others)}" if others else ""
            out.append(Problem(code, f"{message}; {what}{also}", file=self.file, row=row,
                               column=label, severity=severity))
        return out


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
    answers: dict[str, np.ndarray] = field(default_factory=dict)
    answer_texts: dict[str, pa.ChunkedArray | pa.Array] = field(default_factory=dict)
    answer_rows: dict[str, np.ndarray] | None = None  # long layout: the row of each answer
    findings: list[Finding] = field(default_factory=list)


def _join(columns: Sequence[pa.ChunkedArray | pa.Array]) -> pa.ChunkedArray | pa.Array:
    if len(columns) == 1:
        return columns[0]
    return pc.binary_join_element_wise(*columns, "\x1f")


def _answer_codes(plan: Plan, questionnaire: Questionnaire, n: int) -> dict[str, np.ndarray]:
    """Category codes per item column, mapped on every core (pyarrow releases the GIL)."""
    present = [item.id for item in questionnaire.items if item.id in plan.items]
    columns = [plan.items[ident].values for ident in present]
    if n >= 50_000 and len(present) > 1:
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
            codes = list(pool.map(plan.answers.codes, columns))
    else:
        codes = [plan.answers.codes(values) for values in columns]
    return dict(zip(present, codes, strict=True))


def _wide(export: Export, plan: Plan, questionnaire: Questionnaire) -> _Responses:
    n = export.n
    identity = _join([c.values for c in plan.identity]) if plan.identity else \
        _join([c.values for c in export.columns])
    out = _Responses(n, export.rows, np.arange(n), identity,
                     plan.identity[0] if plan.identity else None)
    if plan.identity:
        out.blank_id = np.flatnonzero(pc.equal(pc.utf8_trim_whitespace(
            plan.identity[0].values), "").to_numpy(zero_copy_only=False))
    for role, column in (("audience", plan.audience), ("workforce_group", plan.workforce_group),
                         ("submitted", plan.submitted)):
        if column is not None:
            out.texts[role] = (column, column.values)
    for name, column in plan.fields.items():
        out.texts[f"field:{name}"] = (column, column.values)
    for k, column in enumerate(plan.comments):
        out.texts[f"comment:{k}"] = (column, column.values)
    out.answers = _answer_codes(plan, questionnaire, n)
    out.answer_texts = {ident: plan.items[ident].values for ident in out.answers}
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
        texts = item_col.values.take(pa.array(bad_item)).to_pylist()
        findings.append(Finding("unknown-item", respondent[bad_item], [
            f"{t!r} is not a questionnaire item{_nearest(t, items)}" for t in texts],
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
        texts = answer_col.values.take(pa.array(bad)).to_pylist()
        findings.append(Finding("invalid-answer", respondent[bad], [
            _answer_message(t, plan, questionnaire) for t in texts], answer_col,
            export.rows[bad]))
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
                f"{values.iat[i]!r} differs from this respondent's {chosen[respondent[i]]!r} "
                "on another row" for i in conflict], column, export.rows[conflict]))
        out.texts[role] = (column, pa.array(chosen.tolist(), pa.string()))
    return out


def _nearest(text: str, choices: Sequence[str]) -> str:
    found = nearest(text, choices, n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _answer_message(text: str, plan: Plan, questionnaire: Questionnaire) -> str:
    labels = [o.label for o in questionnaire.answer_scale] + [n.label for n in
                                                              questionnaire.non_answers]
    return (f"{text!r} is not an answer (expected {questionnaire.describe_answers()})"
            f"{_nearest(text, labels)}")


def _by_text(values: pa.ChunkedArray | pa.Array, positions: np.ndarray,
             message: Callable[[str], str]) -> list[str]:
    """A message per position, computed once per distinct cell text."""
    texts = values.take(pa.array(positions)).to_pylist()
    cache: dict[str, str] = {}
    return [cache.setdefault(t, message(t)) for t in texts]


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

    # ids: blank ones cannot be told apart; later copies of an id are duplicates
    pseudonyms, keys = pseudonymise(resp.identity, salt, export.source)
    blank = resp.blank_id
    if len(blank):
        findings.append(Finding("missing-value", blank,
                                f"{plan.identity[0].label} (the respondent id) is blank",
                                resp.identity_column, resp.blank_id_rows))
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    earlier = first[inverse.reshape(-1)]
    duplicate = np.flatnonzero((earlier != np.arange(n)) & ~np.isin(np.arange(n), blank))
    if len(duplicate):
        findings.append(Finding("duplicate-respondent", duplicate, [
            f"the same respondent as row {resp.rows[earlier[i]]}" for i in duplicate],
            resp.identity_column))

    # audience and workforce group
    audience_ids = [a.id for a in framework.audiences]
    if "audience" in resp.texts:
        column, values = resp.texts["audience"]
        audience = plan.audiences.codes(values)
        bad = np.flatnonzero(audience == UNMAPPED)
        if len(bad):
            findings.append(Finding("unknown-audience", bad, _by_text(
                values, bad, lambda t: f"{t!r} is not one of {', '.join(audience_ids)}"
                f"{_nearest(t, [*audience_ids, *(a.name for a in framework.audiences)])}"),
                column))
        blank_aud = np.flatnonzero(audience == 0)
        if len(blank_aud):
            findings.append(Finding("missing-value", blank_aud, "audience is blank", column))
    else:
        audience = np.full(n, audience_ids.index(plan.audience_constant) + 1, dtype=np.int16)
    group_ids = [g.id for g in framework.workforce_groups]
    group = np.zeros(n, dtype=np.int16)
    if "workforce_group" in resp.texts:
        column, values = resp.texts["workforce_group"]
        group = plan.workforce_groups.codes(values)
        bad = np.flatnonzero(group == UNMAPPED)
        if len(bad):
            findings.append(Finding("unknown-workforce-group", bad, _by_text(
                values, bad, lambda t: f"{t!r} is not one of {', '.join(group_ids)}"
                f"{_nearest(t, [*group_ids, *(g.name for g in framework.workforce_groups)])}"),
                column))
    submitted = None
    order = plan.date_order or "dmy"
    if "submitted" in resp.texts:
        column, values = resp.texts["submitted"]
        submitted, bad_mask, order = parse_dates(values, plan.date_order)
        bad = np.flatnonzero(bad_mask)
        if len(bad):
            findings.append(Finding("invalid-date", bad, _by_text(
                values, bad, lambda t: f"{t.strip()!r} is not a date and time owcf can read "
                "(ISO 8601 YYYY-MM-DD, day/month/year, or an Excel date)"), column))

    # answers: unmapped, not routed to this audience, too few
    answers: dict[str, np.ndarray] = {}
    for item in questionnaire.items:
        codes = resp.answers.get(item.id)
        if codes is None:
            answers[item.id] = np.zeros(n, dtype=np.int8)
            continue
        if item.id in resp.answer_texts:
            bad = np.flatnonzero(codes == UNMAPPED)
            if len(bad):
                findings.append(Finding("invalid-answer", bad, _by_text(
                    resp.answer_texts[item.id], bad,
                    lambda t: _answer_message(t, plan, questionnaire)), plan.items[item.id]))
        codes = np.where(codes == UNMAPPED, 0, codes).astype(np.int8)
        if item.audiences is not None:
            allowed = np.array([audience_ids.index(a) + 1 for a in item.audiences
                                if a in audience_ids], dtype=np.int16)
            wrong = np.flatnonzero((codes > 0) & (audience > 0) & ~np.isin(audience, allowed))
            if len(wrong):
                column = plan.items.get(item.id) or export.first(Role.long_answer)
                cell_rows = resp.answer_rows[item.id][wrong] if resp.answer_rows else None
                findings.append(Finding("item-not-routed", wrong, [
                    f"item {item.id!r} is asked of {', '.join(item.audiences)} only, but this "
                    f"{audience_ids[audience[i] - 1]} respondent answered it" for i in wrong],
                    column, cell_rows))
        answers[item.id] = codes
    findings += _minimum(answers, audience, questionnaire, framework)

    # the response set, every response included; rejected ones are masked out later
    audience_text = np.array([None, *audience_ids], dtype=object)[np.maximum(audience, 0)]
    group_text = np.array([None, *group_ids], dtype=object)[np.maximum(group, 0)]
    # object columns with None for "not stated", as analysis expects (not pandas' NaN)
    respondents = pd.DataFrame({"respondent_id": pd.Series(pseudonyms, dtype=object),
                                "audience": pd.Series(audience_text, dtype=object),
                                "workforce_group": pd.Series(group_text, dtype=object)})
    if submitted is not None:
        respondents["submitted"] = submitted.to_numpy()
    for name in plan.fields:
        _, values = resp.texts[f"field:{name}"]
        text = pc.utf8_trim_whitespace(values).to_numpy(zero_copy_only=False)
        respondents[name] = pd.Series(np.where(text == "", None, text), dtype=object)
    comment_cols = [resp.texts[f"comment:{k}"][1] for k in range(len(plan.comments))]
    comments = None
    if comment_cols:
        joined = comment_cols[0] if len(comment_cols) == 1 else pc.binary_join_element_wise(
            *[pc.utf8_trim_whitespace(c) for c in comment_cols], "\n\n")
        comments = pd.Series(np.asarray(pc.utf8_trim(joined, "\n ").to_numpy(
            zero_copy_only=False), dtype=object))
    everyone = ResponseSet(respondents, pd.DataFrame(answers), questionnaire, export.file,
                           comments)
    return Ingested(export, plan, everyone, findings, pseudonyms, keys, resp.rows,
                    resp.source_response, mapping, salt_source, order)


def _minimum(answers: dict[str, np.ndarray], audience: np.ndarray,
             questionnaire: Questionnaire, framework: Framework) -> list[Finding]:
    """no-answers and too-few-answers findings (see the module docstring)."""
    n = len(audience)
    audience_ids = [a.id for a in framework.audiences]
    total = np.zeros(n, dtype=np.int32)
    meets = np.zeros(n, dtype=bool)
    for dim in framework.dimensions:
        items = questionnaire.items_for(dim.id)
        if not items:
            continue
        asked = np.array([0] + [sum(i.asked_of(a) for i in items) for a in audience_ids])
        needed = np.maximum(1, np.ceil(questionnaire.min_answered_fraction * asked - 1e-9))
        count = np.zeros(n, dtype=np.int32)
        for item in items:
            count += answers[item.id] > 0
        where = np.maximum(audience, 0)
        meets |= (asked[where] > 0) & (count >= needed[where])
        total += count
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
