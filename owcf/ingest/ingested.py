"""One file, ingested: every response accepted or rejected with all its reasons, and the
accounts people read (the reconciliation, the rejected rows as problems)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa

from owcf.errors import Problem, Severity
from owcf.ingest.columns import Plan
from owcf.ingest.export import Export, Finding
from owcf.ingest.mapping import MappingFile
from owcf.ingest.pseudonym import pseudonymise
from owcf.ingest.responses import ResponseSet

#: rejection reasons, most fundamental first: a row is tallied under its first one
REASON_ORDER = ("missing-value", "duplicate-respondent", "test-response", "not-approved",
                "extra-cells",
                "unknown-audience", "unknown-item", "duplicate-answer", "answered-twice",
                "inconsistent-respondent", "invalid-answer", "item-not-routed",
                "unknown-workforce-group", "invalid-date", "no-answers", "too-few-answers")


def rank(code: str) -> int:
    """Where a reason comes in :data:`REASON_ORDER` (unknown codes last)."""
    return REASON_ORDER.index(code) if code in REASON_ORDER else len(REASON_ORDER)


@dataclass
class Ingested:
    """One file, ingested: every response accepted or rejected, and why."""

    export: Export
    plan: Plan
    everyone: ResponseSet             # every response, rejected ones included
    findings: list[Finding]
    identity: pa.ChunkedArray | pa.Array = field(repr=False)  # per response, raw: never output
    response_rows: np.ndarray         # file row of each response (its first, in long layout)
    source_response: np.ndarray       # response position of each data row of the file
    mapping: MappingFile | None = None
    salt: str = "default"             # "trust" when the trust set pseudonym_salt
    date_order: str = "dmy"
    hash_salt: str = field(default="", repr=False)
    #: comments with personal data (emails, phone numbers...) taken out
    comments_redacted: int = 0

    @property
    def file(self) -> str:
        return self.export.file

    @property
    def n_responses(self) -> int:
        return len(self.response_rows)

    # Pseudonyms are made when something asks for them (a written file, a check across
    # files): analysing a file needs neither, and hashing a million ids is a fifth of
    # reading them.
    @cached_property
    def _pseudonymised(self) -> tuple[pa.Array, np.ndarray]:
        return pseudonymise(self.identity, self.hash_salt, self.export.source)

    @property
    def pseudonyms(self) -> pa.Array:
        """Each response's pseudonym (``p-`` and 16 hex digits)."""
        return self._pseudonymised[0]

    @property
    def keys(self) -> np.ndarray:
        """Each response's pseudonym as a uint64, for duplicate checks across files."""
        return self._pseudonymised[1]

    @cached_property
    def rejected_mask(self) -> np.ndarray:
        mask = np.zeros(self.n_responses, dtype=bool)
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
        for name in ("rejected_mask", "responses", "_primary"):
            self.__dict__.pop(name, None)

    # -- counts --------------------------------------------------------------------------
    @cached_property
    def _primary(self) -> np.ndarray:
        """Per response, the rank in REASON_ORDER of the reason it is tallied under
        (past the end for accepted responses)."""
        best = np.full(self.n_responses, len(REASON_ORDER) + 1, dtype=np.int16)
        for finding in self.findings:
            np.minimum.at(best, finding.positions, rank(finding.code))
        return best

    def counts(self) -> dict[str, object]:
        """The reconciliation: rows and responses read, accepted and rejected, by reason."""
        codes = [*REASON_ORDER, "other"]
        rows_read = len(self.source_response)
        row_rank = self._primary[self.source_response]
        rejected_rows = row_rank <= len(REASON_ORDER)
        rows_by_rank = np.bincount(row_rank[rejected_rows], minlength=len(codes))
        having: dict[str, np.ndarray] = {}  # per code, the responses with that reason
        for finding in self.findings:
            if finding.code not in having:
                having[finding.code] = np.zeros(self.n_responses, dtype=bool)
            having[finding.code][finding.positions] = True
        return {
            "rows_read": rows_read,
            "rows_accepted": rows_read - int(rejected_rows.sum()),
            "rows_rejected": int(rejected_rows.sum()),
            "rejected_by_reason": {code: int(count) for code, count in
                                   zip(codes, rows_by_rank, strict=False) if count},
            "responses_read": self.n_responses,
            "responses_accepted": int((~self.rejected_mask).sum()),
            "responses_rejected": int(self.rejected_mask.sum()),
            "responses_with_reason": {c: int(having[c].sum()) for c in sorted(having, key=rank)},
            "blank_rows_skipped": self.export.blank_rows,
        }

    # -- problems ------------------------------------------------------------------------
    def _entries(self, finding: Finding, ks: np.ndarray
                 ) -> list[tuple[int, int, str, str | None, str]]:
        column = finding.column
        rows = finding.cell_rows[ks] if finding.cell_rows is not None else \
            self.response_rows[finding.positions[ks]]
        return [(int(row), column.position if column else -1, finding.code,
                 column.label if column else None, finding.message(int(k)))
                for row, k in zip(rows.tolist(), ks.tolist(), strict=True)]

    def problems(self, severity: Severity = Severity.WARNING,
                 limit: int | None = None) -> list[Problem]:
        """One problem per reason per rejected row, in file order; with ``limit``, the
        first ``limit`` of each code (:meth:`reason_totals` says how many there are)."""
        entries = []
        for finding in self.findings:
            count = len(finding.positions)
            entries += self._entries(finding, np.arange(count if limit is None else
                                                        min(count, limit)))
        entries.sort(key=lambda e: e[:3])
        if limit is not None:  # several findings may share a code: keep the first rows
            seen: Counter[str] = Counter()
            kept = []
            for entry in entries:
                seen[entry[2]] += 1
                if seen[entry[2]] <= limit:
                    kept.append(entry)
            entries = kept
        return [Problem(code, message, file=self.file, row=row, column=label,
                        severity=severity) for row, _, code, label, message in entries]

    def reason_totals(self) -> Counter[str]:
        """How many problems :meth:`problems` lists without a limit, by code."""
        totals: Counter[str] = Counter()
        for finding in self.findings:
            totals[finding.code] += len(finding.positions)
        return totals

    def row_problems(self, severity: Severity = Severity.WARNING,
                     limit: int | None = None) -> list[Problem]:
        """One problem per rejected response, in file order (the first ``limit``): the
        reason it is tallied under, naming any others. The rejects file has them all."""
        rejected = self.rejected if limit is None else self.rejected[:limit]
        primary = self._primary[rejected]
        listed = {int(p): k for k, p in enumerate(rejected.tolist())}
        first: dict[int, tuple[int, int, str, str | None, str]] = {}
        others: dict[int, list[str]] = {}
        for finding in self.findings:
            hit = np.flatnonzero(np.isin(finding.positions, rejected))
            for k in hit.tolist():
                position = int(finding.positions[k])
                if position in first or rank(finding.code) != primary[listed[position]]:
                    others.setdefault(position, []).append(finding.code)
                else:
                    first[position] = self._entries(finding, np.array([k]))[0]
        what = "respondent rejected (all their rows)" if self.export.long else "row rejected"
        out = []
        for position, (row, _, code, label, message) in sorted(first.items(),
                                                                key=lambda e: e[1][:2]):
            also = sorted(set(others.get(position, ())) - {code}, key=rank)
            tail = f"; also {', '.join(also)}" if also else ""
            out.append(Problem(code, f"{message}; {what}{tail}", file=self.file, row=row,
                               column=label, severity=severity))
        return out
