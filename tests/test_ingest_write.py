"""The vectorised CSV writer writes what Python's csv module would, formulas neutralised;
pseudonyms never change between versions without a test noticing; the benchmark runs."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owcf.files import spreadsheet_safe
from owcf.ingest.pseudonym import from_text, pseudonymise, to_text
from owcf.ingest.write import BOM, csv_bytes

from .conftest import REPO

CELL = st.text(alphabet='ab ,"\n\r=+-@\t\u00e9\u2019', max_size=8)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=12))
def test_csv_bytes_equal_what_the_csv_module_writes(rows: list[tuple[str, str]]) -> None:
    codes = [a.replace('"', "").replace(",", "").replace("\n", "").replace("\r", "")
             for a, _ in rows]
    written = csv_bytes([("code", pa.array(codes), False),
                         ("comment", pa.array([b for _, b in rows]), True)])
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(["code", "comment"])
    for code, (_, comment) in zip(codes, rows, strict=True):
        writer.writerow([code, spreadsheet_safe(comment)])
    if not any("\r" in b for _, b in rows):  # the csv module leaves a lone \r unquoted;
        assert written == BOM + expected.getvalue().encode("utf-8")  # owcf quotes it
    back = list(csv.reader(io.StringIO(written.decode("utf-8-sig"), newline="")))
    assert [r[1] for r in back[1:]] == [spreadsheet_safe(b) for _, b in rows]


def test_pseudonyms_are_the_documented_function_of_salt_platform_and_id() -> None:
    # fixed values: if pandas' SipHash or the key derivation ever changed, pseudonyms in
    # files already written would stop matching; this test says so first
    text, keys = pseudonymise(pa.array(["R_1Ab2Cd3Ef4Gh5Ij", "a"]), "owcf-default-salt",
                              "qualtrics")
    assert text.to_pylist() == [to_text(keys).to_pylist()[0], to_text(keys).to_pylist()[1]]
    again, _ = pseudonymise(pa.array(["a"]), "owcf-default-salt", "qualtrics")
    assert again.to_pylist()[0] == text.to_pylist()[1]
    assert pseudonymise(pa.array(["a"]), "salt", "owcf")[0].to_pylist() == ["p-da15a6c93dac02d2"]
    assert pseudonymise(pa.array(["a"]), "salt", "kobo")[0].to_pylist() != ["p-da15a6c93dac02d2"]
    values = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)
    assert (from_text(np.array(to_text(values).to_pylist())) == values).all()


def test_the_speed_benchmark_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("ingest_speed",
                                                  REPO / "benchmarks" / "ingest_speed.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--rows", "2000", "--repeat", "1", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2,000 respondents x 40 items" in out and "ingest / pandas = " in out
