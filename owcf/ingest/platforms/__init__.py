"""One reader per layout. Each module has:

* ``NAME``: the ``--source`` value;
* ``score(sheet) -> int``: how sure it is that ``sheet`` is in its layout (0: not at all);
* ``read(sheet, log) -> Export | None``: the columns with the roles the platform gives
  them (its own bookkeeping, personal data, respondent id, submission time), leaving
  the questions for the mapping.

Readers follow each platform's documented export layout (see docs/formats.md).
"""

from __future__ import annotations

from types import ModuleType

from owcf.ingest.platforms import (
    google_forms,
    kobo,
    limesurvey,
    microsoft_forms,
    owcf_layout,
    qualtrics,
    surveymonkey,
)

READERS: dict[str, ModuleType] = {m.NAME: m for m in (
    owcf_layout, qualtrics, surveymonkey, google_forms, microsoft_forms, limesurvey, kobo)}
