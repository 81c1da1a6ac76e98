"""owcf's own layout, wide or long (see docs/formats.md).

Wide: one row per respondent; ``respondent_id``, ``audience``, optional
``workforce_group``, ``submitted`` and ``comment``, then one column per item id.
Long: one row per answer; ``respondent_id``, ``item``, ``answer`` and the same optional
respondent columns, repeated on each of the respondent's rows or given once.

:func:`write` makes a blank wide template for a form: the heading row only, for typing
in the answers of paper questionnaires.
"""

from __future__ import annotations

import csv
import io

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, ExportNames, Role, build_export
from owcf.ingest.platforms.common import headings_in, role_of, table
from owcf.ingest.sheet import Sheet
from owcf.model.form import Form
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import Platform

NAME = Platform.owcf
FORMAT = "csv"
SUFFIX = ".csv"
PER_AUDIENCE = False

ROLES = table({
    Role.respondent_id: ["respondent_id"],
    Role.audience: ["audience"],
    Role.workforce_group: ["workforce_group"],
    Role.submitted: ["submitted"],
    Role.comment: ["comment"],
})
LONG = table({Role.long_item: ["item"], Role.long_answer: ["answer"]})


def score(sheet: Sheet) -> int:
    if not sheet.n_records:
        return 0
    headings = headings_in(sheet.record(0))
    if "respondent_id" not in headings:
        return 0
    return 20 if {"item", "answer"} <= headings or "audience" in headings else 10


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    headings = headings_in(sheet.record(0)) if sheet.n_records else set()
    long = {"item", "answer"} <= headings

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        heading = cells[0] if cells else ""
        role = role_of(heading, ROLES) or (role_of(heading, LONG) if long else None)
        return heading, [heading], role or Role.question

    export = build_export(sheet, NAME, "long, one row per answer" if long else
                          "wide, one row per respondent", 1, describe)
    export.long = long
    export.identity = export.by_role(Role.respondent_id)[:1]
    export.id_heading = "respondent_id"
    return export


def write(form: Form) -> bytes:
    """The heading row of owcf's wide layout for ``form``: the respondent columns, the
    items its audiences are asked, the trust's breakdowns and the comment (UTF-8 with a
    byte-order mark, so Excel opens it as such)."""
    asked = {q.item.id for _, q in form.questions()}
    headings = ["respondent_id", "audience"]
    headings += ["workforce_group"] if form.grouped else []
    headings += ["submitted", *(i.id for i in form.questionnaire.items if i.id in asked),
                 *form.breakdowns, "comment"]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(headings)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def export_names(questionnaire: Questionnaire, framework: Framework) -> ExportNames:
    """owcf's layout names every column by its id: nothing to map back."""
    return ExportNames()
