"""LimeSurvey response exports (CSV, with comma, semicolon or tab).

One heading row, in one of the export's heading styles: question codes (``id``,
``submitdate``, ``Q1``, ``Q2[SQ001]`` for an array's sub-question), abbreviated or full
question text (``Response ID``, ``Date submitted``, ``Question [Sub-question]``), or code
and text together (``Q2[SQ001]. Question [Sub-question]``). Answers are answer codes
(``A1``, ``1``, ``Y``) or full answer text, as chosen at export.

``id`` counts up within one survey, so a response is identified by its id together with
its random ``seed`` (or its start date, when the seed is not exported).

:func:`write` makes the form as LimeSurvey's tab-separated survey structure (the
manual's "Tab Separated Value survey structure"): a question group per colour, an array
question per dimension and wording with a subquestion per item, and relevance equations
for the routing. LimeSurvey codes are letters and digits only (question and subquestion
codes at most 20, answer codes at most 5), so items, audiences and workforce groups get
codes made from their ids (:func:`item_code`, :func:`choice_code`), which
:func:`export_names` maps back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from owcf.errors import OwcfError, Problem, ProblemLog
from owcf.ingest.export import Export, ExportNames, Role, build_export
from owcf.ingest.platforms.common import (
    headings_in,
    role_of,
    stable_code,
    table,
    text_variants,
    tsv,
)
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.form import (
    AUDIENCE_QUESTION,
    COMMENT_QUESTION,
    WORKFORCE_GROUP_QUESTION,
    Form,
)
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import Platform

NAME = Platform.limesurvey
FORMAT = "limesurvey"
SUFFIX = ".txt"
PER_AUDIENCE = False

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


# -- the tab-separated survey structure ---------------------------------------------------

#: the columns of the structure file, as LimeSurvey's own export names them; ``hidden``
#: is a question attribute (the importer takes any further column as one)
COLUMNS = ("class", "type/scale", "name", "relevance", "text", "help", "language",
           "validation", "mandatory", "other", "default", "same_default", "hidden")
LANGUAGE = "en"
WORKFORCE_GROUP_CODE = "workforcegroup"
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
_ANSWER = re.compile(r"^[A-Za-z0-9]{1,5}$")
#: words LimeSurvey keeps for itself (question and subquestion codes)
_RESERVED = {"lang", "sid", "savedid", "token", "qid", "gid", "sgq", "self", "that", "this",
             "time", "audience", "comment", WORKFORCE_GROUP_CODE}


def item_code(ident: str) -> str:
    """An item's subquestion code: its id's letters and digits when they make a valid
    code of at most 20, else the first 15 of them and 5 that depend on the whole id."""
    code = _NOT_ALNUM.sub("", ident)
    if _CODE.match(code) and code.lower() not in _RESERVED:
        return code
    return (code[:15] or "q") + stable_code(ident, 5)


def choice_code(ident: str) -> str:
    """An audience's or workforce group's answer code: its id's letters and digits when
    at most 5, else 2 of them and 3 that depend on the whole id."""
    code = _NOT_ALNUM.sub("", ident)
    return code if _ANSWER.match(code) else code[:2] + stable_code(ident, 3)


def _equation(audiences: Sequence[str], form: Form, within: Sequence[str] = ()) -> str:
    """A relevance equation showing a group, question or subquestion to ``audiences``;
    empty when everyone who reaches it (``within``, else the whole form) is among them."""
    reach = list(within) or [a.id for a in form.audiences]
    if form.audience is not None or set(reach) <= set(audiences):
        return ""
    return " or ".join(f"audience.NAOK == '{choice_code(a)}'" for a in audiences)


def _row(kind: str, scale: str = "", name: str = "", text: str = "", **more: str) -> list[str]:
    values = {"class": kind, "type/scale": scale, "name": name, "text": text, **more}
    if kind not in ("S",):
        values.setdefault("language", LANGUAGE)
    return [values.get(column, "") for column in COLUMNS]


def write(form: Form) -> bytes:
    """The form as a tab-separated survey structure (see the module docstring)."""
    _check_codes(form)
    rows = [list(COLUMNS), _row("S", name="language", text=LANGUAGE),
            _row("S", name="format", text="G"),
            _row("SL", name="surveyls_title", text=form.title),
            _row("SL", name="surveyls_description",
                 text=f"{form.questionnaire.name}. {form.framework.name}.")]
    rows.append(_row("G", name="About you"))
    if form.audience is None:
        rows.append(_row("Q", "L", "audience", AUDIENCE_QUESTION, mandatory="Y", other="N"))
        rows += [_row("A", "0", choice_code(a.id), a.name) for a in form.audiences]
    else:  # one audience: an equation records it with every response, nobody is asked
        rows.append(_row("Q", "*", "audience", "{'" + form.audience.id + "'}", mandatory="N",
                         other="N", hidden="1"))
    if form.grouped:
        rows.append(_row("Q", "L", WORKFORCE_GROUP_CODE, WORKFORCE_GROUP_QUESTION,
                         relevance=_equation(form.grouped, form), mandatory="N", other="N",
                         help="Leave blank if none applies."))
        rows += [_row("A", "0", choice_code(g.id), g.name)
                 for g in form.framework.workforce_groups]
    position = {d.id: k for k, d in enumerate(form.framework.dimensions, start=1)}
    for part in form.parts:
        reach = [a.id for a in form.audiences if any(a.id in g.audiences for g in part.grids)]
        rows.append(_row("G", name=f"{part.colour.name}: {part.colour.theme}",
                         text=part.colour.description, relevance=_equation(reach, form)))
        for grid in part.grids:
            code = f"D{position[grid.dimension.id]:02d}{'C' if grid.children else 'A'}"
            rows.append(_row("Q", "F", code, f"{grid.dimension.name}: {grid.stem}",
                             relevance=_equation(grid.audiences, form, reach),
                             mandatory="N", other="N"))
            rows += [_row("SQ", "0", item_code(q.item.id), q.text,
                          relevance=_equation(q.audiences, form, grid.audiences))
                     for q in grid.questions]
            rows += [_row("A", "0", o.code, o.label) for o in form.options(grid.children)]
    rows.append(_row("G", name="Anything else"))
    rows.append(_row("Q", "T", "comment", COMMENT_QUESTION, mandatory="N", other="N"))
    return tsv(rows)


def _check_codes(form: Form) -> None:
    """Answer codes LimeSurvey would refuse, and codes two things would share."""
    problems = []
    where = form.questionnaire.path or None
    for option in (*form.options(False), *form.options(True)):
        if not _ANSWER.match(option.code):
            problems.append(Problem("platform-limit", f"answer {option.code!r} cannot be a "
                                    "LimeSurvey answer code (1 to 5 letters or digits)",
                                    file=where))
    for what, idents, coder in (
            ("items", [i.id for i in form.questionnaire.items], item_code),
            ("audiences", [a.id for a in form.framework.audiences], choice_code),
            ("workforce groups", [g.id for g in form.framework.workforce_groups], choice_code)):
        codes: dict[str, str] = {}
        for ident in idents:
            code = coder(ident).lower()
            if code in codes:
                problems.append(Problem("platform-limit", f"{what} {codes[code]!r} and "
                                        f"{ident!r} would share the LimeSurvey code "
                                        f"{coder(ident)!r}: rename one", file=where))
            codes[code] = ident
    if problems:
        raise OwcfError(list(dict.fromkeys(problems)))


def export_names(questionnaire: Questionnaire, framework: Framework) -> ExportNames:
    """Item, audience and workforce group codes, and the workforce group question's code,
    back to owcf's ids."""
    columns = {item_code(i.id): i.id for i in questionnaire.items}
    columns[WORKFORCE_GROUP_CODE] = "workforce_group"
    return ExportNames(columns, {choice_code(a.id): a.id for a in framework.audiences},
                       {choice_code(g.id): g.id for g in framework.workforce_groups})
