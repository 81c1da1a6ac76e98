"""Shared by the ingest tests: the survey questionnaire and its hand-written exports.

``tests/fixtures/exports/`` holds the same eight responses in owcf's layout (wide and
long) and in each platform's documented export layout, written by hand; XLSX versions
are made here with openpyxl (not with owcf's own writer) from those rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from owcf.errors import ProblemLog
from owcf.ingest.pipeline import ingest
from owcf.ingest.responses import ResponseSet
from owcf.model.framework import Framework, read_framework
from owcf.model.questionnaire import Questionnaire, read_questionnaire

from .conftest import TINY_FRAMEWORK, write

EXPORTS = Path(__file__).parent / "fixtures" / "exports"

#: personal data in the fixtures: none of it may reach any output or message
PERSONAL = [
    "jane.smith@example.org", "amir.jones@example.org", "priya.patel@example.org",
    "person3@example.org", "Jane", "Smith", "Priya", "Patel", "81.2.69.16", "team-7",
    "R_1Ab2Cd3Ef4Gh5Ij", "R_0Preview0000001", "10245678901", "5c1e0a2b", "enketo.org",
    "fieldworker1", "51.7520",
]


def survey(folder: Path) -> tuple[Framework, Questionnaire, Path, Path]:
    """The tiny framework and the survey questionnaire, loaded, with their paths."""
    fw_path = write(folder / "framework.yaml", TINY_FRAMEWORK)
    q_path = EXPORTS / "questionnaire.yaml"
    log = ProblemLog()
    framework = read_framework(fw_path, log)
    questionnaire = read_questionnaire(q_path, log, framework)
    assert framework and questionnaire and not log.errors, log.problems
    return framework, questionnaire, fw_path, q_path


def read_responses(path: Path, questionnaire: Questionnaire, framework: Framework,
                   log: ProblemLog, fields: Sequence[str] = ()) -> ResponseSet | None:
    """One responses file ingested: its accepted responses (None on a file-level problem);
    the reasons for each rejected row go to ``log`` as warnings."""
    result = ingest(path, questionnaire, framework, log, fields=fields)
    if result is None:
        return None
    log.extend(result.problems())
    return result.responses


def csv_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def to_xlsx(rows: list[list[object]], path: Path, sheet: str = "Sheet1") -> Path:
    """A workbook with ``rows`` on its first worksheet, as a spreadsheet program saves it."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def microsoft_forms_xlsx(path: Path) -> Path:
    """The Microsoft Forms fixture as the XLSX Forms gives: numbers and real date cells."""
    rows: list[list[object]] = [list(r) for r in csv_rows(EXPORTS / "microsoft-forms.csv")]
    for row in rows[1:]:
        row[0] = int(str(row[0]))
        for k in (1, 2):
            row[k] = dt.datetime.strptime(str(row[k]), "%d/%m/%Y %H:%M")
    return to_xlsx(rows, path)


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
