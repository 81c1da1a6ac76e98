"""Check frameworks, questionnaires, trust YAML and responses CSVs against each other.

Every problem in every file is collected in one pass; nothing stops at the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from owcf.errors import Problem, ProblemLog, Severity
from owcf.model.framework import SCHEMA as FRAMEWORK_SCHEMA
from owcf.model.framework import Framework, read_framework
from owcf.model.questionnaire import SCHEMA as QUESTIONNAIRE_SCHEMA
from owcf.model.questionnaire import Questionnaire, check_coverage, read_questionnaire
from owcf.model.sources import MAX_CELLS, ResponsesFile
from owcf.model.support import SCHEMA as SUPPORT_SCHEMA
from owcf.model.support import read_catalogue
from owcf.model.trust import SCHEMA as TRUST_SCHEMA
from owcf.model.trust import TRUST_FILE, Trust, read_trust
from owcf.resources import default_framework_path, default_questionnaire_path, resolve_reference

if TYPE_CHECKING:  # pandas and pyarrow load only when responses are read
    from owcf.ingest.ingested import Ingested

MAPPING_SCHEMA = "owcf-mapping/1"  # owcf.ingest.mapping.SCHEMA, without importing pyarrow
KINDS = {FRAMEWORK_SCHEMA: "framework", QUESTIONNAIRE_SCHEMA: "questionnaire",
         TRUST_SCHEMA: "trust", MAPPING_SCHEMA: "mapping", SUPPORT_SCHEMA: "support"}
FILE_SUFFIXES = (".yaml", ".yml", ".csv", ".tsv", ".txt", ".xlsx")
#: at most this many problems of one code are listed per responses file; the rest counted
MAX_LISTED = 200


@dataclass
class ValidationReport:
    """What was checked and what is wrong with it."""

    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def to_dict(self) -> dict[str, object]:
        errors = sum(p.severity == "error" for p in self.problems)
        return {"valid": self.ok, "files": self.files, "errors": errors,
                "warnings": len(self.problems) - errors,
                "problems": [p.to_dict() for p in self.problems]}


def kind_of(path: Path) -> str:
    """'framework', 'questionnaire', 'trust', 'mapping', 'responses', 'workspace' or
    'unknown'."""
    if path.is_dir():
        return "workspace"
    if path.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx"}:
        return "responses"
    if path.suffix.lower() in {".yaml", ".yml"}:
        try:
            with path.open(encoding="utf-8-sig") as handle:
                for line in handle:  # the schema line, without parsing a possibly broken file
                    if line.startswith("schema:"):
                        return KINDS.get(line.split(":", 1)[1].strip().strip("'\""), "unknown")
        except (OSError, UnicodeDecodeError):
            return "unknown"
        return "trust" if path.name == TRUST_FILE else "unknown"
    return "unknown"


def _framework_for(ref: str | None, base: Path, given: Framework | None,
                   read: dict[Path, Framework | None]) -> Framework | None:
    """The framework a questionnaire is checked against: one given, else the one it names
    (each file read once, into ``read``)."""
    if given is not None:
        return given
    path = (resolve_reference(ref, base) if ref else default_framework_path()).resolve()
    if path not in read:
        read[path] = read_framework(path, ProblemLog()) if path.is_file() else None
    return read[path]


def validate_paths(paths: list[Path], max_cells: int = MAX_CELLS) -> ValidationReport:
    """Validate the given files and workspace folders together (``max_cells`` bounds what
    an XLSX responses file may expand to)."""
    from owcf.ingest.mapping import read_mapping

    report = ValidationReport()
    log = ProblemLog()
    expanded = _expand(paths)
    for path in paths:
        if path.is_dir() and not any(p.parent == path or p == path for p in expanded):
            log.add("file-not-found", f"nothing to check: no {TRUST_FILE}, YAML or responses "
                    "files in this folder", file=str(path))
    kinds = [(p, kind_of(p)) for p in expanded]
    framework: Framework | None = None
    frameworks: dict[Path, Framework | None] = {}
    for path, kind in kinds:
        if not path.exists():
            log.add("file-not-found", "no such file or folder", file=str(path))
        elif kind == "framework":
            framework = read_framework(path, log) or framework
            report.files.append(str(path))
    # responses given beside questionnaires are read against the last one read
    responses_against: tuple[Questionnaire, Framework] | None = None
    for path, kind in kinds:
        if kind != "questionnaire" or not path.exists():
            continue
        fw = _framework_for(_peek(path, "framework"), path.parent, framework, frameworks)
        questionnaire = read_questionnaire(path, log, fw)
        if questionnaire is not None and fw is not None:
            check_coverage(questionnaire, fw, log, str(path))
            responses_against = (questionnaire, fw)
        report.files.append(str(path))
    for path, kind in kinds:
        if not path.exists() or kind not in {"trust", "workspace"}:
            continue
        trust_file = path / TRUST_FILE if kind == "workspace" else path
        if not trust_file.is_file():
            log.add("file-not-found", f"{path} is not a trust workspace (it has no {TRUST_FILE})",
                    file=str(path))
            continue
        trust = read_trust(trust_file, log)
        report.files.append(str(trust_file))
        if trust is None:
            continue
        responses_against = responses_against or (trust.questionnaire, trust.framework)
        errors = len(log.errors)
        ingested: list[Ingested | None] = []
        for entry in trust.response_files:
            if entry.path.is_file():
                ingested.append(_check_responses(replace(entry, max_cells=max_cells),
                                                 trust.questionnaire, trust.framework, log,
                                                 trust.breakdowns, trust.pseudonym_salt))
                report.files.append(str(entry.path))
        if len(log.errors) == errors and len(ingested) == len(trust.response_files):
            _check_priorities(trust, [r for r in ingested if r is not None], log)
    for path, kind in kinds:
        if kind != "mapping" or not path.exists():
            continue
        responses_against = responses_against or _defaults(log)
        if responses_against is not None:
            read_mapping(path, responses_against[0], responses_against[1], (), log)
            report.files.append(str(path))
    for path, kind in kinds:
        if kind != "support" or not path.exists():
            continue
        ref = _peek(path, "framework")
        read_catalogue(path, log, _framework_for(ref, path.parent, framework, frameworks))
        report.files.append(str(path))
    for path, kind in kinds:
        if not path.exists() or kind not in {"responses", "unknown"}:
            continue
        if kind == "unknown":
            log.add("unknown-file-kind", "expected a framework, questionnaire, trust, mapping "
                    "or support catalogue YAML (with a 'schema:' line), a responses file or a "
                    "folder", file=str(path))
            continue
        responses_against = responses_against or _defaults(log)
        if responses_against is None:
            continue
        _check_responses(ResponsesFile(path, max_cells=max_cells), responses_against[0],
                         responses_against[1], log)
        report.files.append(str(path))
    report.problems = log.problems
    return report


def _check_responses(entry: ResponsesFile, questionnaire: Questionnaire, framework: Framework,
                     log: ProblemLog, fields: Sequence[str] = (), salt: str | None = None
                     ) -> Ingested | None:
    """Ingest one responses file; every rejected row is an error in ``log``: at most
    :data:`MAX_LISTED` of each code, and a count of the rest."""
    from owcf.ingest.pipeline import ingest

    result = ingest(entry.path, questionnaire, framework, log, source=entry.source,
                    mapping=entry.mapping, fields=fields, salt=salt,
                    max_cells=entry.max_cells)
    if result is None:
        return None
    log.extend(result.problems(Severity.ERROR, limit=MAX_LISTED))
    for code, count in sorted(result.reason_totals().items()):
        if count > MAX_LISTED:
            log.add("too-many-problems", f"{count - MAX_LISTED} more {code} problems not listed",
                    file=result.file)
    return result


def _check_priorities(trust: Trust, results: list[Ingested], log: ProblemLog) -> None:
    """A warning for each top-priority gap that no action addresses, worked out from the
    responses just read exactly as ``owcf gaps`` works it out."""
    from owcf.ingest.pipeline import combine
    from owcf.stats.analysis import analyse
    from owcf.stats.positions import current_positions

    responses = combine(results, trust.questionnaire)
    analysis = analyse(responses, trust.framework, (), trust.disclosure.min_cell,
                       tuple(str(r.file) for r in results),
                       min_cell_by_audience=trust.disclosure.by_audience,
                       breakdowns=trust.breakdowns)
    gaps = current_positions(analysis, trust)
    file = str(trust.directory / TRUST_FILE)
    line = _line_of(trust.directory / TRUST_FILE, "actions")
    for p in gaps.without_action():
        log.warn("priority-without-action", f"priority {p.rank} of the top {gaps.top}, "
                 f"{p.name!r} (gap {p.gap:.2f} to its target), has no action: add one under "
                 f"'actions:' with dimensions: [{p.id}]", file=file, line=line)


def _line_of(path: Path, key: str) -> int | None:
    """The line of a top-level ``key:`` in a YAML file (None if it has none)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), None)


def _expand(paths: list[Path]) -> list[Path]:
    """A folder without trust.yaml stands for the YAML and responses files in it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not (path / TRUST_FILE).is_file():
            out += sorted(p for p in path.iterdir() if p.is_file()
                          and p.suffix.lower() in FILE_SUFFIXES)
        else:
            out.append(path)
    return out


def _defaults(log: ProblemLog) -> tuple[Questionnaire, Framework] | None:
    """owcf's bundled questionnaire and framework, for files given without any."""
    framework = read_framework(default_framework_path(), log)
    questionnaire = read_questionnaire(default_questionnaire_path(), log, framework)
    return None if framework is None or questionnaire is None else (questionnaire, framework)


def _peek(path: Path, key: str) -> str | None:
    """The top-level ``key`` of a YAML file if it parses; None otherwise."""
    try:
        # the C parser where present, as in owcf.model.yamlio: this is a second read of the file
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None
