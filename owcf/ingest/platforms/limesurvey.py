"""LimeSurvey response exports (CSV, with comma, semicolon or tab).

One heading row, in one of the export's heading styles: question codes (``id``,
``submitdate``, ``Q1``, ``Q2[SQ001]`` for an array's sub-question), abbreviated or full
question text (``Response ID``, ``Date submitted``, ``Question [Sub-question]``), or code
and text together (``Q2[SQ001]. Question [Sub-question]``). Answers are answer codes
(``A1``, ``1``, ``Y``) or full answer text, as chosen at export.

``id`` counts up within one survey, so a response is identified by its id together with
its random ``seed`` (or its start date, when the seed is not exported).
"""

from __future__ import annotations

import re

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, Role, build_export
from owcf.ingest.platforms.common import headings_in, role_of, table, text_variants
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.sources import Platform

NAME = Platform.limesurvey

ROLES = table({
    Role.respondent_id: ["id", "Response ID"],
    Role.submitted: ["submitdate", "Date submitted"],
    Role.meta: ["lastpage", "Last page", "startlanguage", "Start language", "seed", "Seed",
                "startdate", "Date started", "datestamp", "Date last action", "interviewtime",
                "Total time"],
    Role.personal: ["ipaddr", "IP address", "refurl", "Referrer URL", "token", "Token",
                    "Access code", "firstname", "First name", "lastname", "Last name", "email",
                    "Email address"],
})
_SYSTEM = {"id", "response id", "submitdate", "date submitted", "lastpage", "last page",
           "startlanguage", "start language", "seed", "startdate", "date started"}
_CODE_AND_TEXT = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*(?:\[[^\]]*\])*)\.\s+(?P<text>.+)$",
                            re.S)
_TIMING = re.compile(r"^(grouptime|questiontime|group time|question time)")


def _split(heading: str) -> tuple[str, str]:
    """(code, text) of a heading in any of LimeSurvey's styles (either may be empty)."""
    heading = heading.strip()
    match = _CODE_AND_TEXT.match(heading)
    if match:
        return match["code"], match["text"].strip()
    return heading, heading


def score(sheet: Sheet) -> int:
    if not sheet.n_records:
        return 0
    codes = {normalise(part) for cell in sheet.record(0) for part in _split(cell) if part}
    found = len(codes & _SYSTEM)
    return 30 if found >= 3 else 20 if found >= 2 else 0


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    if score(sheet) == 0:
        log.add("unknown-format", "this does not look like a LimeSurvey export: expected "
                "headings such as id, submitdate, lastpage and startlanguage (or Response ID, "
                "Date submitted...)", file=sheet.file, row=1)
        return None
    style = "codes"
    first = headings_in(sheet.record(0))
    if "response id" in first:
        style = "question text"
    elif any(_CODE_AND_TEXT.match(c.strip()) for c in sheet.record(0)):
        style = "code and text"

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        code, text = _split(cells[0])
        role = role_of(code, ROLES) or role_of(text, ROLES)
        if role is None and _TIMING.match(normalise(code)):
            role = Role.meta
        return cells[0].strip(), [code, *text_variants(text)], role or Role.question

    export = build_export(sheet, NAME, f"one heading row ({style})", 1, describe)
    ids = export.by_role(Role.respondent_id)[:1]
    extra = [c for c in export.columns if normalise(_split(c.label)[0]) in {"seed"}] or \
        [c for c in export.columns if normalise(_split(c.label)[0]) in {"startdate",
                                                                          "date started"}]
    export.identity = ids + extra[:1] if ids else []
    export.id_heading = "Response ID" if style == "question text" else "id"
    return export
