"""Patterns kept between runs (owcf.stats.cache): read back only when they are the
pattern the engine would work out, and what is published is the same either way."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.stats import cache, disclosure
from owcf.stats.disclosure import PRIMARY, SECONDARY, SHOWN, FigureTable, protect


def _table(small: int = 3) -> FigureTable:
    """Groups of ``small``, 7 and 9 adding up to everyone: the small one and its partner
    are withheld."""
    table = FigureTable()
    values = np.array([small, 7.0, 9.0, small + 16.0])
    index = table.add(values, values, 5, stated=True, least=1.0)
    table.add_up(index[None, :3], index[3:])
    return table


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, and no pattern kept in this process."""
    monkeypatch.setenv("OWCF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(disclosure, "_DONE", {})
    return tmp_path / "cache"


def _later_run(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Forget the patterns of this process, as a new run would; count the patterns then
    worked out (not read back)."""
    worked: list[int] = []
    monkeypatch.setattr(disclosure, "_DONE", {})
    real = disclosure._protect
    monkeypatch.setattr(disclosure, "_protect",
                        lambda table: worked.append(1) or real(table))
    return worked


def test_a_later_run_reads_the_pattern_back(folder: Path, monkeypatch) -> None:
    first = protect(_table())
    assert first.tolist() == [PRIMARY, SECONDARY, SHOWN, SHOWN]
    assert len(list(folder.glob("*.pattern"))) == 1
    worked = _later_run(monkeypatch)
    assert protect(_table()).tolist() == first.tolist()
    assert worked == []
    # another data set is a pattern of its own
    assert protect(_table(small=2)).tolist() == first.tolist()
    assert worked == [1]
    assert len(list(folder.glob("*.pattern"))) == 2


def test_a_damaged_pattern_is_worked_out_again(folder: Path, monkeypatch) -> None:
    first = protect(_table()).tolist()
    (kept,) = folder.glob("*.pattern")
    for damaged in (kept.read_bytes()[:-1], kept.read_bytes()[:-1] + b"\x02", b""):
        kept.write_bytes(damaged)
        worked = _later_run(monkeypatch)
        assert protect(_table()).tolist() == first
        assert worked == [1]
        assert kept.read_bytes()[32:] == np.array(first, dtype=np.int8).tobytes()


def test_a_kept_pattern_that_shows_a_small_figure_is_not_read(folder: Path,
                                                              monkeypatch) -> None:
    """A file whole and undamaged but not a pattern of this table (written by hand, or by
    a bug) is never trusted to publish a small figure."""
    first = protect(_table()).tolist()
    (kept,) = folder.glob("*.pattern")
    forged = np.array([SHOWN, SHOWN, SHOWN, SHOWN], dtype=np.int8)
    cache.write(kept.stem, forged)
    assert kept.read_bytes()[32:] == forged.tobytes()
    worked = _later_run(monkeypatch)
    assert protect(_table()).tolist() == first
    assert worked == [1]


def test_a_kept_extension_is_read_only_with_the_states_decided_before(folder: Path,
                                                                      monkeypatch) -> None:
    """An extended pattern (a run's crossing over the data set's own) kept on disk is
    read back only where every figure decided before keeps its state, a shown one too."""
    table = FigureTable()
    values = np.array([3.0, 7.0, 9.0, 19.0, 4.0])  # _table's groups, decided; one new
    fixed = np.array([PRIMARY, SECONDARY, SHOWN, SHOWN, -1], dtype=np.int8)
    index = table.add(values, values, 5, fixed=fixed, stated=True, least=1.0)
    table.add_up(index[None, :3], index[3:4])
    first = protect(table).tolist()
    assert first == [PRIMARY, SECONDARY, SHOWN, SHOWN, PRIMARY]
    worked = _later_run(monkeypatch)
    assert protect(table).tolist() == first and worked == []
    (kept,) = folder.glob("*.pattern")
    # withholding one more group decided shown would change what the data set's own
    # runs publish beside this one
    cache.write(kept.stem, np.array([PRIMARY, SECONDARY, SECONDARY, SHOWN, PRIMARY],
                                    dtype=np.int8))
    worked = _later_run(monkeypatch)
    assert protect(table).tolist() == first and worked == [1]


def test_nothing_is_kept_when_the_folder_is_set_empty(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OWCF_CACHE_DIR", "")
    monkeypatch.setattr(disclosure, "_DONE", {})
    monkeypatch.chdir(tmp_path)
    assert cache.folder() is None
    protect(_table())
    assert list(tmp_path.rglob("*")) == []


def test_a_folder_that_cannot_be_written_fails_no_run(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OWCF_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(disclosure, "_DONE", {})
    assert protect(_table()).tolist() == [PRIMARY, SECONDARY, SHOWN, SHOWN]
    assert blocker.read_text() == "not a folder"


def test_the_patterns_read_least_recently_go_first(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 2)
    names = [cache.key(str(k)) for k in range(3)]
    for age, name in enumerate(names):
        cache.write(name, np.zeros(4, dtype=np.int8))
        path = folder / f"{name}.pattern"
        stamp = 1_000_000 + 10 * age
        os.utime(path, (stamp, stamp))
    assert cache.read(names[0], 4) is None  # (the third write let it go)
    assert cache.read(names[1], 4) is not None  # read now: the most recent
    cache.write(cache.key("3"), np.zeros(4, dtype=np.int8))
    assert sorted(p.stem for p in folder.glob("*.pattern")) == sorted([names[1], cache.key("3")])


def test_the_key_names_the_engine_that_worked_the_pattern_out(monkeypatch) -> None:
    """Another owcf (its disclosure engine's source), or another numpy, reads none of the
    patterns this one kept."""
    before = cache.key("digest")
    assert cache.key("digest") == before and cache.key("other") != before
    monkeypatch.setattr(np, "__version__", "0.0")
    assert cache.key("digest") != before


def test_a_report_is_the_same_whether_its_pattern_was_read_or_worked_out(
        trust_path: Path, tmp_path: Path, monkeypatch) -> None:
    """Byte for byte, every file of the report: worked out with nothing kept, then read
    back from the cache in a later run."""
    runner = CliRunner()

    def report(out: str) -> dict[str, bytes]:
        result = runner.invoke(app, ["report", "--trust", "tinytown", "--out", out])
        assert result.exit_code == 0, result.output
        return {str(p.relative_to(tmp_path / out)): p.read_bytes()
                for p in sorted((tmp_path / out).rglob("*")) if p.is_file()}

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1230768000")
    monkeypatch.setenv("OWCF_CACHE_DIR", "")
    monkeypatch.setattr(disclosure, "_DONE", {})
    plain = report("plain")
    monkeypatch.setenv("OWCF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(disclosure, "_DONE", {})
    assert report("first") == plain
    assert list((tmp_path / "cache").glob("*.pattern"))
    worked = _later_run(monkeypatch)
    assert report("later") == plain
    assert worked == []
