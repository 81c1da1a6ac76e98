"""Trust workspaces: finding them, and tailoring the questionnaire without copying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from owcf.errors import OwcfError
from owcf.model.workspaces import find_workspace, load_trust

from .conftest import EXAMPLE, ROUND_2009, write


def test_bundled_example_carries_the_seed_report(monkeypatch: pytest.MonkeyPatch) -> None:
    trust = load_trust(ROUND_2009)  # the example's 2009 round is the seed report's
    assert trust.name == "Oxfordshire Children and Young People's Trust"
    assert len(trust.framework.colours) == 7
    assert all(3 <= len(c.dimensions) <= 6 for c in trust.framework.colours)
    assert len(trust.focus_areas) == 7 and len(trust.actions) == 8
    assert trust.focus_areas[5].points == ("Schools workforce census", "Local surveys census",
                                           "LAA indicators")
    first, second, workshop = trust.tests
    assert (first.start.isoformat(), first.end.isoformat()) == ("2009-01-23", "2009-03-31")
    assert first.workforce_groups == ("early_years", "education", "health", "lscb",
                                      "social_family_community")
    assert (second.start.isoformat(), second.end.isoformat()) == ("2009-04-01", "2009-05-29")
    assert "children_young_people" in second.audiences
    assert set(second.workforce_groups) == {"integrated_youth_support", "sport_culture"}
    assert workshop.kind == "analysis_workshop" and workshop.end.isoformat() == "2009-06-01"
    assert workshop.other_participants == ("Workforce Development Sub Group",)
    assert set(trust.targets) == {d.id for d in trust.framework.dimensions}
    assert trust.actions[0].due.isoformat() == "2009-07-17"


def test_bundled_questionnaire_meets_its_design() -> None:
    trust = load_trust(EXAMPLE)
    q, fw = trust.questionnaire, trust.framework
    for dim in fw.dimensions:
        items = q.items_for(dim.id)
        assert len(items) >= 2
        for audience in ("workforce", "leaders_managers"):
            assert sum(i.asked_of(audience) for i in items) >= 2, (dim.id, audience)
    assert any(i.audiences == ("leaders_managers",) for i in q.items)
    assert any(i.reverse for i in q.items)
    assert all(i.text_children for i in q.items if i.asked_of("children_young_people"))
    assert [n.code for n in q.non_answers] == ["DK", "NA"]


def test_search_path_prefers_owcf_trust_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             tiny: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_workspace("oxfordshire").name == "oxfordshire"  # bundled examples, last resort
    mine = tmp_path / "mine"
    (mine / "oxfordshire").mkdir(parents=True)
    write(mine / "oxfordshire" / "trust.yaml", (tiny / "trust.yaml").read_text())
    monkeypatch.setenv("OWCF_TRUST_PATH", str(mine))
    assert find_workspace("oxfordshire") == (mine / "oxfordshire").resolve()


def test_trusts_folder_comes_before_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             tiny: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for folder in ("trusts", "examples"):
        write(tmp_path / folder / "tinytown" / "trust.yaml", "schema: owcf-trust/1\n")
    assert find_workspace("tinytown") == (tmp_path / "trusts" / "tinytown").resolve()


def test_unknown_trust_suggests_a_near_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OwcfError) as caught:
        find_workspace("oxfordshir")
    assert caught.value.problems[0].code == "file-not-found"
    assert "did you mean 'oxfordshire'" in str(caught.value)


def _tailor(tiny: Path, lines: str) -> None:
    """Replace the tiny trust's questionnaire block with ``base`` plus ``lines``."""
    trust_yaml = tiny / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text().replace(
        "questionnaire:\n  base: questionnaire.yaml\n",
        "questionnaire:\n  base: questionnaire.yaml\n" + lines))


def test_tailoring_drops_rewords_and_adds_items(tiny: Path) -> None:
    _tailor(tiny,
        "  drop: [s2]\n"
        "  reword:\n"
        "    - {id: v1, text: Our local wording}\n"
        "  add:\n"
        "    - {id: local1, dimension: planning, text: A local item, audiences: [leaders]}\n")
    trust = load_trust(tiny)
    ids = [i.id for i in trust.questionnaire.items]
    assert "s2" not in ids and ids[-1] == "local1"
    v1 = next(i for i in trust.questionnaire.items if i.id == "v1")
    assert v1.text == "Our local wording" and v1.text_children == "One for children"
    # the base file is untouched
    assert "s2" in (tiny / "questionnaire.yaml").read_text()


def test_tailoring_mistakes_are_reported_with_lines(tiny: Path) -> None:
    _tailor(tiny,
        "  drop: [v9]\n"
        "  add:\n"
        "    - {id: v1, dimension: planning, text: Clashes}\n"
        "    - {id: local2, dimension: nowhere, text: Lost}\n")
    with pytest.raises(OwcfError) as caught:
        load_trust(tiny)
    found = {(p.code, p.line) for p in caught.value.problems}
    assert {("unknown-item", 7), ("duplicate-id", 9), ("unknown-dimension", 10)} <= found


# -- the release: status, period, contact, provenance; evidence participant counts --------

def test_bundled_example_declares_its_status_and_what_is_not_real() -> None:
    trust = load_trust(EXAMPLE)
    assert trust.status == "draft"
    # no assessment_period in the file: the plan's first start to its last end
    assert [d.isoformat() for d in trust.period] == ["2010-01-25", "2010-06-01"]
    assert trust.round_name == "2010" and [b.round for b in trust.baselines] == ["2009"]
    assert [d.isoformat() for d in load_trust(ROUND_2009).period] == ["2009-01-23",
                                                                      "2009-06-01"]
    assert trust.provenance.not_real() == {"responses": "synthetic", "targets": "illustrative",
                                           "evidence": "illustrative",
                                           "population": "illustrative",
                                           "actions": "illustrative"}
    assert [e.participant_count for e in trust.evidence] == [14, 3]


def test_release_fields_are_read_as_written(tiny: Path) -> None:
    trust_yaml = tiny / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text() + (
        "status: final\n"
        "assessment_period: {start: 2009-01-05, end: 2009-03-31}\n"
        "contact: Tinytown workforce team\n"
        "provenance: {responses: synthetic, note: Made for the tests.}\n"))
    trust = load_trust(tiny)
    assert trust.status == "final" and trust.contact == "Tinytown workforce team"
    assert [d.isoformat() for d in trust.period] == ["2009-01-05", "2009-03-31"]
    assert trust.provenance.not_real() == {"responses": "synthetic"}
    assert trust.provenance.note == "Made for the tests."


def test_a_trust_that_says_nothing_is_a_real_draft(tiny: Path) -> None:
    trust = load_trust(tiny)
    assert trust.status == "draft" and trust.provenance.not_real() == {}
    assert [d.isoformat() for d in trust.period] == ["2009-01-01", "2009-02-01"]


@pytest.mark.parametrize(("lines", "code", "line"), [
    ("status: finished\n", "invalid-value", 27),
    ("assessment_period: {start: 2009-04-01, end: 2009-03-31}\n", "date-order", 27),
    ("assessment_period: {start: 2009-04-01}\n", "missing-field", 27),
    ("provenance:\n  targets: made up\n", "invalid-value", 28),
    ("provenance:\n  answers: synthetic\n", "unknown-key", 28),
    ("evidence:\n  - id: w\n    kind: focus_group\n    date: 2009-02-01\n"
     "    participant_count: 0\n    ratings: {vision: 2}\n", "value-out-of-range", 31),
    ("evidence:\n  - id: w\n    kind: focus_group\n    date: 2009-02-01\n"
     "    participant_count: twelve\n    ratings: {vision: 2}\n", "wrong-type", 31),
])
def test_release_and_evidence_mistakes_name_their_line(tiny: Path, lines: str, code: str,
                                                       line: int) -> None:
    trust_yaml = tiny / "trust.yaml"
    assert len(trust_yaml.read_text().splitlines()) == 26  # what follows starts on line 27
    trust_yaml.write_text(trust_yaml.read_text() + lines)
    with pytest.raises(OwcfError) as caught:
        load_trust(tiny)
    assert (code, line) in {(p.code, p.line) for p in caught.value.problems}, \
        caught.value.problems


def test_evidence_without_a_participant_count_is_a_warning(tiny: Path) -> None:
    from owcf.workspace.validate import validate_paths

    trust_yaml = tiny / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text() + (
        "evidence:\n  - id: w\n    kind: focus_group\n    date: 2009-02-01\n"
        "    ratings: {vision: 2}\n"))
    assert load_trust(tiny).evidence[0].participant_count is None
    report = validate_paths([tiny])
    assert report.ok
    warning = next(p for p in report.problems if p.code == "missing-participant-count")
    assert warning.severity == "warning" and warning.line == 28
    assert "count as one person's judgement" in warning.message


@pytest.mark.parametrize(("lines", "where"), [
    ("disclosure:\n  min_cell: {t}\n", "min_cell"),
    ("disclosure:\n  min_cell: 5\n  min_cell_by_audience: {{leaders: {t}}}\n",
     "min_cell for 'leaders'"),
])
def test_a_threshold_of_2_is_refused_where_it_is_set(tiny: Path, lines: str, where: str) -> None:
    """A figure withheld as fewer than 2 is 1: such a threshold would protect nothing, so
    a trust may not set it (1, publish everything, and 3 or more are fine)."""
    trust_yaml = tiny / "trust.yaml"
    base = trust_yaml.read_text()
    trust_yaml.write_text(base + lines.format(t=2))
    with pytest.raises(OwcfError) as caught:
        load_trust(tiny)
    (problem,) = caught.value.problems
    assert (problem.code, problem.line) == ("value-out-of-range", lines.count("\n") + 26)
    assert problem.message.startswith(f"{where} cannot be 2: a figure withheld as fewer than 2 "
                                      "is 1, so nothing would be protected")
    for fine in (1, 3):
        trust_yaml.write_text(base + lines.format(t=fine))
        assert load_trust(tiny).disclosure.min_cell in (fine, 5)
