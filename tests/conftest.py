"""Small fixtures: a tiny framework unlike the bundled one (two colours, a four-level
scale, a 1-4 answer scale), so every test also proves owcf is not tied to owcf.yaml."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from owcf.cli import BLAS_THREADS

# CI runs the same examples every time, so a landing never hangs on a random draw; local
# runs keep exploring new ones (and hypothesis replays any failure it has found before).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The tests keep no suppression pattern on disk (owcf.stats.cache): never in the user's
# cache, and never one read back that another owcf or a mutant worked out (mutmut runs
# every mutant from one source file, which the key names). tests/test_pattern_cache.py
# gives its tests folders of their own.
os.environ["OWCF_CACHE_DIR"] = ""

# As the command line does (owcf.cli.main); pytest reads this file before any test
# imports numpy (a script that imports it later, as benchmarks/ do, keeps its own).
for name in BLAS_THREADS:
    os.environ.setdefault(name, "1")

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "oxfordshire"
#: the example's first round (its baseline): tests written against the 2009 figures use it
ROUND_2009 = EXAMPLE / "rounds" / "2009"

TINY_FRAMEWORK = """\
schema: owcf-framework/1
id: tiny
name: Tiny framework
scale:
  name: Position
  levels:
    - {value: 1, id: low, label: Low}
    - {value: 2, id: fair, label: Fair}
    - {value: 3, id: high, label: High}
    - {value: 4, id: top, label: Top}
audiences:
  - {id: staff, name: Staff}
  - {id: leaders, name: Leaders}
  - {id: young_people, name: Young people, children: true}
workforce_groups:
  - {id: health, name: Health}
  - {id: schools, name: Schools}
colours:
  - id: red
    name: Red
    theme: Purpose
    hex: "#C62828"
    description: Shared purpose.
    dimensions:
      - id: vision
        name: Vision
        description: A shared vision.
        levels: {low: a, fair: b, high: c, top: d}
      - id: values
        name: Values
        description: Shared values.
        levels: {low: a, fair: b, high: c, top: d}
  - id: blue
    name: Blue
    theme: Planning
    hex: "#1565C0"
    description: Workforce planning.
    dimensions:
      - id: planning
        name: Planning
        description: Joint planning.
        levels: {low: a, fair: b, high: c, top: d}
"""

TINY_QUESTIONNAIRE = """\
schema: owcf-questionnaire/1
id: tiny-q
name: Tiny questionnaire
framework: tiny
answer_scale:
  - {value: 1, label: Strongly disagree}
  - {value: 2, label: Disagree}
  - {value: 3, label: Agree}
  - {value: 4, label: Strongly agree}
non_answers:
  - {code: DK, label: "Don't know"}
  - {code: NA, label: Not applicable}
scoring:
  min_answered_fraction: 0.5
items:
  - {id: v1, dimension: vision, text: One, text_children: One for children}
  - {id: v2, dimension: vision, text: Two, reverse: true, text_children: Two for children}
  - {id: s1, dimension: values, text: Three, text_children: Three for children}
  - {id: s2, dimension: values, text: Four, audiences: [leaders]}
  - {id: p1, dimension: planning, text: Five, audiences: [staff, leaders]}
  - {id: p2, dimension: planning, text: Six, audiences: [staff, leaders]}
"""

# Hand-checked in tests/test_scoring.py. Reverse item v2: 1<->4, 2<->3.
TINY_RESPONSES = """\
respondent_id,audience,workforce_group,v1,v2,s1,s2,p1,p2,comment
r1,staff,health,4,1,3,,2,2,fine
r2,staff,schools,3,2,DK,,3,NA,
r3,leaders,health,4,1,4,4,4,3,
r4,young_people,,2,,1,,,,
r5,staff,health,,,,,1,,
"""

TINY_TRUST = """\
schema: owcf-trust/1
id: tinytown
name: Tinytown Children's Trust
framework: framework.yaml
questionnaire:
  base: questionnaire.yaml
responses: [responses.csv]
introduction: Hello from Tinytown.
plan:
  tests:
    - id: survey
      kind: questionnaire
      colours: all
      start: 2009-01-01
      end: 2009-02-01
      participants:
        audiences: [staff, leaders]
        workforce_groups: [health, schools]
targets:
  vision: 3
  values: 3.5
  planning: 3
actions:
  - id: 1
    text: Share the report.
    due: 2009-07-01
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A complete tiny trust workspace folder; returns the folder."""
    root = tmp_path / "tinytown"
    write(root / "framework.yaml", TINY_FRAMEWORK)
    write(root / "questionnaire.yaml", TINY_QUESTIONNAIRE)
    write(root / "responses.csv", TINY_RESPONSES)
    write(root / "trust.yaml", TINY_TRUST)
    return root


@pytest.fixture
def make(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``text`` to ``tmp_path / name`` and return the path."""
    return lambda name, text: write(tmp_path / name, text)


@pytest.fixture
def trust_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny: Path) -> Path:
    """Put the tiny workspace on the trust search path (as ``tinytown``)."""
    monkeypatch.setenv("OWCF_TRUST_PATH", str(tiny.parent))
    monkeypatch.chdir(tmp_path)
    return tiny


def rounded(value: object) -> object:
    """Floats to 9 places, deep: summation order may move the last bits."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


@pytest.fixture(scope="session")
def _rounds_2009(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    base = tmp_path_factory.mktemp("round-2009")
    shutil.copytree(ROUND_2009, base / "oxfordshire")
    return base


@pytest.fixture
def oxfordshire_2009(_rounds_2009: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``--trust oxfordshire`` is the example's 2009 round for this test (a copy, found
    first on $OWCF_TRUST_PATH); returns its workspace folder."""
    monkeypatch.setenv("OWCF_TRUST_PATH", str(_rounds_2009))
    return _rounds_2009 / "oxfordshire"
