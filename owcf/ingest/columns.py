"""Columns to questionnaire items and respondent fields: the plan of an export.

A column maps, in this order of precedence, by:

1. a mapping YAML (``columns:``), matched against any of the column's names (code,
   import id, heading text, grid or matrix row) after :func:`~owcf.ingest.text.normalise`;
2. the platform's own meaning of the column (its id, timestamps, personal data...);
3. an item id, a breakdown field name, or a respondent field (``audience``,
   ``workforce_group``, ``submitted``, ``comment``) equal to one of its names, or the
   name the platform gives to an item or field in a questionnaire file owcf wrote for it
   (:class:`~owcf.ingest.export.ExportNames`: LimeSurvey's codes, ``ITEM_children``);
4. an item's wording (adult or children's) equal to one of its names, normalised, or
   ending one ("Question - Statement", however the two are joined);
5. a heading that names personal data ("Email", "full_name", "Your name"...): dropped;
6. a heading that asks for comments ("Any other comments?", "Anything else...?"): free
   text, kept as the response's comment (with personal data taken out, or dropped if it
   is mostly personal data: :mod:`owcf.ingest.personal`);
7. a heading that asks for personal data ("What is your email address?"): dropped;
8. for audience and workforce group only, its values: a column whose answers are
   (almost all) audience or workforce group names is taken to be that column;
9. by its values, as personal data: a column left over holding email addresses, phone
   numbers, IP addresses or postcodes is dropped.

Anything left (a question the questionnaire lacks) is left out of the analysis, with one
warning per file naming every such column and its closest items; in owcf's own layout a
near miss of an item id is an error, as that item's answers would be lost. Answers are
coded by :mod:`owcf.ingest.answers`; audience and workforce group answers also by the
codes the platform gives them in a questionnaire file owcf wrote.

Several columns may hold one item: a form that serves several audiences asks an item in
the adult wording and again in the children's, and routes each respondent to one of
them. Their cells are read as one column, a row's answer being the one it gives; a row
that answers the item in more than one of them is rejected (``answered-twice``). Two
columns for one respondent field (two audience columns...) are still ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf.errors import ProblemLog, closest
from owcf.ingest.answers import BLANK, ValueMap, answer_map, choice_map
from owcf.ingest.export import Export, Finding, Role, SourceColumn
from owcf.ingest.mapping import RESPONDENT_TARGETS, MappingFile
from owcf.ingest.personal import (
    asks_for_personal_data,
    is_personal_heading,
    mostly_personal,
    personal_kinds,
)
from owcf.ingest.platforms import export_names
from owcf.ingest.text import nearest, normalise, shorten
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire

#: headings that name a respondent field outright, in any layout
_NAMED = {"audience": Role.audience, "workforce_group": Role.workforce_group,
          "workforce group": Role.workforce_group, "submitted": Role.submitted,
          "comment": Role.comment, "comments": Role.comment}
#: a free-text question whose heading asks for comments: "Any other comments?"
_COMMENT = re.compile(r"\b(comments?|anything else)\b")


@dataclass
class Plan:
    """What each column of an export holds, and how to read its cells."""

    items: dict[str, SourceColumn]
    identity: list[SourceColumn]
    audience: SourceColumn | None
    audience_constant: str | None
    workforce_group: SourceColumn | None
    submitted: SourceColumn | None
    comments: list[SourceColumn]
    fields: dict[str, SourceColumn]
    answers: ValueMap
    audiences: ValueMap
    workforce_groups: ValueMap
    date_order: str | None
    missing_items: list[str] = field(default_factory=list)

    def dropped(self, export: Export) -> dict[str, list[str]]:
        """Labels of the columns not carried over, by why."""
        out: dict[str, list[str]] = {"personal": [], "meta": [], "ignore": []}
        for c in export.columns:
            if c.role.value in out:
                out[c.role.value].append(c.label)
        return out


def _text_index(questionnaire: Questionnaire) -> dict[str, str | None]:
    """Normalised item wording -> item id (None where two items share the wording)."""
    index: dict[str, str | None] = {}
    for item in questionnaire.items:
        for text in {normalise(item.text), normalise(item.text_children or item.text)}:
            index[text] = item.id if index.get(text, item.id) == item.id else None
    return index


def _assign(column: SourceColumn, target: str, how: str, fields: Sequence[str],
            items: set[str]) -> None:
    column.how = how
    if target in items:
        column.role, column.target = Role.item, target
    elif target in fields:
        column.role, column.target = Role.field, target
    else:
        column.role, column.target = Role(target), None


def plan_columns(export: Export, questionnaire: Questionnaire, framework: Framework,
                 mapping: MappingFile | None, fields: Sequence[str], log: ProblemLog,
                 suggest: bool = False) -> Plan | None:
    """Decide what every column holds; file-level problems go to ``log``.

    With ``suggest`` nothing is an error: columns left unresolved keep the question role,
    for :func:`suggest_mapping`.
    """
    file = export.file
    items = {i.id for i in questionnaire.items}
    names = export_names(export.source, questionnaire, framework)
    by_id = {k.casefold(): v for k, v in names.columns.items()} | {i.casefold(): i for i in items}
    field_keys = {normalise(f): f for f in fields} | {normalise(f.replace("_", " ")): f
                                                      for f in fields}
    texts = _text_index(questionnaire)
    entries = mapping.columns if mapping else {}
    for column in export.columns:
        keys = [normalise(n) for n in (column.label, *column.names)]
        entry = next((entries[k] for k in keys if k in entries), None)
        if entry is not None:
            entry.used = True
            _assign(column, entry.target, f"mapping file line {entry.line}", fields, items)
            continue
        if column.role is not Role.question:
            column.how = f"{export.source} column"
            continue
        match = next((by_id[k] for n in column.names if (k := n.strip().casefold()) in by_id),
                     None)
        if match:
            _assign(column, match, "item id" if match in items else
                    f"{export.source} name for {match}", fields, items)
            continue
        match = next((field_keys[k] for k in keys if k in field_keys), None)
        if match:
            _assign(column, match, "breakdown field", fields, items)
            continue
        match = next((_NAMED[k] for k in keys if k in _NAMED), None)
        if match:
            column.role, column.how = match, "heading names the field"
            continue
        found = [texts[k] for k in keys if k in texts]
        if found and found[0] is not None:
            _assign(column, found[0], "question text", fields, items)
            continue
        # a matrix statement after its question, however joined: "Question - Statement"
        ending = {texts[t] for k in keys for t in texts if t and k.endswith(t) and
                  len(k) > len(t) and not k[-len(t) - 1].isalnum()}
        if len(ending) == 1 and None not in ending:
            target = ending.pop()
            assert target is not None  # checked just above: None is not in ending
            _assign(column, target, "question text at the end of the heading", fields,
                    items)
            continue
        if any(is_personal_heading(n) for n in (column.label, *column.names)):
            _drop_personal(column, "personal data heading", "personal data", suggest, log, file)
            continue
        if any(_COMMENT.search(normalise(n)) for n in (column.label, *column.names)):
            column.role, column.how = Role.comment, "heading asks for comments"
            continue
        if any(asks_for_personal_data(n) for n in (column.label, *column.names)):
            _drop_personal(column, "heading asks for personal data", "asks for personal data",
                           suggest, log, file)
            continue

    choices = {Role.audience: choice_map(framework.audiences, names.audiences | (
                   mapping.audiences if mapping else {})),
               Role.workforce_group: choice_map(framework.workforce_groups,
                                                names.workforce_groups | (
                                                    mapping.workforce_groups if mapping else {}))}
    for role in (Role.audience, Role.workforce_group):
        if not export.by_role(role):
            _by_values(export, role, choices[role])
    _personal_by_values(export, log, suggest)

    ok = _check_plan(export, questionnaire, framework, mapping, fields, log, suggest)
    if mapping is not None and not suggest:
        for entry in mapping.columns.values():
            if not entry.used:
                log.warn("unknown-column", f"the mapping names column {entry.key!r}, which "
                         f"{export.file} does not have", file=mapping.file, line=entry.line)
    if not ok and not suggest:
        return None
    # a column the trust mapped to respondent_id wins over the platform's own id
    mapped = [c for c in export.by_role(Role.respondent_id) if c.how.startswith("mapping")]
    identity = mapped or export.identity
    one = {role: export.first(role) for role in
           (Role.audience, Role.workforce_group, Role.submitted)}
    held: dict[str, list[SourceColumn]] = {}
    for c in export.by_role(Role.item):
        assert c.target is not None  # _assign gives every item column its item id
        held.setdefault(c.target, []).append(c)
    present = {target: columns[0] if len(columns) == 1 else _one_column(export, target, columns)
               for target, columns in held.items()}
    return Plan(
        items=present, identity=identity, audience=one[Role.audience],
        audience_constant=mapping.audience if mapping else None,
        workforce_group=one[Role.workforce_group], submitted=one[Role.submitted],
        comments=export.by_role(Role.comment),
        fields={c.target: c for c in export.by_role(Role.field) if c.target},
        answers=answer_map(questionnaire, mapping.answers if mapping else None),
        audiences=choices[Role.audience],
        workforce_groups=choices[Role.workforce_group],
        date_order=(mapping.date_order if mapping else None) or export.date_order,
        missing_items=[] if export.long else [i.id for i in questionnaire.items
                                               if i.id not in present])


def _one_column(export: Export, item: str, columns: list[SourceColumn]) -> SourceColumn:
    """The columns holding one item read as one: each row's answer from the column it
    answered in; rows answering in more than one are rejected (a finding on ``export``)."""
    answered = [_answered(c.values) for c in columns]
    values = columns[-1].values
    for column, given in zip(columns[-2::-1], answered[-2::-1], strict=True):
        values = pc.if_else(pa.array(given), column.values, values)
    twice = np.flatnonzero(np.sum(answered, axis=0) > 1)
    if len(twice):
        labels = ", ".join(repr(c.label) for c in columns)
        export.findings.append(Finding("answered-twice", twice, f"item {item!r} is answered in "
                                       f"more than one of {labels}; a respondent answers it "
                                       "once", columns[0]))
    return replace(columns[0], label=" or ".join(c.label for c in columns), values=values,
                   how=f"{columns[0].how}, one of {len(columns)} columns")


def _answered(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Which cells hold anything but spaces."""
    text = pc.fill_null(values, "")
    given = pc.and_(pc.greater(pc.utf8_length(text), 0), pc.invert(pc.utf8_is_space(text)))
    return np.asarray(given.to_numpy(zero_copy_only=False), dtype=bool)


def _by_values(export: Export, role: Role, values: ValueMap) -> None:
    """Take the one unmapped column whose answers are (nearly all) ``role`` names."""
    found = []
    for column in export.by_role(Role.question):
        codes = values.codes(column.values)
        answered = codes != BLANK
        if answered.any() and (codes[answered] > 0).mean() >= 0.8:
            found.append(column)
    if len(found) == 1:
        found[0].role, found[0].how = role, f"values are {role.value.replace('_', ' ')}s"


def _personal_by_values(export: Export, log: ProblemLog, suggest: bool) -> None:
    """Drop a column left over whose cells hold personal data, and a comment column whose
    entries are mostly nothing but that (the rest of a comment column keeps its text, with
    the personal data taken out when it is read)."""
    for column in export.columns:
        if column.role is Role.question:
            kinds = personal_kinds(column.values)
            why = f"values hold {kinds}" if kinds else ""
        elif column.role is Role.comment and mostly_personal(column.values):
            why = f"values are mostly {personal_kinds(column.values)}"
        else:
            continue
        if not why:
            continue
        column.role, column.how = Role.personal, why
        if not suggest:
            log.warn("personal-data-column", f"its {why}: personal data; this column is "
                     "ignored and never output", file=export.file, row=1, column=column.label)


def closest_items(column: SourceColumn, questionnaire: Questionnaire) -> str:
    """' (closest: a 'wording...', b 'wording...')' for an unmapped column."""
    wording = {i.id: i.text for i in questionnaire.items}
    by_text = {i.text: i.id for i in questionnaire.items}
    found: list[str] = []
    for name in column.names or (column.label,):
        for text in nearest(name, by_text, n=3):
            found.append(by_text[text])
        found += nearest(name, wording, n=2, cutoff=0.7)
    found = list(dict.fromkeys(found))[:3]
    if not found:
        return ""
    return " (closest: " + "; ".join(f"{i} {shorten(wording[i], 50)!r}" for i in found) + ")"


def _check_plan(export: Export, questionnaire: Questionnaire, framework: Framework,
                mapping: MappingFile | None, fields: Sequence[str], log: ProblemLog,
                suggest: bool) -> bool:
    """File-level problems: unmapped, doubled and missing columns. True if none."""
    file, errors = export.file, len(log.errors)
    if suggest:
        return True
    items = {i.id for i in questionnaire.items}
    seen: dict[str, SourceColumn] = {}
    for column in export.columns:
        if column.role in (Role.meta, Role.personal, Role.ignore):
            continue
        key = column.label.strip()
        if key in seen and key:
            log.add("duplicate-column", f"heading {key!r} appears more than once (also column "
                    f"{seen[key].letter()})", file=file, row=1, column=column.label)
        seen.setdefault(key, column)
    unmatched: list[tuple[SourceColumn, str]] = []
    for column in export.by_role(Role.question):
        if export.source == "owcf":
            # owcf's own layout names items by id: a near miss of one is most likely a typo
            # that would lose that item's answers, so it stops the read
            hint = closest(column.label, [*(i.id for i in questionnaire.items),
                                          *RESPONDENT_TARGETS])
            if hint:
                log.add("unknown-column", f"not a questionnaire item nor a respondent field"
                        f"{hint}", file=file, row=1, column=column.label)
                continue
        else:
            hint = closest_items(column, questionnaire)
        # an export carries questions the questionnaire lacks (job title, consent...): left
        # out of the analysis, said once, and listed in the provenance
        column.role, column.how = Role.ignore, "matches no questionnaire item or respondent field"
        unmatched.append((column, hint))
    if unmatched:
        _warn_unmatched(export, unmatched, log)
    if not export.long and not export.by_role(Role.item) and not any(
            p.code == "unknown-column" and p.severity == "error" for p in log.errors):
        log.add("missing-column", "no column is a questionnaire item: is this the right "
                "questionnaire? Map the columns in a mapping file (owcf ingest "
                "--suggest-mapping writes a starter)", file=file, row=1)
    targets: dict[str, list[SourceColumn]] = {}
    for column in export.columns:
        if column.role is Role.item or column.role is Role.field:
            targets.setdefault(str(column.target), []).append(column)
        elif column.role.value in ("respondent_id", "audience", "workforce_group", "submitted",
                                   "long_item", "long_answer"):
            if column.role is Role.respondent_id and not column.how.startswith("mapping"):
                continue  # the platform's id, overridden by a mapped one
            targets.setdefault(column.role.value, []).append(column)
    for target, columns in targets.items():
        if target in items:
            continue  # several columns may hold one item: see the module docstring
        if len({c.label.strip() for c in columns}) > 1:  # same heading twice: said above
            names = ", ".join(repr(c.label) for c in columns)
            log.add("ambiguous-column", f"columns {names} all map to {target!r}; map all but "
                    "one to 'ignore' in a mapping file", file=file, row=1,
                    column=columns[1].label)
    if not export.by_role(Role.audience) and not (mapping and mapping.audience):
        place = "an 'audience' column" if export.source == "owcf" else "an audience column"
        log.add("missing-column", f"required column 'audience' is absent: add {place}, map "
                "one in a mapping file, or set 'audience:' there for a file with one audience",
                file=file, row=1, column="audience")
    if export.id_heading and not export.by_role(Role.respondent_id):
        log.add("missing-column", f"required column {export.id_heading!r} (the respondent id) "
                "is absent; map another column to respondent_id in a mapping file if the "
                "export names it differently", file=file, row=1, column=export.id_heading)
    if export.long and not (export.by_role(Role.long_item) and export.by_role(Role.long_answer)):
        log.add("missing-column", "the long layout needs both 'item' and 'answer' columns",
                file=file, row=1)
    return len(log.errors) == errors


def _drop_personal(column: SourceColumn, how: str, what: str, suggest: bool,
                   log: ProblemLog, file: str) -> None:
    """Mark ``column`` personal data: never read, never output; said once unless only a
    mapping is being suggested."""
    column.role, column.how = Role.personal, how
    if not suggest:
        log.warn("personal-data-column", f"{what}; this column is ignored and never output",
                 file=file, row=1, column=column.label)


def _warn_unmatched(export: Export, unmatched: list[tuple[SourceColumn, str]],
                    log: ProblemLog) -> None:
    """One warning for every column left out as matching nothing."""
    how = ("declare it under 'breakdowns:' in trust.yaml, or map it in a mapping file, if "
           "it should count" if export.source == "owcf" else
           "map it in a mapping file if it should count: owcf ingest --suggest-mapping writes "
           "a starter")
    if len(unmatched) == 1:
        column, hint = unmatched[0]
        log.warn("unknown-column", f"not a questionnaire item nor a respondent field{hint}; "
                 f"left out of the analysis ({how})", file=export.file, row=1,
                 column=column.label)
        return
    named = "; ".join(f"{c.label!r}{hint}" for c, hint in unmatched[:12])
    if len(unmatched) > 12:
        named += f"; and {len(unmatched) - 12} more"
    log.warn("unknown-column", f"{len(unmatched)} columns are neither questionnaire items nor "
             f"respondent fields and are left out of the analysis: {named} (for each, "
             f"{how})", file=export.file, row=1)


def describe_missing(missing: Sequence[str]) -> str:
    """'3 questionnaire items (a, b, c) have' for a warning, listing at most eight."""
    shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
    if len(missing) == 1:
        return f"questionnaire item {shown} has"
    return f"{len(missing)} questionnaire items ({shown}) have"
