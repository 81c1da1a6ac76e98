"""KoboToolbox (and ODK-style) CSV and XLSX exports, and the XLSForm they are made from.

One heading row, either XML names (``start``, ``group_a/q1``...) or labels, followed by
the system fields ``_id``, ``_uuid``, ``_submission_time``, ``_validation_status``,
``_notes``, ``_status``, ``_submitted_by``, ``__version__``, ``_tags``, ``_index``. Answers
are the choices' XML names (``strongly_agree``) or labels. Kobo's own CSV export uses
``;`` between cells. Device and account fields (``deviceid``, ``username``,
``phonenumber``...) are personal data.

A project's reviewers can mark each submission ``_validation_status`` Approved, Not
approved or On hold (exported as the label or as ``validation_status_not_approved``...):
a submission not approved is rejected (``not-approved``); those on hold are counted, with
one warning naming their rows.

:func:`write` makes the form as an XLSForm (xlsform.org): a ``survey`` sheet (the
audience question first, then a group per colour holding a ``table-list`` group per
dimension and wording, each question's ``relevant`` routing it to its audiences), a
``choices`` sheet and a ``settings`` sheet. Every question is named by its item id; the
children's wording of an item by the id and ``_children``, which :func:`export_names`
maps back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pyarrow.compute as pc

from owcf.errors import OwcfError, Problem, ProblemLog
from owcf.ingest.export import Export, ExportNames, Finding, Role, build_export
from owcf.ingest.platforms.common import headings_in, role_of, table, text_variants, xlsx
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.form import (
    AUDIENCE_QUESTION,
    CHILDREN_SUFFIX,
    COMMENT_QUESTION,
    WORKFORCE_GROUP_QUESTION,
    Form,
)
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import Platform

NAME = Platform.kobo
FORMAT = "xlsform"
SUFFIX = ".xlsx"
PER_AUDIENCE = False

ROLES = table({
    Role.respondent_id: ["_uuid"],
    Role.submitted: ["_submission_time"],
    Role.meta: ["start", "end", "today", "_id", "_validation_status", "_notes", "_status",
                "_tags", "_index", "__version__", "_version_", "instanceID", "formhub/uuid",
                "deprecatedID", "rootUuid", "audit", "_xform_id_string", "_parent_index",
                "_parent_table_name"],
    Role.personal: ["deviceid", "imei", "subscriberid", "simserial", "phonenumber", "username",
                    "email", "_submitted_by", "_geolocation", "_attachments", "start-geopoint",
                    "background-geopoint"],
})


def score(sheet: Sheet) -> int:
    if not sheet.n_records:
        return 0
    first = {h.rsplit("/", 1)[-1] for h in headings_in(sheet.record(0))}
    if first & {"_uuid", "_submission_time"}:
        return 35
    return 20 if {"_id", "_index"} <= first else 0


def read(sheet: Sheet, log: ProblemLog) -> Export | None:
    if score(sheet) == 0:
        log.add("unknown-format", "this does not look like a KoboToolbox export: expected the "
                "system fields _id, _uuid and _submission_time", file=sheet.file, row=1)
        return None

    def describe(position: int, cells: list[str]) -> tuple[str, list[str], Role]:
        heading = cells[0].strip()
        leaf = heading.rsplit("/", 1)[-1]  # XML names carry their group path: group/question
        role = role_of(heading, ROLES) or role_of(leaf, ROLES)
        names = [heading, *text_variants(leaf)] if leaf != heading else text_variants(heading)
        return heading, names, role or Role.question

    export = build_export(sheet, NAME, "one heading row", 1, describe)
    uuid = export.by_role(Role.respondent_id)[:1]
    fallback = [c for c in export.columns
                if normalise(c.label.rsplit("/", 1)[-1]) in {"_id", "instanceid"}][:1]
    export.identity = uuid or fallback
    export.id_heading = None if export.identity else "_uuid"
    _review(export, log)
    return export


# -- the XLSForm ------------------------------------------------------------------------

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "appearance",
                  "calculation")


def _relevant(audiences: Sequence[str], form: Form, within: Sequence[str] = ()) -> str:
    """An XLSForm ``relevant`` expression showing a row to ``audiences`` only; empty when
    every audience that reaches it (``within``, else the form's) is among them."""
    reach = list(within) or [a.id for a in form.audiences]
    if form.audience is not None or set(reach) <= set(audiences):
        return ""
    return " or ".join(f"${{audience}} = '{a}'" for a in audiences)


def _row(kind: str, name: str = "", label: str = "", **more: str) -> list[str]:
    values = {"type": kind, "name": name, "label": label, **more}
    return [values.get(column, "") for column in SURVEY_COLUMNS]


def write(form: Form) -> bytes:
    """The form as an XLSForm workbook (see the module docstring)."""
    survey = [list(SURVEY_COLUMNS)]
    if form.audience is None:
        survey.append(_row("select_one audience", "audience", AUDIENCE_QUESTION,
                           required="yes"))
    else:  # one audience: recorded with every response, nobody asked
        survey.append(_row("calculate", "audience", calculation=f"'{form.audience.id}'"))
    if form.grouped:
        survey.append(_row("select_one workforce_group", "workforce_group",
                           WORKFORCE_GROUP_QUESTION, hint="Leave blank if none applies.",
                           relevant=_relevant(form.grouped, form)))
    for part in form.parts:
        reach = sorted({a for g in part.grids for a in g.audiences},
                       key=[a.id for a in form.audiences].index)
        colour = part.colour
        survey.append(_row("begin_group", colour.id, f"{colour.name}: {colour.theme}",
                           relevant=_relevant(reach, form)))
        for grid in part.grids:
            suffix = CHILDREN_SUFFIX if grid.children else ""
            survey.append(_row("begin_group", grid.dimension.id + suffix,
                               f"{grid.dimension.name}: {grid.stem}",
                               relevant=_relevant(grid.audiences, form, reach),
                               appearance="table-list"))
            for question in grid.questions:
                survey.append(_row(f"select_one scale{suffix}", question.item.id + suffix,
                                   question.text,
                                   relevant=_relevant(question.audiences, form,
                                                      grid.audiences)))
            survey.append(_row("end_group"))
        survey.append(_row("end_group"))
    survey.append(_row("text", "comment", COMMENT_QUESTION, appearance="multiline"))
    _check_names(survey[1:], form)

    choices = [["list_name", "name", "label"]]
    if form.audience is None:
        choices += [["audience", a.id, a.name] for a in form.audiences]
    if form.grouped:
        choices += [["workforce_group", g.id, g.name] for g in form.framework.workforce_groups]
    choices += [["scale", o.code, o.label] for o in form.options(children=False)]
    if form.has_children_grids:
        choices += [["scale_children", o.code, o.label] for o in form.options(children=True)]
    # the version changes whenever the form does, and only then
    version = hashlib.sha256(repr((survey, choices)).encode("utf-8")).hexdigest()[:10]
    settings = [["form_title", "form_id", "version"],
                [form.title, form.id.replace("-", "_"), version]]
    return xlsx([("survey", survey), ("choices", choices), ("settings", settings)])


def _check_names(rows: list[list[str]], form: Form) -> None:
    """Every name in an XLSForm must be unique; owcf's ids are unique within their kind,
    but a colour, a dimension and an item may share one."""
    seen: set[str] = set()
    problems = []
    for row in rows:
        name = row[1]
        if name and name in seen:
            problems.append(Problem("platform-limit", f"{name!r} would name two rows of the "
                                    "XLSForm (a colour, a dimension or an item id, or an item "
                                    f"id ending {CHILDREN_SUFFIX!r}): rename one",
                                    file=form.questionnaire.path or None))
        seen.add(name)
    if problems:
        raise OwcfError(problems)


def export_names(questionnaire: Questionnaire, framework: Framework) -> ExportNames:
    """The children's-wording questions, named by the item id and ``_children``."""
    return ExportNames(columns={f"{i.id}{CHILDREN_SUFFIX}": i.id for i in questionnaire.items})
def _review(export: Export, log: ProblemLog) -> None:
    """Submissions the project's reviewers did not approve: rejected; on hold: a warning."""
    for column in export.columns:
        if normalise(column.label.rsplit("/", 1)[-1]) != "_validation_status":
            continue
        status = pc.replace_substring(pc.utf8_lower(column.values), "_", " ")
        refused = np.flatnonzero(pc.match_substring(status, "not approved")
                                 .to_numpy(zero_copy_only=False))
        if len(refused):
            export.findings.append(Finding(
                "not-approved", refused, "KoboToolbox's validation status is Not approved: "
                "the project's reviewers rejected this submission", column))
        held = np.flatnonzero(pc.match_substring(status, "on hold").to_numpy(zero_copy_only=False))
        if len(held):
            rows = ", ".join(str(r) for r in export.rows[held[:10]].tolist())
            more = f" and {len(held) - 10} more" if len(held) > 10 else ""
            log.warn("response-on-hold", f"{len(held)} submission{'s are' if len(held) > 1 else ' is'} "
                     f"on hold in KoboToolbox's review (row{'s' if len(held) > 1 else ''} {rows}"
                     f"{more}): counted as they stand; approve or reject them there and export "
                     "again if they should not be", file=export.file, column=column.label)
