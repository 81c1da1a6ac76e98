"""A trust workspace: the trust YAML (plan, targets, actions) and where to find it.

``--trust NAME`` looks for ``NAME/trust.yaml`` in each folder of the search path, in
order: the folders in ``$OWCF_TRUST_PATH`` (separated like ``$PATH``), ``./trusts``,
``./examples``, and finally the examples bundled with owcf.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from owcf.errors import OwcfError, Problem, ProblemLog, closest
from owcf.framework import Framework, read_framework
from owcf.ingest import InputFile, Source
from owcf.questionnaire import Questionnaire, check_coverage, read_questionnaire, tailor
from owcf.resources import data_dir
from owcf.yamlio import Node, NodeList, Section, check_schema, load_yaml

SCHEMA = "owcf-trust/1"
TRUST_FILE = "trust.yaml"
TRUST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

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


def resolve_reference(value: str, base_dir: Path, suffix: str = ".yaml") -> Path:
    """A YAML reference: a path if it looks like one, else a bundled file by name."""
    if value.endswith((".yaml", ".yml")) or "/" in value:
        return (base_dir / value).resolve()
    return data_dir("frameworks") / f"{value}{suffix}"


def read_trust(path: Path, log: ProblemLog) -> Trust | None:
    """Load a trust YAML file (or the ``trust.yaml`` in a workspace folder), its framework
    and tailored questionnaire; problems go to ``log``."""
    if path.is_dir():
        path = path / TRUST_FILE
    directory = path.parent
    file = str(path)
    root = check_schema(load_yaml(path, log), file, log, SCHEMA)
    if root is None:
        return None
    top = Section(root, file, log)
    top.check_keys({"schema", "id", "name", "framework", "questionnaire", "responses",
                    "introduction", "governance", "plan", "targets", "planned_actions",
                    "actions", "closing", "pseudonym_salt"})
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
    actions = _read_actions(top)
    response_files = _read_responses(top, directory)
    if not (ident and name and framework and questionnaire):
        return None
    return Trust(ident, name, directory, framework, questionnaire,
                 top.text("introduction", required=False) or "",
                 top.text("governance", required=False) or "", plan_intro, tests, targets,
                 actions_intro, focus_areas, actions, tuple(f.path for f in response_files),
                 top.text("closing", required=False) or "", response_files,
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


def _read_targets(top: Section, framework: Framework | None) -> dict[str, float]:
    node = top.mapping("targets", required=False)
    targets: dict[str, float] = {}
    if node is None or framework is None:
        return targets
    known = [d.id for d in framework.dimensions]
    lo, hi = framework.scale.minimum, framework.scale.maximum
    for key, value in node.items():
        line = node.line_of(key)
        if key not in known:
            top.log.add("unknown-dimension", f"target for {key!r}: no such dimension in framework "
                        f"{framework.id!r}{closest(str(key), known)}", file=top.file, line=line)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            top.log.add("wrong-type", f"target for {key!r} must be a number, not {value!r}",
                        file=top.file, line=line)
        elif not lo <= value <= hi:
            top.log.add("target-out-of-range", f"target for {key!r} is {value}, outside the "
                        f"framework scale {lo}-{hi}", file=top.file, line=line)
        else:
            targets[key] = float(value)
    for dim in known:
        if dim not in node:
            top.log.warn("missing-target", f"dimension {dim!r} has no target",
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


def _read_actions(top: Section) -> tuple[Action, ...]:
    actions = []
    seen: dict[int, int] = {}
    for sec in top.children("actions", "action", required=False):
        sec.check_keys({"id", "text", "due", "status", "progress"})
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
        if number is not None and text:
            actions.append(Action(number, text, due, status,
                                  sec.text("progress", required=False) or ""))
    return tuple(actions)
