"""``owcf ingest --suggest-mapping``: a starter mapping YAML for a person to finish.

Every column is listed with what owcf took it to be and why; what owcf could not match
reads ``TODO``, with the closest candidates in a comment, so the file cannot be used
until someone has decided. Answers, audiences and workforce groups that did not match
are listed the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from owcf.errors import ProblemLog
from owcf.ingest.answers import UNMAPPED, ValueMap
from owcf.ingest.columns import Plan, closest_items, plan_columns
from owcf.ingest.detect import read_export
from owcf.ingest.export import Role, SourceColumn
from owcf.ingest.mapping import RESPONDENT_TARGETS, SCHEMA, MappingFile
from owcf.ingest.personal import redact
from owcf.ingest.sheet import read_sheet
from owcf.ingest.text import nearest, shorten
from owcf.model.framework import Framework, Named
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import MAX_CELLS, Platform

TODO = "TODO"
MAX_VALUES = 60  # distinct unmatched answers listed per section


def _line(key: str, value: str, comment: str = "") -> str:
    text = yaml.safe_dump({key: value}, allow_unicode=True, width=10_000,
                          default_flow_style=False).strip()
    return f"  {text}" + (f"  # {shorten(comment, 110)}" if comment else "")


def _unmatched(columns: Sequence[SourceColumn], values: ValueMap) -> list[str]:
    """Distinct cell texts of ``columns`` that ``values`` does not map, in file order."""
    found: dict[str, None] = {}
    for column in columns:
        codes = values.codes(column.values)
        missed = np.flatnonzero(codes == UNMAPPED)
        if len(missed):
            distinct = pc.unique(column.values.take(pa.array(missed))).to_pylist()
            # an email address typed as an answer is personal data: never listed
            found.update(dict.fromkeys(str(t).strip() for t in distinct if redact(t) == t))
    return list(found)[:MAX_VALUES]


def _choices_comment(text: str, choices: Sequence[Named]) -> str:
    names = {c.name: c.id for c in choices} | {c.id: c.id for c in choices}
    close = [names[m] for m in nearest(text, names, n=2)]
    return "closest: " + ", ".join(dict.fromkeys(close)) if close else \
        "one of: " + ", ".join(c.id for c in choices)


def suggest_mapping(path: Path, questionnaire: Questionnaire, framework: Framework,
                    log: ProblemLog, *, source: str = Platform.auto.value,
                    mapping: MappingFile | None = None, fields: Sequence[str] = (),
                    max_cells: int = MAX_CELLS) -> str | None:
    """The starter mapping YAML for the export at ``path`` (None on a file problem)."""
    sheet = read_sheet(path, log, max_cells)
    if sheet is None:
        return None
    export = read_export(sheet, source, log)
    if export is None:
        return None
    plan = plan_columns(export, questionnaire, framework, mapping, fields, log, suggest=True)
    assert plan is not None
    wording = {i.id: i.text for i in questionnaire.items}
    lines = [
        f"# Starter mapping for {path.name} ({export.source}, {export.detail}),",
        "# written by `owcf ingest --suggest-mapping`. Check every line: TODO marks what owcf",
        "# could not match; replace it (or map the column to ignore), then run",
        f"#   owcf ingest {path.name} --mapping THIS_FILE",
        "# Column targets: an item id, " + ", ".join(RESPONDENT_TARGETS) + ",",
        "#   ignore, personal (dropped as personal data)" +
        (f", or a breakdown field ({', '.join(fields)})" if fields else "") + ".",
        f"# Answer targets: {questionnaire.describe_answers()}, or an answer label.",
        f"schema: {SCHEMA}",
        f"source: {export.source}",
    ]
    if plan.audience is None:
        lines.append(f"audience: {TODO}  # no audience column found: map one below, or give "
                     f"the audience of every row ({', '.join(a.id for a in framework.audiences)})")
    lines.append("columns:")
    column: SourceColumn | None  # each column below, then the plan's audience and group columns
    for column in export.columns:
        lines.append(_column_line(column, plan, wording, questionnaire))
    answers = _unmatched(list(plan.items.values()), plan.answers)
    if answers:
        labels = {o.label: str(o.value) for o in questionnaire.answer_scale} | \
            {n.label: n.code for n in questionnaire.non_answers}
        lines.append("answers:")
        for text in answers:
            close = [f"{labels[m]} ({m})" for m in nearest(text, labels, n=3)]
            lines.append(_line(text, TODO, "closest: " + ", ".join(close) if close else ""))
    for key, column, values, choices in (
            ("audiences", plan.audience, plan.audiences, framework.audiences),
            ("workforce_groups", plan.workforce_group, plan.workforce_groups,
             framework.workforce_groups)):
        unmatched = _unmatched([column], values) if column is not None else []
        if unmatched:
            lines.append(f"{key}:")
            lines += [_line(text, TODO, _choices_comment(text, choices)) for text in unmatched]
    return "\n".join(lines) + "\n"


def _column_line(column: SourceColumn, plan: Plan, wording: dict[str, str],
                 questionnaire: Questionnaire) -> str:
    if column.role is Role.question:
        hint = closest_items(column, questionnaire).strip(" ()")
        return _line(column.label, TODO, hint or "no item is close: map it or ignore it")
    if column.role in (Role.item, Role.field):
        target = str(column.target)
        why = column.how + (f": {wording[target]!r}" if target in wording else "")
        return _line(column.label, target, why)
    target = {Role.meta: "ignore", Role.long_item: "ignore", Role.long_answer: "ignore"}.get(
        column.role, column.role.value)
    if column.role in (Role.long_item, Role.long_answer):
        return f"  # {column.label}: owcf's long layout ({column.role.value.split('_')[1]})"
    return _line(column.label, target, column.how)
