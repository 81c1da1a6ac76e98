"""Problems with user input, and the one exception that carries them.

Every problem has a stable ``code`` (grep-able by CI scripts, groupable by JSON
consumers), a location (file plus YAML line or CSV row/column) and a message.
The catalogue below is the public list of codes; tests check that every code
raised is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: code -> one-line meaning. Codes are stable: add new ones, never rename.
CATALOGUE: dict[str, str] = {
    # files
    "file-not-found": "A file named on the command line or in YAML does not exist.",
    "file-unreadable": "A file exists but could not be read or decoded.",
    "unknown-file-kind": "A file is neither framework, questionnaire, trust YAML nor responses CSV.",
    # YAML structure
    "empty-file": "A YAML file is empty or holds only comments or null.",
    "yaml-syntax": "The YAML is malformed (tabs, bad indentation, unclosed quotes...).",
    "duplicate-key": "A YAML mapping repeats a key; the later value would silently win.",
    "missing-field": "A required field is absent or empty.",
    "unknown-key": "A key the schema does not define (often a typo).",
    "wrong-type": "A value has the wrong type (text where a list was expected...).",
    "invalid-id": "An id is not a lower-case slug ([a-z][a-z0-9_-]*).",
    "duplicate-id": "Two things of the same kind share an id.",
    "wrong-schema": "The `schema:` key names another kind or version of file.",
    # cross references
    "unknown-dimension": "A reference names a dimension the framework does not have.",
    "unknown-colour": "A reference names a colour the framework does not have.",
    "unknown-audience": "A reference names an audience the framework does not have.",
    "unknown-workforce-group": "A reference names a workforce group the framework does not have.",
    "unknown-perspective": "A dimension names a perspective the framework does not have.",
    "unknown-item": "A reference names a questionnaire item that does not exist.",
    "unknown-level": "Level descriptors name a level the scale does not have.",
    "missing-level": "A dimension lacks a descriptor for a scale level.",
    "framework-mismatch": "The questionnaire was written for another framework.",
    # values
    "invalid-scale": "A scale is too short, has duplicate values, or is not increasing.",
    "value-out-of-range": "A number lies outside its allowed range.",
    "invalid-value": "A value is not one of the allowed choices.",
    "too-long": "A text or id is longer than any page or chart can show (see docs/formats.md).",
    "target-out-of-range": "A target position lies outside the framework scale.",
    "invalid-date": "A date does not parse as YYYY-MM-DD.",
    "date-order": "An end date falls before its start date.",
    "dimension-without-items": "A framework dimension has no questionnaire items, so it cannot be scored.",
    "missing-children-wording": "An item shown to children has no plain-language wording.",
    "missing-target": "A dimension has no target position.",
    "missing-participant-count": "An evidence record does not say how many people its ratings stand for.",
    "priority-without-action": "A top-priority gap to target has no action that addresses it.",
    # responses CSV
    "missing-column": "A required CSV column is absent.",
    "unknown-column": "A CSV column is neither an item nor a known respondent field.",
    "duplicate-column": "Two CSV columns have the same heading.",
    "personal-data-column": "A CSV column holds personal data; it is ignored and never output.",
    "missing-value": "A required CSV cell is blank.",
    "invalid-answer": "A CSV answer is not on the answer scale nor a recorded non-answer.",
    "duplicate-respondent": "Two CSV rows share a respondent id.",
    "item-not-routed": "A respondent answered an item their audience is not asked.",
    "no-responses": "A responses file has no data rows.",
    "too-many-problems": "Further problems of one code in one file were counted, not listed.",
    # ingesting survey-platform exports
    "unknown-format": "A responses file is in no layout owcf can detect or read (see --source).",
    "ambiguous-column": "A column matches several targets, or several columns map to one target.",
    "extra-cells": "A row holds more cells than the file has headings.",
    "input-too-large": "A zip-based input (XLSX) would expand beyond the limits (see --max-cells).",
    "test-response": "The survey platform marks a response as a preview, test or spam.",
    "not-approved": "The survey platform's reviewers marked a response not approved.",
    "response-on-hold": "The survey platform's reviewers put responses on hold: counted, with "
                        "a warning.",
    "no-answers": "A response answers no questionnaire item at all, not even don't know.",
    "too-few-answers": "A partial response answers fewer items than the minimum on every dimension.",
    "duplicate-answer": "A long-layout file answers the same item twice for one respondent.",
    "inconsistent-respondent": "A long-layout file gives one respondent two values for one field.",
    "output-exists": "owcf will not overwrite a file you may have edited.",
    # starting an assessment: new workspaces and questionnaire files
    "empty-section": "A section of trust.yaml is still empty, as `owcf init` left it.",
    "answered-twice": "A row answers one item in two columns (its adult and children's wording).",
    "platform-limit": "A survey platform would refuse a name or code the questionnaire needs.",
    # results packages read by owcf national
    "json-syntax": "A JSON file is malformed (or holds NaN or Infinity, which JSON has not).",
    "invalid-package": "A results package breaks its JSON Schema or contradicts itself.",
    "foreign-framework": "A results package's framework differs from most packages' (content hash).",
    "foreign-questionnaire": "A results package's questionnaire differs from most packages' (content hash).",
    "duplicate-package": "Two or more results packages come from the same trust and assessment period.",
    "no-packages": "No results package could be pooled (none given, or every one was left out).",
    "output-not-writable": "An output cannot be written (a file where a folder must be, no "
                           "permission, no space); nothing is written.",
    # progress between rounds
    "no-baseline": "The trust names no earlier round (baselines:) to measure progress from.",
    "unknown-round": "A round named (as --since) is not one of the trust's baselines.",
    "baseline-scale": "A baseline's framework or answer scale differs from this round's.",
    # disclosure control
    "crossing-outside-pattern": "A breakdown crosses fields the data set's suppression pattern "
                                "does not cross (list it under 'crossings:' in trust.yaml): "
                                "read with the runs by each field, withheld figures may be "
                                "worked out.",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one place in one file."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:  # a programming error, not a user one
            raise ValueError(f"problem code {self.code!r} is not in the catalogue")

    @property
    def location(self) -> str:
        """``file:line`` for YAML, ``file:row N, column C`` for CSV."""
        parts = [self.file or "owcf"]  # a problem with no file is about the command itself
        if self.line is not None:
            parts.append(str(self.line))
        place = ":".join(parts)
        csv_bits = []
        if self.row is not None:
            csv_bits.append(f"row {self.row}")
        if self.column is not None:
            csv_bits.append(f"column {self.column!r}")
        if csv_bits:
            place += ": " + ", ".join(csv_bits)
        return place

    def __str__(self) -> str:
        level = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.location}: {level}{self.code}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "file": self.file,
            "line": self.line,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class OwcfError(Exception):
    """A user-facing failure: bad data, bad config, or a failed check (exit status 1)."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("file-unreadable", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class ProblemLog:
    """Collects problems during one pass so users see all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, message: str, **where: object) -> None:
        self.problems.append(Problem(code, message, **where))  # type: ignore[arg-type]

    def warn(self, code: str, message: str, **where: object) -> None:
        self.problems.append(Problem(code, message, severity=Severity.WARNING, **where))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise OwcfError(self.problems)


def closest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest candidate, or ''."""
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
