"""The survey platforms, one module each, behind one interface (:class:`SurveyPlatform`).

A platform module has:

* ``NAME``: its :class:`~owcf.model.sources.Platform`, the ``--source`` value;
* ``score(sheet) -> int``: how sure it is that ``sheet`` is its export (0: not at all);
* ``read(sheet, log) -> Export | None``: the columns with the roles the platform gives
  them (its own bookkeeping, personal data, respondent id, submission time), leaving
  the questions for :mod:`owcf.ingest.columns`.

Readers follow each platform's documented export layout (see docs/formats.md). To add a
platform: name it in :class:`~owcf.model.sources.Platform`, write its module here, and
list it in :data:`PLATFORMS`; ``tests/test_layering.py`` checks every name has one.
"""

from __future__ import annotations

from typing import Protocol

from owcf.errors import ProblemLog
from owcf.ingest.export import Export
from owcf.ingest.platforms import (
    google_forms,
    kobo,
    limesurvey,
    microsoft_forms,
    owcf_layout,
    qualtrics,
    surveymonkey,
)
from owcf.ingest.sheet import Sheet
from owcf.model.sources import Platform


class SurveyPlatform(Protocol):
    """What every platform module provides (a module satisfies it by its functions)."""

    @property
    def NAME(self) -> Platform: ...  # a module constant, read-only

    def score(self, sheet: Sheet) -> int: ...

    def read(self, sheet: Sheet, log: ProblemLog) -> Export | None: ...


#: every platform by name, in the order detection breaks ties
PLATFORMS: dict[str, SurveyPlatform] = {m.NAME: m for m in (
    owcf_layout, qualtrics, surveymonkey, google_forms, microsoft_forms, limesurvey, kobo)}
