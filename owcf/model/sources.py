"""Where a trust's responses come from: the survey platforms owcf reads, by name, and one
``responses:`` entry of ``trust.yaml`` (a file, its platform, its mapping YAML).

The names live here, light and at the bottom, because ``trust.yaml`` and ``--source``
are checked against them before anything is read; the platforms themselves (how each
export is read) are in :mod:`owcf.ingest.platforms`, one per name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Platform(StrEnum):
    """The layouts ``--source`` and a ``responses:`` entry accept; ``auto`` detects one."""

    auto = "auto"
    owcf = "owcf"
    qualtrics = "qualtrics"
    surveymonkey = "surveymonkey"
    google_forms = "google-forms"
    microsoft_forms = "microsoft-forms"
    limesurvey = "limesurvey"
    kobo = "kobo"

    @classmethod
    def names(cls) -> list[str]:
        """Every platform a file can be read as (``auto`` is not one)."""
        return [p.value for p in cls if p is not cls.auto]


#: the most cells a zip-based input (XLSX) may hold unless a command's --max-cells says
#: more; its parts may expand to at most :data:`BYTES_PER_CELL` bytes for each, and
#: :data:`BYTES_BESIDES` for the rest of the workbook (styles, theme): 336 MB
MAX_CELLS = 5_000_000
BYTES_PER_CELL = 64
BYTES_BESIDES = 16_000_000


def expansion_limit(max_cells: int) -> int:
    """The most bytes the parts of an XLSX of ``max_cells`` cells may expand to."""
    return BYTES_BESIDES + BYTES_PER_CELL * max_cells


@dataclass(frozen=True)
class ResponsesFile:
    """A responses file to ingest, and how to read it (a trust's ``responses:`` entry;
    ``max_cells`` from the command line)."""

    path: Path
    source: str = Platform.auto.value
    mapping: Path | None = None
    max_cells: int = MAX_CELLS
