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

A platform that can import a questionnaire file also implements
:class:`QuestionnaireWriter`, beside its reader, so that what it writes and what it
reads back stay in one module: ``FORMAT`` (the ``owcf questionnaire --to`` value),
``SUFFIX``, ``PER_AUDIENCE``, ``write(form) -> bytes`` and ``export_names(questionnaire,
framework)``, the names its exports give to what owcf wrote where it could not keep
owcf's ids. It is a protocol of its own, not optional members of
:class:`SurveyPlatform`: Google Forms, Microsoft Forms and SurveyMonkey have no import
file, and a separate registry (:data:`WRITERS`) keeps both typed with no ``getattr``.
"""

from __future__ import annotations

from typing import Protocol

from owcf.errors import ProblemLog
from owcf.ingest.export import Export, ExportNames
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
from owcf.model.form import Form
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
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


class QuestionnaireWriter(Protocol):
    """What a platform that imports a questionnaire file provides, beside its reader."""

    @property
    def NAME(self) -> Platform: ...  # the platform whose exports come back

    @property
    def FORMAT(self) -> str: ...  # the ``owcf questionnaire --to`` value

    @property
    def SUFFIX(self) -> str: ...  # the file's suffix, with its dot

    @property
    def PER_AUDIENCE(self) -> bool: ...  # one file per audience (no routing possible)

    def write(self, form: Form) -> bytes: ...

    def export_names(self, questionnaire: Questionnaire, framework: Framework
                     ) -> ExportNames: ...


#: the questionnaire files owcf writes for a platform, by ``--to`` value
WRITERS: dict[str, QuestionnaireWriter] = {m.FORMAT: m for m in (kobo, limesurvey, qualtrics,
                                                                  owcf_layout)}


def export_names(source: str, questionnaire: Questionnaire, framework: Framework
                 ) -> ExportNames:
    """The names an export from ``source`` gives to what owcf wrote for that platform
    (nothing for a platform owcf does not write for)."""
    for writer in WRITERS.values():
        if source == writer.NAME:
            return writer.export_names(questionnaire, framework)
    return ExportNames()
