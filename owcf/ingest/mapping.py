"""Columns to questionnaire items and respondent fields; answers to the answer scale.

A column maps, in this order of precedence, by:

1. a mapping YAML (``columns:``), matched against any of the column's names (code,
   import id, heading text, grid or matrix row) after :func:`~owcf.ingest.text.normalise`;
2. the platform's own meaning of the column (its id, timestamps, personal data...);
3. an item id, a breakdown field name, or a respondent field (``audience``,
   ``workforce_group``, ``submitted``, ``comment``) equal to one of its names;
4. an item's wording (adult or children's) equal to one of its names, normalised, or
   ending one ("Question - Statement", however the two are joined);
5. a heading that names personal data ("Email", "Your name"...): dropped;
6. a heading that asks for comments ("Any other comments?", "Anything else...?"): free
   text, kept as the response's comment;
7. for audience and workforce group only, its values: a column whose answers are
   (almost all) audience or workforce group names is taken to be that column.

Anything left is an error naming the closest items. Answers map the same way: the
mapping's ``answers:`` first, then the questionnaire's values, labels and codes, by exact
text (vectorised over the whole column), normalised text, or letters and digits only
(KoboToolbox's ``strongly_agree``, "N/A").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf.errors import ProblemLog, closest
from owcf.framework import Framework, Named
from owcf.ingest import Source
from owcf.ingest.model import Export, Role, SourceColumn
from owcf.ingest.sheet import cell_bytes
from owcf.ingest.text import loose, nearest, normalise, shorten
from owcf.questionnaire import Questionnaire
from owcf.yamlio import Section, load_section

SCHEMA = "owcf-mapping/1"
#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "source", "audience", "date_order", "columns", "answers", "audiences",
    "workforce_groups"
})
#: column targets that are not item ids or breakdown fields
RESPONDENT_TARGETS = ("respondent_id", "audience", "workforce_group", "submitted", "comment")
DROP_TARGETS = ("ignore", "personal")
#: headings that name personal data, once "your", "(optional)" and the like are removed
PERSONAL_DATA = frozenset({
    "name", "full name", "first name", "last name", "surname", "forename", "given name",
    "family name", "email", "email address", "e-mail", "e-mail address", "ip", "ip address",
    "phone", "phone number", "telephone", "telephone number", "mobile", "mobile number",
    "address", "home address", "postcode", "post code", "zip code", "date of birth", "dob",
    "username", "user name", "user id", "employee number", "staff number", "nhs number",
})
_FILLER = ("your ", "please enter ", "please give ", "respondent ", "respondent's ")
DATE_ORDERS = ("dmy", "mdy")
#: headings that name a respondent field outright, in any layout
_NAMED = {"audience": Role.audience, "workforce_group": Role.workforce_group,
          "workforce group": Role.workforce_group, "submitted": Role.submitted,
          "comment": Role.comment, "comments": Role.comment}
#: a free-text question whose heading asks for comments: "Any other comments?"
_COMMENT = re.compile(r"\b(comments?|anything else)\b")
BLANK = 0
UNMAPPED = -1


def is_personal_heading(heading: str) -> bool:
    """True for headings such as "Email", "Your name (optional)", "Phone number"."""
    text = normalise(heading)
    if text.endswith("(optional)"):
        text = text[: -len("(optional)")].strip()
    for filler in _FILLER:
        text = text.removeprefix(filler)
    return text in PERSONAL_DATA


# -- the mapping file ------------------------------------------------------------------

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
    sources = [s.value for s in Source if s is not Source.auto]
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


# -- values ----------------------------------------------------------------------------

class ValueMap:
    """Cell text -> code (category index, or 1-based choice), 0 for blank, -1 unmapped.

    Exact text goes through one vectorised pass over the whole column: a table indexed
    by the cell's bytes where every cell is at most two bytes long (scale values and codes
    such as ``4`` and ``DK``, the usual case), else pyarrow's ``index_in``. Only the rows
    it misses are looked at again, once per distinct text, through the normalised and
    letters-only tables. A million answers cost about as much as a column scan.
    """

    def __init__(self, entries: Iterable[tuple[str, int]],
                 overrides: Mapping[str, int] | None = None) -> None:
        exact: dict[str, int] = {"": BLANK}
        norm: dict[str, int] = {"": BLANK}
        rough: dict[str, set[int]] = {}
        for text, code in entries:
            exact.setdefault(text, code)
            norm.setdefault(normalise(text), code)
            rough.setdefault(loose(text), set()).add(code)
        for text, code in (overrides or {}).items():  # the trust's mapping wins
            exact[text] = code
            norm[normalise(text)] = code
            rough[loose(text)] = {code}
        self.exact = exact
        self.normalised = norm
        # letters-only keys that two different answers share would guess: drop them
        self.loose = {k: next(iter(v)) for k, v in rough.items() if len(v) == 1 and k}
        self._keys = pa.array(list(exact), type=pa.string())
        self._codes = np.array([*exact.values(), UNMAPPED], dtype=np.int16)
        self.dtype = np.int8 if self._codes.max(initial=0) < 127 else np.int16
        # cells of at most two bytes, for _short_codes: their code, or _LOOK_AGAIN. A cell
        # is read as its length and the two bytes where it starts: for a shorter cell the
        # bytes beyond it are the next cell's, so every value they can take is filled in.
        short = np.full(1 << 18, _LOOK_AGAIN, dtype=np.int16)
        short[:1 << 16] = exact[""]
        for text, code in exact.items():
            raw = text.encode("utf-8")
            if len(raw) == 1:
                short[(1 << 16) | (np.arange(256) << 8) | raw[0]] = code
            elif len(raw) == 2:
                short[(2 << 16) | int.from_bytes(raw, "little")] = code
        self._short = {np.dtype(np.int16): short, np.dtype(np.int8): short.astype(np.int8)} \
            if self.dtype == np.int8 else {np.dtype(np.int16): short}

    def lookup(self, text: str) -> int:
        """The code of one cell text."""
        if text in self.exact:
            return self.exact[text]
        if not text.strip():
            return BLANK
        key = normalise(text)
        if key in self.normalised and key:  # "?" is not blank, it is not an answer either
            return self.normalised[key]
        return self.loose.get(loose(text), UNMAPPED)

    def codes(self, values: pa.ChunkedArray | pa.Array, out: np.ndarray | None = None
              ) -> np.ndarray:
        """Codes for a whole column (int8 when they fit), written into ``out`` if given."""
        codes = np.empty(len(values), dtype=self.dtype) if out is None else out
        self.code_into(values, codes)
        return codes

    def code_into(self, values: pa.ChunkedArray | pa.Array, out: np.ndarray) -> np.ndarray:
        """Write the codes of a whole column into ``out``; return the positions of cells
        that map to nothing (:data:`UNMAPPED`)."""
        table = self._short.get(out.dtype)
        if table is not None and _short_codes(values, table, out):
            missed = np.flatnonzero(out < 0)  # _LOOK_AGAIN: the few cells to look at again
        else:
            index = pc.fill_null(pc.index_in(values, value_set=self._keys), len(self._codes) - 1)
            np.take(self._codes.astype(out.dtype), index.to_numpy(), out=out)
            missed = np.flatnonzero(out == UNMAPPED)
        if not len(missed):
            return missed
        rest = pc.dictionary_encode(values.take(pa.array(missed)))
        if isinstance(rest, pa.ChunkedArray):
            rest = rest.combine_chunks()
        found = np.array([self.lookup(t) for t in rest.dictionary.to_pylist()], dtype=out.dtype)
        out[missed] = found[rest.indices.to_numpy(zero_copy_only=False)]
        return missed[out[missed] == UNMAPPED]


_LOOK_AGAIN = -2


def _short_codes(values: pa.ChunkedArray | pa.Array, table: np.ndarray, out: np.ndarray
                 ) -> bool:
    """Code every cell through ``table`` by its length and first two bytes, read straight
    from the Arrow buffers; False, with ``out`` undefined, unless every cell is text of at
    most two bytes.

    Chunks are joined into runs of about :data:`_RUN` cells: big enough that numpy, not
    the Python around it, takes the time (and lets go of the GIL, so columns map in
    parallel), small enough to stay in the CPU's cache.
    """
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    if any(c.type != pa.string() or c.null_count for c in chunks):
        return False
    at = 0
    for run in _runs(chunks):
        m = len(run)
        ends, raw = cell_bytes(run)
        key = np.diff(ends)  # the cell lengths, then the key
        if m and key.max() > 2:
            return False
        if not raw.size:  # every cell empty
            out[at:at + m] = table[0]
        else:
            # the byte at each place, and the next one above it; an empty cell at the
            # very end starts past the last byte, where "clip" reads any byte (ignored)
            pairs = raw.astype(np.uint16)
            pairs[:-1] |= pairs[1:] << 8
            key <<= 16
            key |= np.take(pairs, ends[:-1], mode="clip")
            np.take(table, key, out=out[at:at + m])
        at += m
    return True


_RUN = 1 << 16


def _runs(chunks: Sequence[pa.Array]) -> Iterator[pa.Array]:
    """Consecutive chunks joined until each run has at least :data:`_RUN` cells."""
    group: list[pa.Array] = []
    size = 0
    for chunk in chunks:
        if not len(chunk):  # its buffers may be absent
            continue
        group.append(chunk)
        size += len(chunk)
        if size >= _RUN:
            yield group[0] if len(group) == 1 else pa.concat_arrays(group)
            group, size = [], 0
    if group:
        yield group[0] if len(group) == 1 else pa.concat_arrays(group)


def answer_map(questionnaire: Questionnaire, mapping: MappingFile | None) -> ValueMap:
    """Answers: scale values, labels (adult and children's), non-answer codes and labels."""
    entries = []
    for index, option in enumerate(questionnaire.answer_scale, start=1):
        entries += [(str(option.value), index), (option.label, index),
                    (option.label_children, index)]
    base = len(questionnaire.answer_scale)
    for index, non in enumerate(questionnaire.non_answers, start=base + 1):
        entries += [(non.code, index), (non.label, index)]
    return ValueMap(entries, mapping.answers if mapping else {})


def choice_map(choices: Sequence[Named], overrides: Mapping[str, str] | None) -> ValueMap:
    """Audience or workforce group by id or name; code = 1-based position in ``choices``."""
    position = {c.id: k for k, c in enumerate(choices, start=1)}
    entries = [(text, position[c.id]) for c in choices for text in (c.id, c.name)]
    return ValueMap(entries, {k: position[v] for k, v in (overrides or {}).items()})


# -- columns ---------------------------------------------------------------------------

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
    by_id = {i.casefold(): i for i in items}
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
            _assign(column, match, "item id", fields, items)
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
            _assign(column, ending.pop(), "question text at the end of the heading", fields,
                    items)
            continue
        if any(is_personal_heading(n) for n in (column.label, *column.names)):
            column.role, column.how = Role.personal, "personal data heading"
            if not suggest:
                log.warn("personal-data-column", "personal data; this column is ignored and "
                         "never output", file=file, row=1, column=column.label)
            continue
        if any(_COMMENT.search(normalise(n)) for n in (column.label, *column.names)):
            column.role, column.how = Role.comment, "heading asks for comments"
            continue

    choices = {Role.audience: choice_map(framework.audiences,
                                         mapping.audiences if mapping else None),
               Role.workforce_group: choice_map(framework.workforce_groups,
                                                mapping.workforce_groups if mapping else None)}
    for role in (Role.audience, Role.workforce_group):
        if not export.by_role(role):
            _by_values(export, role, choices[role])

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
    one = {role: (export.by_role(role) or [None])[0] for role in
           (Role.audience, Role.workforce_group, Role.submitted)}
    present = {c.target: c for c in export.by_role(Role.item)}
    return Plan(
        items=present, identity=identity, audience=one[Role.audience],
        audience_constant=mapping.audience if mapping else None,
        workforce_group=one[Role.workforce_group], submitted=one[Role.submitted],
        comments=export.by_role(Role.comment),
        fields={c.target: c for c in export.by_role(Role.field) if c.target},
        answers=answer_map(questionnaire, mapping), audiences=choices[Role.audience],
        workforce_groups=choices[Role.workforce_group],
        date_order=(mapping.date_order if mapping else None) or export.date_order,
        missing_items=[] if export.long else [i.id for i in questionnaire.items
                                               if i.id not in present])


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
    seen: dict[str, SourceColumn] = {}
    for column in export.columns:
        if column.role in (Role.meta, Role.personal, Role.ignore):
            continue
        key = column.label.strip()
        if key in seen and key:
            log.add("duplicate-column", f"heading {key!r} appears more than once (also column "
                    f"{seen[key].letter()})", file=file, row=1, column=column.label)
        seen.setdefault(key, column)
    for column in export.by_role(Role.question):
        if export.source == "owcf":
            # owcf's own layout: a near miss of an item id is most likely a typo that would
            # lose that item's answers, so it stops the read; any other column is reported
            # and left out (a trust declares the ones it breaks down by)
            hint = closest(column.label, [*(i.id for i in questionnaire.items),
                                          *RESPONDENT_TARGETS])
            if not hint:
                column.role, column.how = Role.ignore, "not an item or respondent field"
                log.warn("unknown-column", "not a questionnaire item nor a respondent field; "
                         "ignored (declare it under 'breakdowns:' to use it)", file=file, row=1,
                         column=column.label)
                continue
        else:
            hint = closest_items(column, questionnaire)
        log.add("unknown-column", f"not a questionnaire item nor a respondent field{hint}; "
                "map it (or 'ignore' it) in a mapping file: owcf ingest --suggest-mapping "
                "writes a starter", file=file, row=1, column=column.label)
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


def describe_missing(missing: Sequence[str]) -> str:
    """'3 questionnaire items (a, b, c) have' for a warning, listing at most eight."""
    shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
    if len(missing) == 1:
        return f"questionnaire item {shown} has"
    return f"{len(missing)} questionnaire items ({shown}) have"
