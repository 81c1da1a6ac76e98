"""What a trust plans and finds: the tests for completing the tool, targets, evidence
from tests other than the questionnaire, focus areas and dated actions; each section of
``trust.yaml`` read and checked against the framework."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from owcf.errors import closest
from owcf.model.framework import Framework
from owcf.model.yamlio import NAME_LIMIT, Node, Section, shown

#: the tests a trust can use to gather evidence, in the wording of the seed material
TEST_KINDS = {
    "questionnaire": "Questionnaire",
    "focus_group": "Focus group",
    "scenario_workshop": "Scenario workshop",
    "week_in_the_life": "'Week in the life of' exercise",
    "existing_evidence": "Existing evidence",
    "analysis_workshop": "Analysis workshop",
}


ACTION_STATUSES = ("planned", "in_progress", "done", "cancelled")


OPEN_STATUSES = ("planned", "in_progress")


@dataclass(frozen=True)
class PlannedTest:
    """One test in the plan for completing the tool."""

    id: str
    kind: str
    name: str
    colours: tuple[str, ...]
    start: dt.date | None
    end: dt.date | None
    audiences: tuple[str, ...]
    workforce_groups: tuple[str, ...]
    other_participants: tuple[str, ...]
    notes: str = ""


@dataclass(frozen=True)
class FocusArea:
    text: str
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    number: int
    text: str
    due: dt.date | None
    status: str
    progress: str = ""
    owner: str = ""
    dimensions: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, today: dt.date) -> bool:
        """Still open after its due date."""
        return self.open and self.due is not None and self.due < today


@dataclass(frozen=True)
class Evidence:
    """Ratings of dimensions from a test other than the questionnaire."""

    id: str
    kind: str
    date: dt.date | None
    participants: str
    source: str
    notes: str
    ratings: dict[str, float]
    weight: float = 1.0
    test: str | None = None
    #: how many people the ratings stand for (a workshop's members); None when not given,
    #: and then they count as one person's judgement (docs/methods.md)
    participant_count: int | None = None


def read_plan(top: Section, framework: Framework | None
              ) -> tuple[str, tuple[PlannedTest, ...]]:
    """``plan:``: its introduction and its tests."""
    plan = top.mapping("plan")
    if plan is None:
        return "", ()
    psec = Section(plan, top.file, top.log, "plan")
    psec.check_keys({"introduction", "tests"})
    # a new workspace plans no test yet: an empty list is a warning (see trust.py)
    tests: list[PlannedTest] = []
    seen: dict[str, int] = {}
    for sec in psec.children("tests", "test", required=False):
        test = read_test(sec, framework)
        ident = sec.data.get("id")
        if isinstance(ident, str) and ident in seen:
            sec.problem("duplicate-id", f"test id {ident!r} is already used on line "
                        f"{seen[ident]}", "id")
            continue
        if isinstance(ident, str):
            seen[ident] = sec.line("id")
        if test is not None:
            tests.append(test)
    return psec.text("introduction", required=False) or "", tuple(tests)


def read_test(sec: Section, framework: Framework | None) -> PlannedTest | None:
    sec.check_keys({"id", "kind", "name", "colours", "start", "end", "participants", "notes"})
    ident, kind = sec.slug("id"), sec.slug("kind")
    if kind and kind not in TEST_KINDS:
        sec.problem("invalid-value", f"{sec.where}: kind {kind!r} is not one of "
                    f"{', '.join(TEST_KINDS)}{closest(kind, TEST_KINDS)}", "kind")
        kind = None
    start, end = sec.date("start", required=False), sec.date("end")
    if start and end and end < start:
        sec.problem("date-order", f"{sec.where}: end {end} is before start {start}", "end")
    colours: tuple[str, ...] = ()
    raw = sec.data.get("colours", "all")
    if framework is not None:
        known = [c.id for c in framework.colours]
        if raw == "all":
            colours = tuple(known)
        else:
            picked = []
            for cid, line in sec.text_list("colours"):
                if cid not in known:
                    sec.log.add("unknown-colour", f"{sec.where}: colour {cid!r} is not in the "
                                f"framework{closest(cid, known)}", file=sec.file, line=line)
                else:
                    picked.append(cid)
            colours = tuple(picked)
    audiences, groups, others = _read_participants(sec, framework)
    if ident and kind and end:
        return PlannedTest(ident, kind, sec.text("name", required=False, limit=NAME_LIMIT)
                           or TEST_KINDS[kind],
                           colours, start, end, audiences, groups, others,
                           sec.text("notes", required=False) or "")
    return None


def _read_participants(sec: Section, framework: Framework | None
                       ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    node = sec.mapping("participants")
    if node is None:
        return (), (), ()
    psec = Section(node, sec.file, sec.log, f"{sec.where} participants")
    psec.check_keys({"audiences", "workforce_groups", "others"})
    out = []
    for key, code, attr in (("audiences", "unknown-audience", "audiences"),
                            ("workforce_groups", "unknown-workforce-group", "workforce_groups")):
        known = [x.id for x in getattr(framework, attr)] if framework else None
        ids = []
        for ident, line in psec.text_list(key):
            if known is not None and ident not in known:
                sec.log.add(code, f"{psec.where}: {ident!r} is not in the framework"
                            f"{closest(ident, known)}", file=sec.file, line=line)
            else:
                ids.append(ident)
        out.append(tuple(ids))
    others = tuple(text for text, _ in psec.text_list("others"))
    return out[0], out[1], others


def _scale_values(sec: Section, node: Node, framework: Framework, what: str,
                  out_of_range: str) -> dict[str, float]:
    """A mapping of dimension id -> position on the framework scale, each entry checked."""
    known = [d.id for d in framework.dimensions]
    lo, hi = framework.scale.minimum, framework.scale.maximum
    prefix = f"{sec.where}: " if sec.where else ""
    values: dict[str, float] = {}
    for key, value in node.items():
        line = node.line_of(key)
        if key not in known:
            sec.log.add("unknown-dimension", f"{prefix}{what} for {key!r}: no such dimension in "
                        f"framework {framework.id!r}{closest(str(key), known)}",
                        file=sec.file, line=line)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            sec.log.add("wrong-type", f"{prefix}{what} for {key!r} must be a number, not "
                        f"{value!r}", file=sec.file, line=line)
        elif not lo <= value <= hi:
            sec.log.add(out_of_range, f"{prefix}{what} for {key!r} is {value}, outside the "
                        f"framework scale {lo}-{hi}", file=sec.file, line=line)
        else:
            values[str(key)] = float(value)
    return values


def read_targets(top: Section, framework: Framework | None) -> dict[str, float]:
    node = top.mapping("targets", required=False)
    if not node or framework is None:  # none set yet: one warning says so (see trust.py)
        return {}
    targets = _scale_values(top, node, framework, "target", "target-out-of-range")
    for dim in framework.dimensions:
        if dim.id not in node:
            top.log.warn("missing-target", f"dimension {dim.id!r} has no target",
                         file=top.file, line=node.line)
    return targets


def read_planned_actions(top: Section) -> tuple[str, tuple[FocusArea, ...]]:
    node = top.mapping("planned_actions", required=False)
    if node is None:
        return "", ()
    sec = Section(node, top.file, top.log, "planned_actions")
    sec.check_keys({"introduction", "focus_areas"})
    areas = []
    for fsec in sec.children("focus_areas", "focus area", required=False):
        fsec.check_keys({"text", "points"})
        text = fsec.text("text")
        if text:
            areas.append(FocusArea(text, tuple(p for p, _ in fsec.text_list("points"))))
    return sec.text("introduction", required=False) or "", tuple(areas)


def dimension_list(sec: Section, key: str, framework: Framework | None) -> tuple[str, ...]:
    """A list of dimension ids, each checked against the framework."""
    known = [d.id for d in framework.dimensions] if framework else None
    out = []
    for ident, line in sec.text_list(key):
        if known is not None and ident not in known:
            sec.log.add("unknown-dimension", f"{sec.where}: {ident!r} is not a dimension"
                        f"{closest(ident, known)}", file=sec.file, line=line)
        else:
            out.append(ident)
    return tuple(out)


def read_actions(top: Section, framework: Framework | None) -> tuple[Action, ...]:
    actions = []
    seen: dict[int, int] = {}
    for sec in top.children("actions", "action", required=False):
        sec.check_keys({"id", "text", "due", "status", "progress", "owner", "dimensions"})
        number, text, due = sec.integer("id"), sec.text("text"), sec.date("due")
        if number is not None:
            if number in seen:
                sec.problem("duplicate-id", f"action {number} is already used on line {seen[number]}",
                            "id")
            seen[number] = sec.line("id")
        status = sec.text("status", required=False) or "planned"
        if status not in ACTION_STATUSES:
            sec.problem("invalid-value", f"{sec.where}: status {status!r} is not one of "
                        f"{', '.join(ACTION_STATUSES)}{closest(status, ACTION_STATUSES)}", "status")
        dimensions = dimension_list(sec, "dimensions", framework)
        if number is not None and text:
            actions.append(Action(number, text, due, status,
                                  sec.text("progress", required=False) or "",
                                  sec.text("owner", required=False, limit=NAME_LIMIT) or "",
                                  dimensions))
    return tuple(actions)


def read_evidence(top: Section, framework: Framework | None,
                   tests: tuple[PlannedTest, ...]) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    seen: dict[str, int] = {}
    by_test = {t.id: t for t in tests}
    kinds = [k for k in TEST_KINDS if k != "questionnaire"]
    for sec in top.children("evidence", "evidence", required=False):
        sec.check_keys({"id", "test", "kind", "date", "participants", "participant_count",
                        "source", "notes", "ratings", "weight"})
        ident = sec.slug("id")
        if ident is not None:
            if ident in seen:
                sec.problem("duplicate-id", f"evidence id {ident!r} is already used on line "
                            f"{seen[ident]}", "id")
            seen[ident] = sec.line("id")
        test_id = sec.slug("test", required=False)
        kind = sec.slug("kind", required=test_id is None)
        if test_id is not None:
            if test_id not in by_test:
                sec.problem("invalid-value", f"{sec.where}: test {test_id!r} is not in the plan"
                            f"{closest(test_id, by_test)}", "test")
            elif kind is None:
                kind = by_test[test_id].kind
        if kind is not None and kind not in kinds:
            sec.problem("invalid-value", f"{sec.where}: kind {kind!r} is not one of "
                        f"{', '.join(kinds)}{closest(kind, kinds)}", "kind")
            kind = None
        when = sec.date("date")
        weight = sec.number("weight", required=False)
        if weight is not None and weight <= 0:
            sec.problem("value-out-of-range", f"{sec.where}: weight must be above 0", "weight")
            weight = None
        count = _participant_count(sec)
        ratings = _read_ratings(sec, framework)
        if ident and kind:
            out.append(Evidence(ident, kind, when, sec.text("participants", required=False) or "",
                                sec.text("source", required=False) or "",
                                sec.text("notes", required=False) or "", ratings,
                                weight or 1.0, test_id, count))
    return tuple(out)


#: more people than any trust's children's workforce (a count beyond it is a slip)
MAX_PARTICIPANTS = 1_000_000


def _participant_count(sec: Section) -> int | None:
    """``participant_count``: a whole number of at least 1. Without it the record's ratings
    count as one person's judgement, which a trust should know: a warning says so."""
    if "participant_count" not in sec.data:
        sec.log.warn("missing-participant-count", f"{sec.where}: no participant_count, so its "
                     "ratings count as one person's judgement in the current position (give "
                     "the number of people whose view they record)", file=sec.file,
                     line=sec.line())
        return None
    count = sec.integer("participant_count")
    if count is not None and not 1 <= count <= MAX_PARTICIPANTS:
        sec.problem("value-out-of-range", f"{sec.where}: participant_count must be from 1 to "
                    f"{MAX_PARTICIPANTS:,}, not {shown(count)}", "participant_count")
        return None
    return count


def _read_ratings(sec: Section, framework: Framework | None) -> dict[str, float]:
    node = sec.mapping("ratings")
    if node is None or framework is None:
        return {}
    return _scale_values(sec, node, framework, "rating", "value-out-of-range")
