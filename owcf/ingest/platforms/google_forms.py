"""Google Forms CSV downloads (and the linked Google Sheet saved as CSV or XLSX).

One heading row: ``Timestamp``, ``Email Address`` when the form collects it (``Score``
for a quiz), then each question's title; a grid question has one column per row, headed
``Question [Row]``. Answers are the choice text. There is no response id: a response is
identified by its whole row (timestamp and every answer), so the same response in two
downloads is caught as a duplicate.
"""

from __future__ import annotations

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, Role, build_export
from owcf.ingest.platforms.common import role_of, table, text_variants
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.sources import Platform

NAME = Platform.google_forms

ROLES = table({
    Role.submitted: ["Timestamp"],
    Role.personal: ["Email Address", "Email", "Username"],
    Role.meta: ["Score", "Total score"],
})


def score(sheet: Sheet) -> int:
    if not sheet.n_records:
        return 0
    first = sheet.record(0)
    return 25 if first and normalise(first[0]) == "timestamp" else 0


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    if score(sheet) == 0:
        log.add("unknown-format", "this does not look like a Google Forms download: expected "
                "'Timestamp' as the first heading", file=sheet.file, row=1, column="A")
        return None

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        heading = cells[0].strip()
        return heading, text_variants(heading), role_of(heading, ROLES) or Role.question

    export = build_export(sheet, NAME, "one heading row", 1, describe)
    export.identity = []  # whole-row identity: see the module docstring
    return export
