"""Questionnaire responses in owcf's own CSV layout: read, check, and hold as arrays.

The layout is one row per respondent: ``respondent_id``, ``audience``, optional
``workforce_group``, ``submitted`` and ``comment`` columns, then one column per
questionnaire item id. Answers are a scale value, its label, a non-answer code or label
("DK", "Don't know", "NA", ...) or blank. Row numbers in problems count the header as
row 1, so the first respondent is row 2.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from owcf.errors import Problem, ProblemLog, Severity, closest
from owcf.framework import Framework
from owcf.questionnaire import Questionnaire

RESPONDENT_FIELDS = ("respondent_id", "audience", "workforce_group", "submitted", "comment")
REQUIRED_FIELDS = ("respondent_id", "audience")
#: column headings that carry personal data: ignored on read, never output
PERSONAL_DATA = {
    "name", "first name", "last name", "full name", "email", "email address", "e-mail",
    "ip", "ip address", "phone", "telephone", "mobile", "address", "postcode",
}
#: at most this many problems of one code are listed per file; the rest are counted
MAX_LISTED = 200


@dataclass(frozen=True)
class ResponseSet:
    """Checked responses: who answered (``respondents``) and what (``answers``).

    ``answers`` holds, per respondent and questionnaire item, the 1-based index into
    ``questionnaire.categories`` (0 = blank), as int8.
    """

    respondents: pd.DataFrame
    answers: pd.DataFrame
    questionnaire: Questionnaire
    source: str
    comments: pd.Series | None = None

    def __len__(self) -> int:
        return len(self.respondents)

    @classmethod
    def empty(cls, questionnaire: Questionnaire) -> ResponseSet:
        """No responses yet: a trust can still report its plan, targets and actions."""
        respondents = pd.DataFrame({c: pd.Series(dtype=object)
                                    for c in ("respondent_id", "audience", "workforce_group")})
        answers = pd.DataFrame({i.id: pd.Series(dtype=np.int8) for i in questionnaire.items})
        return cls(respondents, answers, questionnaire, "")


class _Limited:
    """Wraps a ProblemLog so one file cannot list millions of problems of one code."""

    def __init__(self, log: ProblemLog, file: str) -> None:
        self.log, self.file, self.counts = log, file, Counter()

    def add(self, code: str, message: str, *, row: int | None = None,
            column: str | None = None, warning: bool = False) -> None:
        self.counts[code] += 1
        if self.counts[code] <= MAX_LISTED:
            severity = Severity.WARNING if warning else Severity.ERROR
            self.log.problems.append(Problem(code, message, file=self.file, row=row,
                                             column=column, severity=severity))

    def close(self) -> None:
        for code, count in sorted(self.counts.items()):
            if count > MAX_LISTED:
                self.log.add("too-many-problems", f"{count - MAX_LISTED} more {code} problems "
                             "not listed", file=self.file)


def _read_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def _lookup(series: pd.Series, table: dict[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """Map cell text through ``table`` (case-folded keys); returns (values, unmapped mask).

    Factorising first means only the distinct texts are looked up, so a million rows cost
    about as much as the handful of distinct answers in them.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    keys = [str(u).strip().casefold() for u in uniques]
    mapped = np.array([table.get(k) for k in keys] + [None], dtype=object)
    blank = np.array([k == "" for k in keys] + [True])
    values = mapped[codes]
    unmapped = np.array([m is None for m in mapped])[codes] & ~blank[codes]
    return values, unmapped


def read_responses(path: Path, questionnaire: Questionnaire, framework: Framework,
                   log: ProblemLog, fields: Sequence[str] = ()) -> ResponseSet | None:
    """Read and check one responses CSV; every problem goes to ``log``.

    ``fields`` names extra respondent columns to keep as text (a trust's breakdowns).
    """
    file = str(path)
    problems = _Limited(log, file)
    try:
        header = _read_header(path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                            encoding="utf-8-sig", skip_blank_lines=False, header=0,
                            names=None)
    except FileNotFoundError:
        log.add("file-not-found", "no such file", file=file)
        return None
    except UnicodeDecodeError as exc:
        log.add("file-unreadable", f"not UTF-8 text (byte {exc.start})", file=file)
        return None
    except pd.errors.EmptyDataError:
        log.add("no-responses", "the file is empty", file=file)
        return None
    except (pd.errors.ParserError, OSError) as exc:
        log.add("file-unreadable", str(exc).strip().splitlines()[-1], file=file)
        return None

    for name, count in Counter(header).items():
        if count > 1:
            log.add("duplicate-column", f"heading {name!r} appears {count} times", file=file,
                    row=1, column=name)
    frame.columns = header  # undo pandas' renaming of duplicates so problems name the real heading
    frame = frame.loc[:, ~frame.columns.duplicated()]
    # spreadsheets often save trailing columns with no heading and nothing in them
    empty = [c for c in frame.columns if c.strip() == "" and (frame[c] == "").all()]
    frame = frame.drop(columns=empty)
    rows = np.arange(len(frame)) + 2
    nonblank = (frame != "").any(axis=1).to_numpy()  # wholly blank lines are not responses
    frame, rows = frame.loc[nonblank].reset_index(drop=True), rows[nonblank]
    if frame.empty:
        log.add("no-responses", "no data rows under the heading row", file=file)
        return None

    items = {item.id: item for item in questionnaire.items}
    ignored: list[str] = []
    for column in frame.columns:
        folded = column.strip().casefold()
        if column in items or column in RESPONDENT_FIELDS or column in fields:
            continue
        if folded in PERSONAL_DATA:
            problems.add("personal-data-column", "personal data; this column is ignored and "
                         "never output", row=1, column=column, warning=True)
        else:
            hint = closest(column, [*items, *RESPONDENT_FIELDS])
            # a near-miss of an item id is most likely a typo that would lose that item's
            # answers, so it stops the read; anything else is reported and left out
            problems.add("unknown-column", "not a questionnaire item nor a respondent field"
                         + (hint or "; ignored (declare it under 'breakdowns:' to use it)"),
                         row=1, column=column, warning=not hint)
        ignored.append(column)
    for required in REQUIRED_FIELDS:
        if required not in frame.columns:
            problems.add("missing-column", f"required column {required!r} is absent", row=1,
                         column=required)
    missing_items = [i for i in items if i not in frame.columns]
    for ident in missing_items:
        problems.add("missing-column", f"item {ident!r} has no column; it counts as unanswered "
                     "by everyone", row=1, column=ident, warning=True)
    if any(r not in frame.columns for r in REQUIRED_FIELDS):
        problems.close()
        return None

    for name in fields:
        if name not in frame.columns:
            problems.add("missing-column", f"breakdown column {name!r} is absent; everyone "
                         "counts as not stated", row=1, column=name, warning=True)
    respondents = _check_respondents(frame, rows, framework, problems)
    for name in fields:
        values = frame[name].str.strip() if name in frame.columns else pd.Series("", index=frame.index)
        respondents[name] = values.where(values != "", None).astype(object)
    answers = _check_answers(frame, rows, questionnaire, respondents["audience"], problems)
    problems.close()
    if any(p.severity is Severity.ERROR and p.file == file for p in log.problems):
        return None
    comments = frame["comment"] if "comment" in frame.columns else None
    return ResponseSet(respondents, answers, questionnaire, file, comments)


def _check_respondents(frame: pd.DataFrame, rows: np.ndarray, framework: Framework,
                       problems: _Limited) -> pd.DataFrame:
    ids = frame["respondent_id"].str.strip()
    for i in np.flatnonzero((ids == "").to_numpy()):
        problems.add("missing-value", "respondent_id is blank", row=int(rows[i]),
                     column="respondent_id")
    dup = ids.duplicated(keep="first") & (ids != "")
    first_row = pd.Series(rows, index=ids.index).groupby(ids).transform("first")
    for i in np.flatnonzero(dup.to_numpy()):
        problems.add("duplicate-respondent", f"respondent {ids.iloc[i]!r} already answered on row "
                     f"{first_row.iloc[i]}", row=int(rows[i]), column="respondent_id")

    out = pd.DataFrame({"respondent_id": ids})
    for column, choices, code, required in (
        ("audience", framework.audiences, "unknown-audience", True),
        ("workforce_group", framework.workforce_groups, "unknown-workforce-group", False),
    ):
        if column not in frame.columns:
            out[column] = pd.Series([None] * len(frame), dtype=object)
            continue
        table = {}
        for choice in choices:
            table[choice.id.casefold()] = choice.id
            table[choice.name.casefold()] = choice.id
        values, unmapped = _lookup(frame[column], table)
        for i in np.flatnonzero(unmapped):
            problems.add(code, f"{frame[column].iat[i]!r} is not one of "
                         f"{', '.join(c.id for c in choices)}", row=int(rows[i]), column=column)
        if required:
            for i in np.flatnonzero(pd.isna(values) & ~unmapped):
                problems.add("missing-value", f"{column} is blank", row=int(rows[i]), column=column)
        out[column] = pd.Series(values, dtype=object)
    if "submitted" in frame.columns:
        raw = frame["submitted"].str.strip()
        parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
        for i in np.flatnonzero((parsed.isna() & (raw != "")).to_numpy()):
            problems.add("invalid-date", f"{raw.iat[i]!r} is not a date (YYYY-MM-DD or ISO 8601)",
                         row=int(rows[i]), column="submitted")
        out["submitted"] = parsed
    return out


def _check_answers(frame: pd.DataFrame, rows: np.ndarray, questionnaire: Questionnaire,
                   audiences: pd.Series, problems: _Limited) -> pd.DataFrame:
    table = questionnaire.answer_lookup()
    expected = questionnaire.describe_answers()
    audience_values = audiences.to_numpy()
    columns: dict[str, np.ndarray] = {}
    for item in questionnaire.items:
        if item.id not in frame.columns:
            columns[item.id] = np.zeros(len(frame), dtype=np.int8)
            continue
        values, unmapped = _lookup(frame[item.id], table)
        for i in np.flatnonzero(unmapped):
            problems.add("invalid-answer", f"{frame[item.id].iat[i]!r} is not an answer "
                         f"(expected {expected})", row=int(rows[i]), column=item.id)
        cats = np.where(pd.isna(values), 0, values).astype(np.int8)
        if item.audiences is not None:
            answered = cats > 0
            not_asked = answered & ~np.isin(audience_values, item.audiences) & pd.notna(audience_values)
            for i in np.flatnonzero(not_asked):
                problems.add("item-not-routed", f"item is asked of {', '.join(item.audiences)} only, "
                             f"but this {audience_values[i]} respondent answered it",
                             row=int(rows[i]), column=item.id)
        columns[item.id] = cats
    return pd.DataFrame(columns)


def read_response_files(paths: list[Path], questionnaire: Questionnaire, framework: Framework,
                        log: ProblemLog, fields: Sequence[str] = ()) -> ResponseSet | None:
    """Read several responses files as one set; a respondent id may appear only once."""
    if not paths:
        log.add("no-responses", "no responses files to read")
        return None
    sets = [read_responses(path, questionnaire, framework, log, fields) for path in paths]
    if any(s is None for s in sets):
        return None
    if len(sets) == 1:
        return sets[0]
    seen: dict[str, str] = {}
    for rs in sets:
        assert rs is not None
        for ident in rs.respondents["respondent_id"]:
            if ident in seen:
                log.add("duplicate-respondent", f"respondent {ident!r} is also in {seen[ident]}",
                        file=rs.source, column="respondent_id")
            seen.setdefault(ident, rs.source)
    if log.errors:
        return None
    parts = [s for s in sets if s is not None]
    comments = [s.comments if s.comments is not None else pd.Series([""] * len(s), dtype=object)
                for s in parts]
    return ResponseSet(
        pd.concat([s.respondents for s in parts], ignore_index=True),
        pd.concat([s.answers for s in parts], ignore_index=True),
        questionnaire, ", ".join(s.source for s in parts),
        pd.concat(comments, ignore_index=True))
