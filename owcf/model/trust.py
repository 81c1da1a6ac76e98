"""A trust's ``trust.yaml`` as a whole: who the trust is, which framework and tailored
questionnaire it uses, its responses files, and its settings (breakdowns, population
sizes, disclosure thresholds, triangulation, support). The plan, targets, evidence and
actions are read by :mod:`owcf.model.plan`; finding a workspace by name is
:mod:`owcf.model.workspaces`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from owcf.errors import ProblemLog, closest
from owcf.model.framework import Framework, read_framework
from owcf.model.plan import (
    Action,
    Evidence,
    FocusArea,
    PlannedTest,
    dimension_list,
    read_actions,
    read_evidence,
    read_plan,
    read_planned_actions,
    read_targets,
)
from owcf.model.questionnaire import Questionnaire, check_coverage, read_questionnaire, tailor
from owcf.model.sources import Platform, ResponsesFile
from owcf.model.support import Catalogue, read_catalogue
from owcf.model.yamlio import NAME_LIMIT, Node, NodeList, Section, finite, load_section, shown
from owcf.resources import resolve_reference

SCHEMA = "owcf-trust/1"


#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "id", "name", "framework", "questionnaire", "responses", "introduction",
    "governance", "plan", "targets", "planned_actions", "actions", "closing", "breakdowns",
    "crossings", "population", "disclosure", "evidence", "triangulation", "support",
    "pseudonym_salt", "status", "assessment_period", "contact", "provenance", "round",
    "baselines"
})

#: a report's status, as a statistical release gives it: a draft may still change
STATUSES = ("draft", "final")

#: where a part of the trust's data came from: collected for real, made by a program, or
#: written by hand as an example
ORIGINS = ("real", "synthetic", "illustrative")

#: the parts of trust.yaml and its responses whose origin a trust may declare
PROVENANCE_PARTS = ("responses", "targets", "evidence", "population", "actions")


TRUST_FILE = "trust.yaml"


#: the sections `owcf init` leaves empty for the trust to fill in, with what goes there: one
#: still empty is a warning (deleting a section that does not apply silences it)
TO_FILL_IN = {
    "introduction": "say what the self-assessment is for and who leads it",
    "governance": "describe how the trust governs workforce development",
    "responses": "list the survey exports here once the questionnaire has run",
    "population.sizes": "give the workforce's size per group for --weights population",
    "plan.introduction": "say how the trust will complete the tool",
    "plan.tests": "list the tests (questionnaires, focus groups, workshops) with their dates "
                  "and participants",
    "targets": "set where the trust wants to be on each dimension",
    "evidence": "record the ratings from workshops, focus groups and existing evidence",
    "planned_actions.introduction": "introduce the areas the trust will focus on",
    "planned_actions.focus_areas": "list the areas the trust will focus on",
    "actions": "list the actions with their owners and due dates",
    "closing": "add a closing paragraph for the report",
}


SLUG_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")


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
class Population:
    """Sizes of the workforce per stratum (e.g. from the workforce census), for weighting."""

    by: str
    sizes: dict[str, float]
    source: str = ""


@dataclass(frozen=True)
class Disclosure:
    """Smallest number of respondents a published figure may rest on."""

    min_cell: int = 5
    by_audience: dict[str, int] = field(default_factory=dict)


def threshold_problem(value: int) -> str | None:
    """Why a trust may not set ``value`` as a disclosure threshold (None: it may). A
    threshold of 2 protects nothing: a figure withheld as fewer than 2 is 1. (The
    library accepts it; a trust's settings and the command line do not.)"""
    if value == 2:
        return ("cannot be 2: a figure withheld as fewer than 2 is 1, so nothing would be "
                "protected (use 1 to publish every figure, or 3 or more)")
    return None


@dataclass(frozen=True)
class Triangulation:
    """How questionnaire and other evidence combine into a current position."""

    questionnaire_weight: float = 1.0
    agreement: float = 1.0  # sources within this many scale points agree


@dataclass(frozen=True)
class Provenance:
    """Where each part of the data came from (``real``, ``synthetic`` or ``illustrative``),
    so a report can say plainly when its figures are not real."""

    responses: str = "real"
    targets: str = "real"
    evidence: str = "real"
    population: str = "real"
    actions: str = "real"
    note: str = ""

    def not_real(self) -> dict[str, str]:
        """The parts that are synthetic or illustrative, in PROVENANCE_PARTS order."""
        return {part: getattr(self, part) for part in PROVENANCE_PARTS
                if getattr(self, part) != "real"}


@dataclass(frozen=True)
class Baseline:
    """An earlier round of the assessment to measure progress from: a results package
    from ``owcf share`` or the earlier round's workspace folder (exactly one is set)."""

    round: str
    package: Path | None
    workspace: Path | None
    #: where trust.yaml names it, for messages about it
    file: str
    line: int

    @property
    def path(self) -> Path:
        found = self.package or self.workspace
        assert found is not None  # read_baselines sets one
        return found


@dataclass(frozen=True)
class Trust:
    """A trust workspace, read and checked: everything ``trust.yaml`` says."""

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
    closing: str = ""
    breakdowns: tuple[str, ...] = ()
    #: crossings of respondent fields the trust publishes besides audience × workforce
    #: group, each as its fields (their groups join the data set's suppression pattern)
    crossings: tuple[tuple[str, ...], ...] = ()
    population: Population | None = None
    disclosure: Disclosure = Disclosure()
    evidence: tuple[Evidence, ...] = ()
    triangulation: Triangulation = Triangulation()
    support: SupportChoices = SupportChoices()
    catalogue: Catalogue | None = None
    #: the responses files with how to read each (platform, mapping YAML)
    response_files: tuple[ResponsesFile, ...] = ()
    #: secret key material for pseudonymous respondent ids (see owcf.ingest.pseudonym)
    pseudonym_salt: str | None = None
    #: the report's status: draft or final
    status: str = "draft"
    #: the assessment period as given (None: from the plan's tests, see ``period``)
    assessment_period: tuple[dt.date, dt.date] | None = None
    #: who to ask about the report
    contact: str = ""
    provenance: Provenance = Provenance()
    #: this round's name as given (None: the year the assessment period ends, see
    #: ``round_name``)
    round: str | None = None
    #: earlier rounds to measure progress from, in the order trust.yaml lists them
    baselines: tuple[Baseline, ...] = ()

    @property
    def round_name(self) -> str:
        """This round's name: as given, else the year its assessment period ends."""
        if self.round is not None:
            return self.round
        period = self.period
        return str(period[1].year) if period else "current"

    @property
    def responses(self) -> tuple[Path, ...]:
        """The responses files' paths."""
        return tuple(f.path for f in self.response_files)

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The assessment period: as given, else from the first to the last date of the
        plan's tests (None with no dated test)."""
        if self.assessment_period is not None:
            return self.assessment_period
        dates = [d for t in self.tests for d in (t.start, t.end) if d is not None]
        return (min(dates), max(dates)) if dates else None


def read_trust(path: Path, log: ProblemLog) -> Trust | None:
    """Load a trust YAML file (or the ``trust.yaml`` in a workspace folder), its framework
    and tailored questionnaire; problems go to ``log``."""
    if path.is_dir():
        path = path / TRUST_FILE
    directory = path.parent
    top = load_section(path, log, SCHEMA, TOP_KEYS)
    if top is None:
        return None
    ident, name = top.slug("id"), top.text("name", limit=NAME_LIMIT)

    framework = _load_framework(top, directory, log)
    questionnaire = _load_questionnaire(top, directory, log, framework)
    plan_intro, tests = read_plan(top, framework)
    targets = read_targets(top, framework)
    actions_intro, focus_areas = read_planned_actions(top)
    actions = read_actions(top, framework)
    response_files = _read_responses(top, directory)
    breakdowns = _read_breakdowns(top)
    crossings = _read_crossings(top, breakdowns)
    population = _read_population(top, framework, breakdowns)
    disclosure = _read_disclosure(top, framework)
    evidence = read_evidence(top, framework, tests)
    triangulation = _read_triangulation(top)
    support = _read_support(top, framework)
    catalogue = _load_catalogue(top, directory, support, framework)
    _still_empty(top)
    status = _read_status(top)
    period = _read_period(top)
    provenance = _read_provenance(top)
    round_name = top.text("round", required=False)
    baselines = _read_baselines(top, directory, round_name)
    if not (ident and name and framework and questionnaire):
        return None
    return Trust(
        id=ident, name=name, directory=directory, framework=framework,
        questionnaire=questionnaire,
        introduction=top.text("introduction", required=False) or "",
        governance=top.text("governance", required=False) or "",
        plan_introduction=plan_intro, tests=tests, targets=targets,
        actions_introduction=actions_intro, focus_areas=focus_areas, actions=actions,
        closing=top.text("closing", required=False) or "", breakdowns=breakdowns,
        crossings=crossings, population=population, disclosure=disclosure, evidence=evidence,
        triangulation=triangulation, support=support, catalogue=catalogue,
        response_files=response_files,
        pseudonym_salt=top.text("pseudonym_salt", required=False), status=status,
        assessment_period=period, contact=top.text("contact", required=False) or "",
        provenance=provenance, round=round_name, baselines=baselines)


def _read_baselines(top: Section, directory: Path, current: str | None
                    ) -> tuple[Baseline, ...]:
    """``baselines:``: earlier rounds, each ``{round, package}`` (a results package file)
    or ``{round, workspace}`` (an earlier round's workspace folder); files must exist,
    rounds differ from each other and from this round."""
    out: list[Baseline] = []
    for sec in top.children("baselines", "baseline", required=False):
        sec.check_keys({"round", "package", "workspace"})
        name = sec.text("round")
        package, workspace = sec.text("package", required=False), sec.text(
            "workspace", required=False)
        if package is not None and workspace is not None:
            sec.problem("invalid-value", f"baseline {name!r}: give a package or a workspace, "
                        "not both", "workspace")
            continue
        if package is None and workspace is None:
            sec.problem("missing-field", f"baseline {name!r}: give the earlier round as "
                        "'package: FILE' (from owcf share) or 'workspace: FOLDER'")
            continue
        if name is None:
            continue
        if name == current or any(b.round == name for b in out):
            sec.problem("duplicate-id", f"baseline round {name!r} is named twice (or is this "
                        "round)", "round")
            continue
        key = "package" if package is not None else "workspace"
        rel = package if package is not None else workspace
        assert rel is not None
        path = (directory / rel).resolve()
        exists = path.is_file() if package is not None else (path / TRUST_FILE).is_file()
        if not exists:
            wanted = "file" if package is not None else f"folder with a {TRUST_FILE}"
            sec.problem("file-not-found", f"baseline {name!r}: {key} {rel!r} is no {wanted} "
                        f"(looked for {path})", key)
            continue
        out.append(Baseline(name, path if package is not None else None,
                            path if workspace is not None else None, top.file,
                            sec.line(key)))
    return tuple(out)


def _read_status(top: Section) -> str:
    """``status``: draft (the default: nothing is final until the trust says so) or final."""
    status = top.text("status", required=False) or "draft"
    if status not in STATUSES:
        top.problem("invalid-value", f"status {status!r} is not one of {', '.join(STATUSES)}"
                    f"{closest(status, STATUSES)}", "status")
        return "draft"
    return status


def _read_period(top: Section) -> tuple[dt.date, dt.date] | None:
    """``assessment_period: {start, end}``, both dates, end not before start."""
    node = top.mapping("assessment_period", required=False)
    if node is None:
        return None
    sec = Section(node, top.file, top.log, "assessment_period")
    sec.check_keys({"start", "end"})
    start, end = sec.date("start"), sec.date("end")
    if start is None or end is None:
        return None
    if end < start:
        sec.problem("date-order", f"assessment_period: end {end} is before start {start}", "end")
        return None
    return start, end


def _read_provenance(top: Section) -> Provenance:
    """``provenance``: for each part, real (default), synthetic or illustrative; a note."""
    node = top.mapping("provenance", required=False)
    if node is None:
        return Provenance()
    sec = Section(node, top.file, top.log, "provenance")
    sec.check_keys({*PROVENANCE_PARTS, "note"})
    origins: dict[str, str] = {}
    for part in PROVENANCE_PARTS:
        origin = sec.text(part, required=False)
        if origin is None:
            continue
        if origin not in ORIGINS:
            sec.problem("invalid-value", f"provenance: {part} {origin!r} is not one of "
                        f"{', '.join(ORIGINS)}{closest(origin, ORIGINS)}", part)
        else:
            origins[part] = origin
    return Provenance(**origins, note=sec.text("note", required=False) or "")


def _still_empty(top: Section) -> None:
    """A warning for each section of :data:`TO_FILL_IN` that is there but still empty."""
    for path, what in TO_FILL_IN.items():
        *parents, key = path.split(".")
        node: object = top.data
        for parent in parents:
            node = node.get(parent) if isinstance(node, Node) else None
        if isinstance(node, Node) and key in node and _empty(node[key]):
            top.log.warn("empty-section", f"{path!r} is still empty: {what}, or delete it if "
                         "it does not apply", file=top.file, line=node.line_of(key))


def _empty(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, dict)) and not value)


def _read_responses(top: Section, directory: Path) -> tuple[ResponsesFile, ...]:
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
    sources = Platform.names()
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
        out.append(ResponsesFile(path, source, mapping))
    return tuple(out)


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
        title = rsec.text("title", limit=NAME_LIMIT)
        dims = dimension_list(rsec, "dimensions", framework)
        if title:
            own.append(SupportRequest(title, rsec.text("partner", required=False,
                                                       limit=NAME_LIMIT) or "", dims,
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


def _read_crossings(top: Section, breakdowns: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """``crossings:``: each a list of two or more respondent fields (audience, workforce
    group, the trust's breakdowns) whose crossed groups the trust publishes."""
    entries = top.seq("crossings", required=False)
    if entries is None:
        return ()
    fields = (*STANDARD_BREAKDOWNS, *breakdowns)
    out: list[tuple[str, ...]] = []
    seen: set[frozenset[str]] = set()
    for i, entry in enumerate(entries):
        line = entries.line_at(i)
        if not isinstance(entry, list) or any(isinstance(x, (dict, list)) or x is None
                                              for x in entry):
            top.log.add("wrong-type", f"crossing {i + 1} must be a list of respondent fields, "
                        "such as [locality, audience]", file=top.file, line=line)
            continue
        names = tuple(str(x) for x in entry)
        unknown = [n for n in names if n not in fields]
        if unknown:
            top.log.add("invalid-value", f"crossing {i + 1} names {', '.join(map(repr, unknown))}:"
                        f" cross {', '.join(fields)} (a trust declares more under 'breakdowns:')",
                        file=top.file, line=line)
        elif len(names) < 2 or len(set(names)) != len(names):
            top.log.add("invalid-value", f"crossing {i + 1} must name two or more different "
                        f"fields, not {', '.join(names) or 'none'}", file=top.file, line=line)
        elif frozenset(names) in seen:
            top.log.add("duplicate-id", f"crossing {i + 1} ({' × '.join(names)}) is listed "
                        "already", file=top.file, line=line)
        else:
            seen.add(frozenset(names))
            # (audience × workforce group is in every data set's pattern already)
            if set(names) != set(STANDARD_BREAKDOWNS):
                out.append(names)
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
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not (finite(value) or 0) > 0:
                top.log.add("value-out-of-range", f"population size for {key!r} must be a "
                            f"positive number, not {shown(value)}", file=top.file, line=line)
            else:
                sizes[str(key)] = float(value)
    return Population(by, sizes, sec.text("source", required=False) or "") if by and sizes else None


def _read_disclosure(top: Section, framework: Framework | None) -> Disclosure:
    node = top.mapping("disclosure", required=False)
    if node is None:
        return Disclosure()
    sec = Section(node, top.file, top.log, "disclosure")
    sec.check_keys({"min_cell", "min_cell_by_audience"})
    given = sec.integer("min_cell", required=False)
    base = 5 if given is None else given
    if base < 1:
        sec.problem("value-out-of-range", "min_cell must be at least 1", "min_cell")
        base = 5
    elif (problem := threshold_problem(base)) is not None:
        sec.problem("value-out-of-range", f"min_cell {problem}", "min_cell")
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
        elif (problem := threshold_problem(value)) is not None:
            top.log.add("value-out-of-range", f"min_cell for {key!r} {problem}",
                        file=top.file, line=line)
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
