"""Tidy tables for the national body's own analysts (R, Excel, Power BI): CSV and Parquet.

Three tables, one row per trust (``trusts``), per trust, question and answer category
(``questions``) and per trust and dimension or colour (``dimensions``); and, where trusts
sent an earlier round, one row per such trust and dimension or colour compared
(``changes``: the change since its previous round as ``owcf progress`` gives it). They carry trust
ids and no disclosure control beyond what protected packages applied (a count a trust
withheld is empty, and ``withheld`` is true): they are NOT FOR PUBLICATION, and say so in
a comment line at the top of each CSV and in each Parquet file's metadata (key ``owcf``).
Text cells a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

from owcf.files import spreadsheet_safe
from owcf.national.pool import POSITION_FIELDS, SCORE_FIELDS, Layout, TrustFigures
from owcf.progress.rounds import Round

NOTICE = ("NOT FOR PUBLICATION: figures for each trust, named by its id, for the national "
          "body's own analysis under its data-sharing agreements; the national body does not "
          "make judgements on trusts or share these outside it.")


def _text(values: Sequence[Any]) -> Any:
    """A string column (dictionary-encoded where it repeats), formula-safe."""
    import pyarrow as pa

    return pa.array([None if v is None else str(spreadsheet_safe(str(v))) for v in values],
                    type=pa.string())


def _coded(codes: np.ndarray, labels: Sequence[Any]) -> Any:
    """A repeated string column: ``labels[codes]``, without a Python object per row. The
    dictionary holds each label once (first seen first): Parquet writes a dictionary with
    repeats differently from run to run."""
    import pyarrow as pa

    position: dict[Any, int] = {}
    for label in labels:
        position.setdefault(label, len(position))
    unique = list(position)
    remap = np.array([position[label] for label in labels], dtype=np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(remap[codes] if len(codes) else
                                                   codes.astype(np.int32)), _text(unique))


def _numbers(values: np.ndarray) -> Any:
    import pyarrow as pa

    return pa.array(values, mask=np.isnan(values), type=pa.float64())


def tables(trusts: Sequence[TrustFigures], layout: Layout) -> dict[str, Any]:
    """The three tables as pyarrow tables."""
    import pyarrow as pa

    ids = [t.header.trust for t in trusts]
    starts = [t.header.period[0] for t in trusts]
    ends = [t.header.period[1] for t in trusts]
    out = {"trusts": pa.table({
        "trust_id": _text(ids),
        "trust_name": _text([t.header.name for t in trusts]),
        "period_start": _text(starts), "period_end": _text(ends),
        "kind": _text([t.header.kind for t in trusts]),
        "file": _text([t.header.file for t in trusts]),
        "respondents": pa.array([t.respondents for t in trusts], type=pa.int64()),
        "response_rate": pa.array([t.response_rate for t in trusts], type=pa.float64()),
    })}
    items = layout.items
    categories = list(layout.categories)
    size, width, count = len(items), len(categories), len(trusts)
    per_trust = size * width
    trust_codes = np.repeat(np.arange(count), per_trust)
    item_codes = np.tile(np.repeat(np.arange(size), width), count)
    category_codes = np.tile(np.arange(width), size * count)
    colour_of = {d["id"]: d["colour"] for d in layout.framework["dimensions"]}
    counts = (np.stack([t.counts for t in trusts]).reshape(-1) if trusts else np.zeros(0))
    out["questions"] = pa.table({
        "trust_id": _coded(trust_codes, ids),
        "period_start": _coded(trust_codes, starts),
        "period_end": _coded(trust_codes, ends),
        "question": _coded(item_codes, [i["id"] for i in items]),
        "dimension": _coded(item_codes, [i["dimension"] for i in items]),
        "colour": _coded(item_codes, [colour_of[i["dimension"]] for i in items]),
        "category": _coded(category_codes, categories),
        "count": _numbers(counts).cast(pa.int64()),
        "withheld": pa.array(np.isnan(counts)),
    })
    units = ([("dimension", d["id"], d["colour"]) for d in layout.framework["dimensions"]]
             + [("colour", c["id"], c["id"]) for c in layout.framework["colours"]])
    rows = len(units)
    trust_codes = np.repeat(np.arange(count), rows)
    unit_codes = np.tile(np.arange(rows), count)
    scores = np.stack([t.scores for t in trusts]) if trusts else np.zeros((0, rows, len(SCORE_FIELDS)))
    positions = (np.stack([t.positions for t in trusts]) if trusts
                 else np.zeros((0, rows, len(POSITION_FIELDS))))
    columns = {
        "trust_id": _coded(trust_codes, ids),
        "period_start": _coded(trust_codes, starts),
        "period_end": _coded(trust_codes, ends),
        "scope": _coded(unit_codes, [u[0] for u in units]),
        "id": _coded(unit_codes, [u[1] for u in units]),
        "colour": _coded(unit_codes, [u[2] for u in units]),
    }
    for k, name in enumerate(SCORE_FIELDS):
        columns[f"questionnaire_{name}"] = _numbers(scores[:, :, k].reshape(-1))
    for k, name in enumerate(POSITION_FIELDS):
        columns[name] = _numbers(positions[:, :, k].reshape(-1))
    columns["questionnaire_n"] = columns["questionnaire_n"].cast(pa.int64())
    columns["rank"] = columns["rank"].cast(pa.int64())
    out["dimensions"] = pa.table(columns)
    return out


def changes(trusts: Sequence[TrustFigures], rounds: Sequence[tuple[Round | None, Round]]
            ) -> Any:
    """The ``changes`` table: each trust's change on each dimension and colour since its
    previous round (None when no trust sent one)."""
    import pyarrow as pa

    from owcf.progress.compare import compare

    rows: list[dict[str, Any]] = []
    for trust, (before, now) in zip(trusts, rounds, strict=True):
        if before is None:
            continue
        found = compare(trust.header.trust, before, now)
        for f in (*found.dimensions, *found.colours):
            c = f.change
            rows.append({"trust_id": trust.header.trust,
                         "baseline_period_end": before.period[1] if before.period else None,
                         "period_end": now.period[1] if now.period else None,
                         "scope": f.scope, "id": f.id, "colour": f.current.colour,
                         "change": None if c is None else c.difference,
                         "ci_low": None if c is None else c.ci_low,
                         "ci_high": None if c is None else c.ci_high,
                         "p_adjusted": f.p_adjusted, "direction": f.direction,
                         "withheld": f.withheld})
    if not rows:
        return None
    text = ("trust_id", "baseline_period_end", "period_end", "scope", "id", "colour",
            "direction", "withheld")
    return pa.table({k: (_text([r[k] for r in rows]) if k in text
                         else pa.array([r[k] for r in rows], type=pa.float64()))
                     for k in rows[0]})


def tidy_tables(trusts: Sequence[TrustFigures], layout: Layout, formats: Sequence[str],
                rounds: Sequence[tuple[Round | None, Round]] = ()) -> dict[str, bytes]:
    """``NAME.csv`` and/or ``NAME.parquet`` for each table, in memory."""
    if not formats:
        return {}
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    files: dict[str, bytes] = {}
    made = tables(trusts, layout)
    trend = changes(trusts, rounds) if rounds else None
    if trend is not None:
        made["changes"] = trend
    for name, table in made.items():
        if "csv" in formats:
            plain = pa.table({c: (table[c].cast(pa.string())
                                  if pa.types.is_dictionary(table[c].type) else table[c])
                              for c in table.column_names})
            buffer = io.BytesIO()
            pacsv.write_csv(plain, buffer, pacsv.WriteOptions(quoting_style="needed"))
            files[f"{name}.csv"] = f"# {NOTICE}\n".encode() + buffer.getvalue()
        if "parquet" in formats:
            sink = io.BytesIO()
            tagged = table.replace_schema_metadata({"owcf": NOTICE, "owcf_table": name})
            pq.write_table(tagged, sink)
            files[f"{name}.parquet"] = sink.getvalue()
    return files
