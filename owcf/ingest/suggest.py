"""``owcf ingest --suggest-mapping``: a starter mapping YAML for a person to finish.

Every column is listed with what owcf took it to be and why; what owcf could not match
reads ``TODO``, with the closest candidates in a comment, so the file cannot be used
until someone has decided. Answers, audiences and workforce groups that did not match
are listed the same way.

Headings arrive as the survey platform wrote them: of any length, with quotes, colons,
``#``, line breaks or control characters. Each key is written so that it always loads
back as the same text: plain where YAML reads it back unchanged, else double-quoted with
escapes, and as an explicit ``? key`` when it is longer than YAML allows a key on one line
(1024 characters). A second column whose heading matches an earlier one once normalised
is written as a comment, since the mapping matches keys normalised.
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
from owcf.ingest.sheet import Sheet, read_sheet
from owcf.ingest.text import nearest, normalise, shorten
from owcf.model.framework import Framework, Named
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import MAX_CELLS, Platform

TODO = "TODO"
MAX_VALUES = 60  # distinct unmatched answers listed per section


#: longer keys are written as explicit keys (YAML reads an implicit key of at most 1024
#: characters, quotes included)
_LONGEST_KEY = 1000


def _printable(text: str) -> str:
    """``text`` fit for a YAML comment: on one line, with nothing a YAML reader refuses."""
    return "".join(c if c.isprintable() else " " for c in text)


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line that reads back exactly."""
    out = []
    for c in text:
        code = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= code < 0x7F or (code > 0xA0 and c.isprintable() and code != 0xFEFF):
            out.append(c)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _key(text: str) -> str:
    """A mapping key for ``text``: plain if YAML reads it back unchanged, else quoted."""
    if text.isprintable() and len(text) <= 120:
        plain = yaml.safe_dump({text: "x"}, allow_unicode=True, width=10_000,
                               default_flow_style=False)
        if plain.count("\n") == 1 and plain.endswith(": x\n") and not plain.startswith("?"):
            try:
                if yaml.safe_load(plain) == {text: "x"}:
                    return plain[: -len(": x\n")]
            except yaml.YAMLError:
                pass
    return _quoted(text)


def _line(key: str, value: str, comment: str = "") -> str:
    written = _key(key)
    note = f"  # {_printable(shorten(comment, 110))}" if comment else ""
    if len(written) > _LONGEST_KEY:
        return f"  ? {written}\n  : {value}{note}"
    return f"  {written}: {value}{note}"


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
    return suggest_for(sheet, path.name, questionnaire, framework, log, source=source,
                       mapping=mapping, fields=fields)


def suggest_for(sheet: Sheet, name: str, questionnaire: Questionnaire, framework: Framework,
                log: ProblemLog, *, source: str = Platform.auto.value,
                mapping: MappingFile | None = None, fields: Sequence[str] = ()) -> str | None:
    """The starter mapping YAML for an export read as ``sheet`` from the file ``name``."""
    name = _printable(name)
    export = read_export(sheet, source, log)
    if export is None:
        return None
    plan = plan_columns(export, questionnaire, framework, mapping, fields, log, suggest=True)
    assert plan is not None
    wording = {i.id: i.text for i in questionnaire.items}
    lines = [
        f"# Starter mapping for {name} ({export.source}, {export.detail}),",
        "# written by `owcf ingest --suggest-mapping`. Check every line: TODO marks what owcf",
        "# could not match; replace it (or map the column to ignore), then run",
        f"#   owcf ingest {name} --mapping THIS_FILE",
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
    written: dict[str, str] = {}  # normalised key -> the heading written for it
    for column in export.columns:
        line = _column_line(column, plan, wording, questionnaire)
        key = normalise(column.label)
        if key in written:  # the mapping reads keys normalised: one entry serves both
            line = (f"  # {_printable(shorten(column.label, 60))!r} (column "
                    f"{column.letter()}) reads as {_printable(shorten(written[key], 60))!r} "
                    "above: that entry maps both")
        else:
            written[key] = column.label
        lines.append(line)
    # every column that holds an item, not only the one the plan reads it from: two
    # columns may answer one item (two wordings, or headings equal once normalised)
    answers = _unmatched([c for c in export.columns if c.role is Role.item], plan.answers)
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
        return f"  # {_printable(column.label)}: owcf's long layout " \
            f"({column.role.value.split('_')[1]})"
    return _line(column.label, target, column.how)
