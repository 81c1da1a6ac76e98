"""Ingest survey-platform exports into owcf's responses, losing nothing on the way.

The pipeline, one module per step:

* :mod:`~owcf.ingest.sheet` reads a CSV or XLSX file as text cells, detecting the
  encoding and the delimiter;
* :mod:`~owcf.ingest.detect` recognises the platform layout, and a reader in
  :mod:`owcf.ingest.readers` says what each column is (platform bookkeeping, personal
  data, respondent id, a question...);
* :mod:`~owcf.ingest.mapping` maps columns to questionnaire items and respondent fields,
  and answers to the answer scale (by id, by normalised text, or by a mapping YAML);
* :mod:`~owcf.ingest.reconcile` checks every row and either accepts it or rejects it
  with all its reasons, replacing platform ids by pseudonyms;
* :mod:`~owcf.ingest.write` renders the normalised responses, the rejects file and the
  provenance record.

:func:`owcf.ingest.pipeline.ingest` runs them all. This package's ``__init__`` stays
light (the command line imports :class:`Source` for its ``--help``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Source(StrEnum):
    """The layouts ``owcf ingest --source`` accepts; ``auto`` detects one."""

    auto = "auto"
    owcf = "owcf"
    qualtrics = "qualtrics"
    surveymonkey = "surveymonkey"
    google_forms = "google-forms"
    microsoft_forms = "microsoft-forms"
    limesurvey = "limesurvey"
    kobo = "kobo"


@dataclass(frozen=True)
class InputFile:
    """A responses file to ingest, and how to read it (a trust's ``responses:`` entry)."""

    path: Path
    source: str = Source.auto.value
    mapping: Path | None = None
