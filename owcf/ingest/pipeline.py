"""Ingest one file or several: read, detect, map, reconcile. The library entry points.

>>> log = ProblemLog()
>>> result = ingest(Path("export.csv"), trust.questionnaire, trust.framework, log)
>>> result.responses            # accepted responses, a ResponseSet
>>> result.counts()             # rows read = accepted + rejected, by reason
>>> result.problems()           # every reason for every rejected row
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from owcf.errors import ProblemLog
from owcf.ingest.columns import describe_missing, plan_columns
from owcf.ingest.detect import read_export
from owcf.ingest.export import Finding
from owcf.ingest.ingested import Ingested
from owcf.ingest.mapping import MappingFile, read_mapping
from owcf.ingest.pseudonym import DEFAULT_SALT
from owcf.ingest.reconcile import assemble
from owcf.ingest.responses import ResponseSet
from owcf.ingest.sheet import read_sheet
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import MAX_CELLS, Platform, ResponsesFile


def ingest(path: Path, questionnaire: Questionnaire, framework: Framework, log: ProblemLog, *,
           source: str = Platform.auto.value, mapping: Path | MappingFile | None = None,
           fields: Sequence[str] = (), salt: str | None = None,
           max_cells: int = MAX_CELLS) -> Ingested | None:
    """Ingest one file. File-level problems go to ``log`` and give None; row-level ones
    reject rows (see :meth:`Ingested.problems`); warnings go to ``log`` either way.
    ``max_cells`` bounds what an XLSX may expand to (see :func:`read_sheet`)."""
    before = len(log.errors)
    mapped = None
    if isinstance(mapping, MappingFile):
        mapped = mapping
    elif mapping is not None:
        mapped = read_mapping(mapping, questionnaire, framework, fields, log)
    sheet = read_sheet(path, log, max_cells)
    if sheet is None or len(log.errors) > before:
        return None
    if source == Platform.auto and mapped is not None and mapped.source:
        source = mapped.source  # the mapping says which platform it was written for
    export = read_export(sheet, source, log)
    if export is None:
        return None
    if not export.n:
        log.add("no-responses", f"no data rows under the heading row"
                f"{'s' if export.header_rows > 1 else ''}", file=export.file)
        return None
    plan = plan_columns(export, questionnaire, framework, mapped, fields, log)
    if plan is None or len(log.errors) > before:
        return None
    if plan.missing_items:
        log.warn("missing-column", f"{describe_missing(plan.missing_items)} no column; "
                 "unanswered by everyone", file=export.file, row=1)
    for name in fields:
        if name not in plan.fields:
            log.warn("missing-column", f"breakdown field {name!r} has no column; every "
                     "respondent counts as not stated", file=export.file, row=1, column=name)
    return assemble(export, plan, questionnaire, framework, salt or DEFAULT_SALT,
                    "trust" if salt else "default", mapped)


def ingest_files(inputs: Sequence[ResponsesFile], questionnaire: Questionnaire,
                 framework: Framework, log: ProblemLog, *, fields: Sequence[str] = (),
                 salt: str | None = None) -> list[Ingested] | None:
    """Ingest several files as one set: a respondent in an earlier file is a duplicate in
    a later one. None if any file has a file-level problem (all are still checked)."""
    results = [ingest(f.path, questionnaire, framework, log, source=f.source,
                      mapping=f.mapping, fields=fields, salt=salt, max_cells=f.max_cells)
               for f in inputs]
    if any(r is None for r in results):
        return None
    done: list[Ingested] = [r for r in results if r is not None]
    _reject_repeats(done)
    return done


def _reject_repeats(results: Sequence[Ingested]) -> None:
    """Reject a response accepted in an earlier file as a duplicate in the later one.

    A file's accepted keys are distinct (repeats within a file are rejected already), so
    the keys seen so far are kept sorted and each file is matched with one search.
    """
    if len(results) < 2:
        return
    seen = np.zeros(0, dtype=np.uint64)      # sorted keys of earlier accepted responses
    seen_at = np.zeros((0, 2), dtype=np.int64)  # (file number, row) of each, same order
    for number, result in enumerate(results):
        accepted = np.flatnonzero(~result.rejected_mask)
        keys = result.keys[accepted]
        found = np.zeros(len(keys), dtype=bool)
        if len(seen):
            where = np.minimum(np.searchsorted(seen, keys), len(seen) - 1)
            found = seen[where] == keys
        if found.any():
            hits = seen_at[where[found]]
            result.reject(Finding("duplicate-respondent", accepted[found], [
                f"the same respondent as {results[f].file} row {row}"
                for f, row in hits.tolist()],
                result.plan.identity[0] if result.plan.identity else None))
        fresh = ~found
        at = np.column_stack([np.full(int(fresh.sum()), number),
                              result.response_rows[accepted[fresh]]])
        keys_all = np.concatenate([seen, keys[fresh]])
        order = np.argsort(keys_all, kind="stable")
        seen, seen_at = keys_all[order], np.concatenate([seen_at, at])[order]


def combine(results: Sequence[Ingested], questionnaire: Questionnaire) -> ResponseSet:
    """The accepted responses of several files as one set."""
    sets = [r.responses for r in results]
    if not sets:
        return ResponseSet.empty(questionnaire)
    if len(sets) == 1:
        return sets[0]
    comments = [s.comments if s.comments is not None else
                pd.Series([""] * len(s), dtype=object) for s in sets]
    return ResponseSet(pd.concat([s.respondents for s in sets], ignore_index=True),
                       pd.concat([s.answers for s in sets], ignore_index=True),
                       questionnaire, ", ".join(s.source for s in sets),
                       pd.concat(comments, ignore_index=True))


# -- what people read ------------------------------------------------------------------

def summary(result: Ingested) -> list[str]:
    """The reconciliation, as one or two lines starting with the file name."""
    export = result.export
    counts = result.counts()
    first = (f"{result.file}: read as {export.source} ({export.detail}), "
             f"{export.sheet.describe()}")
    dropped = result.plan.dropped(export)["personal"]
    if dropped:
        first += f"; personal data dropped: {', '.join(repr(d) for d in dropped)}"
    rows = f"{counts['rows_read']} rows"
    if export.long:
        rows += f" ({counts['responses_read']} respondents)"
    second = (f"{result.file}: {rows} read = {counts['rows_accepted']} accepted + "
              f"{counts['rows_rejected']} rejected")
    by_reason = counts["rejected_by_reason"]
    assert isinstance(by_reason, dict)
    if by_reason:
        second += " (" + ", ".join(f"{code} {n}" for code, n in by_reason.items()) + ")"
    if export.blank_rows:
        second += f"; {export.blank_rows} blank row{'s' if export.blank_rows != 1 else ''} skipped"
    return [first, second]
