"""The mapping YAML (``schema: owcf-mapping/1``): which column of an export is which
item or respondent field, and how its answers, audiences and workforce groups read,
for exports that do not map by themselves. Read and checked against the questionnaire
and framework; :mod:`owcf.ingest.columns` applies it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from owcf.errors import ProblemLog, closest
from owcf.ingest.answers import BLANK
from owcf.ingest.text import normalise
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.sources import Platform
from owcf.model.yamlio import Section, load_section

SCHEMA = "owcf-mapping/1"
#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "source", "audience", "date_order", "columns", "answers", "audiences",
    "workforce_groups"
})
#: column targets that are not item ids or breakdown fields
RESPONDENT_TARGETS = ("respondent_id", "audience", "workforce_group", "submitted", "comment")
DROP_TARGETS = ("ignore", "personal")
DATE_ORDERS = ("dmy", "mdy")


@dataclass
class MappingEntry:
    key: str            # the column name as written in the mapping
    target: str
    line: int
    used: bool = False


@dataclass
class MappingFile:
    """A checked mapping YAML (``schema: owcf-mapping/1``)."""

    file: str
    sha256: str
    source: str | None = None
    audience: str | None = None                 # every row's audience, if the file has none
    date_order: str | None = None
    columns: dict[str, MappingEntry] = field(default_factory=dict)   # normalised key ->
    answers: dict[str, int] = field(default_factory=dict)            # text -> category index
    audiences: dict[str, str] = field(default_factory=dict)          # text -> audience id
    workforce_groups: dict[str, str] = field(default_factory=dict)   # text -> group id


def read_mapping(path: Path, questionnaire: Questionnaire, framework: Framework,
                 fields: Sequence[str], log: ProblemLog) -> MappingFile | None:
    """Load and check a mapping YAML against the questionnaire and framework."""
    file = str(path)
    top = load_section(path, log, SCHEMA, TOP_KEYS)
    if top is None:
        return None
    out = MappingFile(file, hashlib.sha256(path.read_bytes()).hexdigest())
    source = top.text("source", required=False)
    sources = Platform.names()
    if source and source not in sources:
        top.problem("invalid-value", f"source {source!r} is not one of {', '.join(sources)}"
                    f"{closest(source, sources)}", "source")
    out.source = source if source in sources else None
    audience = top.text("audience", required=False)
    audience_ids = [a.id for a in framework.audiences]
    if audience and audience not in audience_ids:
        top.problem("unknown-audience", f"audience {audience!r} is not in the framework"
                    f"{closest(audience, audience_ids)}", "audience")
    out.audience = audience if audience in audience_ids else None
    order = top.text("date_order", required=False)
    if order and order not in DATE_ORDERS:
        top.problem("invalid-value", f"date_order {order!r} is not one of "
                    f"{', '.join(DATE_ORDERS)}", "date_order")
    out.date_order = order if order in DATE_ORDERS else None

    targets = column_targets(questionnaire, fields)
    for key, value, line in _pairs(top, "columns"):
        target = str(value).strip() if value is not None else ""
        if target not in targets:
            hint = closest(target, targets) or " (an item id, " + ", ".join(
                (*RESPONDENT_TARGETS, *DROP_TARGETS)) + " or a breakdown field)"
            log.add("unknown-item", f"column {key!r} maps to {target or 'nothing'!r}, which is "
                    f"not a questionnaire item or respondent field{hint}", file=file, line=line)
            continue
        norm = normalise(key)
        if norm in out.columns:
            log.add("duplicate-key", f"column {key!r} is already mapped on line "
                    f"{out.columns[norm].line}", file=file, line=line)
            continue
        out.columns[norm] = MappingEntry(key, target, line)

    categories = answer_targets(questionnaire)
    for key, value, line in _pairs(top, "answers"):
        index = categories.get(normalise(str(value))) if value is not None else None
        if index is None:
            log.add("invalid-value", f"answer {key!r} maps to {value!r}, which is not a scale "
                    f"value, non-answer code, answer label or 'blank' "
                    f"({questionnaire.describe_answers()})", file=file, line=line)
            continue
        out.answers[key] = index
    for key_name, choices, code in (("audiences", framework.audiences, "unknown-audience"),
                                    ("workforce_groups", framework.workforce_groups,
                                     "unknown-workforce-group")):
        ids = [c.id for c in choices]
        table: dict[str, str] = getattr(out, key_name)
        for key, value, line in _pairs(top, key_name):
            target = str(value).strip() if value is not None else ""
            if target not in ids:
                log.add(code, f"{key!r} maps to {target!r}, which is not in the framework"
                        f"{closest(target, ids)}", file=file, line=line)
                continue
            table[key] = target
    return out


def _pairs(top: Section, key: str) -> list[tuple[str, object, int]]:
    """(key, value, line) of each entry of the mapping under ``key``."""
    node = top.mapping(key, required=False)
    out: list[tuple[str, object, int]] = []
    for k, v in (node or {}).items():
        if isinstance(v, (dict, list)):
            top.log.add("wrong-type", f"{key}: {k!r} must map to one value", file=top.file,
                        line=node.line_of(k))  # type: ignore[union-attr]
        else:
            out.append((str(k), v, node.line_of(k)))  # type: ignore[union-attr]
    return out


def column_targets(questionnaire: Questionnaire, fields: Sequence[str]) -> list[str]:
    """Everything a column may be mapped to."""
    return [*RESPONDENT_TARGETS, *DROP_TARGETS, *fields, *(i.id for i in questionnaire.items)]


def answer_targets(questionnaire: Questionnaire) -> dict[str, int]:
    """Normalised scale value, non-answer code, label or 'blank' -> category index."""
    out = {"blank": BLANK}
    for text, index in questionnaire.answer_lookup().items():
        out.setdefault(normalise(text), index)
    return out
