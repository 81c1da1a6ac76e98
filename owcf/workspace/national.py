"""The national picture from many trusts' results packages: read -> pool -> report -> write.

Every package is checked; problems (unreadable, breaking the schema, duplicate, foreign
framework or questionnaire) are listed with the file and JSON path and the package left
out. With ``strict``, any problem stops the run before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from owcf.errors import OwcfError, Problem, Severity
from owcf.files import source_date_epoch, write_files

#: what ``owcf national`` can write
FORMATS = ("html", "md", "json", "csv", "parquet")


@dataclass(frozen=True)
class NationalRun:
    """What a national run wrote, and what it found wrong with the packages."""

    paths: tuple[Path, ...]
    problems: tuple[Problem, ...]
    files: int
    pooled: int
    left_out: dict[str, int]
    #: packages of trusts' earlier rounds: their trends' baselines, not pooled
    earlier: int = 0


def national(paths: Sequence[Path], out: Path, formats: Sequence[str] = FORMATS,
             strict: bool = False, jobs: int = 1) -> NationalRun:
    """Read every package under ``paths``, pool the accepted ones and write the national
    report into ``out``. Problems are warnings, or with ``strict`` errors that stop the
    run (nothing written); no package to pool is an error."""
    from owcf.national.figures import national_figures
    from owcf.national.read import survey
    from owcf.national.render import render_national

    produced = source_date_epoch()
    found = survey(paths, jobs)
    if strict and found.problems:
        raise OwcfError(found.problems)
    problems = [replace(p, severity=Severity.WARNING) for p in found.problems]
    if not found.accepted or found.layout is None:
        raise OwcfError([*found.problems, Problem(
            "no-packages", f"none of the {found.files} package files could be pooled")])
    day = produced.date().isoformat() if produced else None
    result = national_figures(found.layout, found.accepted, found, found.disclosures, day)
    files = render_national(result, found.layout, found.accepted, formats, day,
                            list(zip(found.previous, found.rounds, strict=True)))
    written = write_files(files, out)
    return NationalRun(tuple(written), tuple(problems), found.files, len(found.accepted),
                       dict(found.left_out), found.earlier)
