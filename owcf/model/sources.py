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


@dataclass(frozen=True)
class ResponsesFile:
    """A responses file to ingest, and how to read it (a trust's ``responses:`` entry)."""

    path: Path
    source: str = Platform.auto.value
    mapping: Path | None = None
