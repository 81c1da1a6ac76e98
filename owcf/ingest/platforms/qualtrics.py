"""Qualtrics CSV/TSV exports.

Current exports have three heading rows: field names (``StartDate``, ``ResponseId``,
``Q1``, ``Q2_1``...), question text (a matrix statement as "question - statement"), and
``{"ImportId":"QID2_1"}`` JSON; data starts on row 4. Legacy exports have two: ``V1``,
``V2``... (or the field names) over ``ResponseID``, ``ResponseSet``, ``Name``... and the
question text. Answers are choice text or numeric recode values, as chosen at export.

A response's ``Status`` (``Response Type``) says whether it is a real one: previews,
tests and spam ("Survey Preview", "Survey Test", "Spam", or the numeric codes 1, 2 and 8)
are rejected, as are responses whose ``DistributionChannel`` is ``preview`` or ``test``
(which says the same when the status is not exported).

:func:`write` makes a form for one audience as Qualtrics's Advanced Format TXT import:
the audience as embedded data, a block per colour, a page per dimension, and each item
a single-answer multiple-choice question laid out in a row, its export tag the item id.
The format has no display logic and no export tags for a matrix's statements (a
matrix's columns are named by its own tag and each statement's number), so a Qualtrics
survey serves one audience and asks each item as a question of its own: its column in
the export is then the item id.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, ExportNames, Finding, Role, build_export
from owcf.ingest.platforms.common import headings_in, role_of, table, text_variants
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.form import COMMENT_QUESTION, WORKFORCE_GROUP_QUESTION, Form
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import Platform

NAME = Platform.qualtrics
FORMAT = "qualtrics"
SUFFIX = ".txt"
PER_AUDIENCE = True

ROLES = table({
    Role.respondent_id: ["ResponseId", "ResponseID", "Response ID"],
    Role.submitted: ["EndDate", "End Date"],
    Role.meta: ["StartDate", "Start Date", "Status", "Response Type", "Progress",
                "Duration (in seconds)", "Finished", "RecordedDate", "Recorded Date",
                "DistributionChannel", "Distribution Channel", "UserLanguage", "User Language",
                "ResponseSet", "Response Set"],
    Role.personal: ["IPAddress", "IP Address", "RecipientLastName", "Recipient Last Name",
                    "RecipientFirstName", "Recipient First Name", "RecipientEmail",
                    "Recipient Email", "ExternalReference", "External Data Reference",
                    "ExternalDataReference", "Name", "EmailAddress", "Email Address",
                    "LocationLatitude", "Location Latitude", "LocationLongitude",
                    "Location Longitude", "LocationAccuracy", "Location Accuracy"],
})
_LEGACY_CODE = re.compile(r"^V\d+$")
_TEST_STATUS = re.compile(r"preview|test|spam", re.I)
_TEST_CODES = {"1", "2", "8"}  # Survey Preview, Survey Test, Spam


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except ValueError:
        return ""
    return str(value.get("ImportId", "")) if isinstance(value, dict) else ""


def _layout(sheet: Sheet) -> tuple[int, str] | None:
    """(heading rows, description) if ``sheet`` looks like a Qualtrics export."""
    first = [sheet.record(i) for i in range(min(3, sheet.n_records))]
    if len(first) >= 3:
        cells = [c for c in first[2] if c.strip()]
        if cells and sum(c.lstrip().startswith('{"ImportId"') for c in cells) * 2 >= len(cells):
            return 3, "three heading rows with ImportId"
    if len(first) >= 2:
        names, texts = headings_in(first[0]), headings_in(first[1])
        if first[0] and _LEGACY_CODE.match(first[0][0].strip()) and "responseid" in texts:
            return 2, "legacy, two heading rows (V1, V2...)"
        if {"responseid", "startdate"} <= names and "response id" in texts:
            return 2, "two heading rows"
    if first and {"responseid", "startdate", "enddate"} <= headings_in(first[0]):
        return 1, "one heading row"
    return None


def score(sheet: Sheet) -> int:
    layout = _layout(sheet)
    return 0 if layout is None else {3: 40, 2: 30, 1: 15}[layout[0]]


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    layout = _layout(sheet)
    if layout is None:
        log.add("unknown-format", "this does not look like a Qualtrics export: expected field "
                "names such as ResponseId and StartDate in row 1 (and question text in row 2)",
                file=sheet.file, row=1)
        return None
    header_rows, detail = layout

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        code = cells[0].strip()
        text = cells[1].strip() if header_rows >= 2 else ""
        import_id = _import_id(cells[2]) if header_rows >= 3 else ""
        label = text if (_LEGACY_CODE.match(code) and text) else code or text
        role = role_of(label, ROLES) or role_of(text, ROLES) or Role.question
        if role is Role.question and normalise(label).startswith("q_"):
            role = Role.meta  # Qualtrics' own fraud and timing fields: Q_RecaptchaScore...
        return label, [label, import_id, *text_variants(text)], role

    export = build_export(sheet, NAME, detail, header_rows, describe)
    export.identity = export.by_role(Role.respondent_id)[:1]
    export.date_order = None
    marked = np.zeros(export.n, dtype=bool)  # one finding per response, however marked
    for column in export.columns:
        name = normalise(column.label)
        values = pc.utf8_trim_whitespace(column.values)
        if name in {"status", "response type"}:
            test = pc.match_substring_regex(values, _TEST_STATUS.pattern, ignore_case=True)
            codes = pc.is_in(values, value_set=pa.array(sorted(_TEST_CODES)))
            flags = pc.or_(test, codes)
            how = "Qualtrics marks it {!r}: a preview, test or spam response"
        elif name in {"distributionchannel", "distribution channel"}:
            flags = pc.is_in(pc.utf8_lower(values), value_set=pa.array(["preview", "test"]))
            how = "Qualtrics says it came by the {!r} distribution channel: a preview or test"
        else:
            continue
        flagged = np.flatnonzero(flags.to_numpy(zero_copy_only=False) & ~marked)
        if len(flagged):
            marked[flagged] = True
            export.findings.append(Finding("test-response", flagged, [
                how.format(str(values[int(i)].as_py())) for i in flagged], column))
    export.id_heading = "ResponseId"
    return export



# -- the Advanced Format TXT ---------------------------------------------------------------

_TAG = re.compile(r"\[\[|\]\]")


def _text(text: str) -> str:
    """Question or choice text on one line, as HTML (Qualtrics shows it as such), with
    nothing that reads as a ``[[tag]]``."""
    return html.escape(_TAG.sub("", " ".join(text.split())), quote=False)


def write(form: Form) -> bytes:
    """The form of one audience as an Advanced Format TXT (see the module docstring)."""
    audience = form.audience
    assert audience is not None  # the caller lays out one form per audience for Qualtrics
    lines = ["[[AdvancedFormat]]", "", f"[[ED:audience:{audience.id}]]", ""]
    if form.grouped:
        lines += ["[[Block:About you]]", "", "[[Question:MC:SingleAnswer:Vertical]]",
                  "[[ID:workforce_group]]", _text(WORKFORCE_GROUP_QUESTION), "[[Choices]]",
                  *(_text(g.name) for g in form.framework.workforce_groups), ""]
    for part in form.parts:
        lines += [f"[[Block:{_text(part.colour.name)} - {_text(part.colour.theme)}]]", ""]
        for k, grid in enumerate(part.grids):
            if k:
                lines += ["[[PageBreak]]", ""]
            lines += ["[[Question:DB]]",
                      f"<strong>{_text(grid.dimension.name)}</strong><br>{_text(grid.stem)}", ""]
            labels = [_text(o.label) for o in form.options(grid.children)]
            for question in grid.questions:
                lines += ["[[Question:MC:SingleAnswer:Horizontal]]",
                          f"[[ID:{question.item.id}]]", _text(question.text), "[[Choices]]",
                          *labels, ""]
    lines += ["[[Block:Anything else]]", "", "[[Question:TE:Essay]]", "[[ID:comment]]",
              _text(COMMENT_QUESTION), ""]
    return "\n".join(lines).encode("utf-8")


def export_names(questionnaire: Questionnaire, framework: Framework) -> ExportNames:
    """Nothing to map back: every column is an item id, ``audience``, ``workforce_group``
    or ``comment``."""
    return ExportNames()
