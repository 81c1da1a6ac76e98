"""Which layout a file is in: each platform scores the sheet, the surest wins."""

from __future__ import annotations

from owcf.errors import ProblemLog
from owcf.ingest.export import Export
from owcf.ingest.platforms import PLATFORMS
from owcf.ingest.sheet import Sheet
from owcf.model.sources import Platform


def detect(sheet: Sheet) -> str | None:
    """The name of the layout ``sheet`` is in, or None if no platform recognises it."""
    scores = {name: reader.score(sheet) for name, reader in PLATFORMS.items()}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] > 0 else None


def read_export(sheet: Sheet, source: str, log: ProblemLog) -> Export | None:
    """The export read by the platform for ``source`` (``auto``: the detected one)."""
    name = detect(sheet) if source == Platform.auto else source
    if name is None:
        first = ", ".join(repr(c) for c in sheet.record(0)[:4]) if sheet.n_records else ""
        log.add("unknown-format", "cannot tell which survey platform wrote this file (first "
                f"headings: {first}); give --source "
                f"{'|'.join(Platform.names())}, or use owcf's "
                "layout (a respondent_id column; see docs/formats.md)", file=sheet.file, row=1)
        return None
    return PLATFORMS[name].read(sheet, log)
