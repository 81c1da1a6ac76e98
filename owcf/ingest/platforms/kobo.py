"""KoboToolbox (and ODK-style) CSV and XLSX exports.

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
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, Finding, Role, build_export
from owcf.ingest.platforms.common import headings_in, role_of, table, text_variants
from owcf.ingest.sheet import Sheet
from owcf.ingest.text import normalise
from owcf.model.sources import Platform

NAME = Platform.kobo

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
