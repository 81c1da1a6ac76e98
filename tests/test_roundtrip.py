"""The questionnaire out and the answers back: for each platform owcf writes a
questionnaire file for, the export that platform would produce for a survey made from
that file (tests/platform_exports.py, from the platform's documented export layout)
gives, through `owcf analyse` with no mapping file, the numbers the same answers give in
owcf's own layout. The XLSForm and LimeSurvey surveys serve every audience in one form,
asking items in adult and in children's wording: each comes back as one response set."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.errors import ProblemLog
from owcf.ingest.pipeline import ingest
from owcf.model.workspaces import load_trust
from owcf.workspace.questionnaire import questionnaire_files

from .conftest import TINY_FRAMEWORK, rounded, write
from .platform_exports import (
    Respondent,
    Truth,
    kobo_export,
    limesurvey_export,
    owcf_layout,
    qualtrics_export,
)

runner = CliRunner()

#: items for every audience with plain wording, one for adults only with a long id
#: (LimeSurvey shortens it), one for leaders only, a reverse item, and one asked of
#: children with no plain wording (they see the adult words); children's answer labels
QUESTIONNAIRE = """\
schema: owcf-questionnaire/1
id: round-trip
name: Round-trip questionnaire
framework: tiny
answer_scale:
  - {value: 1, label: Strongly disagree, label_children: "No, not at all"}
  - {value: 2, label: Disagree, label_children: Not really}
  - {value: 3, label: Agree, label_children: "Yes, mostly"}
  - {value: 4, label: Strongly agree, label_children: "Yes, definitely"}
non_answers:
  - {code: DK, label: "Don't know"}
  - {code: NA, label: Not applicable}
items:
  - id: vision_shared
    dimension: vision
    text: Partners in our area share one vision for children.
    text_children: The adults who help you want the same good things for you.
  - id: vision_known
    dimension: vision
    text: I could explain our area's vision in my own words.
    text_children: I know what the adults who help me are trying to do.
    reverse: true
  - id: values_respect
    dimension: values
    text: Colleagues from other services respect my work.
    text_children: People who help me listen to what I say.
  - id: values_fair
    dimension: values
    text: Services in this area treat families fairly.
  - id: values_leaders_model_the_shared_values_every_day
    dimension: values
    text: Leaders model the shared values every day.
    audiences: [leaders]
  - id: planning_joint
    dimension: planning
    text: We plan the workforce together across services.
    audiences: [staff, leaders]
  - id: planning_data
    dimension: planning
    text: Workforce data is shared between partners.
    audiences: [leaders]
"""

TRUST = """\
schema: owcf-trust/1
id: roundtrip
name: Round Trip Children's Trust
framework: framework.yaml
questionnaire: questionnaire.yaml
disclosure: {min_cell: 1}
plan:
  tests:
    - {id: survey, kind: questionnaire, end: 2025-03-31, participants: {audiences: [staff]}}
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "trusts" / "roundtrip"
    write(root / "framework.yaml", TINY_FRAMEWORK)
    write(root / "questionnaire.yaml", QUESTIONNAIRE)
    write(root / "trust.yaml", TRUST)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OWCF_TRUST_PATH", raising=False)
    return root


def _truth(root: Path) -> Truth:
    trust = load_trust(root)
    return Truth(trust.framework, trust.questionnaire)


def respondents(truth: Truth, n: int = 90, seed: int = 13) -> list[Respondent]:
    """Realistic answers, seeded: each audience's items answered on the scale, "don't
    know", "not applicable" or left blank; some comments, one with a comma, quotes and a
    line break; workforce groups for the adults (a few leave it blank)."""
    rng = random.Random(seed)
    audiences = [a.id for a in truth.framework.audiences]
    groups = [g.id for g in truth.framework.workforce_groups]
    comments = ["", "", "", "More joint training, please.",
                'We need "one plan", not three.\nAnd time to meet.']
    out = []
    for k in range(n):
        audience = audiences[k % len(audiences)]
        children = truth.framework.audience(audience).children
        group = "" if children or rng.random() < 0.15 else rng.choice(groups)
        answers = {item.id: rng.choices(["1", "2", "3", "4", "DK", "NA", ""],
                                        [3, 3, 4, 3, 1, 1, 1])[0]
                   for item in truth.questionnaire.items if item.asked_of(audience)}
        out.append(Respondent(f"R{k + 1:03d}", audience, group, answers, rng.choice(comments)))
    return out


def analysed(*files: Path) -> dict[str, object]:
    """`owcf analyse FILES --trust roundtrip --by audience --format json`, less the file
    names (the only thing that differs)."""
    result = runner.invoke(app, ["analyse", *map(str, files), "--trust", "roundtrip", "--by",
                                 "audience", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "mapping" not in result.stderr and "unknown-column" not in result.stderr
    data = json.loads(result.stdout)
    data.pop("sources")
    return rounded(data)  # type: ignore[return-value]  # rounded keeps a dict a dict


def reference(root: Path, people: Sequence[Respondent], truth: Truth) -> dict[str, object]:
    path = write(root.parent.parent / "owcf-layout.csv", owcf_layout(people, truth))
    return analysed(path)


def generated(root: Path, to: str, audience: str | None = None) -> dict[str, Path]:
    """The questionnaire files owcf writes, saved as the trust would upload them."""
    files = questionnaire_files(load_trust(root), to, audience)
    out = {}
    for name, data in files.items():
        out[name] = root.parent.parent / name
        out[name].write_bytes(data)
    return out


@pytest.mark.parametrize(("headers", "suffix"), [("xml", ".csv"), ("labels", ".xlsx")],
                         ids=["kobo-csv-xml-names", "kobo-xlsx-labels"])
def test_xlsform_comes_back_from_kobotoolbox_with_the_same_numbers(
        workspace: Path, headers: str, suffix: str) -> None:
    truth = _truth(workspace)
    people = respondents(truth)
    (form,) = generated(workspace, "xlsform").values()
    export = workspace.parent.parent / f"kobo-export{suffix}"
    heading, _ = kobo_export(form, people, truth, headers, export)
    # one form for every audience: an item asked of children is there in both wordings
    wordings = [h for h in heading if h.split("/")[-1].startswith("vision_shared")] \
        if headers == "xml" else [h for h in heading if h in (
            truth.questionnaire.items[0].text, truth.questionnaire.items[0].text_children)]
    assert len(wordings) == 2
    assert analysed(export) == reference(workspace, people, truth)


@pytest.mark.parametrize("headings", ["codes", "text"],
                         ids=["limesurvey-codes", "limesurvey-full-text"])
def test_limesurvey_structure_comes_back_with_the_same_numbers(workspace: Path,
                                                               headings: str) -> None:
    truth = _truth(workspace)
    people = respondents(truth)
    (structure,) = generated(workspace, "limesurvey").values()
    export = workspace.parent.parent / "limesurvey-export.csv"
    limesurvey_export(structure, people, truth, headings, export)
    assert analysed(export) == reference(workspace, people, truth)


def test_qualtrics_surveys_come_back_with_the_same_numbers(workspace: Path) -> None:
    """One survey per audience (the Advanced Format has no routing); their exports read
    as one set give the numbers of all the answers in owcf's layout."""
    truth = _truth(workspace)
    people = respondents(truth)
    files = generated(workspace, "qualtrics")
    assert sorted(files) == ["roundtrip-leaders-qualtrics.txt", "roundtrip-staff-qualtrics.txt",
                             "roundtrip-young_people-qualtrics.txt"]
    exports = []
    for audience in (a.id for a in truth.framework.audiences):
        export = workspace.parent.parent / f"qualtrics-{audience}.csv"
        qualtrics_export(files[f"roundtrip-{audience}-qualtrics.txt"],
                         [p for p in people if p.audience == audience], truth, export)
        exports.append(export)
    assert analysed(*exports) == reference(workspace, people, truth)


def test_a_form_for_one_audience_records_the_audience_without_asking(workspace: Path) -> None:
    truth = _truth(workspace)
    people = [p for p in respondents(truth) if p.audience == "young_people"]
    (form,) = generated(workspace, "xlsform", "young_people").values()
    export = workspace.parent.parent / "kobo-children.xlsx"
    heading, _ = kobo_export(form, people, truth, "labels", export)
    assert "Which of these best describes you?" not in heading
    assert analysed(export) == reference(workspace, people, truth)
    (structure,) = generated(workspace, "limesurvey", "young_people").values()
    export = workspace.parent.parent / "limesurvey-children.csv"
    limesurvey_export(structure, people, truth, "codes", export)
    assert analysed(export) == reference(workspace, people, truth)


def test_one_form_for_every_audience_is_one_response_set(workspace: Path) -> None:
    """The adult and children's columns of an item are read as one: every response is
    accepted, and the children's answers are the item's."""
    truth = _truth(workspace)
    people = respondents(truth, n=30)
    (form,) = generated(workspace, "xlsform").values()
    export = workspace.parent.parent / "kobo.csv"
    kobo_export(form, people, truth, "xml", export)
    log = ProblemLog()
    result = ingest(export, truth.questionnaire, truth.framework, log)
    assert result is not None and not log.errors, log.problems
    assert result.counts()["rows_rejected"] == 0
    column = result.plan.items["vision_shared"]
    assert " or " in column.label and "vision_shared_children" in column.label
    codes = {"1": 1, "2": 2, "3": 3, "4": 4, "DK": 5, "NA": 6, "": 0}
    assert result.responses.answers["vision_shared"].tolist() == [
        codes[p.answers.get("vision_shared", "")] for p in people]
