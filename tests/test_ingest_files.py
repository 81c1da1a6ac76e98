"""Files as they really arrive: encodings, delimiters, quoted line breaks, spreadsheet
leftovers, Excel dates, XLSX, and broken files, each read right or refused clearly."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.errors import ProblemLog
from owcf.ingest.ingested import Ingested
from owcf.ingest.pipeline import ingest, summary
from owcf.ingest.sheet import read_sheet, sniff_delimiter

from .ingest_helpers import EXPORTS, csv_rows, survey, to_xlsx

runner = CliRunner()
WIDE = (EXPORTS / "owcf-wide.csv").read_text(encoding="utf-8")


def _ingest(path: Path, folder: Path, **options: object) -> tuple[Ingested | None, ProblemLog]:
    framework, questionnaire, _, _ = survey(folder)
    log = ProblemLog()
    return ingest(path, questionnaire, framework, log, **options), log


def _answers(result: Ingested) -> list[list[int]]:
    return result.responses.answers.to_numpy().tolist()


@pytest.fixture
def expected(tmp_path: Path) -> list[list[int]]:
    path = tmp_path / "plain.csv"
    path.write_text(WIDE, encoding="utf-8")
    result, _ = _ingest(path, tmp_path)
    return _answers(result)


# -- encodings and delimiters ------------------------------------------------------------

ENCODINGS = [
    pytest.param("utf-8", ",", "UTF-8", id="utf-8"),
    pytest.param("utf-8-sig", ",", "UTF-8 with BOM", id="utf-8-bom"),
    pytest.param("utf-16", "\t", "UTF-16 with BOM", id="utf-16-excel-unicode-text"),
    pytest.param("cp1252", ";", "Windows-1252", id="windows-1252"),
    pytest.param("utf-32", ",", "UTF-32 with BOM", id="utf-32"),
]


@pytest.mark.parametrize("mapped", [False, True], ids=["read", "mapped"])
@pytest.mark.parametrize(("encoding", "delimiter", "name"), ENCODINGS)
def test_encodings_and_delimiters_are_detected_and_reported(
        tmp_path: Path, expected: list[list[int]], encoding: str, delimiter: str,
        name: str, mapped: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if mapped:  # as large files are: mapped into memory, not copied
        monkeypatch.setattr("owcf.ingest.sheet._MAP_FROM", 1)
    text = WIDE.replace("Good start", "Caf\u00e9 staff don\u2019t know").replace(",", delimiter)
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    result, log = _ingest(path, tmp_path)
    assert result is not None, log.problems
    assert _answers(result) == expected
    assert result.responses.comments.iloc[0] == "Caf\u00e9 staff don\u2019t know"
    separator = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    assert f"{name}, {separator}-separated" in summary(result)[0]
    assert result.export.sheet.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_non_utf8_bytes_after_the_first_block_still_decode(tmp_path: Path) -> None:
    rows = [WIDE.splitlines()[0]] + [f"x{k},staff,health,,4,1,3,,2,2,ok" for k in range(3000)]
    rows.append("late,staff,health,,4,1,3,,2,2,na\u00efve")
    path = tmp_path / "late.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    result, log = _ingest(path, tmp_path)
    assert result is not None, log.problems
    assert result.export.sheet.encoding == "Windows-1252"
    assert result.responses.comments.iloc[-1] == "na\u00efve"


def _mostly_utf8(rows: int, bad_row: int, bom: bool = False, uneven: bool = False) -> bytes:
    """owcf's layout in UTF-8 with accented names, but for one Windows-1252 byte in the
    comment of spreadsheet row ``bad_row``."""
    lines = [WIDE.splitlines()[0]]
    for k in range(2, rows + 1):
        comment = "Zo\u00eb and Ren\u00e9e say caf\u00e9" if k != bad_row else "na\u00efve"
        cells = f"x{k},staff,health,,4,1,3,,2,2,{comment}"
        lines.append(cells + (",surplus" if uneven and k == 3 else ""))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data = data.replace("na\u00efve".encode(), "na\u00efve".encode("cp1252"))
    return (b"\xef\xbb\xbf" if bom else b"") + data


@pytest.mark.parametrize(("rows", "bad_row", "bom", "uneven"), [
    pytest.param(6, 4, False, False, id="in-the-first-block"),
    pytest.param(3000, 2999, False, False, id="after-the-first-block"),
    pytest.param(6, 5, True, False, id="utf-8-with-bom"),
    pytest.param(3000, 2500, False, True, id="uneven-rows"),
])
def test_utf8_with_a_few_bad_bytes_is_an_error_naming_row_and_column(
        tmp_path: Path, rows: int, bad_row: int, bom: bool, uneven: bool) -> None:
    """It used to be reread as Windows-1252 without a word, every accented name turned
    into mojibake."""
    _, _, fw, q = survey(tmp_path)
    path = tmp_path / "mixed.csv"
    path.write_bytes(_mostly_utf8(rows, bad_row, bom, uneven))
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(path), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out)])
    assert result.exit_code == 1, result.output
    (line,) = [x for x in result.stderr.splitlines() if "file-unreadable" in x]
    assert line.startswith(f"{path}: row {bad_row}, column 'comment': file-unreadable: ")
    assert "0xEF" in line and "UTF-8" in line and "Traceback" not in result.output
    assert not out.exists()


def test_windows_1252_only_when_it_reads_cleanly_that_way(tmp_path: Path) -> None:
    # 0x81 and 0x9D mean nothing in Windows-1252 (and are not UTF-8): refused, not
    # guessed to be Latin-1
    path = tmp_path / "odd.csv"
    path.write_bytes(WIDE.replace("Good start", "Good\x81start").encode("latin-1"))
    result, log = _ingest(path, tmp_path)
    assert result is None
    (problem,) = log.errors
    assert (problem.code, problem.row, problem.column) == ("file-unreadable", 2, "comment")
    assert "neither UTF-8 nor Windows-1252" in problem.message


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing_ignores_delimiters_inside_quotes(delimiter: str) -> None:
    head = delimiter.join(["id", '"Which, of these; best\tdescribes you?"', "q"])
    body = delimiter.join(["1", '"a, b; c"', "4"])
    assert sniff_delimiter(f"{head}\n{body}\n{body}\n") == delimiter


# -- line breaks, blank rows and columns -------------------------------------------------

def test_quoted_line_breaks_keep_row_numbers_right(tmp_path: Path) -> None:
    lines = WIDE.splitlines()
    lines[1] = lines[1].replace("Good start", '"Good start.\nMore training\n\nplease"')
    lines[3] = lines[3].replace("leaders,health,2009-01-25T16:40:12,4,",
                                "leaders,health,2009-01-25T16:40:12,9,")
    path = tmp_path / "breaks.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, _ = _ingest(path, tmp_path)
    assert result.responses.comments.iloc[0] == "Good start.\nMore training\n\nplease"
    (problem,) = result.row_problems()
    # the spreadsheet row (record) with the bad answer, not the physical line
    assert (problem.code, problem.row, problem.column) == ("invalid-answer", 4, "v1")


@pytest.mark.parametrize(("export", "tail", "heading", "row"), [
    pytest.param("owcf-wide.csv", "", "", 2, id="never-closed"),
    pytest.param("owcf-wide.csv", 'Not great" later', "", 2, id="closed-mid-value"),
    # (a heading wider than the rows: the rows are read one by one, not by pyarrow)
    pytest.param("owcf-wide.csv", "", ",note", 2, id="uneven-rows"),
    pytest.param("surveymonkey.csv", "", "", 3, id="surveymonkey"),
])
def test_a_quote_left_open_is_refused_not_read_as_one_long_answer(
        tmp_path: Path, export: str, tail: str, heading: str, row: int) -> None:
    """A '"' opening a comment and never closed where CSV says it must be: every row after
    it used to become that one comment, read as one respondent without a word, the rows'
    ids, names and emails carried into the output with it."""
    _, _, fw, q = survey(tmp_path)
    text = (EXPORTS / export).read_text(encoding="utf-8")
    assert text.count("Good start") == 1
    lines = text.replace("Good start", '"Good start').splitlines(keepends=True)
    lines[0] = lines[0].rstrip("\n") + heading + "\n"
    lines[-1] = lines[-1].rstrip("\n") + tail + "\n"  # (a later value closes it, then more)
    path = tmp_path / export
    path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(path), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out)])
    assert result.exit_code == 1, result.output
    (message,) = [x for x in result.stderr.splitlines() if "file-unreadable" in x]
    assert message.startswith(f"{path}: row {row}: file-unreadable: a quoted value opens on "
                              f"line {row} and ")
    assert ("more text after its closing" in message) == bool(tail)
    assert "Traceback" not in result.output and not out.exists()
    assert "Smith" not in result.output and "example.org" not in result.output


def test_trailing_empty_rows_and_columns_are_skipped_and_counted(
        tmp_path: Path, expected: list[list[int]]) -> None:
    lines = [line + ",," for line in WIDE.splitlines()]
    lines[0] = lines[0][:-2] + ",,"
    text = "\n".join(lines[:4] + [",,,,,,,,,,,,"] + lines[4:] + [",,,,,,,,,,,,"] * 3) + "\n\n"
    path = tmp_path / "excel.csv"
    path.write_text(text, encoding="utf-8")
    result, log = _ingest(path, tmp_path)
    assert result is not None, log.problems
    assert _answers(result) == expected
    counts = result.counts()
    assert (counts["rows_read"], counts["rows_accepted"], counts["blank_rows_skipped"]) == \
        (8, 8, 5)
    # the blank row between r3 and r4 still counts: r4 is spreadsheet row 6
    assert result.response_rows.tolist() == [2, 3, 4, 6, 7, 8, 9, 10]
    assert result.export.empty_columns == 2
    assert "5 blank rows skipped" in summary(result)[1]


def test_short_rows_are_padded_and_long_rows_rejected(tmp_path: Path) -> None:
    lines = WIDE.splitlines()
    lines[5] = "r5,staff,health,2009-02-03T11:30:00,,,,,1"  # trailing blanks cut off
    lines[7] = lines[7] + ",surplus"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, log = _ingest(path, tmp_path)
    assert result is not None, log.problems
    (problem,) = result.row_problems()
    assert (problem.code, problem.row) == ("extra-cells", 8)
    assert result.counts()["rows_accepted"] == 7


# -- dates --------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "meant"), [
    ("23/01/2009 13:06", dt.datetime(2009, 1, 23, 13, 6)),
    ("03/04/2009 09:00", dt.datetime(2009, 4, 3, 9, 0)),     # day first unless shown otherwise
    ("23-Jan-2009", dt.datetime(2009, 1, 23)),
    ("39836.5458", dt.datetime(2009, 1, 23, 13, 5, 57)),      # an Excel serial date
    ("2009-01-23T13:06:57+01:00", dt.datetime(2009, 1, 23, 13, 6, 57)),
    ("2009/01/23 1:06:57 PM GMT", dt.datetime(2009, 1, 23, 13, 6, 57)),
])
def test_excel_and_platform_date_formats(tmp_path: Path, written: str, meant: dt.datetime
                                         ) -> None:
    lines = WIDE.splitlines()
    lines[1] = lines[1].replace("2009-01-23T13:06:57", f'"{written}"')
    path = tmp_path / "dates.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, _ = _ingest(path, tmp_path)
    assert not result.row_problems(), result.row_problems()
    assert result.responses.respondents["submitted"].iloc[0] == np.datetime64(meant)


def test_month_first_dates_are_recognised_from_the_evidence(tmp_path: Path) -> None:
    lines = WIDE.splitlines()
    lines[1] = lines[1].replace("2009-01-23T13:06:57", "01/23/2009 1:06 PM")
    lines[2] = lines[2].replace("2009-01-24T09:15:00", "02/03/2009 9:15 AM")
    path = tmp_path / "us.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, _ = _ingest(path, tmp_path)
    stamps = result.responses.respondents["submitted"]
    assert stamps.iloc[1] == np.datetime64("2009-02-03T09:15")  # 3 February: month first
    assert result.date_order == "mdy"


# -- XLSX ---------------------------------------------------------------------------------

def test_xlsx_with_numbers_dates_and_trailing_blank_cells(tmp_path: Path,
                                                          expected: list[list[int]]) -> None:
    rows: list[list[object]] = [list(r) for r in csv_rows(EXPORTS / "owcf-wide.csv")]
    for row in rows[1:]:
        row[3] = dt.datetime.fromisoformat(str(row[3]))
        row[4:10] = [float(c) if c.isdigit() else c for c in row[4:10]]  # Excel stores 4.0
    rows.append([None] * 11)
    path = to_xlsx(rows, tmp_path / "responses.xlsx", sheet="Responses")
    result, log = _ingest(path, tmp_path)
    assert result is not None, log.problems
    assert _answers(result) == expected
    assert summary(result)[0].endswith("XLSX, worksheet 'Responses'")
    assert result.responses.respondents["submitted"].iloc[2] == np.datetime64("2009-01-25T16:40:12")


# -- limits on what an XLSX may expand to ------------------------------------------------

def _rezip(source: Path, target: Path, padding_mb: int = 0,
           dimension: str | None = None) -> Path:
    """``source``'s workbook again, its worksheet padded with ``padding_mb`` megabytes of
    spaces (valid XML, deflated to almost nothing: a zip bomb) or declaring another used
    range."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=1) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, data)
                continue
            if dimension is not None:
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(),
                              data)
            head, tail = data.split(b"</sheetData>")
            with new.open(info.filename, "w") as part:
                part.write(head)
                for _ in range(padding_mb):
                    part.write(b" " * (1 << 20))
                part.write(b"</sheetData>" + tail)
    return target


@pytest.mark.parametrize("saved", [False, True], ids=["formula-alone", "formula-with-its-value"])
def test_a_formula_saved_without_its_value_is_refused_not_read_as_blank(
        tmp_path: Path, saved: bool) -> None:
    """A workbook written by a script keeps a formula with no result; read for values it
    was an empty cell, the answer lost without a word. As a spreadsheet program saves it
    (the result beside the formula), it is read as that result."""
    _, _, fw, q = survey(tmp_path)
    rows = csv_rows(EXPORTS / "owcf-wide.csv")
    v1 = rows[0].index("v1")
    rows[1][v1] = "=1+3"
    path = to_xlsx([list(r) for r in rows], tmp_path / "answers.xlsx")
    if saved:  # (what a spreadsheet program writes: the formula and its result)
        with zipfile.ZipFile(path) as book:
            parts = {n: book.read(n) for n in book.namelist()}
        part = "xl/worksheets/sheet1.xml"
        assert parts[part].count(b"<f>1+3</f><v />") == 1
        parts[part] = parts[part].replace(b"<f>1+3</f><v />", b"<f>1+3</f><v>4</v>")
        with zipfile.ZipFile(path, "w") as book:
            for name, content in parts.items():
                book.writestr(name, content)
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(path), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out)])
    if saved:
        assert result.exit_code == 0, result.output
        written = (out / "answers.responses.csv").read_text(encoding="utf-8-sig").splitlines()
        assert written[1].split(",")[written[0].split(",").index("v1")] == "4"
    else:
        assert result.exit_code == 1, result.output
        assert (f"{path}: row 2, column 'v1': file-unreadable: the formula =1+3 has no value "
                "saved with it") in result.stderr
        assert not out.exists()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 340 MB worksheet in a workbook of a few hundred kilobytes."""
    folder = tmp_path_factory.mktemp("bomb")
    rows: list[list[object]] = [list(r) for r in csv_rows(EXPORTS / "owcf-wide.csv")]
    return _rezip(to_xlsx(rows, folder / "plain.xlsx"), folder / "bomb.xlsx", padding_mb=340)


def test_an_xlsx_that_expands_beyond_the_limit_is_refused_before_it_is_read(
        tmp_path: Path, bomb: Path) -> None:
    """It ran for over a minute at 1.35 GB of memory and wrote a 153 MB rejects file."""
    assert bomb.stat().st_size < 2_000_000
    _, _, fw, q = survey(tmp_path)
    out = tmp_path / "out"
    for command in (["ingest", str(bomb), "--out", str(out)], ["analyse", str(bomb)],
                    ["validate", str(fw), str(q), str(bomb)]):
        result = runner.invoke(app, [*command[:1], "--framework", str(fw), "--questionnaire",
                                     str(q), *command[1:]] if command[0] != "validate"
                               else command)
        assert result.exit_code == 1, result.output
        (line,) = [x for x in result.output.splitlines() if "input-too-large" in x]
        assert line.startswith(f"{bomb}: input-too-large: the workbook expands to ")
        assert "over the limit of 336,000,000" in line and "--max-cells" in line
        assert not out.exists()


def test_the_cell_limit_is_checked_before_reading_and_can_be_raised(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in csv_rows(EXPORTS / "owcf-wide.csv")]
    plain = to_xlsx(rows, tmp_path / "plain.xlsx")  # 9 rows of 11 cells: 99
    lying = _rezip(plain, tmp_path / "lying.xlsx", dimension="A1:A1")
    padded = _rezip(plain, tmp_path / "padded.xlsx", padding_mb=17)
    for path, limit, why in ((plain, 98, "worksheet 'Sheet1' declares 99 cells (A1:K9), over "
                              "the limit of 98"),
                             (lying, 98, "worksheet 'Sheet1' holds more than 98 cells (at row 9)"),
                             (padded, 10_000, "the workbook expands to ")):
        result, log = _ingest(path, tmp_path, max_cells=limit)
        assert result is None
        (problem,) = log.errors
        assert problem.code == "input-too-large" and problem.message.startswith(why), problem
    for path in (plain, lying, padded):
        result, log = _ingest(path, tmp_path, max_cells=99 if path != padded else 40_000)
        assert result is not None and result.counts()["rows_accepted"] == 8, log.problems


# -- broken files -------------------------------------------------------------------------

def _zip_of(files: dict[str, str]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _workbook_with(part: str, text: str) -> bytes:
    """A real workbook (openpyxl's) with one part replaced."""
    import zipfile

    from openpyxl import Workbook

    buffer, out = io.BytesIO(), io.BytesIO()
    book = Workbook()
    book.active.append(["respondent_id", "audience", "v1"])
    book.save(buffer)
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, text if info.filename == part else old.read(info))
    return out.getvalue()


BROKEN = [
    pytest.param(b"", "no-responses", id="empty"),
    pytest.param(_zip_of({"[Content_Types].xml": "garbage", "xl/workbook.xml": "garbage"}),
                 "file-unreadable", id="xlsx-of-garbage-xml"),
    pytest.param(_workbook_with("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c"),
                 "file-unreadable", id="xlsx-with-a-cut-worksheet"),
    pytest.param(_workbook_with("xl/workbook.xml", "<workbook"), "file-unreadable",
                 id="xlsx-with-a-cut-workbook"),
    pytest.param(b"\n\n  \n", "no-responses", id="only-blank-lines"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "file-unreadable",
                 id="old-xls"),
    pytest.param(b"PK\x03\x04not really a workbook", "file-unreadable", id="broken-xlsx"),
    pytest.param(_zip_of({"word/document.xml": "<w/>"}), "file-unreadable", id="a-word-file"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unknown-format", id="binary-junk"),
    pytest.param(b"respondent_id,audience,v1\n", "no-responses", id="headings-only"),
]


@pytest.mark.parametrize(("content", "code"), BROKEN)
def test_broken_files_fail_clearly_and_write_nothing(tmp_path: Path, content: bytes,
                                                     code: str) -> None:
    _, _, fw, q = survey(tmp_path)
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(path), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"{path}" in result.stderr and f" {code}:" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_a_folder_or_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    log = ProblemLog()
    assert read_sheet(tmp_path, log) is None
    assert read_sheet(tmp_path / "nope.csv", log) is None
    assert [p.code for p in log.problems] == ["file-unreadable", "file-not-found"]


def test_a_large_file_takes_the_threaded_path_and_reconciles(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 60_000
    audiences = np.array(["staff", "leaders"])[rng.integers(0, 2, n)]
    cells = np.array(["1", "2", "3", "4", "DK", "NA", "", "Strongly agree"])[
        rng.integers(0, 8, (n, 6))]
    cells[:, 3] = np.where(audiences == "leaders", cells[:, 3], "")  # s2: leaders only
    cells[17, 0] = "seven"
    lines = ["respondent_id,audience,v1,v2,s1,s2,p1,p2"]
    lines += [f"id{k},{a}," + ",".join(row) for k, (a, row) in enumerate(zip(audiences, cells,
                                                                            strict=True))]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, _ = _ingest(path, tmp_path)
    counts = result.counts()
    assert counts["rows_read"] == n == counts["rows_accepted"] + counts["rows_rejected"]
    assert sum(counts["rejected_by_reason"].values()) == counts["rows_rejected"]
    bad = [p for p in result.problems() if p.code == "invalid-answer"]
    assert [(p.row, p.column) for p in bad] == [(19, "v1")]
    assert len(result.responses) == counts["rows_accepted"]
