"""A trust workspace: the trust YAML (plan, targets, actions) and where to find it.

``--trust NAME`` looks for ``NAME/trust.yaml`` in each folder of the search path, in
order: the folders in ``$OWCF_TRUST_PATH`` (separated like ``$PATH``), ``./trusts``,
``./examples``, and finally the examples bundled with owcf.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from owcf.errors import OwcfError, Problem, ProblemLog, closest
from owcf.framework import Framework, read_framework
from owcf.ingest import InputFile, Source
from owcf.questionnaire import Questionnaire, check_coverage, read_questionnaire, tailor
from owcf.resources import data_dir
from owcf.support import Catalogue, read_catalogue
from owcf.yamlio import Node, NodeList, Section, load_section

SCHEMA = "owcf-trust/1"
#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "id", "name", "framework", "questionnaire", "responses", "introduction",
    "governance", "plan", "targets", "planned_actions", "actions", "closing", "breakdowns",
    "population", "disclosure", "evidence", "triangulation", "support", "pseudonym_salt"
})
TRUST_FILE = "trust.yaml"
TRUST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SLUG_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")

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
class SupportRequest:
    """Support the trust asks for that is not in the catalogue."""

    title: str
    partner: str
    dimensions: tuple[str, ...]
    notes: str = ""


@dataclass(frozen=True)
class SupportChoices:
    """Which catalogue the trust draws on, the offers it accepts, and its own requests."""

    catalogue: str = "owcf-support"
    accepted: tuple[str, ...] = ()
    own: tuple[SupportRequest, ...] = ()


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


@dataclass(frozen=True)
class Population:
    """Sizes of the workforce per stratum (e.g. from the workforce census), for weighting."""

    by: str
    sizes: dict[str, float]


@dataclass(frozen=True)
class Disclosure:
    """Smallest number of respondents a published figure may rest on."""

    min_cell: int = 5
    by_audience: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Triangulation:
    """How questionnaire and other evidence combine into a current position."""

    questionnaire_weight: float = 1.0
    agreement: float = 1.0  # sources within this many scale points agree


@dataclass(frozen=True)
class Trust:
    id: str
    name: str
    directory: Path
    framework: Framework
    questionnaire: Questionnaire
    introduction: str
    governance: str
    plan_introduction: str
    tests: tuple[PlannedTest, ...]
    targets: dict[str, float]
    actions_introduction: str
    focus_areas: tuple[FocusArea, ...]
    actions: tuple[Action, ...]
    responses: tuple[Path, ...]
    closing: str = ""
    breakdowns: tuple[str, ...] = ()
    population: Population | None = None
    disclosure: Disclosure = Disclosure()
    evidence: tuple[Evidence, ...] = ()
    triangulation: Triangulation = Triangulation()
    support: SupportChoices = SupportChoices()
    catalogue: Catalogue | None = None
    #: the responses files with how to read each (platform, mapping YAML)
    response_files: tuple[InputFile, ...] = ()
    #: secret key material for pseudonymous respondent ids (see owcf.ingest.pseudonym)
    pseudonym_salt: str | None = None


def search_path() -> list[Path]:
    """The folders searched for trust workspaces, in order."""
    folders = [Path(p) for p in os.environ.get("OWCF_TRUST_PATH", "").split(os.pathsep) if p]
    folders += [Path("trusts"), Path("examples"), data_dir("examples")]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def find_workspace(name: str) -> Path:
    """The workspace folder of trust ``name``; raises OwcfError if unsafe or not found."""
    if not TRUST_NAME.match(name):
        raise OwcfError([Problem("invalid-id", f"trust name {name!r} must be a slug: lower-case "
                                 "letters, digits, '-' or '_' (no paths)")])
    for base in search_path():
        candidate = (base / name).resolve()
        # a symlinked workspace may live elsewhere; the name itself can't climb out
        if candidate.parent != base.resolve():
            continue
        if (candidate / TRUST_FILE).is_file():
            return candidate
    known = sorted({p.parent.name for b in search_path() if b.is_dir()
                    for p in b.glob(f"*/{TRUST_FILE}")})
    where = ", ".join(str(b) for b in search_path())
    raise OwcfError([Problem("file-not-found", f"no trust workspace {name!r} (looked for "
                             f"{name}/{TRUST_FILE} in {where}){closest(name, known)}")])


def list_workspaces() -> list[str]:
    """Every trust name found on the search path (the first folder holding a name wins)."""
    names: list[str] = []
    for base in search_path():
        if base.is_dir():
            for path in sorted(base.glob(f"*/{TRUST_FILE}")):
                name = path.parent.name
                if TRUST_NAME.match(name) and name not in names:
                    names.append(name)
    return names


def resolve_reference(value: str, base_dir: Path) -> Path:
    """A YAML reference: a path if it looks like one, else a bundled file by name."""
    if value.endswith((".yaml", ".yml")) or "/" in value:
        return (base_dir / value).resolve()
    return data_dir("frameworks") / f"{value}.yaml"


def read_trust(path: Path, log: ProblemLog) -> Trust | None:
    """Load a trust YAML file (or the ``trust.yaml`` in a workspace folder), its framework
    and tailored questionnaire; problems go to ``log``."""
    if path.is_dir():
        path = path / TRUST_FILE
    directory = path.parent
    file = str(path)
    top = load_section(path, log, SCHEMA, TOP_KEYS)
    if top is None:
        return None
    ident, name = top.slug("id"), top.text("name")

    framework = _load_framework(top, directory, log)
    questionnaire = _load_questionnaire(top, directory, log, framework)
    plan = top.mapping("plan")
    tests: tuple[PlannedTest, ...] = ()
    plan_intro = ""
    if plan is not None:
        psec = Section(plan, file, log, "plan")
        psec.check_keys({"introduction", "tests"})
        plan_intro = psec.text("introduction", required=False) or ""
        tests = tuple(t for t in (_read_test(s, framework) for s in psec.children("tests", "test"))
                      if t is not None)
    targets = _read_targets(top, framework)
    actions_intro, focus_areas = _read_planned_actions(top)
    actions = _read_actions(top, framework)
    response_files = _read_responses(top, directory)
    breakdowns = _read_breakdowns(top)
    population = _read_population(top, framework, breakdowns)
    disclosure = _read_disclosure(top, framework)
    evidence = _read_evidence(top, framework, tests)
    triangulation = _read_triangulation(top)
    support = _read_support(top, framework)
    catalogue = _load_catalogue(top, directory, support, framework)
    if not (ident and name and framework and questionnaire):
        return None
    return Trust(ident, name, directory, framework, questionnaire,
                 top.text("introduction", required=False) or "",
                 top.text("governance", required=False) or "", plan_intro, tests, targets,
                 actions_intro, focus_areas, actions, tuple(f.path for f in response_files),
                 top.text("closing", required=False) or "", breakdowns, population,
                 disclosure, evidence, triangulation, support, catalogue, response_files,
                 top.text("pseudonym_salt", required=False))


def _read_responses(top: Section, directory: Path) -> tuple[InputFile, ...]:
    """``responses:``: file names, or ``{file, source, mapping}`` for a platform export."""
    entries = top.data.get("responses")
    if entries is None:
        return ()
    if isinstance(entries, str):
        entries = NodeList([entries])
        entries.line, entries.item_lines = top.line("responses"), [top.line("responses")]
    if not isinstance(entries, NodeList):
        top.problem("wrong-type", "'responses' must be a list of files", "responses")
        return ()
    sources = [s.value for s in Source if s is not Source.auto]
    out = []
    for k, entry in enumerate(entries):
        line = entries.line_at(k)
        if isinstance(entry, Node):
            sec = Section(entry, top.file, top.log, "responses entry")
            sec.check_keys({"file", "source", "mapping"})
            rel, source = sec.text("file"), sec.text("source", required=False) or "auto"
            if source not in (*sources, "auto"):
                sec.problem("invalid-value", f"source {source!r} is not one of "
                            f"{', '.join(sources)}{closest(source, sources)}", "source")
                source = "auto"
            mapping_rel = sec.text("mapping", required=False)
            mapping = (directory / mapping_rel).resolve() if mapping_rel else None
            if mapping is not None and not mapping.is_file():
                sec.problem("file-not-found", f"mapping file {mapping_rel!r} does not exist in "
                            f"{directory}", "mapping")
            line = sec.line("file")
        elif isinstance(entry, (str, int, float)):
            rel, source, mapping = str(entry), "auto", None
        else:
            top.log.add("wrong-type", "each 'responses' entry must be a file name or "
                        "{file, source, mapping}", file=top.file, line=line)
            continue
        if rel is None:
            continue
        path = (directory / rel).resolve()
        if not path.is_file():
            top.log.add("file-not-found", f"responses file {rel!r} does not exist in "
                        f"{directory}", file=top.file, line=line)
        out.append(InputFile(path, source, mapping))
    return tuple(out)


def load_trust(name_or_dir: str | Path) -> Trust:
    """Find (by name) or open (by folder) a trust workspace; raise OwcfError on any problem."""
    path = name_or_dir if isinstance(name_or_dir, Path) else find_workspace(name_or_dir)
    log = ProblemLog()
    trust = read_trust(path, log)
    log.raise_if_errors()
    assert trust is not None
    return trust


def _load_framework(top: Section, directory: Path, log: ProblemLog) -> Framework | None:
    ref = top.text("framework", required=False) or "owcf"
    path = resolve_reference(ref, directory)
    if not path.is_file():
        top.problem("file-not-found", f"framework {ref!r} not found (looked for {path})",
                    "framework")
        return None
    return read_framework(path, log)


def _load_questionnaire(top: Section, directory: Path, log: ProblemLog,
                        framework: Framework | None) -> Questionnaire | None:
    spec = top.data.get("questionnaire")
    base_ref = "owcf-questionnaire"
    if isinstance(spec, str):
        base_ref, spec = spec, None
    elif isinstance(spec, Node) and isinstance(spec.get("base"), str):
        base_ref = spec["base"]
    elif spec is not None and not isinstance(spec, Node):
        top.problem("wrong-type", "'questionnaire' must name a questionnaire or tailor one",
                    "questionnaire")
        spec = None
    path = resolve_reference(base_ref, directory)
    if not path.is_file():
        top.problem("file-not-found", f"questionnaire {base_ref!r} not found (looked for {path})",
                    "questionnaire")
        return None
    base = read_questionnaire(path, log, framework)
    if base is None:
        return None
    if isinstance(spec, Node):
        base = tailor(base, spec, top.file, log, framework)
    if framework is not None:
        check_coverage(base, framework, log, top.file, top.line("questionnaire"))
    return base


def _read_test(sec: Section, framework: Framework | None) -> PlannedTest | None:
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
        return PlannedTest(ident, kind, sec.text("name", required=False) or TEST_KINDS[kind],
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


def _read_targets(top: Section, framework: Framework | None) -> dict[str, float]:
    node = top.mapping("targets", required=False)
    if node is None or framework is None:
        return {}
    targets = _scale_values(top, node, framework, "target", "target-out-of-range")
    for dim in framework.dimensions:
        if dim.id not in node:
            top.log.warn("missing-target", f"dimension {dim.id!r} has no target",
                         file=top.file, line=node.line)
    return targets


def _read_planned_actions(top: Section) -> tuple[str, tuple[FocusArea, ...]]:
    node = top.mapping("planned_actions", required=False)
    if node is None:
        return "", ()
    sec = Section(node, top.file, top.log, "planned_actions")
    sec.check_keys({"introduction", "focus_areas"})
    areas = []
    for fsec in sec.children("focus_areas", "focus area"):
        fsec.check_keys({"text", "points"})
        text = fsec.text("text")
        if text:
            areas.append(FocusArea(text, tuple(p for p, _ in fsec.text_list("points"))))
    return sec.text("introduction", required=False) or "", tuple(areas)


def _dimension_list(sec: Section, key: str, framework: Framework | None) -> tuple[str, ...]:
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


def _read_actions(top: Section, framework: Framework | None) -> tuple[Action, ...]:
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
        dimensions = _dimension_list(sec, "dimensions", framework)
        if number is not None and text:
            actions.append(Action(number, text, due, status,
                                  sec.text("progress", required=False) or "",
                                  sec.text("owner", required=False) or "", dimensions))
    return tuple(actions)


def _load_catalogue(top: Section, directory: Path, choices: SupportChoices,
                    framework: Framework | None) -> Catalogue | None:
    """The support catalogue the trust draws on; accepted offers must be in it."""
    path = resolve_reference(choices.catalogue, directory)
    explicit = "support" in top.data
    if not path.is_file():
        if explicit:
            top.problem("file-not-found", f"support catalogue {choices.catalogue!r} not found "
                        f"(looked for {path})", "support")
        return None
    log = ProblemLog()
    catalogue = read_catalogue(path, log, framework)
    if not explicit and any(p.code == "framework-mismatch" for p in log.problems):
        return None  # the bundled catalogue serves the bundled framework only
    top.log.extend(log.problems)
    if catalogue is not None:
        offers = [o.id for o in catalogue.offers]
        node = top.data.get("support")
        line = node.line_of("accepted") if isinstance(node, Node) else top.line("support")
        for ident in choices.accepted:
            if ident not in offers:
                top.log.add("invalid-value", f"support: accepted offer {ident!r} is not in "
                            f"catalogue {catalogue.id!r}{closest(ident, offers)}",
                            file=top.file, line=line)
    return catalogue


def _read_support(top: Section, framework: Framework | None) -> SupportChoices:
    node = top.mapping("support", required=False)
    if node is None:
        return SupportChoices()
    sec = Section(node, top.file, top.log, "support")
    sec.check_keys({"catalogue", "accepted", "own"})
    own = []
    for rsec in sec.children("own", "support request", required=False):
        rsec.check_keys({"title", "partner", "dimensions", "notes"})
        title = rsec.text("title")
        dims = _dimension_list(rsec, "dimensions", framework)
        if title:
            own.append(SupportRequest(title, rsec.text("partner", required=False) or "", dims,
                                      rsec.text("notes", required=False) or ""))
    return SupportChoices(sec.text("catalogue", required=False) or "owcf-support",
                          tuple(ident for ident, _ in sec.text_list("accepted")), tuple(own))


#: respondent fields every responses file may carry; a trust adds its own as breakdowns
STANDARD_BREAKDOWNS = ("audience", "workforce_group")


def _read_breakdowns(top: Section) -> tuple[str, ...]:
    """Extra categorical respondent columns the trust analyses by (locality, role...)."""
    out: list[str] = []
    for name, line in top.text_list("breakdowns"):
        if not SLUG_COLUMN.match(name):
            top.log.add("invalid-id", f"breakdown column {name!r} must be a lower-case slug",
                        file=top.file, line=line)
        elif name in STANDARD_BREAKDOWNS or name in out:
            top.log.add("duplicate-id", f"breakdown {name!r} is already a respondent field",
                        file=top.file, line=line)
        else:
            out.append(name)
    return tuple(out)


def _read_population(top: Section, framework: Framework | None,
                     breakdowns: tuple[str, ...]) -> Population | None:
    node = top.mapping("population", required=False)
    if node is None:
        return None
    sec = Section(node, top.file, top.log, "population")
    sec.check_keys({"by", "sizes", "source"})
    by = sec.slug("by")
    columns = (*STANDARD_BREAKDOWNS, *breakdowns)
    if by and by not in columns:
        sec.problem("invalid-value", f"population 'by' must be one of {', '.join(columns)}", "by")
        by = None
    sizes_node = sec.mapping("sizes")
    sizes: dict[str, float] = {}
    if sizes_node is not None and by:
        known = None
        if framework is not None and by == "audience":
            known = [a.id for a in framework.audiences]
        elif framework is not None and by == "workforce_group":
            known = [g.id for g in framework.workforce_groups]
        for key, value in sizes_node.items():
            line = sizes_node.line_of(key)
            if known is not None and key not in [*known, "not_stated"]:
                top.log.add("unknown-workforce-group" if by == "workforce_group" else "unknown-audience",
                            f"population size for {key!r}: not a {by} of the framework"
                            f"{closest(str(key), known)}", file=top.file, line=line)
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                top.log.add("value-out-of-range", f"population size for {key!r} must be a "
                            f"positive number, not {value!r}", file=top.file, line=line)
            else:
                sizes[str(key)] = float(value)
    return Population(by, sizes) if by and sizes else None


def _read_disclosure(top: Section, framework: Framework | None) -> Disclosure:
    node = top.mapping("disclosure", required=False)
    if node is None:
        return Disclosure()
    sec = Section(node, top.file, top.log, "disclosure")
    sec.check_keys({"min_cell", "min_cell_by_audience"})
    base = sec.integer("min_cell", required=False) or 5
    if base < 1:
        sec.problem("value-out-of-range", "min_cell must be at least 1", "min_cell")
        base = 5
    by_audience: dict[str, int] = {}
    aud = sec.mapping("min_cell_by_audience", required=False)
    known = [a.id for a in framework.audiences] if framework else []
    for key, value in (aud or {}).items():
        line = aud.line_of(key)  # type: ignore[union-attr]
        if framework is not None and key not in known:
            top.log.add("unknown-audience", f"min_cell_by_audience: {key!r} is not an audience"
                        f"{closest(str(key), known)}", file=top.file, line=line)
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            top.log.add("value-out-of-range", f"min_cell for {key!r} must be a whole number "
                        "of at least 1", file=top.file, line=line)
        else:
            by_audience[str(key)] = value
    return Disclosure(base, by_audience)


def _read_triangulation(top: Section) -> Triangulation:
    node = top.mapping("triangulation", required=False)
    if node is None:
        return Triangulation()
    sec = Section(node, top.file, top.log, "triangulation")
    sec.check_keys({"questionnaire_weight", "agreement"})
    weight = sec.number("questionnaire_weight", required=False)
    agreement = sec.number("agreement", required=False)
    for key, value in (("questionnaire_weight", weight), ("agreement", agreement)):
        if value is not None and value < 0:
            sec.problem("value-out-of-range", f"{key} must not be negative", key)
    return Triangulation(weight if weight is not None and weight >= 0 else 1.0,
                         agreement if agreement is not None and agreement >= 0 else 1.0)


def _read_evidence(top: Section, framework: Framework | None,
                   tests: tuple[PlannedTest, ...]) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    seen: dict[str, int] = {}
    by_test = {t.id: t for t in tests}
    kinds = [k for k in TEST_KINDS if k != "questionnaire"]
    for sec in top.children("evidence", "evidence", required=False):
        sec.check_keys({"id", "test", "kind", "date", "participants", "source", "notes",
                        "ratings", "weight"})
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
        ratings = _read_ratings(sec, framework)
        if ident and kind:
            out.append(Evidence(ident, kind, when, sec.text("participants", required=False) or "",
                                sec.text("source", required=False) or "",
                                sec.text("notes", required=False) or "", ratings,
                                weight or 1.0, test_id))
    return tuple(out)


def _read_ratings(sec: Section, framework: Framework | None) -> dict[str, float]:
    node = sec.mapping("ratings")
    if node is None or framework is None:
        return {}
    return _scale_values(sec, node, framework, "rating", "value-out-of-range")
