"""SurveyMonkey CSV and XLSX exports.

Two heading rows. Row 1: ``Respondent ID``, ``Collector ID``, ``Start Date``,
``End Date``, ``IP Address``, ``Email Address``, ``First Name``, ``Last Name``,
``Custom Data 1``..., then each question's text, written once over all the columns the
question spans. Row 2: ``Response`` or ``Open-Ended Response`` under a single-column
question, else the matrix row or answer option of each column. Answers are the choice
text. Dates are written month first (``01/23/2009 01:06:57 PM``).
"""

from __future__ import annotations

import re

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, Role, build_export
from owcf.ingest.platforms.common import headings_in, role_of, table, text_variants
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.sources import Platform

NAME = Platform.surveymonkey

ROLES = table({
    Role.respondent_id: ["Respondent ID"],
    Role.submitted: ["End Date"],
    Role.meta: ["Collector ID", "Start Date"],
    Role.personal: ["IP Address", "Email Address", "First Name", "Last Name"],
})
_CUSTOM_DATA = re.compile(r"^custom data( \d+)?$")  # whatever the trust attached: treat as personal
_SINGLE = {"response", "open-ended response", ""}


def score(sheet: Sheet) -> int:
    if sheet.n_records < 2:
        return 0
    first = headings_in(sheet.record(0))
    if "respondent id" not in first or not ({"collector id", "start date"} & first):
        return 0
    return 40 if headings_in(sheet.record(1)) & {"response", "open-ended response"} else 25


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    if score(sheet) == 0:
        log.add("unknown-format", "this does not look like a SurveyMonkey export: expected "
                "Respondent ID and Collector ID in row 1 and answer options in row 2",
                file=sheet.file, row=1)
        return None
    # a question's text is written over its first column only: carry it across the rest
    questions, current = [], ""
    for cell, sub in zip(sheet.record(0), sheet.record(1), strict=True):
        if cell.strip():
            current = cell.strip()
        elif not sub.strip():
            current = ""
        questions.append(current)

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        question, sub = questions[position], cells[1].strip()
        role = role_of(question, ROLES) if cells[0].strip() else None
        if role is None and _CUSTOM_DATA.match(normalise(question)):
            role = Role.personal
        if normalise(sub) in _SINGLE:
            return question, text_variants(question), role or Role.question
        label = f"{question} [{sub}]"
        return label, [label, sub, question], role or Role.question

    export = build_export(sheet, NAME, "two heading rows", 2, describe)
    export.identity = export.by_role(Role.respondent_id)[:1]
    export.date_order = "mdy"
    export.id_heading = "Respondent ID"
    return export
