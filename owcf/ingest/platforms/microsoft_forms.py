"""Microsoft Forms results (the XLSX from "Open results in Excel", or that sheet as CSV).

One heading row: ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``, on
newer forms ``Last modified time``, then one column per question (a Likert question:
one column per statement). Multi-select answers are joined by ``;``. Quizzes add
``Total points``, ``Quiz feedback`` and ``Points - ``/``Feedback - `` columns. ``Email``
reads ``anonymous`` on anonymous forms.

``ID`` counts 1, 2, 3... within one form, so two forms' exports share ids: a response
is identified by its ID together with its start and completion times.
"""

from __future__ import annotations

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, Role, build_export
from owcf.ingest.platforms.common import role_of, table, text_variants
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.sources import Platform

NAME = Platform.microsoft_forms

ROLES = table({
    Role.respondent_id: ["ID"],
    Role.submitted: ["Completion time"],
    Role.meta: ["Start time", "Last modified time", "Total points", "Quiz feedback"],
    Role.personal: ["Email", "Name"],
})


def score(sheet: Sheet) -> int:
    if not sheet.n_records:
        return 0
    first = [normalise(c) for c in sheet.record(0)[:3]]
    return 40 if first == ["id", "start time", "completion time"] else 0


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    if score(sheet) == 0:
        log.add("unknown-format", "this does not look like a Microsoft Forms export: expected "
                "ID, Start time and Completion time as the first headings", file=sheet.file,
                row=1)
        return None

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        heading = cells[0].strip()
        role = role_of(heading, ROLES)
        if role is None and normalise(heading).startswith(("points - ", "feedback - ")):
            role = Role.meta
        return heading, text_variants(heading), role or Role.question

    export = build_export(sheet, NAME, "one heading row", 1, describe)
    ids = export.by_role(Role.respondent_id)[:1]
    times = [c for c in export.columns if normalise(c.label) in {"start time", "completion time"}]
    export.identity = ids + times if ids else []
    export.id_heading = "ID"
    return export
