"""Generate the SYNTHETIC Oxfordshire questionnaire responses, one file per round.

The numbers are made up but shaped like a real return: two questionnaire waves with the
dates and participants of Oxfordshire's 2009 plan, leaders rating integration higher than
frontline staff, children and young people lower, some "don't know", "not applicable"
and blank answers, a few people who stopped part way, a locality for each respondent,
and free-text comments. Each person has a general view and a view of each dimension, so
items of one dimension agree with each other about as well as real questionnaire items.

Round 2009 is the trust's first (rounds/2009/responses.csv, its baseline); round 2010
(responses.csv) asks new people a year later, with the same "true" positions except the
dimensions in :data:`CHANGES`: some really improved, one fell back, the rest unchanged.

    python examples/oxfordshire/generate_responses.py [--round 2010] [--out FILE] [--seed 2009]

The same seed and round always write the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np

from owcf.errors import ProblemLog
from owcf.model.framework import read_framework
from owcf.model.questionnaire import read_questionnaire
from owcf.resources import default_framework_path, default_questionnaire_path

HERE = Path(__file__).resolve().parent

WAVE_1 = (dt.datetime(2009, 1, 23, 8), dt.datetime(2009, 3, 31, 18))
WAVE_2 = (dt.datetime(2009, 4, 1, 8), dt.datetime(2009, 5, 29, 18))
ROUNDS = (2009, 2010)
#: how far the "true" position of a dimension moved from 2009 to 2010 (the focus areas of
#: the 2009 plan improved; recruitment fell back as vacancies went unfilled)
CHANGES = {"information_sharing": 0.45, "newly_qualified_staff": 0.5,
           "multi_agency_training": 0.4, "common_assessment": 0.35, "recruitment": -0.4}
# (workforce group, wave, frontline staff, leaders and managers)
GROUPS = [
    ("early_years", WAVE_1, 78, 14),
    ("education", WAVE_1, 96, 18),
    ("health", WAVE_1, 70, 13),
    ("lscb", WAVE_1, 16, 9),
    ("social_family_community", WAVE_1, 74, 14),
    ("integrated_youth_support", WAVE_2, 38, 8),
    ("sport_culture", WAVE_2, 24, 6),
]
CHILDREN = 142
# Oxfordshire's children's services worked in three localities (area board groupings)
LOCALITIES = ["North", "Central", "South"]
LOCALITY_SHARE = [0.3, 0.4, 0.3]
AUDIENCE_SHIFT = {"workforce": 0.0, "leaders_managers": 0.5, "children_young_people": -0.3}
GROUP_SHIFT = {"early_years": 0.15, "education": -0.2, "health": -0.1, "lscb": 0.25,
               "social_family_community": 0.1, "integrated_youth_support": 0.2,
               "sport_culture": -0.25, None: 0.0}
# chance of each non-answer per asked item, by audience: (don't know, not applicable, blank)
NON_ANSWER = {"workforce": (0.05, 0.02, 0.02), "leaders_managers": (0.02, 0.01, 0.01),
              "children_young_people": (0.08, 0.03, 0.04)}
COMMENTS = {
    "workforce": [
        "We still fill in different referral forms for each service.",
        "Multi-agency training last year was really useful; more please.",
        "Hard to know who the lead professional is for some families.",
        "Information sharing with health has improved since the locality meetings started.",
        "Supervision is often cancelled when caseloads are high.",
        "I'd like more time to meet colleagues from other services.",
    ],
    "leaders_managers": [
        "The area board teams are starting to make a difference.",
        "We need better workforce data from the voluntary sector.",
        "Recruitment of experienced social workers remains our biggest risk.",
        "Joint commissioning is helping but pooled budgets are small.",
    ],
    "children_young_people": [
        "My key worker really listens to me.",
        "I had to tell my story lots of times.",
        "The youth centre staff and school talk to each other which helps.",
        "Nobody asked what we thought about the changes.",
    ],
}


def _when(rng: np.random.Generator, wave: tuple[dt.datetime, dt.datetime], n: int) -> list[str]:
    span = (wave[1] - wave[0]).total_seconds()
    offsets = np.sort(rng.uniform(0, span, n))
    return [(wave[0] + dt.timedelta(seconds=int(s))).isoformat() for s in offsets]


def _a_year_on(wave: tuple[dt.datetime, dt.datetime], years: int
               ) -> tuple[dt.datetime, dt.datetime]:
    return (wave[0].replace(year=wave[0].year + years),
            wave[1].replace(year=wave[1].year + years))


def generate(seed: int = 2009, round_: int = 2009) -> list[dict[str, str]]:
    """The synthetic respondents of one round as CSV rows (column name -> text)."""
    log = ProblemLog()
    framework = read_framework(default_framework_path(), log)
    questionnaire = read_questionnaire(default_questionnaire_path(), log, framework)
    log.raise_if_errors()
    assert framework is not None and questionnaire is not None
    rng = np.random.default_rng(seed)
    dims = [d.id for d in framework.dimensions]
    # where the trust "really" is on each dimension: mostly developing to established
    truth = dict(zip(dims, rng.uniform(2.3, 3.7, len(dims)), strict=True))
    years = round_ - ROUNDS[0]
    if years:  # a later round: the same trust moved on, and other people answer
        truth = {d: t + CHANGES.get(d, 0.0) for d, t in truth.items()}
        rng = np.random.default_rng([seed, round_])

    people: list[tuple[str, str | None, str]] = []
    for group, wave, staff, leaders in GROUPS:
        times = _when(rng, _a_year_on(wave, years), staff + leaders)
        audiences = ["workforce"] * staff + ["leaders_managers"] * leaders
        rng.shuffle(audiences)
        people += [(a, group, t) for a, t in zip(audiences, times, strict=True)]
    people += [("children_young_people", None, t) for t in _when(rng, _a_year_on(WAVE_2, years), CHILDREN)]
    people.sort(key=lambda p: p[2])

    rows = []
    for number, (audience, group, submitted) in enumerate(people, start=1):
        person = rng.normal(0, 0.45)
        stops_after = len(questionnaire.items)
        if rng.random() < 0.05:  # gave up part way through
            stops_after = int(rng.integers(10, len(questionnaire.items)))
        dk, na, blank = NON_ANSWER[audience]
        locality = LOCALITIES[int(rng.choice(len(LOCALITIES), p=LOCALITY_SHARE))]
        view = dict(zip(dims, rng.normal(0, 0.55, len(dims)), strict=True))
        row = {"respondent_id": f"OX{number:04d}", "audience": audience,
               "workforce_group": group or "", "locality": locality, "submitted": submitted}
        for position, item in enumerate(questionnaire.items):
            draw = rng.random()
            latent = (truth[item.dimension] + AUDIENCE_SHIFT[audience] + GROUP_SHIFT[group]
                      + person + view[item.dimension] + rng.normal(0, 0.5))
            if not item.asked_of(audience) or position >= stops_after or draw < blank:
                row[item.id] = ""
            elif draw < blank + dk:
                row[item.id] = "DK"
            elif draw < blank + dk + na:
                row[item.id] = "NA"
            else:
                answer = int(np.clip(np.rint(latent), 1, 5))
                row[item.id] = str(6 - answer if item.reverse else answer)
        pool = COMMENTS[audience]
        row["comment"] = pool[int(rng.integers(len(pool)))] if rng.random() < 0.2 else ""
        rows.append(row)
    return rows


def write(rows: list[dict[str, str]], out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", type=int, choices=ROUNDS, default=ROUNDS[-1])
    parser.add_argument("--out", type=Path, help="default: responses.csv for the latest "
                        "round, rounds/ROUND/responses.csv for an earlier one")
    parser.add_argument("--seed", type=int, default=2009)
    args = parser.parse_args()
    out = args.out or (HERE / "responses.csv" if args.round == ROUNDS[-1]
                       else HERE / "rounds" / str(args.round) / "responses.csv")
    rows = generate(args.seed, args.round)
    write(rows, out)
    print(f"wrote {len(rows)} respondents to {out}")


if __name__ == "__main__":
    main()
