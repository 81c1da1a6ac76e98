"""Every write is all or nothing, and every file-system problem is a user error: a file
where a folder must be, a folder that cannot be written, no space left. Exit 1 with the
path and what is wrong, and the output folder exactly as it was (listing and bytes)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.errors import OwcfError
from owcf.files import write_files

from .ingest_helpers import EXPORTS, survey

runner = CliRunner()
FILES = {"report.md": b"new md", "report.html": b"new html", "charts/red.svg": b"<svg/>",
         "charts/blue.svg": b"<svg/>"}


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Everything under ``root``, hidden files too: folders as None, files as bytes."""
    return {str(p.relative_to(root)): None if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], Path]]:
    """Make a folder read-only. Root may write there all the same, so then the operating
    system's answer to anyone else (EACCES on making anything inside it) is given by
    os.mkdir, the first thing a write does in a folder."""
    folders: list[Path] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
        folders.append(folder)
        if os.access(folder, os.W_OK):  # root
            real = os.mkdir

            def mkdir(path: str | Path, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
                if Path(path).parent in folders:
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                real(path, mode, dir_fd=dir_fd)

            monkeypatch.setattr(os, "mkdir", mkdir)
        return folder

    yield make
    for folder in folders:
        if folder.exists():
            folder.chmod(0o755)


def _refused(call: Callable[[], object], root: Path, path: Path, why: str) -> None:
    before = snapshot(root)
    with pytest.raises(OwcfError) as caught:
        call()
    (problem,) = caught.value.problems
    assert problem.code == "output-not-writable"
    assert problem.file == str(path) and why in problem.message, problem.message
    assert snapshot(root) == before


# -- the shared writer ---------------------------------------------------------------------

def test_an_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_bytes(b"my notes")
    _refused(lambda: write_files(FILES, tmp_path / "out"), tmp_path, tmp_path / "out",
             "exists and is a file")
    _refused(lambda: write_files(FILES, tmp_path / "out" / "deeper"), tmp_path,
             tmp_path / "out", "is a file")


def test_a_charts_file_where_the_charts_folder_goes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_bytes(b"old md")
    (out / "charts").write_bytes(b"not a folder")
    _refused(lambda: write_files(FILES, out), tmp_path, out / "charts", "exists and is a file")


def test_a_folder_where_a_file_goes(tmp_path: Path) -> None:
    (tmp_path / "out" / "report.html").mkdir(parents=True)
    _refused(lambda: write_files(FILES, tmp_path / "out"), tmp_path,
             tmp_path / "out" / "report.html", "is a folder")


def test_a_read_only_folder(tmp_path: Path, read_only: Callable[[Path], Path]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_bytes(b"old md")
    read_only(out)
    _refused(lambda: write_files(FILES, out), tmp_path, out, "not writable")
    # nor a new folder inside a read-only one
    _refused(lambda: write_files(FILES, out / "new"), tmp_path, out / "new", "not writable")


@pytest.mark.parametrize("failing", [1, 3])
def test_no_space_left_part_way_puts_everything_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int) -> None:
    out = tmp_path / "out"
    (out / "charts").mkdir(parents=True)
    (out / "report.md").write_bytes(b"old md")
    (out / "charts" / "red.svg").write_bytes(b"old red")
    real = Path.write_bytes
    calls = []

    def write_bytes(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) > failing:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    staged = list(FILES)[failing]
    _refused(lambda: write_files(FILES, out), tmp_path, out / staged, "no space left")


@pytest.mark.parametrize("failing", [0, 2, 3])
def test_a_failure_while_moving_into_place_puts_everything_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int) -> None:
    """The files replaced come back, the new ones and new folders go."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_bytes(b"old md")
    (out / "notes.txt").write_bytes(b"mine")
    real = os.replace
    moves = []

    def replace(source: str | Path, target: str | Path) -> None:
        if f"{os.sep}new{os.sep}" in str(source):  # a new file moving into place
            moves.append(target)
            if len(moves) > failing:
                raise OSError(errno.EIO, "Input/output error", str(source), None, str(target))
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    before = snapshot(tmp_path)
    with pytest.raises(OwcfError) as caught:
        write_files(FILES, out)
    assert caught.value.problems[0].code == "output-not-writable"
    assert snapshot(tmp_path) == before


def test_an_interruption_part_way_puts_everything_back(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace
    moves = []

    def replace(source: str | Path, target: str | Path) -> None:
        moves.append(target)
        if len(moves) == 3:
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_files(FILES, tmp_path / "out" / "deep")
    assert snapshot(tmp_path) == {}


def test_a_good_write_replaces_and_leaves_no_staging(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "charts").mkdir(parents=True)
    (out / "report.md").write_bytes(b"old md")
    (out / "notes.txt").write_bytes(b"mine")
    written = write_files(FILES, out)
    assert written == [out / name for name in FILES]
    assert snapshot(out) == {"charts": None, "charts/blue.svg": b"<svg/>",
                             "charts/red.svg": b"<svg/>", "notes.txt": b"mine",
                             "report.html": b"new html", "report.md": b"new md"}


def test_names_may_not_leave_the_folder(tmp_path: Path) -> None:
    for name in ("../escape.md", "/etc/owcf.md"):
        with pytest.raises(ValueError):
            write_files({name: b"x"}, tmp_path / "out")
    assert snapshot(tmp_path) == {}


# -- the commands that write ---------------------------------------------------------------

def _command_refused(args: list[str], root: Path, path: Path, why: str) -> None:
    before = snapshot(root)
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert f"{path}: output-not-writable: " in result.stderr and why in result.stderr
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert snapshot(root) == before


def test_report_refuses_each_file_system_problem(trust_path: Path, tmp_path: Path,
                                                  read_only: Callable[[Path], Path]) -> None:
    """These were internal errors (exit 3, a raw errno), and twice left part of the
    report behind."""
    report = ["report", "-t", "tinytown", "-f", "md", "-o"]
    out = tmp_path / "reports"
    out.write_bytes(b"a file")
    _command_refused([*report, str(out)], tmp_path, out, "exists and is a file")
    out.unlink()
    (out / "charts").parent.mkdir()
    (out / "report.md").write_bytes(b"last month's report")
    (out / "charts").write_bytes(b"a file")
    _command_refused([*report, str(out)], tmp_path, out / "charts", "exists and is a file")
    (out / "charts").unlink()
    read_only(out)
    _command_refused([*report, str(out)], tmp_path, out, "not writable")


def test_ingest_and_suggest_mapping_refuse_each_file_system_problem(
        tmp_path: Path, read_only: Callable[[Path], Path]) -> None:
    _, _, fw, q = survey(tmp_path)
    for export, extra in (("qualtrics.csv", []), ("limesurvey-codes.csv",
                                                  ["--suggest-mapping"])):
        ingest = ["ingest", str(EXPORTS / export), "--framework", str(fw), "--questionnaire",
                  str(q), *extra, "--out"]
        out = tmp_path / "ingested"
        out.write_bytes(b"a file")
        _command_refused([*ingest, str(out)], tmp_path, out, "exists and is a file")
        _command_refused([*ingest, str(out / "sub")], tmp_path, out, "is a file")
        out.unlink()
        read_only(out)
        _command_refused([*ingest, str(out)], tmp_path, out, "not writable")
        out.chmod(0o755)
        out.rmdir()


def test_a_folder_made_meanwhile_by_another_writer_is_used_not_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """report --all's workers write side by side into one new output folder: when another
    worker makes it between our look and our mkdir, the write goes on (it was
    output-not-writable, 'exists and is a file', and the trust's report was lost)."""
    out = tmp_path / "reports" / "alpha"
    real_mkdir = Path.mkdir

    def racing_mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self == tmp_path / "reports" and not self.exists():
            real_mkdir(self)  # the other worker wins the race
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]  # Path.mkdir's own options

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    written = write_files({"report.md": b"# Alpha\n"}, out)
    assert written == [out / "report.md"]
    assert (out / "report.md").read_bytes() == b"# Alpha\n"


@pytest.mark.parametrize("command", [
    ["share", "-t", "tinytown", "-o", "{out}/results.json"],
    ["framework", "-t", "tinytown", "-o", "{out}"],
    ["questionnaire", "-t", "tinytown", "--to", "csv", "-o", "{out}"],
    ["init", "newtown", "--dir", "{out}"],
], ids=["share", "framework", "questionnaire", "init"])
def test_the_starting_and_sharing_commands_refuse_a_file_where_their_folder_goes(
        trust_path: Path, tmp_path: Path, read_only: Callable[[Path], Path],
        command: list[str]) -> None:
    out = tmp_path / "made"
    out.write_bytes(b"a file")
    args = [part.format(out=out) for part in command]
    _command_refused(args, tmp_path, out, "is a file")  # init's folder goes inside it
    out.unlink()
    read_only(out)
    # init cannot make its workspace folder inside: that is the path it names
    named = out / "newtown" if command[0] == "init" else out
    _command_refused(args, tmp_path, named, "not writable")


def test_national_refuses_a_file_where_its_folder_goes(trust_path: Path, tmp_path: Path) -> None:
    package = tmp_path / "packages" / "tinytown.json"
    package.parent.mkdir()
    shared = runner.invoke(app, ["share", "-t", "tinytown", "-o", str(package)])
    assert shared.exit_code == 0, shared.output
    out = tmp_path / "national"
    out.write_bytes(b"a file")
    _command_refused(["national", str(package.parent), "-o", str(out)], tmp_path, out,
                     "exists and is a file")
