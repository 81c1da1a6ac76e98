"""What ``owcf ingest`` writes: normalised responses, rejects and provenance, in memory.

* ``NAME.responses.csv``: owcf's wide layout (docs/formats.md), accepted responses
  only, pseudonymous ids, answers as scale values and non-answer codes;
* ``NAME.rejects.csv``: every rejected row with its file row, pseudonym, reason codes and
  messages, and its cells (personal data and platform ids left out);
* ``NAME.provenance.json``: the source file's SHA-256, detected layout and encoding,
  what each column was taken to be, and the reconciliation counts.

CSV is UTF-8 with a byte-order mark, so Excel shows accented letters, and text a
spreadsheet would run as a formula is neutralised. The same input gives the same bytes:
nothing depends on the clock unless ``SOURCE_DATE_EPOCH`` is set.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf import __version__
from owcf.files import FORMULA_START, source_date_epoch, spreadsheet_safe
from owcf.ingest.export import Role
from owcf.ingest.ingested import Ingested, rank
from owcf.ingest.personal import redact_array
from owcf.ingest.sheet import cell_bytes

if TYPE_CHECKING:
    from owcf.ingest.responses import ResponseSet

PROVENANCE_SCHEMA = "1"
BOM = "\ufeff".encode()
_FORMULA = "^[" + re.escape("".join(FORMULA_START)) + "]"
_NEEDS_QUOTES = r'[",\r\n]'


def _cells(values: pa.ChunkedArray | pa.Array, untrusted: bool) -> pa.Array:
    """CSV-ready text: neutralised if ``untrusted`` (free text), quoted where needed.

    Only free text is searched for quotes, commas and line breaks: ids, codes and times
    are owcf's own and never hold them.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not untrusted:
        return values
    values = redact_array(values)  # a stray email address in any cell goes no further
    values = pc.if_else(pc.match_substring_regex(values, _FORMULA),
                        pc.binary_join_element_wise("'", values, ""), values)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(values, _NEEDS_QUOTES), quoted, values)


def _quoted(text: str) -> str:
    """One cell as the csv module writes it (minimal quoting)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()


def csv_bytes(columns: list[tuple[str, pa.ChunkedArray | pa.Array, bool]],
              headings: Sequence[str] | None = None) -> bytes:
    """A CSV file from ``(heading, text cells, untrusted)`` columns, built without a loop
    over rows: the bytes Python's csv module would write (minimal quoting, ``\\n``).

    ``headings``, if given, replace the columns' own: for columns whose cells already
    hold several CSV fields.
    """
    head = io.StringIO()
    names = headings if headings is not None else [h for h, _, _ in columns]
    csv.writer(head, lineterminator="\n").writerow([spreadsheet_safe(h) for h in names])
    if not columns or not len(columns[0][1]):
        return BOM + head.getvalue().encode("utf-8")
    parts = [_cells(values, untrusted) for _, values, untrusted in columns]
    if sum(pc.sum(pc.binary_length(p)).as_py() or 0 for p in parts) + 2 * len(parts) * \
            len(parts[0]) >= 1 << 31:  # past 2 GiB, strings need 64-bit offsets
        parts = [pc.cast(p, pa.large_string()) for p in parts]
    parts[-1] = pc.binary_join_element_wise(parts[-1], pa.scalar("\n"), "")  # end each line
    lines = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, ",")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    # the lines sit end to end in the array's data buffer: that buffer is the file body
    ends, raw = cell_bytes(lines)
    return BOM + head.getvalue().encode("utf-8") + raw[ends[0]:ends[-1]].tobytes()


def _text(values: np.ndarray) -> pa.Array:
    """Text cells from an object array (None and NaN become blank)."""
    return pc.fill_null(pa.array(values, type=pa.string(), from_pandas=True), "")


def responses_csv(result: Ingested) -> bytes:
    """The accepted responses in owcf's wide layout."""
    rs = result.responses
    people = rs.respondents
    n = len(people)
    kept = np.flatnonzero(~result.rejected_mask)
    ids = result.pseudonyms if len(kept) == len(result.keys) else \
        result.pseudonyms.take(pa.array(kept))
    if "submitted" in people:  # Arrow writes "2009-01-23 13:06:57"; ISO 8601 wants the T
        stamps = pa.array(people["submitted"].to_numpy().astype("datetime64[s]"))
        submitted = pc.fill_null(pc.replace_substring(pc.cast(stamps, pa.string()), " ", "T",
                                                      max_replacements=1), "")
    else:
        submitted = pa.array([""] * n, pa.string())
    columns: list[tuple[str, pa.ChunkedArray | pa.Array, bool]] = [
        ("respondent_id", ids, False),
        ("audience", _text(people["audience"].to_numpy(dtype=object)), False),
        ("workforce_group", _text(people["workforce_group"].to_numpy(dtype=object)), False),
        ("submitted", submitted, False)]
    for name in result.plan.fields:
        columns.append((name, _text(people[name].to_numpy(dtype=object)), True))
    headings = [h for h, _, _ in columns]
    columns += _answer_fields(rs)
    headings += [item.id for item in rs.questionnaire.items]
    comments = rs.comments.to_numpy(dtype=object) if rs.comments is not None else \
        np.full(n, "", dtype=object)
    columns.append(("comment", _text(comments), True))
    return csv_bytes(columns, [*headings, "comment"])


# combinations of answers written as one text, at most
ANSWER_TEXTS = 4096


def _answer_fields(rs: ResponseSet) -> list[tuple[str, pa.Array, bool]]:
    """The answers as CSV text, a few items to a column: an answer is one of a handful
    of labels, so each combination of a few items' answers is one text, made once and
    looked up per row (joining 40 million cells one by one took seconds)."""
    labels = ["", *(_quoted(c) for c in rs.questionnaire.categories)]
    k = len(labels)
    items = rs.questionnaire.items
    # k ** per texts per column: no more than there are rows, nor than ANSWER_TEXTS
    texts_at_most = max(k, min(ANSWER_TEXTS, len(rs)))
    per = max(1, int(math.log(texts_at_most) / math.log(k) + 1e-9))
    out = []
    for start in range(0, len(items), per):
        group = items[start:start + per]
        code = np.zeros(len(rs), dtype=np.int32)
        for j, item in enumerate(group):  # answer j is digit j, base k
            code += rs.answers[item.id].to_numpy().astype(np.int32) * k**j
        texts = pa.array([",".join(labels[v // k**j % k] for j in range(len(group)))
                          for v in range(k ** len(group))], pa.string())
        out.append((",".join(i.id for i in group), pc.take(texts, pa.array(code)), False))
    return out


def rejects_csv(result: Ingested) -> bytes:
    """Every rejected row of the file with all its reasons, personal data left out."""
    hidden = {Role.personal, Role.respondent_id}
    ids = {id(c) for c in result.plan.identity}
    kept = [c for c in result.export.columns if c.role not in hidden and id(c) not in ids]
    positions = np.flatnonzero(result.rejected_mask[result.source_response])
    responses = result.source_response[positions]
    rejected, codes, details = _reasons(result)
    group = pa.array(np.searchsorted(rejected, responses))
    take = pa.array(positions, pa.int64())
    return csv_bytes([
        ("row", pc.cast(pa.array(result.export.rows[positions]), pa.string()), False),
        ("respondent_id", result.pseudonyms.take(pa.array(responses)), False),
        ("reasons", codes.take(group), False),
        ("details", details.take(group), True),
        *((c.label, c.values.take(take), True) for c in kept)])


def _reasons(result: Ingested) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """The rejected responses (ascending), and for each its reason codes (each once) and
    their details, most fundamental first, then in the order they were found."""
    names = sorted({f.code for f in result.findings})
    response, reason, order_of, found, within, texts = [], [], [], [], [], []
    for number, finding in enumerate(result.findings):
        n = len(finding.positions)
        where = f"column {finding.column.label!r}: " if finding.column else ""
        if isinstance(finding.messages, str):
            text = pa.array([where + finding.messages]).take(pa.array(np.zeros(n, np.int64)))
        else:
            text = pc.binary_join_element_wise(where, pa.array(list(finding.messages),
                                                               pa.string()), "")
        response.append(finding.positions)
        reason.append(np.full(n, names.index(finding.code)))
        order_of.append(np.full(n, rank(finding.code)))
        found.append(np.full(n, number))
        within.append(np.arange(n))
        texts.append(text)
    if not texts:
        empty = pa.array([], pa.string())
        return np.zeros(0, np.int64), empty, empty
    response_, reason_ = np.concatenate(response), np.concatenate(reason)
    order = np.lexsort((np.concatenate(within), np.concatenate(found),
                        np.concatenate(order_of), response_))
    response_, reason_ = response_[order], reason_[order]
    starts = np.flatnonzero(np.diff(response_, prepend=-1) != 0)
    offsets = pa.array(np.append(starts, len(order)).astype(np.int32))
    all_texts = pa.concat_arrays([t.combine_chunks() if isinstance(t, pa.ChunkedArray) else t
                                  for t in texts]).take(pa.array(order))
    details = pc.binary_join(pa.ListArray.from_arrays(offsets, all_texts), " | ")
    # each code once: its first place among the response's sorted reasons
    _, first = np.unique(response_ * len(names) + reason_, return_index=True)
    first = np.sort(first)
    per = np.add.reduceat(np.isin(np.arange(len(order)), first), starts)
    code_offsets = pa.array(np.append(0, np.cumsum(per)).astype(np.int32))
    code_texts = pa.array(names).take(pa.array(reason_[first]))
    codes = pc.binary_join(pa.ListArray.from_arrays(code_offsets, code_texts), "; ")
    return response_[starts], codes, details


def provenance(result: Ingested, outputs: dict[str, str]) -> dict[str, object]:
    """The provenance record (see docs/formats.md)."""
    export, sheet = result.export, result.export.sheet
    mapping = result.mapping
    moment = source_date_epoch()
    generated = moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
    q = result.everyone.questionnaire
    return {
        "schema_version": PROVENANCE_SCHEMA,
        "owcf_version": __version__,
        "generated": generated,
        # the file's name only: a full path can carry a person's user name
        "source": {"file": Path(export.file).name, "sha256": sheet.sha256, "bytes": sheet.size,
                   "format": export.source, "layout": export.detail,
                   "encoding": sheet.encoding, "delimiter": sheet.delimiter,
                   "worksheet": sheet.sheet_name, "heading_rows": export.header_rows,
                   "date_order": result.date_order if result.plan.submitted else None},
        "questionnaire": q.id, "items": len(q.items),
        "mapping": None if mapping is None else {"file": Path(mapping.file).name,
                                                 "sha256": mapping.sha256},
        "columns": [{"column": c.letter(), "heading": c.label, "role": c.role.value,
                     "target": c.target, "how": c.how} for c in export.columns],
        "missing_items": list(result.plan.missing_items),
        "personal_data": {"columns_dropped": result.plan.dropped(export)["personal"],
                          "comments_redacted": result.comments_redacted},
        "pseudonyms": {"method": "SipHash-2-4 (64 bits) keyed from the salt and platform",
                       "salt": result.salt},
        "counts": result.counts(),
        "outputs": outputs,
    }


def render(result: Ingested, stem: str) -> dict[str, bytes]:
    """All three files for one ingested export, keyed by file name."""
    names = {"responses": f"{stem}.responses.csv", "rejects": f"{stem}.rejects.csv",
             "provenance": f"{stem}.provenance.json"}
    record = provenance(result, {k: v for k, v in names.items() if k != "provenance"})
    return {names["responses"]: responses_csv(result),
            names["rejects"]: rejects_csv(result),
            names["provenance"]: (json.dumps(record, indent=2, ensure_ascii=False) + "\n")
            .encode("utf-8")}
