"""The questionnaire: items mapped to framework dimensions, the answer scale, routing."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from owcf.errors import ProblemLog, closest
from owcf.model.framework import Framework
from owcf.model.yamlio import NAME_LIMIT, Node, Section, load_section

SCHEMA = "owcf-questionnaire/1"
#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "id", "name", "framework", "answer_scale", "non_answers", "scoring", "items",
    "version"
})
ITEM_KEYS = {"id", "dimension", "text", "text_children", "audiences", "reverse"}


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str
    label_children: str


@dataclass(frozen=True)
class NonAnswer:
    code: str
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    text: str
    text_children: str | None = None
    audiences: tuple[str, ...] | None = None  # None: every audience
    reverse: bool = False

    def asked_of(self, audience: str) -> bool:
        return self.audiences is None or audience in self.audiences


@dataclass(frozen=True)
class Questionnaire:
    id: str
    name: str
    framework: str
    answer_scale: tuple[AnswerOption, ...]
    non_answers: tuple[NonAnswer, ...]
    items: tuple[Item, ...]
    min_answered_fraction: float = 0.5
    path: str = ""

    @property
    def scale_min(self) -> int:
        return self.answer_scale[0].value

    @property
    def scale_max(self) -> int:
        return self.answer_scale[-1].value

    def items_for(self, dimension_id: str) -> tuple[Item, ...]:
        return self._by_dimension.get(dimension_id, ())

    @cached_property
    def _by_dimension(self) -> dict[str, tuple[Item, ...]]:
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.dimension, []).append(item)
        return {d: tuple(items) for d, items in grouped.items()}

    @property
    def categories(self) -> tuple[str, ...]:
        """Answer categories in counting order: each scale value, then each non-answer code.

        Responses are stored as the 1-based index into this tuple; 0 means blank.
        """
        return tuple(str(o.value) for o in self.answer_scale) + tuple(n.code for n in self.non_answers)

    def answer_lookup(self) -> dict[str, int]:
        """Case-folded answer text (value, label, code) -> category index."""
        lookup: dict[str, int] = {}
        for i, opt in enumerate(self.answer_scale, start=1):
            for text in (str(opt.value), opt.label, opt.label_children):
                lookup.setdefault(text.strip().casefold(), i)
        base = len(self.answer_scale)
        for j, non in enumerate(self.non_answers, start=base + 1):
            for text in (non.code, non.label):
                lookup.setdefault(text.strip().casefold(), j)
        return lookup

    # -- the two minimum-answered rules, stated once; the vectorised versions in ingest
    # (owcf.ingest.reconcile) and the statistics (owcf.stats.tally) are tested against them

    def answers_needed(self, asked: int) -> int:
        """How many of ``asked`` items (or, for a colour, dimensions) a respondent must
        answer to count: ``ceil(min_answered_fraction x asked)``, and at least one."""
        # the small epsilon keeps 0.5 * 2 from rounding up to 2 through float error
        return max(1, math.ceil(self.min_answered_fraction * asked - 1e-9))

    def keeps_response(self, audience: str, answered: Collection[str]) -> bool:
        """Which responses count (ingest): ``answered`` (item ids given any answer, a scale
        value, don't know or not applicable) covers, in at least one dimension the
        audience is asked about, :meth:`answers_needed` of the items it is asked there."""
        for items in self._by_dimension.values():
            asked = sum(item.asked_of(audience) for item in items)
            given = sum(item.id in answered for item in items)
            if asked and given >= self.answers_needed(asked):
                return True
        return False

    def scores_dimension(self, audience: str, dimension: str, scored: Collection[str]) -> bool:
        """Whether a respondent gets a score on ``dimension`` (statistics): ``scored``
        (item ids answered on the scale; don't know and not applicable do not count)
        covers :meth:`answers_needed` of the dimension's items their audience is asked.
        The score is then the mean of their scored items there."""
        items = self.items_for(dimension)
        asked = sum(item.asked_of(audience) for item in items)
        given = sum(item.id in scored for item in items)
        return asked > 0 and given >= self.answers_needed(asked)

    def scores_colour(self, audience: str, dimensions: Sequence[str],
                      scored: Collection[str]) -> bool:
        """Whether a respondent gets a colour score, the same rule one level up:
        ``scored`` (dimension ids they have a score on) covers :meth:`answers_needed` of
        the colour's ``dimensions`` their audience is asked about. The score is then the
        mean of their dimension scores there."""
        asked = [d for d in dimensions
                 if any(item.asked_of(audience) for item in self.items_for(d))]
        return bool(asked) and sum(d in scored for d in asked) >= self.answers_needed(len(asked))

    def describe_answers(self) -> str:
        values = f"{self.scale_min}-{self.scale_max}"
        codes = ", ".join(n.code for n in self.non_answers)
        return f"{values}, {codes} or blank" if codes else f"{values} or blank"


def read_item(sec: Section, framework: Framework | None) -> Item | None:
    """One item mapping, checked against the framework when one is given."""
    sec.check_keys(ITEM_KEYS)
    ident, dimension, text = sec.slug("id"), sec.slug("dimension"), sec.text("text")
    if dimension and framework is not None:
        known = {d.id for d in framework.dimensions}
        if dimension not in known:
            sec.problem("unknown-dimension",
                        f"{sec.where}: dimension {dimension!r} is not in framework "
                        f"{framework.id!r}{closest(dimension, known)}", "dimension")
            dimension = None
    audiences: tuple[str, ...] | None = None
    if "audiences" in sec.data:
        names = sec.text_list("audiences")
        if framework is not None:
            known_aud = {a.id for a in framework.audiences}
            for name, line in names:
                if name not in known_aud:
                    sec.log.add("unknown-audience",
                                f"{sec.where}: audience {name!r} is not in the framework"
                                f"{closest(name, known_aud)}", file=sec.file, line=line)
        audiences = tuple(name for name, _ in names)
        if not audiences:
            sec.problem("missing-field", f"{sec.where}: 'audiences' must name at least one audience",
                        "audiences")
    reverse = sec.boolean("reverse")
    if ident and dimension and text:
        return Item(ident, dimension, text, sec.text("text_children", required=False),
                    audiences, reverse)
    return None


def _read_answer_scale(top: Section) -> tuple[AnswerOption, ...]:
    options: list[AnswerOption] = []
    for sec in top.children("answer_scale", "answer"):
        sec.check_keys({"value", "label", "label_children"})
        value, label = sec.integer("value"), sec.text("label", limit=NAME_LIMIT)
        if value is not None and label is not None:
            options.append(AnswerOption(value, label, sec.text("label_children", False,
                                                               NAME_LIMIT) or label))
    values = [o.value for o in options]
    if len(options) < 2 or any(b <= a for a, b in pairwise(values)):
        top.problem("invalid-scale",
                    f"the answer scale needs two or more strictly increasing values, got {values}",
                    "answer_scale")
        return ()
    return tuple(options)


def read_questionnaire(path: Path, log: ProblemLog,
                       framework: Framework | None = None) -> Questionnaire | None:
    """Load and check a questionnaire file (against ``framework`` when given)."""
    file = str(path)
    top = load_section(path, log, SCHEMA, TOP_KEYS)
    if top is None:
        return None
    ident, name, fw = top.slug("id"), top.text("name", limit=NAME_LIMIT), top.slug("framework")
    if fw and framework is not None and fw != framework.id:
        top.problem("framework-mismatch",
                    f"questionnaire is for framework {fw!r} but the framework in use is "
                    f"{framework.id!r}", "framework")
    scale = _read_answer_scale(top)
    non_answers: list[NonAnswer] = []
    for sec in top.children("non_answers", "non-answer", required=False):
        sec.check_keys({"code", "label"})
        code, label = sec.text("code", limit=NAME_LIMIT), sec.text("label", limit=NAME_LIMIT)
        if code and label:
            non_answers.append(NonAnswer(code, label))
    fraction = 0.5
    scoring = top.mapping("scoring", required=False)
    if scoring is not None:
        ssec = Section(scoring, file, log, "scoring")
        ssec.check_keys({"min_answered_fraction"})
        value = ssec.number("min_answered_fraction", required=False)
        if value is not None and not 0 < value <= 1:
            ssec.problem("value-out-of-range",
                         f"min_answered_fraction must be above 0 and at most 1, got {value}",
                         "min_answered_fraction")
        elif value is not None:
            fraction = value
    items = _read_items(top, "items", framework)
    if not (ident and name and scale):
        return None
    return Questionnaire(ident, name, fw or "", scale, tuple(non_answers), tuple(items),
                         fraction, file)


def _read_items(top: Section, key: str, framework: Framework | None,
                taken: dict[str, str] | None = None) -> list[Item]:
    """Items under ``key``; ``taken`` maps ids already in use to where they came from."""
    taken = dict(taken or {})
    items: list[Item] = []
    for sec in top.children(key, "item", required=(key == "items")):
        item = read_item(sec, framework)
        ident = sec.data.get("id")
        if isinstance(ident, str) and ident in taken:
            sec.problem("duplicate-id", f"item id {ident!r} is already used ({taken[ident]})", "id")
            continue
        if isinstance(ident, str):
            taken[ident] = f"line {sec.line('id')} of {sec.file}"
        if item is not None:
            items.append(item)
    return items


def tailor(base: Questionnaire, spec: Node, file: str, log: ProblemLog,
           framework: Framework | None) -> Questionnaire:
    """Apply a trust's ``questionnaire:`` block (drop, reword, add) to ``base``."""
    sec = Section(spec, file, log, "questionnaire")
    sec.check_keys({"base", "drop", "reword", "add"})
    by_id = {item.id: item for item in base.items}
    dropped: set[str] = set()
    ident: str | None  # a dropped item's id below, then a reworded item's id (None when invalid)
    for ident, line in sec.text_list("drop"):
        if ident not in by_id:
            log.add("unknown-item", f"cannot drop {ident!r}: no such item in {base.id!r}"
                    f"{closest(ident, by_id)}", file=file, line=line)
        dropped.add(ident)
    reworded: dict[str, Item] = {}
    for rsec in sec.children("reword", "reworded item", required=False):
        rsec.check_keys({"id", "text", "text_children"})
        ident = rsec.slug("id")
        if ident is None:
            continue
        if ident not in by_id:
            rsec.problem("unknown-item", f"cannot reword {ident!r}: no such item in {base.id!r}"
                         f"{closest(ident, by_id)}", "id")
            continue
        item = by_id[ident]
        text = rsec.text("text", required=False) or item.text
        kids = rsec.text("text_children", required=False) or item.text_children
        reworded[ident] = replace(item, text=text, text_children=kids)
    kept = [reworded.get(i.id, i) for i in base.items if i.id not in dropped]
    taken = {i.id: f"in {base.path or base.id}" for i in kept}
    added = _read_items(sec, "add", framework, taken)
    return replace(base, items=tuple(kept + added))


def check_coverage(questionnaire: Questionnaire, framework: Framework, log: ProblemLog,
                   file: str, line: int | None = None) -> None:
    """Warn about dimensions nobody is asked about and children's items without plain wording."""
    for dim in framework.dimensions:
        if not questionnaire.items_for(dim.id):
            log.warn("dimension-without-items",
                     f"dimension {dim.id!r} has no items in questionnaire {questionnaire.id!r}; "
                     "it will show no current position", file=file, line=line)
    children = {a.id for a in framework.audiences if a.children}
    for item in questionnaire.items:
        asked_children = item.audiences is None or bool(children & set(item.audiences))
        if children and asked_children and not item.text_children:
            log.warn("missing-children-wording",
                     f"item {item.id!r} is asked of children and young people but has no "
                     "text_children; the adult wording will be used", file=file, line=line)
