"""What a platform reader hands on: the columns of an export and what each one holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf.ingest.sheet import Sheet


class Role(StrEnum):
    """What a column holds. Readers set it for the platform's own columns; the mapping
    sets it for the rest."""

    question = "question"              # not known yet: the mapping decides
    item = "item"                      # answers to one questionnaire item
    respondent_id = "respondent_id"    # the platform's id (replaced by a pseudonym)
    audience = "audience"
    workforce_group = "workforce_group"
    submitted = "submitted"
    comment = "comment"
    field = "field"                    # a respondent column kept for breakdowns
    meta = "meta"                      # platform bookkeeping: dropped
    personal = "personal"              # personal data: dropped, never output
    ignore = "ignore"                  # dropped because the mapping says so
    long_item = "long_item"            # owcf's long layout: which item a row answers
    long_answer = "long_answer"        # owcf's long layout: the answer


@dataclass
class SourceColumn:
    """One column of an export."""

    position: int                  # 0-based column index in the file
    label: str                     # how problems name it: the heading as people see it
    names: tuple[str, ...]         # everything it can be matched by: code, text, sub-question
    values: pa.ChunkedArray | pa.Array  # its data cells, header rows removed, as text
    role: Role = Role.question
    target: str | None = None      # item id or field name, once mapped
    how: str = ""                  # how the role was decided, for provenance and messages

    def letter(self) -> str:
        """The spreadsheet column letter (A, B, ..., AA)."""
        n, out = self.position + 1, ""
        while n:
            n, rem = divmod(n - 1, 26)
            out = chr(65 + rem) + out
        return out


@dataclass
class Finding:
    """One reason to reject some rows: the same code in the same column."""

    code: str
    positions: np.ndarray             # data-row positions (0-based) it applies to
    messages: Sequence[str] | str     # one per position, or one for them all
    column: SourceColumn | None = None
    cell_rows: np.ndarray | None = None  # file rows, when not the respondent's own row

    def message(self, k: int) -> str:
        return self.messages if isinstance(self.messages, str) else self.messages[k]


@dataclass
class Export:
    """An export as a reader understood it: columns with roles, data rows, row numbers."""

    file: str
    source: str                       # the layout read, e.g. "qualtrics"
    detail: str                       # e.g. "three header rows with ImportId"
    sheet: Sheet
    header_rows: int
    columns: list[SourceColumn]
    rows: np.ndarray                  # file row number of each data row (header row 1 = 1)
    blank_rows: int = 0               # wholly blank data rows, skipped and counted
    empty_columns: int = 0            # columns with no heading and no data, dropped
    findings: list[Finding] = field(default_factory=list)
    identity: list[SourceColumn] = field(default_factory=list)  # together identify a response
    date_order: str | None = None     # "dmy", "mdy" or None: how the platform writes dates
    id_heading: str | None = None     # the respondent id column the layout must have
    long: bool = False                # owcf's long layout: one row per answer

    @property
    def n(self) -> int:
        return len(self.rows)

    def by_role(self, role: Role) -> list[SourceColumn]:
        return [c for c in self.columns if c.role is role]

    def first(self, role: Role) -> SourceColumn | None:
        found = self.by_role(role)
        return found[0] if found else None


@dataclass(frozen=True)
class ExportNames:
    """How a platform's export names what owcf wrote into that platform's questionnaire
    file, where the platform could not keep owcf's own ids (LimeSurvey codes are letters
    and digits, at most 20 of them; a children's-wording question needs a name of its
    own). Keys are the names as the export writes them, compared case-insensitively."""

    #: column name -> item id, or a respondent field ("audience", "workforce_group")
    columns: dict[str, str] = field(default_factory=dict)
    #: answer code in the audience column -> audience id
    audiences: dict[str, str] = field(default_factory=dict)
    #: answer code in the workforce group column -> workforce group id
    workforce_groups: dict[str, str] = field(default_factory=dict)


Describe = Callable[[int, list[str]], tuple[str, Sequence[str], Role]]


def build_export(sheet: Sheet, source: str, detail: str, header_rows: int,
                 describe: Describe) -> Export:
    """Columns from ``sheet`` below ``header_rows`` heading rows.

    ``describe(position, headings)`` returns ``(label, names, role)`` for a column given
    its heading cells. Wholly empty data rows are dropped (and counted); so are columns
    with no heading and no data (spreadsheets save those after the last real column).
    """
    headings = [sheet.record(i) for i in range(min(header_rows, sheet.n_records))]
    data = [col.slice(header_rows) for col in sheet.columns]
    n = max(sheet.n_records - header_rows, 0)
    # a row is blank if every cell is empty: only rows still blank after one column need
    # looking at in the next, and there are few of those after the first
    blank = np.arange(n)
    for col in data:
        if not len(blank):
            break
        cells = col if len(blank) == n else col.take(pa.array(blank))
        blank = blank[pc.binary_length(cells).to_numpy(zero_copy_only=False) == 0]
    keep_column = [any(h[j].strip() for h in headings) or
                   bool(n and pc.max(pc.binary_length(col)).as_py()) for j, col in
                   enumerate(data)]
    keep = np.ones(n, dtype=bool)
    keep[blank] = False
    keep_rows = np.flatnonzero(keep)
    take = None if len(keep_rows) == n else pa.array(keep_rows)
    columns = []
    for j, col in enumerate(data):
        if not keep_column[j]:
            continue
        label, names, role = describe(j, [h[j] for h in headings])
        values = col if take is None else col.take(take)
        columns.append(SourceColumn(j, label, tuple(x for x in names if x), values, role))
    export = Export(sheet.file, source, detail, sheet, header_rows, columns,
                    keep_rows + header_rows + 1, blank_rows=n - len(keep_rows),
                    empty_columns=keep_column.count(False))
    extra = sheet.extra_cells - header_rows
    positions = np.flatnonzero(np.isin(keep_rows, extra[extra >= 0]))
    if len(positions):
        export.findings.append(Finding(
            "extra-cells", positions, "the row has more cells than the file has headings, "
            "so its cells may have shifted"))
    return export
